/**
 * `extendDesign(base, changes)`: a design made from another, as a user ports a built-in one
 * (a notifier with a timeout, fail-fast that also acks): the parts it changes are given, the
 * rest is the base's, and every program part may build on the base's own (`base(b)`). Rule
 * names stay typed: a program of the extension can reference the base's rules, its own and
 * the shared ones only, so a misspelled name does not compile, as with `defineDesign`.
 * Spreading a design (`{ ...base, rules }`) loses that typing, and with it the check.
 *
 * Rules merge by name: the extension's `guards`/`actions` are added to the base's (one of
 * the same name replaces the base's own rule), its `overrides` to the base's overrides of
 * shared rules. Everything else the extension gives replaces the base's field.
 * @module
 */
import type { ActionNames, GuardNames } from '../kit.ts';
import type { ClientInfo, Layout } from './layout.ts';
import type { EjectProgram, IohBuild } from './ioh.ts';
import type { StateConfig } from '../make.ts';
import type { ClientSteps, DesignModel, DesignRules, RuleSet, SharedAction, SharedGuard, TypedDesign } from './design.ts';

/** The rules of a base `B` extended by `R`: both sets of names. */
export type ExtendedRules<B extends DesignRules, R extends DesignRules> = {
  readonly guards: Readonly<Record<GuardNames<B> | GuardNames<R>, NonNullable<DesignRules['guards']>[string]>>;
  readonly actions: Readonly<Record<ActionNames<B> | ActionNames<R>, NonNullable<DesignRules['actions']>[string]>>;
  readonly overrides?: RuleSet;
};

type G<B extends DesignRules, R extends DesignRules> = SharedGuard | GuardNames<B> | GuardNames<R>;
type A<B extends DesignRules, R extends DesignRules> = SharedAction | ActionNames<B> | ActionNames<R>;

/**
 * What an extension changes. Each program part receives the base's as `base` to build on
 * (`{ ...base(b), states: { ...base(b).states, waiting: … } }`).
 */
export interface DesignChanges<B extends DesignRules, R extends DesignRules> {
  readonly name: string;
  readonly title?: string;
  readonly summary?: string;
  readonly hotPath?: DesignModel['hotPath'];
  readonly variables?: DesignModel['variables'];
  readonly timeouts?: DesignModel['timeouts'];
  readonly claims?: DesignModel['claims'];
  readonly assumptions?: DesignModel['assumptions'];
  readonly properties?: DesignModel['properties'];
  ejecting?(b: IohBuild, base: (b: IohBuild) => EjectProgram<G<B, R>, A<B, R>>): EjectProgram<G<B, R>, A<B, R>>;
  clientSteps?(c: ClientInfo, base: (c: ClientInfo) => ClientSteps<G<B, R>, A<B, R>>): ClientSteps<G<B, R>, A<B, R>>;
  threads?(L: Layout, base: (L: Layout) => Readonly<Record<string, StateConfig<G<B, R>, A<B, R>>>>): Readonly<Record<string, StateConfig<G<B, R>, A<B, R>>>>;
}

const merge = (a: RuleSet | undefined, b: RuleSet | undefined): RuleSet => ({
  guards: { ...a?.guards, ...b?.guards },
  actions: { ...a?.actions, ...b?.actions },
});

/**
 * `base` with `changes` (see the module comment). Returns a new design; `base` is unchanged.
 * `rules` is required so that the compiler knows the extension's rule names: an extension
 * that adds none writes `rules: () => ({})`.
 */
export function extendDesign<B extends DesignRules, R extends DesignRules>(
  base: TypedDesign<B>,
  changes: DesignChanges<B, NoInfer<R>> & {
    /** The extension's own rules and overrides, given the base's rules. */
    rules(L: Layout, base: B): R;
  },
): TypedDesign<ExtendedRules<B, R>> {
  const baseClientSteps = (c: ClientInfo) => (base.clientSteps?.(c) ?? {}) as ClientSteps<G<B, R>, A<B, R>>;
  const baseThreads = (L: Layout) => (base.threads?.(L) ?? {}) as Readonly<Record<string, StateConfig<G<B, R>, A<B, R>>>>;
  const { rules, ejecting, clientSteps, threads, ...fields } = changes;
  return {
    ...base,
    ...fields,
    rules: (L: Layout) => {
      const b = base.rules(L);
      const r = rules(L, b);
      const overrides = b.overrides || r?.overrides ? { overrides: merge(b.overrides, r?.overrides) } : {};
      return { ...(merge(b, r) as ExtendedRules<B, R>), ...overrides };
    },
    ejecting: ejecting ? (b) => ejecting(b, base.ejecting as never) : base.ejecting,
    ...(clientSteps || base.clientSteps ? { clientSteps: clientSteps ? (c: ClientInfo) => clientSteps(c, baseClientSteps) : base.clientSteps } : {}),
    ...(threads || base.threads ? { threads: threads ? (L: Layout) => threads(L, baseThreads) : base.threads } : {}),
  } as TypedDesign<ExtendedRules<B, R>>;
}
