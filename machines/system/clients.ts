/**
 * Client thread regions of spec/threads.md: `net_dma` and `async_tx` (a control context
 * and a worker context, nested parallel) and `slave`. Config builders return plain JSON;
 * {@link clientRules} gives the named guards and actions they reference.
 * @module
 */
import { type ActionNames, type GuardNames, ruleSet } from '../kit.ts';
import type { SystemContext } from './context.ts';
import {
  deviceCandidate,
  dmaChanGet,
  dmaChanPut,
  dmaengineGet,
  dmaengineGetAllocates,
  dmaenginePut,
  isFreed,
  privateCandidate,
  requestOutcome,
} from './dmaengine.ts';
import { listMutexFree, type LockGuard } from './locks.ts';
import { findsPreemptOff, hasWalker, rxThread } from '../../spec/vocabulary.ts';
import type { HotPath, ThreadParams, WorkerKit } from './hotpath.ts';
import { HOT_PATHS, type HotPathAction, type HotPathGuard, type HotPathKind } from './hotpaths/index.ts';

export type { HotPathKind } from './hotpaths/index.ts';
import type { ClientInfo, Layout } from './layout.ts';
import type { DesignModel } from './design.ts';

import type { StateConfig, TransitionConfig, Transitions } from '../make.ts';

export type { StateConfig } from '../make.ts';

/**
 * The guards the client regions reference: the clients' own ({@link clientRules}), the
 * `dma_list_mutex` lock and both hot paths' (the design picks one; `tryget` designs define
 * `refInc` themselves).
 */
export type ClientGuard = GuardNames<ReturnType<typeof clientRules>> | LockGuard | HotPathGuard;
/** The actions the client regions reference. */
export type ClientAction = ActionNames<ReturnType<typeof clientRules>> | HotPathAction;

/** A state node of a client region. */
type State = StateConfig<ClientGuard, ClientAction>;
/** The steps of a state node of a client region, by event type. */
type On = Readonly<Record<string, Transitions<ClientGuard, ClientAction>>>;

/**
 * Transitions a design adds to client states, by the state's path inside the client region
 * (`worker.idle` of net_dma/async_tx, `holding` of slave), keyed by event type.
 */
export type ClientSteps<G extends string = string, A extends string = string> = Readonly<
  Partial<Record<'worker.idle' | 'holding', Readonly<Record<string, Transitions<G, A>>>>>
>;

/** `<client>.getAllocFails` (the scenario's `allocFailures`): `dmaengine_get` whose first alloc fails. */
function getAllocFailsStep(type: string, n: string, p: { t: number }): On {
  return {
    [type]: {
      guard: 'getCanFailAlloc',
      target: `#${n}.control.got`,
      actions: [{ type: 'dmaengineGetAllocFails', params: p }],
      description:
        'dmaengine_get whose first device_alloc_chan_resources fails: that dma_chan_get leaves client_count 0 and returns the error, which dmaengine_get only pr_debugs; the other channels are got',
    },
  };
}

/**
 * A split find/get at a call site under get_cpu() (async_tx, spec/vocabulary.ts
 * findsPreemptOff): preemption is off from its first statement (`off`) to its last (`on`),
 * so the thread cannot migrate in between and no stop_machine lands (preemptOff, locks.ts).
 */
function preemption(c: ClientInfo, split: boolean) {
  const noPreempt = split && findsPreemptOff(c.kind);
  const p = { t: c.index };
  return {
    noPreempt,
    off: noPreempt ? [{ type: 'preemptDisable' as const, params: p }] : [],
    on: noPreempt ? [{ type: 'preemptEnable' as const, params: p }] : [],
  };
}

/** `<client>.release`: `dmaengine_put`, 3.6's, or the RFC base's that rebalances on the last put. */
function releaseStep(n: string, p: { t: number }, putRebalances: boolean): TransitionConfig<ClientGuard, ClientAction> {
  return {
    guard: { type: 'canRelease', params: p },
    target: `#${n}.control.released`,
    actions: [{ type: putRebalances ? 'dmaenginePutRebalance' : 'dmaenginePut', params: p }],
    description: putRebalances
      ? 'RFC base dmaengine_put under dma_list_mutex: dma_chan_put on every public channel; if (--dmaengine_client_count == 0) dma_channel_rebalance() (3/7 hunk @@ -559,7 +640,7 @@): the last put clears channel_table'
      : 'dmaengine_put under dma_list_mutex: dmaengine_ref_count--, dma_chan_put on every public channel; no rebalance',
  };
}

