/**
 * The checker's acceptance tests on the system machine: each known flaw (README, "What the checker finds") is
 * found with its trace, and `dmaspec check` gives every design a verdict for every property
 * and client behaviour, with exit statuses for broken claims, usage errors and limits.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BehaviourRunJson, CheckJson, DesignRunJson, PropertyVerdictJson } from '../../src/check/json.ts';
import { main } from '../../src/cli/main.ts';
import { checkDesign, type DesignRun } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { designModel } from '../../src/designs/models.ts';
import { BEHAVIOURS, DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import type { TraceStep } from '../../src/check/engine/trace.ts';
import { checkModel } from '../../src/check/engine/check.ts';
import { systemLens } from '../../src/check/system-lens.ts';
import type { SystemModel } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { noRefSurvivesQuiesce, type SystemView } from '../../machines/system/properties.ts';

const result = (run: DesignRun, name: string) => run.results.find((p) => p.name === name)!;
const types = (steps: readonly TraceStep[]) => steps.map((s) => s.event.type);

/** `no-ref-survives-quiesce`, for the reference `thread` re-took with `dma_get_channel`, once its per-CPU inc ran. */
const regotSurvives = (thread: string) => ({
  name: `no-regot-ref-of-${thread}-survives-quiesce`,
  holds: (v: SystemView, m: SystemModel) => {
    const t = m.layout.clients.find((c) => c.name === thread)!.index;
    const counted = v.active(`${thread}.worker.found`) || v.active(`${thread}.worker.used`);
    return noRefSurvivesQuiesce.holds(v, m) || v.context.threads[t].regot === 0 || !counted;
  },
});

