/**
 * The IOH thread of spec/threads.md (thread named after the IOH): orderly eject, which
 * unregisters the devices one at a time in scenario order (each: `unregister`, then the
 * design's removal steps ending in `free`), and optionally hot-add + probe again.
 * `surpriseRemove` is not in this program: it can happen between any two of its steps, so
 * the system offers it beside the program (see src/system/system.ts).
 * @module
 */
import type { ClientState } from '../core/client-state.ts';
import type { DmaEngine } from '../core/dmaengine.ts';
import { at, offer, type ThreadProgram } from '../core/thread.ts';
import type { Ioh } from './ioh.ts';

/** IOH step names in spec/threads.md order (designs may add their own after these). */
export const IOH_STEPS = [
  'eject',
  'unregister',
  'keyOn',
  'clearDirty',
  'tick',
  'read',
  'keyOff',
  'unlock',
  'putRefs',
  'chanUnregister',
  'synchronizeRcu',
  'free',
  'hotAdd',
  'probe',
  'surpriseRemove',
] as const;

/** `dma_async_device_register` of each device of `h` (the driver's probe); the IOH is online. */
export function probe(k: DmaEngine, h: Ioh): void {
  for (const device of h.devices) k.dmaAsyncDeviceRegister(device);
  h.state = 'online';
}

/**
 * The IOH program, starting online. With `hotAdd`, a removed IOH may come back. `clients`
 * are the client threads (a design's removal may ask them things). With `probeFirst` (the
 * scenario's `hotAdd`) it starts present: its first step registers its devices, once the
 * list mutex is free and `earlierProbed` says every earlier IOH has probed (assumption
 * probe-in-order, spec/threads.md).
 */
export function* iohProgram(
  k: DmaEngine,
  h: Ioh,
  hotAdd: boolean,
  clients: readonly ClientState[] = [],
  probeFirst?: { readonly earlierProbed: () => boolean },
): ThreadProgram {
  if (probeFirst) {
    yield* at(
      'probe',
      () => k.listMutexFree && probeFirst.earlierProbed(),
      () => `mutex_lock(&dma_list_mutex) in dma_async_device_register, or an earlier IOH's probe`,
    );
    probe(k, h);
  }
  for (;;) {
    yield* at('eject');
    h.state = 'ejecting';
    for (const device of h.devices) {
      h.current = device;
      const own = k.design.unregisterDevice;
      yield* at(
        'unregister',
        () => (own !== undefined || device.listed) && k.listMutexFree,
        () => `mutex_lock(&dma_list_mutex) in dma_async_device_unregister (held by ${k.listMutexOwner})`,
      );
      if (own) own(device);
      else k.dmaAsyncDeviceUnregister(device);
      yield* k.design.removeDevice(device, clients);
    }
    h.current = null;
    h.state = 'removed';
    if (!hotAdd) return;
    yield { offers: [offer('hotAdd')], final: true };
    h.hotAdd();
    yield* at('probe');
    probe(k, h);
  }
}
