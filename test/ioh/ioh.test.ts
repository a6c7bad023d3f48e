import { describe, expect, it } from 'vitest';
import { replay } from '../../src/system/scheduler.ts';
import { System } from '../../src/system/system.ts';
import { client, quiesceRound, rfcRound, scenario } from '../core/fixtures.ts';

const ofThread = (sys: System, t: string) => sys.enabledSteps().filter((e) => e.type.startsWith(`${t}.`));

describe('IOH lifecycle', () => {
  it('online → ejecting → removed, unregistering devices one at a time in scenario order (baseline)', () => {
    const sys = new System(
      scenario({
        design: 'baseline',
        devices: [
          { name: 'ioat0', channels: 1 },
          { name: 'ioat1', channels: 2 },
        ],
      }),
    );
    const h = sys.iohs[0];
    expect(h.state).toBe('online');
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.eject' }]);
    sys.step({ type: 'ioh0.eject' });
    expect([h.state, h.current?.name]).toEqual(['ejecting', 'ioat0']);
    replay(sys, ['ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.free']); // ioat0: one channel, one loop iteration
    expect(h.current?.name).toBe('ioat1');
    expect(sys.observe().devices.map((d) => [d.listed, d.freed])).toEqual([
      [false, true],
      [true, false],
    ]);
    replay(sys, ['ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.free']);
    expect(h.state).toBe('removed');
    expect(sys.isFinished('ioh0')).toBe(true);
    expect(sys.enabledSteps()).toEqual([]);
  });

  it('rfc-wait orders the removal steps: unregister, keyOn, quiesce, keyOff, unlock, (putRefs under rfc-wait-unheld), chanUnregister per channel, synchronizeRcu, free', () => {
    const removal = ['net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn', ...quiesceRound('ioh0', 2), 'ioh0.keyOff'];
    // rfc-wait (base kept, D5): no putRefs; a never-releasing dmaengine_get user hangs the wait.
    const kept = new System(scenario({ threshold: 1, clients: [client('net0', 'net_dma', 0, { releases: false })] }));
    replay(kept, removal);
    expect(kept.kernel.listMutexOwner).not.toBeNull(); // held from unregister through keyOff
    expect(ofThread(kept, 'ioh0')).toEqual([{ type: 'ioh0.unlock' }]);
    kept.step({ type: 'ioh0.unlock' });
    expect(kept.kernel.listMutexFree).toBe(true);
    expect(ofThread(kept, 'ioh0')).toEqual([]);
    replay(kept, rfcRound('net0')); // net0 runs its round and finishes, still holding
    expect(kept.deadlock()?.map((b) => b.thread)).toEqual(['ioh0']);
    // rfc-wait-unheld: putRefs drops the references, so the same user does not hang removal.
    const sys = new System(scenario({ design: 'rfc-wait-unheld', threshold: 1, clients: [client('net0', 'net_dma', 0, { releases: false })] }));
    const run = replay(sys, [...removal, 'ioh0.unlock']);
    expect(run.steps.map((s) => s.event.type)).toContain('ioh0.keyOff');
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.putRefs' }]);
    sys.step({ type: 'ioh0.putRefs' });
    expect(sys.observe().channels.map((c) => [c.clientCount, c.resources])).toEqual([
      [0, false],
      [0, false],
    ]);
    // 3.6's channel loop, a step per channel, then synchronize_rcu's start and, after its grace period, the free.
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.chanUnregister' }]);
    sys.step({ type: 'ioh0.chanUnregister' });
    sys.step({ type: 'ioh0.chanUnregister' });
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.synchronizeRcu' }]);
    sys.step({ type: 'ioh0.synchronizeRcu' });
    sys.step({ type: 'ioh0.free' });
    expect(sys.iohs[0].state).toBe('removed');
  });

  it('hot-add brings new device instances; probe registers them for waiting clients', () => {
    const sys = new System(scenario({ design: 'baseline', clients: [client('net0', 'net_dma', 0, { releases: false, rounds: 2 })] }), {
      hotAdd: true,
    });
    const old = sys.iohs[0].devices[0];
    replay(sys, ['net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.free']);
    expect(sys.iohs[0].state).toBe('removed');
    expect(sys.isFinished('ioh0')).toBe(true); // a removed IOH is a proper end, re-add optional
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.hotAdd' }]);
    sys.step({ type: 'ioh0.hotAdd' });
    expect(sys.iohs[0].state).toBe('present');
    expect(sys.iohs[0].devices[0]).not.toBe(old);
    // The module outlives the freed instance: net0's two references on it were never put.
    expect(sys.observe().devices[0]).toEqual({ name: 'ioat0', listed: false, private: false, privatecnt: 0, freed: false, module: 2 });
    sys.step({ type: 'ioh0.probe' });
    const o = sys.observe();
    expect(sys.iohs[0].state).toBe('online');
    expect(o.channels.map((c) => [c.clientCount, c.resources])).toEqual([
      [1, true],
      [1, true],
    ]);
    expect(o.table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
    expect(o.devices[0].module).toBe(4); // the two leaked references and the new instance's two
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.eject' }]);
  });

  it('a pointer cached to the old instance still sees it freed after the same name is re-added', () => {
    const sys = new System(scenario({ design: 'baseline', clients: [client('atx0', 'async_tx', 0, { releases: false })] }), { hotAdd: true });
    replay(sys, [
      'atx0.get',
      'atx0.find',
      'atx0.use',
      'atx0.put',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.chanUnregister',
      'ioh0.chanUnregister',
      'ioh0.free',
      'ioh0.hotAdd',
      'ioh0.probe',
    ]);
    expect(sys.observe().channels[0]).toMatchObject({ id: 'ioat0.0', resources: true });
    replay(sys, ['atx0.reget', 'atx0.use']);
    expect(sys.observe().violations).toEqual(['use-after-free:atx0:ioat0.0']);
  });

  it('surprise removal: offered while online or ejecting, once; later uses hit missing hardware', () => {
    const sys = new System(scenario({ design: 'baseline', clients: [client('net0', 'net_dma', 0, { rounds: 2 })] }), { surpriseRemoval: true });
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.eject' }, { type: 'ioh0.surpriseRemove' }]);
    replay(sys, ['net0.get', 'net0.find', 'net0.use', 'net0.put', 'ioh0.surpriseRemove']);
    expect(ofThread(sys, 'ioh0')).toEqual([{ type: 'ioh0.eject' }]);
    replay(sys, ['net0.find', 'net0.use']);
    expect(sys.observe().violations).toEqual(['use-on-removed-hardware:net0:ioat0.0']);
    // The orderly path continues as the driver's remove.
    replay(sys, ['ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.free']);
    expect(sys.iohs[0].state).toBe('removed');
  });

  it('surprise removal is not offered unless enabled, nor once removed', () => {
    const off = new System(scenario({ design: 'baseline' }));
    expect(ofThread(off, 'ioh0')).toEqual([{ type: 'ioh0.eject' }]);
    const on = new System(scenario({ design: 'baseline' }), { surpriseRemoval: true });
    replay(on, ['ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.free']);
    expect(on.enabledSteps()).toEqual([]);
  });
});

describe('CPU hotplug thread', () => {
  it('offlines only a CPU no thread runs on and never the last one; rebalances both ways', () => {
    const sys = new System(scenario({ cpus: 3, clients: [client('net0', 'net_dma', 0, { releases: false })] }), { cpuHotplug: true });
    expect(ofThread(sys, 'cpu')).toEqual([
      { type: 'cpu.offline', cpu: 1 },
      { type: 'cpu.offline', cpu: 2 },
    ]);
    sys.step({ type: 'net0.get' });
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.1', 'ioat0.0']);
    sys.step({ type: 'cpu.offline', cpu: 1 });
    expect(sys.observe().cpuOnline).toEqual([true, false, true]);
    // The table is rebalanced only by the CPU_POST_DEAD notifier, the next step.
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.1', 'ioat0.0']);
    expect(ofThread(sys, 'cpu')).toEqual([{ type: 'cpu.postDead' }]);
    expect(sys.isFinished('cpu')).toBe(false);
    sys.step({ type: 'cpu.postDead' });
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', null, 'ioat0.1']);
    replay(sys, [{ type: 'cpu.offline', cpu: 2 }, 'cpu.postDead']);
    expect(ofThread(sys, 'cpu')).toEqual([
      { type: 'cpu.online', cpu: 1 },
      { type: 'cpu.online', cpu: 2 },
    ]);
    sys.step({ type: 'cpu.online', cpu: 2 });
    expect(sys.kernel.hotplugLocked).toBe(true); // cpu_hotplug.lock until the notifier ran
    expect(ofThread(sys, 'cpu')).toEqual([{ type: 'cpu.notify' }]);
    sys.step({ type: 'cpu.notify' });
    expect(sys.kernel.hotplugLocked).toBe(false);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', null, 'ioat0.1']);
    expect(sys.isFinished('cpu')).toBe(true);
  });

  it('an offline CPU keeps its count and the quiescer still sums it', () => {
    const sys = new System(scenario({ cpus: 3, threshold: 2, clients: [client('net0', 'net_dma', 1, { migrates: true, rounds: 2 })] }), { cpuHotplug: true });
    // net0 incs on CPU 1 and decs on CPU 0: ref = [-1, 1, 0]; then CPU 1 goes offline.
    replay(sys, [
      'net0.get',
      'net0.find',
      'net0.inc',
      { type: 'net0.migrate', cpu: 0 },
      'net0.test',
      'net0.use',
      'net0.put',
      { type: 'cpu.offline', cpu: 1 },
      'cpu.postDead',
    ]);
    expect(sys.observe().ref).toEqual([-1, 1, 0]);
    replay(sys, ['ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn', ...quiesceRound('ioh0', 3)]);
    // Summing only online CPUs would give -1 and reset the count; all CPUs sum to 0.
    expect(sys.kernel.quiesce).toEqual({ count: 1, sum: 0, next: 3 });
  });
});
