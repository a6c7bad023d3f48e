/**
 * `dma_channel_rebalance` and `nth_chan`: how the per-CPU `channel_table` is filled from
 * the public channels that have clients. Kernel: drivers/dma/dmaengine.c (3.4).
 * @module
 */
import { deviceInRow, EMPTY_ROWS_BEFORE_ASYNC_TX, TABLE_ROWS, type TableRow } from '../table-rows.ts';
import type { DmaChan, DmaDevice } from './objects.ts';

/** What rebalancing reads and writes of the kernel state. */
export interface RebalanceState {
  /** Possible CPUs (`num_possible_cpus()`). */
  readonly cpus: number;
  readonly cpuOnline: readonly boolean[];
  /** `dma_device_list` in list order. */
  readonly deviceList: readonly DmaDevice[];
  readonly dmaengineRefCount: number;
  readonly table: Record<TableRow, (DmaChan | null)[]>;
  /** `device->channels` as the list walks see it (a design may have taken channels off it). Default: all. */
  channelsOf?(device: DmaDevice): readonly DmaChan[];
}

const channelsOf = (s: RebalanceState, device: DmaDevice) => s.channelsOf?.(device) ?? device.channels;

/**
 * `nth_chan(cap, n)`: the n-th channel with clients among listed public devices with `cap`;
 * when there are fewer than n+1, the first of those with the lowest `table_count`. The
 * chosen channel's `table_count` goes up. `n = -1` always picks the least used.
 */
export function nthChan(s: RebalanceState, cap: TableRow, n: number): DmaChan | null {
  let ret: DmaChan | null = null;
  let min: DmaChan | null = null;
  outer: for (const device of s.deviceList) {
    if (!deviceInRow(device.capabilities, cap) || device.private) continue;
    for (const chan of channelsOf(s, device)) {
      if (!chan.clientCount) continue;
      if (!min || chan.tableCount < min.tableCount) min = chan;
      if (n-- === 0) {
        ret = chan;
        break outer;
      }
    }
  }
  ret ??= min;
  if (ret) ret.tableCount++;
  return ret;
}

/**
 * `dma_channel_rebalance`: clear every table slot and the `table_count` of listed public
 * channels (unlisted and private devices keep theirs, as in the kernel); then, if any
 * client called `dmaengine_get`, give each (capability, online CPU) a channel. `n` runs on
 * across capabilities, as in the kernel, also across the empty rows before `DMA_ASYNC_TX`
 * (src/table-rows.ts).
 */
export function dmaChannelRebalance(s: RebalanceState): void {
  for (const cap of TABLE_ROWS) s.table[cap].fill(null);
  for (const device of s.deviceList) {
    if (device.private) continue;
    for (const chan of channelsOf(s, device)) chan.tableCount = 0;
  }
  if (!s.dmaengineRefCount) return;
  let n = 0;
  const online = s.cpuOnline.filter(Boolean).length;
  for (const cap of TABLE_ROWS) {
    if (cap === 'asyncTx') n += EMPTY_ROWS_BEFORE_ASYNC_TX * online;
    for (let cpu = 0; cpu < s.cpus; cpu++) {
      if (!s.cpuOnline[cpu]) continue;
      s.table[cap][cpu] = s.cpus > 1 ? nthChan(s, cap, n++) : nthChan(s, cap, -1);
    }
  }
}
