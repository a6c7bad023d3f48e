/**
 * A hang names what its waiters wait on (issue 25): each closed step of the last state with
 * its guard and the fields that guard read, named as the trace names them and with the
 * values the trace's own variables end with.
 */
import { describe, expect, it } from 'vitest';
import { checkDesign } from '../../src/check/run.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { designModel } from '../../src/designs/models.ts';
import { traceJson } from '../../src/render/report.ts';
import { endNote } from '../../src/render/liveness-note.ts';

/** The variables after the last step of `t`: the initial ones with every change applied. */
const finalVars = (t: ReturnType<typeof traceJson>) => {
  const v: Record<string, unknown> = { ...t.initial };
  for (const s of t.steps) for (const c of s.changes) v[c.name] = c.to;
  return v;
};

describe('closed steps at the end of a hang', () => {
  const run = checkDesign(DEFAULT_SCENARIO, designModel('rfc-wait'));
  const hang = run.results.find((p) => p.name === 'deadlock-free')!;
  const t = traceJson(hang.trace!);

  it('lists each closed step with its guard and what the guard read, at the values the trace ends with', () => {
    expect(t.end).toBe('deadlock');
    // The RFC's wait_event: the channel loop's first step waits for client_count == 0.
    const free = t.blocked!.find((b) => b.event === 'ioh0.chanUnregister')!;
    expect(free.thread).toBe('ioh0');
    expect(free.guard).toBe('holdersGoneLast'); // the first of the pair holdersGoneLast/More (same reads)
    const vars = finalVars(t);
    const shared = Object.keys(free.reads).filter((k) => !k.startsWith('ioh0.'));
    expect(shared.length).toBeGreaterThan(0);
    // Every field named as the trace's variables name it, with the trace's final value.
    for (const k of shared) expect([k, free.reads[k]]).toEqual([k, vars[k]]);
  });

  it('the hang note says what the waiter waits on', () => {
    const note = endNote(t, finalVars(t))!;
    expect(note).toMatch(/^HANG/);
    expect(note).toMatch(/ioh0\.chanUnregister \(holdersGoneLast\) reads ioat0\.\d\.clientCount = [1-9]/);
    // A guard reading only its own thread's fields is left to the thread's state.
    expect(note).not.toMatch(/net0\.find \(canFind\)/);
  });

  it('a violation ends with no closed-step list', () => {
    const uaf = checkDesign(DEFAULT_SCENARIO, designModel('baseline')).results.find((p) => p.name === 'no-use-after-free')!;
    expect(traceJson(uaf.trace!).blocked).toBeUndefined();
  });
});
