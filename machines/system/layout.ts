/**
 * The static shape of a scenario as the system machine indexes it: devices, channels,
 * clients and IOHs numbered in scenario order, so that the context holds only integers
 * (machines/kit.ts rule 4) and rules can map an index back to its name.
 * @module
 */
import { CAPABILITIES, type Capability, type ClientSpec, type Scenario } from '../../src/scenario.ts';
import { ASYNC_TX_ROW, hasAllTxTypes, TABLE_ROWS, tableRowOf } from '../../src/table-rows.ts';

/** One DMA device (`struct dma_device`) of the scenario. */
export interface DeviceInfo {
  readonly name: string;
  /** Index of the IOH carrying it. */
  readonly ioh: number;
  /** Global indices of its channels, in channel order. */
  readonly channels: readonly number[];
  /**
   * Indices into {@link TABLE_ROWS} of the rows its `cap_mask` puts it in: its capabilities,
   * and `DMA_ASYNC_TX` when it has every async_tx type (src/table-rows.ts).
   */
  readonly caps: readonly number[];
  /**
   * `device->chancnt` when it is not the number of `channels`: mainline's channel unregister
   * decrements it (7.0 dmaengine.c:1147, 5.10.7 :1114) while 7.0 keeps the channel listed;
   * only a design's view of the kernel's lists sets it (src/designs/kref/lists.ts).
   */
  readonly chancnt?: number;
}

/** One channel (`struct dma_chan`). */
export interface ChannelInfo {
  /** `<device>.<index>`, e.g. `ioat0.0`. */
  readonly id: string;
  readonly device: number;
}

/** One IOH and the global indices of its devices, in unregister order. */
export interface IohInfo {
  readonly name: string;
  readonly devices: readonly number[];
  readonly socketCpus: readonly number[];
}

/** A client thread with its index into the context's `threads`. */
export interface ClientInfo extends ClientSpec {
  readonly index: number;
  /** Index of its capability in {@link CAPABILITIES}. */
  readonly cap: number;
  /** Index into {@link TABLE_ROWS} of the row its finds read (src/table-rows.ts `tableRowOf`). */
  readonly row: number;
}

/** Everything rules need to know about the scenario besides the context. */
export interface Layout {
  readonly scenario: Scenario;
  readonly cpus: number;
  readonly devices: readonly DeviceInfo[];
  readonly channels: readonly ChannelInfo[];
  readonly clients: readonly ClientInfo[];
  readonly iohs: readonly IohInfo[];
}

/** Index of a capability in {@link CAPABILITIES}. */
export const capIndex = (c: Capability): number => CAPABILITIES.indexOf(c);

/** Numbers the scenario's devices, channels, clients and IOHs in scenario order. */
export function layoutOf(scenario: Scenario): Layout {
  const devices: DeviceInfo[] = [];
  const channels: ChannelInfo[] = [];
  const iohs: IohInfo[] = [];
  scenario.iohs.forEach((h, hi) => {
    const mine: number[] = [];
    for (const d of h.devices) {
      const di = devices.length;
      const chans: number[] = [];
      for (let k = 0; k < d.channels; k++) {
        chans.push(channels.length);
        channels.push({ id: `${d.name}.${k}`, device: di });
      }
      const caps = d.capabilities.map(capIndex);
      devices.push({ name: d.name, ioh: hi, channels: chans, caps: hasAllTxTypes(d.capabilities) ? [...caps, ASYNC_TX_ROW] : caps });
      mine.push(di);
    }
    iohs.push({ name: h.name, devices: mine, socketCpus: h.socketCpus });
  });
  const clients = scenario.clients.map((c, index) => ({ ...c, index, cap: capIndex(c.capability), row: TABLE_ROWS.indexOf(tableRowOf(scenario, c)) }));
  return { scenario, cpus: scenario.cpus, devices, channels, clients, iohs };
}