/** Who a client's `dma_issue_pending_all` caller (thread `<client>-rx`) is. */
const WALKER_TEXT = {
  net_dma: 'NET_RX softirq: net_rx_action calls dma_issue_pending_all (3.4 net/core/dev.c, CONFIG_NET_DMA)',
  async_tx: 'raid5d: async_tx_issue_pending_all is dma_issue_pending_all (3.6 include/linux/async_tx.h:88, drivers/md/raid5.c:4687)',
} as const;

/** The region of a `net_dma` or `async_tx` client: `<name>.control` ∥ `<name>.worker`. */
export function publicClientRegion(
  c: ClientInfo,
  extra: ClientSteps<ClientGuard, ClientAction> = {},
  hotPath: HotPathKind = 'plain',
  /** The scenario's `allocFailures`: add the `getAllocFails` step. */
  allocFailures = false,
  /** The design's `putRebalances` (the RFC base): `dmaengine_put` rebalances on the last put. */
  putRebalances = false,
  /** The design's `unregisterListDel` (5.10.7): the walker can oops on a list_del'ed channel. */
  walkerOopses = false,
): StateConfig<ClientGuard, ClientAction> {
  const n = c.name;
  return {
    id: n,
    type: 'parallel',
    description: `${c.kind} client ${n}: a control context (dmaengine_get/put) and a worker context (find → use → put)${hasWalker(c) ? `, and its dma_issue_pending_all caller (${c.kind === 'net_dma' ? 'NET_RX softirq' : 'raid5d'})` : ''}`,
    states: {
      control: controlRegion(c, allocFailures, putRebalances),
      worker: workerRegion(c, HOT_PATHS[hotPath], extra),
      ...walkerRegion(c, walkerOopses),
    },
  };
}

/** `<client>.control`: `dmaengine_get` … `dmaengine_put`. */
function controlRegion(c: ClientInfo, allocFailures: boolean, putRebalances: boolean): State {
  const n = c.name;
  const p = { t: c.index };
  const ev = (step: string) => `${n}.${step}`;
  return {
    id: `${n}.control`,
    initial: 'idle',
    description: `control context: the ${c.kind} client switched on and off (dmaengine_get / dmaengine_put)`,
    states: {
      idle: {
        id: `${n}.control.idle`,
        description: 'before dmaengine_get',
        on: {
          [ev('get')]: {
            guard: 'listMutexFree',
            target: `#${n}.control.got`,
            actions: [{ type: 'dmaengineGet', params: p }],
            description: 'dmaengine_get under dma_list_mutex: dmaengine_ref_count++, dma_chan_get on every public channel, rebalance on 0→1',
          },
          ...(allocFailures ? getAllocFailsStep(ev('getAllocFails'), n, p) : {}),
        },
      },
      got: {
        id: `${n}.control.got`,
        description: 'registered interest: dmaengine_get done, dmaengine_put not yet',
        on: {
          [ev('release')]: releaseStep(n, p, putRebalances),
        },
      },
      released: { id: `${n}.control.released`, description: 'after dmaengine_put' },
    },
  };
}

/**
 * The {@link WorkerKit} of client `c` under a hot path whose find is `split` or not, with
 * the migration step any worker state takes (`migrateTo`) and the `preemptDisable` that
 * opens a find or re-get under `get_cpu()` (`off`).
 */
function workerKit(c: ClientInfo, split: boolean): { kit: WorkerKit; migrateTo: (id: string) => On; off: WorkerKit['on'] } {
  const n = c.name;
  const p = { t: c.index };
  const { noPreempt, off, on } = preemption(c, split);
  const migrateTo = (id: string): On =>
    c.migrates
      ? {
          [`${n}.migrate`]: {
            guard: { type: 'canMigrate', params: p },
            target: `#${id}`,
            actions: [{ type: 'migrate', params: p }],
            description: 'the scheduler moves the thread to another online CPU between get and put',
          },
        }
      : {};
  const kit: WorkerKit = {
    c,
    p,
    ev: (step) => `${n}.${step}`,
    id: (state) => `${n}.worker.${state}`,
    inc: (target, guard, description = 'RFC this_cpu_inc(dmaengine_chan_ref_count) on the CPU the thread runs on now', action = 'refInc') => ({
      ...(guard ? { guard: { type: guard, params: p } } : {}),
      target: `#${n}.worker.${target}`,
      actions: [{ type: action, params: p }, ...(target === 'found' ? on : [])], // into found: the find/get ends
      description,
    }),
    on,
    migrateInside: (id) => (noPreempt ? {} : migrateTo(id)), // none while preemption is off
  };
  return { kit, migrateTo, off };
}

