/**
 * The IOH thread's use after free when it unregisters a device the clients' puts already
 * released (issue 31 A4/M6; kref and kref-5-10 as shipped: 7.0 `dma_async_device_unregister`
 * :1305-1316, 5.10.7 :1317-1328), with its shortest trace from the checker, and the design
 * that does not have it.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { observe, type SystemModel } from '../../machines/system/index.ts';
import type { SystemView } from '../../machines/system/properties.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { checkModel } from '../../src/check/engine/check.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { THREE_GETTERS } from '../../src/mbt/coverage-scenarios.ts';
import type { DesignName, Scenario } from '../../src/scenario.ts';

const sys = (design: DesignName, s: Scenario): SystemModel => systemFor({ ...s, design });
const steps = (...types: string[]): StepEvent[] => types.map((type) => ({ type }));
const violations = (m: SystemModel, events: StepEvent[]) => observe(snapshotView(runWithXstate(m, events)), m).violations;

/** no-use-after-free restricted to the IOH threads (`iohs[h].uaf`): its shortest counterexample is the IOH's own. */
const noIohUseAfterFree = { name: 'no-ioh-use-after-free', holds: (v: SystemView) => v.context.iohs.every((q) => q.uaf === 0) };
const iohCheck = (design: DesignName) => checkModel(sys(design, THREE_GETTERS), { safety: [noIohUseAfterFree], liveness: [] }).results[0];

/** Two of the three async_tx users, one round each, apart or overlapping: their puts release ioat0. */
const ROUND = (t: string) => [`${t}.get`, `${t}.find`, `${t}.use`, `${t}.put`];

describe('the IOH thread unregisters a device the clients’ puts already freed (issue 31 A4/M6)', () => {
  it.each(['kref', 'kref-5-10'] as const)('%s: shortest trace: two users’ puts free ioat0, then ioh0.unregister walks it', (design) => {
    const r = iohCheck(design);
    expect(r.verdict).toBe('violated');
    const t = r.trace!.steps.map((s) => s.event.type);
    expect(t).toHaveLength(12); // atx0 and atx1: get, find, use, put, release each; eject; unregister
    // No IOH step before the device is freed: the clients alone free it (M1/Garg-1).
    expect(t.slice(-2)).toEqual(['ioh0.eject', 'ioh0.unregister']);
    expect(t.filter((x) => x.endsWith('.release'))).toHaveLength(2);
    const freeing = r.trace!.steps.findIndex((s) => s.changes.some((c) => c.name === 'devices[0].freed' && c.to === 1));
    expect(freeing).toBeGreaterThanOrEqual(0);
    expect(t.slice(0, freeing + 1).some((x) => x.startsWith('ioh0.'))).toBe(false);
    // The list walk of 7.0 :1305 (5.10.7 :1317) reads the freed channel: the harness's name for it.
    expect(r.trace!.steps.at(-1)!.changes).toEqual(expect.arrayContaining([{ name: 'iohs[0].uaf', from: 0, to: 1 }]));
    const m = sys(design, THREE_GETTERS);
    expect(
      violations(
        m,
        t.map((type) => ({ type })),
      ),
    ).toContain('use-after-free:ioh0:ioat0.0');
  });

  it('kref-fixed: the clients cannot free a registered device, so the IOH never reads a freed one', () => {
    expect(iohCheck('kref-fixed').verdict).toBe('holds');
  });

  it('kref: the last put lands between unregister and putRef: the section’s DMA_PRIVATE write is the IOH’s use after free (7.0 :1313)', () => {
    const m = sys('kref', THREE_GETTERS);
    const events = steps(...ROUND('atx0'), ...ROUND('atx1'), 'ioh0.eject', 'ioh0.unregister', 'atx0.release', 'atx1.release');
    const freed = runWithXstate(m, events);
    expect(freed.context.devices[0].freed).toBe(1);
    expect(freed.context.iohs[0].uaf).toBe(0); // unregister ran on the live device
    const after = [...events, ...steps('ioh0.putRef')];
    expect(runWithXstate(m, after).context.iohs[0].uaf).toBe(1);
    expect(violations(m, after)).toEqual(['use-after-free:atx1:ioat0.0', 'use-after-free:ioh0:ioat0.0']);
    expect(runWithXstate(m, after).matches({ ioh0: 'removed' })).toBe(true);
  });
});
