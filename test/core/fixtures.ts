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

/** A scenario with one IOH `ioh0` carrying `devices`, and `clients`. */
export function scenario(o: {
  cpus?: number;
  devices?: Dev[];
  clients?: ClientSpec[];
  design?: DesignName;
  threshold?: number;
}): Scenario {
  return {
    name: 'test',
    cpus: o.cpus ?? 2,
    iohs: [
      {
        name: 'ioh0',
        socketCpus: [],
        devices: (o.devices ?? [{ name: 'ioat0', channels: 2 }]).map((d) => ({ name: d.name, channels: d.channels, capabilities: d.caps ?? ['memcpy'] })),
      },
    ],
    clients: o.clients ?? [],
    design: o.design ?? 'rfc-wait',
    quiesceThreshold: o.threshold ?? 2,
  };
}

/** A client with cooperative defaults (releases, 1 round, no migration, not busy). */
export function client(name: string, kind: ClientSpec['kind'], cpu: number, o: Partial<ClientSpec> = {}): ClientSpec {
  return { name, kind, cpu, capability: 'memcpy', releases: true, busy: false, migrates: false, rounds: 1, ...o };
}

/** The IOH steps of one quiesce round on `cpus` CPUs: clearDirty, tick, one read per CPU. */
export function quiesceRound(ioh: string, cpus: number): string[] {
  return [`${ioh}.clearDirty`, `${ioh}.tick`, ...Array.from({ length: cpus }, () => `${ioh}.read`)];
}
