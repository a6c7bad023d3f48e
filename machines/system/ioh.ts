/**
 * The IOH thread region: orderly eject of an I/O hub, unregistering its DMA devices one at
 * a time (`dma_async_device_unregister`). What happens between a device's unregister and
 * its free is the release-notification design's part; the builder asks the design for it.
 * @module
 */
import { type ActionNames, type GuardNames, ruleSet } from '../kit.ts';
import type { NamedRef, StateConfig, TransitionConfig } from '../make.ts';
import type { SystemContext } from './context.ts';
import { dmaChanGet, dmaChannelRebalance, dmaChanPut, listDelRcu } from './dmaengine.ts';
import type { IohInfo, Layout } from './layout.ts';
import { type LockGuard, listMutexFree } from './locks.ts';

/** The guards an IOH region references whatever the design: {@link iohRules}' and `dma_list_mutex`'s. */
export type IohGuard = GuardNames<ReturnType<typeof iohRules>> | GuardNames<ReturnType<typeof probeRules>> | LockGuard;
/** The actions an IOH region references whatever the design. */
export type IohAction = ActionNames<ReturnType<typeof iohRules>> | ActionNames<ReturnType<typeof probeRules>>;

/** Params of every IOH rule: the IOH's index in `iohs`. */
export interface IohParams {
  readonly h: number;
}

/** What a design needs to write its part of an IOH region. */
export interface IohBuild {
  readonly h: number;
  readonly info: IohInfo;
  /** Rule params of this IOH. */
  readonly p: IohParams;
  /** State id `<ioh>.<local>`. */
  id(local: string): string;
  /** Event type `<ioh>.<step>`. */
  ev(step: string): string;
  /** Some device of the IOH has more than one channel: its unregister's channel loop has a second iteration. */
  readonly multiChannel: boolean;
}

/**
 * A design's program between `unregister` and the device's free: more child states of the
 * IOH region (ids equal their paths, `<ioh>.<key>…`, so `#id` targets resolve in xstate),
 * referencing guards `G` and actions `A`.
 */
export interface EjectProgram<G extends string = string, A extends string = string> {
  /** Local key (among `states`) of the state right after `unregister`. */
  readonly afterUnregister: string;
  /**
   * The action of the `unregister` step and its description, when the design's unregister
   * does more under `dma_list_mutex` than 3.4's (the RFC keeps the mutex through the quiesce).
   * Default: `unregisterDevice`.
   */
  readonly unregister?: { readonly action: A; readonly description: string };
  /** Child states of the IOH region, ids made with {@link IohBuild.id}; `online`, `listed`, `removed` are taken. */
  readonly states: Readonly<Record<string, StateConfig<G, A>>>;
}

/** Builder handle for IOH `h`. */
export function iohBuild(L: Layout, h: number): IohBuild {
  const info = L.iohs[h];
  const multiChannel = info.devices.some((d) => L.devices[d].channels.length > 1);
  return { h, info, p: { h }, id: (local) => `${info.name}.${local}`, ev: (step) => `${info.name}.${step}`, multiChannel };
}

/**
 * What the `free` step waits for: `nothing` (3.4: `WARN_ONCE`, then the driver frees),
 * `rcu` (the RFC's `synchronize_rcu()` before unregister returns, hunk @@ -788,6 +877,9 @@:
 * the grace period an earlier `synchronizeRcu` step began is over, {@link rcuSyncThenFree}),
 * or `holders` (that, and every channel's `client_count` is 0).
 */
export type FreeWait = 'nothing' | 'rcu' | 'holders';

const FREE_GUARDS: Readonly<Record<FreeWait, readonly [more: IohGuard, last: IohGuard | null]>> = {
  nothing: ['moreDevices', null],
  rcu: ['graceOverMore', 'graceOver'],
  holders: ['deviceIdleMore', 'deviceIdle'],
};

/** The guards of a `free` that waits for a grace period: a design using one needs a `synchronizeRcu` step before it. */
const GRACE_GUARDS: ReadonlySet<string | null> = new Set([...FREE_GUARDS.rcu, ...FREE_GUARDS.holders]);

