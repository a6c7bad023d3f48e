/**
 * Edge cases of the dmaengine rules that the main unit tests leave open (found by a
 * mutation run: each test here fails for a plausible mis-implementation).
 */
import { describe, expect, it } from 'vitest';
import { DmaRuleError } from '../../src/core/errors.ts';
import { createDevice } from '../../src/core/objects.ts';
import { System } from '../../src/system/system.ts';
import { at, drive, offer, type ThreadProgram } from '../../src/core/thread.ts';
import { client, scenario, type Dev } from './fixtures.ts';

function boot(devices?: Dev[], cpus = 2) {
  const sys = new System(scenario({ design: 'baseline', devices, cpus }));
  const chan = (id: string) =>
    sys.iohs
      .flatMap((h) => h.devices)
      .flatMap((d) => d.channels)
      .find((c) => c.id === id)!;
  return { sys, k: sys.kernel, chan };
}

/** The DmaRuleError message `f` throws (`<rule>: <detail>`), or 'no error'. */
function rule(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof DmaRuleError) return err.message;
    throw err;
  }
  return 'no error';
}

describe('dmaengine rules, edge cases', () => {
  it('alloc runs only on 0→1: a failing alloc cannot undo a held channel', () => {
    const { k, chan } = boot();
    k.dmaChanGet(chan('ioat0.0'));
    expect(k.dmaChanGet(chan('ioat0.0'), false)).toBe(true);
    expect(chan('ioat0.0').clientCount).toBe(2);
  });

  it('balance_ref_count skips a private channel', () => {
    const { k, chan } = boot([
      { name: 'ioat0', channels: 2 },
      { name: 'ioat1', channels: 1 },
    ]);
    k.dmaengineGet((c) => c.id !== 'ioat1.0');
    k.dmaengineGet((c) => c.id !== 'ioat1.0');
    expect(k.dmaRequestChannel('memcpy')?.id).toBe('ioat1.0');
    expect(chan('ioat1.0').clientCount).toBe(1);
  });

  it('dmaengine_get rebalances only on the first client', () => {
    const { sys, k } = boot();
    k.dmaengineGet((c) => c.id !== 'ioat0.1');
    k.dmaengineGet();
    expect(sys.observe().channels.map((c) => c.clientCount)).toEqual([2, 2]);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.0']); // ioat0.1 joins at the next rebalance
  });

  it('private_candidate refuses a public multi-channel device even when one channel is free', () => {
    const { k } = boot();
    k.dmaengineGet((c) => c.id !== 'ioat0.1');
    expect(k.requestCandidate('memcpy')).toBeNull();
  });

  it('requestCandidate looks past devices without a candidate', () => {
    const { k, chan } = boot([
      { name: 'ioat0', channels: 1 },
      { name: 'ioat1', channels: 1 },
    ]);
    k.dmaChanGet(chan('ioat0.0'));
    expect(k.requestCandidate('memcpy')?.id).toBe('ioat1.0');
  });

  it('release refuses a free channel of a private device, and warns on a count other than 1', () => {
    const { sys, k, chan } = boot();
    const held = k.dmaRequestChannel('memcpy')!;
    const before = JSON.stringify(sys.observe());
    expect(rule(() => k.dmaReleaseChannel(chan('ioat0.1')))).toMatch(/^release-not-private: ioat0\.1 is not held as a private channel$/);
    expect(JSON.stringify(sys.observe())).toBe(before);
    k.dmaReleaseChannel(held);
    expect(k.warnings).toEqual([]);
    const again = k.dmaRequestChannel('memcpy')!;
    k.dmaChanGet(again);
    k.dmaReleaseChannel(again);
    expect(k.warnings).toEqual(['WARN dma_release_channel: chan reference count 2 != 1']);
  });

  it('each misuse names the rule and the object', () => {
    const { k, chan } = boot();
    const d = chan('ioat0.0').device;
    expect(rule(() => k.dmaChanPut(chan('ioat0.0')))).toBe('chan-put-without-get: ioat0.0 has client_count 0');
    expect(rule(() => k.dmaenginePut())).toBe('dmaengine-put-without-get: dmaengine_ref_count is 0');
    expect(rule(() => k.dmaAsyncDeviceRegister(d))).toBe('register-twice: ioat0 is already registered');
    const ghost = createDevice({ name: 'ghost', channels: 1, capabilities: ['memcpy'] });
    expect(rule(() => k.dmaAsyncDeviceUnregister(ghost))).toBe('unregister-unknown-device: ghost was never registered');
    k.dmaAsyncDeviceUnregister(d);
    expect(rule(() => k.dmaAsyncDeviceUnregister(d))).toBe('unregister-twice: ioat0 is already unregistered');
    k.freeDevice(d);
    expect(rule(() => k.dmaAsyncDeviceRegister(d))).toBe('register-freed-device: ioat0 is freed; register a new instance');
    expect(rule(() => k.setCpuOnline(0, true))).toBe('cpu-hotplug: CPU 0 is already online');
    k.setCpuOnline(1, false);
    expect(rule(() => k.setCpuOnline(1, false))).toBe('cpu-hotplug: CPU 1 is already offline');
    expect(rule(() => k.setCpuOnline(0, false))).toBe('cpu-hotplug: CPU 0 is the last online CPU');
    expect(rule(() => k.dmaFindChannel('memcpy', 1))).toBe('cpu-offline: CPU 1 is offline');
  });

  it('CPU numbers are checked on every side', () => {
    const { k } = boot();
    expect(rule(() => k.dmaFindChannel('memcpy', -1))).toBe('cpu-unknown: CPU -1 does not exist (CPUs 0..1)');
    expect(rule(() => k.dmaFindChannel('memcpy', 0.5))).toMatch(/^cpu-unknown/);
    expect(rule(() => k.dmaFindChannel('memcpy', 2))).toMatch(/^cpu-unknown/);
    expect(rule(() => k.setCpuOnline(2, false))).toBe('cpu-unknown: CPU 2 does not exist (CPUs 0..1)');
    expect(rule(() => k.setCpuOnline(0.5, false))).toMatch(/^cpu-unknown/);
    expect(rule(() => k.dmaFindChannel('memcpy', 1))).toBe('no error');
  });

  it('an always-private device registers with privatecnt 1 and takes no client references', () => {
    const { k } = boot();
    k.dmaengineGet();
    const d = createDevice({ name: 'ioat9', channels: 1, capabilities: ['memcpy'] });
    d.private = true;
    k.dmaAsyncDeviceRegister(d);
    expect([d.privatecnt, d.channels[0].clientCount]).toEqual([1, 0]);
  });

  it('free warns only about channels still held', () => {
    const { k, chan } = boot();
    k.dmaChanGet(chan('ioat0.1'));
    const d = chan('ioat0.0').device;
    k.dmaAsyncDeviceUnregister(d);
    k.freeDevice(d);
    expect(k.warnings).toEqual(['WARN dma_async_device_unregister called while 1 clients hold a reference (ioat0.1)']);
  });

  it('useChannel reports whether anything was submitted; issue_pending records only missing hardware', () => {
    const { sys, k, chan } = boot();
    k.dmaengineGet();
    expect(k.useChannel('t', chan('ioat0.0'))).toBe(true);
    k.dmaIssuePendingAll('t');
    expect(sys.observe().violations).toEqual([]);
    const ff = new System(scenario({ design: 'fail-fast', clients: [client('s', 'slave', 0, { rounds: 2 })] }));
    ff.step({ type: 's.request', allocOk: true });
    for (const t of ['ioh0.eject', 'ioh0.unregister', 'ioh0.markDying']) ff.step({ type: t });
    expect(ff.kernel.useChannel('s', ff.clients[0].chan!)).toBe(false);
  });
});

