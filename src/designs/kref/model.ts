/**
 * Designs `kref`, `kref-5-10` and `kref-fixed`: the `struct dma_device` kref of mainline
 * commit 8ad342a86359 ("dmaengine: Add reference counting to dma_device struct", Logan
 * Gunthorpe, 2019-12, in 5.6), as one builder with three variants.
 *
 * All: `kref_init` = 1 at register (design variable `kref`, lists.ts); `dma_chan_get` takes
 * `kref_get_unless_zero(&device->ref)` only on a channel's 0→1 (its slow path;
 * `balance_ref_count` raises `client_count` without a device reference); unregister drops
 * the registration reference (`dma_device_put`) and returns; at 0, `dma_device_release`
 * calls the driver's `device_release`, which frees the device and its channels.
 *
 * - `kref` (7.0 as shipped, ../shared/kernel/linux-7.0): `dma_chan_put` calls `dma_device_put` on
 *   EVERY put (7.0 dmaengine.c:518), then `module_put(dma_chan_to_owner(chan))` (:519), which
 *   reads `chan->device` after a possible free; `dma_release_channel` reads
 *   `chan->device->privatecnt` after it.
 * - `kref-5-10` (5.10.7 as shipped, ../shared/kernel/linux-5.10.7): the same, and
 *   `dma_chan_get` increments twice on a public channel's first get (:473-477, issue 31 M1).
 * - `kref-fixed` (Shivank Garg, 2026, `Fixes: 8ad342a86359`): "dmaengine: Fix device kref
 *   underflow in dma_chan_put()" drops the device reference only when `client_count`
 *   reaches 0; "dmaengine: fix use-after-free in dma_chan_put() and dma_release_channel()"
 *   reads the owner before the put and moves the put to the end of `dma_release_channel`.
 * @module
 */
import type { ActionRule, GuardRule } from '../../../machines/kit.ts';
import { iohReadsFreed } from '../../../machines/system/ioh.ts';
import { listMutexFree } from '../../../machines/system/locks.ts';
import { dmaChannelRebalance, listDelRcu } from '../../../machines/system/dmaengine.ts';
import { type DesignModel, defineDesign, NO_EARLY_RELEASE } from '../../../machines/system/design.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import type { Layout } from '../../../machines/system/layout.ts';
import { deviceRef, type KernelLists, kernelLists, listedChannelsOf, unregistered, unregisteredOf } from './lists.ts';

/** Which of the kref designs. */
export interface KrefVariant {
  readonly name: 'kref' | 'kref-5-10' | 'kref-fixed';
  /** Garg's fix: the device reference is dropped only on a channel's →0 put, and nothing is read after it. */
  readonly fixed: boolean;
  /**
   * 5.10.7's `dma_chan_get` (dmaengine.c:446-485): on a public channel's first get
   * `balance_ref_count` (:473-474) raises `client_count` to `dmaengine_ref_count`, then
   * `out: chan->client_count++` (:476-477) adds one more, never dropped (issue 31 M1). 7.0
   * increments first and balances after (7.0 dmaengine.c:476-479): no extra count.
   */
  readonly doubleIncrement: boolean;
  /**
   * 5.10.7's `__dma_async_device_channel_unregister` takes the channel off
   * `device->channels` (`list_del(&chan->device_node)`, 5.10.7 :1113); 7.0's keeps it there
   * (7.0 :1137-1153, issue 31 M4). Off the list, `dmaengine_get`/`_put`, `private_candidate`
   * and `dma_channel_rebalance` no longer reach it.
   */
  readonly unregisterListDel: boolean;
}

/**
 * `dma_device_release` (5.10.7 dmaengine.c:423-431, 7.0 :425-433), under `dma_list_mutex`
 * as every `dma_device_put` is: `list_del_rcu(&device->global_node)` (issue 31 M2: the
 * device left the list only here), `dma_channel_rebalance()` (M3: clears the table slots of
 * its channels and of other devices' channels `dmaengine_put` left), then the driver's
 * `device_release`, which frees the device and its channels.
 */
function dmaDeviceRelease(ctx: SystemContext, L: Layout, lists: KernelLists, d: number): void {
  listDelRcu(ctx, d, (p) => ctx.devices[p].freed === 0);
  dmaChannelRebalance(ctx, lists.view(ctx));
  for (const c of L.devices[d].channels) ctx.channels[c].resources = 0;
  ctx.devices[d].freed = 1;
}

/**
 * `dma_device_put`: `kref_put(&device->ref, dma_device_release)`. Returns whether this put
 * released the device. A put on a count already at 0 is refcount_t's underflow WARN: no
 * second release (the memory is already gone).
 */
