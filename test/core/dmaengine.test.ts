import { describe, expect, it } from 'vitest';
import { DmaRuleError } from '../../src/core/errors.ts';
import { createDevice } from '../../src/core/objects.ts';
import { System } from '../../src/system/system.ts';
import { scenario } from './fixtures.ts';

/** A booted system without clients: its kernel is driven through the plain API. */
function boot(o: Parameters<typeof scenario>[0] = {}) {
  const sys = new System(scenario({ design: 'baseline', ...o }));
  const k = sys.kernel;
  const chan = (id: string) =>
    sys.iohs
      .flatMap((h) => h.devices)
      .flatMap((d) => d.channels)
      .find((c) => c.id === id)!;
  const device = (name: string) => sys.iohs.flatMap((h) => h.devices).find((d) => d.name === name)!;
  return { sys, k, chan, device };
}

/** Asserts that `f` throws a DmaRuleError for `rule` and leaves the observable state as it was. */
function expectRuleUnchanged(sys: System, rule: string, f: () => void) {
  const before = JSON.stringify(sys.observe());
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DmaRuleError);
  expect((caught as DmaRuleError).rule).toBe(rule);
  expect(JSON.stringify(sys.observe())).toBe(before);
}

describe('dma_chan_get / dma_chan_put', () => {
  it('allocates resources on 0→1 and frees them on →0', () => {
    const { k, chan } = boot();
    const c = chan('ioat0.0');
    expect(k.dmaChanGet(c)).toBe(true);
    expect([c.clientCount, c.resources]).toEqual([1, true]);
    k.dmaChanGet(c);
    k.dmaChanPut(c);
    expect([c.clientCount, c.resources]).toEqual([1, true]);
    k.dmaChanPut(c);
    expect([c.clientCount, c.resources]).toEqual([0, false]);
  });

  it('undoes the reference when device_alloc_chan_resources fails', () => {
    const { k, chan } = boot();
    const c = chan('ioat0.0');
    expect(k.dmaChanGet(c, false)).toBe(false);
    expect([c.clientCount, c.resources]).toEqual([0, false]);
  });

  it('balance_ref_count raises a public channel to dmaengine_ref_count on its first get', () => {
    const { k, chan } = boot();
    // Two dmaengine users whose first get failed on ioat0.1: it stays at 0 ...
    k.dmaengineGet((c) => c.id !== 'ioat0.1');
    k.dmaengineGet((c) => c.id !== 'ioat0.1');
    expect([chan('ioat0.0').clientCount, chan('ioat0.1').clientCount]).toEqual([2, 0]);
    // ... until a third user's get allocates it and balances it to all three.
    k.dmaengineGet();
    expect([chan('ioat0.0').clientCount, chan('ioat0.1').clientCount]).toEqual([3, 3]);
  });

  it('a put without a get is a typed error and changes nothing', () => {
    const { sys, k, chan } = boot();
    expectRuleUnchanged(sys, 'chan-put-without-get', () => k.dmaChanPut(chan('ioat0.0')));
  });
});

