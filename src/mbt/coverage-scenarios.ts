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

const [net0, atx0, slave0] = DEFAULT_SCENARIO.clients as readonly ClientSpec[];

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
 * Three `dmaengine_get` users on one single-channel memcpy device, one CPU, design baseline:
 * three async_tx clients (the cheapest users: on a memcpy-only device the `DMA_ASYNC_TX` row
 * is empty, assumption ioat-all-tx-types of spec/threads.md, so each gets, finds NULL and
 * puts). It kills a `dma_chan_get` that skips `client_count++` on a channel already held
 * (3.6 dmaengine.c:217-223) while keeping the 3.6 order after it: the count stays 1, so the
 * `client_count == 1` branch (:227) runs again and `balance_ref_count` raises the count to
 * `dmaengine_ref_count`. With two users that is 2, the right count, so {@link CHAN_RULES}
 * lets it through (issue 29); the third user's get finds the count at 2, skips the
 * increment and the balance, and leaves 2 where the kernel has 3.
 */
export const THREE_GETTERS: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'three-getters',
  cpus: 1,
  design: 'baseline',
  quiesceThreshold: 1,
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 1, capabilities: ['memcpy'] }] }],
  clients: [0, 1, 2].map((i) => ({ ...atx0, name: `atx${i}`, cpu: 0, migrates: false, rounds: 1 })),
};

/**
 * The documented set, each also in examples/scenarios/<name>.json: export with
 * `dmaspec paths --machine system --scenario examples/scenarios/chan-rules.json`.
 */
export const COVERAGE_SCENARIOS: readonly Scenario[] = [CHAN_RULES, ALLOC_FAIL, THREE_GETTERS];
