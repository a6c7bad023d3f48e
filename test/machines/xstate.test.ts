import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  EventNotEnabledError,
  exploreWithXstate,
  ruleRef,
  RuleRefError,
  ruleRefs,
  runWithXstate,
  snapshotKey,
  snapshotView,
  xstateStep,
} from '../../machines/xstate.ts';
import { MACHINES } from '../../src/catalogue.ts';
import { toyModel } from '../mbt/fixture.ts';

describe('machines/xstate.ts, the one xstate adapter', () => {
  it('reads a rule reference by name, with data params', () => {
    expect(ruleRef('canFind', 'here')).toEqual({ type: 'canFind', params: undefined });
    expect(ruleRef({ type: 'canFind', params: { t: 1 } }, 'here')).toEqual({ type: 'canFind', params: { t: 1 } });
  });

  it('refuses a reference that is not a name, naming where it is', () => {
    for (const bad of [() => true, 3, null, { type: 'x', params: () => 1 }, { params: {} }])
      expect(() => ruleRef(bad, 'guard of net0.idle on net0.find[0]')).toThrow(new RuleRefError('guard of net0.idle on net0.find[0]'));
  });

  it('lists the guards and actions a config references, each once', () => {
    const config = {
      on: { a: { guard: 'g1', actions: ['x', { type: 'y', params: { i: 0 } }] } },
      states: { s: { on: { b: [{ guard: { type: 'g2' }, actions: 'x' }, { guard: 'g1' }] } } },
    };
    expect(ruleRefs(config)).toEqual({ guards: ['g1', 'g2'], actions: ['x', 'y'] });
    expect(() => ruleRefs({ on: { a: { guard: () => true } } })).toThrow(/guard of \(machine\) on a\[0\]/);
  });

  it('explores the same graph whether the model or xstate says what is enabled', () => {
    const m = toyModel();
    const byModel = exploreWithXstate(m);
    const byXstate = exploreWithXstate(m, { enabled: 'xstate' });
    expect(byModel.states.length).toBeGreaterThan(1);
    expect(byModel.states.map((s) => s.key)).toEqual(byXstate.states.map((s) => s.key));
    expect(byModel.edges).toEqual(byXstate.edges);
    // A released snapshot is rebuilt from its key.
    expect(snapshotView(byModel.states.at(-1)!.snapshot).context).toEqual(JSON.parse(byModel.states.at(-1)!.key)[1]);
  });

  it("steps as xstate's own transition on every edge of every catalogue machine (one actor scope per machine)", () => {
    let edges = 0;
    const differences: string[] = [];
    // The system machine itself is left out for time (36k edges); the per-concern machines are
    // its projections (its regions and rules: parallel regions, guarded assigns) and the
    // conformance and kernel replays run its paths through the same stepper.
    for (const entry of MACHINES.filter((m) => m.name !== 'system')) {
      const model = entry.build(entry.smallScenario);
      const graph = exploreWithXstate(model, { keepSnapshots: true, limit: 20_000 });
      const step = xstateStep(model.machine);
      for (const e of graph.edges) {
        const from = graph.states[e.from].snapshot;
        const ours = snapshotKey(step(from, e.event));
        const theirs = snapshotKey(transition(model.machine, from, e.event as never)[0]);
        edges++;
        // One expect per difference, not per edge (thousands of edges).
        if (ours !== theirs || ours !== graph.states[e.to].key) differences.push(`${entry.name}: ${JSON.stringify(e.event)} from state ${e.from}`);
      }
    }
    expect(edges).toBeGreaterThan(1000);
    expect(differences).toEqual([]);
  });

  it('runs events and names the first one xstate refuses', () => {
    const m = toyModel();
    const first = m.enabledEvents(snapshotView(runWithXstate(m, [])))[0]!;
    expect(() => runWithXstate(m, [first, first])).toThrow(EventNotEnabledError);
  });
});
