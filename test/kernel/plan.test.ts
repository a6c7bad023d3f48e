/**
 * What each kernel build replays (src/kernel/plan.ts, src/kernel/build.ts): the designs that
 * model its code, the concern machines once, the system machine per scenario and design.
 */
import { describe, expect, it } from 'vitest';
import { buildName, buildsFor } from '../../src/kernel/build.ts';
import { defaultPlan, HARNESS_SCENARIOS } from '../../src/kernel/plan.ts';
import { observe } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import type { KernelTree } from '../../src/kernel/tree.ts';
import type { StepEvent } from '../../machines/kit.ts';

const tree = (family: KernelTree['family'], version: string, doubleIncrement?: boolean): KernelTree => ({
  root: '/t',
  version,
  family,
  dmaengineC: '/t/c',
  dmaengineH: '/t/h',
  ...(doubleIncrement === undefined ? {} : { doubleIncrement }),
});
const plan = (t: KernelTree, seed?: string) =>
  buildsFor(t, seed).map((b) => ({ build: buildName(t, b), exports: defaultPlan(b).map((e) => `${e.machine}/${e.scenarioName}/${e.design}`) }));

describe('the builds and their exports', () => {
  it('3.x: baseline, and the RFC designs only with the seed patch', () => {
    expect(plan(tree('3.x', '3.6')).map((b) => b.build)).toEqual(['3.6']);
    const [plain, rfc] = plan(tree('3.x', '3.6'), '/seed.txt');
    expect(plain.exports).toEqual([
      'channel/catalogue/baseline',
      'ioh/catalogue/baseline',
      'client-net_dma/catalogue/baseline',
      'client-async_tx/catalogue/baseline',
      'client-slave/catalogue/baseline',
      'system/catalogue/baseline',
      'system/chan-rules/baseline',
      'system/alloc-fail/baseline',
      'system/three-getters/baseline',
      'system/two-channel/baseline',
      'system/async-tx-only/baseline',
      'system/cpu-hotplug/baseline',
      'system/two-iohs/baseline',
      'system/uniprocessor/baseline',
      'system/hot-add/baseline',
      'system/register-fail/baseline',
      'system/slave-only/baseline',
    ]);
    expect(rfc.build).toBe('3.6+rfc');
    expect(rfc.exports).toContain('quiesce/catalogue/rfc-wait');
    expect(rfc.exports.filter((e) => e.startsWith('system/'))).toEqual([
      'system/catalogue/rfc-wait',
      'system/async-tx-only/rfc-wait',
      'system/two-iohs/rfc-wait',
      'system/catalogue/rfc-wait-unheld',
      'system/async-tx-only/rfc-wait-unheld',
      'system/two-iohs/rfc-wait-unheld',
    ]);
  });

  it('mainline: kref as shipped and kref-fixed, no 3.4-only machines', () => {
    const [shipped, fixed] = plan(tree('mainline', '7.0', false), '/seed.txt');
    expect([shipped.build, fixed.build]).toEqual(['7.0', '7.0+kref-fixed']);
    expect(shipped.exports.every((e) => e.endsWith('/kref'))).toBe(true);
    expect(fixed.exports.every((e) => e.endsWith('/kref-fixed'))).toBe(true);
    expect(shipped.exports.some((e) => e.startsWith('channel/') || e.startsWith('ioh/') || e.startsWith('quiesce/'))).toBe(false);
    // The shipped puts free the device and unregister then walks it: the model names that use
    // after free by the IOH thread (iohs[h].uaf), so the coverage sets replay under kref too.
    expect(shipped.exports.filter((e) => e.includes('/three-getters/') || e.includes('/chan-rules/'))).toEqual([
      'system/chan-rules/kref',
      'system/three-getters/kref',
    ]);
    // A request between the channel unregisters reads the lowered device->chancnt (7.0 :634): alloc-fail, under both 7.0 builds.
    expect(shipped.exports).toContain('system/alloc-fail/kref');
    expect(fixed.exports).toContain('system/alloc-fail/kref-fixed');
  });

  it('mainline whose dma_chan_get counts twice (5.10.7, issue 31 M1): kref-5-10 alone, no kref-fixed build', () => {
    const builds = plan(tree('mainline', '5.10.7', true), '/seed.txt');
    expect(builds.map((b) => b.build)).toEqual(['5.10.7']);
    expect(builds[0].exports.every((e) => e.endsWith('/kref-5-10'))).toBe(true);
    expect(builds[0].exports).toContain('system/two-channel/kref-5-10');
    expect(builds[0].exports).toContain('system/alloc-fail/kref-5-10');
  });
});

