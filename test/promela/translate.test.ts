/**
 * The translation is the machine: on every reachable state of small scenarios under every
 * design, each step's decision tree enables exactly the events the checker's stepper
 * enables and writes exactly the successor it computes; the property trees give the
 * properties' verdicts. (SPIN's own run of the printed model: test/external/spin.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { Stepper } from '../../src/check/engine/stepper.ts';
import type { CompiledTransition } from '../../src/check/engine/compile.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { NET_AND_SLAVE, TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { evaluateTree, type Tree, type Value } from '../../src/check/engine/rules/decision-tree.ts';
import { rangesOf, rowInputs } from '../../src/promela/ranges.ts';
import { translate } from '../../src/check/engine/rules/translate.ts';
import { LIVENESS, SAFETY } from '../../machines/system/properties.ts';
import type { PropertySet } from '../../src/check/engine/properties.ts';
import { loadDesignFile } from '../../src/designs/load.ts';
import { DESIGN_FILES } from '../designs/fixtures/files/index.ts';

/** `a` and `b` hold the same values. */
const same = (a: readonly Value[], b: readonly Value[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

const props = { safety: SAFETY, liveness: LIVENESS } as unknown as PropertySet;

// Design files too (loaded as `--design FILE` loads them, their rules wrapped to blame the design):
// a rule's run on the probe must not turn into an error leaf.
const files = await Promise.all(DESIGN_FILES.map(async (f) => [TWO_DEVICES, (await loadDesignFile(f, TWO_DEVICES)).model] as const));

describe('decision trees against the checker, state by state', () => {
  // Every design on one CPU and two devices; the RFC's hot path also on two CPUs with migration.
  const cases = [...Object.values(DESIGNS).map((d) => [TWO_DEVICES, d.model] as const), [NET_AND_SLAVE, DESIGNS['rfc-wait'].model] as const, ...files];
  for (const [scenario, design] of cases)
    it(`${scenario.name} under ${design.name}`, () => {
      const model = buildSystem(scenario, design);
      const cm = compileMachine(model);
      const ranges = rangesOf(cm);
      const t = translate(cm, props, ranges.inputs);
      const x = ranges.exploration;
      const inputsOf = (slots: ArrayLike<number>): Value[] => rowInputs(cm, slots, x.coder.bytes);
      const stepper = new Stepper(cm, x.coder);
      const row = x.store.newRow();
      const out = x.store.newRow();
      const evs = new Int32Array(cm.events.length);
      const taken: CompiledTransition[] = [];
      let compared = 0;
      for (let id = 0; id < x.states; id++) {
        x.store.get(id, row);
        stepper.load(row.slots);
        const n = stepper.enabled(evs, taken);
        const inputs = inputsOf(row.slots);
        const byTree = new Map<number, Value[]>();
        for (const s of t.steps) {
          if (row.slots[s.region] !== s.leaf) continue;
          const r = evaluateTree(s.tree, (i) => inputs[i]);
          expect(r.kind).not.toBe('error');
          if (r.kind !== 'on') continue;
          const next = [...inputs];
          for (const [i, v] of r.writes) next[i] = v;
          if (r.target >= 0) next[s.region] = r.target;
          byTree.set(s.eventIndex, next);
        }
        // The timer rule (machines/model.ts `timerRule`), which the model leaves to SPIN's `timeout`.
        const timers = cm.model.timers;
        const others = [...byTree.keys()].some((e) => !timers?.has(cm.events[e].type));
        const enabled = [...byTree.keys()].filter((e) => !others || !timers?.has(cm.events[e].type)).sort((a, b) => a - b);
        // expect() only on a difference: it costs more than the trees (every comparison still made).
        const byStepper = [...evs.slice(0, n)].sort((a, b) => a - b);
        if (!same(enabled, byStepper)) expect(enabled).toEqual(byStepper);
        for (let k = 0; k < n; k++) {
          stepper.successor(evs[k], taken[k], out.slots);
          const want = inputsOf(out.slots);
          const got = byTree.get(evs[k]);
          if (!got || !same(got, want)) expect(got).toEqual(want);
          compared++;
        }
        const byTreeOf = (tree: Tree<boolean>) => evaluateTree(tree, (i) => inputs[i]);
        t.safety.forEach((p, k) => {
          const want = SAFETY[k].holds(stepper.view as never, model as never);
          if (byTreeOf(p.tree) !== want) expect(byTreeOf(p.tree), `${p.name} in state ${id}`).toBe(want);
        });
        const final = model.isFinal(stepper.view);
        if (byTreeOf(t.final) !== final) expect(byTreeOf(t.final), `final in state ${id}`).toBe(final);
      }
      expect(compared).toBe(x.transitions);
    });
});