/**
 * `<client>.worker`: find (or async_tx's re-get) → use → put rounds; the hot path record
 * `hp` gives the states a find or re-get passes between `idle` and `found`.
 */
function workerRegion(c: ClientInfo, hp: HotPath, extra: ClientSteps<ClientGuard, ClientAction>): State {
  const { kit, migrateTo, off } = workerKit(c, hp.split);
  const { p, ev, id } = kit;
  const reget: On =
    c.kind === 'async_tx'
      ? {
          [ev('reget')]: {
            guard: { type: 'canReget', params: p },
            target: `#${id(hp.split ? 'regetting' : 'found')}`,
            actions: [...off, { type: 'getChannel', params: p }],
            description: hp.reget,
          },
        }
      : {};
  return {
    id: `${c.name}.worker`,
    initial: 'idle',
    description:
      c.kind === 'async_tx'
        ? 'worker context: find → use → put rounds (async_tx submitting a descriptor: __async_tx_find_channel)'
        : 'worker context: find → use → put rounds (tcp_recvmsg copying with net_dma)',
    states: {
      idle: {
        id: id('idle'),
        description: 'between rounds: no per-CPU reference held',
        on: {
          [ev('find')]: {
            guard: { type: 'canFind', params: p },
            target: `#${id(hp.split ? 'fetched' : 'found')}`,
            actions: [...off, { type: 'findChannel', params: p }],
            description: 'dma_find_channel(cap): this_cpu_read(channel_table[cap]->chan)',
          },
          ...reget,
          ...extra['worker.idle'],
        },
      },
      ...hp.states(kit),
      found: {
        id: id('found'),
        description: 'dma_find_channel/dma_get_channel returned; the channel (or NULL) is about to be used',
        on: {
          [ev('use')]: {
            target: `#${id('used')}`,
            actions: [{ type: 'useChannel', params: p }],
            description: 'prep + submit + dma_async_issue_pending on the channel (NULL: CPU copy)',
          },
          ...migrateTo(id('found')),
        },
      },
      used: {
        id: id('used'),
        description: 'the operation was issued; the reference is still held',
        on: {
          [ev('put')]: {
            target: `#${id('idle')}`,
            actions: [{ type: 'putChannel', params: p }],
            description: 'RFC dma_put_channel: this_cpu_dec on the CPU the thread runs on now (3.4: nothing)',
          },
          ...migrateTo(id('used')),
        },
      },
    },
  };
}

/**
 * The `<client>-rx` region of a client with a `dma_issue_pending_all` caller
 * (spec/vocabulary.ts hasWalker), or nothing; with `oopses` (the design's
 * `unregisterListDel`) its state `oopsed`.
 */
