/**
 * Partial-order reduction (src/check/engine/por.ts) on machines small enough to count by
 * hand: independent counters, where it provably removes states, and a ticker, where only the
 * cycle proviso keeps a visible step from being ignored for ever.
 */
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../../src/check/engine/compile.ts';
import { type Exploration, explore, PorUnsupported } from '../../../src/check/engine/explore.ts';
import { counterZeroBelow, countersModel, neverBad, tickerModel } from './fixtures/counters.ts';

const eventsTo = (x: Exploration<any>, id: number) => {
  const out: string[] = [];
  for (let s = id; s > 0; s = x.parent[s]) out.unshift(x.cm.events[x.parentEvent[s]].type);
  return out;
};

describe('partial-order reduction on independent counters', () => {
  it('three counters to 2: 4^3 = 64 states in full; reduced, one interleaving of the invisible processes, the same verdicts', () => {
    const cm = compileMachine(countersModel(3, 2));
    const safety = [counterZeroBelow(2)];
    const full = explore(cm, { symmetry: 'none', safety });
    const por = explore(cm, { symmetry: 'none', safety, por: true });
    // Per process: counts 0, 1, 2, then done.
    expect(full.states).toBe(64);
    expect(full.complete && por.complete).toBe(true);
    // p1 and p2 write only their own counters and regions, which nothing else reads: each
    // state expands one of them (p1 to its end, then p2); p0, whose counter the property
    // reads (visible), comes last: the initial state and 3 steps per process.
    expect(por.states).toBe(1 + 3 * 3);
    expect(por.por?.reduced).toBeGreaterThan(0);
    expect([...por.violations.keys()]).toEqual([...full.violations.keys()]);
    expect(por.deadlock < 0).toBe(full.deadlock < 0);
    // The violation is a real run: p0 counts to 2 (after the others, in the reduced graph, so not the shortest).
    const trace = eventsTo(por, por.violations.get('counter-0-below')!);
    expect(trace.filter((e) => e === 'p0.inc')).toHaveLength(2);
    expect(trace.length).toBeGreaterThan(eventsTo(full, full.violations.get('counter-0-below')!).length);
  });

  it('the cycle proviso: p1 ticks for ever, invisible; only a full expansion where the ticks close their cycle reaches p0 breaking the property', () => {
    const cm = compileMachine(tickerModel());
    const por = explore(cm, { symmetry: 'none', safety: [neverBad], por: true });
    const full = explore(cm, { symmetry: 'none', safety: [neverBad] });
    expect(full.violations.has('never-bad')).toBe(true);
    expect(por.violations.has('never-bad')).toBe(true);
    // The ample set {p1.tick} led back to an expanded state: that state was expanded fully.
    expect(por.por?.reduced).toBeGreaterThan(0);
    expect(por.por?.proviso).toBeGreaterThan(0);
    expect(eventsTo(por, por.violations.get('never-bad')!)).toContain('p0.break');
  });

  it('refuses what it does not compose with: symmetry, edges (liveness), a lossy store', () => {
    const cm = compileMachine(countersModel(2, 1));
    expect(() => explore(cm, { symmetry: 'full', safety: [], por: true })).toThrow(PorUnsupported);
    expect(() => explore(cm, { symmetry: 'none', safety: [], por: true, keepEdges: true })).toThrow(/safety only/);
    expect(() => explore(cm, { symmetry: 'none', safety: [], por: true, lossy: { mode: 'hash-compact' } })).toThrow(/exact store/);
  });
});
