import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { runInProcess } from '../cli/harness.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { checkDesign } from '../../src/check/run.ts';
import { loadDesignFile } from '../../src/designs/load.ts';

describe('the guide’s example design (examples/designs/free-before-ack.ts)', () => {
  it('loads, validates, and is flagged: a holder uses the channel the free took, between the request and its ack', async () => {
    const scenario = behaviourScenario('cooperative');
    const design = await loadDesignFile('examples/designs/free-before-ack.ts', scenario);
    expect(design.model.name).toBe('free-before-ack');
    const run = checkDesign(scenario, design.model);
    const uaf = run.results.find((p) => p.name === 'no-use-after-free')!;
    expect(uaf.verdict).toBe('violated');
    expect(run.brokenClaims).toEqual(['no-use-after-free']);
    const events = uaf.trace!.steps.map((s) => s.event.type);
    // Notified, references dropped at once, and the holder's use comes before any ack.
    expect(events.slice(-4)).toEqual(['ioh0.unregister', 'ioh0.notify', 'ioh0.putRefs', 'net0.use']);
    expect(events).not.toContain('net0.ack');
    // The trace shows the design's own variable moving.
    const notify = uaf.trace!.steps.find((s) => s.event.type === 'ioh0.notify')!;
    expect(notify.changes).toContainEqual(expect.objectContaining({ name: 'net0.told', from: 0, to: 1 }));
  });
});

describe('the guide’s example with its strategy (examples/designs/free-before-ack-replayed.ts)', () => {
  it('every counterexample is replayed on the implementation, and reproduced', async () => {
    const r = await runInProcess(['check', '--design', 'examples/designs/free-before-ack-replayed.ts', '--scenario', 'cooperative', '--json']);
    const results: { name: string; verdict: string; replay?: { reproduced?: boolean; unavailable?: string } }[] = JSON.parse(r.out).designs[0].results;
    const violated = results.filter((p) => p.verdict === 'violated');
    expect(violated.map((p) => p.name)).toContain('no-use-after-free');
    for (const p of violated) expect(p.replay, p.name).toMatchObject({ reproduced: true });
  });

  it('simulate runs it on the implementation through an orderly eject', async () => {
    const r = await runInProcess(['simulate', '--design', 'examples/designs/free-before-ack-replayed.ts', '--seed', '3']);
    expect(r.err).toBe('');
    expect(r.status).toBe(EXIT.ok);
    expect(r.out).toMatch(/ioh0 +- +notify/);
    expect(r.out).toMatch(/ioh0 +- +free +ioat0.freed false→true/);
    expect(r.out).toMatch(/Run completed/);
  });
});