function walkerRegion(c: ClientInfo, oopses: boolean): Record<string, State> {
  const n = c.name;
  const p = { t: c.index };
  // The NET_RX softirq is its own thread for fairness (`<client>-rx`, spec/threads.md) but
  // lives in the client's region, so that renaming identical clients renames it too.
  const rx = (step: string) => `${rxThread(n)}.${step}`;
  // dma_issue_pending_all's loop (3.6 dmaengine.c:360-366): a step reads on to the next
  // channel with client_count (then stops before its device_issue_pending) or to the end.
  const walkOn = (action: 'check' | 'issuePending', what: string): Transitions<ClientGuard, ClientAction> => [
    // Only an issue reads on from a channel, whose device_node.next a list_del may have poisoned.
    ...(oopses && action === 'issuePending'
      ? [
          {
            guard: { type: 'walkOopses' as const, params: p },
            target: `#${n}.softirq.oopsed`,
            actions: [{ type: 'issuePending' as const, params: p }],
            description: `${what}: chan->device_node.next is LIST_POISON1 (the channel unregister list_del'ed it, 5.10.7 dmaengine.c:1113); the walk reads client_count through it and oopses (:563)`,
          },
        ]
      : []),
    {
      guard: { type: 'walkFindsChannel', params: p },
      target: `#${n}.softirq.issuing`,
      actions: [{ type: action === 'check' ? 'rcuCheck' : 'issuePending', params: p }],
      description: `${what}: the walk reads on to the next channel with client_count (assumption walker-per-channel)`,
    },
    {
      target: `#${n}.softirq.idle`,
      actions: [{ type: action === 'check' ? 'rcuCheck' : 'issuePending', params: p }],
      description: `${what}: no further channel with client_count on the walk's path; rcu_read_unlock`,
    },
  ];
  return hasWalker(c)
    ? {
        softirq: {
          id: `${n}.softirq`,
          initial: 'idle',
          description: WALKER_TEXT[c.kind === 'net_dma' ? 'net_dma' : 'async_tx'],
          states: {
            idle: {
              id: `${n}.softirq.idle`,
              description: 'no RCU read-side section open',
              on: {
                [rx('walk')]: {
                  guard: { type: 'softirqCanRun', params: p },
                  target: `#${n}.softirq.walking`,
                  actions: [{ type: 'rcuWalk', params: p }],
                  description: 'dma_issue_pending_all: rcu_read_lock; list_for_each_entry_rcu fetches the first device on dma_device_list, private or not',
                },
              },
            },
            walking: {
              id: `${n}.softirq.walking`,
              description: 'inside rcu_read_lock: the walk holds the first device it fetched and will follow the list from it (rcuSeen)',
              on: { [rx('check')]: walkOn('check', 'a DMA_PRIVATE device skipped after its cap_mask is read') },
            },
            issuing: {
              id: `${n}.softirq.issuing`,
              description: 'inside rcu_read_lock: chan->client_count was read non-zero (rcuChan); device_issue_pending not called yet',
              on: { [rx('issue')]: walkOn('issuePending', 'device->device_issue_pending(chan), then') },
            },
            ...(oopses
              ? {
                  oopsed: {
                    id: `${n}.softirq.oopsed`,
                    description:
                      'the walk oopsed on a poisoned device_node.next (rcuChan: the channel it came from): the thread takes no further step (assumption oops-ends-thread, spec/threads.md)',
                  },
                }
              : {}),
          },
        },
      }
    : {};
}

/** The region of a `slave` client: request → use → release. */
export function slaveRegion(c: ClientInfo, extra: ClientSteps<ClientGuard, ClientAction> = {}): StateConfig<ClientGuard, ClientAction> {
  const n = c.name;
  const p = { t: c.index };
  const ev = (step: string) => `${n}.${step}`;
  return {
    id: n,
    initial: 'idle',
    description: `slave client ${n}: dma_request_channel, uses, dma_release_channel`,
    states: {
      idle: {
        id: `${n}.idle`,
        description: 'no channel requested yet',
        on: {
          [ev('request')]: [
            {
              guard: { type: 'requestGets', params: p },
              target: `#${n}.holding`,
              actions: [{ type: 'requestChannel', params: p }],
              description:
                '__dma_request_channel: private_candidate found a channel; DMA_PRIVATE set, privatecnt++, dma_chan_get succeeds (allocOk=false: the first candidate’s alloc failed, its device undone, and a later device’s candidate is taken)',
            },
            {
              guard: { type: 'requestFails', params: p },
              target: `#${n}.noChannel`,
              actions: [{ type: 'requestChannel', params: p }],
              description:
                '__dma_request_channel returns NULL: no candidate, or (allocOk=false: the call’s first device_alloc_chan_resources fails) the first candidate’s alloc failed (privatecnt--, DMA_PRIVATE cleared at 0) and no later device has one',
            },
          ],
        },
      },
      holding: {
        id: `${n}.holding`,
        description: 'holds an exclusive (private) channel',
        on: {
          [ev('use')]: {
            guard: { type: 'slaveCanUse', params: p },
            target: `#${n}.holding`,
            actions: [{ type: 'slaveUse', params: p }],
            description: 'prep + submit on the private channel',
          },
          [ev('release')]: {
            guard: { type: 'slaveCanRelease', params: p },
            target: `#${n}.released`,
            actions: [{ type: 'releaseChannel', params: p }],
            description: 'dma_release_channel: dma_chan_put, privatecnt--, DMA_PRIVATE cleared at 0 (RFC: wake the unregister wait queue)',
          },
          ...extra.holding,
        },
      },
      noChannel: { id: `${n}.noChannel`, description: 'dma_request_channel returned NULL: the client ends' },
      released: { id: `${n}.released`, description: 'after dma_release_channel: the client ends' },
    },
  };
}

