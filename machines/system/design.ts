/**
 * What a release-notification design contributes to the system machine. A design is one
 * folder `src/designs/<name>/model.ts` exporting a {@link DesignModel}, plus one line in
 * the registry src/designs/registry.ts (and its name in src/scenario.ts).
 * @module
 */
import type { ClientKind } from '../../src/scenario.ts';
import type { ActionNames, ActionRule, GuardNames, GuardRule } from '../kit.ts';
import type { AnyProperty, PropertyName } from './properties.ts';
import type { SystemContext } from './context.ts';
import type { ClientAction, ClientGuard, HotPathKind } from './clients.ts';
import type { CpuAction, CpuGuard } from './cpu.ts';
import type { EjectProgram, IohAction, IohBuild, IohGuard } from './ioh.ts';
import type { StateConfig, Transitions } from '../make.ts';
import type { ClientInfo, Layout } from './layout.ts';

/**
 * Every guard name the shared rules of the system machine may have (machines/system/index.ts
 * `sharedRules`): the clients' and both hot paths', the locks', the IOH's and the CPU
 * thread's, each read off its rule object.
 */
export type SharedGuard = ClientGuard | IohGuard | CpuGuard;
/** Every action name the shared rules of the system machine may have. */
export type SharedAction = ClientAction | IohAction | CpuAction;

/**
 * Transitions a design adds to client states: state id after the client name → event →
 * transition config, referencing guards `G` and actions `A`.
 */
export type ClientSteps<G extends string = string, A extends string = string> = Readonly<Partial<Record<string, Readonly<Record<string, Transitions<G, A>>>>>>;

/** A design's stated assumption about client behaviour. */
export interface ClientAssumption {
  /** Prose: what clients must do for the design's claims to hold. */
  readonly text: string;
  /** Client kinds the assumption is about (all kinds if omitted). */
  readonly kinds?: readonly ClientKind[];
  /**
   * Scenario client flags the design assumes, e.g. `{ releases: true }`, or
   * `{ releasesEarly: false }` (no client misuse). Empty: prose only, reported as stated, not checked.
   */
  readonly flags: Readonly<Partial<Record<'releases' | 'busy' | 'migrates' | 'releasesEarly', boolean>>>;
  /**
   * For a prose assumption (no flags): the steps a run must take to break it, as step names
   * of the clients it is about (`kinds`), e.g. `['reget']`. A claimed property whose shortest
   * counterexample takes one of them is reported "violated, assumption not checked", not as
   * a broken claim: the checker cannot tell whether that run breaks the assumption (it
   * first searches again without those steps: a violation found then is a broken claim).
   * `[]` or omitted: the assumption is listed as stated, not checked, and not weighed
   * against runs (`[]`: no run can break it, e.g. a reading of unseen code the model builds in).
   */
  readonly steps?: readonly string[];
}

/**
 * The assumption a design that claims `no-use-after-free` states: clients keep the API's
 * contract. The `releasesEarly` misuse (scenario `releases-early`) is a client's
 * `dmaengine_put` (or `dma_release_channel`) with a round still in flight, or a re-get of
 * a cached channel pointer after its own put: the client then uses a channel it holds no
 * reference to, which no removal design can make safe (the same use is a bug with no hot
 * removal at all). Stating it makes that scenario "assumption not met" for the design, so
 * a use after free there is reported, not counted as a refuted claim
 * (docs/writing-a-design.md). A design without the flag is judged under the misuse too.
 */
export const NO_EARLY_RELEASE: ClientAssumption = {
  text: 'Clients keep the API contract: no dmaengine_put or dma_release_channel with a round in flight, and no re-get of a cached channel pointer after the client’s own put (scenario flag releasesEarly false).',
  flags: { releasesEarly: false },
};

/** Named guards and actions. */
export interface RuleSet {
  readonly guards?: Readonly<Record<string, GuardRule<SystemContext>>>;
  readonly actions?: Readonly<Record<string, ActionRule<SystemContext>>>;
}

/**
 * Named rules a design adds to the system machine (`guards`, `actions`: names no shared
 * rule has) and the shared rules it replaces (`overrides`: names a shared rule has), as
 * xstate's `provide` replaces implementations. A new rule named like a shared one, or an
 * override of a name no shared rule has, is a {@link DesignError}: nothing is replaced by a
 * name collision.
 */