/** A transition of the `free` step: its actions are a list (a design may add its own). */
export type FreeTransition = TransitionConfig<IohGuard, IohAction> & { readonly actions: readonly NamedRef<IohAction>[] };

/**
 * The `free` step: the device and its channels are freed once `wait` allows; then the next
 * device is current or the IOH is removed.
 */
export function freeStep(b: IohBuild, wait: FreeWait, description: string): FreeTransition[] {
  const [more, last] = FREE_GUARDS[wait];
  return [
    {
      guard: { type: more, params: b.p },
      target: `#${b.id('listed')}`,
      actions: [{ type: 'freeDevice', params: b.p }],
      description: `${description}; the next device of the IOH is current`,
    },
    {
      ...(last ? { guard: { type: last, params: b.p } } : {}),
      target: `#${b.id('removed')}`,
      actions: [{ type: 'freeDevice', params: b.p }],
      description: `${description}; it was the IOH's last device: the IOH is removed`,
    },
  ];
}

const SYNC_STEP =
  'synchronize_rcu() begins (hunk @@ -788,6 +877,9 @@, after the channel loop): its grace period waits for every dma_issue_pending_all walk inside rcu_read_lock now, and for none that begins later';

/**
 * `synchronize_rcu()` and the driver's free as the kernel runs them, in two steps. From
 * `<ioh>.<key>`, `synchronizeRcu` begins the grace period: every walk inside
 * `rcu_read_lock` then is recorded (`threads[].gpWait` bit h; a walk clears it at its
 * `rcu_read_unlock`, machines/system/clients.ts). In `<ioh>.rcuWaiting` the `free` step
 * (unregister returns, the driver frees) waits until every recorded walk has left
 * (`free` waiting `rcu`). RCU's guarantee: a grace period ends only after every read-side
 * section that began before it has ended, and waits for none that begins after it began.
 * With `holders`, `synchronizeRcu` is also the end of the RFC's
 * `wait_event(dmaengine_wait_queue, chan->client_count == 0)` (and of the channel loop,
 * freed at `free`: assumption local-freed-at-free): no channel of the device has clients.
 */
export function rcuSyncThenFree(
  b: IohBuild,
  key: string,
  text: { readonly syncing: string; readonly free: string },
  holders = false,
): Record<string, StateConfig<IohGuard, IohAction>> & { rcuWaiting: StateConfig<IohGuard, IohAction> } {
  return {
    [key]: {
      id: b.id(key),
      description: text.syncing,
      on: {
        [b.ev('synchronizeRcu')]: {
          ...(holders ? { guard: { type: 'holdersGone' as const, params: b.p } } : {}),
          target: `#${b.id('rcuWaiting')}`,
          actions: [{ type: 'synchronizeRcu', params: b.p }],
          description: holders ? `wait_event(dmaengine_wait_queue, chan->client_count == 0) for every channel; the channel loop; ${SYNC_STEP}` : SYNC_STEP,
        },
      },
    },
    rcuWaiting: {
      id: b.id('rcuWaiting'),
      description: 'inside synchronize_rcu(): waiting for the walks that were inside rcu_read_lock when it began',
      on: { [b.ev('free')]: freeStep(b, 'rcu', text.free) },
    },
  };
}

/**
 * The local key of a state of `program` whose `free` waits for a grace period (freeStep `rcu`
 * or `holders`) although no step of the program begins one (`synchronizeRcu`), or null. Such a
 * free would wait for nothing: {@link rcuSyncThenFree} gives both steps.
 */
export function graceWithoutSync(program: EjectProgram<string, string>): string | null {
  const typeOf = (x: unknown) => (typeof x === 'string' ? x : (x as { type?: string } | undefined)?.type);
  const own = (st: StateConfig<string, string>): TransitionConfig<string, string>[] =>
    Object.values(st.on ?? {}).flatMap((t) => (Array.isArray(t) ? t : [t]) as TransitionConfig<string, string>[]);
  const all = (st: StateConfig<string, string>): TransitionConfig<string, string>[] => [...own(st), ...Object.values(st.states ?? {}).flatMap(all)];
  const acts = (t: TransitionConfig<string, string>) => (Array.isArray(t.actions) ? t.actions : t.actions ? [t.actions] : []).map(typeOf);
  const states = Object.entries(program.states);
  if (states.some(([, st]) => all(st).some((t) => acts(t).includes('synchronizeRcu')))) return null;
  const waits = states.find(([, st]) => all(st).some((t) => GRACE_GUARDS.has(typeOf(t.guard) ?? '')));
  return waits ? waits[0] : null;
}

