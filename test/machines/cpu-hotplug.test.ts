/**
 * The optional `cpu` thread of the system machine: CPU offline/online with the dmaengine
 * CPU notifier's rebalance (spec/threads.md "CPU hotplug").
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { observe } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { ASYNC_TX_ONLY, withDesign } from '../../machines/small-scenarios.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { reachable } from './bfs.ts';

const m = systemFor(withDesign(ASYNC_TX_ONLY, 'baseline'), { cpuHotplug: true });
const ev = (type: string, cpu?: number): StepEvent => (cpu === undefined ? { type } : { type, cpu });

describe('CPU hotplug thread', () => {
  it('is the last thread and offers offline/online per CPU, then the notifier step', () => {
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

  it('rebalances the table in the notifier step after offline and online', () => {
    expect(observe(snapshotView(runWithXstate(m, [ev('atx0.get')])), m).table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
    const off = runWithXstate(m, [ev('atx0.get'), ev('cpu.offline', 0)]);
    expect(observe(snapshotView(off), m).cpuOnline).toEqual([false, true]);
    // _cpu_down is done; the CPU_POST_DEAD notifier has not rebalanced yet: the entry is stale.
    expect(observe(snapshotView(off), m).table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
    const dead = runWithXstate(m, [ev('atx0.get'), ev('cpu.offline', 0), ev('cpu.postDead')]);
    expect(observe(snapshotView(dead), m).table.memcpy).toEqual([null, 'ioat0.0']);
    const up = runWithXstate(m, [ev('atx0.get'), ev('cpu.offline', 0), ev('cpu.postDead'), ev('cpu.online', 0)]);
    expect(up.context.hotplug).toBe(1); // cpu_hotplug.lock held until the CPU_ONLINE notifier returns
    expect(
      observe(snapshotView(runWithXstate(m, [ev('atx0.get'), ev('cpu.offline', 0), ev('cpu.postDead'), ev('cpu.online', 0), ev('cpu.notify')])), m).table
        .memcpy,
    ).toEqual(['ioat0.0', 'ioat0.1']);
  });

  it('never takes offline a CPU a thread runs on, nor the last online CPU', () => {
    const s = runWithXstate(m, []);
    expect(s.can(ev('cpu.offline', 1))).toBe(false); // atx0 runs on CPU 1
    expect(runWithXstate(m, [ev('cpu.offline', 0), ev('cpu.postDead')]).can(ev('cpu.offline', 1))).toBe(false);
  });

  it('enabledEvents agrees with snapshot.can on every reachable state', () => {
    const states = reachable(m);
    expect(states.length).toBeGreaterThan(100);
    for (const r of states) {
      const enabled = m.enabledEvents(snapshotView(r.snapshot)).map((e) => JSON.stringify(e));
      const can = m.allEvents.filter((e) => r.snapshot.can(e)).map((e) => JSON.stringify(e));
      expect(enabled).toEqual(can);
    }
  });
});
