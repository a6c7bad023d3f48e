/**
 * Issue 31's mainline findings, each replayed as its own schedule on the unmodified
 * dmaengine.c of 5.10.7 and 7.0 (src/kernel/schedule.ts): the design that models the file
 * passes the whole schedule, and the design that models the other file diverges where the
 * two kernels differ, so each replay can fail. Needs gcc.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { buildHarness, buildsFor, type Built } from '../../src/kernel/build.ts';
import { replaySchedule, scheduleLines } from '../../src/kernel/schedule.ts';
import { readTree } from '../../src/kernel/tree.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { ALLOC_FAIL } from '../../src/mbt/coverage-scenarios.ts';
import { oracleTrees } from './kernel-ci-plan.ts';

const ev = (type: string, payload: Record<string, boolean> = {}): StepEvent => ({ type, ...payload });
const [net, , slave] = DEFAULT_SCENARIO.clients;

/** The plain build (and the kref-fixed one, if any) of oracle tree `linux-<version>`. */
function builds(version: string): Built[] {
  const oracle = oracleTrees();
  if (typeof oracle === 'string') throw new Error(oracle);
  const tree = readTree(oracle.trees.find((t) => t.endsWith(`linux-${version}`))!);
  return buildsFor(tree, undefined).map((b) => buildHarness(tree, b));
}

