/**
 * `dmaspec check` without the command line: checks a scenario under a design with every
 * property of machines/system/properties.ts and its reachability witness (a `holds` whose trigger is
 * never reached is vacuous), weighs the design's claims (src/designs/<name>/model.ts)
 * against its stated assumptions, and replays each counterexample on the implementation.
 * @module
 */
import { buildSystem, type SystemContext } from '../../machines/system/index.ts';
import type { DesignModel } from '../../machines/system/design.ts';
import { type AnyProperty, PROPERTIES, propertiesWith } from '../../machines/system/properties.ts';
import type { Design } from '../designs/design.ts';
import type { Scenario } from '../scenario.ts';
import { checkModel, type CheckOptions, type ExplorationStats, type PropertyResult } from './engine/check.ts';
import type { CompiledMachine } from './engine/compile.ts';
import type { PropertySet } from './engine/properties.ts';
import { ownProperties, searchSafety, systemRecipe } from './recipe.ts';
import { replayTrace, type Implementation, type ReplayResult } from './replay.ts';
import { systemLens } from './system-lens.ts';
import type { Trace } from './engine/trace.ts';
import { splitWitnesses, weighWitness } from './witness.ts';

/** Replay outcome, or why there was none. */
export type ReplayOutcome = ReplayResult | { readonly unavailable: string };

/** A property verdict within a design run. */
export interface DesignPropertyResult extends PropertyResult {
  /** The design claims this property (src/designs/<name>/model.ts `claims`). */
  readonly claimed: boolean;
  readonly replay?: ReplayOutcome;
  /**
   * true: it holds only because its trigger (machines/system/properties.ts) is never reached here; false:
   * the trigger was reached; absent: not known (a limit, a violation, or deadlock-free).
   */
  readonly vacuous?: boolean;
  /** The trigger, in words (every property but deadlock-free). */
  readonly trigger?: string;
  /** The shortest trace to the trigger, when it was reached. */
  readonly witness?: Trace;
  /**
   * A claimed property violated by a counterexample that takes a step one of the design's
   * prose (unchecked) assumptions is about: those assumptions' texts. The violation is
   * then no broken claim: the checker cannot say whether the run breaks them.
   */
  readonly assumptionsNotChecked?: readonly string[];
  /**
   * The counterexample is the shortest run that takes none of these events (the steps of a
   * prose assumption the shortest run of all took): it meets that assumption.
   */
  readonly avoiding?: readonly string[];
}

/** What the checker can say of an assumption on this scenario. */
export type AssumptionStatus = 'met' | 'not met' | 'stated, not checked';

/** One assumption of a design, weighed against a scenario. */
export interface AssumptionResult {
  readonly text: string;
  /**
   * `met` / `not met`: its client flags against the scenario's clients; `stated, not
   * checked`: prose only (no flag expresses it), so the reader must judge it.
   */
  readonly status: AssumptionStatus;
}

/** The check of one design on one scenario. */
export interface DesignRun {
  readonly design: string;
  readonly title: string;
  readonly scenario: Scenario;
  readonly results: readonly DesignPropertyResult[];
  /** The scenario's clients meet every assumption the design's claims rest on. */
  readonly assumptionsMet: boolean;
  readonly unmetAssumptions: readonly string[];
  /** Every assumption of the design with what the checker can say of it. */
  readonly assumptions: readonly AssumptionResult[];
  /**
   * Claimed properties violated in a scenario that meets the assumptions, by a run that
   * takes no step a prose assumption is about ({@link proseAssumptionsTouched}).
   */
  readonly brokenClaims: readonly string[];
  /** Claimed properties violated only by runs the checker cannot weigh against a prose assumption. */
  readonly uncheckedClaims: readonly string[];
  readonly complete: boolean;
  /** Each search: the safety BFS, and the liveness search when the model needs its own. */
  readonly searches: readonly ExplorationStats[];
  /** States of the safety BFS. */
  readonly states: number;
  readonly transitions: number;
  /** Whole check: compile, explorations, liveness, traces, replays. */
  readonly seconds: number;
  /** The main breadth-first exploration alone. */
  readonly exploreSeconds: number;
}

