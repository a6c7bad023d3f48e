/**
 * The known flaws of DESIGN.md as scripted event sequences on the system machine, each
 * reaching a state where the named property fails — and the same sequences blocked or
 * harmless where a design fixes them.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { buildSystem, observe, type SystemModel } from '../../machines/system/index.ts';
import { viewOf } from '../../machines/view.ts';
import { propertyNamed, type LivenessProperty, type SafetyProperty } from '../../spec/properties.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { run } from './bfs.ts';

const ev = (type: string, payload: Record<string, number | boolean> = {}): StepEvent => ({ type, ...payload });
const steps = (...types: string[]) => types.map((t) => ev(t));
const safety = (name: string) => propertyNamed(name) as SafetyProperty;
const liveness = (name: string) => propertyNamed(name) as LivenessProperty;
const holds = (m: SystemModel, events: StepEvent[], name: string) => safety(name).holds(viewOf(run(m, events)), m);

/** One quiesce round of IOH ioh0 on 2 CPUs. */
const ROUND = steps('ioh0.clearDirty', 'ioh0.tick', 'ioh0.read', 'ioh0.read');
const UNREGISTER = steps('ioh0.eject', 'ioh0.unregister');
const QUIESCE_2 = [...steps('ioh0.keyOn'), ...ROUND, ...ROUND, ...steps('ioh0.keyOff')];

