/**
 * The RFC's unregister after its wait as 3.6 runs it (issue 23, "unregister's own frees"):
 * the wait for `client_count == 0`, then 3.6's channel loop, one `chanUnregister` per
 * channel, each taking `dma_list_mutex` (3.6 dmaengine.c:843-852), then `free`
 * (`synchronize_rcu()`, hunk @@ -788,6 +877,9 @@, and the driver's free). Each case runs on
 * the machine (xstate) and on the implementation (System) with the same events and outcome.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { HARNESS_SCENARIOS } from '../../src/kernel/plan.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { System } from '../../src/system/system.ts';

const ev = (type: string): StepEvent => ({ type });
const steps = (...types: string[]) => types.map(ev);

/** The steps enabled after `events`, on the machine and on the implementation (which must agree). */
function enabledAfter(s: Scenario, events: StepEvent[]): string[] {
  const m = systemFor(s);
  const onMachine = m
    .enabledEvents(snapshotView(runWithXstate(m, events)))
    .map((e) => e.type)
    .sort();
  const sys = new System(s);
  for (const e of events) sys.step(e);
  expect([...new Set(sys.enabledSteps().map((e) => e.type))].sort()).toEqual([...new Set(onMachine)]);
  return onMachine;
}

/** RFC unregister of `ioh` up to the mutex_unlock after the quiesce (threshold 2, 2 CPUs). */
const quiesced = (ioh: string) => [
  ...steps(`${ioh}.eject`, `${ioh}.unregister`, `${ioh}.keyOn`),
  ...Array.from({ length: 2 }, () => steps(`${ioh}.clearDirty`, `${ioh}.tick`, `${ioh}.read`, `${ioh}.read`)).flat(),
  ...steps(`${ioh}.keyOff`),
];

describe('the RFC steps 3.6 unregister’s channel loop after its wait', () => {
  const twoIohs: Scenario = { ...HARNESS_SCENARIOS['two-iohs'], design: 'rfc-wait', clients: [], quiesceThreshold: 2 };

  it('one IOH’s channel loop waits for dma_list_mutex while the other quiesces under it (kernel replay two-iohs)', () => {
    const ioh0Waiting = [...quiesced('ioh0'), ev('ioh0.unlock')];
    expect(enabledAfter(twoIohs, ioh0Waiting)).toContain('ioh0.chanUnregister');
    // ioh1's unregister takes dma_list_mutex and keeps it through its quiesce.
    const ioh1Holds = [...ioh0Waiting, ...steps('ioh1.eject', 'ioh1.unregister')];
    expect(enabledAfter(twoIohs, ioh1Holds)).not.toContain('ioh0.chanUnregister');
    const ioh1Unlocked = [...ioh1Holds, ...quiesced('ioh1').slice(2), ev('ioh1.unlock')];
    expect(enabledAfter(twoIohs, ioh1Unlocked)).toContain('ioh0.chanUnregister');
    // Not synchronize_rcu: the loop (one channel) comes first; then its start, then the free.
    expect(enabledAfter(twoIohs, ioh1Unlocked)).not.toContain('ioh0.synchronizeRcu');
    expect(enabledAfter(twoIohs, [...ioh1Unlocked, ev('ioh0.chanUnregister')])).toContain('ioh0.synchronizeRcu');
    expect(enabledAfter(twoIohs, [...ioh1Unlocked, ev('ioh0.chanUnregister')])).not.toContain('ioh0.free');
    expect(enabledAfter(twoIohs, [...ioh1Unlocked, ...steps('ioh0.chanUnregister', 'ioh0.synchronizeRcu')])).toContain('ioh0.free');
  });

  it('the loop begins only when no channel has clients: a slave holding ioat0.0 blocks it (wait_event)', () => {
    const s: Scenario = { ...DEFAULT_SCENARIO, design: 'rfc-wait', clients: [{ ...DEFAULT_SCENARIO.clients[2], releases: true, rounds: 1 }] };
    const requested: StepEvent[] = [{ type: 'slave0.request', allocOk: true }, ...quiesced('ioh0'), ev('ioh0.unlock')];
    expect(enabledAfter(s, requested)).not.toContain('ioh0.chanUnregister');
    const released = [...requested, ...steps('slave0.use', 'slave0.release')];
    expect(enabledAfter(s, released)).toContain('ioh0.chanUnregister');
    // Two channels: a second iteration, then synchronize_rcu's start and the free.
    expect(enabledAfter(s, [...released, ev('ioh0.chanUnregister')])).toEqual(['ioh0.chanUnregister']);
    expect(enabledAfter(s, [...released, ...steps('ioh0.chanUnregister', 'ioh0.chanUnregister')])).toEqual(['ioh0.synchronizeRcu']);
    expect(enabledAfter(s, [...released, ...steps('ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.synchronizeRcu')])).toEqual(['ioh0.free']);
  });
});
