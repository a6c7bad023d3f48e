import { describe, expect, it } from 'vitest';
import { dmaChannelQuiesce, rfcFindChannelAtOnce, rfcGetChannelAtOnce, rfcPutChannel } from '../../src/core/hotplug.ts';
import type { Choice, Point } from '../../src/core/thread.ts';
import { drive } from '../../src/core/thread.ts';
import { System } from '../../src/system/system.ts';
import { scenario } from './fixtures.ts';

function rfc(threshold = 2, cpus = 2) {
  const sys = new System(scenario({ threshold, cpus }));
  return { sys, k: sys.kernel };
}

/** Steps a quiesce generator through the names in `steps`, each must be the one offered. */
function stepThrough(gen: Generator<Point, void, Choice>, first: IteratorResult<Point, void>, steps: string[]) {
  let r = first;
  for (const step of steps) {
    expect(r.done).toBe(false);
    expect((r.value as Point).offers.map((o) => o.step)).toEqual([step]);
    r = gen.next({ step, payload: {} });
  }
  return r;
}

describe('RFC hot path', () => {
  it('find counts on this CPU and returns the table entry, or NULL while the key is on', () => {
    const { k } = rfc();
    k.dmaengineGet();
    expect(rfcFindChannelAtOnce(k, 'memcpy', 1)?.id).toBe('ioat0.1');
    expect(k.ref).toEqual([0, 1]);
    k.key = true;
    expect(rfcFindChannelAtOnce(k, 'memcpy', 0)).toBeNull();
    expect(k.ref).toEqual([1, 1]);
  });

  it('put decrements the CPU it runs on, which may go negative', () => {
    const { k } = rfc();
    rfcFindChannelAtOnce(k, 'memcpy', 0);
    rfcPutChannel(k, 1);
    expect(k.ref).toEqual([1, -1]);
  });

  it('get marks dirty only while a quiesce runs', () => {
    const { k } = rfc();
    const chan = k.deviceList[0].channels[0];
    rfcGetChannelAtOnce(k, chan, 0);
    expect(k.dirty).toBe(0);
    k.key = true;
    expect(rfcGetChannelAtOnce(k, chan, 0)).toBe(chan);
    expect([k.dirty, k.ref[0]]).toEqual([1, 2]);
  });

  it('the plain API routes through the bound design', () => {
    const { k } = rfc();
    k.dmaengineGet();
    const chan = k.dmaFindChannel('memcpy', 0)!;
    k.dmaGetChannel(chan, 1);
    k.dmaPutChannel(chan, 0);
    expect(k.ref).toEqual([0, 1]);
  });
});

describe('dma_channel_quiesce', () => {
  it('with no references: keyOn, threshold rounds of clearDirty/tick/one read per CPU, keyOff', () => {
    const { k } = rfc(3, 2);
    expect(drive(dmaChannelQuiesce(k))).toEqual(['keyOn', ...Array.from({ length: 3 }, () => ['clearDirty', 'tick', 'read', 'read']).flat(), 'keyOff']);
    expect([k.key, k.quiesce]).toEqual([false, null]);
  });

  it('a held reference keeps every round non-zero, so the loop never ends', () => {
    const { k } = rfc(2, 2);
    rfcFindChannelAtOnce(k, 'memcpy', 1);
    const gen = dmaChannelQuiesce(k);
    const round = ['clearDirty', 'tick', 'read', 'read'];
    const r = stepThrough(gen, gen.next(), ['keyOn', ...round, ...round, ...round]);
    expect(k.quiesce).toEqual({ count: 0, sum: 1, next: 2 });
    expect((r.value as Point).offers[0].step).toBe('clearDirty');
    expect(k.key).toBe(true);
  });

  it('a dma_get_channel during the tick makes the round restart and resets the count', () => {
    const { k } = rfc(2, 2);
    const gen = dmaChannelQuiesce(k);
    const atTick = stepThrough(gen, gen.next(), ['keyOn', 'clearDirty', 'tick', 'read', 'read', 'clearDirty']);
    expect((atTick.value as Point).offers[0].step).toBe('tick');
    expect(k.quiesce?.count).toBe(1);
    rfcGetChannelAtOnce(k, k.deviceList[0].channels[0], 0);
    rfcPutChannel(k, 0);
    // The tick finds dirty set: back to a round start (not to a read) with count 0.
    stepThrough(gen, atTick, ['tick', 'clearDirty']);
    expect(k.quiesce?.count).toBe(0);
  });

  it('reads every possible CPU, online or not', () => {
    const { k } = rfc(1, 3);
    k.setCpuOnline(2, false);
    expect(drive(dmaChannelQuiesce(k)).filter((s) => s === 'read')).toHaveLength(3);
  });
});
