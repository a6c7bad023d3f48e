/**
 * The checker's engine is an engine: it checks a machine that has nothing to do with DMA
 * (two-process mutual exclusion, test/check/engine/fixtures/mutex.ts) through the entry
 * point dmaspec's own check uses (src/check/engine/check.ts `checkModel`, which
 * src/check/run.ts `checkDesign` calls): a safety property that holds and one that is
 * violated with its shortest counterexample, a liveness property that holds and one that is
 * violated with its lasso.
 */
import { describe, expect, it } from 'vitest';
import { checkModel, type PropertyResult } from '../../../src/check/engine/check.ts';
import { mutexModel, mutualExclusion, p0Enters } from './fixtures/mutex.ts';

const verdict = (results: readonly PropertyResult[], name: string) => {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no verdict for ${name}`);
  return r;
};
const events = (r: PropertyResult) => r.trace?.steps.map((s) => s.event.type);

describe('the engine on a foreign machine: two-process mutual exclusion', () => {
  it("Peterson's algorithm: mutual exclusion holds, and a process that wants to enter eventually does", () => {
    const r = checkModel(mutexModel('peterson'), { safety: [mutualExclusion], liveness: [p0Enters] });
    expect(r.complete).toBe(true);
    expect(r.explorations[0].states).toBeGreaterThan(10);
    expect(verdict(r.results, 'mutual-exclusion').verdict).toBe('holds');
    expect(verdict(r.results, 'deadlock-free').verdict).toBe('holds');
    expect(verdict(r.results, 'p0-enters').verdict).toBe('holds');
  });

  it('check-then-set: both processes enter, by the shortest interleaving (both look before either raises its flag)', () => {
    const r = checkModel(mutexModel('check-then-set'), { safety: [mutualExclusion], liveness: [] });
    const me = verdict(r.results, 'mutual-exclusion');
    expect(me.verdict).toBe('violated');
    expect(events(me)).toEqual(['p0.check', 'p1.check', 'p0.set', 'p1.set']);
    expect(me.trace?.steps.at(-1)?.changes).toContainEqual({ name: 'flag[1]', from: 0, to: 1 });
  });

  it('test-and-set: exclusive, but process 0 can wait for ever while process 1 keeps taking the lock (a weakly fair lasso)', () => {
    const r = checkModel(mutexModel('test-and-set'), { safety: [mutualExclusion], liveness: [p0Enters] });
    expect(verdict(r.results, 'mutual-exclusion').verdict).toBe('holds');
    const live = verdict(r.results, 'p0-enters');
    expect(live.verdict).toBe('violated');
    const trace = live.trace;
    if (!trace) throw new Error('a liveness violation has a trace');
    expect(trace.end).toBe('cycle');
    const loop = trace.steps.slice(trace.loopStart).map((s) => s.event.type);
    // Round the loop process 1 takes the lock and lets it go; process 0 never takes it.
    expect(loop).toEqual(expect.arrayContaining(['p1.take', 'p1.exit']));
    expect(loop).not.toContain('p0.take');
    expect(events(live)).toContain('p0.want');
  });
});
