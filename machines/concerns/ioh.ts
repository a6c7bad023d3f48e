/**
 * Standalone machine: one I/O hub — absent, present, online, ejecting, removed, and
 * surprise-removed — with the online/offline of its socket's CPUs (`cpu.offline {cpu}`,
 * `cpu.online {cpu}`, handled on the region itself so they apply in every state). Its own
 * small context. Not a projection of the system machine, as the channel and quiesce
 * machines are: the system's IOH region (machines/system/ioh.ts) starts online and has no
 * hot-add, probe or surprise removal, which src/system models (`hotAdd`,
 * `surpriseRemoval`) and this machine's conformance checks.
 * @module
 */
import type { Scenario } from '../../src/scenario.ts';
import type { Rules } from '../kit.ts';
import { makeModel, type ConfiguredModel, type StateConfig } from '../make.ts';

/** Context of the IOH machine. */
export interface IohContext {
  /** `cpu_online_mask`, 0/1 per CPU of the scenario. */
  cpuOnline: number[];
  /** Devices of the IOH still registered. */
  registered: number;
}

/** The IOH machine of the scenario's first IOH. */
export function buildIoh(scenario: Scenario): ConfiguredModel<IohContext> {
  const h = scenario.iohs[0];
  const n = h.name;
  const devices = h.devices.length;
  const unregister = (from: string, description: string) => [
    { guard: 'moreDevices', target: `#${n}.${from}`, actions: ['unregisterOne'], description: `${description}; more devices left` },
    { target: `#${n}.removed`, actions: ['unregisterOne'], description: `${description}; it was the last device` },
  ];
  const config: StateConfig = {
    id: n,
    initial: 'absent',
    description: `IOH ${n} with ${devices} DMA device(s); socket CPUs ${JSON.stringify(h.socketCpus)}`,
    context: { cpuOnline: Array.from({ length: scenario.cpus }, () => 1), registered: 0 } satisfies IohContext,
    on: {
      'cpu.offline': {
        guard: 'canOffline',
        actions: ['setOffline'],
        description: 'cpu_down of a socket CPU (tasks are migrated off first); the dmaengine CPU notifier rebalances',
      },
      'cpu.online': { guard: 'isOffline', actions: ['setOnline'], description: 'cpu_up of a socket CPU; the dmaengine CPU notifier rebalances' },
    },
    states: {
      absent: {
        id: `${n}.absent`,
        description: 'no hardware in the slot',
        on: { [`${n}.hotAdd`]: { target: `#${n}.present`, description: 'ACPI hot-add: the hub appears' } },
      },
      present: {
        id: `${n}.present`,
        description: 'hardware present, drivers not bound',
        on: {
          [`${n}.probe`]: {
            target: `#${n}.online`,
            actions: ['registerAll'],
            description: 'the I/OAT driver probes: dma_async_device_register of each device',
          },
        },
      },
      online: {
        id: `${n}.online`,
        description: 'every device registered and serving clients',
        on: {
          [`${n}.eject`]: { target: `#${n}.ejecting`, description: 'ACPI eject request: orderly removal begins' },
          [`${n}.surpriseRemove`]: {
            target: `#${n}.surpriseRemoved`,
            description: 'the hardware vanishes without an eject: every later use of its channels touches removed hardware',
          },
        },
      },
      ejecting: {
        id: `${n}.ejecting`,
        description: 'orderly removal: devices unregistered one at a time',
        on: {
          [`${n}.unregister`]: unregister('ejecting', 'dma_async_device_unregister of the next device, then its free'),
          [`${n}.surpriseRemove`]: { target: `#${n}.surpriseRemoved`, description: 'the hardware vanishes mid-eject' },
        },
      },
      surpriseRemoved: {
        id: `${n}.surpriseRemoved`,
        description: 'hardware gone; the orderly path continues as the driver remove',
        on: { [`${n}.unregister`]: unregister('surpriseRemoved', "the driver's remove unregisters and frees the next device") },
      },
      removed: {
        id: `${n}.removed`,
        description: 'every device unregistered and freed',
        on: { [`${n}.hotAdd`]: { target: `#${n}.present`, description: 'hot-add again: new device instances, fresh state' } },
      },
    },
  };
  const rules: Rules<IohContext> = {
    guards: {
      moreDevices: (c) => c.registered > 1,
      canOffline: (c, _p, e) => c.cpuOnline[e.cpu as number] === 1 && c.cpuOnline.filter((x) => x === 1).length > 1,
      isOffline: (c, _p, e) => c.cpuOnline[e.cpu as number] === 0,
    },
    actions: {
      registerAll: (c) => {
        c.registered = devices;
      },
      unregisterOne: (c) => {
        c.registered--;
      },
      setOffline: (c, _p, e) => {
        c.cpuOnline[e.cpu as number] = 0;
      },
      setOnline: (c, _p, e) => {
        c.cpuOnline[e.cpu as number] = 1;
      },
    },
  };
  const socket = h.socketCpus.map((cpu) => ({ cpu }));
  return makeModel({
    name: 'ioh',
    scenario,
    config,
    rules,
    threads: [n],
    payloads: { offline: socket, online: socket },
    isFinal: (v) => v.active(`${n}.removed`) || v.active(`${n}.absent`),
  });
}
