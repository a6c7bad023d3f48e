/**
 * Designs `kref`, `kref-5-10` and `kref-fixed`: the `struct dma_device` kref of mainline
 * commit 8ad342a86359 ("dmaengine: Add reference counting to dma_device struct", Logan
 * Gunthorpe, 2019-12, in 5.6), as one builder with three variants.
 *
 * All: `kref_init` = 1 at register (`ctx.kref[d]`); `dma_chan_get` takes
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
import { clientRules } from '../../../machines/system/clients.ts';
import { iohReadsFreed } from '../../../machines/system/ioh.ts';
import { dmaChannelRebalance, listDelRcu } from '../../../machines/system/dmaengine.ts';
import { type DesignModel, defineDesign, NO_EARLY_RELEASE } from '../../../machines/system/design.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import type { Layout } from '../../../machines/system/layout.ts';

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

/** Design variable `unlinked`: the device's channels are off `device->channels` (5.10.7's channel unregister). */
const unlinked = {
  initial: 0,
  min: 0,
  max: 1,
  description: '1 once the per-channel unregister took the device’s channels off device->channels (5.10.7 dmaengine.c:1113)',
};

/**
 * `dma_device_release` (5.10.7 dmaengine.c:423-431, 7.0 :425-433), under `dma_list_mutex`
 * as every `dma_device_put` is: `list_del_rcu(&device->global_node)` (issue 31 M2: the
 * device left the list only here), `dma_channel_rebalance()` (M3: clears the table slots of
 * its channels and of other devices' channels `dmaengine_put` left), then the driver's
 * `device_release`, which frees the device and its channels.
 */
function dmaDeviceRelease(ctx: SystemContext, L: Layout, d: number): void {
  // On the list is "not released" here: walkingUnlinked hides listed devices meanwhile.
  listDelRcu(ctx, d, (p) => ctx.devices[p].freed === 0);
  dmaChannelRebalance(ctx, L);
  for (const c of L.devices[d].channels) ctx.channels[c].resources = 0;
  ctx.devices[d].freed = 1;
}

/**
 * `dma_device_put`: `kref_put(&device->ref, dma_device_release)`. Returns whether this put
 * released the device. A put on a count already at 0 is refcount_t's underflow WARN: no
 * second release (the memory is already gone).
 */
function dmaDevicePut(ctx: SystemContext, L: Layout, d: number): boolean {
  if (ctx.kref[d] === 0) return false;
  if (--ctx.kref[d] > 0) return false;
  dmaDeviceRelease(ctx, L, d);
  return true;
}

/**
 * The `dma_list_mutex` section of mainline's `dma_async_device_unregister` (5.10.7
 * :1320-1329, 7.0 :1308-1317), one step as the kernel holds the mutex through it (M5):
 * `dma_cap_set(DMA_PRIVATE)` with the device still listed (M2), `dma_channel_rebalance()`,
 * `dma_device_put` of the registration reference (the release if it was the last).
 */
function unregisterSection(ctx: SystemContext, L: Layout, v: KrefVariant, d: number): void {
  walkingUnlinked(ctx, L, v, () => {
    ctx.devices[d].private = 1;
    dmaChannelRebalance(ctx, L);
    dmaDevicePut(ctx, L, d);
  });
}

/**
 * The device-reference part of one `dma_chan_put` of channel `c` by thread `t`, whose
 * `client_count` is `left` after it. On a freed device the put itself reads freed memory.
 */
function chanPutRef(ctx: SystemContext, L: Layout, v: KrefVariant, t: number, c: number, left: number): void {
  const d = L.channels[c].device;
  if (ctx.devices[d].freed) {
    ctx.uaf[t][c] = 1; // chan->client_count, chan->device of a freed channel
    return;
  }
  if (v.fixed) {
    if (left === 0) dmaDevicePut(ctx, L, d); // Garg-1: pairs the single slow-path get; owner was read before (Garg-2)
    return;
  }
  // As shipped: every put drops a device reference, then module_put(dma_chan_to_owner(chan))
  // reads chan->device (and dma_release_channel privatecnt): freed if this put released it.
  if (dmaDevicePut(ctx, L, d)) ctx.uaf[t][c] = 1;
}