describe('dmaengine_get / dmaengine_put', () => {
  it('get references every public channel and rebalances on the first client only', () => {
    const { sys, k } = boot();
    k.dmaengineGet();
    let o = sys.observe();
    expect(o.dmaengineRefCount).toBe(1);
    expect(o.channels.map((c) => c.clientCount)).toEqual([1, 1]);
    expect(o.table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
    k.dmaengineGet();
    o = sys.observe();
    expect(o.channels.map((c) => [c.clientCount, c.tableCount])).toEqual([
      [2, 1],
      [2, 1],
    ]);
  });

  it('put does not rebalance: the table keeps entries whose channels have no clients', () => {
    const { sys, k } = boot();
    k.dmaengineGet();
    k.dmaenginePut();
    const o = sys.observe();
    expect(o.dmaengineRefCount).toBe(0);
    expect(o.channels.map((c) => [c.clientCount, c.resources])).toEqual([
      [0, false],
      [0, false],
    ]);
    expect(o.table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
  });

  it('put skips private devices and channels whose alloc failed', () => {
    const { k, chan, device } = boot({
      devices: [
        { name: 'ioat0', channels: 2 },
        { name: 'ioat1', channels: 1 },
      ],
    });
    const slave = k.dmaRequestChannel('memcpy');
    expect(slave?.id).toBe('ioat0.0');
    k.dmaengineGet((c) => c.id !== 'ioat1.0');
    expect(device('ioat0').private).toBe(true);
    expect([chan('ioat0.0').clientCount, chan('ioat0.1').clientCount, chan('ioat1.0').clientCount]).toEqual([1, 0, 0]);
    k.dmaenginePut();
    expect(chan('ioat0.0').clientCount).toBe(1);
  });

  it('put with no client is a typed error and changes nothing', () => {
    const { sys, k } = boot();
    expectRuleUnchanged(sys, 'dmaengine-put-without-get', () => k.dmaenginePut());
  });
});

describe('dma_request_channel / dma_release_channel', () => {
  it('takes a free channel, marks the device private and counts it', () => {
    const { k, device } = boot();
    const c = k.dmaRequestChannel('memcpy')!;
    expect(c.id).toBe('ioat0.0');
    expect([device('ioat0').private, device('ioat0').privatecnt, c.clientCount, c.resources]).toEqual([true, 1, 1, true]);
    // A second request on the now-private device skips the busy channel.
    expect(k.dmaRequestChannel('memcpy')?.id).toBe('ioat0.1');
    expect(device('ioat0').privatecnt).toBe(2);
    // No free channel left.
    expect(k.dmaRequestChannel('memcpy')).toBeNull();
  });

  it('private_candidate refuses a public multi-channel device with any channel in use', () => {
    const { k } = boot();
    k.dmaengineGet();
    expect(k.requestCandidate('memcpy')).toBeNull();
    expect(k.dmaRequestChannel('memcpy')).toBeNull();
  });

  it('private_candidate skips a busy single-channel device and takes the next device', () => {
    const { k, chan } = boot({
      devices: [
        { name: 'ioat0', channels: 1 },
        { name: 'ioat1', channels: 1 },
      ],
    });
    k.dmaChanGet(chan('ioat0.0'));
    expect(k.dmaRequestChannel('memcpy')?.id).toBe('ioat1.0');
  });

  it('private_candidate refuses a device without the capability', () => {
    const { k } = boot({ devices: [{ name: 'ioat0', channels: 1, caps: ['xor'] }] });
    expect(k.dmaRequestChannel('memcpy')).toBeNull();
    expect(k.dmaRequestChannel('xor')?.id).toBe('ioat0.0');
  });

  it('a failed alloc leaves no trace: DMA_PRIVATE cleared at privatecnt 0', () => {
    const { sys, k } = boot();
    const before = JSON.stringify(sys.observe());
    expect(k.dmaRequestChannel('memcpy', false)).toBeNull();
    expect(JSON.stringify(sys.observe())).toBe(before);
  });

  it('a failed first alloc goes on to the next device and takes its candidate (3.6 dmaengine.c:512-533)', () => {
    const { k, chan, device } = boot({
      devices: [
        { name: 'ioat0', channels: 2 },
        { name: 'ioat1', channels: 1 },
      ],
    });
    expect(k.dmaRequestChannel('memcpy', false)?.id).toBe('ioat1.0');
    expect([device('ioat0').private, device('ioat0').privatecnt, chan('ioat0.0').clientCount, chan('ioat0.0').resources]).toEqual([false, 0, 0, false]);
    expect([device('ioat1').private, device('ioat1').privatecnt, chan('ioat1.0').clientCount]).toEqual([true, 1, 1]);
  });

  it('allocOk=false fails only the first alloc: one device on, the second candidate is not tried on the same device', () => {
    const { k, chan } = boot();
    // private_candidate gives one channel per device; ioat0.1 is never tried after ioat0.0 failed.
    expect(k.dmaRequestChannel('memcpy', false)).toBeNull();
    expect([chan('ioat0.0').clientCount, chan('ioat0.1').clientCount]).toEqual([0, 0]);
  });

  it('a failed alloc on an already private device keeps it private', () => {
    const { k, device } = boot();
    k.dmaRequestChannel('memcpy');
    expect(k.dmaRequestChannel('memcpy', false)).toBeNull();
    expect([device('ioat0').private, device('ioat0').privatecnt]).toEqual([true, 1]);
  });

  it('release drops the reference and clears DMA_PRIVATE at privatecnt 0', () => {
    const { k, device } = boot();
    const a = k.dmaRequestChannel('memcpy')!;
    const b = k.dmaRequestChannel('memcpy')!;
    k.dmaReleaseChannel(a);
    expect([device('ioat0').private, device('ioat0').privatecnt, a.clientCount, a.resources]).toEqual([true, 1, 0, false]);
    k.dmaReleaseChannel(b);
    expect([device('ioat0').private, device('ioat0').privatecnt]).toEqual([false, 0]);
  });

  it('releasing a channel not held private is a typed error and changes nothing', () => {
    const { sys, k, chan } = boot();
    expectRuleUnchanged(sys, 'release-not-private', () => k.dmaReleaseChannel(chan('ioat0.0')));
    k.dmaengineGet();
    expectRuleUnchanged(sys, 'release-not-private', () => k.dmaReleaseChannel(chan('ioat0.0')));
    const held = k.dmaRequestChannel('memcpy');
    expect(held).toBeNull(); // public and in use: refused, so still nothing private to release
  });
});

describe('dma_channel_rebalance / nth_chan', () => {
  it('gives each online CPU the n-th channel, then the least used one', () => {
    const { sys, k } = boot({ cpus: 4 });
    k.dmaengineGet();
    const o = sys.observe();
    expect(o.table.memcpy).toEqual(['ioat0.0', 'ioat0.1', 'ioat0.0', 'ioat0.1']);
    expect(o.channels.map((c) => c.tableCount)).toEqual([2, 2]);
  });

  it('spreads CPUs over devices in list order, and n runs on across capabilities', () => {
    const { sys, k } = boot({
      devices: [
        { name: 'ioat0', channels: 1, caps: ['memcpy', 'xor'] },
        { name: 'ioat1', channels: 1, caps: ['memcpy', 'xor'] },
      ],
    });
    k.dmaengineGet();
    const o = sys.observe();
    expect(o.table.memcpy).toEqual(['ioat0.0', 'ioat1.0']);
    // xor asks for n = 2 and 3: not there, so the least used (first on ties).
    expect(o.table.xor).toEqual(['ioat0.0', 'ioat1.0']);
    expect(o.table.pq).toEqual([null, null]);
  });

  it('on one possible CPU always takes the least used channel (nth_chan(cap, -1))', () => {
    const { sys, k } = boot({ cpus: 1, devices: [{ name: 'ioat0', channels: 2, caps: ['memcpy', 'xor'] }] });
    k.dmaengineGet();
    const o = sys.observe();
    expect([o.table.memcpy[0], o.table.xor[0]]).toEqual(['ioat0.0', 'ioat0.1']);
  });

  it('leaves the table empty while no client called dmaengine_get, and skips channels without clients', () => {
    const { sys, k, chan } = boot();
    k.dmaChannelRebalance();
    expect(sys.observe().table.memcpy).toEqual([null, null]);
    k.dmaengineGet((c) => c.id !== 'ioat0.1');
    expect(chan('ioat0.1').clientCount).toBe(0);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.0']);
  });

  it('nth_chan counts the pick in table_count', () => {
    const { k, chan } = boot();
    k.dmaengineGet();
    const before = chan('ioat0.1').tableCount;
    expect(k.nthChan('memcpy', 1)?.id).toBe('ioat0.1');
    expect(chan('ioat0.1').tableCount).toBe(before + 1);
    expect(k.nthChan('xor', 0)).toBeNull();
  });

  it('an offline CPU gets no table entry', () => {
    const { sys, k } = boot({ cpus: 3 });
    k.dmaengineGet();
    k.setCpuOnline(1, false);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', null, 'ioat0.1']);
    k.setCpuOnline(1, true);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.1', 'ioat0.0']);
  });
});

describe('dma_async_device_register / unregister', () => {
  it('register takes references for waiting clients, lists the device and rebalances', () => {
    const { k } = boot();
    k.dmaengineGet();
    k.dmaengineGet();
    const d = createDevice({ name: 'ioat9', channels: 2, capabilities: ['memcpy'] });
    k.dmaAsyncDeviceRegister(d);
    expect(d.listed).toBe(true);
    expect(d.channels.map((c) => [c.clientCount, c.resources])).toEqual([
      [2, true],
      [2, true],
    ]);
    expect(k.deviceList.map((x) => x.name)).toEqual(['ioat0', 'ioat9']);
  });

  it('unregister takes the device off the list and out of the table', () => {
    const { sys, k, device } = boot();
    k.dmaengineGet();
    k.dmaAsyncDeviceUnregister(device('ioat0'));
    const o = sys.observe();
    expect(o.devices[0].listed).toBe(false);
    expect(o.table.memcpy).toEqual([null, null]);
    // The unlisted device keeps its channels' table_count: rebalance only resets listed ones.
    expect(o.channels.map((c) => c.tableCount)).toEqual([1, 1]);
  });

  it('freeDevice frees a held channel anyway, with the 3.4 WARN', () => {
    const { k, device } = boot();
    k.dmaengineGet();
    k.dmaAsyncDeviceUnregister(device('ioat0'));
    k.freeDevice(device('ioat0'));
    expect(device('ioat0').freed).toBe(true);
    expect(device('ioat0').channels.every((c) => !c.resources)).toBe(true);
    expect(k.warnings[0]).toMatch(/called while 1 clients hold a reference/);
  });

  it('misuse is a typed error and changes nothing', () => {
    const { sys, k, device } = boot();
    expectRuleUnchanged(sys, 'register-twice', () => k.dmaAsyncDeviceRegister(device('ioat0')));
    expectRuleUnchanged(sys, 'unregister-unknown-device', () =>
      k.dmaAsyncDeviceUnregister(createDevice({ name: 'ghost', channels: 1, capabilities: ['memcpy'] })),
    );
    k.dmaAsyncDeviceUnregister(device('ioat0'));
    expectRuleUnchanged(sys, 'unregister-twice', () => k.dmaAsyncDeviceUnregister(device('ioat0')));
    k.freeDevice(device('ioat0'));
    expectRuleUnchanged(sys, 'register-freed-device', () => k.dmaAsyncDeviceRegister(device('ioat0')));
  });
});

describe('dma_issue_pending_all and channel use', () => {
  it('kicks the channels with clients of listed public devices', () => {
    const { k } = boot({
      devices: [
        { name: 'ioat0', channels: 2 },
        { name: 'ioat1', channels: 1 },
      ],
    });
    k.dmaRequestChannel('memcpy'); // ioat0 becomes private
    expect(k.dmaIssuePendingAll('t')).toEqual([]);
    k.dmaengineGet();
    expect(k.dmaIssuePendingAll('t').map((c) => c.id)).toEqual(['ioat1.0']);
  });

  it('records, never throws, a use of freed memory or removed hardware', () => {
    const { sys, k, chan, device } = boot();
    k.dmaengineGet();
    k.useChannel('t', chan('ioat0.0'));
    expect(sys.observe().violations).toEqual([]);
    device('ioat0').hardwareGone = true;
    k.dmaIssuePendingAll('t');
    k.dmaAsyncDeviceUnregister(device('ioat0'));
    k.freeDevice(device('ioat0'));
    k.useChannel('t', chan('ioat0.0'));
    k.useChannel('t', chan('ioat0.0'));
    expect(sys.observe().violations).toEqual(['use-after-free:t:ioat0.0', 'use-on-removed-hardware:t:ioat0.0', 'use-on-removed-hardware:t:ioat0.1']);
  });
});

describe('CPU checks and hotplug on the plain API', () => {
  it('the hot path refuses unknown and offline CPUs without changing state', () => {
    const { sys, k } = boot({ design: 'rfc-wait' });
    expectRuleUnchanged(sys, 'cpu-unknown', () => k.dmaFindChannel('memcpy', 2));
    k.setCpuOnline(1, false);
    expectRuleUnchanged(sys, 'cpu-offline', () => k.dmaFindChannel('memcpy', 1));
    expectRuleUnchanged(sys, 'cpu-offline', () => k.dmaPutChannel(null, 1));
    expectRuleUnchanged(sys, 'cpu-hotplug', () => k.setCpuOnline(0, false));
    expectRuleUnchanged(sys, 'cpu-hotplug', () => k.setCpuOnline(0, true));
    expectRuleUnchanged(sys, 'cpu-unknown', () => k.setCpuOnline(-1, true));
  });
});