/**
 * Bits of `uaf[t][c]`: who of client t used the freed channel — the client's own thread, or
 * (net_dma) its NET_RX softirq, thread `<client>-rx`: a violation names the thread whose step
 * made the use (spec/vocabulary.ts `rxThread`).
 */
export const UAF_BY_THREAD = 1;
export const UAF_BY_RX = 2;

/**
 * Whether client `t`'s own use writes `chan->local`: net_dma's copies are 3.x's
 * `dma_async_memcpy_*` (via `iovlock.c:182, 251`), which end in
 * `__this_cpu_add(chan->local->bytes_transferred, len)` (3.6 `dmaengine.c:895-896, 941-942,
 * 990-991`). async_tx's `async_memcpy` and a slave's prep/submit/issue do not touch it.
 */
export const writesChanLocal = (L: Layout, t: number): boolean => L.clients[t].kind === 'net_dma';

/**
 * Records a use of channel `c` by thread `t` if the memory behind it is freed: its resources,
 * its device, or (a net_dma copy by the client's own thread) its `chan->local`.
 */
export function recordUse(ctx: SystemContext, L: Layout, t: number, c: number, by: number = UAF_BY_THREAD): void {
  if (c < 0) return;
  if (isFreed(ctx, L, c) || (by === UAF_BY_THREAD && writesChanLocal(L, t) && ctx.channels[c].local === 0)) ctx.uaf[t][c] |= by;
}

/** A design's {@link DesignModel.listedChannels}: which channels of a device are still on `device->channels`. */
export type ListedChannels = NonNullable<DesignModel['listedChannels']>;

/**
 * Guards and actions of the client regions (the hot path comes from the design); `listed`
 * is the design's {@link DesignModel.listedChannels}, if it has one.
 */