describe('rebalance, edge cases', () => {
  it('keeps the table_count of a private device', () => {
    const { sys, k } = boot();
    k.dmaengineGet();
    k.dmaenginePut();
    k.dmaRequestChannel('memcpy');
    k.dmaengineGet();
    expect(sys.observe().channels.map((c) => c.tableCount)).toEqual([1, 1]);
  });

  it('fills nothing while no client called dmaengine_get, even for public channels with clients', () => {
    const { sys, k, chan } = boot();
    k.dmaChanGet(chan('ioat0.0'));
    k.dmaChannelRebalance();
    expect(sys.observe().table.memcpy).toEqual([null, null]);
  });

  it('on several CPUs picks the n-th channel, n running on across capabilities', () => {
    // xor asks for n = 2 on CPU 0: y.1 (third xor channel), not the least used x.0.
    const { sys, k } = boot([
      { name: 'x', channels: 1, caps: ['xor'] },
      { name: 'y', channels: 2, caps: ['memcpy', 'xor'] },
    ]);
    k.dmaengineGet();
    expect(sys.observe().table).toEqual({ memcpy: ['y.0', 'y.1'], xor: ['y.1', 'x.0'], pq: [null, null], asyncTx: [null, null] });
  });

  it('on one CPU picks the least used channel, not the n-th', () => {
    // X has only xor, Y memcpy and xor. memcpy takes Y's channel; xor then must take X's
    // (least used), where nth_chan(xor, 1) would take Y's again.
    const { sys, k } = boot(
      [
        { name: 'x', channels: 1, caps: ['xor'] },
        { name: 'y', channels: 1, caps: ['memcpy', 'xor'] },
      ],
      1,
    );
    k.dmaengineGet();
    expect(sys.observe().table).toEqual({ memcpy: ['y.0'], xor: ['x.0'], pq: [null], asyncTx: [null] });
  });
});

