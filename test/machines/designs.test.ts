/**
 * The known flaws replayed on the designs that claim to fix them: each sequence is either
 * impossible (a step is not enabled), harmless (the property holds at the end), or — where
 * the design's claim is wrong — still breaks the property, asserted as such.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { buildSystem, observe, type SystemModel } from '../../machines/system/index.ts';
import { viewOf } from '../../machines/view.ts';
import { propertyNamed, type SafetyProperty } from '../../spec/properties.ts';
import { DEFAULT_SCENARIO, type DesignName, type Scenario } from '../../src/scenario.ts';
import { designModel } from '../../src/designs/models.ts';
import { run } from './bfs.ts';

const ev = (type: string, payload: Record<string, number | boolean> = {}): StepEvent => ({ type, ...payload });
const steps = (...types: string[]) => types.map((t) => ev(t));
const sys = (design: DesignName, s: Scenario = DEFAULT_SCENARIO): SystemModel => buildSystem({ ...s, design });
const holds = (m: SystemModel, events: StepEvent[], name: string) =>
  (propertyNamed(name) as SafetyProperty).holds(viewOf(run(m, events)), m);
const violations = (m: SystemModel, events: StepEvent[]) => observe(viewOf(run(m, events)), m).violations;

const NEVER_RELEASING_SLAVE: Scenario = {
  ...DEFAULT_SCENARIO,
  clients: DEFAULT_SCENARIO.clients.map((c) => (c.kind === 'slave' ? { ...c, releases: false } : c)),
};
const SLAVE_HOLDS = [ev('slave0.request', { allocOk: true }), ev('slave0.use')];
const NET_IN_FLIGHT = steps('net0.get', 'net0.find');

describe('notifier', () => {
  it('claims what it is tested for', () => {
    expect(designModel('notifier').claims).toEqual(expect.arrayContaining(['no-use-after-free', 'removal-completes']));
  });
  it('a never-releasing slave is asked, acks by releasing, and removal completes', () => {
    const m = sys('notifier', NEVER_RELEASING_SLAVE);
    const events = [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.notify', 'slave0.ack', 'atx0.get', 'ioh0.putRefs', 'ioh0.free')];
    const s = run(m, events);
    expect(s.matches({ ioh0: 'removed', slave0: 'released' })).toBe(true);
    expect(violations(m, events)).toEqual([]);
  });
  it('waits for the ack of a user whose round is in flight: the baseline free-under-user is impossible', () => {
    const m = sys('notifier');
    const asked = [...NET_IN_FLIGHT, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.notify')];
    expect(run(m, asked).can(ev('ioh0.putRefs'))).toBe(false);
    expect(run(m, asked).can(ev('net0.ack'))).toBe(false); // not between rounds yet
    const done = [...asked, ...steps('net0.use', 'net0.put', 'net0.ack', 'ioh0.putRefs', 'ioh0.free')];
    expect(run(m, done).matches({ ioh0: 'removed' })).toBe(true);
    expect(violations(m, done)).toEqual([]);
  });
  it('an asked client starts no new round before it acks (a busy client cannot cycle past its ack)', () => {
    const busy: Scenario = { ...DEFAULT_SCENARIO, clients: DEFAULT_SCENARIO.clients.map((c) => (c.kind === 'net_dma' ? { ...c, busy: true } : c)) };
    const m = sys('notifier', busy);
    const asked = [...steps('net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify')];
    expect(run(m, asked).can(ev('net0.find'))).toBe(false);
    expect(run(m, [...asked, ev('net0.ack')]).can(ev('net0.find'))).toBe(true);
    expect(run(sys('rfc-wait', busy), steps('net0.get', 'ioh0.eject', 'ioh0.unregister')).can(ev('net0.find'))).toBe(true);
  });
  it('the ack drops async_tx’s cached pointer, so there is no re-get after the free', () => {
    const m = sys('notifier');
    const events = [...steps('atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify', 'atx0.ack')];
    expect(run(m, events).context.threads[1].cached).toBe(-1);
    expect(run(m, events).can(ev('atx0.reget'))).toBe(false);
  });
});

describe('fail-fast', () => {
  it('a slave releases when prep returns NULL, and removal completes', () => {
    const m = sys('fail-fast');
    const events = [ev('slave0.request', { allocOk: true }), ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.markDying', 'slave0.use', 'slave0.release')];
    expect(run(m, events).context.uaf[2]).toEqual([0, 0]); // the prep on the dying device touched nothing
    expect(run(m, [...events, ...steps('ioh0.putRefs', 'ioh0.free')]).matches({ ioh0: 'removed' })).toBe(true);
  });
  it('its no-use-after-free claim is wrong: a find before the free and a use after it', () => {
    expect(designModel('fail-fast').claims).toContain('no-use-after-free');
    const m = sys('fail-fast');
    const events = [...NET_IN_FLIGHT, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.markDying', 'ioh0.putRefs', 'ioh0.free', 'net0.use')];
    expect(holds(m, events, 'no-use-after-free')).toBe(false);
    expect(violations(m, events)).toEqual(['use-after-free:net0:ioat0.0']);
  });
  it('a never-releasing slave still hangs removal (the design assumes clients release on NULL)', () => {
    const m = sys('fail-fast', NEVER_RELEASING_SLAVE);
    const events = [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.markDying', 'ioh0.putRefs')];
    const s = run(m, events);
    expect(s.matches({ ioh0: 'waiting' })).toBe(true);
    expect(s.can(ev('ioh0.free'))).toBe(false);
    expect(s.can(ev('slave0.release'))).toBe(false);
    expect(designModel('fail-fast').assumptions.some((a) => a.flags.releases === true)).toBe(true);
  });
});

describe('kref', () => {
  it('unregister returns at once and the memory outlives it while a user holds the channel', () => {
    const m = sys('kref');
    const events = [...NET_IN_FLIGHT, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.putRef', 'net0.use', 'net0.put')];
    const s = run(m, events);
    expect(s.matches({ ioh0: 'removed' })).toBe(true);
    expect(s.context.devices[0].freed).toBe(0);
    expect(violations(m, events)).toEqual([]);
  });
  it('frees the device at the last dma_chan_put of a slave that held it across unregister', () => {
    const m = sys('kref', NEVER_RELEASING_SLAVE);
    const s = run(m, [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.putRef')]);
    expect(s.matches({ ioh0: 'removed' })).toBe(true); // removal completes even with a never-releasing slave
    expect(s.context.devices[0].freed).toBe(0);
    const c = sys('kref');
    const t = run(c, [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.putRef', 'slave0.release')]);
    expect(t.context.devices[0].freed).toBe(1);
    expect(observe(viewOf(t), c).violations).toEqual([]);
  });
});

describe('percpu-ref', () => {
  it('the atomic-mode wait sees a holder the CPU-by-CPU read missed: no false zero', () => {
    const s: Scenario = { ...DEFAULT_SCENARIO, quiesceThreshold: 1, clients: DEFAULT_SCENARIO.clients.slice(0, 2) };
    const m = sys('percpu-ref', s);
    const events = [...steps('net0.get', 'atx0.get', 'atx0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'net0.find')];
    const killed = run(m, events);
    expect(killed.context.ref).toEqual([0, 1]); // net0's find after the kill took nothing
    expect(run(m, [...events, ev('net0.migrate', { cpu: 1 }), ev('net0.use'), ev('net0.put'), ev('ioh0.gracePeriod')]).can(ev('ioh0.drained'))).toBe(false);
    const drained = [...events, ...steps('net0.use', 'net0.put', 'ioh0.gracePeriod', 'atx0.use', 'atx0.put', 'ioh0.drained')];
    expect(holds(m, drained, 'no-ref-survives-quiesce')).toBe(true);
  });
  it('a re-get after the drain fails (tryget_live on a killed ref) instead of taking a reference', () => {
    const m = sys('percpu-ref');
    const events = [...steps('atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod', 'ioh0.drained', 'atx0.reget', 'atx0.use')];
    const s = run(m, events);
    expect(s.context.threads[1].chan).toBe(-1);
    expect(holds(m, events, 'no-ref-survives-quiesce')).toBe(true);
    expect(violations(m, events)).toEqual([]);
  });
  it('but a re-get after the free touches the freed reference (its stated assumption)', () => {
    const m = sys('percpu-ref');
    const prefix = steps('atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod', 'ioh0.drained', 'ioh0.putRefs', 'ioh0.free', 'atx0.reget');
    expect(violations(m, prefix)).toEqual(['use-after-free:atx0:ioat0.1']);
  });
});

describe('every design', () => {
  for (const d of ['baseline', 'rfc-wait', 'notifier', 'fail-fast', 'kref', 'percpu-ref'] as const)
    it(`${d}: names its wait state <ioh>.waiting or has none, and states its assumptions`, () => {
      const D = designModel(d);
      expect(D.assumptions.length).toBeGreaterThan(0);
      const ids = JSON.stringify(sys(d).config);
      if (D.freeWaitsForHolders && d !== 'kref') expect(ids).toContain('"ioh0.waiting"');
      expect(D.unregisterPhases.every((p) => p.step.length > 0)).toBe(true);
    });
});