export function clientRules(L: Layout, listed?: ListedChannels, poisoned = false) {
  const spec = (t: number) => L.clients[t];
  const roundsLeft = (ctx: SystemContext, t: number) => spec(t).busy || ctx.threads[t].rounds < spec(t).rounds;
  return ruleSet<SystemContext, ThreadParams>()({
    guards: {
      canFind: (ctx, { t }) => ctx.threads[t].got === 1 && roundsLeft(ctx, t),
      // A well-behaved client calls dmaengine_put between rounds; `releasesEarly` also lets
      // it do so while its own round is in flight (a client bug no design can absorb).
      canRelease: (ctx, { t }) =>
        listMutexFree(ctx) &&
        spec(t).releases &&
        (spec(t).releasesEarly
          ? spec(t).busy || !roundsLeft(ctx, t) || ctx.threads[t].inFlight === 1
          : ctx.threads[t].inFlight === 0 && (spec(t).busy || !roundsLeft(ctx, t))),
      // async_tx re-gets its cached pointer while it holds dmaengine_get, or also after
      // its own dmaengine_put when it `releasesEarly`.
      canReget: (ctx, { t }) => ctx.threads[t].cached >= 0 && ctx.threads[t].regot === 0 && (spec(t).releasesEarly === true || ctx.threads[t].got === 1),
      canMigrate: (ctx, { t }, e) => {
        const cpu = e.cpu as number;
        return ctx.cpuOnline[cpu] === 1 && cpu !== ctx.threads[t].cpu;
      },
      // __dma_request_channel and dma_release_channel run under dma_list_mutex.
      // allocOk=false is offered only when there is a candidate (an alloc to fail); it fails the
      // call's first alloc, and the walk goes on to the next device (requestOutcome).
      // A slave's filter (its scenario `filter`) rejects channels as private_candidate's fn does.
      requestGets: (ctx, { t }, e) =>
        listMutexFree(ctx) &&
        privateCandidate(ctx, L, spec(t).cap, 0, spec(t).filter) >= 0 &&
        requestOutcome(ctx, L, spec(t).cap, e.allocOk !== true, spec(t).filter) >= 0,
      requestFails: (ctx, { t }, e) =>
        listMutexFree(ctx) &&
        (privateCandidate(ctx, L, spec(t).cap, 0, spec(t).filter) < 0
          ? e.allocOk === true
          : requestOutcome(ctx, L, spec(t).cap, e.allocOk !== true, spec(t).filter) < 0),
      slaveCanUse: (ctx, { t }) => roundsLeft(ctx, t),
      slaveCanRelease: (ctx, { t }) => listMutexFree(ctx) && spec(t).releases && (spec(t).busy || !roundsLeft(ctx, t)),
      // net_rx_action runs while net_dma is on; a walk that can see no device changes nothing, so it is left out.
      /** Offered only when the get allocates something: a failure needs an alloc to fail. */
      getCanFailAlloc: (ctx) => listMutexFree(ctx) && dmaengineGetAllocates(ctx, L),
      softirqCanRun: (ctx, { t }) => ctx.threads[t].got === 1 && ctx.devices.some((d) => d.listed === 1),
      walkFindsChannel: (ctx, { t }) => {
        const r = walkAhead(ctx, L, t, listed, poisoned);
        return r.chan >= 0 && !r.oops;
      },
      walkOopses: (ctx, { t }) => walkAhead(ctx, L, t, listed, poisoned).oops,
    },
    actions: {
      dmaengineGet: (ctx, { t }) => {
        ctx.threads[t].got = 1;
        dmaengineGet(ctx, L);
      },
      dmaengineGetAllocFails: (ctx, { t }) => {
        ctx.threads[t].got = 1;
        dmaengineGet(ctx, L, true);
      },
      dmaenginePut: (ctx, { t }) => {
        ctx.threads[t].got = 2;
        dmaenginePut(ctx, L);
      },
      dmaenginePutRebalance: (ctx, { t }) => {
        ctx.threads[t].got = 2;
        dmaenginePut(ctx, L, true);
      },
      useChannel: (ctx, { t }) => recordUse(ctx, L, t, ctx.threads[t].chan),
      // The chain the walk will follow: every listed device, DMA_PRIVATE ones too (3.6
      // dmaengine.c:360-362 reads cap_mask and global_node.next of each); list_del_rcu
      // prunes it as the kernel's pointers do (listDelRcu, dmaengine.ts).
      rcuWalk: (ctx, { t }) => {
        let seen = 0;
        for (let d = 0; d < L.devices.length; d++) if (ctx.devices[d].listed) seen |= 1 << d;
        ctx.threads[t].rcuSeen = seen;
      },
      rcuCheck: (ctx, { t }) => walkStep(ctx, L, t, listed, poisoned),
      // ioat's issue_pending on a channel whose resources a put freed meanwhile touches no
      // freed memory (assumption issue-after-free-benign, spec/threads.md): only a freed
      // channel struct (its device freed) is a use after free.
      // device_issue_pending(rcuChan) then reading on (walkStep counts the call's read of a freed channel).
      issuePending: (ctx, { t }) => walkStep(ctx, L, t, listed, poisoned),
      migrate: (ctx, { t }, e) => {
        ctx.threads[t].cpu = e.cpu as number;
      },
      // get_cpu() / put_cpu() around a find or re-get (spec/vocabulary.ts findsPreemptOff).
      preemptDisable: (ctx, { t }) => {
        ctx.threads[t].preemptOff = 1;
      },
      preemptEnable: (ctx, { t }) => {
        ctx.threads[t].preemptOff = 0;
      },
      // __dma_request_channel (3.6 dmaengine.c:504-541): for each listed device in order, its
      // private_candidate; on one, DMA_PRIVATE, privatecnt++, dma_chan_get; success ends the
      // walk, an error undoes privatecnt/DMA_PRIVATE and goes on to the next device. The
      // -ENODEV branch (list_del_rcu) is not reached: assumption no-module-going, spec/threads.md.
      requestChannel: (ctx, { t }, e) => {
        let fail = e.allocOk !== true;
        for (let d = 0; d < L.devices.length; d++) {
          const c = deviceCandidate(ctx, L, d, spec(t).cap, spec(t).filter);
          if (c < 0) continue;
          const dev = ctx.devices[d];
          dev.private = 1;
          dev.privatecnt++;
          const ok = dmaChanGet(ctx, L, c, !fail);
          fail = false;
          if (ok) {
            ctx.threads[t].chan = c;
            return;
          }
          if (--dev.privatecnt === 0) dev.private = 0;
        }
      },
      slaveUse: (ctx, { t }) => {
        recordUse(ctx, L, t, ctx.threads[t].chan);
        if (!spec(t).busy) ctx.threads[t].rounds = Math.min(ctx.threads[t].rounds + 1, spec(t).rounds);
      },
      releaseChannel: (ctx, { t }) => {
        const c = ctx.threads[t].chan;
        // dma_chan_put writes the channel: after the device was freed that is a use after free.
        if (ctx.devices[L.channels[c].device].freed) ctx.uaf[t][c] = 1;
        dmaChanPut(ctx, c);
        const dev = ctx.devices[L.channels[c].device];
        if (--dev.privatecnt === 0) dev.private = 0;
        ctx.threads[t].chan = -1;
      },
    },
  });
}