const CHAN_LOOP_STEP =
  'dma_async_device_unregister channel loop (3.6 dmaengine.c:843-852): WARN_ONCE(chan->client_count); dma_list_mutex around chan->dev->chan = NULL; device_unregister(&chan->dev->device); free_percpu(chan->local)';

/**
 * The `chanUnregister` transitions of one iteration of the channel loop, guarded by
 * `last`/`more` (the iteration ends the loop, or more channels follow).
 */
function chanUnregisterStep(
  b: IohBuild,
  next: string,
  self: string | null,
  last: IohGuard,
  more: IohGuard,
  step: string,
): TransitionConfig<IohGuard, IohAction>[] {
  return [
    {
      guard: { type: last, params: b.p },
      target: `#${b.id(next)}`,
      actions: [{ type: 'chanUnregister', params: b.p }],
      description: `${step}; the last channel: the loop ends`,
    },
    {
      guard: { type: more, params: b.p },
      ...(self === null ? {} : { target: `#${b.id(self)}` }),
      actions: [{ type: 'chanUnregister', params: b.p }],
      description: `${step}; more channels follow`,
    },
  ];
}

/**
 * 3.6 `dma_async_device_unregister`'s channel loop (`dmaengine.c:843-852`), one step per
 * channel (`chanUnregister`) in `device->channels` order: `WARN_ONCE(chan->client_count)`;
 * `mutex_lock(&dma_list_mutex)`, `chan->dev->chan = NULL`, `mutex_unlock`;
 * `device_unregister(&chan->dev->device)`; `free_percpu(chan->local)`. Each iteration takes
 * and drops the mutex, so another thread may run between two; nothing the model's clients
 * read changes before the `free_percpu`, so the step ends there. After the last channel the
 * IOH goes to `next` (the driver's free). The states are `<ioh>.<key>` and `<ioh>.<next>`.
 */
export function channelLoop(b: IohBuild, key: string, next: string, description: string): StateConfig<IohGuard, IohAction> {
  return { id: b.id(key), description, on: { [b.ev('chanUnregister')]: chanUnregisterStep(b, next, null, 'chanLoopLast', 'chanLoopMore', CHAN_LOOP_STEP) } };
}

/** What a design says about each part of {@link dropRefsThenWait}. */
export interface DropThenWaitText {
  /** The state before the references are dropped. */
  readonly dropping: string;
  /** The `putRefs` transition. */
  readonly putRefs: string;
  /** The state that waits for `client_count == 0`. */
  readonly waiting: string;
  /** The `free` transition. */
  readonly free: string;
}

/**
 * The state that waits on the wait queue until no channel of the device has clients
 * (`<ioh>.waiting`, the RFC's `wait_event(dmaengine_wait_queue, chan->client_count == 0)`),
 * then `synchronize_rcu()` and the free ({@link rcuSyncThenFree}, with `holders`).
 * Unregister's channel loop runs inside that `free` (assumption local-freed-at-free,
 * spec/threads.md): for a design of your own that does not step it. The built-in designs on
 * 3.6's unregister use {@link waitLoopSync}.
 */
export function waitState(b: IohBuild, text: Pick<DropThenWaitText, 'waiting' | 'free'>): Record<'waiting' | 'rcuWaiting', StateConfig<IohGuard, IohAction>> {
  return rcuSyncThenFree(b, 'waiting', { syncing: text.waiting, free: text.free }, true) as Record<'waiting' | 'rcuWaiting', StateConfig<IohGuard, IohAction>>;
}

/** The states of {@link waitLoopSync}, by local key (`unlinking` only on an IOH with a multi-channel device). */
export type WaitLoopSyncStates = Record<'waiting' | 'syncing' | 'rcuWaiting', StateConfig<IohGuard, IohAction>> & {
  unlinking?: StateConfig<IohGuard, IohAction>;
};

