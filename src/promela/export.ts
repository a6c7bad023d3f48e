/**
 * `dmaspec export --format promela`: a scenario under a design as a Promela model SPIN
 * checks to the same states, transitions, safety and liveness verdicts as dmaspec (without
 * symmetry reduction, which SPIN does not have). The rules are translated by exhaustive
 * evaluation over the ranges the scenario's reachable states span
 * (src/check/engine/rules/decision-tree.ts, src/promela/ranges.ts): xstate's semantics, as the
 * checker's compiled form runs it, stay the reference.
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';
import { compileMachine } from '../check/engine/compile.ts';
import type { Limits } from '../check/engine/limits.ts';
import type { PropertySet } from '../check/engine/properties.ts';
import { type AnyProperty, propertiesWith, SAFETY } from '../../machines/system/properties.ts';
import { buildSystem, type SystemContext } from '../../machines/system/index.ts';
import type { DesignModel } from '../../machines/system/design.ts';
import { GHOST_STATE } from '../../machines/system/context.ts';
import type { Scenario } from '../scenario.ts';
import { emitPromela, MODEL_CHECKS } from './emit.ts';
import { initialInputs, rangesOf, widenRanges } from './ranges.ts';
import { evaluateTree } from '../check/engine/rules/decision-tree.ts';
import { translate } from '../check/engine/rules/translate.ts';
import { refuseUntranslatable } from './untranslatable.ts';

/** Every check an exported model of a design without properties of its own reports, by name: the safety properties, then {@link MODEL_CHECKS}. */
export const CHECKS: readonly string[] = [...SAFETY.map((p) => p.name), ...MODEL_CHECKS];

/** What an export produced, with the figures SPIN's run is compared against. */
export interface PromelaExport {
  readonly text: string;
  /** dmaspec's states and transitions of the same state space (no symmetry). */
  readonly states: number;
  readonly transitions: number;
  /** Whether dmaspec's search (the source of the ranges) was complete. */
  readonly complete: boolean;
  /** Distinct decision-tree nodes. */
  readonly nodes: number;
  readonly steps: number;
  /** The compiled machine's event index of each exported step, in `EN_<k>` order (a SPIN trail maps back through it). */
  readonly stepEvents: readonly number[];
  /** The event of each exported step, in the same order. */
  readonly events: readonly StepEvent[];
  readonly seconds: number;
  /** dmaspec's violated safety properties in this search (`deadlock-free` included), as SPIN should report them. */
  readonly violated: readonly string[];
  /** Safety properties the initial state violates (SPIN's assertions judge the states after steps). */
  readonly failsAtStart: readonly string[];
  /** Every check the model reports, by name (as {@link CHECKS}, with the design's own and `properties`' safety properties). */
  readonly checks: readonly string[];
}

/** Exports `scenario` under `design`, with the built-in properties, the design's own and `opts.properties` (a `--property` file's). */
export function exportPromela(
  scenario: Scenario,
  design: DesignModel,
  opts: { maxStates?: number; limits?: Limits; properties?: readonly AnyProperty[]; rangeWalks?: number } = {},
): PromelaExport {
  const t0 = performance.now();
  const model = buildSystem(scenario, design);
  const cm = compileMachine(model);
  const props: PropertySet<SystemContext> = propertiesWith([...(design.properties ?? []), ...(opts.properties ?? [])]);
  const ranges = rangesOf(cm, { ...opts, walks: opts.rangeWalks, safety: props.safety });
  const x = ranges.exploration;
  let inputs = ranges.inputs;
  let t = translate(cm, props, inputs);
  // An incomplete search: one step's more values (src/promela/ranges.ts widenRanges).
  const wider = x.complete ? undefined : widenRanges(inputs, t);
  if (wider) {
    inputs = wider;
    t = translate(cm, props, inputs);
  }
  refuseUntranslatable(design.name, cm, t.steps, x);
  // SPIN asserts after every step; the initial state is judged here, by the same trees.
  const start = initialInputs(cm);
  const violated = [...x.violations.keys(), ...(x.deadlock >= 0 ? ['deadlock-free'] : [])];
  const failsAtStart = t.safety.filter((p) => !evaluateTree(p.tree, (i) => start[i])).map((p) => p.name);
  const text = emitPromela(cm, inputs, t, {
    header: [
      `dmaspec export --format promela: scenario ${scenario.name}, design ${design.name}.`,
      `dmaspec (no symmetry) found ${x.states} states and ${x.transitions} transitions${x.complete ? '' : ' before a limit stopped it (the ranges below are of those states, of seeded random runs, and one step beyond)'}.`,
      `Ghost variables (history the properties read; no guard or step depends on them, machines/system/context.ts GHOST_STATE): ${GHOST_STATE.map((g) => g.path).join(', ')}.`,
      `dmaspec's safety verdicts${x.complete ? '' : ' so far'}: ${violated.length ? `violated ${violated.join(', ')}` : 'every property holds, deadlock freedom too'}.`,
      failsAtStart.length
        ? `The initial state already violates: ${failsAtStart.join(', ')}.`
        : 'Every safety property holds in the initial state (checked at export; SPIN checks every later state).',
      'Run: spin -a -o2 model.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan -c0 -n   (SPIN counts the initial state as one more transition).',
      "Liveness: spin -a -o2 -DLTL model.pml && gcc -O2 -DNOREDUCE -DNOFAIR -o pan pan.c && ./pan -a -A -N removal_completes   (no -f: each never claim carries dmaspec's fairness per thread).",
    ],
  });
  return {
    text,
    violated,
    failsAtStart,
    checks: [...props.safety.map((p) => p.name), ...MODEL_CHECKS],
    states: x.states,
    transitions: x.transitions,
    complete: x.complete,
    nodes: t.nodes,
    steps: t.steps.length,
    stepEvents: t.steps.map((s) => s.eventIndex),
    events: t.steps.map((s) => s.event),
    seconds: (performance.now() - t0) / 1000,
  };
}