describe('mainline on the real 5.10.7 and 7.0 (issue 31)', () => {
  const [v5] = builds('5.10.7');
  const [v7, v7fixed] = builds('7.0');

  it('M1: two dmaengine_get users that never overlap free the device at the second put on 5.10.7, not on 7.0', () => {
    const s: Scenario = {
      ...DEFAULT_SCENARIO,
      name: 'two-net-apart',
      clients: [
        { ...net, rounds: 1, migrates: false },
        { ...net, name: 'net1', cpu: 1, rounds: 1, migrates: false },
      ],
    };
    const user = (n: string) => ['get', 'find', 'use', 'put', 'release'].map((step) => ev(`${n}.${step}`));
    const apart = [...user('net0'), ...user('net1')];
    // 5.10.7 agrees with kref-5-10 at every step, the free, its rebalance and the reads after it included.
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref-5-10' }, apart)).toMatchObject({ ok: true });
    // The double increment shows first in the module count, compared before the channels: one
    // module reference per client_count, 2 per channel on 5.10.7 where 7.0 takes 1.
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref' }, apart)).toMatchObject({
      ok: false,
      step: 0,
      field: 'devices[0].module',
      actual: 4,
    });
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref' }, apart)).toMatchObject({ ok: true });
  });

  it('M4: after unregister, with channel 0 held, dma_request_channel returns channel 1 on 7.0 and NULL on 5.10.7', () => {
    const s: Scenario = { ...DEFAULT_SCENARIO, name: 'two-slaves', clients: [{ ...slave }, { ...slave, name: 'slave1', cpu: 1 }] };
    const teardown = [
      ev('slave0.request', { allocOk: true }),
      ev('slave0.use'),
      ev('ioh0.eject'),
      ev('ioh0.unregister'),
      ev('ioh0.chanUnregister'),
      ev('ioh0.putRef'),
    ];
    const late = [...teardown, ev('slave1.request', { allocOk: true })];
    const whole = [...late, ev('slave1.use'), ev('slave0.release'), ev('slave1.release')];
    // 7.0: the channel of the unregistered device is handed out and used with nothing freed
    // under it; the second release frees the device and module_put reads it (Garg-2).
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref' }, whole)).toMatchObject({ ok: true });
    expect(replaySchedule(v7fixed.binary, 'system', { ...s, design: 'kref-fixed' }, whole)).toMatchObject({ ok: true });
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref-5-10' }, late)).toMatchObject({ ok: true });
    // Each kernel refuses the other's answer at the request.
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref' }, late)).toMatchObject({ ok: false, step: 6 });
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref-5-10' }, late)).toMatchObject({ ok: false, step: 6 });
  });

  it('M5: a dmaengine_get between the channel unregisters and the mutex section takes the departing channels on 7.0 only', () => {
    const s: Scenario = { ...DEFAULT_SCENARIO, name: 'net-only', clients: [{ ...net, rounds: 1, migrates: false }] };
    const window = [ev('ioh0.eject'), ev('ioh0.unregister'), ev('ioh0.chanUnregister'), ev('net0.get'), ev('ioh0.putRef'), ev('net0.find'), ev('net0.use')];
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref' }, window)).toMatchObject({ ok: true });
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref-5-10' }, window)).toMatchObject({ ok: true });
    // 5.10.7's channel unregister took the channels off device->channels: the get finds none to put in the table.
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref' }, window)).toMatchObject({ ok: false, step: 3, field: 'table.memcpy[0]', actual: null });
    // Between the two channel unregisters 5.10.7 has list_del'ed ioat0.0 only: the get takes ioat0.1 alone.
    const between = [ev('ioh0.eject'), ev('ioh0.unregister'), ev('net0.get'), ev('ioh0.chanUnregister'), ev('ioh0.putRef')];
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref-5-10' }, between)).toMatchObject({ ok: true });
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref' }, between)).toMatchObject({ ok: true });
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref' }, between)).toMatchObject({ ok: false, step: 2 });
  });

  it('device->chancnt: after the first channel unregister a request gets the channel whose alloc failed on 7.0, NULL on 5.10.7', () => {
    // net0's dmaengine_get fails ioat0.0's alloc; the channel loop lowers chancnt (7.0 :1147), so
    // private_candidate's mixed check (:634) no longer refuses the public device; 5.10.7 list_del'ed ioat0.0 (:1113).
    const s: Scenario = { ...ALLOC_FAIL, name: 'alloc-fail-window' };
    const window = [ev('net0.getAllocFails'), ev('ioh0.eject'), ev('ioh0.unregister'), ev('slave0.request', { allocOk: true })];
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref' }, [...window, ev('slave0.use')])).toMatchObject({ ok: true });
    expect(replaySchedule(v5.binary, 'system', { ...s, design: 'kref-5-10' }, window)).toMatchObject({ ok: true });
    // What each replay compared the kernel's answer with (the model refused it before issue 31's chancnt).
    const slaveChan = (design: 'kref' | 'kref-5-10') =>
      JSON.parse(scheduleLines('system', { ...s, design }, window).split('\n')[1]).steps.at(-1).observable.threads[1].chan;
    expect([slaveChan('kref'), slaveChan('kref-5-10')]).toEqual(['ioat0.0', null]);
  });

  it("M6 (assumption A4): unregistering a device two overlapping users already freed reads freed memory, and the model names the IOH's use after free as the kernel does", () => {
    const s: Scenario = {
      ...DEFAULT_SCENARIO,
      name: 'two-net',
      clients: [
        { ...net, rounds: 1, migrates: false },
        { ...net, name: 'net1', cpu: 1, rounds: 1, migrates: false },
      ],
    };
    const round = (n: string) => ['find', 'use', 'put', 'release'].map((step) => ev(`${n}.${step}`));
    const freedFirst = [ev('net0.get'), ev('net1.get'), ...round('net0'), ...round('net1'), ev('ioh0.eject'), ev('ioh0.unregister')];
    // The kernel traps the unregister's reads of the freed device (7.0 dmaengine.c:1140-1147) as
    // use-after-free:ioh0:<chan>; the model records the same (iohs[h].uaf), so the replay passes.
    // Under kref-fixed the device is still held there: no use after free on either side.
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref' }, freedFirst)).toMatchObject({ ok: true });
    const path = JSON.parse(scheduleLines('system', { ...s, design: 'kref' }, freedFirst).split('\n')[1]);
    // The channel loop's first iteration reads ioat0.0's freed struct: the kernel names that channel.
    expect(path.steps.at(-1).observable.violations).toEqual(expect.arrayContaining(['use-after-free:ioh0:ioat0.0']));
    expect(path.steps.at(-1).observable.violations).not.toContain('use-after-free:ioh0:ioat0.1');
    // The second iteration reads ioat0.1, the section the device (every channel): the kernel agrees at each.
    const whole = [...freedFirst, ev('ioh0.chanUnregister'), ev('ioh0.putRef')];
    expect(replaySchedule(v7.binary, 'system', { ...s, design: 'kref' }, whole)).toMatchObject({ ok: true });
  });
});