/**
 * 3.6's unregister after a design's own wait (the RFC's, hunks @@ -767,14 +848,22 @@ and
 * @@ -788,6 +877,9 @@): `wait_event(dmaengine_wait_queue, chan->client_count == 0)` per
 * channel (`holders`; without it, the loop starts at once), then the channel loop
 * (`chanUnregister` per channel, each taking `dma_list_mutex`, 3.6 `dmaengine.c:843-852`),
 * then `synchronize_rcu()`'s start (`synchronizeRcu`) and, once its grace period is over, the
 * driver's free (`free`, waiting `rcu`: {@link rcuSyncThenFree}). The wait's end is
 * the first iteration's step: once the device is off `dma_device_list` and every
 * `client_count` is 0 nothing raises one again (dmaengine_get and __dma_request_channel
 * walk the list, the quiesce has emptied the table, a cached pointer is re-taken only while
 * registered), so passing the wait earlier changes nothing the loop's `mutex_lock` sees.
 * States: `<ioh>.<entry>` (default `waiting`: the wait, or the loop's first channel),
 * `<ioh>.unlinking` (the loop's next channels; only where a device of the IOH has two or more,
 * so that every state is reachable), `<ioh>.syncing` (synchronize_rcu begins),
 * `<ioh>.rcuWaiting` (its grace period; then the free).
 */
export function waitLoopSync(
  b: IohBuild,
  holders: boolean,
  text: Pick<DropThenWaitText, 'waiting' | 'free'>,
  entry = 'waiting',
): Record<string, StateConfig<IohGuard, IohAction>> & Omit<WaitLoopSyncStates, 'waiting'> {
  const [last, more, step]: [IohGuard, IohGuard, string] = holders
    ? [
        'holdersGoneLast',
        'holdersGoneMore',
        `wait_event(dmaengine_wait_queue, chan->client_count == 0) for every channel, then the first iteration of the ${CHAN_LOOP_STEP}`,
      ]
    : ['chanLoopLast', 'chanLoopMore', CHAN_LOOP_STEP];
  const steps = chanUnregisterStep(b, 'syncing', 'unlinking', last, more, step);
  return {
    [entry]: {
      id: b.id(entry),
      description: text.waiting,
      on: { [b.ev('chanUnregister')]: b.multiChannel ? steps : steps.slice(0, 1) },
    },
    ...(b.multiChannel ? { unlinking: channelLoop(b, 'unlinking', 'syncing', "unregister's channel loop: the next channels' chan->local") } : {}),
    ...(rcuSyncThenFree(b, 'syncing', {
      syncing: "the channel loop has freed every chan->local: synchronize_rcu() is next, then the driver's free",
      free: text.free,
    }) as Pick<WaitLoopSyncStates, 'syncing' | 'rcuWaiting'>),
  };
}

/**
 * The removal tail several designs share (fail-fast, percpu-ref, and rfc-wait under the
 * `rfc-base-unheld` assumption): drop the references `balance_ref_count` took for
 * `dmaengine_get` users (`putRefs`, a step of these designs, not of the RFC's patch), then
 * wait until no channel has clients, synchronize_rcu (`synchronizeRcu`) and free the device
 * (`free`). With `loop`, 3.6's channel loop is steps of its own after the wait
 * ({@link waitLoopSync}); without, the loop runs inside `free` (assumption local-freed-at-free).
 */
export function dropRefsThenWait(
  b: IohBuild,
  text: DropThenWaitText,
  options: { readonly loop?: boolean } = {},
): Record<'dropping' | 'waiting' | 'rcuWaiting', StateConfig<IohGuard, IohAction>> & Partial<WaitLoopSyncStates> {
  return {
    dropping: {
      id: b.id('dropping'),
      description: text.dropping,
      on: {
        [b.ev('putRefs')]: {
          guard: 'listMutexFree',
          target: `#${b.id('waiting')}`,
          actions: [{ type: 'putRefs', params: b.p }],
          description: text.putRefs,
        },
      },
    },
    ...(options.loop ? (waitLoopSync(b, true, text) as WaitLoopSyncStates) : waitState(b, text)),
  };
}

