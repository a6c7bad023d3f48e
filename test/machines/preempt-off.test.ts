/**
 * async_tx's find and re-get run under get_cpu() (3.6 drivers/md/raid5.c:1376 raid_run_ops
 * … put_cpu(); spec/vocabulary.ts findsPreemptOff): no migration, static key flip or
 * _cpu_down (stop_machine) lands between the first statement of its find/get and the last.
 * net_dma's tcp_recvmsg call site is preemptible: the same flip may land inside its find.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { snapshotView } from '../../machines/xstate.ts';
import { systemFor } from '../../src/designs/registry.ts';
import type { Scenario } from '../../src/scenario.ts';
import { System } from '../../src/system/system.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { reachable } from './bfs.ts';

const [net0, atx0] = DEFAULT_SCENARIO.clients;
/** One device of one channel, a migrating net_dma and a migrating async_tx client, CPU hotplug. */
const SMALL: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'preempt-off',
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 1, capabilities: ['memcpy'] }] }],
  clients: [
    { ...net0, rounds: 1 },
    { ...atx0, migrates: true },
  ],
  cpuHotplug: true,
};
const INSIDE = ['fetched', 'counted', 'regetting', 'dirtied'];
const stopMachine = (e: StepEvent, who: string) =>
  e.type === 'ioh0.keyOn' || e.type === 'ioh0.keyOff' || e.type === 'cpu.offline' || e.type === `${who}.migrate`;

/** The worker state of client `who` in a snapshot value. */
function workerOf(value: unknown, who: string): string {
  const v = value as Record<string, Record<string, unknown>>;
  const w = v[who]?.worker;
  return typeof w === 'string' ? w : JSON.stringify(w);
}

describe('preemption off inside async_tx find/get (rfc-wait; the rule is the client region’s, the same under every split hot path)', () => {
  const design = 'rfc-wait';
  const m = systemFor({ ...SMALL, design });
  const states = reachable(m);

  it('no key flip, _cpu_down or migration is enabled while async_tx is inside its find or re-get', () => {
    let inside = 0;
    for (const r of states) {
      const view = snapshotView(r.snapshot);
      const w = workerOf(r.snapshot.value, 'atx0');
      const ctx = r.snapshot.context as { threads: { preemptOff: number }[] };
      expect(ctx.threads[1].preemptOff === 1).toBe(INSIDE.includes(w));
      if (!INSIDE.includes(w)) continue;
      inside++;
      expect(m.enabledEvents(view).filter((e) => stopMachine(e, 'atx0'))).toEqual([]);
    }
    expect(inside).toBeGreaterThan(10);
  });

  it('net_dma inside its find stays preemptible: a flip, _cpu_down or migration may land there', () => {
    const landed = new Set<string>();
    for (const r of states) {
      if (!INSIDE.includes(workerOf(r.snapshot.value, 'net0'))) continue;
      const ctx = r.snapshot.context as { threads: { preemptOff: number }[] };
      expect(ctx.threads[0].preemptOff).toBe(0);
      for (const e of m.enabledEvents(snapshotView(r.snapshot))) if (stopMachine(e, 'net0')) landed.add(e.type);
    }
    expect([...landed].sort()).toEqual(['cpu.offline', 'ioh0.keyOff', 'ioh0.keyOn', 'net0.migrate']);
  });
});

describe('preemption off on the implementation (src/system)', () => {
  it('holds keyOn back while async_tx is between its table read and its key test, and lets it run after', () => {
    const sys = new System({ ...SMALL, design: 'rfc-wait', cpuHotplug: false });
    for (const type of ['atx0.get', 'atx0.find', 'ioh0.eject', 'ioh0.unregister']) sys.step({ type });
    const types = () => sys.enabledSteps().map((e) => e.type);
    expect(types()).not.toContain('ioh0.keyOn');
    expect(types()).not.toContain('atx0.migrate');
    sys.step({ type: 'atx0.inc' });
    expect(types()).not.toContain('ioh0.keyOn');
    sys.step({ type: 'atx0.test' });
    expect(types()).toContain('ioh0.keyOn');
    expect(types()).toContain('atx0.migrate');
  });

  it('lets keyOn land inside net_dma’s find (a preemptible call site)', () => {
    const sys = new System({ ...SMALL, design: 'rfc-wait', cpuHotplug: false });
    for (const type of ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister']) sys.step({ type });
    expect(sys.enabledSteps().map((e) => e.type)).toContain('ioh0.keyOn');
  });
});
