/**
 * Two violations of mainline's teardown the model records since issue 31 A4/M6 and issue 23:
 * the IOH thread's use after free when it unregisters a device the clients' puts already
 * released (kref and kref-5-10 as shipped: 7.0 `dma_async_device_unregister` :1305-1316,
 * 5.10.7 :1317-1328), and 5.10.7's oops when a `dma_issue_pending_all` walk reads on from a
 * channel its channel unregister `list_del`'ed (5.10.7 dmaengine.c:1113, :563). Each with its
 * shortest trace from the checker, and the designs that do not have it.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { observe, type SystemModel } from '../../machines/system/index.ts';
import { noOops, type SystemView } from '../../machines/system/properties.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { ONE_DEVICE } from '../../machines/small-scenarios.ts';
import { checkModel } from '../../src/check/engine/check.ts';
import { checkDesign } from '../../src/check/run.ts';
import { designModel } from '../../src/designs/models.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { THREE_GETTERS } from '../../src/mbt/coverage-scenarios.ts';
import { DEFAULT_SCENARIO, type DesignName, type Scenario } from '../../src/scenario.ts';

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

describe('5.10.7: a dma_issue_pending_all walk reads on from a channel its unregister list_del’ed (issue 23)', () => {
  const verdict = (design: DesignName) => checkDesign(ONE_DEVICE, designModel(design)).results.find((p) => p.name === 'no-oops')!;

  it('kref-5-10: no-oops is violated; shortest trace: the walk stops at ioat0.0, unregister list_dels it, the issue oopses', () => {
    const r = verdict('kref-5-10');
    expect(r.verdict).toBe('violated');
    expect(r.trace!.steps.map((s) => s.event.type)).toEqual(['net0.get', 'net0-rx.walk', 'net0-rx.check', 'ioh0.eject', 'ioh0.unregister', 'net0-rx.issue']);
    const m = sys('kref-5-10', ONE_DEVICE);
    const events = r.trace!.steps.map((s) => s.event as StepEvent);
    expect(violations(m, events)).toEqual(['oops:net0-rx:ioat0.0']);
    const s = runWithXstate(m, events);
    expect(s.matches({ net0: { softirq: 'oopsed' } })).toBe(true);
    // The walker is dead: it takes no step again; the other threads go on.
    expect(s.can({ type: 'net0-rx.walk' })).toBe(false);
    expect(s.can({ type: 'ioh0.putRef' })).toBe(true);
    expect(noOops.holds(snapshotView(s), m)).toBe(false);
  });

  it.each(['kref', 'kref-fixed', 'baseline'] as const)(
    '%s keeps the channel on device->channels (7.0 :1137-1153; 3.6 never list_dels it): no oops',
    (design) => {
      expect(verdict(design).verdict).toBe('holds');
    },
  );

  it('kref-5-10, two channels: a channel leaves the list in its own iteration, so a walk at ioat0.1 oopses only after the second', () => {
    const m = sys('kref-5-10', DEFAULT_SCENARIO);
    // The walk issues on ioat0.0 and stops at ioat0.1; the first iteration list_dels ioat0.0 only.
    const atSecond = steps('net0.get', 'net0-rx.walk', 'net0-rx.check', 'net0-rx.issue', 'ioh0.eject', 'ioh0.unregister');
    expect(runWithXstate(m, atSecond).context.threads[0].rcuChan).toBe(1);
    const readsOn = [...atSecond, ...steps('net0-rx.issue')];
    expect(runWithXstate(m, readsOn).matches({ net0: { softirq: 'idle' } })).toBe(true); // ioat0.1's next is the list head
    expect(violations(m, readsOn)).toEqual([]);
    const afterSecond = [...atSecond, ...steps('ioh0.chanUnregister', 'net0-rx.issue')];
    expect(violations(m, afterSecond)).toEqual(['oops:net0-rx:ioat0.1']);
  });

  it('7.0 (kref): the same schedule issues on the channel and reads on to the end of the list', () => {
    const m = sys('kref', ONE_DEVICE);
    const events = steps('net0.get', 'net0-rx.walk', 'net0-rx.check', 'ioh0.eject', 'ioh0.unregister', 'net0-rx.issue');
    expect(runWithXstate(m, events).matches({ net0: { softirq: 'idle' } })).toBe(true);
    expect(violations(m, events)).toEqual([]);
  });
});