const PROBE_STEP =
  "dma_async_device_register of each device of the IOH, in order (3.6 dmaengine.c:688-802): alloc_percpu(chan->local) and the channel's sysfs device per channel; under dma_list_mutex, if dmaengine_ref_count and the device is public, dma_chan_get of each channel (references for the dmaengine_get users, :781-795); list_add_tail_rcu; dma_channel_rebalance";

const PROBE_FAILS_STEP =
  "dma_async_device_register of the IOH's first device with its alloc-th allocation failing (3.6 dmaengine.c:733-771: 1 the kmalloc of idr_ref, 2 get_dma_id's idr_pre_get, then per channel k 3k+3 alloc_percpu, 3k+4 the kzalloc of chan->dev, 3k+5 device_register): it returns the error before dma_list_mutex's section, its err_out (:804-823) frees what it allocated and releases the id; nothing is listed, no reference taken, no client sees a change. The driver's probe fails: no later device is registered";

/**
 * The region of IOH `b`: online → listed (→ the design's program → listed for the next
 * device) → removed. Under the scenario's `hotAdd` it starts `present` and its first step is
 * `probe` (the driver's `dma_async_device_register` of each device).
 */
export function iohRegion<G extends string, A extends string>(
  b: IohBuild,
  program: EjectProgram<G, A>,
  hotAdd = false,
  registerFailures = false,
): StateConfig<IohGuard | G, IohAction | A> {
  const probe: TransitionConfig<IohGuard, IohAction> = {
    guard: { type: 'probeReady', params: b.p },
    target: `#${b.id('online')}`,
    actions: [{ type: 'probeDevices', params: b.p }],
    description: PROBE_STEP,
  };
  const fails: TransitionConfig<IohGuard, IohAction> = {
    guard: { type: 'probeFailsAt', params: b.p },
    target: `#${b.id('probeFailed')}`,
    description: PROBE_FAILS_STEP,
  };
  const present: Record<string, StateConfig<IohGuard | G, IohAction | A>> = hotAdd
    ? {
        present: {
          id: b.id('present'),
          description: 'hot-added after boot: the driver has allocated its devices, none is registered yet',
          on: { [b.ev('probe')]: probe, ...(registerFailures ? { [b.ev('probeFails')]: fails } : {}) },
        },
        ...(registerFailures
          ? {
              probeFailed: {
                id: b.id('probeFailed'),
                description: "dma_async_device_register failed: the driver's probe failed, no device of the IOH is registered",
              },
            }
          : {}),
      }
    : {};
  return {
    id: b.info.name,
    initial: hotAdd ? 'present' : 'online',
    description: `IOH ${b.info.name}: hot-plug and orderly removal of its DMA devices`,
    states: {
      ...present,
      online: {
        id: b.id('online'),
        description: 'the IOH is present and its devices are registered (dma_async_device_register at probe)',
        on: {
          [b.ev('eject')]: {
            target: `#${b.id('listed')}`,
            actions: [{ type: 'eject', params: b.p }],
            description: 'ACPI eject request: orderly removal begins with the first device',
          },
        },
      },
      listed: {
        id: b.id('listed'),
        description: 'ejecting: the current device is still on dma_device_list',
        on: {
          [b.ev('unregister')]: {
            guard: 'listMutexFree',
            target: `#${b.id(program.afterUnregister)}`,
            actions: [{ type: program.unregister?.action ?? 'unregisterDevice', params: b.p }],
            description:
              program.unregister?.description ?? 'dma_async_device_unregister: mutex_lock(&dma_list_mutex); list_del_rcu; dma_channel_rebalance; mutex_unlock',
          },
        },
      },
      ...program.states,
      removed: { id: b.id('removed'), description: 'every device of the IOH is unregistered and freed' },
    },
  };
}

/**
 * The IOH thread's unregister reads device `d`, already freed: a use after free by IOH `h`
 * of every channel of `d` (`iohs[h].uaf`). The kernel harness names it so: a read of a
 * freed channel struct names that channel, a read of the freed device alone each of its
 * channels (kernel/harness/world.c `attribute_faults`). Only the kref designs as shipped
 * reach it: the clients' puts release the device before its eject.
 */