describe('removal hangs (rfc-wait): a never-releasing slave blocks unregister forever', () => {
  const scenario: Scenario = {
    ...DEFAULT_SCENARIO,
    clients: DEFAULT_SCENARIO.clients.map((c) => (c.kind === 'slave' ? { ...c, releases: false } : c)),
  };
  const prefix = [
    ev('slave0.request', { allocOk: true }),
    ev('slave0.use'),
    ...UNREGISTER,
    ...QUIESCE_2,
    ev('ioh0.putRefs'),
    ...steps('net0.get', ...Array(DEFAULT_SCENARIO.clients[0].rounds).fill(['net0.find', 'net0.use', 'net0.put']).flat(), 'net0.release'),
    ...steps('atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'atx0.release'),
  ];

  it('reaches a deadlock: nothing enabled, the IOH waits, the system is not final', () => {
    const m = buildSystem(scenario);
    const v = viewOf(run(m, prefix));
    expect(v.active('ioh0.waiting')).toBe(true);
    expect(m.enabledEvents(v)).toEqual([]);
    expect(m.isFinal(v)).toBe(false);
    // removal-completes: the trigger holds and, with no step left, the goal never comes.
    expect(liveness('removal-completes').trigger(v, m)).toBe(true);
    expect(liveness('removal-completes').goal(v, m)).toBe(false);
    expect(liveness('waiting-client-answered').trigger(v, m)).toBe(true);
  });

  it('a cooperative slave answers the wait and removal completes', () => {
    const m = buildSystem(DEFAULT_SCENARIO);
    const v = viewOf(run(m, [...prefix, ev('slave0.release'), ev('ioh0.free')]));
    expect(v.active('ioh0.removed')).toBe(true);
    expect(liveness('removal-completes').goal(v, m)).toBe(true);
    expect(m.isFinal(v)).toBe(true);
  });

  it('baseline does not hang on the same slave: it frees the device under it', () => {
    const m = buildSystem({ ...scenario, design: 'baseline' });
    const s = run(m, [ev('slave0.request', { allocOk: true }), ...UNREGISTER, ev('ioh0.free'), ev('slave0.use')]);
    expect(s.matches({ ioh0: 'removed' })).toBe(true);
    expect(observe(viewOf(s), m).violations).toEqual(['use-after-free:slave0:ioat0.0']);
  });
});

describe('false-zero quiesce sum (rfc-wait): a migrating reader-dodger cancels a holder', () => {
  const scenario: Scenario = { ...DEFAULT_SCENARIO, quiesceThreshold: 1, clients: DEFAULT_SCENARIO.clients.slice(0, 2) };
  // atx0 holds a per-CPU reference taken on CPU 1; the reader reads CPU 0 = 0; net0 incs on
  // CPU 0, migrates, decs on CPU 1; the reader reads CPU 1 = 0: sum 0 while atx0 holds.
  const prefix = [
    ...steps('net0.get', 'atx0.get', 'atx0.find'),
    ...UNREGISTER,
    ...steps('ioh0.keyOn', 'ioh0.clearDirty', 'ioh0.tick', 'ioh0.read', 'net0.find'),
    ev('net0.migrate', { cpu: 1 }),
    ...steps('net0.use', 'net0.put', 'ioh0.read'),
  ];

  it('ends the quiesce while atx0 is in flight: no-ref-survives-quiesce fails', () => {
    const m = buildSystem(scenario);
    const s = run(m, prefix);
    expect(s.matches({ ioh0: { quiesce: 'ended' } })).toBe(true);
    expect(s.context.ref).toEqual([1, 0]);
    expect(holds(m, prefix, 'no-ref-survives-quiesce')).toBe(false);
    expect(holds(m, prefix.slice(0, -1), 'no-ref-survives-quiesce')).toBe(true);
  });

  it('then the channel is freed under atx0: no-use-after-free fails', () => {
    const m = buildSystem(scenario);
    const events = [...prefix, ...steps('ioh0.keyOff', 'ioh0.putRefs', 'atx0.use')];
    expect(holds(m, events, 'no-use-after-free')).toBe(false);
    expect(observe(viewOf(run(m, events)), m).violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  it('with threshold 2 the same interleaving only delays the quiesce: the next round sees the reference', () => {
    const m = buildSystem({ ...scenario, quiesceThreshold: 2 });
    const events = [...prefix, ...ROUND];
    const s = run(m, events);
    expect(s.matches({ ioh0: { quiesce: 'roundStart' } })).toBe(true);
    expect(s.context.iohs[0].count).toBe(0);
    expect(holds(m, events, 'no-ref-survives-quiesce')).toBe(true);
  });
});

describe('use after quiesce (rfc-wait): async_tx re-gets its cached pointer after key-off', () => {
  const prefix = [...steps('atx0.get', 'atx0.find', 'atx0.use', 'atx0.put'), ...UNREGISTER, ...QUIESCE_2];

  it('dma_get_channel after key-off marks nothing dirty and takes a reference to a quiesced device', () => {
    const m = buildSystem(DEFAULT_SCENARIO);
    const events = [...prefix, ev('ioh0.putRefs'), ev('atx0.reget')];
    const s = run(m, events);
    expect(s.context.dirty).toBe(0);
    expect(holds(m, events, 'no-ref-survives-quiesce')).toBe(false);
    const used = [...events, ev('atx0.use')];
    expect(holds(m, used, 'no-use-after-free')).toBe(false);
    expect(observe(viewOf(run(m, used)), m).violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  it('while the key is on, the same re-get bumps dmaengine_dirty and the round restarts', () => {
    const m = buildSystem(DEFAULT_SCENARIO);
    const events = [...steps('atx0.get', 'atx0.find', 'atx0.use', 'atx0.put'), ...UNREGISTER, ...steps('ioh0.keyOn', 'ioh0.clearDirty', 'atx0.reget', 'ioh0.tick')];
    const s = run(m, events);
    expect(s.context.dirty).toBe(1);
    expect(s.matches({ ioh0: { quiesce: 'roundStart' } })).toBe(true);
  });
});

describe('3.4 baseline: unregister frees channels under their users', () => {
  const events = [...steps('net0.get', 'net0.find'), ...UNREGISTER, ...steps('ioh0.free', 'net0.use')];

  it('net_dma uses a freed channel', () => {
    const m = buildSystem({ ...DEFAULT_SCENARIO, design: 'baseline' });
    expect(holds(m, events.slice(0, -1), 'no-use-after-free')).toBe(true);
    expect(holds(m, events, 'no-use-after-free')).toBe(false);
    expect(observe(viewOf(run(m, events)), m).violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it('rfc-wait does not free right after unregister: the sequence is impossible', () => {
    const m = buildSystem(DEFAULT_SCENARIO);
    expect(() => run(m, events)).toThrow(/ioh0.free.*not enabled/);
  });
});

describe('dmaengine_put during an in-flight round (the releasesEarly misuse: no design protects it)', () => {
  const early = (design: 'baseline' | 'rfc-wait', releasesEarly: boolean) => ({
    ...DEFAULT_SCENARIO,
    design,
    clients: DEFAULT_SCENARIO.clients.map((c) => (c.name === 'net0' ? { ...c, releasesEarly } : c)),
  });
  for (const design of ['baseline', 'rfc-wait'] as const) {
    it(`frees the channel under the worker (${design})`, () => {
      const m = buildSystem(early(design, true));
      const events = steps('net0.get', 'net0.find', 'net0.release', 'net0.use');
      expect(observe(viewOf(run(m, events)), m).violations).toEqual(['use-after-free:net0:ioat0.0']);
    });
    it(`is not possible for a well-behaved client (${design})`, () => {
      const m = buildSystem(early(design, false));
      expect(() => run(m, steps('net0.get', 'net0.find', 'net0.release'))).toThrow();
    });
  }
});
