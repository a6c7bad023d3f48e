/**
 * The four alternative designs on the executable core: which known flaw each blocks, and
 * the one a checker refutes (fail-fast). Scripted schedules, lengths asserted.
 */
import { describe, expect, it } from 'vitest';
import { replay, roundRobinScheduler, runSchedule } from '../../src/core/scheduler.ts';
import { System } from '../../src/core/system.ts';
import { client, scenario } from './fixtures.ts';

const types = (sys: System) => sys.enabledSteps().map((e) => e.type);

describe('alternative designs on the core', () => {
  it('notifier: a never-releasing slave is asked, acks by releasing, and removal completes', () => {
    const sys = new System(scenario({ design: 'notifier', clients: [client('slave0', 'slave', 0, { releases: false })] }));
    replay(sys, [{ type: 'slave0.request', allocOk: true }, 'slave0.use', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify']);
    expect(types(sys)).toEqual(['slave0.ack']); // putRefs waits for the ack
    const run = runSchedule(sys, roundRobinScheduler());
    expect(run.steps.map((s) => s.event.type)).toEqual(['slave0.ack', 'ioh0.putRefs', 'ioh0.free']);
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
    replay(sys, ['net0.get', 'busy0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod']);
    // The migrating client's rounds no longer count anything: its trygets fail or find NULL.
    replay(sys, ['busy0.find', { type: 'busy0.migrate', cpu: 1 }, 'busy0.use', 'busy0.put']);
    expect(sys.observe().ref).toEqual([0, 1]);
    expect(types(sys)).not.toContain('ioh0.drained');
    replay(sys, ['net0.use', 'net0.put', 'ioh0.drained', 'ioh0.putRefs', 'ioh0.free']);
    expect(sys.observe().devices[0].freed).toBe(true);
    expect(sys.observe().violations).toEqual([]);
  });

  it('percpu-ref: a re-get of a pointer cached past its put touches the freed reference (the stated assumption)', () => {
    const sys = new System(scenario({ design: 'percpu-ref', clients: [client('atx0', 'async_tx', 1, { releases: false })] }));
    const script = ['atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod'];
    replay(sys, [...script, 'ioh0.drained', 'ioh0.putRefs', 'ioh0.free', 'atx0.reget']);
    const o = sys.observe();
    expect(o.threads[0].chan).toBeNull(); // the tryget failed: nothing to use
    expect(o.ref).toEqual([0, 0]);
    expect(o.violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  it('kref: unregister returns at once; a holding slave keeps the memory alive until its release', () => {
    const sys = new System(scenario({ design: 'kref', clients: [client('slave0', 'slave', 0, { rounds: 2 })] }));
    replay(sys, [{ type: 'slave0.request', allocOk: true }, 'ioh0.eject', 'ioh0.unregister', 'ioh0.putRef']);
    expect(sys.iohs[0].state).toBe('removed');
    expect(sys.observe().devices[0].freed).toBe(false);
    replay(sys, ['slave0.use', 'slave0.use', 'slave0.release']);
    expect(sys.observe().devices[0].freed).toBe(true);
    expect(sys.observe().violations).toEqual([]);
  });

  it('kref: dmaengine_get references stay on the unregistered device, which is never freed (a leak)', () => {
    const sys = new System(scenario({ design: 'kref', clients: [client('net0', 'net_dma', 0)] }));
    const run = runSchedule(sys, roundRobinScheduler());
    expect(run.outcome).toBe('completed');
    expect(run.final.devices[0]).toMatchObject({ listed: false, freed: false });
    expect(run.final.channels.map((c) => c.clientCount)).toEqual([1, 1]);
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
    const run = replay(sys, ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.markDying', 'ioh0.putRefs', 'ioh0.free', 'net0.use']);
    expect(run.steps).toHaveLength(8);
    expect(run.final.violations).toEqual(['use-after-free:net0:ioat0.0']);
  });
});
