/**
 * The kernel objects: `struct dma_device` and `struct dma_chan`, reduced to the fields the
 * refcount rules read and write. They are mutable records; the rules live in
 * `src/core/dmaengine.ts`. An object stands for one allocation: a hot-added device is a new
 * object with the same name, so a pointer cached to the old one still sees it freed.
 * @module
 */
import type { Capability, DeviceSpec } from '../scenario.ts';

/** `struct dma_chan`. */
export interface DmaChan {
  /** `<device>.<index>`, the id spec/observable.ts uses. */
  readonly id: string;
  readonly device: DmaDevice;
  readonly index: number;
  /** `client_count`. */
  clientCount: number;
  /** `table_count`: how many `channel_table` slots `nth_chan` gave this channel. */
  tableCount: number;
  /** `device_alloc_chan_resources` ran and `device_free_chan_resources` has not. */
  resources: boolean;
  /**
   * `chan->local` is allocated: from `dma_async_device_register`'s `alloc_percpu` (3.6
   * `dmaengine.c:747`) to unregister's `free_percpu` (`:851`).
   */
  local: boolean;
}

/**
 * The driver's `struct module` (`device->dev->driver->owner`): only its reference count. It
 * outlives every device instance it drives (a hot-added device has the same owner).
 */
export interface DriverModule {
  /** `module_refcount`: the references dmaengine holds, one per `client_count` (the module never goes away: removal is an ACPI eject). */
  refs: number;
}

/** `struct dma_device`. */
export interface DmaDevice {
  readonly name: string;
  /** The operation capabilities of its `cap_mask` (DMA_PRIVATE is {@link DmaDevice.private}). */
  readonly capabilities: readonly Capability[];
  readonly channels: readonly DmaChan[];
  /** On `dma_device_list`. */
  listed: boolean;
  /** `DMA_PRIVATE` set in `cap_mask`. */
  private: boolean;
  privatecnt: number;
  /** The device's and its channels' memory is freed (end of unregister). */
  freed: boolean;
  /** The hardware is gone (surprise removal): MMIO to it no longer reaches a device. */
  hardwareGone: boolean;
  /** `dma_chan_to_owner`: the driver module, shared by every instance of this scenario device. */
  readonly owner: DriverModule;
}

/** A fresh, unregistered device instance built from its scenario description, driven by `owner` (a new module by default). */
export function createDevice(spec: DeviceSpec, owner: DriverModule = { refs: 0 }): DmaDevice {
  const channels: DmaChan[] = [];
  const device: DmaDevice = {
    name: spec.name,
    capabilities: [...spec.capabilities],
    channels,
    listed: false,
    private: spec.private === true, // DMA_PRIVATE set by the driver: its register counts it (3.6 dmaengine.c:797)
    privatecnt: 0,
    freed: false,
    hardwareGone: false,
    owner,
  };
  for (let i = 0; i < spec.channels; i++)
    channels.push({ id: `${spec.name}.${i}`, device, index: i, clientCount: 0, tableCount: 0, resources: false, local: false });
  return device;
}

/** `dma_has_cap(cap, device->cap_mask)`. */
export function hasCap(device: DmaDevice, cap: Capability): boolean {
  return device.capabilities.includes(cap);
}
