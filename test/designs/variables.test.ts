import { describe, expect, it } from 'vitest';
import { initialContext } from '../../machines/system/context.ts';
import { layoutOf } from '../../machines/system/layout.ts';
import { checkDesign } from '../../src/check/run.ts';
import { designVariables } from '../../src/check/system-lens.ts';
import { DESIGNS, systemFor } from '../../src/designs/registry.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

describe('design variables', () => {
  it('live under ctx.design, as each design declares them, and nowhere in the shared state', () => {
    const L = layoutOf(DEFAULT_SCENARIO);
    const notifier = initialContext(L, DESIGNS.notifier.model.variables);
    expect(notifier.design.threads).toEqual(L.clients.map(() => ({ told: 0 })));
    expect(notifier.design.devices).toEqual(L.devices.map(() => ({})));
    expect(initialContext(L, DESIGNS['fail-fast'].model.variables).design.devices).toEqual(L.devices.map(() => ({ dying: 0 })));
    // The kref designs' device kref, per device; percpu-ref's counts, per device and CPU.
    expect(initialContext(L, DESIGNS.kref.model.variables).design.devices).toEqual(L.devices.map(() => ({ unregistered: 0, kref: 1 })));
    const percpu = initialContext(L, DESIGNS['percpu-ref'].model.variables).design.deviceCpus;
    expect(percpu).toEqual(L.devices.map(() => Array.from({ length: L.cpus }, () => ({ pref: 0 }))));
    const shared = initialContext(L);
    expect(shared.design).toEqual({
      global: {},
      threads: L.clients.map(() => ({})),
      devices: L.devices.map(() => ({})),
      deviceCpus: L.devices.map(() => Array.from({ length: L.cpus }, () => ({}))),
    });
    expect(Object.keys(shared.threads[0])).not.toContain('told');
    expect(Object.keys(shared.devices[0])).not.toContain('dying');
    expect(Object.keys(shared)).not.toContain('kref');
    expect(Object.keys(shared)).not.toContain('pref');
  });

  it('traces show them under stable names: <thread>.<var>, <device>.<var>', () => {
    const m = systemFor({ ...DEFAULT_SCENARIO, design: 'notifier' });
    const ctx = initialContext(m.layout, m.design.variables);
    ctx.design.threads[2].told = 1;
    expect(designVariables(m, ctx)).toEqual({ 'net0.told': 0, 'atx0.told': 0, 'slave0.told': 1 });
    const ff = systemFor({ ...DEFAULT_SCENARIO, design: 'fail-fast' });
    expect(designVariables(ff, initialContext(ff.layout, ff.design.variables))).toEqual({ 'ioat0.dying': false });
  });

  it('moving told and dying into ctx.design keeps the state counts of the standard scenario (as before the move)', () => {
    // Measured (dmaspec check --design D) since both begin synchronize_rcu's grace period in a
    // step of its own (issue 23): 107,218 and 67,488 before; 86,742 and 51,370 before they
    // stepped 3.6's channel loop.
    expect(checkDesign(DEFAULT_SCENARIO, DESIGNS.notifier.model).states).toBe(117_456);
    expect(checkDesign(DEFAULT_SCENARIO, DESIGNS['fail-fast'].model).states).toBe(75_547);
  });
});
