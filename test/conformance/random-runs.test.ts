/**
 * fast-check runs. (1) The system machine as the model of fc.commands: long random runs
 * (hundreds of steps, busy clients that never finish) where xstate's pure transition gives
 * the expected state and the implementation must match it after every step; a planted bug
 * is found and shrunk to a short run. (2) Random thread interleavings of the implementation
 * alone, with the observable safety properties checked after every step: they hold where
 * the design's assumptions hold, and the known flaws are found, shrunk and shown where
 * they do not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemFor } from '../../src/designs/registry.ts';
import { ASYNC_TX_ONLY, TWO_DEVICES, withDesign } from '../../machines/small-scenarios.ts';
import { DmaEngine } from '../../src/core/dmaengine.ts';
import { System } from '../../src/system/system.ts';

import { systemAdapter } from '../../src/mbt/adapters/system.ts';
import { eventLabel as describeStep, eventThread } from '../../spec/vocabulary.ts';
import { brokenInvariant } from '../../src/mbt/invariants.ts';
import { conformsOnRandomRuns } from '../../src/mbt/model-run.ts';
import { ConformanceError } from '../../src/mbt/replay.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';

/** The default scenario with every client busy and never releasing: runs never end by themselves. */
const BUSY: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'busy',
  clients: DEFAULT_SCENARIO.clients.map((c) => ({ ...c, busy: true, releases: false })),
};

const adapterFor = (s: Scenario) => {
  const model = systemFor(s);
  return { model, adapter: systemAdapter({ model, layout: model.layout, design: model.design, implScenario: s }) };
};

describe('fc.commands: the system machine as the model of the implementation', () => {
  for (const design of ['baseline', 'rfc-wait'] as const)
    it(`random runs of hundreds of steps agree after every step (busy clients, ${design})`, () => {
      const { model, adapter } = adapterFor({ ...BUSY, design });
      const lengths: number[] = [];
      fc.assert(
        conformsOnRandomRuns(model, adapter, 400, (n) => lengths.push(n)),
        { seed: 4242, numRuns: 8 },
      );
      expect(Math.max(...lengths)).toBeGreaterThanOrEqual(300);
      console.log(`${design}: ${lengths.length} runs, ${lengths.reduce((a, b) => a + b, 0)} steps, longest ${Math.max(...lengths)}`);
    });

  it('finds and shrinks a planted bug (dma_chan_put that never frees resources)', () => {
    const { model, adapter } = adapterFor(DEFAULT_SCENARIO);
    const original = DmaEngine.prototype.dmaChanPut;
    DmaEngine.prototype.dmaChanPut = function (this: DmaEngine, chan) {
      chan.clientCount--; // the planted bug: device_free_chan_resources is never called
    };
    try {
      const out = fc.check(conformsOnRandomRuns(model, adapter, 200), { seed: 99, numRuns: 200 });
      expect(out.failed).toBe(true);
      const err = out.errorInstance as ConformanceError;
      expect(err).toBeInstanceOf(ConformanceError);
      expect(err.field).toMatch(/^\$\.channels\[\d\]\.resources$/);
      // Shrunk: a handful of steps, ending in the put that should have freed.
      expect(err.path.length).toBeLessThanOrEqual(8);
      expect(err.path[err.stepIndex].type).toMatch(/\.(release|free|putRefs)$/);
      console.log(`planted bug, shrunk counterexample (${err.path.length} steps): ${err.path.map(describeStep).join(', ')}`);
    } finally {
      DmaEngine.prototype.dmaChanPut = original;
    }
  });
});

/**
 * One slice of a schedule: thread `thread` (modulo the threads with an enabled step) runs
 * up to `burst` steps, taking its `choice`-th enabled step each time. Bursts let one thread
 * run far ahead of another, as a preempting scheduler may, which a step-by-step coin flip
 * almost never does (the quiesce loop alone is a dozen steps).
 */
interface Slice {
  readonly thread: number;
  readonly burst: number;
  readonly choice: number;
}

/** Runs `schedule` on the implementation and returns the first broken invariant, with the trace. */
function interleave(s: Scenario, schedule: readonly Slice[]): { broken: string | null; trace: string[] } {
  const sys = new System(s);
  const trace: string[] = [];
  for (const slice of schedule) {
    const threads = [...new Set(sys.enabledSteps().map((e) => eventThread(e)))];
    if (threads.length === 0) break;
    const thread = threads[slice.thread % threads.length];
    for (let i = 0; i < slice.burst; i++) {
      const mine = sys.enabledSteps().filter((e) => eventThread(e) === thread);
      if (mine.length === 0) break;
      const e = mine[slice.choice % mine.length];
      sys.step(e);
      trace.push(describeStep(e));
      const broken = brokenInvariant(sys.observe(), s);
      if (broken) return { broken, trace };
    }
  }
  return { broken: null, trace };
}

const schedules = fc.array(fc.record({ thread: fc.nat({ max: 7 }), burst: fc.integer({ min: 1, max: 16 }), choice: fc.nat({ max: 7 }) }), {
  minLength: 1,
  maxLength: 40,
});

