/**
 * What the context slots a guard reads but no observable field shows mean: the thread
 * programs' own variables (rounds done, the control context's stage, ...), locks and the
 * design's variables. An export lists these as `program` inputs (src/mbt/guards.ts) and
 * every step carries their values. The words follow machines/system/context.ts.
 * @module
 */
import type { DesignVariables } from '../../machines/system/design.ts';

/** Meanings by slot path with every index written `[]`. */
const MEANINGS: Readonly<Record<string, string>> = {
  refCount: 'dmaengine_ref_count',
  listMutex: 'dma_list_mutex: -1 when free, else the index of the IOH thread holding it across steps (the RFC unregister holds it through dma_channel_quiesce)',
  hotplug: 'cpu_hotplug.lock held by a CPU-hotplug writer, 0/1',
  'cpuOnline[]': 'cpu_online(cpu) as 0/1, by CPU number',
  'ref[]': 'RFC per_cpu(dmaengine_chan_ref_count, cpu), by CPU number',
  key: 'RFC static_key_enabled(&dmaengine_quiesce) as 0/1',
  dirty: 'RFC atomic_read(&dmaengine_dirty)',
  'table[][]': 'channel_table[capability index][cpu]: global channel index (scenario order) or -1',
  'devices[].listed': 'device on dma_device_list, 0/1 (devices in scenario order)',
  'devices[].private': 'DMA_PRIVATE in the device cap_mask, 0/1',
  'devices[].privatecnt': 'device->privatecnt',
  'devices[].freed': 'the device and its channels are freed, 0/1',
  'devices[].quiesced': "1 once the design's hot-path protection for the device has ended (RFC: the quiesce loop reached its threshold)",
  'channels[].clientCount': 'chan->client_count (channels in scenario order)',
  'channels[].tableCount': 'chan->table_count',
  'channels[].resources': '1 while the channel has resources (device_alloc_chan_resources ran, the channel has not been given back or freed)',
  'channels[].local':
    "1 while chan->local, the channel's per-CPU statistics, is allocated: from dma_async_device_register's alloc_percpu (3.6 dmaengine.c:747) to the free_percpu of unregister's channel loop (3.6 :851; the IOH thread's chanUnregister step under baseline, its free step under the other 3.x designs); net_dma's copy writes it (dma_async_memcpy_*, 3.6 :895-896)",
  'threads[].cpu': 'the CPU the client thread runs on (threads: the clients in scenario order)',
  'threads[].chan': 'the channel the client thread uses now (found, re-got or requested): global channel index or -1',
  'threads[].cached': 'async_tx: the channel pointer kept in its descriptors: global channel index or -1',
  'threads[].got': 'net_dma/async_tx control context: 0 before dmaengine_get, 1 after it, 2 after dmaengine_put',
  'threads[].inFlight': 'worker: 1 from the first statement of a find or re-get to its put (the round a quiesce must cover), else 0',
  'threads[].rounds': "rounds done (slave: uses), saturating at the client's `rounds` (scenario, default 1)",
  'threads[].regot': 'async_tx: 1 once dma_get_channel(cached) ran (once per client)',
  'threads[].held': 'RFC: 1 from the end of a find or get that returned a channel to its put',
  'threads[].keySeen': 'RFC dma_get_channel: 1 if its static_key_false test saw the key on',
  'threads[].rcuSeen': "<client>-rx: bit d set while dma_issue_pending_all's RCU walk will still read device d",
  'threads[].rcuChan': '<client>-rx: the channel whose client_count the walk read non-zero, before its device_issue_pending',
  'threads[].gpWait': "<client>-rx: bit h set while IOH h's synchronize_rcu waits for this walk (inside rcu_read_lock when it began)",
  'threads[].preemptOff':
    '1 while the thread is inside a find or re-get its call site runs under get_cpu() (async_tx): no migration or stop_machine lands then',
  'iohs[].cur': 'IOH thread: global index of the device it is removing, -1 outside an eject',
  'iohs[].count': "dma_channel_quiesce's count: consecutive zero sums",
  'iohs[].sum': 'dma_channel_quiesce: the sum of the per-CPU counts read so far this round',
  'iohs[].next': 'dma_channel_quiesce: the next CPU to read this round',
  'iohs[].missed': '1 once a round was judged the last zero while a thread held a counted reference: a false zero',
  'iohs[].uaf':
    'IOH thread: bit c set once its unregister read channel c or its device after the device was freed (a use after free; kref designs as shipped, 7.0 dma_async_device_unregister :1305-1316)',
  'uaf[][]': '[client][channel]: bit 1 once the client thread used the channel after it was freed, bit 2 once its NET_RX softirq did',
};

/** The sections of `ctx.design` by their slot path (indices as `[]`): where each is declared, and what it is per. */
const DESIGN_SECTIONS: Readonly<Record<string, { readonly key: keyof DesignVariables; readonly scope: string }>> = {
  global: { key: 'global', scope: 'global' },
  'threads[]': { key: 'perThread', scope: 'per client thread' },
  'devices[]': { key: 'perDevice', scope: 'per device' },
  'deviceCpus[][]': { key: 'perDeviceCpu', scope: 'per device and CPU' },
};

/** What slot `path` means, for the header; design variables from `vars`. */
export function programMeaning(path: string, vars: DesignVariables = {}): string {
  const general = path.replace(/\[\d+\]/g, '[]');
  if (MEANINGS[general]) return MEANINGS[general];
  const m = /^design\.(global|threads\[\]|devices\[\]|deviceCpus\[\]\[\])\.(\w+)$/.exec(general);
  const section = m ? DESIGN_SECTIONS[m[1]] : undefined;
  const v = m && section && vars[section.key]?.[m[2]];
  if (v) return `design variable ${m[2]} (${section.scope}): ${v.description}`;
  throw new Error(`context slot ${path} has no documented meaning (src/mbt/program-fields.ts)`);
}
