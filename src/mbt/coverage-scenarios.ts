/**
 * Scenarios whose system-machine paths catch every rule of `dma_chan_get` / `dma_chan_put`
 * (with `balance_ref_count`), beyond covering states and transitions: the catalogue's small
 * system scenario has one `dmaengine_get` user, so a `balance_ref_count` that does nothing is
 * never seen there (a channel's first reference is always taken at `dmaengine_ref_count`
 * 1). test/mbt/chan-rules-mutants.test.ts shows it: each mutant of src/core's channel
 * references is killed by these paths, with the table of which path set kills which.
 * @module
 */
import { DEFAULT_SCENARIO, type ClientSpec, type Scenario } from '../scenario.ts';

const [net0, , slave0] = DEFAULT_SCENARIO.clients as readonly ClientSpec[];

/**
 * Two net_dma clients (two `dmaengine_get` users) and a slave on one single-channel device,
 * one CPU, design baseline. The rules and the paths that exercise them:
 * - `client_count++` per reference and `--` per put: net0 and net1 both hold the channel.
 * - resources allocated on 0→1 and freed at →0: the slave's request and release, the last
 *   user's `dmaengine_put`.
 * - a failed `device_alloc_chan_resources` leaves `client_count` 0: `slave0.request allocOk=false`.
 * - `balance_ref_count` on a public channel's 0→1: the slave requests the channel first
 *   (DMA_PRIVATE: net0's `dmaengine_get` skips it), releases it, then net1's `dmaengine_get`
 *   takes the channel's first reference at `dmaengine_ref_count` 2, and balance raises
 *   `client_count` to 2.
 * - no balance on a private channel: net1's `dmaengine_get` while the slave holds it.
 */
export const CHAN_RULES: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'chan-rules',
  cpus: 1,
  design: 'baseline',
  quiesceThreshold: 1,
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 1, capabilities: ['memcpy'] }] }],
  clients: [
    { ...net0, cpu: 0, migrates: false, rounds: 1 },
    { ...net0, name: 'net1', cpu: 0, migrates: false, rounds: 1 },
    { ...slave0, cpu: 0 },
  ],
};

/**
 * A public device of TWO channels with a net_dma client whose `dmaengine_get` may fail its
 * first allocation (`allocFailures`: `net0.getAllocFails`), and a slave, one CPU, design
 * baseline. After `net0.getAllocFails` ioat0.0 is free and ioat0.1 is in use: "a public
 * multi-channel device with some channels in use", which `private_candidate` must refuse
 * (3.6 dmaengine.c:474: all channels public or all private), so `slave0.request` returns
 * NULL although a channel is free. Also the rules of the failing get itself: the failed
 * channel stays at 0 and the walk goes on to the next channel.
 */
export const ALLOC_FAIL: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'alloc-fail',
  cpus: 1,
  design: 'baseline',
  quiesceThreshold: 1,
  allocFailures: true,
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 2, capabilities: ['memcpy'] }] }],
  clients: [
    { ...net0, cpu: 0, migrates: false, rounds: 1 },
    { ...slave0, cpu: 0 },
  ],
};

/**
 * The documented set, each also in examples/scenarios/<name>.json: export with
 * `dmaspec paths --machine system --scenario examples/scenarios/chan-rules.json`.
 */
export const COVERAGE_SCENARIOS: readonly Scenario[] = [CHAN_RULES, ALLOC_FAIL];