export function iohReadsFreed(ctx: SystemContext, L: Layout, h: number, d: number): void {
  if (!ctx.devices[d].freed) return;
  for (const c of L.devices[d].channels) ctx.iohs[h].uaf |= 1 << c;
}

/** The rules of a hot-added IOH's `probe` and `probeFails` (the scenario's `hotAdd`, `registerFailures`). */
export function probeRules(L: Layout) {
  const devs = (h: number) => L.iohs[h].devices;
  return ruleSet<SystemContext, IohParams>()({
    guards: {
      // probeFails {alloc}: an allocation the first device's register makes (2 + 3 per channel).
      probeFailsAt: (ctx, { h }, e) => listMutexFree(ctx) && (e.alloc as number) <= 2 + 3 * L.devices[devs(h)[0]].channels.length,
      // dma_async_device_register takes dma_list_mutex (3.6 dmaengine.c:779). IOHs probe in
      // scenario order (assumption probe-in-order): every earlier IOH's devices were
      // registered (listed, or since unregistered: being removed or freed), so that
      // dma_device_list keeps the devices in layout order, which nth_chan, the request's walk
      // and rcuSeen follow.
      probeReady: (ctx, { h }) =>
        listMutexFree(ctx) && L.iohs.slice(0, h).every((o, i) => ctx.iohs[i].cur >= 0 || o.devices.every((d) => ctx.devices[d].listed || ctx.devices[d].freed)),
    },
    actions: {
      /**
       * 3.6 `dma_async_device_register` (`dmaengine.c:688-802`) of each device of IOH `h`:
       * `chan->local` allocated (:747); under `dma_list_mutex`, a public device's channels
       * each `dma_chan_get` when `dmaengine_ref_count` is non-zero (:781-795: its resources
       * allocated, `balance_ref_count` raises `client_count` to the count; the `-ENODEV`
       * branch needs a module going away: assumption no-module-going); `list_add_tail_rcu`
       * (:796): an open `dma_issue_pending_all` walk whose chain ends on a listed device
       * reads on into it; a device the driver marked DMA_PRIVATE (the scenario device's
       * `private`) counted in `privatecnt` (:797-798); `dma_channel_rebalance` (:799).
       */
      probeDevices: (ctx, { h }) => {
        for (const d of devs(h)) {
          for (const c of L.devices[d].channels) ctx.channels[c].local = 1;
          if (ctx.refCount && !ctx.devices[d].private) for (const c of L.devices[d].channels) dmaChanGet(ctx, L, c);
          for (const th of ctx.threads) if (th.rcuSeen && ctx.devices[31 - Math.clz32(th.rcuSeen)].listed) th.rcuSeen |= 1 << d;
          ctx.devices[d].listed = 1;
          if (ctx.devices[d].private) ctx.devices[d].privatecnt++;
          dmaChannelRebalance(ctx, L);
        }
      },
    },
  });
}

/**
 * IOH `h`'s `synchronize_rcu()` begins (3/7 hunk @@ -788,6 +877,9 @@): the walks inside
 * `rcu_read_lock` now (`rcuSeen` non-zero exactly while a walk is open) are the readers its
 * grace period waits for (`gpWait` bit h; the walk clears it at its `rcu_read_unlock`).
 */
function synchronizeRcuBegin(ctx: SystemContext, h: number): void {
  for (const th of ctx.threads) if (th.rcuSeen !== 0) th.gpWait |= 1 << h;
}

/** IOH `h`'s grace period is over: no walk it recorded at its start is still inside `rcu_read_lock`. */
const graceOver = (ctx: SystemContext, h: number) => ctx.threads.every((th) => !(th.gpWait & (1 << h)));

