/**
 * Scripted schedules reproducing each known flaw (README, "What the checker finds") on the executable core, each
 * asserting the recorded violation or the reported deadlock. Schedule lengths are printed
 * and asserted (the docs quote them).
 */
import { describe, expect, it } from 'vitest';
import { replay, runSchedule, scriptedScheduler } from '../../src/system/scheduler.ts';
import { System } from '../../src/system/system.ts';
import { client, quiesceRound, rfcFind, rfcRound, scenario } from './fixtures.ts';
import { channelLoopThenFree } from './fixtures.ts';

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
      'ioh0.unlock', // rebalance, mutex_unlock; then the wait
    ];
    const run = runSchedule(sys, scriptedScheduler(script));
    report('rfc-wait removal hang', run.steps.length);
    expect(run.steps.length).toBe(15);
    expect(run.outcome).toBe('deadlock');
    expect(sys.isFinished('slave0')).toBe(true);
    expect(run.blocked).toHaveLength(1);
    expect(run.blocked[0].thread).toBe('ioh0');
    expect(run.blocked[0].waitingFor).toMatch(/dmaengine_wait_queue: ioat0\.0 clientCount 1/);
    expect(sys.deadlock()).toEqual(run.blocked);
    expect(run.final.violations).toEqual([]);
  });

  for (const threshold of [2, 10]) {
    it(`(2) rfc-wait-unheld: false-zero quiesce sum with a migrating busy client, threshold ${threshold}`, () => {
      // rfc-wait-unheld: the free after the false zero needs the dmaengine_get references
      // gone (under rfc-wait, base kept, net0's reference makes the wait hang instead: (e)).
      const sys = new System(
        scenario({
          design: 'rfc-wait-unheld',
          threshold,
          clients: [client('net0', 'net_dma', 1), client('busy0', 'net_dma', 0, { busy: true, migrates: true })],
        }),
      );
      // busy0 moves one reference unit between CPUs: inc on one, migrate, put on the other.
      const carry = (to: number) => ['busy0.find', 'busy0.inc', { type: 'busy0.migrate', cpu: to }, 'busy0.test', 'busy0.use', 'busy0.put'];
      const [clear, tick, read] = ['ioh0.clearDirty', 'ioh0.tick', 'ioh0.read'];
      const script = [
        'net0.get',
        'busy0.get',
        ...rfcFind('net0'), // net0 holds ioat0.1 through a ref taken on CPU 1
        'ioh0.eject',
        'ioh0.unregister',
        'ioh0.keyOn',
        // Round 1: CPU 0 reads 0; busy0 incs on CPU 0, decs on CPU 1; CPU 1 reads 0.
        ...[clear, tick, read, ...carry(1), read],
        // Later rounds: busy0 first carries a unit back to CPU 0 so that CPU 0 reads 0 again.
        ...Array.from({ length: threshold - 1 }, () => [clear, tick, ...carry(0), read, ...carry(1), read]).flat(),
        'ioh0.keyOff',
        'ioh0.unlock',
        'ioh0.putRefs',
        ...channelLoopThenFree('ioh0', 2),
      ];
      const run = replay(sys, script);
      expect(run.outcome).toBe('stopped');
      const o = sys.observe();
      expect(o.devices[0].freed).toBe(true);
      // net0 still holds the channel and its reference is still counted: the sum is 1.
      expect(o.threads[0]).toEqual({ name: 'net0', cpu: 1, chan: 'ioat0.1', issuing: null });
      expect(o.ref[0] + o.ref[1]).toBe(1);
      sys.step({ type: 'net0.use' });
      const length = script.length + 1;
      report(`false-zero quiesce sum, threshold ${threshold}`, length);
      expect(length).toBe(8 + 10 + 16 * (threshold - 1) + 8); // + 2: the channel loop, a step per channel; + 1: synchronize_rcu's start
      expect(sys.observe().violations).toEqual(['use-after-free:net0:ioat0.1']);
    });
  }

  it('(3) rfc-wait-unheld: async_tx re-gets its cached channel after keyOff and uses it while it is freed', () => {
    // rfc-wait-unheld: the free needs atx0's dmaengine_get reference dropped (putRefs).
    const sys = new System(scenario({ design: 'rfc-wait-unheld', clients: [client('atx0', 'async_tx', 1)] }));
    const script = [
      'atx0.get',
      ...rfcRound('atx0'), // caches ioat0.1
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.keyOn',
      ...quiesceRound('ioh0', 2),
      ...quiesceRound('ioh0', 2),
      'ioh0.keyOff',
      'atx0.reget', // key off: nothing marks dirty
      'atx0.inc',
      'ioh0.unlock',
      'ioh0.putRefs',
      ...channelLoopThenFree('ioh0', 2), // does not look at the per-CPU count
      'atx0.use',
    ];
    const run = replay(sys, script);
    report('use after quiesce (async_tx reget)', run.steps.length);
    expect(run.steps.length).toBe(27); // 24 before the channel loop was stepped, 26 before synchronize_rcu's start was
    const regot = run.steps.find((s) => s.event.type === 'atx0.reget')!;
    expect(regot.changes).toEqual(['atx0.chan null→ioat0.1']);
    const inc = run.steps.find((s) => s.event.type === 'atx0.inc' && s.index > regot.index)!;
    expect(inc.changes).toEqual(['ref[1] 0→1']);
    expect(run.final.dirty).toBe(0);
    expect(run.final.violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  it('(4) baseline: unregister frees channels under a holder, who then uses freed memory', () => {
    const sys = new System(scenario({ design: 'baseline', clients: [client('net0', 'net_dma', 0)] }));
    const script = ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.free', 'net0.use'];
    const run = replay(sys, script);
    report('3.4 baseline free under a holder', run.steps.length);
    expect(run.steps.length).toBe(8);
    // The WARN_ONCE is the channel loop's (3.6 dmaengine.c:844), at ioat0.0's iteration.
    expect(run.steps[4].warnings[0]).toMatch(/WARN dma_async_device_unregister called while 1 clients hold a reference \(ioat0\.0\)/);
    expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it("(4') baseline: unregister's channel loop frees chan->local, which net_dma's copy writes, before the driver frees anything", () => {
    // 3.6 dma_async_device_unregister: free_percpu(chan->local) (dmaengine.c:851) in its
    // channel loop; net_dma's dma_async_memcpy_buf_to_pg writes this_cpu_ptr(chan->local) (:941-942).
    const sys = new System(scenario({ design: 'baseline', clients: [client('net0', 'net_dma', 0)] }));
    const run = replay(sys, ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'net0.use']);
    report('3.4 baseline chan->local freed under a net_dma copy', run.steps.length);
    expect(run.steps.length).toBe(6);
    expect(run.final.devices[0]).toMatchObject({ listed: false, freed: false });
    expect(run.final.channels[0].resources).toBe(true);
    expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
    // Only ioat0.0's iteration ran: ioat0.1's chan->local is still there.
    const k = sys.kernel;
    expect(k.deviceList).toEqual([]);
    const ioat0 = sys.iohs[0].devices[0];
    expect(ioat0.channels.map((c) => c.local)).toEqual([false, true]);
  });

  it("(4'') baseline: async_tx's and a slave's use between the channel loop and the free touch no chan->local", () => {
    // async_tx's async_memcpy and a slave's prep/submit/issue_pending keep no per-CPU
    // statistics (3.6 async_tx.c, dmaengine.h): only the driver's free makes their use a use after free.
    const sys = new System(scenario({ design: 'baseline', clients: [client('slave0', 'slave', 0)] }));
    const run = replay(sys, [
      { type: 'slave0.request', allocOk: true },
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.chanUnregister',
      'ioh0.chanUnregister',
      'slave0.use',
    ]);
    expect(run.final.violations).toEqual([]);
    const after = replay(sys, ['ioh0.free', 'slave0.release']);
    expect(after.final.violations).toEqual(['use-after-free:slave0:ioat0.0']);
  });

  for (const design of ['baseline', 'rfc-wait'] as const) {
    it(`(misuse) ${design}: dmaengine_put while the client's own round is in flight frees the channel under it`, () => {
      // No removal involved: the last dmaengine_put drops client_count to 0, which frees the
      // channel resources; neither 3.4 nor the RFC makes dmaengine_put wait for find → put.
      // Only a client with the releasesEarly misuse can do this.
      const sys = new System(scenario({ design, clients: [client('net0', 'net_dma', 0, { releasesEarly: true })] }));
      const find = design === 'baseline' ? ['net0.find'] : rfcFind('net0');
      const run = replay(sys, ['net0.get', ...find, 'net0.release', 'net0.use']);
      report(`${design} release during own round`, run.steps.length);
      expect(run.steps.length).toBe(3 + find.length);
      expect(run.final.devices[0]).toMatchObject({ listed: true, freed: false });
      expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
    });
  }
  it('(a) rfc-wait-unheld: a finder preempted between the table read and the inc returns a freed channel', () => {
    // D1: dma_find_channel reads channel_table, then this_cpu_inc, then tests the key, with
    // nothing disabling preemption. A whole quiesce and the free fit between read and inc.
    const sys = new System(scenario({ design: 'rfc-wait-unheld', clients: [client('net0', 'net_dma', 0)] }));
    const script = [
      'net0.get',
      'net0.find', // this_cpu_read(channel_table): ioat0.0, no reference counted yet
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.keyOn',
      ...quiesceRound('ioh0', 2),
      ...quiesceRound('ioh0', 2),
      'ioh0.keyOff',
      'ioh0.unlock',
      'ioh0.putRefs',
      ...channelLoopThenFree('ioh0', 2), // every sum was 0: nothing was counted
      'net0.inc',
      'net0.test', // key off: the stale pointer is returned
      'net0.use',
    ];
    const run = replay(sys, script);
    report('preempted finder (read before inc)', run.steps.length);
    expect(run.steps.length).toBe(23); // 20 before the channel loop was stepped, 22 before synchronize_rcu's start was
    expect(run.steps[1].changes).toEqual(['net0.chan null→ioat0.0']);
    expect(run.steps.find((s) => s.event.type === 'ioh0.free')!.changes).toContain('ioat0.freed false→true');
    expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it('(b) rfc-wait-unheld: async_tx re-gets under get_cpu(), so keyOn waits for its inc and the quiesce counts it', () => {
    // D2 (a re-get tests the key, a whole quiesce passes, then it counts) needs a preemptible
    // call site; async_tx's is raid_run_ops' get_cpu() section (3.6 raid5.c:1376), and
    // static_key_slow_inc's stop_machine waits for it (spec/vocabulary.ts findsPreemptOff).
    const sys = new System(scenario({ design: 'rfc-wait-unheld', clients: [client('atx0', 'async_tx', 1)] }));
    replay(sys, ['atx0.get', ...rfcRound('atx0'), 'ioh0.eject', 'ioh0.unregister', 'atx0.reget']);
    expect(sys.enabledSteps().map((e) => e.type)).not.toContain('ioh0.keyOn');
    expect(sys.observe().dirty).toBe(0); // the key was off at the test: nothing marked
    const run = replay(sys, ['atx0.inc', 'ioh0.keyOn', ...quiesceRound('ioh0', 2)]);
    expect(run.final.ref).toEqual([0, 1]); // counted before the key went on
    expect(sys.enabledSteps().map((e) => e.type)).toContain('ioh0.clearDirty'); // the round read 1: no zero yet
    expect(run.final.violations).toEqual([]);
  });

  it('(c) rfc-wait: cpu_up and device removal deadlock (ABBA: cpu_hotplug.lock and dma_list_mutex)', () => {
    // D4: the quiescer holds dma_list_mutex and static_key_slow_inc needs get_online_cpus();
    // _cpu_up holds cpu_hotplug.lock and its CPU_ONLINE notifier needs dma_list_mutex.
    const sys = new System(scenario({ cpuHotplug: true }));
    const script = [{ type: 'cpu.offline', cpu: 1 }, 'cpu.postDead', 'ioh0.eject', 'ioh0.unregister', { type: 'cpu.online', cpu: 1 }];
    const run = runSchedule(sys, scriptedScheduler(script));
    report('ABBA deadlock with cpu_up', run.steps.length);
    expect(run.steps.length).toBe(5);
    expect(run.outcome).toBe('deadlock');
    const blocked = sys.deadlock()!;
    expect(blocked).toEqual(run.blocked);
    expect(blocked.map((b) => b.thread).sort()).toEqual(['cpu', 'ioh0']);
    expect(blocked.find((b) => b.thread === 'ioh0')!.waitingFor).toMatch(/get_online_cpus/);
    expect(blocked.find((b) => b.thread === 'cpu')!.waitingFor).toMatch(/dma_list_mutex.*unregister ioat0/);
    expect(run.final.violations).toEqual([]);
  });

  it('(d) baseline: the NET_RX softirq walk issues on a device unregister freed; rfc-wait-unheld waits for the walk', () => {
    // D11: dma_issue_pending_all walks dma_device_list under rcu_read_lock; 3.4's unregister
    // has no synchronize_rcu, the RFC's has.
    const base = new System(scenario({ design: 'baseline', clients: [client('net0', 'net_dma', 0)] }));
    // The walk reads each freed channel's client_count (stale, non-zero) and stops before its issue.
    const run = replay(base, [
      'net0.get',
      'net0-rx.walk',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.chanUnregister',
      'ioh0.chanUnregister',
      'ioh0.free',
      'net0-rx.check',
      'net0-rx.issue',
      'net0-rx.issue',
    ]);
    report('3.4 RCU walk after free', run.steps.length);
    expect(run.steps.length).toBe(10);
    expect(run.final.violations).toEqual(['use-after-free:net0-rx:ioat0.0', 'use-after-free:net0-rx:ioat0.1']);

    const rfc = new System(scenario({ design: 'rfc-wait-unheld', clients: [client('net0', 'net_dma', 0)] }));
    const quiesce = ['ioh0.keyOn', ...quiesceRound('ioh0', 2), ...quiesceRound('ioh0', 2), 'ioh0.keyOff'];
    replay(rfc, [
      'net0.get',
      'net0-rx.walk',
      'ioh0.eject',
      'ioh0.unregister',
      ...quiesce,
      'ioh0.unlock',
      'ioh0.putRefs',
      'ioh0.chanUnregister',
      'ioh0.chanUnregister',
      'ioh0.synchronizeRcu',
    ]);
    const ioh = () => rfc.enabledSteps().filter((e) => e.type.startsWith('ioh0.'));
    expect(ioh()).toEqual([]); // synchronize_rcu: the walk was inside rcu_read_lock when it began
    rfc.step({ type: 'net0-rx.check' }); // putRefs left no client: the walk ends (rcu_read_unlock)
    expect(ioh()).toEqual([{ type: 'ioh0.free' }]);
    rfc.step({ type: 'ioh0.free' });
    expect(rfc.observe().devices[0].freed).toBe(true);
    expect(rfc.observe().violations).toEqual([]);
  });

  it('(e) rfc-wait (base kept): a net_dma client that got before unregister makes the wait hang', () => {
    // D5: the RFC drops no dmaengine_get reference at unregister, and dmaengine_put cannot
    // reach an unlisted device, so client_count never drops to 0.
    const sys = new System(scenario({ clients: [client('net0', 'net_dma', 0)] }));
    const script = [
      'net0.get',
      ...rfcRound('net0'),
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.keyOn',
      ...quiesceRound('ioh0', 2),
      ...quiesceRound('ioh0', 2),
      'ioh0.keyOff',
      'ioh0.unlock',
      'net0.release', // dmaengine_put: the device is off the list
    ];
    const run = runSchedule(sys, scriptedScheduler(script));
    report('rfc-wait hang on a dmaengine_get user', run.steps.length);
    expect(run.steps.length).toBe(20);
    expect(run.outcome).toBe('deadlock');
    expect(sys.isFinished('net0')).toBe(true);
    expect(run.blocked.map((b) => b.thread)).toEqual(['ioh0']);
    expect(run.blocked[0].waitingFor).toMatch(/dmaengine_wait_queue: ioat0\.0 clientCount 1, ioat0\.1 clientCount 1 never drops to 0/);
    expect(sys.deadlock()).toEqual(run.blocked);
    expect(run.final.violations).toEqual([]);
  });
});

describe('percpu_ref_tryget_live and the grace period (kernel review D18), on the implementation', () => {
  const clients = [client('net0', 'net_dma', 0)];
  const before = ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill'];

  it('percpu-ref-nogp: the sum reads zero before the tryget that saw the ref live counts; the device is freed under it', () => {
    const sys = new System(scenario({ design: 'percpu-ref-nogp', clients }));
    replay(sys, [...before, 'ioh0.gracePeriod', 'ioh0.drained', 'net0.inc', 'ioh0.putRefs', ...channelLoopThenFree('ioh0', 2), 'net0.use']);
    expect(sys.observe().ref).toEqual([1, 0]);
    expect(sys.observe().violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it('percpu-ref: the grace period waits for that tryget; its count then holds back the drain', () => {
    const sys = new System(scenario({ design: 'percpu-ref', clients }));
    replay(sys, before);
    expect(sys.enabledSteps().map((e) => e.type)).not.toContain('ioh0.gracePeriod');
    replay(sys, ['net0.inc', 'ioh0.gracePeriod']);
    expect(sys.enabledSteps().map((e) => e.type)).not.toContain('ioh0.drained');
    replay(sys, ['net0.use', 'net0.put', 'ioh0.drained', 'ioh0.putRefs', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.synchronizeRcu', 'ioh0.free']);
    expect(sys.observe().violations).toEqual([]);
  });
});
