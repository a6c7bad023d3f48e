/**
 * The optional `cpu` thread of the system machine: CPU offline/online, with the dmaengine
 * CPU notifier's rebalance only where the design has one (the RFC base's hotcpu_rebalance;
 * 3.6 and mainline dmaengine.c register no CPU notifier: spec/threads.md "CPU hotplug").
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { observe } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { ASYNC_TX_ONLY, withDesign } from '../../machines/small-scenarios.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { System } from '../../src/system/system.ts';
import { reachable } from './bfs.ts';

const m = systemFor(withDesign(ASYNC_TX_ONLY, 'rfc-wait'), { cpuHotplug: true });
const plain = systemFor(withDesign(ASYNC_TX_ONLY, 'baseline'), { cpuHotplug: true });
const ev = (type: string, cpu?: number): StepEvent => (cpu === undefined ? { type } : { type, cpu });
const table = (mm: typeof m, events: StepEvent[]) => observe(snapshotView(runWithXstate(mm, events)), mm).table.memcpy;

describe('CPU hotplug thread', () => {
  it('is the last thread and offers offline/online per CPU, then the notifier step (RFC base)', () => {
    expect(m.threads).toEqual(['atx0', 'ioh0', 'cpu']);
    // offline/online per CPU, then CPU_POST_DEAD / CPU_ONLINE notifier steps.
    expect(m.allEvents.filter((e) => e.type.startsWith('cpu.')).map((e) => e.type)).toEqual([
      'cpu.offline',
      'cpu.offline',
      'cpu.online',
      'cpu.online',
      'cpu.notify',
      'cpu.postDead',
    ]);
    expect(systemFor(ASYNC_TX_ONLY).threads).toEqual(['atx0', 'ioh0']);
  });

  it('rebalances the table in the notifier step after offline and online (RFC base)', () => {
    expect(table(m, [ev('atx0.get')])).toEqual(['ioat0.0', 'ioat0.1']);
    const off = runWithXstate(m, [ev('atx0.get'), ev('cpu.offline', 0)]);
    expect(observe(snapshotView(off), m).cpuOnline).toEqual([false, true]);
    // _cpu_down is done; the CPU_POST_DEAD notifier has not rebalanced yet: the entry is stale.
    expect(observe(snapshotView(off), m).table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
    expect(table(m, [ev('atx0.get'), ev('cpu.offline', 0), ev('cpu.postDead')])).toEqual([null, 'ioat0.0']);
    const up = runWithXstate(m, [ev('atx0.get'), ev('cpu.offline', 0), ev('cpu.postDead'), ev('cpu.online', 0)]);
    expect(up.context.hotplug).toBe(1); // cpu_hotplug.lock held until the CPU_ONLINE notifier returns
    expect(table(m, [ev('atx0.get'), ev('cpu.offline', 0), ev('cpu.postDead'), ev('cpu.online', 0), ev('cpu.notify')])).toEqual(['ioat0.0', 'ioat0.1']);
  });

  it('baseline (3.6 has no CPU notifier): no postDead step, and neither offline nor online rebalances', () => {
    expect(plain.allEvents.filter((e) => e.type.startsWith('cpu.')).map((e) => e.type)).toEqual([
      'cpu.offline',
      'cpu.offline',
      'cpu.online',
      'cpu.online',
      'cpu.notify',
    ]);
    const off = [ev('atx0.get'), ev('cpu.offline', 0)];
    expect(table(plain, off)).toEqual(['ioat0.0', 'ioat0.1']); // the offline CPU's entry stays
    const up = runWithXstate(plain, [...off, ev('cpu.online', 0)]);
    expect(up.context.hotplug).toBe(1); // _cpu_up still holds cpu_hotplug.lock across its other notifiers
    expect(up.can(ev('cpu.notify'))).toBe(true);
    const done = runWithXstate(plain, [...off, ev('cpu.online', 0), ev('cpu.notify')]);
    expect(done.context.hotplug).toBe(0);
    expect(table(plain, [...off, ev('cpu.online', 0), ev('cpu.notify')])).toEqual(['ioat0.0', 'ioat0.1']);
  });

  it('the implementation agrees: no postDead and no rebalance under baseline', () => {
    const sys = new System(withDesign(ASYNC_TX_ONLY, 'baseline'), { cpuHotplug: true });
    sys.step({ type: 'atx0.get' });
    sys.step({ type: 'cpu.offline', cpu: 0 });
    expect(sys.enabledSteps().map((e) => e.type)).not.toContain('cpu.postDead');
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
    sys.step({ type: 'cpu.online', cpu: 0 });
    expect(sys.kernel.hotplugLocked).toBe(true);
    sys.step({ type: 'cpu.notify' });
    expect(sys.kernel.hotplugLocked).toBe(false);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
  });

  it('never takes offline a CPU a thread runs on, nor the last online CPU', () => {
    const s = runWithXstate(m, []);
    expect(s.can(ev('cpu.offline', 1))).toBe(false); // atx0 runs on CPU 1
    expect(runWithXstate(m, [ev('cpu.offline', 0), ev('cpu.postDead')]).can(ev('cpu.offline', 1))).toBe(false);
  });

  it('enabledEvents agrees with snapshot.can on every reachable state', () => {
    const states = reachable(plain);
    expect(states.length).toBeGreaterThan(100);
    for (const r of states) {
      const enabled = plain.enabledEvents(snapshotView(r.snapshot)).map((e) => JSON.stringify(e));
      const can = plain.allEvents.filter((e) => r.snapshot.can(e)).map((e) => JSON.stringify(e));
      expect(enabled).toEqual(can);
    }
  });
});