describe('random interleavings of the implementation, safety properties checked after every step', () => {
  it('hold under rfc-wait for a non-migrating net_dma that keeps its dmaengine_get and a releasing slave', () => {
    // A net_dma that calls dmaengine_put while its worker is between find and use frees
    // the channel under it (no removal needed: dma_chan_put 1 → 0 frees the resources);
    // the next test finds that. Without that release, rfc-wait's claims hold here.
    const [net0, slave0] = TWO_DEVICES.clients;
    const s: Scenario = { ...withDesign(TWO_DEVICES, 'rfc-wait'), clients: [{ ...net0, releases: false }, slave0] };
    fc.assert(
      fc.property(schedules, (picks) => {
        const r = interleave(s, picks);
        if (r.broken) throw new Error(`${r.broken}\n  after ${r.trace.join(', ')}`);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  const [net0, slave0] = TWO_DEVICES.clients;
  const keeper = { ...net0, releases: false };
  // The releasesEarly misuse (dmaengine_put mid-round), where the scenario format has it;
  // a spread, so that this also compiles against a ClientSpec without the field.
  const early = { releasesEarly: true };
  const midRoundPut: Scenario = { ...withDesign(TWO_DEVICES, 'rfc-wait'), clients: [{ ...net0, ...early }, slave0] };
  /** The trace's last atx0 round began with a re-get of the cached pointer, not a find. */
  const lastRoundRegot = (trace: readonly string[]) => trace.lastIndexOf('atx0.reget') > trace.lastIndexOf('atx0.find');
  // [what, scenario, expected violation, a step the trace contains, which violations count]
  const flaws: [string, Scenario, RegExp, string, ((trace: readonly string[]) => boolean)?][] = [
    [
      'rfc-wait: dmaengine_put while the worker is between find and use (no removal at all)',
      midRoundPut,
      /^no-use-after-free: use-after-free:net0:/,
      'net0.release',
    ],
    [
      // rfc-wait-unheld: under rfc-wait (base kept) nothing drops atx0's dmaengine_get
      // reference, so the wait hangs and the device is never freed (D5).
      'rfc-wait-unheld: async_tx re-gets its cached pointer after unregister dropped the references (it never releases early)',
      { ...withDesign(ASYNC_TX_ONLY, 'rfc-wait-unheld'), clients: ASYNC_TX_ONLY.clients.map((c) => ({ ...c, releases: false })) },
      /^no-use-after-free: use-after-free:atx0:/,
      'atx0.reget',
      // Only violations through the re-get: a shorter one exists through the preempted
      // finder (D1: find reads the table before the inc), checked below.
      lastRoundRegot,
    ],
    [
      'baseline: unregister frees a channel its holder still uses',
      { ...withDesign(TWO_DEVICES, 'baseline'), clients: [keeper, slave0] },
      /^no-use-after-free: use-after-free:(net0|slave0):/,
      'ioh0.chanUnregister', // unregister's channel loop: net0's copy writes the freed chan->local (3.6 dmaengine.c:851)
    ],
  ];
  for (const [what, s, expected, step, counts = () => true] of flaws)
    it(`are violated, found and shrunk: ${what}`, () => {
      const out = fc.check(
        fc.property(schedules, (schedule) => {
          const r = interleave(s, schedule);
          return r.broken === null || !counts(r.trace);
        }),
        { seed: 3, numRuns: 2000 },
      );
      expect(out.failed).toBe(true);
      const r = interleave(s, out.counterexample![0]);
      expect(r.broken).toMatch(expected);
      expect(r.trace).toContain(step);
      expect(counts(r.trace)).toBe(true);
      console.log(`${s.design}: ${r.broken}\n  shrunk schedule (${r.trace.length} steps): ${r.trace.join(', ')}`);
    });

  it('are violated, found and shrunk: rfc-wait-unheld: a finder preempted between the table read and the inc (D1)', () => {
    // net_dma's tcp_recvmsg find is preemptible; async_tx's runs under get_cpu() and cannot
    // be preempted there (spec/vocabulary.ts findsPreemptOff).
    const net0 = { ...DEFAULT_SCENARIO.clients[0], migrates: false, rounds: 1, cpu: 1 };
    const s: Scenario = { ...withDesign(ASYNC_TX_ONLY, 'rfc-wait-unheld'), clients: [{ ...net0, releases: false }] };
    const out = fc.check(
      fc.property(schedules, (schedule) => interleave(s, schedule).broken === null),
      { seed: 3, numRuns: 2000 },
    );
    expect(out.failed).toBe(true);
    const r = interleave(s, out.counterexample![0]);
    expect(r.broken).toMatch(/^no-use-after-free: use-after-free:net0:/);
    // The last round's find read the table before the quiesce; its inc came after putRefs
    // (the last dma_chan_put, which frees the channel resources).
    const find = r.trace.lastIndexOf('net0.find');
    expect(find).toBeGreaterThanOrEqual(0);
    expect(r.trace.indexOf('ioh0.keyOn')).toBeGreaterThan(find);
    expect(r.trace.indexOf('ioh0.putRefs')).toBeGreaterThan(find);
    expect(r.trace.indexOf('net0.inc', find)).toBeGreaterThan(r.trace.indexOf('ioh0.putRefs'));
    console.log(`${s.design}: ${r.broken}\n  shrunk schedule (${r.trace.length} steps): ${r.trace.join(', ')}`);
  });
});