function dmaDevicePut(ctx: SystemContext, L: Layout, lists: KernelLists, d: number): boolean {
  const dev = ctx.design.devices[d];
  if (dev.kref === 0) return false;
  if (--dev.kref > 0) return false;
  dmaDeviceRelease(ctx, L, lists, d);
  return true;
}

/**
 * The `dma_list_mutex` section of mainline's `dma_async_device_unregister` (5.10.7
 * :1320-1329, 7.0 :1308-1317), one step as the kernel holds the mutex through it (M5):
 * `dma_cap_set(DMA_PRIVATE)` with the device still listed (M2), `dma_channel_rebalance()`,
 * `dma_device_put` of the registration reference (the release if it was the last).
 */
function unregisterSection(ctx: SystemContext, L: Layout, lists: KernelLists, d: number): void {
  ctx.devices[d].private = 1;
  dmaChannelRebalance(ctx, lists.view(ctx));
  dmaDevicePut(ctx, L, lists, d);
}

/**
 * The device-reference part of one `dma_chan_put` of channel `c` by thread `t`, whose
 * `client_count` is `left` after it. On a freed device the put itself reads freed memory.
 */
function chanPutRef(ctx: SystemContext, L: Layout, v: KrefVariant, lists: KernelLists, t: number, c: number, left: number): void {
  const d = L.channels[c].device;
  if (ctx.devices[d].freed) {
    ctx.uaf[t][c] = 1; // chan->client_count, chan->device of a freed channel
    return;
  }
  if (v.fixed) {
    if (left === 0) dmaDevicePut(ctx, L, lists, d); // Garg-1: pairs the single slow-path get; owner was read before (Garg-2)
    return;
  }
  // As shipped: every put drops a device reference, then module_put(dma_chan_to_owner(chan))
  // reads chan->device (and dma_release_channel privatecnt): freed if this put released it.
  if (dmaDevicePut(ctx, L, lists, d)) ctx.uaf[t][c] = 1;
}

/**
 * Wraps a client action that runs `dma_chan_get`s or `dma_chan_put`s (the shared 3.4 rules
 * of machines/system/dmaengine.ts, walking the kernel's lists now: lists.ts) with their
 * device references: each channel's 0→1 get takes one (`kref_get_unless_zero`; on a freed
 * device it touches freed memory), each put is replayed in list order, one `dma_chan_put`
 * per unit of `client_count` lost. The shared rules do one put per channel per call, so list
 * order is the kernel's order.
 */
function withDeviceRefs(L: Layout, v: KrefVariant, lists: KernelLists, name: ClientActionName): ActionRule<SystemContext> {
  return (ctx, p: { t: number }, e) => {
    const before = ctx.channels.map((ch) => ch.clientCount);
    // dmaengine_put's walk: the channels of the listed public devices (7.0 :1010-1014, 5.10.7 :980-984).
    const view = lists.view(ctx);
    const walked = name === 'dmaenginePut' ? view.devices.flatMap((dev, d) => (ctx.devices[d].listed && !ctx.devices[d].private ? dev.channels : [])) : [];
    lists.rules(ctx).actions[name](ctx, p, e);
    devicePuts(ctx, L, v, lists, p.t, before, new Set(walked));
  };
}

/** The shared client actions the kref designs run with their device references. */
type ClientActionName = 'dmaengineGet' | 'dmaengineGetAllocFails' | 'dmaenginePut' | 'requestChannel' | 'releaseChannel';

/**
 * The device references the channel gets and puts of one call took or dropped (`before`:
 * each channel's `client_count` before it; `walked`: the channels a `dmaengine_put` walks).
 */
function devicePuts(
  ctx: SystemContext,
  L: Layout,
  v: KrefVariant,
  lists: KernelLists,
  t: number,
  before: readonly number[],
  walked: ReadonlySet<number>,
): void {
  for (let c = 0; c < L.channels.length; c++) {
    const after = ctx.channels[c].clientCount;
    const d = L.channels[c].device;
    if (before[c] === 0 && after > 0) {
      if (ctx.devices[d].freed) ctx.uaf[t][c] = 1;
      else ctx.design.devices[d].kref++;
      // 5.10.7 :476-477: `out: chan->client_count++` after balance_ref_count on a public device.
      if (v.doubleIncrement && !ctx.devices[d].private) ctx.channels[c].clientCount++;
    }
    for (let n = before[c]; n > after; n--) chanPutRef(ctx, L, v, lists, t, c, n - 1);
    // dmaengine_put's list_for_each_entry reads the channel's client_count, then, after its
    // put, its device_node.next (7.0 :1013, 5.10.7 :983): freed memory once a put of the walk
    // released the device, this channel's own included (kref-fixed reads nothing else after it).
    if (walked.has(c) && ctx.devices[d].freed) ctx.uaf[t][c] = 1;
  }
}

