/**
 * Properties of your own: a design's `properties` (claimed by it) and `--property FILE`
 * modules (checked beside the built-in ones under every design, never claims), with their
 * triggers, on one thread and on the parallel search's workers, and every mistake in them a
 * design error (exit 2) before anything is explored. SPIN's verdicts on them:
 * test/external/spin-design-files.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { checkDesign } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { loadDesignFile } from '../../src/designs/load.ts';
import { withPropertyFiles } from '../../src/designs/load-properties.ts';
import { designOf } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runInProcess } from '../cli/harness.ts';

const PROPS = 'examples/properties/release-callbacks.ts';
const EXAMPLE = 'examples/designs/free-before-ack.ts';
const cooperative = behaviourScenario('cooperative');

interface Result {
  name: string;
  verdict: string;
  claimed: boolean;
  vacuous?: boolean;
  trace?: { steps: { event: { type: string } }[] };
}
const resultsOf = (out: string): Result[] => JSON.parse(out).designs[0].results;
const named = (rs: Result[], name: string) => rs.find((r) => r.name === name)!;

describe('--property FILE', () => {
  it('is checked beside the built-in properties, with its trigger, and is not the design claim', async () => {
    const r = await runInProcess(['check', '--design', EXAMPLE, '--property', PROPS, '--scenario', 'cooperative', '--json']);
    const rs = resultsOf(r.out);
    // The built-in safety properties, then the file's; the built-in liveness ones, then the file's.
    expect(rs.map((x) => x.name).slice(6, 10)).toEqual(['table-names-listed-channels', 'no-oops', 'callbacks-before-free', 'deadlock-free']);
    expect(rs.at(-1)!.name).toBe('asked-client-answers');
    const cb = named(rs, 'callbacks-before-free');
    expect(cb).toMatchObject({ verdict: 'violated', claimed: false });
    // The shortest trace ends at the free, with the slave still asked.
    expect(cb.trace!.steps.at(-1)!.event.type).toBe('ioh0.free');
    expect(named(rs, 'asked-client-answers')).toMatchObject({ verdict: 'violated', claimed: false });
    // Exit 1 comes from the design's own claim (no-use-after-free), not from the file's properties.
    expect(JSON.parse(r.out).designs[0].brokenClaims).toEqual(['no-use-after-free']);
  });

  it('holds under notifier, which waits for the acks; vacuously under baseline, which asks nobody', async () => {
    const r = await runInProcess(['check', '--design', 'notifier', '--property', PROPS, '--scenario', 'cooperative', '--json']);
    expect(named(resultsOf(r.out), 'callbacks-before-free')).toMatchObject({ verdict: 'holds', vacuous: false });
    expect(named(resultsOf(r.out), 'asked-client-answers')).toMatchObject({ verdict: 'holds', vacuous: false });
    const b = await runInProcess(['check', '--design', 'baseline', '--property', PROPS, '--scenario', 'cooperative', '--json']);
    expect(named(resultsOf(b.out), 'callbacks-before-free')).toMatchObject({ verdict: 'holds', vacuous: true });
  });

  it('the parallel search loads the file again in each worker: the same verdicts and traces as one thread', async () => {
    const design = await withPropertyFiles(designOf('notifier'), [PROPS], cooperative);
    const example = await withPropertyFiles(await loadDesignFile(EXAMPLE, cooperative), [PROPS], cooperative);
    for (const d of [design, example]) {
      const one = checkDesign(cooperative, d, { workers: 1 });
      const two = checkDesign(cooperative, d, { workers: 2, handOver: { minLevel: 1, waitForWorkers: true } });
      const strip = (x: typeof one) => x.results.map((p) => [p.name, p.verdict, p.vacuous, p.trace?.steps.map((s) => s.event)]);
      expect(two.searches[0]!.workers).toBe(2);
      expect(strip(two)).toEqual(strip(one));
      expect(one.results.map((p) => p.name)).toContain('callbacks-before-free');
    }
  });

  it('the Promela export asserts them as it asserts the built-in ones', async () => {
    const design = await withPropertyFiles(await loadDesignFile(EXAMPLE, cooperative), [PROPS], cooperative);
    const x = exportPromela(cooperative, design.model, { properties: design.extraProperties!.list });
    expect(x.checks).toContain('callbacks-before-free');
    expect(x.violated).toContain('callbacks-before-free');
    expect(x.text).toMatch(/never asked_client_answers|asked_client_answers/);
  });
});

describe("a design's own properties", () => {
  it('are claims: violated in a scenario that meets the assumptions, the check exits 1', async () => {
    const r = await runInProcess(['check', '--design', 'test/designs-user/fixtures/own-property.ts', '--scenario', 'cooperative', '--json']);
    expect(r.status).toBe(EXIT.violated);
    expect(named(resultsOf(r.out), 'callbacks-before-free')).toMatchObject({ verdict: 'violated', claimed: true });
    expect(JSON.parse(r.out).designs[0].brokenClaims).toEqual(['callbacks-before-free']);
  });
});

describe('mistakes in properties are design errors (exit 2), found before the search', () => {
  const fixture = (f: string) => `test/designs-user/fixtures/properties/${f}`;
  it.each([
    ['clash.ts', /property no-use-after-free: is the name of a built-in property/],
    ['throws.ts', /property reads-nothing: holds throws .*; it must read only fields the context has/],
    ['no-trigger.ts', /property no-trigger: has no trigger \{ text, reached \}; .*\n$/],
    ['not-boolean.ts', /property counts: goal returns number, not a boolean; return true or false\n$/],
    ['nothing.ts', /module: exports no property/],
  ])('%s', async (file, message) => {
    const r = await runInProcess(['check', '--design', 'notifier', '--property', fixture(file), '--scenario', 'cooperative']);
    expect(r.status).toBe(EXIT.usage);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  it('twice the same file: the second one names a property defined twice', async () => {
    const r = await runInProcess(['check', '--design', 'notifier', '--property', PROPS, '--property', PROPS, '--scenario', 'cooperative']);
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toMatch(/property callbacks-before-free: is defined twice/);
  });
});