/**
 * Wraps a client action that runs `dma_chan_get`s or `dma_chan_put`s (through the shared
 * 3.4 rules of machines/system/dmaengine.ts) with their device references: each channel's
 * 0→1 get takes one (`kref_get_unless_zero`; on a freed device it touches freed memory),
 * each put is replayed in list order, one `dma_chan_put` per unit of `client_count` lost.
 * The shared rules do one put per channel per call, so list order is the kernel's order.
 */
function withDeviceRefs(L: Layout, v: KrefVariant, body: ActionRule<SystemContext>): ActionRule<SystemContext> {
  return (ctx, p: { t: number }, e) => {
    const before = ctx.channels.map((ch) => ch.clientCount);
    // A device whose channels are off device->channels (5.10.7) is walked with none: the
    // shared rules skip it as they skip an unlisted one, for the length of the call.
    walkingUnlinked(ctx, L, v, () => {
      body(ctx, p, e);
      devicePuts(ctx, L, v, p.t, before);
    });
  };
}

/** The device references the channel gets and puts of one call took or dropped (`before`: each channel's `client_count` before it). */
function devicePuts(ctx: SystemContext, L: Layout, v: KrefVariant, t: number, before: readonly number[]): void {
  for (let c = 0; c < L.channels.length; c++) {
    const after = ctx.channels[c].clientCount;
    const d = L.channels[c].device;
    if (before[c] === 0 && after > 0) {
      if (ctx.devices[d].freed) ctx.uaf[t][c] = 1;
      else ctx.kref[d]++;
      // 5.10.7 :476-477: `out: chan->client_count++` after balance_ref_count on a public device.
      if (v.doubleIncrement && !ctx.devices[d].private) ctx.channels[c].clientCount++;
    }
    for (let n = before[c]; n > after; n--) chanPutRef(ctx, L, v, t, c, n - 1);
  }
}

/**
 * Runs `fn` (a call under dma_list_mutex) with every listed device whose channels are off
 * device->channels (5.10.7) walked as having none: the shared rules skip it as they skip
 * an unlisted one. A device the call released stays unlisted.
 */
function walkingUnlinked(ctx: SystemContext, L: Layout, v: KrefVariant, fn: () => void): void {
  const hidden = unlinkedListed(ctx, L, v);
  for (const d of hidden) ctx.devices[d].listed = 0;
  fn();
  for (const d of hidden) if (!ctx.devices[d].freed) ctx.devices[d].listed = 1;
}

const SECTION =
  'dma_async_device_unregister under dma_list_mutex: DMA_PRIVATE, dma_channel_rebalance, dma_device_put of the registration reference ' +
  '(dma_device_release if it was the last: list_del_rcu, rebalance, device_release), mutex_unlock';

/** The devices whose channels are off device->channels (5.10.7's channel unregister) and still listed. */
const unlinkedListed = (ctx: SystemContext, L: Layout, v: KrefVariant): number[] =>
  v.unregisterListDel ? L.devices.map((_, d) => d).filter((d) => ctx.devices[d].listed && ctx.design.devices[d].unlinked) : [];

/**
 * A shared guard that walks device->channels (`private_candidate`, `dmaengine_get`'s
 * allocs), asked of a view in which a device with its channels off the list is unlisted:
 * the walk finds nothing there, as the kernel's does.
 */
