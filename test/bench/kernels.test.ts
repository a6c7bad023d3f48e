import { describe, expect, it } from 'vitest';
import { baseline, falseSharing, percpuRef, rfc, sharedAtomic } from '../../bench/hotpath/kernels.ts';
import * as L from '../../bench/hotpath/layout.ts';
import { SCHEMES, prepareScheme } from '../../bench/hotpath/schemes.ts';

/** Every counter any scheme updates, as [name, index]. */
function counters(workers: number): [string, number][] {
  const out: [string, number][] = [
    ['shared', L.SHARED_COUNT],
    ['pcpu-atomic', L.PCPU_ATOMIC_COUNT],
  ];
  for (let c = 0; c < workers; c++)
    out.push([`rfc[${c}]`, L.perCpuSlot('rfcRef', c)], [`pcpu[${c}]`, L.perCpuSlot('pcpuRef', c)], [`packed[${c}]`, L.FALSE_SHARED_REFS + c]);
  return out;
}
const nonZero = (m: Int32Array, workers: number) => counters(workers).filter(([, i]) => m[i] !== 0);

describe('hot-path kernels', () => {
  for (const scheme of SCHEMES)
    it(`${scheme.id}: a loop finds the CPU's channel every time and leaves every counter at zero`, () => {
      const { i32 } = L.createMemory(2);
      prepareScheme(i32, scheme);
      for (const cpu of [0, 1]) expect(scheme.kernel.loop(i32, cpu, 1000)).toBe(1000 * L.channelOf(cpu));
      expect(nonZero(i32, 2)).toEqual([]);
    });

  it('rfc: find counts on its CPU and a put on another CPU balances only in the sum (migration)', () => {
    const { i32 } = L.createMemory(2);
    expect(rfc.find(i32, 0)).toBe(L.channelOf(0));
    rfc.put(i32, 1);
    expect(nonZero(i32, 2).map(([name]) => name)).toEqual(['rfc[0]', 'rfc[1]']);
    expect(i32[L.perCpuSlot('rfcRef', 0)] + i32[L.perCpuSlot('rfcRef', 1)]).toBe(0);
  });

  it('rfc: with the quiesce key on, find returns NULL but still counts (it must be put)', () => {
    const { i32 } = L.createMemory(1);
    i32[L.KEY] = 1;
    expect(rfc.find(i32, 0)).toBe(0);
    expect(i32[L.perCpuSlot('rfcRef', 0)]).toBe(1);
    expect(falseSharing.find(i32, 0)).toBe(0);
  });

  it('percpu-ref: per-CPU mode touches only the per-CPU slot, atomic mode only the shared count', () => {
    const { i32 } = L.createMemory(1);
    percpuRef.find(i32, 0);
    expect(nonZero(i32, 1).map(([name]) => name)).toEqual(['pcpu[0]']);
    percpuRef.put(i32, 0);
    i32[L.PCPU_MODE] = 1;
    percpuRef.find(i32, 0);
    expect(nonZero(i32, 1).map(([name]) => name)).toEqual(['pcpu-atomic']);
  });

  it('shared-atomic and false-sharing write where their names say', () => {
    const { i32 } = L.createMemory(2);
    sharedAtomic.find(i32, 1);
    falseSharing.find(i32, 1);
    expect(nonZero(i32, 2).map(([name]) => name)).toEqual(['shared', 'packed[1]']);
    expect(baseline.find(i32, 1)).toBe(L.channelOf(1));
  });
});

describe('memory layout', () => {
  const cacheLine = (i: number) => Math.floor((i * 4) / 64);
  it('puts each padded per-CPU slot and each shared variable on a cache line of its own', () => {
    const padded = [L.STOP, L.KEY, L.PCPU_MODE, L.SHARED_COUNT, L.PCPU_ATOMIC_COUNT];
    for (let c = 0; c < L.MAX_WORKERS; c++) padded.push(L.perCpuSlot('table', c), L.perCpuSlot('rfcRef', c), L.perCpuSlot('pcpuRef', c));
    const lines = [...padded.map(cacheLine), cacheLine(L.FALSE_SHARED_REFS), cacheLine(0)];
    expect(new Set(lines).size).toBe(lines.length);
  });
  it("keeps one CPU's per-CPU variables off each other's 4 KiB alias", () => {
    const slots = (['table', 'rfcRef', 'pcpuRef'] as const).map((f) => (L.perCpuSlot(f, 0) * 4) % 4096);
    expect(new Set(slots).size).toBe(3);
  });

  it('packs the false-sharing counters of 16 CPUs into one cache line', () => {
    expect(L.FALSE_SHARED_REFS % L.LINE).toBe(0);
    expect(new Set(Array.from({ length: 16 }, (_, c) => cacheLine(L.FALSE_SHARED_REFS + c))).size).toBe(1);
  });
});
