/**
 * The machine kit: how dmaspec statecharts are written so that one definition serves
 * xstate (the reference semantics), the checker (a compiled, packed form), the path
 * generator and the docs.
 *
 * ## The subset every machine in machines/ keeps to
 *
 * 1. Built with `setup({ guards, actions }).createMachine(config)` where `config` is plain,
 *    JSON-serialisable data: guards and actions are referenced by name (`'name'` or
 *    `{ type: 'name', params: {...} }` with JSON params), never inline functions.
 * 2. No `invoke`, `after`, delayed events, `always`, entry/exit actions, history states or
 *    spawned actors. Every step of spec/threads.md is one explicit event.
 * 3. Regions: the root may be `parallel`, and parallel states may nest. A *region* is a
 *    compound state whose parent is parallel (or the root when the root is compound). Each
 *    event type is handled by exactly one region (events are namespaced `<thread>.<step>`),
 *    so a step changes one region's active state and the context. Transition targets stay
 *    inside the handling region. (dmaspec's machines write targets as `#<state id>` and give
 *    every node an id equal to its path from its thread region, e.g. `net0.worker.found`:
 *    xstate resolves `#a.b` as the node with id `a`, then its child `b`.)
 * 4. Context is a fixed-shape tree: objects with fixed keys and fixed-length arrays, whose
 *    leaves are integers (and booleans or null where a field says so). No strings in context
 *    (use indices into the scenario), so it packs into an Int32Array.
 * 5. Every guard and action is a {@link Rules} entry: a guard is `(ctx, params, event) =>
 *    boolean` and reads only; an action is `(draft, params, event) => void` and mutates the
 *    draft. {@link implementations} turns them into xstate guards and `assign` actions.
 * 6. Every state node and transition has a `description` naming the kernel rule it models.
 *
 * Within these rules xstate's semantics for one event reduce to: find the region handling
 * it; from the region's active leaf upwards, the first transition for the event whose guard
 * holds (document order); run its actions in order on the context; enter the target's
 * initial leaf. The checker's compiled form does exactly that, and a test compares the two.
 * @module
 */
import { assign } from 'xstate';

/** Event payloads are flat: a type and integer/boolean fields. */
export interface StepEvent {
  readonly type: string;
  readonly [field: string]: string | number | boolean;
}

/**
 * Brand of what a probe throws to steer a rule's run, not to report an error (the
 * decision-tree builder stops a rule at an input it has not assigned yet): anything that
 * wraps rules, such as a design's error blame (src/designs/blame.ts), must rethrow it
 * untouched. `Symbol.for`, so that a second copy of this module agrees.
 */
export const PROBE_SIGNAL: unique symbol = Symbol.for('dmaspec.probe-signal') as never;

/** Whether `e` is a probe's control signal (see {@link PROBE_SIGNAL}). */
export const isProbeSignal = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { [PROBE_SIGNAL]?: boolean })[PROBE_SIGNAL] === true;

/** A guard rule: reads the context, the transition's params and the event. */
export type GuardRule<C, P = any> = (ctx: C, params: P, event: StepEvent) => boolean;
/** An action rule: mutates a draft of the context in place. */
export type ActionRule<C, P = any> = (draft: C, params: P, event: StepEvent) => void;

/**
 * The named guards and actions of a machine. `G` and `A` are their names: a config typed
 * with the same names (machines/make.ts `StateConfig<G, A>`) can reference only these.
 * The defaults (any name) are for rules assembled at run time, such as a design's.
 */
export interface Rules<C, G extends string = string, A extends string = string, P = any> {
  readonly guards: Readonly<Record<G, GuardRule<C, P>>>;
  readonly actions: Readonly<Record<A, ActionRule<C, P>>>;
}

/** The guard names of a rule set (`keyof` its guards, so the list cannot drift from the rules). */
export type GuardNames<R extends { readonly guards?: object }> = Extract<keyof NonNullable<R['guards']>, string>;
/** The action names of a rule set. */
export type ActionNames<R extends { readonly actions?: object }> = Extract<keyof NonNullable<R['actions']>, string>;

/**
 * Types a region builder's rules: `ruleSet<Context, Params>()({ guards, actions })` keeps
 * the rule names literal (so {@link GuardNames} reads them and a config can reference only
 * these) and types every rule as a full `GuardRule`/`ActionRule` of `Params`, so callers
 * may pass the event too. Returns its argument: nothing changes at run time.
 */
export const ruleSet =
  <C, P = any>() =>
  <G extends string = never, A extends string = never>(rules: Rules<C, G, A, P>): Rules<C, G, A, P> =>
    rules;

/** Deep copy of a fixed-shape context (objects, arrays, primitives). */
export function cloneContext<C>(ctx: C): C {
  if (Array.isArray(ctx)) return ctx.map(cloneContext) as C;
  if (ctx !== null && typeof ctx === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(ctx)) out[k] = cloneContext((ctx as Record<string, unknown>)[k]);
    return out as C;
  }
  return ctx;
}

/**
 * xstate implementations of a machine's rules, for `setup({ guards, actions })`.
 * Each action becomes an `assign` that applies the rule to a copy of the context, so the
 * xstate snapshot stays immutable while rules are written as plain mutation.
 */
export function implementations<C extends object>(rules: Rules<C>) {
  const guards: Record<string, (args: { context: C; event: StepEvent }, params: unknown) => boolean> = {};
  for (const [name, g] of Object.entries(rules.guards)) guards[name] = ({ context, event }, params) => g(context, params, event);
  const actions: Record<string, ReturnType<typeof assign<C, StepEvent, any, StepEvent, any>>> = {};
  for (const [name, a] of Object.entries(rules.actions))
    actions[name] = assign(({ context, event }: { context: C; event: StepEvent }, params: unknown) => {
      const draft = cloneContext(context);
      a(draft, params, event);
      return draft;
    });
  return { guards, actions };
}