/**
 * Where `dma_issue_pending_all` goes from its position (3.6 dmaengine.c:360-366): from the
 * channel after `rcuChan`, or at the head of its path, device by device along `rcuSeen`,
 * reading each new device's `cap_mask` (skipping a private one) and its channels'
 * `client_count`, to the next channel with clients (`chan`, -1 at the end of the list).
 * Fields of a freed device are read from freed memory (their stale values); `freedRead` are
 * the channels whose struct the step read so (a channel's `client_count` or
 * `device_node.next`), or every channel of a freed device the step read none of (its
 * `cap_mask`, `global_node.next`): the kernel harness names a use after free so. Channels a
 * design took off `device->channels` (its `listedChannels` hook: kref-5-10's, 5.10.7
 * dmaengine.c:1113) are not walked. A walk that stopped at one of them before it left the list
 * follows its `next`: poisoned under `poisoned` (the design's `unregisterListDel`, `list_del`),
 * where it oopses (`oops`, `chan` the channel it came from); still valid otherwise.
 */
function walkAhead(
  ctx: SystemContext,
  L: Layout,
  t: number,
  listed: ListedChannels | undefined,
  poisoned: boolean,
): { chan: number; seen: number; freedRead: number[]; oops: boolean } {
  let seen = ctx.threads[t].rcuSeen;
  let from = ctx.threads[t].rcuChan;
  const freedRead: number[] = [];
  while (seen) {
    const d = 31 - Math.clz32(seen & -seen);
    const chans = L.devices[d].channels;
    const freed = ctx.devices[d].freed === 1;
    const onList = listed?.(ctx, L, d);
    const before = freedRead.length;
    let i = 0;
    if (from >= 0) {
      i = chans.indexOf(from) + 1;
      if (freed) freedRead.push(from); // device_issue_pending(chan), chan->device_node.next
      // The walk's channel was list_del'ed meanwhile: its next is LIST_POISON1 (5.10.7 :1113),
      // and the loop's client_count read through it oopses (:563).
      if (poisoned && onList && !onList.includes(from)) return { chan: from, seen: 0, freedRead, oops: true };
    }
    if (from < 0 && ctx.devices[d].private) i = chans.length;
    from = -1;
    for (; i < chans.length; i++) {
      if (onList && !onList.includes(chans[i])) continue; // list_del'd: the walk's next skips it
      if (freed) freedRead.push(chans[i]);
      if (ctx.channels[chans[i]].clientCount > 0) return { chan: chans[i], seen, freedRead, oops: false };
    }
    if (freed && freedRead.length === before) freedRead.push(...chans);
    seen &= seen - 1; // past d: its global_node.next is read
  }
  return { chan: -1, seen: 0, freedRead, oops: false };
}

/**
 * The walk reads on ({@link walkAhead}): each freed channel read is a use after free. After
 * an oops the walk is over (rcuSeen 0) and rcuChan keeps the channel it oopsed from. At the
 * walk's end, `rcu_read_unlock()` (3.6 dmaengine.c:367): no grace period waits for it any more
 * (`gpWait` 0; after an oops too, assumption oops-ends-thread).
 */
function walkStep(ctx: SystemContext, L: Layout, t: number, listed: ListedChannels | undefined, poisoned: boolean): void {
  const r = walkAhead(ctx, L, t, listed, poisoned);
  for (const c of r.freedRead) ctx.uaf[t][c] |= UAF_BY_RX;
  ctx.threads[t].rcuSeen = r.seen;
  ctx.threads[t].rcuChan = r.chan;
  if (r.seen === 0) ctx.threads[t].gpWait = 0;
}
