import { describe, expect, it } from 'vitest';
import { DmaRuleError } from '../../src/core/errors.ts';
import { System } from '../../src/system/system.ts';
import { DEFAULT_SCENARIO, type DesignName } from '../../src/scenario.ts';
import { DESIGNS, UnknownDesignError } from '../../src/designs/registry.ts';
import { client, scenario } from '../core/fixtures.ts';

function expectStepError(sys: System, event: Parameters<System['step']>[0], rule: string) {
  const before = JSON.stringify(sys.observe());
  const steps = JSON.stringify(sys.enabledSteps());
  let caught: unknown;
  try {
    sys.step(event);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DmaRuleError);
  expect((caught as DmaRuleError).rule).toBe(rule);
  expect(JSON.stringify(sys.observe())).toBe(before);
  expect(JSON.stringify(sys.enabledSteps())).toBe(steps);
}

describe('System: the conformance interface', () => {
  it('boots the default scenario with its devices registered and nothing held', () => {
    const sys = new System(DEFAULT_SCENARIO);
    expect(sys.observe()).toEqual({
      dmaengineRefCount: 0,
      cpuOnline: [true, true],
      ref: [0, 0],
      key: false,
      dirty: 0,
      table: { memcpy: [null, null], xor: [null, null], pq: [null, null], asyncTx: [null, null] },
      devices: [{ name: 'ioat0', listed: true, private: false, privatecnt: 0, freed: false, module: 0 }],
      channels: [
        { id: 'ioat0.0', clientCount: 0, tableCount: 0, resources: false },
        { id: 'ioat0.1', clientCount: 0, tableCount: 0, resources: false },
      ],
      threads: [
        { name: 'net0', cpu: 0, chan: null, issuing: null },
        { name: 'atx0', cpu: 1, chan: null, issuing: null },
        { name: 'slave0', cpu: 0, chan: null, issuing: null },
      ],
      violations: [],
    });
    expect(Object.keys(sys.observe())).toEqual([
      'dmaengineRefCount',
      'cpuOnline',
      'ref',
      'key',
      'dirty',
      'table',
      'devices',
      'channels',
      'threads',
      'violations',
    ]);
  });

  it('lists enabled steps with payloads, threads in scenario order', () => {
    const sys = new System(DEFAULT_SCENARIO);
    expect(sys.enabledSteps()).toEqual([
      { type: 'net0.get' },
      { type: 'atx0.get' },
      { type: 'slave0.request', allocOk: true },
      { type: 'slave0.request', allocOk: false },
      { type: 'ioh0.eject' },
    ]);
    sys.step({ type: 'net0.get' });
    // The softirq threads come last: after the clients, the IOHs (and cpu).
    expect(sys.enabledSteps().at(-1)).toEqual({ type: 'net0-rx.walk' });
    sys.step({ type: 'net0.find' });
    expect(sys.enabledSteps().filter((e) => e.type.startsWith('net0.'))).toEqual([{ type: 'net0.inc' }, { type: 'net0.migrate', cpu: 1 }]);
    // public and in use: the slave's request finds no candidate, so no alloc to fail
    expect(sys.enabledSteps().filter((e) => e.type.startsWith('slave0.'))).toEqual([{ type: 'slave0.request', allocOk: true }]);
  });

  it('performs exactly the named step', () => {
    const sys = new System(DEFAULT_SCENARIO);
    sys.step({ type: 'net0.get' });
    sys.step({ type: 'net0.find' });
    sys.step({ type: 'net0.inc' });
    sys.step({ type: 'net0.migrate', cpu: 1 });
    sys.step({ type: 'net0.test' });
    sys.step({ type: 'net0.use' });
    sys.step({ type: 'net0.put' });
    const o = sys.observe();
    expect(o.ref).toEqual([1, -1]); // inc on CPU 0, dec on CPU 1
    expect(o.threads[0]).toEqual({ name: 'net0', cpu: 1, chan: null, issuing: null });
  });

  it('keeps one module reference per client_count (devices[].module), also after 5.10.7’s second increment', () => {
    const modules = (design: DesignName, steps: string[]) => {
      const sys = new System({ ...DEFAULT_SCENARIO, design });
      for (const type of steps) sys.step({ type });
      const o = sys.observe();
      return [o.devices[0].module, o.channels.reduce((n, c) => n + c.clientCount, 0)];
    };
    // Two dmaengine_get users on two channels: 2 each; kref-5-10 counts 3 each (issue 31 M1)
    // and its balance_ref_count took a module reference for every one of them.
    expect(modules('baseline', ['net0.get', 'atx0.get'])).toEqual([4, 4]);
    expect(modules('kref-5-10', ['net0.get', 'atx0.get'])).toEqual([6, 6]);
    // A failed alloc gives its module reference back (3.6 dmaengine.c:233); a slave's request takes one.
    const sys = new System({ ...DEFAULT_SCENARIO, design: 'baseline' });
    sys.step({ type: 'slave0.request', allocOk: false });
    expect(sys.observe().devices[0].module).toBe(0);
    const held = new System({ ...DEFAULT_SCENARIO, design: 'baseline' });
    held.step({ type: 'slave0.request', allocOk: true });
    expect(held.observe().devices[0].module).toBe(1);
  });

  it('shows the channel whose device_issue_pending the walk stops before (threads[].issuing)', () => {
    const sys = new System(DEFAULT_SCENARIO);
    const issuing = () => sys.observe().threads.map((t) => t.issuing);
    sys.step({ type: 'net0.get' });
    sys.step({ type: 'net0-rx.walk' });
    expect(issuing()).toEqual([null, null, null]);
    sys.step({ type: 'net0-rx.check' });
    expect(issuing()).toEqual(['ioat0.0', null, null]);
    sys.step({ type: 'net0-rx.issue' });
    expect(issuing()).toEqual(['ioat0.1', null, null]);
    sys.step({ type: 'net0-rx.issue' });
    expect(issuing()).toEqual([null, null, null]);
  });

  it('refuses bad steps with a typed error and leaves the state unchanged', () => {
    const sys = new System(DEFAULT_SCENARIO);
    expectStepError(sys, { type: 'nobody.get' }, 'step-unknown');
    expectStepError(sys, { type: 'net0.fly' }, 'step-unknown');
    expectStepError(sys, { type: 'net0.find' }, 'step-not-enabled');
    expectStepError(sys, { type: 'ioh0.free' }, 'step-not-enabled');
    expectStepError(sys, { type: 'slave0.request' }, 'step-not-enabled'); // payload missing
    sys.step({ type: 'net0.get' });
    sys.step({ type: 'net0.find' });
    expectStepError(sys, { type: 'net0.migrate', cpu: 2 }, 'cpu-unknown');
    expectStepError(sys, { type: 'net0.migrate', cpu: 0 }, 'step-not-enabled'); // already there
    expectStepError(sys, { type: 'atx0.migrate', cpu: 0 }, 'step-not-enabled'); // does not migrate
  });

  it('refuses a migration to an offline CPU', () => {
    const sys = new System(scenario({ cpus: 3, clients: [client('net0', 'net_dma', 0, { migrates: true })] }), { cpuHotplug: true });
    sys.step({ type: 'cpu.offline', cpu: 2 });
    sys.step({ type: 'net0.get' });
    sys.step({ type: 'net0.find' });
    expectStepError(sys, { type: 'net0.migrate', cpu: 2 }, 'cpu-offline');
    expectStepError(sys, { type: 'cpu.online', cpu: 9 }, 'cpu-unknown');
  });

  it('is deterministic: the same steps give the same observables', () => {
    const a = new System(DEFAULT_SCENARIO);
    const b = new System(DEFAULT_SCENARIO);
    for (let i = 0; i < 40; i++) {
      const ea = a.enabledSteps();
      expect(b.enabledSteps()).toEqual(ea);
      if (ea.length === 0) break;
      const e = ea[(i * 7) % ea.length];
      a.step(e);
      b.step(e);
      expect(b.observe()).toEqual(a.observe());
    }
  });

  it('reports no deadlock while a step is enabled or when every thread finished', () => {
    const sys = new System(scenario({ design: 'baseline' }));
    expect(sys.deadlock()).toBeNull();
    sys.step({ type: 'ioh0.eject' });
    sys.step({ type: 'ioh0.unregister' });
    sys.step({ type: 'ioh0.chanUnregister' });
    sys.step({ type: 'ioh0.chanUnregister' });
    sys.step({ type: 'ioh0.free' });
    expect(sys.enabledSteps()).toEqual([]);
    expect(sys.allFinished()).toBe(true);
    expect(sys.deadlock()).toBeNull();
  });

  it('refuses a design without a strategy, and an unknown design name', () => {
    expect(() => new System(DEFAULT_SCENARIO, { design: { model: DESIGNS.notifier.model } })).toThrow(/design-unavailable.*notifier has no implementation/);
    expect(() => new System(scenario({ design: 'no-such-design' as DesignName }))).toThrow(UnknownDesignError);
  });

  it('runs the design object it is given, not the scenario’s design name', () => {
    const afterUnregister = (sys: System) => {
      sys.step({ type: 'ioh0.eject' });
      sys.step({ type: 'ioh0.unregister' });
      return sys.enabledSteps().map((e) => e.type);
    };
    // baseline runs unregister's channel loop, then frees; rfc-wait (the scenario's name) would quiesce first.
    expect(afterUnregister(new System(scenario({ design: 'rfc-wait' }), { design: DESIGNS.baseline }))).toEqual(['ioh0.chanUnregister']);
    expect(afterUnregister(new System(scenario({ design: 'rfc-wait' })))).not.toContain('ioh0.free');
  });
});