const SECTION =
  'dma_async_device_unregister under dma_list_mutex: DMA_PRIVATE, dma_channel_rebalance, dma_device_put of the registration reference ' +
  '(dma_device_release if it was the last: list_del_rcu, rebalance, device_release), mutex_unlock (7.0 :1308-1317, 5.10.7 :1320-1329)';

/** One iteration of the channel loop, as the step descriptions cite it. */
const CHANNEL_UNREGISTER =
  '__dma_async_device_channel_unregister of the next channel in device->channels (7.0 :1305-1306 → :1137-1153; 5.10.7 :1317-1318 → :1106-1122): ' +
  'mutex_lock(&dma_list_mutex); [5.10.7: list_del(&chan->device_node), :1113]; device->chancnt-- (7.0 :1147, 5.10.7 :1114); chan->dev->chan = NULL; ' +
  'mutex_unlock; ida_free, device_unregister(&chan->dev->device), free_percpu(chan->local) (not observed: assumption A5)';

/** The model of kref variant `v`. */
export function krefDesign(v: KrefVariant): DesignModel {
  const shipped = !v.fixed;
  return defineDesign({
    name: v.name,
    title: !shipped
      ? 'kref with the 2026 fix (on 7.0): the device reference is dropped on a channel’s last put'
      : v.doubleIncrement
        ? 'kref as 5.10.7 ships it: every dma_chan_put drops a device reference, and a public channel’s first get counts twice'
        : 'kref as 7.0 ships it: every dma_chan_put drops a device reference',
    summary:
      'A dma_device kref (8ad342a86359): kref_init at register; a channel’s 0→1 dma_chan_get takes kref_get_unless_zero(&device->ref) ' +
      '(balance_ref_count adds clients without one); unregister drops the registration reference and returns; at 0 dma_device_release ' +
      'calls device_release, which frees the device. ' +
      (v.doubleIncrement
        ? 'As 5.10.7 ships dma_chan_get, a public channel’s first get runs balance_ref_count and then client_count++: one count more than ' +
          'its users, never dropped, so the channel never frees its resources and two dmaengine_get users that never overlap free the device. '
        : '') +
      (shipped
        ? 'As shipped, dma_chan_put calls dma_device_put on every put, so two dmaengine_get users drop more references than they took: ' +
          'the device is freed under a holder, and module_put(dma_chan_to_owner(chan)) then reads the freed device. '
        : 'Fixed (Garg, Fixes: 8ad342a86359): dma_chan_put drops the device reference only when client_count reaches 0, and reads the owner ' +
          'and privatecnt before that put. The references of dmaengine_get users stay on an unregistered device (dmaengine_put skips it): a leak. ') +
      'The hot path is 3.4’s plain table read.',
    hotPath: 'plain',
    deviceKref: 'kref',
    variables: { perDevice: { unregistered, kref: deviceRef } },
    ...(v.unregisterListDel
      ? {
          // 5.10.7's channel unregister list_dels each channel (:1113): the walk skips it from
          // its iteration on, and a walk stopped at it follows its poisoned next (the walker's oops).
          listedChannels: (ctx: SystemContext, L: Layout, d: number) => listedChannelsOf(ctx, L, true, d),
          unregisterListDel: true,
        }
      : {}),
    ejecting: (b) => ({
      // M5: the kernel's preemption points are between the per-channel unregisters (each takes
      // and drops dma_list_mutex) and before the mutex_lock of the section.
      afterUnregister: 'unregistering',
      unregister: {
        action: 'channelUnregister',
        description: `dma_async_device_unregister (7.0 :1299, 5.10.7 :1311), the channel loop's first iteration: ${CHANNEL_UNREGISTER}; the device stays listed and public`,
      },
      states: {
        unregistering: {
          id: b.id('unregistering'),
          description:
            'dma_async_device_unregister between two steps of its own: the channel loop has channels left, or it is done and unregister is about to take dma_list_mutex for its section (7.0 :1308, 5.10.7 :1320); the device still listed and public',
          on: {
            // Only an IOH with a multi-channel device has a second iteration (every step reachable).
            ...(b.multiChannel
              ? {
                  [b.ev('chanUnregister')]: {
                    guard: { type: 'channelsLeft', params: b.p },
                    actions: [{ type: 'channelUnregister', params: b.p }],
                    description: `the channel loop's next iteration: ${CHANNEL_UNREGISTER}`,
                  },
                }
              : {}),
            [b.ev('putRef')]: [
              {
                guard: { type: 'channelsDoneMore', params: b.p },
                target: `#${b.id('listed')}`,
                actions: [{ type: 'unregisterSection', params: b.p }],
                description: `${SECTION}; the next device is current`,
              },
              {
                guard: { type: 'channelsDoneLast', params: b.p },
                target: `#${b.id('removed')}`,
                actions: [{ type: 'unregisterSection', params: b.p }],
                description: `${SECTION}; the IOH is removed`,
              },
            ],
          },
        },
      },
    }),
    rules: (L) => {
      const lists = kernelLists(L, v.unregisterListDel);
      const wrap = (name: ClientActionName) => withDeviceRefs(L, v, lists, name);
      // The request path's guards walk device->channels and read device->chancnt (private_candidate).
      const walking =
        (name: 'requestGets' | 'requestFails' | 'getCanFailAlloc'): GuardRule<SystemContext> =>
        (ctx, p, e) =>
          lists.rules(ctx).guards[name](ctx, p as { t: number }, e);
      const cur = (ctx: SystemContext, h: number) => ctx.iohs[h].cur;
      const left = (ctx: SystemContext, h: number) => L.devices[cur(ctx, h)].channels.length - unregisteredOf(ctx, cur(ctx, h));
      const more = (ctx: SystemContext, h: number) => L.iohs[h].devices.indexOf(cur(ctx, h)) < L.iohs[h].devices.length - 1;
      return {
        // The shared get/put paths over the kernel's lists, each followed by the device reference it takes or drops.
        overrides: {
          guards: { requestGets: walking('requestGets'), requestFails: walking('requestFails'), getCanFailAlloc: walking('getCanFailAlloc') },
          actions: {
            dmaengineGet: wrap('dmaengineGet'),
            dmaengineGetAllocFails: wrap('dmaengineGetAllocFails'),
            dmaenginePut: wrap('dmaenginePut'),
            requestChannel: wrap('requestChannel'),
            releaseChannel: wrap('releaseChannel'),
          },
        },
        guards: {
          // Each iteration of the channel loop takes dma_list_mutex (7.0 :1146, 5.10.7 :1112); so does the section (7.0 :1308, 5.10.7 :1320).
          channelsLeft: (ctx, { h }: { h: number }) => listMutexFree(ctx) && left(ctx, h) > 0,
          channelsDoneMore: (ctx, { h }: { h: number }) => listMutexFree(ctx) && left(ctx, h) === 0 && more(ctx, h),
          channelsDoneLast: (ctx, { h }: { h: number }) => listMutexFree(ctx) && left(ctx, h) === 0 && !more(ctx, h),
        },
        actions: {
          // One __dma_async_device_channel_unregister: device->chancnt-- and (5.10.7) the
          // list_del, both read through `unregistered` (lists.ts). What it frees is not observed
          // (assumption A5 of README.md). A device the clients' puts already released is freed
          // memory here (A4): the iteration reads its channel's struct (chan->local, client_count,
          // device_node) and device->chancnt (7.0 :1140-1147, 5.10.7 :1110-1114), and 5.10.7's
          // list_del writes its list neighbour, the next channel (its prev is the list head: the
          // earlier ones are gone); the kernel harness names the channels touched, as the model
          // does (world.c attribute_faults).
          channelUnregister: (ctx, { h }: { h: number }) => {
            const d = cur(ctx, h);
            const i = unregisteredOf(ctx, d);
            const chans = L.devices[d].channels;
            if (ctx.devices[d].freed) for (const c of chans.slice(i, v.unregisterListDel ? i + 2 : i + 1)) ctx.iohs[h].uaf |= 1 << c;
            ctx.design.devices[d].unregistered++;
          },
          unregisterSection: (ctx, { h }: { h: number }) => {
            const d = cur(ctx, h);
            // dma_cap_set(DMA_PRIVATE, device->cap_mask) writes a device released before (7.0 :1313, 5.10.7 :1325).
            iohReadsFreed(ctx, L, h, d);
            unregisterSection(ctx, L, lists, d);
            const devs = L.iohs[h].devices;
            const i = devs.indexOf(d);
            ctx.iohs[h].cur = i < devs.length - 1 ? devs[i + 1] : -1;
          },
        },
      };
    },
    claims: ['no-use-after-free', 'client-count-matches-holders', 'table-names-listed-channels', 'removal-completes', 'ref-sum-nonnegative-when-quiescent'],
    assumptions: [
      {
        text: 'The driver implements device_release and frees the device there (8ad342a86359: without it unbinding in use is unsafe); gone hardware is the driver’s problem (not modelled).',
        flags: {},
        steps: [], // the model frees the device in device_release: no run breaks it
      },
      // A client that releases early uses a channel without a reference: mid-round after its
      // dmaengine_put, or an async_tx cached pointer re-got after it (the releasesEarly misuse).
      NO_EARLY_RELEASE,
    ],
  });
}

/** Mainline's kref design as 7.0 ships it (dma_chan_get increments before balance_ref_count). */
export const kref: DesignModel = krefDesign({ name: 'kref', fixed: false, doubleIncrement: false, unregisterListDel: false });
