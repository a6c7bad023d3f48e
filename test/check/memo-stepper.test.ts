/**
 * The memo stepper is the stepper: on every reachable state of small scenarios under every
 * design, and of the per-CPU fixture, it enables the events the classic stepper enables, in
 * the same order, writes the same successor rows, and gives the safety properties' verdicts.
 * A rule the probe cannot follow sends its states to the classic stepper; a rule that reads
 * something besides the state is refused.
 */
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { implementations, type Rules, type StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { NET_AND_SLAVE, TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { compileMachine, type CompiledMachine, type CompiledTransition } from '../../src/check/engine/compile.ts';
import { explore } from '../../src/check/engine/explore.ts';
import { MemoStepper, type Taken } from '../../src/check/engine/memo-stepper.ts';
import type { SafetyProperty } from '../../src/check/engine/properties.ts';
import { ReadOrderError, ReadTrie } from '../../src/check/engine/read-trie.ts';
import { Stepper } from '../../src/check/engine/stepper.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { SAFETY } from '../../machines/system/properties.ts';
import { buildPercpu, percpuProperties } from './fixtures/percpu.ts';

/** The first `n` entries of `a` and `b` are equal. */
function same(a: ArrayLike<number>, b: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return a.length >= n && b.length >= n;
}

/** Compares the memo stepper with the classic one on every state `cm` reaches; returns the edges compared. */
function compareOnEveryState(cm: CompiledMachine, safety: readonly SafetyProperty[]): { compared: number; classicStates: number } {
  const x = explore(cm, { symmetry: 'none', safety: [] });
  const classic = new Stepper(cm, x.coder);
  const memo = new MemoStepper(cm, x.coder);
  const checks = memo.properties(safety);
  const row = x.store.newRow();
  const a = x.store.newRow();
  const b = x.store.newRow();
  const evA = new Int32Array(cm.events.length);
  const evB = new Int32Array(cm.events.length);
  const takenA: CompiledTransition[] = [];
  const takenB: Taken[] = [];
  let compared = 0;
  for (let id = 0; id < x.states; id++) {
    x.store.get(id, row);
    classic.load(row.slots);
    memo.load(row);
    const n = classic.enabled(evA, takenA);
    // expect() only on a difference: it costs more than the steps (every comparison still made).
    const m = memo.enabled(evB, takenB);
    if (m !== n || !same(evB, evA, n)) expect([...evB.slice(0, m)]).toEqual([...evA.slice(0, n)]);
    for (let k = 0; k < n; k++) {
      classic.successor(evA[k], takenA[k], a.slots);
      memo.successor(evB[k], takenB[k], b);
      if (!same(b.slots, a.slots, a.slots.length)) expect([...b.slots]).toEqual([...a.slots]);
      compared++;
    }
    safety.forEach((p, k) => {
      const want = p.holds(classic.view, cm.model);
      if (checks.holds(k, row.slots) !== want) expect(checks.holds(k, row.slots), `${p.name} in state ${id}`).toBe(want);
    });
  }
  expect(compared).toBe(x.transitions);
  return { compared, classicStates: memo.classicStates };
}

describe('the memo stepper against the classic stepper, state by state', () => {
  const cases = [...Object.values(DESIGNS).map((d) => [TWO_DEVICES, d.model] as const), [NET_AND_SLAVE, DESIGNS['rfc-wait'].model] as const];
  for (const [scenario, design] of cases)
    it(`${scenario.name} under ${design.name}`, () => {
      const r = compareOnEveryState(compileMachine(buildSystem(scenario, design)), SAFETY as unknown as SafetyProperty[]);
      expect(r.compared).toBeGreaterThan(100);
      // Every built-in rule is one the probe follows: no state needs the classic stepper.
      expect(r.classicStates).toBe(0);
    });
  it('the per-CPU fixture, whose use-after-free the properties see', () => {
    const cm = compileMachine(buildPercpu({ cpus: 2, clients: 2, threshold: 1, migrate: true }));
    const r = compareOnEveryState(cm, percpuProperties.safety);
    expect(r.compared).toBeGreaterThan(100);
    expect(r.classicStates).toBe(0);
  });
});

interface Boxed {
  box: { n: number };
  flag: boolean;
}

/** A one-thread machine whose action replaces an object (outside what the probe follows). */
function boxedModel(): MachineModel<Boxed> {
  const rules: Rules<Boxed> = {
    guards: { small: (c) => c.box.n < 3 },
    actions: {
      replace: (d) => {
        d.box = { n: d.box.n + 1 };
      },
      toggle: (d) => {
        d.flag = !d.flag;
      },
    },
  };
  const machine = setup({ types: {} as { context: Boxed; events: StepEvent }, ...implementations(rules) } as any).createMachine({
    id: 'boxed',
    type: 'parallel',
    context: { box: { n: 0 }, flag: false },
    states: {
      t: {
        id: 't',
        initial: 'run',
        states: { run: { id: 't.run', on: { 't.grow': { guard: 'small', actions: 'replace' }, 't.toggle': { actions: 'toggle' } } } },
      },
    },
  } as any);
  const allEvents: StepEvent[] = [{ type: 't.grow' }, { type: 't.toggle' }];
  return {
    name: 'boxed',
    machine,
    rules,
    threads: ['t'],
    allEvents,
    enabledEvents: (v) => allEvents.filter((e) => e.type !== 't.grow' || v.context.box.n < 3),
    isFinal: () => true,
  };
}

/** Two threads whose events interleave in `allEvents` (a, b, a): event order is not region order. */
function interleavedModel(): MachineModel<{ n: number }> {
  const rules: Rules<{ n: number }> = {
    guards: { low: (c) => c.n < 2 },
    actions: {
      inc: (d) => {
        d.n++;
      },
    },
  };
  const machine = setup({ types: {} as { context: { n: number }; events: StepEvent }, ...implementations(rules) } as any).createMachine({
    id: 'mixed',
    type: 'parallel',
    context: { n: 0 },
    states: {
      a: {
        id: 'a',
        initial: 'x',
        states: { x: { id: 'a.x', on: { 'a.go': { target: 'y', guard: 'low', actions: 'inc' } } }, y: { id: 'a.y', on: { 'a.back': 'x' } } },
      },
      b: { id: 'b', initial: 'x', states: { x: { id: 'b.x', on: { 'b.go': { target: 'y', actions: 'inc' } } }, y: { id: 'b.y' } } },
    },
  } as any);
  const allEvents: StepEvent[] = [{ type: 'a.go' }, { type: 'b.go' }, { type: 'a.back' }];
  return { name: 'mixed', machine, rules, threads: ['a', 'b'], allEvents, enabledEvents: () => allEvents, isFinal: () => true };
}

describe('event order', () => {
  it('events not grouped by region are enabled in event order, as the classic stepper enables them', () => {
    const cm = compileMachine(interleavedModel());
    expect([...cm.eventRegion]).toEqual([0, 1, 0]);
    const r = compareOnEveryState(cm, []);
    expect(r.compared).toBeGreaterThan(4);
    expect(r.classicStates).toBe(0);
  });
});

describe('where the tries cannot follow', () => {
  it('a rule that replaces an object is stepped by the classic stepper, to the same states', () => {
    const cm = compileMachine(boxedModel());
    // 4 box sizes by 2 flags; 6 grow edges (n < 3) and 8 toggles; the 6 states that can grow go to the classic stepper.
    expect(compareOnEveryState(cm, [])).toEqual({ compared: 14, classicStates: 6 });
    expect(explore(cm, { symmetry: 'none', safety: [] }).states).toBe(8);
  });
  it('a function that reads by something besides the row is refused, not memoized wrongly', () => {
    let calls = 0;
    const trie = new ReadTrie<number>(2, -128, (read) => (calls++ % 2 === 0 ? read(0) : read(1)), 'step x');
    const row = new Int8Array([1, 2]);
    expect(trie.get(row)).toBe(1);
    expect(() => trie.get(new Int8Array([5, 2]))).toThrow(ReadOrderError);
  });
});

describe('the read trie', () => {
  it('runs the function once per distinct path, reads only what the path read, and keeps null apart', () => {
    let runs = 0;
    // Reads slot 0; only when it is positive, slot 1.
    const trie = new ReadTrie<string>(
      3,
      -128,
      (read) => {
        runs++;
        const a = read(0);
        return a > 0 ? `a${a}b${read(1)}` : `a${a === -128 ? 'null' : a}`;
      },
      'f',
    );
    const rows = [
      [3, 1, 9],
      [3, 1, 7],
      [3, 2, 0],
      [-2, 5, 5],
      [-128, 0, 0],
      [-5, 0, 0],
      [-2, 6, 6],
    ];
    const got = rows.map((r) => trie.get(new Int8Array(r)));
    expect(got).toEqual(['a3b1', 'a3b1', 'a3b2', 'a-2', 'anull', 'a-5', 'a-2']);
    // [3,1,*] twice and [-2,*,*] twice come from the trie; a value below the first (-5) rebases the children.
    expect(runs).toBe(5);
    expect(trie.leaves).toBe(5);
  });
});