/** Builds implementations of a scenario under a design for replay, or throws why it cannot (e.g. the design has no strategy). */
export type ImplementationFactory = (scenario: Scenario, design: Design) => Implementation;

/**
 * Each assumption of `design` against the scenario's clients: an assumption with flags is
 * met when every client it is about (its `kinds`, or all) has those flags; one without flags
 * is prose the checker cannot weigh, reported as stated, not checked (never silently met).
 */
export function assumptionResults(design: DesignModel, scenario: Scenario): AssumptionResult[] {
  return design.assumptions.map((a) => {
    if (Object.keys(a.flags).length === 0) return { text: a.text, status: 'stated, not checked' };
    const broken = scenario.clients.some(
      // An absent optional flag (e.g. releasesEarly) is false.
      (c) => (!a.kinds || a.kinds.includes(c.kind)) && Object.entries(a.flags).some(([k, v]) => (c[k as keyof typeof a.flags] ?? false) !== v),
    );
    return { text: a.text, status: broken ? 'not met' : 'met' };
  });
}

/**
 * The prose assumptions of `design` that the run `trace` may break: those whose `steps`
 * (of a client of its `kinds`) the run takes. One that names no steps is not weighed.
 */
export function proseAssumptionsTouched(design: DesignModel, scenario: Scenario, trace: Trace): string[] {
  const kindOf = new Map(scenario.clients.map((c) => [c.name, c.kind]));
  return design.assumptions
    .filter((a) => Object.keys(a.flags).length === 0)
    .filter(
      (a) =>
        (a.steps ?? []).length > 0 &&
        trace.steps.some((s) => {
          const kind = kindOf.get(s.thread);
          const step = s.event.type.slice(s.thread.length + 1);
          return kind !== undefined && (!a.kinds || a.kinds.includes(kind)) && a.steps!.includes(step);
        }),
    )
    .map((a) => a.text);
}

/** The event types of the scenario's clients that the prose assumptions `texts` are about (their `steps`). */
function assumedEvents(design: DesignModel, scenario: Scenario, texts: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of design.assumptions) {
    if (!texts.includes(a.text)) continue;
    for (const c of scenario.clients) if (!a.kinds || a.kinds.includes(c.kind)) for (const s of a.steps ?? []) out.push(`${c.name}.${s}`);
  }
  return out;
}

/** The verdict on property `name` of the machine without the transitions on `events` (one thread, no recipe). */
function researchWithout(
  scenario: Scenario,
  design: DesignModel,
  own: readonly AnyProperty[],
  name: string,
  events: readonly string[],
  opts: DesignCheckOptions,
): PropertyResult | undefined {
  const model = buildSystem(scenario, design, { withoutEvents: events });
  const all = propertiesWith(own);
  const props: PropertySet<SystemContext> = { safety: all.safety.filter((p) => p.name === name), liveness: all.liveness.filter((p) => p.name === name) };
  if (props.safety.length + props.liveness.length === 0) return undefined;
  const r = checkModel(model, props, {
    symmetry: opts.symmetry,
    maxStates: opts.maxStates,
    limits: opts.limits,
    por: opts.por,
    lens: (cm) => systemLens(model, cm),
  });
  return r.results.find((x) => x.name === name);
}

/**
 * A claimed verdict weighed against the design's prose assumptions: when its counterexample
 * takes a step one of them is about, the property is searched again without those steps. A
 * violation found then is the verdict (its run meets them: `avoiding` names the steps left
 * out); otherwise `touched` lists the assumptions the checker cannot weigh.
 */
function weighProse(
  scenario: Scenario,
  design: DesignModel,
  own: readonly AnyProperty[],
  v: PropertyResult,
  opts: DesignCheckOptions,
): { v: PropertyResult; touched: string[]; avoiding: string[] } {
  const touched = v.verdict === 'violated' && v.trace ? proseAssumptionsTouched(design, scenario, v.trace) : [];
  if (!touched.length) return { v, touched, avoiding: [] };
  const events = assumedEvents(design, scenario, touched);
  const again = researchWithout(scenario, design, own, v.name, events, opts);
  return again?.verdict === 'violated' && again.trace ? { v: again, touched: [], avoiding: events } : { v, touched, avoiding: [] };
}