export interface DesignRules extends RuleSet {
  readonly overrides?: RuleSet;
}

/** `r` with every guard and action (its overrides too) replaced by `guard(name, g)` / `action(name, a)`. */
export function mapDesignRules(
  r: DesignRules,
  guard: (name: string, g: GuardRule<SystemContext>) => GuardRule<SystemContext>,
  action: (name: string, a: ActionRule<SystemContext>) => ActionRule<SystemContext>,
): DesignRules {
  const map = (s: RuleSet | undefined): RuleSet => ({
    guards: Object.fromEntries(Object.entries(s?.guards ?? {}).map(([n, g]) => [n, guard(n, g)])),
    actions: Object.fromEntries(Object.entries(s?.actions ?? {}).map(([n, a]) => [n, action(n, a)])),
  });
  return { ...map(r), ...(r.overrides ? { overrides: map(r.overrides) } : {}) };
}

/**
 * One variable a design adds to the context (machines/kit.ts rule 4: an integer), with the
 * range its rules keep it in; validation (src/designs/validate.ts) checks the range.
 */
export interface DesignVariable {
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  /** What it means, for traces and the docs. */
  readonly description: string;
}

/**
 * The variables a design adds, under `ctx.design`: `global` as `ctx.design.global.<name>`,
 * `perThread` as `ctx.design.threads[t].<name>` (one per client thread, swapped with it
 * by symmetry), `perDevice` as `ctx.design.devices[d].<name>`, `perDeviceCpu` as
 * `ctx.design.deviceCpus[d][cpu].<name>` (a per-CPU variable of each device, permuted with
 * the CPUs by symmetry: machines/system/symmetry.ts). A rule that writes any other new field
 * is a validation error: the checker's packed layout would drop it.
 */
export interface DesignVariables {
  readonly global?: Readonly<Record<string, DesignVariable>>;
  readonly perThread?: Readonly<Record<string, DesignVariable>>;
  readonly perDevice?: Readonly<Record<string, DesignVariable>>;
  readonly perDeviceCpu?: Readonly<Record<string, DesignVariable>>;
}

/**
 * A release-notification design as the system machine sees it. `G` and `A` are the names of
 * its own guards and actions: its program (`ejecting`, `clientSteps`, `threads`) may
 * reference those and the shared ones only. {@link defineDesign} reads them off `rules`;
 * the defaults (any name) are for a design assembled at run time or written in JavaScript,
 * which src/designs/validate.ts checks instead.
 */