describe('the uniprocessor scenario (3.6 dma_channel_rebalance :453-456, private_candidate :467)', () => {
  const m = systemFor({ ...HARNESS_SCENARIOS.uniprocessor, design: 'baseline' });
  const at = (...types: string[]) =>
    observe(
      snapshotView(
        runWithXstate(
          m,
          types.map((type) => ({ type })),
        ),
      ),
      m,
    );

  it('one CPU: each row takes the least-used channel, which neither the n-th nor the first channel gives', () => {
    const { table } = at('net0.get');
    // nth_chan(cap, -1): xor → ioat0.0, then pq → ioat1.0 (ioat0.0 already has one entry).
    // With n++ per row pq would be the 2nd candidate's fallback ioat0.0; with n = 0 both ioat0.0.
    expect([table.xor[0], table.pq[0]]).toEqual(['ioat0.0', 'ioat1.0']);
    expect(table.memcpy[0]).toBeNull();
  });

  it('the memcpy slave meets only devices without memcpy: no channel, nothing made private', () => {
    const o = observe(snapshotView(runWithXstate(m, [{ type: 'slave0.request', allocOk: true }])), m);
    expect(o.threads.find((t) => t.name === 'slave0')?.chan).toBeNull();
    expect(o.devices.map((d) => d.private)).toEqual([false, false]);
  });
});

describe('the hot-add scenario: dma_async_device_register after a dmaengine_get (3.6 dmaengine.c:781-799)', () => {
  const m = systemFor({ ...HARNESS_SCENARIOS['hot-add'], design: 'baseline' });
  const at = (events: StepEvent[]) => observe(snapshotView(runWithXstate(m, events)), m);

  it('before the probe nothing is listed: net0 gets no channel, the slave none', () => {
    const o = at([{ type: 'net0.get' }, { type: 'slave0.request', allocOk: true }]);
    expect(o.devices[0].listed).toBe(false);
    expect(o.dmaengineRefCount).toBe(1);
    expect(o.table.memcpy[0]).toBeNull();
    expect(o.threads.map((t) => t.chan)).toEqual([null, null]);
  });

  it("the probe takes a reference on each public channel for net0's dmaengine_get, then rebalances", () => {
    const o = at([{ type: 'net0.get' }, { type: 'ioh0.probe' }]);
    expect(o.devices[0]).toMatchObject({ listed: true, module: 2 });
    expect(o.channels.map((c) => [c.clientCount, c.resources])).toEqual([
      [1, true],
      [1, true],
    ]);
    expect(o.table.memcpy[0]).toBe('ioat0.0');
  });

  it('a probe with no dmaengine_get user takes no reference and leaves the table empty', () => {
    const o = at([{ type: 'ioh0.probe' }]);
    expect(o.devices[0]).toMatchObject({ listed: true, module: 0 });
    expect(o.table.memcpy[0]).toBeNull();
  });

  it('is refused under a design that counts dma_device references (mainline register not modelled)', () => {
    expect(() => systemFor({ ...HARNESS_SCENARIOS['hot-add'], design: 'kref' })).toThrow(/hotAdd/);
  });
});