describe('known flaws', () => {
  it('rfc-wait-unheld: a never-releasing slave hangs removal', () => {
    const run = checkDesign(behaviourScenario('never-releases'), designModel('rfc-wait-unheld'));
    const r = result(run, 'removal-completes');
    expect(r.verdict).toBe('violated');
    const t = types(r.trace!.steps);
    expect(t).toContain('slave0.request');
    expect(t).toContain('ioh0.eject');
    expect(t).not.toContain('slave0.release');
    expect(t).not.toContain('ioh0.free');
    // The slave still holds its channel at the end.
    expect(r.trace!.steps.some((s) => s.changes.some((c) => c.name === 'ioat0.privatecnt' && c.to === 1))).toBe(true);
  });

  it('rfc-wait (rfc-base-kept): with cooperative clients, a dmaengine_get user loaded at unregister hangs removal', () => {
    const r = result(checkDesign(behaviourScenario('cooperative'), designModel('rfc-wait')), 'removal-completes');
    expect(r.verdict).toBe('violated');
    const t = types(r.trace!.steps);
    expect(t.indexOf('net0.get')).toBeGreaterThan(-1);
    expect(t.indexOf('net0.get')).toBeLessThan(t.indexOf('ioh0.unregister'));
    expect(t).not.toContain('ioh0.free');
    expect(t).not.toContain('ioh0.putRefs'); // RFC 3/7 has no such step
  });

  it('rfc-wait: the false-zero sum lets a counted reference survive the quiesce (migrating client)', () => {
    const s: Scenario = { ...behaviourScenario('migrating'), quiesceThreshold: 1 };
    const model = systemFor(s);
    // The quiesce ended on a zero sum while the per-CPU counts do not sum to zero and a
    // thread past its key test holds a channel of the device. (A finder that incs after its
    // CPU was read also ends the loop on a false zero, with no migration; it is still before
    // its key test here, so this property leaves it to the preempted-finder test below.)
    const tested = (v: SystemView, t: string) => v.active(`${t}.worker.found`) || v.active(`${t}.worker.used`);
    const falseZero = {
      name: 'quiesce-ends-on-a-true-zero',
      holds: (v: SystemView, m: SystemModel) =>
        !v.active('ioh0.quiesce.ended') ||
        v.context.ref.reduce((a, x) => a + x, 0) === 0 ||
        m.layout.clients.every((c) => !tested(v, c.name) || v.context.threads[c.index].chan < 0),
    };
    const r = checkModel(model, { safety: [falseZero], liveness: [] }, { lens: (cm) => systemLens(model, cm) }).results[0];
    expect(r.verdict).toBe('violated');
    const steps = r.trace!.steps;
    // A client migrates between its inc and its put, and the quiescer reads the CPUs around it.
    const migrate = steps.findIndex((x) => x.event.type.endsWith('.migrate'));
    expect(migrate).toBeGreaterThan(0);
    const mover = steps[migrate].thread;
    const inc = steps.findIndex((x) => x.event.type === `${mover}.inc`);
    // Its decrement: dma_put_channel at put, or (net_dma_find_channel returning NULL, 3/7
    // hunk @@ -316,10 +354,15 @@) its own this_cpu_dec at the key test.
    const put = steps.findIndex((x, i) => i > migrate && x.thread === mover && x.changes.some((c) => c.name.startsWith('ref[')));
    expect(inc).toBeGreaterThan(-1);
    expect(inc).toBeLessThan(migrate);
    expect(put).toBeGreaterThan(migrate);
    const reads = steps.map((x, i) => (x.event.type === 'ioh0.read' ? i : -1)).filter((i) => i >= 0);
    expect(reads.some((i) => i < inc)).toBe(true);
    expect(reads.some((i) => i > put)).toBe(true);
    // The put ran on another CPU than the inc.
    expect(steps[put].cpu).not.toBe(steps[inc].cpu);
  });

  it('rfc-wait: a finder preempted after its table read outlives the quiesce, with no migration and no cached pointer', () => {
    const r = result(checkDesign(behaviourScenario('cooperative'), designModel('rfc-wait')), 'no-ref-survives-quiesce');
    expect(r.verdict).toBe('violated');
    const t = types(r.trace!.steps);
    expect(t).not.toContain('net0.migrate');
    expect(t.indexOf('net0.find')).toBeLessThan(t.indexOf('ioh0.keyOn'));
    expect(t).not.toContain('net0.inc'); // never counted: every sum read zero
    expect(t.at(-1)).toBe('ioh0.read');
  });

  it('rfc-wait-unheld: the same finder then tests the key after key-off and uses the freed channel', () => {
    const r = result(checkDesign(behaviourScenario('cooperative'), designModel('rfc-wait-unheld')), 'no-use-after-free');
    expect(r.verdict).toBe('violated');
    const t = types(r.trace!.steps);
    expect(t).not.toContain('net0.migrate');
    expect(t.indexOf('net0.find')).toBeLessThan(t.indexOf('ioh0.keyOn'));
    expect(t.indexOf('net0.test')).toBeGreaterThan(t.indexOf('ioh0.keyOff'));
    expect(t.at(-1)).toBe('net0.use');
  });

  it('rfc-wait: a re-got cached pointer survives the quiesce: its dirty mark is cleared and its inc falls between two reads', () => {
    const s = behaviourScenario('caches-pointer');
    const model = systemFor({ ...s, design: 'rfc-wait' });
    const r = checkModel(model, { safety: [regotSurvives('atx0')], liveness: [] }).results[0];
    expect(r.verdict).toBe('violated');
    const t = types(r.trace!.steps);
    // async_tx re-gets under get_cpu(): the key flip cannot land inside it (kernel review D2
    // is not an execution). Shortest now: the re-get sees the key on and marks dirty, the
    // quiescer's clearDirty (another CPU) wipes the mark before its tick, and the inc lands
    // between two per-CPU reads of the round that reaches the threshold.
    const reget = t.indexOf('atx0.reget');
    expect(reget).toBeGreaterThan(t.indexOf('ioh0.keyOn'));
    expect(t[reget + 1]).toBe('atx0.dirty');
    expect(t.indexOf('ioh0.clearDirty', reget)).toBeGreaterThan(reget + 1);
    const inc = t.lastIndexOf('atx0.inc');
    expect(inc).toBeGreaterThan(t.lastIndexOf('ioh0.tick'));
    expect(t[inc - 1]).toBe('ioh0.read');
    expect(t.at(-1)).toBe('ioh0.read');

    // The re-get after key-off (nothing marks dirty) is the scripted trace in test/machines/flaws.test.ts.
  });

  it('baseline: unregister frees a channel under its user', () => {
    const r = result(checkDesign(DEFAULT_SCENARIO, designModel('baseline')), 'no-use-after-free');
    expect(r.verdict).toBe('violated');
    const last = r.trace!.steps.at(-1)!;
    expect(last.changes.find((c) => c.name === 'violations')?.to).toEqual(expect.arrayContaining([expect.stringMatching(/^use-after-free:/)]));
  });

  it("baseline: the shortest use after free is net_dma's copy after unregister's channel loop freed chan->local (3.6 dmaengine.c:851, :941)", () => {
    // Before the driver frees anything: the first loop iteration's free_percpu(chan->local)
    // is enough, as net_dma's dma_async_memcpy_* writes this_cpu_ptr(chan->local).
    const r = result(checkDesign(DEFAULT_SCENARIO, designModel('baseline')), 'no-use-after-free');
    expect(r.verdict).toBe('violated');
    expect(types(r.trace!.steps)).toEqual(['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'net0.use']);
    const loop = r.trace!.steps[4]!;
    expect(loop.changes.map((c) => [c.name, c.from, c.to])).toContainEqual(['ioat0.0.local', true, false]);
    const last = r.trace!.steps.at(-1)!;
    expect(last.changes.find((c) => c.name === 'violations')?.to).toEqual(['use-after-free:net0:ioat0.0']);
    expect(r.trace!.steps.flatMap((s) => s.changes).some((c) => c.name === 'ioat0.freed')).toBe(false);
  });

  it('rfc-wait with CPU hotplug: the quiesce under dma_list_mutex and cpu_up deadlock (ABBA)', () => {
    const s: Scenario = { ...DEFAULT_SCENARIO, name: 'cpu-hotplug', clients: [], cpuHotplug: true };
    const r = result(checkDesign(s, designModel('rfc-wait')), 'deadlock-free');
    expect(r.verdict).toBe('violated');
    const t = types(r.trace!.steps);
    expect(t).toContain('ioh0.unregister');
    expect(t.at(-1)).toBe('cpu.online');
    expect(t).not.toContain('ioh0.keyOn');
    // baseline drops the mutex inside unregister: no deadlock.
    expect(result(checkDesign(s, designModel('baseline')), 'deadlock-free').verdict).toBe('holds');
  });
});

/** Runs the CLI, capturing stdout; returns [exit status, stdout, stderr]. */
async function cli(args: string[]): Promise<[number, string, string]> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return [await main(['check', ...args]), out, err];
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

// Every field of the shared JSON types, kept complete by the compiler (`satisfies`).
const CHECK_KEYS = {
  scenario: 1,
  scenarioText: 1,
  symmetry: 1,
  designs: 1,
  behaviours: 1,
  complete: 1,
  partial: 1,
  exitStatus: 1,
  warnings: 1,
  timings: 1,
} satisfies Record<keyof CheckJson, 1>;
const DESIGN_RUN_KEYS = {
  design: 1,
  complete: 1,
  states: 1,
  transitions: 1,
  searches: 1,
  assumptionsMet: 1,
  unmetAssumptions: 1,
  assumptions: 1,
  brokenClaims: 1,
  uncheckedClaims: 1,
  results: 1,
} satisfies Record<keyof DesignRunJson, 1>;
const BEHAVIOUR_RUN_KEYS = {
  design: 1,
  complete: 1,
  states: 1,
  searches: 1,
  violated: 1,
  unknown: 1,
  vacuous: 1,
  brokenClaims: 1,
  uncheckedClaims: 1,
  assumptionsMet: 1,
} satisfies Record<keyof BehaviourRunJson, 1>;
const VERDICT_KEYS = {
  name: 1,
  kind: 1,
  verdict: 1,
  claimed: 1,
  vacuous: 1,
  witnessSteps: 1,
  unknownBecause: 1,
  omission: 1,
  assumptionsNotChecked: 1,
  avoiding: 1,
  trace: 1,
  replay: 1,
} satisfies Record<keyof PropertyVerdictJson, 1>;

describe('dmaspec check', () => {
  afterEach(() => vi.restoreAllMocks());

  // npm start's whole run (every design on the standard scenario, then every behaviour): the
  // suite's largest single test, bounded by its work (about 50 CPU-s), not by time; its timeout
  // only catches a hang (at load 20 it took 200 s, past vitest.config.ts's 180 s).
  it('gives every design a verdict on every property and every client behaviour; a broken claim exits 1', async () => {
    const [status, out] = await cli(['--json']);
    const doc = JSON.parse(out);
    expect(doc.designs.length).toBeGreaterThanOrEqual(2);
    for (const d of doc.designs) {
      expect(d.complete).toBe(true);
      for (const p of d.results) expect(['holds', 'violated', 'n/a']).toContain(p.verdict);
    }
    expect(doc.behaviours.map((b: { behaviour: string }) => b.behaviour)).toEqual([...BEHAVIOURS]);
    for (const b of doc.behaviours) expect(b.designs.length).toBe(doc.designs.length);
    const rfc = doc.designs.find((d: { design: string }) => d.design === 'rfc-wait');
    expect(rfc.brokenClaims).toContain('no-ref-survives-quiesce');
    expect(status).toBe(1);
    expect(doc.exitStatus).toBe(1);
    // Timings only in their own field: the rest is deterministic.
    expect(JSON.stringify({ ...doc, timings: undefined })).not.toMatch(/seconds/);
    // The document has the fields src/check/json.ts declares, no others (the renderer reads those types).
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(doc)).toEqual(keys(CHECK_KEYS).filter((k) => k !== 'partial'));
    for (const d of doc.designs) {
      expect(keys(d)).toEqual(keys(DESIGN_RUN_KEYS));
      for (const p of d.results) expect(keys(p).every((k) => k in VERDICT_KEYS)).toBe(true);
    }
    for (const b of doc.behaviours) for (const d of b.designs) expect(keys(d)).toEqual(keys(BEHAVIOUR_RUN_KEYS));
  }, 1_800_000);

  it('--exit-zero reports the same verdicts but exits 0 (what npm start runs)', async () => {
    const args = ['--design', 'rfc-wait', '--scenario', 'caches-pointer', '--json'];
    const [failing, out] = await cli(args);
    const [zero, outZero] = await cli([...args, '--exit-zero']);
    expect(failing).toBe(1);
    expect(zero).toBe(0);
    const strip = (o: string) => JSON.stringify({ ...JSON.parse(o), timings: undefined });
    expect(strip(outZero)).toBe(strip(out));
  });

  it('checks a user design module; claims that hold exit 0', async () => {
    const [status, out] = await cli(['--design', 'test/check/fixtures/user-design.ts', '--scenario', 'cooperative']);
    expect(out).toMatch(/warn-and-free/);
    expect(out).toMatch(/table-names-listed-channels\s+│ holds \*/);
    expect(status).toBe(0);
  });

  it('refuses a module that is not a design (exit 2)', async () => {
    const [status, , err] = await cli(['--design', 'test/check/fixtures/not-a-design.ts']);
    expect(status).toBe(2);
    expect(err).toMatch(/module: must export exactly one design \(export default \{ model, strategy\? \}, or a DesignModel/);
  });

  it('names bad arguments (exit 2)', async () => {
    expect((await cli(['--design', 'nope']))[0]).toBe(2);
    expect((await cli(['--threshold', '0']))[0]).toBe(2);
    expect((await cli(['--scenario', 'nowhere']))[0]).toBe(2);
  });

  it('stops at the state limit with unknown verdicts (exit 3)', async () => {
    const [status, out] = await cli(['--design', 'baseline', '--scenario', 'cooperative', '--max-states', '50', '--json']);
    const doc = JSON.parse(out);
    expect(doc.designs[0].complete).toBe(false);
    expect(doc.designs[0].results.some((p: { verdict: string }) => p.verdict === 'unknown')).toBe(true);
    expect(status).toBe(3);
  });

  it('replays counterexamples on the implementation', async () => {
    const [, out] = await cli(['--design', 'baseline', '--scenario', 'cooperative', '--json']);
    const uaf = JSON.parse(out).designs[0].results.find((p: { name: string }) => p.name === 'no-use-after-free');
    expect(uaf.replay).toEqual({ reproduced: true, steps: uaf.trace.steps.length });
  });
});
