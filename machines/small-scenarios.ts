/**
 * Small scenarios whose whole state space xstate's own transition function explores in
 * about a second: the catalogue's `smallScenario`s and the machine tests use them.
 * @module
 */
import { DEFAULT_SCENARIO, type ClientSpec, type DesignName, type Scenario } from '../src/scenario.ts';

const [net0, atx0, slave0] = DEFAULT_SCENARIO.clients as readonly ClientSpec[];

/** One async_tx client caching its pointer, one device of two channels, threshold 1. */
export const ASYNC_TX_ONLY: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'async-tx-only',
  clients: [atx0],
  quiesceThreshold: 1,
};

/** One CPU; an IOH with two single-channel devices (unregistered in turn); net_dma and a slave. */
export const TWO_DEVICES: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'two-devices',
  cpus: 1,
  clients: [{ ...net0, cpu: 0, migrates: false }, slave0],
  quiesceThreshold: 1,
  iohs: [
    {
      name: 'ioh0',
      socketCpus: [],
      devices: [
        { name: 'ioat0', channels: 1, capabilities: ['memcpy'] },
        { name: 'ioat1', channels: 1, capabilities: ['memcpy', 'xor'] },
      ],
    },
  ],
};

/** Migrating net_dma and a slave on one single-channel device, 2 CPUs, threshold 2. */
export const NET_AND_SLAVE: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'net-and-slave',
  clients: [net0, slave0],
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 1, capabilities: ['memcpy'] }] }],
};

/** `s` under design `design`. */
export const withDesign = (s: Scenario, design: DesignName): Scenario => ({ ...s, design });

/** {@link TWO_DEVICES} with one single-channel device: net_dma and a slave on one CPU. */
export const ONE_DEVICE: Scenario = {
  ...TWO_DEVICES,
  name: 'one-device',
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 1, capabilities: ['memcpy'] }] }],
};
