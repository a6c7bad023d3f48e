/**
 * The DMA_ASYNC_TX row (src/table-rows.ts): which devices fill it, where `n` stands when
 * `dma_channel_rebalance` reaches it, and which row an async_tx find reads.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/system/scheduler.ts';
import { System } from '../../src/system/system.ts';
import { hasAllTxTypes, tableRowOf } from '../../src/table-rows.ts';
import { layoutOf } from '../../machines/system/layout.ts';
import { initialContext } from '../../machines/system/context.ts';
import { dmaengineGet } from '../../machines/system/dmaengine.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { client, scenario, type Dev } from './fixtures.ts';

const SIXTEEN: Dev[] = [
  { name: 'a', channels: 8, caps: ['memcpy', 'xor', 'pq'] },
  { name: 'b', channels: 8, caps: ['memcpy', 'xor', 'pq'] },
];

function tableAfterGet(devices: Dev[], cpus = 2) {
  const sys = new System(scenario({ design: 'baseline', devices, cpus }));
  sys.kernel.dmaengineGet();
  const o = sys.observe();
  return { table: o.table, counts: Object.fromEntries(o.channels.map((c) => [c.id, c.tableCount])) };
}

describe('the DMA_ASYNC_TX row', () => {
  it('is filled only from devices with memcpy, xor and pq (device_has_all_tx_types)', () => {
    expect(hasAllTxTypes(['memcpy', 'xor', 'pq'])).toBe(true);
    expect(hasAllTxTypes(['memcpy', 'xor'])).toBe(false);
    const { table, counts } = tableAfterGet([
      { name: 'y', channels: 1, caps: ['memcpy'] },
      { name: 'z', channels: 2, caps: ['memcpy', 'xor', 'pq'] },
    ]);
    expect(table).toEqual({ memcpy: ['y.0', 'z.0'], xor: ['z.1', 'z.0'], pq: ['z.1', 'z.0'], asyncTx: ['z.1', 'z.0'] });
    // Every row z is in counts in table_count: the asyncTx row adds to memcpy, xor and pq's.
    expect(counts).toEqual({ 'y.0': 1, 'z.0': 4, 'z.1': 3 });
  });

  it('a memcpy-only device leaves it empty', () => {
    expect(tableAfterGet([{ name: 'y', channels: 2, caps: ['memcpy'] }]).table.asyncTx).toEqual([null, null]);
  });

  it('n has run on across the four empty rows before it (xor_val, pq_val, memset, sg) per online CPU', () => {
    // 16 channels: memcpy/xor/pq take n = 0..5 (a.0..a.5); DMA_ASYNC_TX starts at n = 7 * 2 = 14:
    // b.6, b.7 (n = 6, 7 without the empty rows would give a.6, a.7).
    const { table } = tableAfterGet(SIXTEEN);
    expect(table.asyncTx).toEqual(['b.6', 'b.7']);
  });

  it('the system machine fills it the same way', () => {
    const s = scenario({ design: 'baseline', devices: SIXTEEN });
    const L = layoutOf(s);
    const ctx = initialContext(L);
    dmaengineGet(ctx, L);
    expect(ctx.table.map((row) => row.map((c) => L.channels[c]?.id ?? null))).toEqual([
      ['a.0', 'a.1'],
      ['a.2', 'a.3'],
      ['a.4', 'a.5'],
      ['b.6', 'b.7'],
    ]);
  });
});

describe('the row async_tx finds in', () => {
  it('is DMA_ASYNC_TX on x86 ioat (no CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH), its capability with the switch', () => {
    const atx = client('atx0', 'async_tx', 0);
    expect(tableRowOf({}, atx)).toBe('asyncTx');
    expect(tableRowOf({ asyncTxChannelSwitch: true }, atx)).toBe('memcpy');
    expect(tableRowOf({}, client('net0', 'net_dma', 0))).toBe('memcpy');
  });

  it('on a memcpy-only device async_tx finds NULL where net_dma finds a channel', () => {
    const devices: Dev[] = [{ name: 'ioat0', channels: 1, caps: ['memcpy'] }];
    const sys = new System(scenario({ design: 'baseline', devices, clients: [client('atx0', 'async_tx', 0), client('net0', 'net_dma', 1)] }));
    replay(sys, ['atx0.get', 'net0.get', 'atx0.find', 'net0.find']);
    expect(sys.observe().threads.map((t) => t.chan)).toEqual([null, 'ioat0.0']);
  });

  it('with the channel-switch config async_tx finds the memcpy row', () => {
    const devices: Dev[] = [{ name: 'ioat0', channels: 1, caps: ['memcpy'] }];
    const sys = new System({ ...scenario({ design: 'baseline', devices, clients: [client('atx0', 'async_tx', 0)] }), asyncTxChannelSwitch: true });
    replay(sys, ['atx0.get', 'atx0.find']);
    expect(sys.observe().threads[0].chan).toBe('ioat0.0');
  });

  it('the standard scenario’s device fills it', () => {
    expect(hasAllTxTypes(DEFAULT_SCENARIO.iohs[0].devices[0].capabilities)).toBe(true);
  });
});