function walkingGuard(L: Layout, v: KrefVariant, guard: GuardRule<SystemContext>): GuardRule<SystemContext> {
  return (ctx, p, e) => {
    const hidden = unlinkedListed(ctx, L, v);
    if (!hidden.length) return guard(ctx, p, e);
    const devices = ctx.devices.map((dev, d) => (hidden.includes(d) ? { ...dev, listed: 0 } : dev));
    return guard({ ...ctx, devices }, p, e);
  };
}

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
    deviceKref: true,
    ...(v.unregisterListDel
      ? {
          variables: { perDevice: { unlinked } },
          // 5.10.7's channel unregister list_dels each channel (:1113): the walk skips them, and
          // a walk stopped at one follows its poisoned next (the walker's oops).
          listedChannels: (ctx: SystemContext, L: Layout, d: number) => (ctx.design.devices[d].unlinked ? [] : L.devices[d].channels),
          unregisterListDel: true,
        }
      : {}),
    ejecting: (b) => ({
      // M5: the kernel's own preemption point is between the per-channel unregisters (each
      // takes and drops dma_list_mutex) and the mutex_lock of the section.
      afterUnregister: 'channelsUnregistered',
      unregister: {
        action: 'channelUnregisters',
        description:
          'dma_async_device_unregister, its first part: __dma_async_device_channel_unregister of each channel, each under dma_list_mutex ' +
          '(5.10.7 :1317-1318, :1106-1122; 7.0 :1305-1306, :1137-1153); the device stays listed and public',
      },
      states: {
        channelsUnregistered: {
          id: b.id('channelsUnregistered'),
          description:
            'the channels are unregistered, the device still listed and public; unregister is about to take dma_list_mutex (5.10.7 :1320, 7.0 :1308)',
          on: {
            [b.ev('putRef')]: [
              {
                guard: { type: 'listMutexFreeMore', params: b.p },
                target: `#${b.id('listed')}`,
                actions: [{ type: 'unregisterSection', params: b.p }],
                description: `${SECTION}; the next device is current`,
              },
              {
                guard: 'listMutexFree',
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
      const shared = clientRules(L);
      const base = shared.actions;
      const wrap = (name: 'dmaengineGet' | 'dmaenginePut' | 'requestChannel' | 'releaseChannel') => withDeviceRefs(L, v, base[name]);
      const walking = (name: 'requestGets' | 'requestFails' | 'getCanFailAlloc') => walkingGuard(L, v, shared.guards[name]);
      return {
        // The shared get/put paths, each followed by the device reference it takes or drops.
        overrides: {
          ...(v.unregisterListDel
            ? { guards: { requestGets: walking('requestGets'), requestFails: walking('requestFails'), getCanFailAlloc: walking('getCanFailAlloc') } }
            : {}),
          actions: {
            dmaengineGet: wrap('dmaengineGet'),
            dmaenginePut: wrap('dmaenginePut'),
            requestChannel: wrap('requestChannel'),
            releaseChannel: wrap('releaseChannel'),
          },
        },
        guards: {
          listMutexFreeMore: (ctx, { h }: { h: number }) => ctx.listMutex < 0 && L.iohs[h].devices.indexOf(ctx.iohs[h].cur) < L.iohs[h].devices.length - 1,
        },
        actions: {
          // The channel unregisters free chan->local and chan->dev, which the model does not
          // observe (assumption A5 of README.md); 5.10.7 also takes each channel off device->channels.
          // A device the clients' puts already released is freed memory here (A4): the loop
          // reads device->channels and each channel (7.0 :1305, 5.10.7 :1317).
          channelUnregisters: (ctx, { h }: { h: number }) => {
            iohReadsFreed(ctx, L, h, ctx.iohs[h].cur);
            if (v.unregisterListDel) ctx.design.devices[ctx.iohs[h].cur].unlinked = 1;
          },
          unregisterSection: (ctx, { h }: { h: number }) => {
            const d = ctx.iohs[h].cur;
            // dma_cap_set(DMA_PRIVATE, device->cap_mask) writes a device released before (7.0 :1313, 5.10.7 :1325).
            iohReadsFreed(ctx, L, h, d);
            unregisterSection(ctx, L, v, d);
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
