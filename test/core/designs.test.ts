/**
 * The four alternative designs on the executable core: which known flaw each blocks, and
 * the one a checker refutes (fail-fast). Scripted schedules, lengths asserted.
 */
import { describe, expect, it } from 'vitest';
import { replay, roundRobinScheduler, runSchedule } from '../../src/system/scheduler.ts';
import { System } from '../../src/system/system.ts';
import { client, scenario } from './fixtures.ts';
import { ALLOC_FAIL } from '../../src/mbt/coverage-scenarios.ts';
import { channelLoopThenFree } from './fixtures.ts';

const types = (sys: System) => sys.enabledSteps().map((e) => e.type);

describe('alternative designs on the core', () => {
  it('notifier: a never-releasing slave is asked, acks by releasing, and removal completes', () => {
    const sys = new System(scenario({ design: 'notifier', clients: [client('slave0', 'slave', 0, { releases: false })] }));
    replay(sys, [{ type: 'slave0.request', allocOk: true }, 'slave0.use', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify']);
    expect(types(sys)).toEqual(['slave0.ack']); // putRefs waits for the ack
    const run = runSchedule(sys, roundRobinScheduler());
    expect(run.steps.map((s) => s.event.type)).toEqual(['slave0.ack', 'ioh0.putRefs', ...channelLoopThenFree('ioh0', 2)]);
    expect(run.outcome).toBe('completed');
    expect(run.final.devices[0]).toMatchObject({ freed: true, private: false, privatecnt: 0 });
    expect(run.final.violations).toEqual([]);
  });

  it('notifier: an asked async_tx drops its cached pointer, so the use after quiesce cannot happen', () => {
    const sys = new System(scenario({ design: 'notifier', clients: [client('atx0', 'async_tx', 1, { busy: true })] }));
    replay(sys, ['atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify']);
    expect(types(sys)).toEqual(['atx0.release', 'atx0.ack']); // no find, no reget before the ack
    replay(sys, ['atx0.ack']);
    expect(sys.clients[0].cached).toBeNull();
    expect(types(sys)).toEqual(['atx0.find', 'atx0.release', 'ioh0.putRefs']);
  });

  it('percpu-ref: the held reference keeps the atomic count above zero; drained waits for the put', () => {
    const sys = new System(
      scenario({ design: 'percpu-ref', clients: [client('net0', 'net_dma', 1), client('busy0', 'net_dma', 0, { busy: true, migrates: true })] }),
    );
    replay(sys, ['net0.get', 'busy0.get', 'net0.find', 'net0.inc', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod']);
    // The migrating client's rounds no longer count anything: its trygets fail or find NULL.
    replay(sys, ['busy0.find', 'busy0.inc', { type: 'busy0.migrate', cpu: 1 }, 'busy0.use', 'busy0.put']);
    expect(sys.observe().ref).toEqual([0, 1]);
    expect(types(sys)).not.toContain('ioh0.drained');
    replay(sys, ['net0.use', 'net0.put', 'ioh0.drained', 'ioh0.putRefs', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.synchronizeRcu', 'ioh0.free']);
    expect(sys.observe().devices[0].freed).toBe(true);
    expect(sys.observe().violations).toEqual([]);
  });

  it('percpu-ref: one percpu_ref per device, so a busy user of ioat1 does not hold up the drain of ioat0', () => {
    const sys = new System(
      scenario({
        design: 'percpu-ref',
        devices: [
          { name: 'ioat0', channels: 1 },
          { name: 'ioat1', channels: 1 },
        ],
        clients: [client('busy0', 'net_dma', 1, { busy: true, releases: false })],
      }),
    );
    replay(sys, ['busy0.get', 'busy0.find', 'busy0.inc', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod']);
    expect(sys.observe().threads[0].chan).toBe('ioat1.0'); // nth_chan: CPU 1's slot
    expect(sys.observe().ref).toEqual([0, 1]);
    expect(types(sys)).toContain('ioh0.drained'); // ioat0's own count is 0
    replay(sys, [
      'ioh0.drained',
      'ioh0.putRefs',
      'ioh0.chanUnregister', // ioat0 has one channel: one loop iteration
      'ioh0.synchronizeRcu',
      'ioh0.free',
      'ioh0.unregister',
      'ioh0.kill',
      'ioh0.gracePeriod',
    ]);
    expect(types(sys)).not.toContain('ioh0.drained'); // ioat1's count holds busy0's reference
    replay(sys, ['busy0.use', 'busy0.put', 'ioh0.drained']);
    expect(sys.observe().violations).toEqual([]);
  });

  it('percpu-ref: a re-get of a pointer cached past its put touches the freed reference (the stated assumption)', () => {
    const sys = new System(scenario({ design: 'percpu-ref', clients: [client('atx0', 'async_tx', 1, { releases: false })] }));
    const script = ['atx0.get', 'atx0.find', 'atx0.inc', 'atx0.use', 'atx0.put', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod'];
    replay(sys, [...script, 'ioh0.drained', 'ioh0.putRefs', ...channelLoopThenFree('ioh0', 2), 'atx0.reget', 'atx0.inc']);
    const o = sys.observe();
    expect(o.threads[0].chan).toBeNull(); // the tryget failed: nothing to use
    expect(o.ref).toEqual([0, 0]);
    expect(o.violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  for (const [design, violations] of [
    ['kref-fixed', []],
    // As shipped: dma_chan_put drops the last reference, then module_put(dma_chan_to_owner(chan))
    // and dma_release_channel's privatecnt read the freed device (Garg-2's KASAN report).
    ['kref', ['use-after-free:slave0:ioat0.0']],
  ] as const)
    it(`${design}: unregister returns at once; a holding slave keeps the memory alive until its release`, () => {
      const sys = new System(scenario({ design, clients: [client('slave0', 'slave', 0, { rounds: 2 })] }));
      replay(sys, [{ type: 'slave0.request', allocOk: true }, 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.putRef']);
      expect(sys.iohs[0].state).toBe('removed');
      expect(sys.observe().devices[0].freed).toBe(false);
      replay(sys, ['slave0.use', 'slave0.use', 'slave0.release']);
      expect(sys.observe().devices[0].freed).toBe(true);
      expect(sys.observe().violations).toEqual(violations);
    });

  for (const design of ['kref', 'kref-fixed'] as const)
    it(`${design}: dmaengine_get references stay on the unregistered device, which is never freed (a leak)`, () => {
      const sys = new System(scenario({ design, clients: [client('net0', 'net_dma', 0)] }));
      const run = runSchedule(sys, roundRobinScheduler());
      expect(run.outcome).toBe('completed');
      // Mainline keeps the unregistered device listed, DMA_PRIVATE, until its release (issue 31 M2).
      expect(run.final.devices[0]).toMatchObject({ listed: true, private: true, freed: false });
      expect(run.final.channels.map((c) => c.clientCount)).toEqual([1, 1]);
      expect(run.final.violations).toEqual([]);
    });

  describe('kref with two dmaengine_get users (net_dma and async_tx), no hot removal at all', () => {
    const twoUsers = (design: 'kref' | 'kref-fixed') =>
      new System(scenario({ design, clients: [client('net0', 'net_dma', 0), client('atx0', 'async_tx', 1)] }));
    // Both get; net0 does its round and dmaengine_put; atx0 its round and dmaengine_put.
    const cycle = ['net0.get', 'atx0.get', 'net0.find', 'net0.use', 'net0.put', 'net0.release', 'atx0.find', 'atx0.use', 'atx0.put', 'atx0.release'];

    it('as shipped: the second dmaengine_put drops the kref to 0 and frees the listed device; the put reads it after (8ad342a86359)', () => {
      const sys = twoUsers('kref');
      expect(sys.observe().devices[0].kref).toBe(1); // kref_init at register
      replay(sys, cycle.slice(0, 2));
      expect(sys.observe().devices[0].kref).toBe(3); // net0's 0→1 gets took one per channel
      replay(sys, cycle.slice(2, 6));
      // net0's dmaengine_put dropped one device reference per channel: kref 3 → 1, the
      // registration reference alone, while atx0 still holds both channels.
      expect(sys.observe().channels.map((c) => c.clientCount)).toEqual([1, 1]);
      expect(sys.observe().devices[0]).toMatchObject({ listed: true, freed: false, kref: 1 });
      replay(sys, cycle.slice(6));
      const o = sys.observe();
      expect(o.devices[0].kref).toBe(0); // the observable shows what the design is about
      expect(sys.iohs[0].state).toBe('online'); // nothing was unregistered
      expect(o.devices[0]).toMatchObject({ listed: false, freed: true }); // dma_device_release: list_del_rcu (M2)
      // ioat0.0's put released the device, then module_put read it; the loop then put ioat0.1 in freed memory.
      expect(o.violations).toEqual(['use-after-free:atx0:ioat0.0', 'use-after-free:atx0:ioat0.1']);
    });

    it('as shipped: one user’s dmaengine_put leaves only the registration reference, so unregister frees under the other user in flight', () => {
      const sys = twoUsers('kref');
      replay(sys, [...cycle.slice(0, 6), 'atx0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.putRef']);
      expect(sys.observe().devices[0].freed).toBe(true);
      replay(sys, ['atx0.use']); // CPU 1's table slot: ioat0.1
      expect(sys.observe().violations).toEqual(['use-after-free:atx0:ioat0.1']);
    });

    it('designs without a device kref show no devices[].kref (3.x has no device->ref)', () => {
      const sys = new System(scenario({ design: 'baseline', clients: [client('net0', 'net_dma', 0)] }));
      replay(sys, ['net0.get']);
      expect(sys.observe().devices.every((d) => !('kref' in d))).toBe(true);
    });

    it('fixed (Garg, Fixes: 8ad342a86359): the same schedules free nothing under anyone', () => {
      const a = twoUsers('kref-fixed');
      expect(a.observe().devices[0].kref).toBe(1);
      replay(a, cycle);
      expect(a.observe().devices[0]).toMatchObject({ listed: true, freed: false });
      expect(a.observe().violations).toEqual([]);
      const b = twoUsers('kref-fixed');
      replay(b, [
        ...cycle.slice(0, 6),
        'atx0.find',
        'ioh0.eject',
        'ioh0.unregister',
        'ioh0.chanUnregister',
        'ioh0.putRef',
        'atx0.use',
        'atx0.put',
        'atx0.release',
      ]);
      expect(b.observe().devices[0].freed).toBe(false); // atx0's references stay: the leak
      expect(b.observe().violations).toEqual([]);
    });
  });

  describe('kref-5-10: 5.10.7’s double increment in dma_chan_get (issue 31 M1)', () => {
    const apart = ['net0.get', 'net0.find', 'net0.use', 'net0.put', 'net0.release', 'atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'atx0.release'];
    const twoUsers = (design: 'kref' | 'kref-5-10') => new System(scenario({ design, clients: [client('net0', 'net_dma', 0), client('atx0', 'async_tx', 1)] }));

    it('a public channel’s first get counts twice, and the extra count outlives its user', () => {
      const sys = twoUsers('kref-5-10');
      replay(sys, ['net0.get']);
      expect(sys.observe().channels.map((c) => c.clientCount)).toEqual([2, 2]); // 5.10.7 dmaengine.c:473-477
      replay(sys, apart.slice(1, 5));
      expect(sys.observe().channels.map((c) => [c.clientCount, c.resources])).toEqual([
        [1, true],
        [1, true],
      ]);
    });

    it('two dmaengine_get users that never overlap free the device at the second put (5.10.7), not on 7.0', () => {
      const a = twoUsers('kref-5-10');
      replay(a, apart);
      expect(a.iohs[0].state).toBe('online');
      expect(a.observe().devices[0].freed).toBe(true);
      expect(a.observe().violations).toEqual(['use-after-free:atx0:ioat0.0', 'use-after-free:atx0:ioat0.1']);
      const b = twoUsers('kref');
      replay(b, apart);
      expect(b.observe().devices[0].freed).toBe(false);
      expect(b.observe().violations).toEqual([]);
    });
  });

  it('mainline (issue 31 M2, M4): the unregistered device stays listed; a late request gets channel 1 on 7.0, NULL on 5.10.7', () => {
    const late = [
      { type: 'slave0.request', allocOk: true },
      'slave0.use',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.chanUnregister',
      'ioh0.putRef',
      { type: 'slave1.request', allocOk: true },
    ];
    const twoSlaves = (design: 'kref' | 'kref-5-10') => new System(scenario({ design, clients: [client('slave0', 'slave', 0), client('slave1', 'slave', 1)] }));
    const seven = twoSlaves('kref');
    replay(seven, late);
    expect(seven.observe().devices[0]).toMatchObject({ listed: true, private: true, privatecnt: 2, freed: false });
    expect(seven.observe().threads.map((t) => t.chan)).toEqual(['ioat0.0', 'ioat0.1']);
    const five = twoSlaves('kref-5-10');
    replay(five, late);
    expect(five.observe().threads.map((t) => t.chan)).toEqual(['ioat0.0', null]);
  });

  it('mainline device->chancnt (issue 31): a request between the channel unregisters gets the alloc-failed channel on 7.0, not on 5.10.7', () => {
    const chanAfter = (design: 'kref' | 'kref-5-10', script: Parameters<typeof replay>[1]) => {
      const sys = new System({ ...ALLOC_FAIL, design });
      replay(sys, [...script, { type: 'slave0.request', allocOk: true }]);
      return sys.observe().threads[1].chan;
    };
    // ioat0.0's alloc failed, ioat0.1 in use: chancnt 2 refuses the mixed public device (7.0 :634).
    expect(chanAfter('kref', ['net0.getAllocFails'])).toBe(null);
    // One channel unregistered: chancnt 1 (7.0 :1147) skips the check; 5.10.7 list_del'ed ioat0.0 (:1113).
    expect(chanAfter('kref', ['net0.getAllocFails', 'ioh0.eject', 'ioh0.unregister'])).toBe('ioat0.0');
    expect(chanAfter('kref-5-10', ['net0.getAllocFails', 'ioh0.eject', 'ioh0.unregister'])).toBe(null);
    expect(chanAfter('kref', ['net0.getAllocFails', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister'])).toBe('ioat0.0');
  });

  it('fail-fast: prep returns NULL on a dying device and the slave may give up early', () => {
    const sys = new System(scenario({ design: 'fail-fast', clients: [client('slave0', 'slave', 1, { rounds: 3 })] }));
    replay(sys, [{ type: 'slave0.request', allocOk: true }, 'ioh0.eject', 'ioh0.unregister']);
    expect(types(sys)).toEqual(['slave0.use', 'ioh0.markDying']);
    replay(sys, ['ioh0.markDying', 'slave0.use']); // prep NULL: touches nothing
    expect(types(sys)).toEqual(['slave0.use', 'slave0.release', 'ioh0.putRefs']);
    const run = runSchedule(sys, roundRobinScheduler());
    expect(run.outcome).toBe('completed');
    expect(run.final.devices[0].freed).toBe(true);
    expect(run.final.violations).toEqual([]);
  });

  it('fail-fast: nothing waits for a find → use window, so a find before the free is used after it', () => {
    const sys = new System(scenario({ design: 'fail-fast', clients: [client('net0', 'net_dma', 0)] }));
    const run = replay(sys, [
      'net0.get',
      'net0.find',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.markDying',
      'ioh0.putRefs',
      ...channelLoopThenFree('ioh0', 2),
      'net0.use',
    ]);
    expect(run.steps).toHaveLength(11); // 8 before the channel loop was stepped (one step per channel), 10 before synchronize_rcu's start was
    expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
  });
});