/** Guards and actions every IOH region uses, whatever the design. */
export function iohRules(L: Layout) {
  const devs = (h: number) => L.iohs[h].devices;
  const more = (ctx: SystemContext, h: number) => devs(h).indexOf(ctx.iohs[h].cur) < devs(h).length - 1;
  // Channels of the current device whose chan->local the channel loop has not freed yet.
  const localLeft = (ctx: SystemContext, h: number) => L.devices[ctx.iohs[h].cur].channels.filter((c) => ctx.channels[c].local === 1).length;
  const noHolders = (ctx: SystemContext, h: number) => L.devices[ctx.iohs[h].cur].channels.every((c) => ctx.channels[c].clientCount === 0);
  const idle = (ctx: SystemContext, h: number) => noHolders(ctx, h) && graceOver(ctx, h);
  return ruleSet<SystemContext, IohParams>()({
    guards: {
      moreDevices: (ctx, { h }) => more(ctx, h),
      graceOver: (ctx, { h }) => graceOver(ctx, h),
      graceOverMore: (ctx, { h }) => graceOver(ctx, h) && more(ctx, h),
      // The RFC's wait_event(chan->client_count == 0) passed (rcuSyncThenFree with holders).
      holdersGone: (ctx, { h }) => noHolders(ctx, h),
      deviceIdle: (ctx, { h }) => idle(ctx, h),
      deviceIdleMore: (ctx, { h }) => idle(ctx, h) && more(ctx, h),
      // Each iteration of the channel loop takes dma_list_mutex (3.6 dmaengine.c:846).
      chanLoopLast: (ctx, { h }) => listMutexFree(ctx) && localLeft(ctx, h) === 1,
      chanLoopMore: (ctx, { h }) => listMutexFree(ctx) && localLeft(ctx, h) > 1,
      // The RFC's wait_event(chan->client_count == 0) passed, then the loop's first mutex_lock.
      holdersGoneLast: (ctx, { h }) => noHolders(ctx, h) && listMutexFree(ctx) && localLeft(ctx, h) === 1,
      holdersGoneMore: (ctx, { h }) => noHolders(ctx, h) && listMutexFree(ctx) && localLeft(ctx, h) > 1,
    },
    actions: {
      eject: (ctx, { h }) => {
        ctx.iohs[h].cur = devs(h)[0];
      },
      unregisterDevice: (ctx, { h }) => {
        listDelRcu(ctx, ctx.iohs[h].cur);
        dmaChannelRebalance(ctx, L);
      },
      /** The RFC's unregister: the same, but `dma_channel_rebalance(true)` goes on to quiesce with the mutex held. */
      unregisterHoldingMutex: (ctx, { h }) => {
        listDelRcu(ctx, ctx.iohs[h].cur);
        dmaChannelRebalance(ctx, L);
        ctx.listMutex = h;
      },
      /** The rest of `dma_channel_rebalance(true)` after the quiesce (undo, redistribute), then `mutex_unlock`. */
      rebalanceUnlock: (ctx) => {
        dmaChannelRebalance(ctx, L);
        ctx.listMutex = -1;
      },
      /**
       * Drops the references `balance_ref_count` took on the current device's public
       * channels for `dmaengine_get` users (their `dmaengine_put` no longer reaches an
       * unlisted device): `dma_chan_put` each channel down to 0.
       */
      putRefs: (ctx, { h }) => {
        const d = ctx.iohs[h].cur;
        if (ctx.devices[d].private) return;
        for (const c of L.devices[d].channels) while (ctx.channels[c].clientCount > 0) dmaChanPut(ctx, c);
      },
      /** One iteration of unregister's channel loop: `free_percpu(chan->local)` of the next channel (3.6 `dmaengine.c:851`). */
      chanUnregister: (ctx, { h }) => {
        const c = L.devices[ctx.iohs[h].cur].channels.find((x) => ctx.channels[x].local === 1);
        if (c !== undefined) ctx.channels[c].local = 0;
      },
      synchronizeRcu: (ctx, { h }) => synchronizeRcuBegin(ctx, h),
      freeDevice: (ctx, { h }) => {
        const d = ctx.iohs[h].cur;
        // A design without its own channel loop step frees chan->local here with the rest.
        for (const c of L.devices[d].channels) {
          ctx.channels[c].resources = 0;
          ctx.channels[c].local = 0;
        }
        ctx.devices[d].freed = 1;
        const i = devs(h).indexOf(d);
        ctx.iohs[h].cur = i < devs(h).length - 1 ? devs(h)[i + 1] : -1;
      },
    },
  });
}