/** Assumption texts of `design` that the scenario's clients do not meet. */
export function unmetAssumptions(design: DesignModel, scenario: Scenario): string[] {
  return assumptionResults(design, scenario)
    .filter((a) => a.status === 'not met')
    .map((a) => a.text);
}

/** Options of {@link checkDesign}. */
export interface DesignCheckOptions extends Pick<CheckOptions, 'symmetry' | 'maxStates' | 'limits' | 'workers' | 'handOver' | 'onProgress' | 'lossy' | 'por'> {
  /** Replay counterexamples on this implementation (omit: no replay). */
  readonly implementation?: ImplementationFactory;
}

/**
 * Checks `scenario` under `given` (a design model, or a {@link Design} whose strategy
 * counterexamples are replayed on) with every property of machines/system/properties.ts.
 */
export function checkDesign(scenario: Scenario, given: DesignModel | Design, opts: DesignCheckOptions = {}): DesignRun {
  const t0 = performance.now();
  const whole: Design = 'model' in given ? given : { model: given };
  const design = whole.model;
  const model = buildSystem(scenario, design);
  // Each property's reachability witness runs in the same exploration (src/check/witness.ts);
  // the list is the one a worker rebuilds from the recipe.
  const own = ownProperties(whole);
  const props: PropertySet<SystemContext> = { safety: searchSafety(own), liveness: propertiesWith(own).liveness };
  const lens = (cm: CompiledMachine<SystemContext>) => systemLens(model, cm);
  const r = checkModel(model, props, {
    symmetry: opts.symmetry,
    maxStates: opts.maxStates,
    limits: opts.limits,
    workers: opts.workers,
    handOver: opts.handOver,
    recipe: systemRecipe(scenario, whole),
    lens,
    lossy: opts.lossy,
    por: opts.por,
    onProgress: opts.onProgress,
  });
  const assumptions = assumptionResults(design, scenario);
  const unmet = assumptions.filter((a) => a.status === 'not met').map((a) => a.text);
  const { results: verdicts, witnesses } = splitWitnesses(r.results);
  const results: DesignPropertyResult[] = verdicts.map((found) => {
    // A design claims its own properties; those of property files are not claims.
    const claimed = (design.claims as readonly string[]).includes(found.name) || (design.properties ?? []).some((p) => p.name === found.name);
    const w = witnesses.get(found.name);
    const trigger = [...PROPERTIES, ...own].find((p) => p.name === found.name)?.witness.text;
    const { v, touched, avoiding } = claimed ? weighProse(scenario, design, own, found, opts) : { v: found, touched: [], avoiding: [] };
    const p = {
      ...weighWitness(v, w),
      ...(avoiding.length ? { avoiding } : {}),
      ...(trigger ? { trigger } : {}),
      ...(w?.trace ? { witness: w.trace } : {}),
      ...(touched.length ? { assumptionsNotChecked: touched } : {}),
    };
    if (!p.trace || !opts.implementation) return { ...p, claimed };
    let replay: ReplayOutcome;
    try {
      replay = replayTrace(p.trace, () => opts.implementation!(scenario, whole));
    } catch (err) {
      replay = { unavailable: (err as Error).message };
    }
    return { ...p, claimed, replay };
  });
  const main = r.explorations[0];
  return {
    design: design.name,
    title: design.title,
    scenario,
    results,
    assumptionsMet: unmet.length === 0,
    unmetAssumptions: unmet,
    assumptions,
    brokenClaims: unmet.length ? [] : results.filter((p) => p.claimed && p.verdict === 'violated' && !p.assumptionsNotChecked).map((p) => p.name),
    uncheckedClaims: unmet.length ? [] : results.filter((p) => p.claimed && p.verdict === 'violated' && p.assumptionsNotChecked).map((p) => p.name),
    complete: r.complete,
    searches: r.explorations,
    states: main.states,
    transitions: main.transitions,
    seconds: (performance.now() - t0) / 1000,
    exploreSeconds: main.seconds,
  };
}
