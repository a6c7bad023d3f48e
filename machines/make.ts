/**
 * Assembles a {@link MachineModel} from a kit-subset JSON config and its rules: the xstate
 * machine, every event with its payload variants, and enabledEvents read off the config.
 * The system machine and every per-concern machine are made this way.
 * @module
 */
import { setup } from 'xstate';
import type { Scenario } from '../src/scenario.ts';
import { enabledEventsOf } from './enabled.ts';
import { type ActionNames, type GuardNames, implementations, type Rules, type StepEvent } from './kit.ts';
import type { MachineModel, ModelView, Symmetry } from './model.ts';
import { timerRule } from './model.ts';
import { splitEvent } from '../spec/vocabulary.ts';

/** A guard or action reference by name (kit rule 1): `'name'` or `{ type: 'name', params }` with data params. */
export type NamedRef<N extends string> = N | { readonly type: N; readonly params?: unknown };

/**
 * One transition of a kit-subset config. `G` and `A` are the guard and action names it may
 * reference: a misspelled name does not compile (the {@link Rules} of the same names must
 * have it). The defaults take any name, for configs assembled at run time; the checks at
 * run time (src/check/engine/compile.ts, src/designs/validate.ts) stay the net for those.
 */
export interface TransitionConfig<G extends string = string, A extends string = string> {
  readonly guard?: NamedRef<G>;
  readonly target?: string;
  readonly actions?: NamedRef<A> | readonly NamedRef<A>[];
  readonly description?: string;
}

/** What an event of a state node does: one transition, or several tried in document order. */
export type Transitions<G extends string = string, A extends string = string> = TransitionConfig<G, A> | readonly TransitionConfig<G, A>[];

/** A JSON state node config (the kit subset), referencing guards `G` and actions `A` by name. */
export interface StateConfig<G extends string = string, A extends string = string> {
  id?: string;
  type?: 'parallel';
  initial?: string;
  description?: string;
  /** The machine's initial context (root only; kit rule 4). */
  context?: unknown;
  on?: Readonly<Record<string, Transitions<G, A>>>;
  states?: Readonly<Record<string, StateConfig<G, A>>>;
}

/** Payload variants per step name (the event type after its thread prefix). */
export type PayloadVariants = Readonly<Record<string, readonly Readonly<Record<string, number | boolean>>[]>>;

/** Every transition of a config in document order, with the id of the state it leaves and its event type. */
export function* configTransitions(n: StateConfig): Generator<{ from: string; event: string; t: Record<string, unknown> }> {
  for (const [event, ts] of Object.entries((n.on ?? {}) as Record<string, unknown>))
    for (const t of Array.isArray(ts) ? ts : [ts])
      yield { from: String(n.id), event, t: (typeof t === 'string' ? { target: t } : t) as Record<string, unknown> };
  for (const k of Object.values((n.states ?? {}) as Record<string, StateConfig>)) yield* configTransitions(k);
}

/** Event types of a config in document order. */
export function eventTypes(config: StateConfig): string[] {
  const out: string[] = [];
  const walk = (n: StateConfig) => {
    for (const t of Object.keys(n.on ?? {})) if (!out.includes(t)) out.push(t);
    for (const k of Object.values(n.states ?? {})) walk(k);
  };
  walk(config);
  return out;
}

/** Every event of a config, each type expanded into its payload variants. */
export function eventsOf(config: StateConfig, variants: PayloadVariants): StepEvent[] {
  const out: StepEvent[] = [];
  for (const type of eventTypes(config)) {
    const vs = variants[splitEvent(type).step];
    if (vs) for (const v of vs) out.push({ type, ...v });
    else out.push({ type });
  }
  return out;
}

/** `migrate`/`offline`/`online {cpu}` per CPU and `request {allocOk}` per outcome, the payloads of spec/threads.md. */
export function threadPayloads(cpus: number): PayloadVariants {
  const perCpu = Array.from({ length: cpus }, (_, cpu) => ({ cpu }));
  return { migrate: perCpu, offline: perCpu, online: perCpu, request: [{ allocOk: true }, { allocOk: false }] };
}

/**
 * What {@link makeModel} needs. The config may reference only the guards and actions the
 * rules `R` have (`NoInfer`: the names come from the rules, never from the config); rules
 * typed by name only (`Rules<C>`, e.g. a design's, merged at run time) take any name.
 */
export interface ModelParts<C extends object, R extends Rules<C> = Rules<C>> {
  readonly name: string;
  readonly scenario: Scenario;
  readonly config: StateConfig<GuardNames<NoInfer<R>>, ActionNames<NoInfer<R>>>;
  readonly rules: R & Rules<C>;
  readonly threads: readonly string[];
  readonly payloads: PayloadVariants;
  isFinal(view: ModelView<C>): boolean;
  readonly symmetry?: Symmetry<C>;
  /** Event types that are timer steps (machines/model.ts `timerRule`). */
  readonly timers?: ReadonlySet<string>;
}

/**
 * Step names that are the scheduler's doing, not the thread's (spec/threads.md: `migrate`,
 * "the scheduler moves the thread"): every dmaspec machine declares them to the checker
 * (machines/model.ts `schedulerSteps`).
 */
export const SCHEDULER_STEPS: ReadonlySet<string> = new Set(['migrate']);

/** A machine model of dmaspec's: built from a scenario, which it carries (paths, docs and adapters read it). */
export interface ScenarioModel<C extends object = any> extends MachineModel<C> {
  readonly scenario: Scenario;
}

/** A machine model plus the JSON config it was created from. */
export interface ConfiguredModel<C extends object> extends ScenarioModel<C> {
  readonly config: StateConfig;
}

/** Creates the xstate machine and the exploration facts of a kit-subset config. */
export function makeModel<C extends object, R extends Rules<C> = Rules<C>>(parts: ModelParts<C, R>): ConfiguredModel<C> {
  // Two casts, both because xstate's types resolve `context` as C through conditional types
  // that a generic C leaves open: the config's (MachineConfig), and the implementations'
  // (setup's parameter, which some compiler settings, e.g. a design author's project with no
  // skipLibCheck, reject). The names the config references were checked at our seam
  // (ModelParts: StateConfig of R's names); test/types/misspelled.test.ts proves it.
  const impl = implementations(parts.rules) as Record<string, unknown>;
  const machine = setup({ types: {} as { context: C; events: StepEvent }, ...impl }).createMachine(parts.config as any);
  const allEvents = eventsOf(parts.config, parts.payloads);
  const enabled = enabledEventsOf(parts.config, parts.rules, allEvents);
  const timers = parts.timers?.size ? parts.timers : undefined;
  return {
    name: parts.name,
    scenario: parts.scenario,
    machine,
    rules: parts.rules,
    config: parts.config,
    threads: parts.threads,
    allEvents,
    enabledEvents: timers
      ? (view) => {
          const out = enabled(view);
          out.length = timerRule(out.length, (e) => timers.has(e.type), out);
          return out;
        }
      : enabled,
    isFinal: parts.isFinal,
    schedulerSteps: SCHEDULER_STEPS,
    ...(parts.symmetry ? { symmetry: parts.symmetry } : {}),
    ...(timers ? { timers } : {}),
  };
}
