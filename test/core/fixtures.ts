/**
 * Scenario builders shared by the core, IOH and client tests.
 * @module
 */
import type { Capability, ClientSpec, DesignName, Scenario } from '../../src/scenario.ts';

/** A device description: name, channel count, capabilities (default memcpy). */
export interface Dev {
  name: string;
  channels: number;
  caps?: Capability[];
}

/**
 * A scenario with one IOH `ioh0` carrying `devices`, and `clients`. The default device has 2
 * memcpy channels; with an async_tx client it can also xor and pq (the standard scenario's),
 * so that async_tx finds it in the `DMA_ASYNC_TX` row (src/table-rows.ts).
 */
export function scenario(o: {
  cpus?: number;
  devices?: Dev[];
  clients?: ClientSpec[];
  design?: DesignName;
  threshold?: number;
  cpuHotplug?: boolean;
}): Scenario {
  return {
    name: 'test',
    cpus: o.cpus ?? 2,
    iohs: [
      {
        name: 'ioh0',
        socketCpus: [],
        devices: (o.devices ?? [defaultDevice(o.clients ?? [])]).map((d) => ({ name: d.name, channels: d.channels, capabilities: d.caps ?? ['memcpy'] })),
      },
    ],
    clients: o.clients ?? [],
    design: o.design ?? 'rfc-wait',
    quiesceThreshold: o.threshold ?? 2,
    ...(o.cpuHotplug === undefined ? {} : { cpuHotplug: o.cpuHotplug }),
  };
}

const defaultDevice = (clients: readonly ClientSpec[]): Dev =>
  clients.some((c) => c.kind === 'async_tx') ? { name: 'ioat0', channels: 2, caps: ['memcpy', 'xor', 'pq'] } : { name: 'ioat0', channels: 2 };

/** A client with cooperative defaults (releases, 1 round, no migration, not busy). */
export function client(name: string, kind: ClientSpec['kind'], cpu: number, o: Partial<ClientSpec> = {}): ClientSpec {
  return { name, kind, cpu, capability: 'memcpy', releases: true, busy: false, migrates: false, rounds: 1, ...o };
}

/** The IOH steps of one quiesce round on `cpus` CPUs: clearDirty, tick, one read per CPU. */
export function quiesceRound(ioh: string, cpus: number): string[] {
  return [`${ioh}.clearDirty`, `${ioh}.tick`, ...Array.from({ length: cpus }, () => `${ioh}.read`)];
}

/**
 * The steps of one RFC `dma_find_channel` by thread `t` (designs rfc-wait, rfc-wait-unheld):
 * `find` (this_cpu_read of channel_table), `inc` (this_cpu_inc), `test` (the static key).
 */
export function rfcFind(t: string): string[] {
  return [`${t}.find`, `${t}.inc`, `${t}.test`];
}

/** One whole RFC round of thread `t`: find, inc, test, use, put. */
export function rfcRound(t: string): string[] {
  return [...rfcFind(t), `${t}.use`, `${t}.put`];
}

/**
 * The steps of one RFC `dma_get_channel` re-get by async_tx thread `t`: `reget` (the key
 * test), `dirty` (only if the key was on), `inc`.
 */
export function rfcReget(t: string, keyOn = false): string[] {
  return [`${t}.reget`, ...(keyOn ? [`${t}.dirty`] : []), `${t}.inc`];
}

/**
 * The end of a 3.x removal after its wait: 3.6's channel loop, a `chanUnregister` per channel
 * (dmaengine.c:843-852), then the RFC's `synchronize_rcu` begun and the driver's `free` after
 * its grace period (hunk @@ -788,6 +877,9 @@).
 */
export function channelLoopThenFree(ioh: string, channels: number): string[] {
  return [...Array.from({ length: channels }, () => `${ioh}.chanUnregister`), `${ioh}.synchronizeRcu`, `${ioh}.free`];
}
