/**
 * The hot path of the clients' worker: `dma_find_channel`, `dma_get_channel`,
 * `dma_put_channel`. Each hot path is one {@link HotPath} record in machines/system/hotpaths/
 * (3.4's plain one, the RFC's per-CPU counted one whose functions are several preemptible
 * steps each — spec/threads.md, "The RFC hot path is not atomic" — and percpu_ref's tryget);
 * a design picks one with `DesignModel.hotPath`, and the client region
 * (machines/system/clients.ts `publicClientRegion`) composes the record's worker states
 * between `idle` and `found`. This file has what the records share.
 * @module
 */
import type { NamedRef, TransitionConfig, Transitions } from '../make.ts';
import { type Rules, ruleSet } from '../kit.ts';
import type { ClientAction, ClientGuard, StateConfig } from './clients.ts';
import type { SystemContext } from './context.ts';
import type { ClientInfo, Layout } from './layout.ts';

/** Params of every client rule: the client's index in `threads`. */
export interface ThreadParams {
  readonly t: number;
}

/** Rules over a client thread's params. */
export const threadRules = ruleSet<SystemContext, ThreadParams>();

/** Sets the worker's channel after a find; async_tx also caches a non-null pointer. */
export function found(ctx: SystemContext, L: Layout, t: number, chan: number): void {
  const th = ctx.threads[t];
  th.chan = chan;
  th.inFlight = 1;
  if (chan >= 0 && L.clients[t].kind === 'async_tx') th.cached = chan;
}

/** Ends a round: no channel, not in flight, one more round done (saturating; busy: none). */
export function roundDone(ctx: SystemContext, L: Layout, t: number): void {
  const th = ctx.threads[t];
  th.chan = -1;
  th.inFlight = 0;
  th.held = 0;
  if (!L.clients[t].busy) th.rounds = Math.min(th.rounds + 1, L.clients[t].rounds);
}

/** A state node of a client region. */
type State = StateConfig<ClientGuard, ClientAction>;

/**
 * What a hot path record builds its worker states with, for one client: the names and the
 * steps every hot path shares (publicClientRegion makes one per client).
 */
export interface WorkerKit {
  readonly c: ClientInfo;
  /** The client's rule params. */
  readonly p: ThreadParams;
  /** The event type of step `step` of the client's thread: `<client>.<step>`. */
  ev(step: string): string;
  /** The id of worker state `state`: `<client>.worker.<state>`. */
  id(state: string): string;
  /**
   * A counting step into worker state `target` (`refInc` unless `action` says otherwise);
   * into `found` it also ends a find under `get_cpu()` (`preemptEnable`).
   */
  inc(target: string, guard?: ClientGuard, description?: string, action?: ClientAction): TransitionConfig<ClientGuard, ClientAction>;
  /** The `preemptEnable` that ends a find or re-get under `get_cpu()` (none elsewhere). */
  readonly on: readonly NamedRef<ClientAction>[];
  /** The migration step that stays in state `id`, unless preemption is off there. */
  migrateInside(id: string): Readonly<Record<string, Transitions<ClientGuard, ClientAction>>>;
}

/**
 * One hot path: its rules, the worker states a find or re-get passes between `idle` and
 * `found`, and each step's kernel text. A new hot path is one such record in its own file
 * under machines/system/hotpaths/, listed in that folder's index.
 */
export interface HotPath {
  /** The worker's find/re-get shape, for listings: what the kernel code is. */
  readonly description: string;
  /**
   * Whether the find and re-get are several steps (a state of their own between `idle` and
   * `found`, whose first ones are `fetched` and `regetting`): then a call site under
   * `get_cpu()` (spec/vocabulary.ts findsPreemptOff) disables preemption across them.
   */
  readonly split: boolean;
  /** The kernel text of async_tx's re-get step (`getChannel`). */
  readonly reget: string;
  /** The guards and actions of its steps (find, re-get, put; a design may override them). */
  rules(L: Layout): Rules<SystemContext>;
  /** The worker states between `idle` and `found` (none for a one-step find). */
  states(k: WorkerKit): Readonly<Record<string, State>>;
}