describe('the register-fail scenario: probeFails {alloc} (3.6 dmaengine.c:733-771, err_out :804-823)', () => {
  const m = systemFor({ ...HARNESS_SCENARIOS['register-fail'], design: 'baseline' });
  const view = (events: StepEvent[]) => snapshotView(runWithXstate(m, events));
  const failures = (events: StepEvent[]) =>
    m
      .enabledEvents(view(events))
      .filter((e) => e.type === 'ioh0.probeFails')
      .map((e) => e.alloc);

  it('offers one failure per allocation of a two-channel register (2 + 3 per channel)', () => {
    expect(failures([])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(failures([{ type: 'ioh0.probe' }])).toEqual([]);
  });

  it('a failed register lists nothing and takes no reference; the IOH is done', () => {
    const events: StepEvent[] = [{ type: 'net0.get' }, { type: 'ioh0.probeFails', alloc: 5 }];
    const o = observe(view(events), m);
    expect(o.devices[0]).toMatchObject({ listed: false, module: 0, freed: false });
    expect(o.channels.every((c) => c.clientCount === 0 && !c.resources)).toBe(true);
    expect(o.violations).toEqual([]);
    expect(m.enabledEvents(view(events)).filter((e) => e.type.startsWith('ioh0.'))).toEqual([]);
  });
});

describe('the slave-only scenario: a DMA_PRIVATE device (3.6 dmaengine.c:797-798) and a slave filter (:487-491)', () => {
  const m = systemFor({ ...HARNESS_SCENARIOS['slave-only'], design: 'baseline' });
  const at = (events: StepEvent[]) => observe(snapshotView(runWithXstate(m, events)), m);
  const slaveChan = (events: StepEvent[]) => at(events).threads.find((t) => t.name === 'slave0')?.chan;
  const request: StepEvent = { type: 'slave0.request', allocOk: true };

  it('the private device starts private, counted once by its register; the public one not', () => {
    expect(at([]).devices.map((d) => [d.private, d.privatecnt])).toEqual([
      [true, 1],
      [false, 0],
    ]);
  });

  it('dmaengine_get and the table skip the private device', () => {
    const o = at([{ type: 'net0.get' }]);
    expect(o.channels.map((c) => c.clientCount)).toEqual([0, 0, 1]);
    expect(o.table.memcpy[0]).toBe('ioat1.0');
  });

  it('the filter rejects the free ioat0.0: the request takes ioat0.1; without the filter, ioat0.0', () => {
    expect(slaveChan([request])).toBe('ioat0.1');
    const scenario = HARNESS_SCENARIOS['slave-only'];
    const unfiltered = systemFor({ ...scenario, design: 'baseline', clients: scenario.clients.map(({ filter: _, ...c }) => c) });
    expect(observe(snapshotView(runWithXstate(unfiltered, [request])), unfiltered).threads.find((t) => t.name === 'slave0')?.chan).toBe('ioat0.0');
  });

  it('a filter that accepts no channel of a device goes on to the next device, and to NULL after the last', () => {
    const scenario = HARNESS_SCENARIOS['slave-only'];
    const only = (filter: string[]) => {
      const s = systemFor({ ...scenario, design: 'baseline', clients: scenario.clients.map((c) => (c.kind === 'slave' ? { ...c, filter } : c)) });
      return observe(snapshotView(runWithXstate(s, [request])), s).threads.find((t) => t.name === 'slave0')?.chan;
    };
    expect(only(['ioat1.0'])).toBe('ioat1.0');
    expect(only([])).toBeNull();
  });

  it("the slave's release leaves the device private (privatecnt 2 -> 1, DMA_PRIVATE kept, :556-557)", () => {
    expect(at([request]).devices[0]).toMatchObject({ private: true, privatecnt: 2 });
    const o = at([request, { type: 'slave0.use' }, { type: 'slave0.release' }]);
    expect(o.devices[0]).toMatchObject({ private: true, privatecnt: 1 });
    expect(o.channels[1]).toMatchObject({ clientCount: 0, resources: false });
  });
});
