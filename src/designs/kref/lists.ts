/**
 * `device->channels` and `device->chancnt` as mainline's channel unregister leaves them
 * (issue 31). `dma_async_device_unregister` loops `__dma_async_device_channel_unregister`
 * over the device's channels in list order (7.0 dmaengine.c:1305-1306 → :1137-1153; 5.10.7
 * :1317-1318 → :1106-1122), each under `dma_list_mutex`, each doing `device->chancnt--`
 * (7.0 :1147, 5.10.7 :1114); 5.10.7 also `list_del(&chan->device_node)` (:1113). The design
 * variable `unregistered` counts the iterations done, so channels `[0, unregistered)` are the
 * unregistered ones.
 *
 * The shared 3.4 rules (machines/system/dmaengine.ts) walk `L.devices[d].channels` and read
 * `chancnt` from it (`deviceCandidate`); this module gives them a Layout whose device lists
 * are the kernel's now, and the client rules built on it.
 * @module
 */
import { clientRules } from '../../../machines/system/clients.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import type { Layout } from '../../../machines/system/layout.ts';

/** Design variable `unregistered`, per device. The bound is the scenario's channel limit (src/scenario.ts). */
export const unregistered = {
  initial: 0,
  min: 0,
  max: 8,
  description:
    'the channels of the device __dma_async_device_channel_unregister has run on, in device->channels order (7.0 dmaengine.c:1137-1153, 5.10.7 :1106-1122); device->chancnt is the device’s channels minus these',
};

/**
 * Design variable `kref` (`deviceRef` here), per device: `struct dma_device.ref` of mainline 8ad342a86359
 * (`kref_init` = 1 at `dma_async_device_register`, 7.0 dmaengine.c:1224). One reference for
 * the registration and one per channel between its 0→1 `dma_chan_get` and the put that
 * drops it, so at most one more than the scenario's channel limit (src/scenario.ts).
 */
export const deviceRef = {
  initial: 1,
  min: 0,
  max: 9,
  description: 'kref_read(&device->ref): the registration reference and one per channel whose 0→1 dma_chan_get took one (kref_get_unless_zero)',
};

/** How many of device `d`'s channels the channel unregister has run on. */
export const unregisteredOf = (ctx: SystemContext, d: number): number => ctx.design.devices[d].unregistered;

/**
 * The channels of device `d` still on `device->channels`, in list order: 5.10.7's channel
 * unregister `list_del`s each from its own iteration on (:1113); 7.0's keeps them (issue 31 M4).
 */
export function listedChannelsOf(ctx: SystemContext, L: Layout, listDel: boolean, d: number): readonly number[] {
  const chans = L.devices[d].channels;
  return listDel ? chans.slice(unregisteredOf(ctx, d)) : chans;
}

/** What the kref rules walk: the kernel's lists now, and the shared client rules over them. */
export interface KernelLists {
  /** `L` with each device's `channels` as `device->channels` and `chancnt` as `device->chancnt` now. */
  view(ctx: SystemContext): Layout;
  /** The shared client rules (machines/system/clients.ts) over {@link view}. */
  rules(ctx: SystemContext): ReturnType<typeof clientRules>;
}

/**
 * The kernel's lists for layout `L` (`listDel`: 5.10.7's `list_del`), cached by the
 * `unregistered` counts: a scenario has few of them, and the shared rules are plain closures
 * over a Layout.
 */
export function kernelLists(L: Layout, listDel: boolean): KernelLists {
  const base = clientRules(L);
  const cache = new Map<string, { view: Layout; rules: ReturnType<typeof clientRules> }>();
  const entry = (ctx: SystemContext) => {
    const counts = L.devices.map((_, d) => unregisteredOf(ctx, d));
    if (counts.every((n) => n === 0)) return { view: L, rules: base };
    const key = counts.join(',');
    let e = cache.get(key);
    if (!e) {
      const devices = L.devices.map((dev, d) =>
        counts[d] === 0 ? dev : { ...dev, channels: listDel ? dev.channels.slice(counts[d]) : dev.channels, chancnt: dev.channels.length - counts[d] },
      );
      const view: Layout = { ...L, devices };
      e = { view, rules: clientRules(view) };
      cache.set(key, e);
    }
    return e;
  };
  return { view: (ctx) => entry(ctx).view, rules: (ctx) => entry(ctx).rules };
}