export interface DesignModel<G extends string = string, A extends string = string> {
  readonly name: string;
  /** One line for listings. */
  readonly title: string;
  /** A paragraph: what the design does at unregister and on the hot path. */
  readonly summary: string;
  /**
   * The hot path clients run: `plain` (3.4 `dma_find_channel`, one table read, nothing
   * counted; a design may override its `findChannel`/`getChannel`/`putChannel` actions) or
   * `rfc` (the RFC's per-CPU counted find/get/put and the quiesce key, each function split
   * into its preemptible statements), or `tryget` (a find or re-get that is two steps: the
   * design's `findChannel`/`getChannel` inside a read-side section, then its `refInc`).
   */
  readonly hotPath: HotPathKind;
  /**
   * The dmaengine CPU notifier `hotcpu_rebalance` (`CPU_ONLINE`, `CPU_POST_DEAD`:
   * `dma_channel_rebalance` under `dma_list_mutex`). Only the RFC series' base has one (3/7
   * hunk `@@ -1011,7 +1103,7 @@`); 3.4/3.6 `dmaengine.c` and mainline register none, so a
   * CPU going on- or offline leaves `channel_table` as it is. Default false.
   */
  readonly cpuNotifier?: boolean;
  /**
   * `dmaengine_put` rebalances when the last `dmaengine_get` user goes, clearing
   * `channel_table`: the RFC series' base does (3/7 hunk `@@ -559,7 +640,7 @@` has
   * `if (--dmaengine_client_count == 0) dma_channel_rebalance()` as context); 3.4/3.6 and
   * mainline do not, so their table keeps entries with no user left. Default false.
   */
  readonly putRebalances?: boolean;
  /**
   * The channel unregister takes each channel off `device->channels` with `list_del` (5.10.7
   * `dmaengine.c:1113`) while a `dma_issue_pending_all` walk may be stopped at it: the walk
   * reading on follows the poisoned `next` and oopses (:563). The walker then has its
   * `oopsed` state (machines/system/clients.ts). 3.x and 7.0 never `list_del` a channel
   * there. Default false.
   */
  readonly unregisterListDel?: boolean;
  /**
   * The design has mainline's `struct dma_device.ref`, kept in the per-device design variable
   * of this name (`variables.perDevice`): the observable shows it as `devices[].kref`
   * (spec/observable.ts), as the implementation's `DesignHooks.deviceKref` (src/core/design.ts)
   * does. Default: none, the field is absent.
   */
  readonly deviceKref?: string;
  /** The design's own context variables (none if omitted). */
  readonly variables?: DesignVariables;
  /**
   * The channels of device `d` still on its `device->channels` list, in list order (default:
   * all of them, as no 3.x unregister unlinks one): `dma_issue_pending_all`'s walk (3.6
   * dmaengine.c:360-366, 7.0 :591-598) follows only these. A design whose unregister takes
   * channels off the list (5.10.7's `list_del(&chan->device_node)`, :1113) says which. The
   * implementation's counterpart is `DesignHooks.listedChannels` (src/core/design.ts).
   */
  listedChannels?(ctx: SystemContext, L: Layout, d: number): readonly number[];
  /** The IOH's program for one device between `unregister` and its free. */
  ejecting(b: IohBuild): EjectProgram<SharedGuard | G, SharedAction | A>;
  /**
   * Steps the design adds to a client's region (e.g. answering a release request), by the
   * state they leave: its id after the client's name (`worker.idle`, `holding`,
   * `worker.found`, …); each event is `<client>.<step>`. An unknown state is a DesignError.
   */
  clientSteps?(c: ClientInfo): ClientSteps<SharedGuard | G, SharedAction | A>;
  /**
   * Threads the design adds (e.g. a callback workqueue), by name: each a region of the
   * system machine, `{ id: <name>, initial, states }`, whose state ids start `<name>.` and
   * whose events are `<name>.<step>`. They come after the scenario's threads.
   */
  threads?(L: Layout): Readonly<Record<string, StateConfig<SharedGuard | G, SharedAction | A>>>;
  /**
   * Timer steps, by step name: every `<thread>.<step>` of the program with this name is a
   * bounded timeout. It is enabled only when no other step of the system is (it fires after
   * the rest of the system had its chance: machines/model.ts `timerRule`), and at most `bound` times in
   * a run, counted in the design variable `ctx.design.global.<step>Fired`.
   */
  readonly timeouts?: Readonly<Record<string, { readonly bound: number; readonly description: string }>>;
  /** Rules its program references beyond the shared ones, and its explicit overrides of them. */
  rules(L: Layout): DesignRules;
  /** Properties the design claims to satisfy (under {@link assumptions}). */
  readonly claims: readonly PropertyName[];
  /**
   * The design's own properties (`defineProperty`, machines/system/properties.ts): checked
   * beside the built-in ones in every search, exported to SPIN, shown in every verdict table,
   * and claimed by the design (under {@link assumptions}): a design states a property of its
   * own because it means to keep it. Names must differ from the built-in ones.
   */
  readonly properties?: readonly AnyProperty[];
  /** What the claims assume about clients. */
  readonly assumptions: readonly ClientAssumption[];
}

/**
 * Types a design so that its program can reference only rules that exist: the names of its
 * own guards and actions are read off what `rules` returns (`R`; `NoInfer`: never off what
 * the program references), and a misspelled name in `ejecting`, `clientSteps` or `threads`
 * does not compile. Returns its argument: a design written as a plain `DesignModel`, or in
 * JavaScript, is checked at run time instead (the dry run of src/designs/validate.ts).
 */
export function defineDesign<R extends DesignRules>(
  design: Omit<DesignModel<GuardNames<NoInfer<R>>, ActionNames<NoInfer<R>>>, 'rules'> & { rules(L: Layout): R },
): TypedDesign<R> {
  return design;
}

/**
 * A design typed by its own rules `R`: what {@link defineDesign} returns, and what
 * `extendDesign` (machines/system/extend-design.ts) builds on without losing the typing.
 * It is a {@link DesignModel} wherever one is asked for.
 */
export type TypedDesign<R extends DesignRules> = Omit<DesignModel<GuardNames<R>, ActionNames<R>>, 'rules'> & { rules(L: Layout): R };
