/**
 * The `channel_table` rows and which one a client reads. Besides one row per operation
 * capability, the kernel has a `DMA_ASYNC_TX` row (`dma_cap_mask_all` keeps it, 3.6
 * drivers/dma/dmaengine.c:298-306; 5.10.7 :267-275; 7.0 :269-277), filled by
 * `dma_channel_rebalance` like the others from the devices that `dma_async_device_register`
 * marked `DMA_ASYNC_TX` because they have every async_tx operation type
 * (`device_has_all_tx_types`, 3.6 :622-664, 730-731). Without
 * `CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH` (selected only by the IOP/FSL/MV_XOR/PPC440SPe
 * drivers, so unset on x86 ioat kernels) async_tx looks its channel up in that row:
 * `async_dma_find_channel(type)` is `dma_find_channel(DMA_ASYNC_TX)` (3.6
 * include/linux/dmaengine.h:807-810; 5.10.7 :1331-1335; 7.0 :1380-1384).
 * @module
 */
import { CAPABILITIES, type Capability, type ClientSpec, type Scenario } from './scenario.ts';

/** The rows the model keeps: one per capability, then `DMA_ASYNC_TX` (as spec/observable.ts names it). */
export const TABLE_ROWS = [...CAPABILITIES, 'asyncTx'] as const;
/** A `channel_table` row. */
export type TableRow = (typeof TABLE_ROWS)[number];
/** Index of the `DMA_ASYNC_TX` row in {@link TABLE_ROWS}. */
export const ASYNC_TX_ROW = TABLE_ROWS.indexOf('asyncTx');

/**
 * Rows `dma_channel_rebalance` walks between `DMA_PQ` and `DMA_ASYNC_TX` that no scenario
 * device fills: `DMA_XOR_VAL`, `DMA_PQ_VAL`, `DMA_MEMSET` and `DMA_SG` (3.6
 * include/linux/dmaengine.h:67-71) or `DMA_MEMSET_SG` (5.10.7/7.0 :55-58); `DMA_INTERRUPT`
 * and `DMA_PRIVATE` are not in `dma_cap_mask_all`. Each still takes `n++` per online CPU.
 */
export const EMPTY_ROWS_BEFORE_ASYNC_TX = 4;

/**
 * `device_has_all_tx_types` for an x86 ioat device with this config (kernel/README.md
 * "Configuration"): `CONFIG_ASYNC_MEMCPY/XOR/PQ` on, so DMA_MEMCPY, DMA_XOR and DMA_PQ are
 * needed. Assumption (named, spec/threads.md "The DMA_ASYNC_TX row"): the ioat driver sets
 * DMA_INTERRUPT on every device it registers, and `INTEL_IOATDMA` selects
 * `ASYNC_TX_DISABLE_XOR_VAL_DMA`/`ASYNC_TX_DISABLE_PQ_VAL_DMA` (drivers/dma/Kconfig), so the
 * DMA_INTERRUPT, DMA_XOR_VAL and DMA_PQ_VAL tests pass; 3.6's DMA_MEMSET test is compiled
 * out without `CONFIG_ASYNC_MEMSET`.
 */
export function hasAllTxTypes(capabilities: readonly Capability[]): boolean {
  return CAPABILITIES.every((c) => capabilities.includes(c));
}

/** Whether a device with `capabilities` is in row `row`'s `nth_chan` walk (`dma_has_cap(row, cap_mask)`). */
export function deviceInRow(capabilities: readonly Capability[], row: TableRow): boolean {
  return row === 'asyncTx' ? hasAllTxTypes(capabilities) : capabilities.includes(row);
}

/**
 * The row a client's `dma_find_channel` reads: async_tx reads `DMA_ASYNC_TX` unless the
 * scenario sets `asyncTxChannelSwitch` (then `dma_find_channel(type)`); net_dma reads
 * `DMA_MEMCPY` through `net_dma_find_channel` (its capability).
 */
export function tableRowOf(scenario: Pick<Scenario, 'asyncTxChannelSwitch'>, client: Pick<ClientSpec, 'kind' | 'capability'>): TableRow {
  return client.kind === 'async_tx' && !scenario.asyncTxChannelSwitch ? 'asyncTx' : client.capability;
}

/**
 * Whether the client's find is `net_dma_find_channel` (3.x `tcp_recvmsg`'s lookup): a
 * net_dma client on `DMA_MEMCPY`. The RFC's version (3/7 hunk `@@ -316,10 +354,15 @@`) reads
 * `chan->device->copy_align` (`is_dma_copy_aligned`) and, when it returns NULL, undoes its
 * own `this_cpu_inc` (`this_cpu_dec`): its caller then does not `dma_put_channel` (the
 * header's rule 2). Other finds are plain `dma_find_channel`.
 */
export function netDmaFinds(client: Pick<ClientSpec, 'kind' | 'capability'>): boolean {
  return client.kind === 'net_dma' && client.capability === 'memcpy';
}