describe('IOH and cpu thread, edge cases', () => {
  it('surprise removal is offered while ejecting too', () => {
    const sys = new System(scenario({ design: 'baseline' }), { surpriseRemoval: true });
    sys.step({ type: 'ioh0.eject' });
    expect(sys.enabledSteps().map((e) => e.type)).toEqual(['ioh0.unregister', 'ioh0.surpriseRemove']);
  });

  it('never offers the last online CPU, even with no thread on it', () => {
    const sys = new System(scenario({ cpus: 2 }), { cpuHotplug: true });
    sys.step({ type: 'cpu.offline', cpu: 0 });
    expect(sys.enabledSteps().filter((e) => e.type.startsWith('cpu.'))).toEqual([{ type: 'cpu.postDead' }]);
    sys.step({ type: 'cpu.postDead' }); // the CPU_POST_DEAD notifier; then the next hotplug
    expect(sys.enabledSteps().filter((e) => e.type.startsWith('cpu.'))).toEqual([{ type: 'cpu.online', cpu: 0 }]);
  });

  it('offers offline for every CPU no client runs on', () => {
    const sys = new System(scenario({ cpus: 3, clients: [client('a', 'net_dma', 1), client('b', 'net_dma', 1)] }), { cpuHotplug: true });
    expect(sys.enabledSteps().filter((e) => e.type.startsWith('cpu.'))).toEqual([
      { type: 'cpu.offline', cpu: 0 },
      { type: 'cpu.offline', cpu: 2 },
    ]);
  });
});

describe('drive', () => {
  it('takes the first enabled offer, skipping disabled ones', () => {
    function* prog(): ThreadProgram {
      const c = yield { offers: [offer('no', () => false), offer('yes')] };
      expect(c.step).toBe('yes');
      yield* at('last');
    }
    expect(drive(prog())).toEqual(['yes', 'last']);
  });

  it('throws would-block with what the thread waits for', () => {
    function* stuck(): ThreadProgram {
      yield* at('one');
      yield* at(
        'free',
        () => false,
        () => 'the wait queue',
      );
    }
    expect(rule(() => drive(stuck()))).toBe('would-block: the wait queue');
    function* silent(): ThreadProgram {
      yield* at('one');
      yield { offers: [offer('x', () => false)] };
    }
    expect(rule(() => drive(silent()))).toBe('would-block: no step enabled after one');
  });
});
