/**
 * Designs `kref` and `kref-fixed`: the `struct dma_device` kref of mainline commit
 * 8ad342a86359 ("dmaengine: Add reference counting to dma_device struct", Logan Gunthorpe,
 * 2019-12, in 5.6), as one builder with two variants.
 *
 * Both: `kref_init` = 1 at register (`ctx.kref[d]`); `dma_chan_get` takes
 * `kref_get_unless_zero(&device->ref)` only on a channel's 0→1 (its slow path;
 * `balance_ref_count` raises `client_count` without a device reference); unregister drops
 * the registration reference (`dma_device_put`) and returns; at 0, `dma_device_release`
 * calls the driver's `device_release`, which frees the device and its channels.
 *
 * - `kref` (as shipped, 5.6 up to the fix): `dma_chan_put` calls `dma_device_put` on
 *   EVERY put, then `module_put(dma_chan_to_owner(chan))`, which reads `chan->device` after a
 *   possible free; `dma_release_channel` reads `chan->device->privatecnt` after it.
 * - `kref-fixed` (Shivank Garg, 2026, `Fixes: 8ad342a86359`): "dmaengine: Fix device kref
 *   underflow in dma_chan_put()" drops the device reference only when `client_count`
 *   reaches 0; "dmaengine: fix use-after-free in dma_chan_put() and dma_release_channel()"
 *   reads the owner before the put and moves the put to the end of `dma_release_channel`.
 * @module
 */
import type { ActionRule } from '../../../machines/kit.ts';
import { clientRules } from '../../../machines/system/clients.ts';
import { type DesignModel, defineDesign } from '../../../machines/system/design.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import type { Layout } from '../../../machines/system/layout.ts';

/** Which of the two kref designs. */
export interface KrefVariant {
  readonly name: 'kref' | 'kref-fixed';
  /** Garg's fix: the device reference is dropped only on a channel's →0 put, and nothing is read after it. */
  readonly fixed: boolean;
}

/** `device_release` (from `dma_device_release`): the driver frees the device and its channels. */
function deviceRelease(ctx: SystemContext, L: Layout, d: number): void {
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
  deviceRelease(ctx, L, d);
  return true;
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
    body(ctx, p, e);
    for (let c = 0; c < L.channels.length; c++) {
      const after = ctx.channels[c].clientCount;
      const d = L.channels[c].device;
      if (before[c] === 0 && after > 0) {
        if (ctx.devices[d].freed) ctx.uaf[p.t][c] = 1;
        else ctx.kref[d]++;
      }
      for (let n = before[c]; n > after; n--) chanPutRef(ctx, L, v, p.t, c, n - 1);
    }
  };
}

/** The model of kref variant `v`. */
export function krefDesign(v: KrefVariant): DesignModel {
  const shipped = !v.fixed;
  return defineDesign({
    name: v.name,
    title: shipped
      ? 'kref as mainline shipped it (5.6+): every dma_chan_put drops a device reference'
      : 'kref with the 2026 fix: the device reference is dropped on a channel’s last put',
    summary:
      'A dma_device kref (8ad342a86359): kref_init at register; a channel’s 0→1 dma_chan_get takes kref_get_unless_zero(&device->ref) ' +
      '(balance_ref_count adds clients without one); unregister drops the registration reference and returns; at 0 dma_device_release ' +
      'calls device_release, which frees the device. ' +
      (shipped
        ? 'As shipped, dma_chan_put calls dma_device_put on every put, so two dmaengine_get users drop more references than they took: ' +
          'the device is freed under a holder, and module_put(dma_chan_to_owner(chan)) then reads the freed device. '
        : 'Fixed (Garg, Fixes: 8ad342a86359): dma_chan_put drops the device reference only when client_count reaches 0, and reads the owner ' +
          'and privatecnt before that put. The references of dmaengine_get users stay on an unregistered device (dmaengine_put skips it): a leak. ') +
      'The hot path is 3.4’s plain table read.',
    hotPath: 'plain',
    ejecting: (b) => ({
      afterUnregister: 'unlisted',
      states: {
        unlisted: {
          id: b.id('unlisted'),
          description: 'off the list and rebalanced (assumption A1 of README.md); unregister is about to drop its reference',
          on: {
            [b.ev('putRef')]: [
              {
                guard: { type: 'moreDevices', params: b.p },
                target: `#${b.id('listed')}`,
                actions: [{ type: 'devicePut', params: b.p }],
                description: 'dma_device_put of the registration reference (device_release if it was the last); the next device is current',
              },
              {
                target: `#${b.id('removed')}`,
                actions: [{ type: 'devicePut', params: b.p }],
                description: 'dma_device_put of the registration reference (device_release if it was the last); the IOH is removed',
              },
            ],
          },
        },
      },
    }),
    rules: (L) => {
      const base = clientRules(L).actions;
      const wrap = (name: 'dmaengineGet' | 'dmaenginePut' | 'requestChannel' | 'releaseChannel') => withDeviceRefs(L, v, base[name]);
      return {
        // The shared get/put paths, each followed by the device reference it takes or drops.
        overrides: {
          actions: {
            dmaengineGet: wrap('dmaengineGet'),
            dmaenginePut: wrap('dmaenginePut'),
            requestChannel: wrap('requestChannel'),
            releaseChannel: wrap('releaseChannel'),
          },
        },
        actions: {
          devicePut: (ctx, { h }: { h: number }) => {
            const d = ctx.iohs[h].cur;
            dmaDevicePut(ctx, L, d);
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
      },
      // An async_tx client that releases early uses its cached pointer without a reference:
      // mid-round after its dmaengine_put, or re-got after it (the releasesEarly misuse).
      { text: 'A cached channel pointer is only used while its client still holds a reference.', kinds: ['async_tx'], flags: { releasesEarly: false } },
    ],
  });
}

/** Mainline's kref design as 5.6 shipped it. */
export const kref: DesignModel = krefDesign({ name: 'kref', fixed: false });
