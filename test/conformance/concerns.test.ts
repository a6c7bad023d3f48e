/**
 * Conformance of src/core and src/ioh to the per-concern machines (machines/concerns):
 * every path generated from each machine (shortest paths to every state from
 * @xstate/graph's TestModel, walks over every edge) is replayed on the implementation
 * through the machine's adapter, comparing after every step; the coverage table is printed
 * and any reachable state or transition left unreplayed fails the test.
 */
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../src/mbt/adapters/index.ts';
import { runConformance } from '../../src/mbt/conformance.ts';
import { ConformanceError } from '../../src/mbt/replay.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { coverageReport } from './report.ts';

const DESIGNS = ['baseline', 'rfc-wait'] as const;
const report = coverageReport('Per-concern machines replayed on the implementation');

/** An IOH on the socket of CPU 1 with two devices: CPU hotplug and the next-device branch. */
const SOCKET_IOH: Scenario = {
  ...TWO_DEVICES,
  name: 'socket-ioh',
  cpus: 2,
  iohs: [{ ...TWO_DEVICES.iohs[0], socketCpus: [1] }],
};

describe('per-concern machines conform (paths replayed on src/core, src/ioh)', () => {
  for (const design of DESIGNS) {
    const scenario = { ...DEFAULT_SCENARIO, design };
    for (const name of ['device', 'release', 'client:net_dma', 'client:async_tx', 'client:slave'])
      it(`${name} under ${design}`, () => report.add(runConformance(TARGETS[name], scenario)));
  }

  // The quiesce loop is the RFC's whatever the scenario's design; the IOH machine has no design part.
  it('quiesce', () => report.add(runConformance(TARGETS.quiesce, DEFAULT_SCENARIO)));
  it('ioh with socket CPUs and two devices', () => report.add(runConformance(TARGETS.ioh, SOCKET_IOH)));

  it('channel: conforms but for the known table_count divergence after the first dmaengine_get', () => {
    // machines/concerns/channel.ts's `chan.get` does not rebalance when dmaengine_ref_count
    // goes 0 → 1, where dmaengine_get (drivers/dma/dmaengine.c) calls
    // dma_channel_rebalance(): the implementation's table_count is cpus at once, the
    // machine's only after a `chan.rebalance`. Reported to the machines' owner; until the
    // machine is fixed, that is the only divergence this test accepts.
    try {
      report.add(runConformance(TARGETS.channel, DEFAULT_SCENARIO));
    } catch (e) {
      expect(e).toBeInstanceOf(ConformanceError);
      const err = e as ConformanceError;
      expect(err.field).toBe('$.tableCount');
      expect(err.path[err.stepIndex].type).toBe('chan.get');
      expect(err.expectedValue).toBe(0);
      expect(err.actualValue).toBe(DEFAULT_SCENARIO.cpus);
    }
  });
});
