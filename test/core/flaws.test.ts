/**
 * Scripted schedules reproducing each known flaw of DESIGN.md on the executable core, each
 * asserting the recorded violation or the reported deadlock. Schedule lengths are printed
 * and asserted (the docs quote them).
 */
import { describe, expect, it } from 'vitest';
import { replay, runSchedule, scriptedScheduler } from '../../src/core/scheduler.ts';
import { System } from '../../src/core/system.ts';
import { client, quiesceRound, scenario } from './fixtures.ts';

function report(name: string, length: number) {
  console.log(`[flaw] ${name}: schedule of ${length} steps`);
}

describe('known flaws, scripted', () => {
  it('(1) rfc-wait: a never-releasing slave hangs removal; the deadlock names the blocked ioh thread', () => {
    const sys = new System(scenario({ clients: [client('slave0', 'slave', 0, { releases: false })] }));
    const script = [
      { type: 'slave0.request', allocOk: true },
      'slave0.use',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.keyOn',
      ...quiesceRound('ioh0', 2),
      ...quiesceRound('ioh0', 2),
      'ioh0.keyOff',
      'ioh0.putRefs',
    ];
    const run = runSchedule(sys, scriptedScheduler(script));
    report('rfc-wait removal hang', run.steps.length);
    expect(run.steps.length).toBe(15);
    expect(run.outcome).toBe('deadlock');
    expect(sys.isFinished('slave0')).toBe(true);
    expect(run.blocked).toHaveLength(1);
    expect(run.blocked[0].thread).toBe('ioh0');
    expect(run.blocked[0].waitingFor).toMatch(/dma_device_wait_queue: ioat0\.0 clientCount 1/);
    expect(sys.deadlock()).toEqual(run.blocked);
    expect(run.final.violations).toEqual([]);
  });

  for (const threshold of [2, 10]) {
    it(`(2) rfc-wait: false-zero quiesce sum with a migrating busy client, threshold ${threshold}`, () => {
      const sys = new System(
        scenario({
          threshold,
          clients: [client('net0', 'net_dma', 1), client('busy0', 'net_dma', 0, { busy: true, migrates: true })],
        }),
      );
      // busy0 moves one reference unit between CPUs: find on one, migrate, put on the other.
      const carry = (to: number) => ['busy0.find', { type: 'busy0.migrate', cpu: to }, 'busy0.use', 'busy0.put'];
      const [clear, tick, read] = ['ioh0.clearDirty', 'ioh0.tick', 'ioh0.read'];
      const script = [
        'net0.get',
        'busy0.get',
        'net0.find', // net0 holds ioat0.1 through a ref taken on CPU 1
        'ioh0.eject',
        'ioh0.unregister',
        'ioh0.keyOn',
        // Round 1: CPU 0 reads 0; busy0 incs on CPU 0, decs on CPU 1; CPU 1 reads 0.
        ...[clear, tick, read, ...carry(1), read],
        // Later rounds: busy0 first carries a unit back to CPU 0 so that CPU 0 reads 0 again.
        ...Array.from({ length: threshold - 1 }, () => [clear, tick, ...carry(0), read, ...carry(1), read]).flat(),
        'ioh0.keyOff',
        'ioh0.putRefs',
        'ioh0.free',
      ];
      const run = replay(sys, script);
      expect(run.outcome).toBe('stopped');
      const o = sys.observe();
      expect(o.devices[0].freed).toBe(true);
      // net0 still holds the channel and its reference is still counted: the sum is 1.
      expect(o.threads[0]).toEqual({ name: 'net0', cpu: 1, chan: 'ioat0.1' });
      expect(o.ref[0] + o.ref[1]).toBe(1);
      sys.step({ type: 'net0.use' });
      const length = script.length + 1;
      report(`false-zero quiesce sum, threshold ${threshold}`, length);
      expect(length).toBe(6 + 8 + 12 * (threshold - 1) + 4);
      expect(sys.observe().violations).toEqual(['use-after-free:net0:ioat0.1']);
    });
  }

  it('(3) rfc-wait: async_tx re-gets its cached channel after keyOff and uses it while it is freed', () => {
    const sys = new System(scenario({ clients: [client('atx0', 'async_tx', 1)] }));
    const script = [
      'atx0.get',
      'atx0.find', // caches ioat0.1
      'atx0.use',
      'atx0.put',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.keyOn',
      ...quiesceRound('ioh0', 2),
      ...quiesceRound('ioh0', 2),
      'ioh0.keyOff',
      'atx0.reget', // key off: nothing marks dirty
      'ioh0.putRefs',
      'ioh0.free', // does not look at the per-CPU count
      'atx0.use',
    ];
    const run = replay(sys, script);
    report('use after quiesce (async_tx reget)', run.steps.length);
    expect(run.steps.length).toBe(20);
    const regot = run.steps.find((s) => s.event.type === 'atx0.reget')!;
    expect(regot.changes).toEqual(['ref[1] 0→1', 'atx0.chan null→ioat0.1']);
    expect(run.final.dirty).toBe(0);
    expect(run.final.violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  it('(4) baseline: unregister frees channels under a holder, who then uses freed memory', () => {
    const sys = new System(scenario({ design: 'baseline', clients: [client('net0', 'net_dma', 0)] }));
    const script = ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.free', 'net0.use'];
    const run = replay(sys, script);
    report('3.4 baseline free under a holder', run.steps.length);
    expect(run.steps.length).toBe(6);
    expect(run.steps[4].warnings[0]).toMatch(/WARN dma_async_device_unregister called while 1 clients hold a reference \(ioat0\.0\)/);
    expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  for (const design of ['baseline', 'rfc-wait'] as const) {
    it(`(misuse) ${design}: dmaengine_put while the client's own round is in flight frees the channel under it`, () => {
      // No removal involved: the last dmaengine_put drops client_count to 0, which frees the
      // channel resources; neither 3.4 nor the RFC makes dmaengine_put wait for find → put.
      // Only a client with the releasesEarly misuse can do this.
      const sys = new System(scenario({ design, clients: [client('net0', 'net_dma', 0, { releasesEarly: true })] }));
      const run = replay(sys, ['net0.get', 'net0.find', 'net0.release', 'net0.use']);
      report(`${design} release during own round`, run.steps.length);
      expect(run.steps.length).toBe(4);
      expect(run.final.devices[0]).toMatchObject({ listed: true, freed: false });
      expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
    });
  }
});
