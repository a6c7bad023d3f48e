/**
 * The system machine against xstate's own semantics: enabledEvents equals snapshot.can on
 * every reachable state; the config is plain JSON; isFinal and the thread list.
 */
import { describe, expect, it } from 'vitest';
import { createMachine, initialTransition } from 'xstate';
import { observe } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { ASYNC_TX_ONLY, NET_AND_SLAVE, ONE_DEVICE, TWO_DEVICES, withDesign } from '../../machines/small-scenarios.ts';
import { ruleRefs, runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { DEFAULT_SCENARIO, DESIGN_NAMES } from '../../src/scenario.ts';
import { UnknownDesignError } from '../../src/designs/models.ts';
import { reachable } from './bfs.ts';

// TWO_DEVICES under rfc-wait is the catalogue's small system scenario (test/machines/catalogue.test.ts).
const CASES = [
  withDesign(ASYNC_TX_ONLY, 'rfc-wait'),
  withDesign(ASYNC_TX_ONLY, 'baseline'),
  withDesign(TWO_DEVICES, 'baseline'),
  withDesign(NET_AND_SLAVE, 'baseline'),
  ...(['notifier', 'fail-fast', 'kref', 'kref-fixed', 'percpu-ref'] as const).map((d) => withDesign(ONE_DEVICE, d)),
  withDesign(ASYNC_TX_ONLY, 'percpu-ref'),
  withDesign(ASYNC_TX_ONLY, 'notifier'),
];

describe('system machine', () => {
  for (const s of CASES)
    it(`enabledEvents agrees with snapshot.can on every reachable state (${s.name}, ${s.design})`, () => {
      const m = systemFor(s);
      const states = reachable(m);
      expect(states.length).toBeGreaterThan(50);
      for (const r of states) {
        const enabled = m.enabledEvents(snapshotView(r.snapshot)).map((e) => JSON.stringify(e));
        const can = m.allEvents.filter((e) => r.snapshot.can(e)).map((e) => JSON.stringify(e));
        expect(enabled, `after ${r.path.map((e) => e.type).join(' ')}`).toEqual(can);
      }
    });

  it('lists threads in scenario order: clients, then IOHs, then the net_dma softirqs', () => {
    expect(systemFor(DEFAULT_SCENARIO).threads).toEqual(['net0', 'atx0', 'slave0', 'ioh0', 'net0-rx']);
  });

  it('offers migrate per CPU and request per alloc outcome', () => {
    const types = systemFor(DEFAULT_SCENARIO).allEvents.map((e) => JSON.stringify(e));
    expect(types).toContain(JSON.stringify({ type: 'net0.migrate', cpu: 1 }));
    expect(types).toContain(JSON.stringify({ type: 'slave0.request', allocOk: false }));
    expect(types).not.toContain(JSON.stringify({ type: 'atx0.migrate', cpu: 0 }));
  });

  for (const design of ['baseline', 'rfc-wait'] as const)
    it(`config is plain JSON: a round trip keeps every guard and action name (${design})`, () => {
      const m = systemFor({ ...DEFAULT_SCENARIO, design });
      const copy = JSON.parse(JSON.stringify(m.config));
      expect(copy).toEqual(m.config);
      const refs = ruleRefs(copy);
      expect(refs.guards.length).toBeGreaterThan(5);
      expect(refs.actions.length).toBeGreaterThan(10);
      for (const n of refs.guards) expect(n in m.rules.guards, n).toBe(true);
      for (const n of refs.actions) expect(n in m.rules.actions, n).toBe(true);
      // The copy still builds a machine xstate accepts.
      expect(() => createMachine(copy)).not.toThrow();
    });

  // 3.6 __dma_request_channel (dmaengine.c:512-533): an error on one device's candidate
  // undoes its DMA_PRIVATE and goes on to the next device; allocOk=false fails the first alloc.
  it('request with allocOk=false: the first device’s alloc fails and the next device’s channel is taken', () => {
    const m = systemFor(withDesign(TWO_DEVICES, 'baseline'));
    const o = observe(snapshotView(runWithXstate(m, [{ type: 'slave0.request', allocOk: false }])), m);
    expect(o.devices.map((d) => [d.name, d.private, d.privatecnt])).toEqual([
      ['ioat0', false, 0],
      ['ioat1', true, 1],
    ]);
    expect(o.channels.map((c) => [c.id, c.clientCount])).toEqual([
      ['ioat0.0', 0],
      ['ioat1.0', 1],
    ]);
    expect(o.threads.find((t) => t.name === 'slave0')?.chan).toBe('ioat1.0');
  });

  it('request with allocOk=false and no later device: NULL, nothing changed', () => {
    const m = systemFor(withDesign(ONE_DEVICE, 'baseline'));
    const [s0] = initialTransition(m.machine);
    const before = observe(snapshotView(s0), m);
    const o = observe(snapshotView(runWithXstate(m, [{ type: 'slave0.request', allocOk: false }])), m);
    expect(o.devices).toEqual(before.devices);
    expect(o.channels).toEqual(before.channels);
    expect(o.threads.find((t) => t.name === 'slave0')?.chan).toBeNull();
  });

  it('starts with every device listed and public, nothing held, and maps onto the observable', () => {
    const m = systemFor(DEFAULT_SCENARIO);
    const [s0] = initialTransition(m.machine);
    const o = observe(snapshotView(s0), m);
    expect(o.devices).toEqual([{ name: 'ioat0', listed: true, private: false, privatecnt: 0, freed: false, module: 0 }]);
    expect(o.channels.map((c) => c.id)).toEqual(['ioat0.0', 'ioat0.1']);
    expect(o.table.memcpy).toEqual([null, null]);
    expect(o.threads).toEqual([
      { name: 'net0', cpu: 0, chan: null, issuing: null },
      { name: 'atx0', cpu: 1, chan: null, issuing: null },
      { name: 'slave0', cpu: 0, chan: null, issuing: null },
    ]);
    expect(o.violations).toEqual([]);
  });

  it('derives devices[].module (one reference per client_count) and threads[].issuing (the walk’s stop) from the context', () => {
    const m = systemFor(DEFAULT_SCENARIO);
    const at = (types: string[]) =>
      observe(
        snapshotView(
          runWithXstate(
            m,
            types.map((type) => ({ type })),
          ),
        ),
        m,
      );
    expect(at(['net0.get', 'atx0.get']).devices[0].module).toBe(4);
    expect(at(['net0.get', 'net0-rx.walk']).threads[0].issuing).toBeNull();
    expect(at(['net0.get', 'net0-rx.walk', 'net0-rx.check']).threads.map((t) => t.issuing)).toEqual(['ioat0.0', null, null]);
    expect(at(['net0.get', 'net0-rx.walk', 'net0-rx.check', 'net0-rx.issue']).threads[0].issuing).toBe('ioat0.1');
    expect(at(['net0.get', 'net0-rx.walk', 'net0-rx.check', 'net0-rx.issue', 'net0-rx.issue']).threads[0].issuing).toBeNull();
  });

  it('builds every design of the Scenario type', () => {
    for (const design of DESIGN_NAMES) expect(systemFor({ ...DEFAULT_SCENARIO, design }).design.name).toBe(design);
  });

  it('rejects a design without a model with a typed error', () => {
    expect(() => systemFor({ ...DEFAULT_SCENARIO, design: 'notifier-x' as never })).toThrow(UnknownDesignError);
  });

  it('is final only when every IOH is removed and no worker is in flight', () => {
    const m = systemFor(withDesign(ASYNC_TX_ONLY, 'baseline'));
    const states = reachable(m);
    const finals = states.filter((r) => m.isFinal(snapshotView(r.snapshot)));
    expect(finals.length).toBeGreaterThan(0);
    for (const r of finals) {
      expect(r.snapshot.matches({ ioh0: 'removed' })).toBe(true);
      expect(r.snapshot.context.threads.every((t: { inFlight: number }) => t.inFlight === 0)).toBe(true);
    }
  });
});
