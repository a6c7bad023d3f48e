/**
 * The known flaws replayed on the designs that claim to fix them: each sequence is either
 * impossible (a step is not enabled), harmless (the property holds at the end), or — where
 * the design's claim is wrong — still breaks the property, asserted as such.
 */
import { describe, expect, it } from 'vitest';
import { cloneContext, type StepEvent } from '../../machines/kit.ts';
import { observe, type SystemModel } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { propertyNamed, type SafetyProperty } from '../../machines/system/properties.ts';
import { DEFAULT_SCENARIO, type DesignName, type Scenario } from '../../src/scenario.ts';
import { designModel } from '../../src/designs/models.ts';
import type { ChannelCtx, SystemContext } from '../../machines/system/context.ts';

import { checkDesign } from '../../src/check/run.ts';
import { checkModel } from '../../src/check/engine/check.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { noUseAfterFree, type SystemView } from '../../machines/system/properties.ts';
import { ALLOC_FAIL } from '../../src/mbt/coverage-scenarios.ts';
import { channelLoopThenFree } from '../core/fixtures.ts';

const ev = (type: string, payload: Record<string, number | boolean> = {}): StepEvent => ({ type, ...payload });
const steps = (...types: string[]) => types.map((t) => ev(t));
const sys = (design: DesignName, s: Scenario = DEFAULT_SCENARIO): SystemModel => systemFor({ ...s, design });
const holds = (m: SystemModel, events: StepEvent[], name: string) => (propertyNamed(name) as SafetyProperty).holds(snapshotView(runWithXstate(m, events)), m);
const violations = (m: SystemModel, events: StepEvent[]) => observe(snapshotView(runWithXstate(m, events)), m).violations;

const NEVER_RELEASING_SLAVE: Scenario = {
  ...DEFAULT_SCENARIO,
  clients: DEFAULT_SCENARIO.clients.map((c) => (c.kind === 'slave' ? { ...c, releases: false } : c)),
};
/** src/mbt/coverage-scenarios.ts ALLOC_FAIL: net0 (its dmaengine_get may fail the first alloc) and slave0 on one two-channel device. */
const ALLOC_FAIL_SCENARIO: Scenario = ALLOC_FAIL;
const SLAVE_HOLDS = [ev('slave0.request', { allocOk: true }), ev('slave0.use')];
const NET_IN_FLIGHT = steps('net0.get', 'net0.find');

describe('notifier', () => {
  it('claims what it is tested for', () => {
    expect(designModel('notifier').claims).toEqual(expect.arrayContaining(['no-use-after-free', 'removal-completes']));
  });
  it('a never-releasing slave is asked, acks by releasing, and removal completes', () => {
    const m = sys('notifier', NEVER_RELEASING_SLAVE);
    const events = [
      ...SLAVE_HOLDS,
      ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.notify', 'slave0.ack', 'atx0.get', 'ioh0.putRefs', ...channelLoopThenFree('ioh0', 2)),
    ];
    const s = runWithXstate(m, events);
    expect(s.matches({ ioh0: 'removed', slave0: 'released' })).toBe(true);
    expect(violations(m, events)).toEqual([]);
  });
  it('waits for the ack of a user whose round is in flight: the baseline free-under-user is impossible', () => {
    const m = sys('notifier');
    const asked = [...NET_IN_FLIGHT, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.notify')];
    expect(runWithXstate(m, asked).can(ev('ioh0.putRefs'))).toBe(false);
    expect(runWithXstate(m, asked).can(ev('net0.ack'))).toBe(false); // not between rounds yet
    const done = [
      ...asked,
      ...steps('net0.use', 'net0.put', 'net0.ack', 'ioh0.putRefs', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.synchronizeRcu', 'ioh0.free'),
    ];
    expect(runWithXstate(m, done).matches({ ioh0: 'removed' })).toBe(true);
    expect(violations(m, done)).toEqual([]);
  });
  it('an asked client starts no new round before it acks (a busy client cannot cycle past its ack)', () => {
    const busy: Scenario = { ...DEFAULT_SCENARIO, clients: DEFAULT_SCENARIO.clients.map((c) => (c.kind === 'net_dma' ? { ...c, busy: true } : c)) };
    const m = sys('notifier', busy);
    const asked = [...steps('net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify')];
    expect(runWithXstate(m, asked).can(ev('net0.find'))).toBe(false);
    expect(runWithXstate(m, [...asked, ev('net0.ack')]).can(ev('net0.find'))).toBe(true);
    expect(runWithXstate(sys('rfc-wait', busy), steps('net0.get', 'ioh0.eject', 'ioh0.unregister')).can(ev('net0.find'))).toBe(true);
  });
  it('the ack drops async_tx’s cached pointer, so there is no re-get after the free', () => {
    const m = sys('notifier');
    const events = [...steps('atx0.get', 'atx0.find', 'atx0.use', 'atx0.put', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify', 'atx0.ack')];
    expect(runWithXstate(m, events).context.threads[1].cached).toBe(-1);
    expect(runWithXstate(m, events).can(ev('atx0.reget'))).toBe(false);
  });
});

describe('fail-fast', () => {
  it('a slave releases when prep returns NULL, and removal completes', () => {
    const m = sys('fail-fast');
    const events = [ev('slave0.request', { allocOk: true }), ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.markDying', 'slave0.use', 'slave0.release')];
    expect(runWithXstate(m, events).context.uaf[2]).toEqual([0, 0]); // the prep on the dying device touched nothing
    expect(
      runWithXstate(m, [...events, ...steps('ioh0.putRefs', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.synchronizeRcu', 'ioh0.free')]).matches({
        ioh0: 'removed',
      }),
    ).toBe(true);
  });
  it('its no-use-after-free claim is wrong: a find before the free and a use after it', () => {
    expect(designModel('fail-fast').claims).toContain('no-use-after-free');
    const m = sys('fail-fast');
    const events = [
      ...NET_IN_FLIGHT,
      ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.markDying', 'ioh0.putRefs', ...channelLoopThenFree('ioh0', 2), 'net0.use'),
    ];
    expect(holds(m, events, 'no-use-after-free')).toBe(false);
    expect(violations(m, events)).toEqual(['use-after-free:net0:ioat0.0']);
  });
  it('a never-releasing slave still hangs removal (the design assumes clients release on NULL)', () => {
    const m = sys('fail-fast', NEVER_RELEASING_SLAVE);
    const events = [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.markDying', 'ioh0.putRefs')];
    const s = runWithXstate(m, events);
    expect(s.matches({ ioh0: 'waiting' })).toBe(true);
    expect(s.can(ev('ioh0.chanUnregister'))).toBe(false); // the wait: the channel loop does not begin
    expect(s.can(ev('ioh0.free'))).toBe(false);
    expect(s.can(ev('slave0.release'))).toBe(false);
    expect(designModel('fail-fast').assumptions.some((a) => a.flags.releases === true)).toBe(true);
  });
});

for (const [design, releaseViolations] of [
  ['kref-fixed', []],
  // As shipped: the last dma_chan_put frees, then module_put / privatecnt read the device (Garg-2).
  ['kref', ['use-after-free:slave0:ioat0.0']],
] as const)
  describe(design, () => {
    it('unregister returns at once and the memory outlives it while a user holds the channel', () => {
      const m = sys(design);
      const events = [...NET_IN_FLIGHT, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.putRef', 'net0.use', 'net0.put')];
      const s = runWithXstate(m, events);
      expect(s.matches({ ioh0: 'removed' })).toBe(true);
      expect(s.context.devices[0].freed).toBe(0);
      expect(violations(m, events)).toEqual([]);
    });
    it('frees the device at the last dma_chan_put of a slave that held it across unregister', () => {
      const m = sys(design, NEVER_RELEASING_SLAVE);
      const s = runWithXstate(m, [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.putRef')]);
      expect(s.matches({ ioh0: 'removed' })).toBe(true); // removal completes even with a never-releasing slave
      expect(s.context.devices[0].freed).toBe(0);
      expect(s.context.design.devices[0].kref).toBe(1); // the slave's channel reference
      const c = sys(design);
      const t = runWithXstate(c, [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.putRef', 'slave0.release')]);
      expect(t.context.devices[0].freed).toBe(1);
      expect(observe(snapshotView(t), c).violations).toEqual(releaseViolations);
    });
  });

/** Both dmaengine_get users of the default scenario do all their rounds, then dmaengine_put. */
const TWO_USERS_CYCLE = steps(
  'net0.get',
  'atx0.get',
  ...Array(DEFAULT_SCENARIO.clients[0].rounds).fill(['net0.find', 'net0.use', 'net0.put']).flat(),
  'net0.release',
  'atx0.find',
  'atx0.use',
  'atx0.put',
  'atx0.release',
);

describe('kref with two dmaengine_get users and no removal (8ad342a86359 as shipped, fixed by Garg-1)', () => {
  it('as shipped: the kref counts every put: 1 + 2 channels, −2 per dmaengine_put, and the second frees the listed device', () => {
    const m = sys('kref');
    const afterGets = runWithXstate(m, TWO_USERS_CYCLE.slice(0, 2));
    expect(afterGets.context.design.devices[0].kref).toBe(3); // only the 0→1 gets took a device reference
    const netDone = TWO_USERS_CYCLE.indexOf(TWO_USERS_CYCLE.find((e) => e.type === 'net0.release')!) + 1;
    expect(runWithXstate(m, TWO_USERS_CYCLE.slice(0, netDone)).context.design.devices[0].kref).toBe(1);
    const s = runWithXstate(m, TWO_USERS_CYCLE);
    expect(s.context.design.devices[0].kref).toBe(0);
    expect(s.context.devices[0]).toMatchObject({ listed: 0, freed: 1 }); // dma_device_release: list_del_rcu (issue 31 M2)
    expect(s.matches({ ioh0: 'online' })).toBe(true);
    expect(violations(m, TWO_USERS_CYCLE)).toEqual(['use-after-free:atx0:ioat0.0', 'use-after-free:atx0:ioat0.1']);
  });
  it('fixed: the kref is 1 + the channels in use, and both dmaengine_puts leave the device alive', () => {
    const m = sys('kref-fixed');
    const s = runWithXstate(m, TWO_USERS_CYCLE);
    expect(s.context.design.devices[0].kref).toBe(1);
    expect(s.context.devices[0]).toMatchObject({ listed: 1, freed: 0 });
    expect(violations(m, TWO_USERS_CYCLE)).toEqual([]);
  });
  it('the observable shows the device kref under the kref designs only (devices[].kref), as the context holds it', () => {
    const krefOf = (design: DesignName, events: StepEvent[]) => {
      const m = sys(design);
      return observe(snapshotView(runWithXstate(m, events)), m).devices.map((d) => d.kref);
    };
    const netDone = TWO_USERS_CYCLE.findIndex((e) => e.type === 'net0.release') + 1;
    const shipped = [0, 2, netDone, TWO_USERS_CYCLE.length].map((n) => krefOf('kref', TWO_USERS_CYCLE.slice(0, n))[0]);
    expect(shipped).toEqual([1, 3, 1, 0]);
    expect(krefOf('kref-fixed', TWO_USERS_CYCLE)).toEqual([1]);
    for (const design of ['baseline', 'notifier', 'rfc-wait'] as const) {
      const m = sys(design);
      const devices = observe(snapshotView(runWithXstate(m, TWO_USERS_CYCLE.slice(0, 2))), m).devices;
      expect(
        devices.every((d) => !('kref' in d)),
        design,
      ).toBe(true); // 3.x has no device->ref: absent, not 0
    }
  });
});

/** Two dmaengine_get users that never overlap: net0 does its rounds and puts, then atx0 gets, does its round and puts. */
const TWO_USERS_APART = steps(
  'net0.get',
  ...Array(DEFAULT_SCENARIO.clients[0].rounds).fill(['net0.find', 'net0.use', 'net0.put']).flat(),
  'net0.release',
  'atx0.get',
  'atx0.find',
  'atx0.use',
  'atx0.put',
  'atx0.release',
);

describe('kref-5-10: 5.10.7’s dma_chan_get counts a public channel’s first get twice (issue 31 M1)', () => {
  it('balance_ref_count then out: client_count++ (5.10.7 dmaengine.c:473-477): one dmaengine_get leaves client_count 2', () => {
    expect(runWithXstate(sys('kref-5-10'), steps('net0.get')).context.channels.map((c: ChannelCtx) => c.clientCount)).toEqual([2, 2]);
    expect(runWithXstate(sys('kref'), steps('net0.get')).context.channels.map((c: ChannelCtx) => c.clientCount)).toEqual([1, 1]); // 7.0 :476-479
  });
  it('the phantom count is never dropped: resources stay allocated after the only user’s dmaengine_put', () => {
    const netDone = TWO_USERS_APART.findIndex((e) => e.type === 'net0.release') + 1;
    const s = runWithXstate(sys('kref-5-10'), TWO_USERS_APART.slice(0, netDone));
    expect(s.context.channels.map((c: ChannelCtx) => [c.clientCount, c.resources])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(s.context.design.devices[0].kref).toBe(1);
  });
  it('two users that never overlap free the device at the second dmaengine_put, with no removal; 7.0 does not', () => {
    const m = sys('kref-5-10');
    const s = runWithXstate(m, TWO_USERS_APART);
    expect(s.context.design.devices[0].kref).toBe(0);
    expect(s.context.devices[0].freed).toBe(1);
    expect(s.matches({ ioh0: 'online' })).toBe(true);
    expect(violations(m, TWO_USERS_APART)).toEqual(['use-after-free:atx0:ioat0.0', 'use-after-free:atx0:ioat0.1']);
    const seven = sys('kref');
    expect(runWithXstate(seven, TWO_USERS_APART).context.devices[0].freed).toBe(0);
    expect(violations(seven, TWO_USERS_APART)).toEqual([]);
  });
});

describe('mainline unregister and dma_device_release (issue 31 M2, M3, M5, M4)', () => {
  const TWO_SLAVES: Scenario = {
    ...DEFAULT_SCENARIO,
    clients: [DEFAULT_SCENARIO.clients[2], { ...DEFAULT_SCENARIO.clients[2], name: 'slave1', cpu: 1 }],
  };
  const TEARDOWN = [...SLAVE_HOLDS, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.putRef')];

  it('M5: the channel loop is a step per channel, the device public; putRef is the mutex section, one step', () => {
    const m = sys('kref', NEVER_RELEASING_SLAVE);
    // The loop's first iteration (7.0 :1305-1306 → :1137-1153): chancnt 2 → 1, the device listed and public.
    const first = runWithXstate(m, steps('net0.get', 'ioh0.eject', 'ioh0.unregister'));
    expect(first.context.devices[0]).toMatchObject({ listed: 1, private: 0 });
    expect(first.context.design.devices[0].unregistered).toBe(1);
    expect(first.context.design.devices[0].kref).toBe(3);
    expect(first.can(ev('ioh0.putRef'))).toBe(false); // a channel left: no section yet
    expect(first.can(ev('ioh0.chanUnregister'))).toBe(true);
    const loopDone = runWithXstate(m, steps('net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister'));
    expect(loopDone.context.design.devices[0].unregistered).toBe(2);
    expect(loopDone.context.devices[0]).toMatchObject({ listed: 1, private: 0 });
    expect(loopDone.can(ev('ioh0.chanUnregister'))).toBe(false);
    const after = runWithXstate(m, steps('net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.putRef'));
    // DMA_PRIVATE, rebalance (the table empties) and the registration reference dropped together,
    // and dma_list_mutex is not held across steps: no other thread runs inside the section.
    expect(after.context.devices[0]).toMatchObject({ listed: 1, private: 1, freed: 0 });
    expect(after.context.table[0]).toEqual([-1, -1]);
    expect(after.context.design.devices[0].kref).toBe(2);
    expect(after.context.listMutex).toBe(-1);
    expect(after.matches({ ioh0: 'removed' })).toBe(true);
  });

  it('chancnt: on 7.0 a request between the channel unregisters gets the channel whose alloc failed; 5.10.7 list_del’ed it', () => {
    // net0's dmaengine_get fails ioat0.0's alloc: ioat0.0 free, ioat0.1 in use. While chancnt is 2
    // private_candidate's mixed check refuses the public device (7.0 :634, 5.10.7 :631).
    const FAILED = [ev('net0.getAllocFails')];
    const request = ev('slave0.request', { allocOk: true });
    const chanOf = (design: DesignName, events: StepEvent[]) => runWithXstate(sys(design, ALLOC_FAIL_SCENARIO), [...events, request]).context.threads[1].chan;
    for (const design of ['kref', 'kref-5-10'] as const) expect(chanOf(design, FAILED), design).toBe(-1);
    // After the first channel's unregister chancnt is 1 (7.0 :1147): the check is skipped and
    // the first free channel on device->channels is ioat0.0. 5.10.7 took ioat0.0 off the list
    // (:1113): only ioat0.1, in use, is left.
    const firstDone = [...FAILED, ...steps('ioh0.eject', 'ioh0.unregister')];
    expect(chanOf('kref', firstDone)).toBe(0);
    expect(chanOf('kref-5-10', firstDone)).toBe(-1);
    // Between the loop and the section (chancnt 0, the device still public): the same.
    const loopDone = [...firstDone, ev('ioh0.chanUnregister')];
    expect(chanOf('kref', loopDone)).toBe(0);
    expect(chanOf('kref-5-10', loopDone)).toBe(-1);
    // 7.0: the slave holds ioat0.0 of the departing device and its dma_chan_get took a device reference.
    const s = runWithXstate(sys('kref', ALLOC_FAIL_SCENARIO), [...loopDone, request]);
    expect(s.context.devices[0]).toMatchObject({ listed: 1, private: 1, privatecnt: 1 });
    expect(s.context.design.devices[0].kref).toBe(3);
  });

  it('M2/M3: the device stays listed until its release, which unlists it and rebalances', () => {
    const m = sys('kref');
    const held = runWithXstate(m, TEARDOWN);
    expect(held.context.devices[0]).toMatchObject({ listed: 1, private: 1, freed: 0 });
    const released = runWithXstate(m, [...TEARDOWN, ev('slave0.release')]);
    expect(released.context.devices[0]).toMatchObject({ listed: 0, freed: 1 });
    // 5.10.7: the release after two users apart empties the table their dmaengine_put left.
    const apart = runWithXstate(sys('kref-5-10'), TWO_USERS_APART);
    expect(apart.context.devices[0]).toMatchObject({ listed: 0, freed: 1 });
    expect(apart.context.table[0]).toEqual([-1, -1]);
    expect(runWithXstate(sys('kref'), TWO_USERS_APART).context.table[0]).not.toEqual([-1, -1]); // 7.0: nothing released, stale entries stay
  });

  it('M4: with channel 0 held across unregister, a request gets channel 1 on 7.0 (kref) and NULL on 5.10.7 (kref-5-10)', () => {
    const late = [...TEARDOWN, ev('slave1.request', { allocOk: true })];
    const seven = runWithXstate(sys('kref', TWO_SLAVES), late);
    expect(seven.context.threads.map((t: { chan: number }) => t.chan)).toEqual([0, 1]);
    expect(seven.context.devices[0]).toMatchObject({ listed: 1, private: 1, privatecnt: 2 });
    const five = runWithXstate(sys('kref-5-10', TWO_SLAVES), late);
    expect(five.context.threads.map((t: { chan: number }) => t.chan)).toEqual([0, -1]);
    // 7.0: nothing is freed under the late slave; the last release frees the device and reads it after (Garg-2).
    const whole = [...late, ...steps('slave1.use', 'slave0.release', 'slave1.release')];
    expect(violations(sys('kref', TWO_SLAVES), whole)).toEqual(['use-after-free:slave1:ioat0.1']);
    expect(violations(sys('kref-fixed', TWO_SLAVES), whole)).toEqual([]);
  });
});

describe('percpu-ref', () => {
  it('the atomic-mode wait sees a holder the CPU-by-CPU read missed: no false zero', () => {
    const s: Scenario = { ...DEFAULT_SCENARIO, quiesceThreshold: 1, clients: DEFAULT_SCENARIO.clients.slice(0, 2) };
    const m = sys('percpu-ref', s);
    const events = [...steps('net0.get', 'atx0.get', 'atx0.find', 'atx0.inc', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'net0.find', 'net0.inc')];
    const killed = runWithXstate(m, events);
    expect(killed.context.ref).toEqual([0, 1]); // net0's find after the kill took nothing
    expect(runWithXstate(m, [...events, ev('net0.migrate', { cpu: 1 }), ev('net0.use'), ev('net0.put'), ev('ioh0.gracePeriod')]).can(ev('ioh0.drained'))).toBe(
      false,
    );
    const drained = [...events, ...steps('net0.use', 'net0.put', 'ioh0.gracePeriod', 'atx0.use', 'atx0.put', 'ioh0.drained')];
    expect(holds(m, drained, 'no-ref-survives-quiesce')).toBe(true);
  });
  it('a re-get after the drain fails (tryget_live on a killed ref) instead of taking a reference', () => {
    const m = sys('percpu-ref');
    const events = [
      ...steps(
        'atx0.get',
        'atx0.find',
        'atx0.inc',
        'atx0.use',
        'atx0.put',
        'ioh0.eject',
        'ioh0.unregister',
        'ioh0.kill',
        'ioh0.gracePeriod',
        'ioh0.drained',
        'atx0.reget',
        'atx0.inc',
        'atx0.use',
      ),
    ];
    const s = runWithXstate(m, events);
    expect(s.context.threads[1].chan).toBe(-1);
    expect(holds(m, events, 'no-ref-survives-quiesce')).toBe(true);
    expect(violations(m, events)).toEqual([]);
  });
  it('but a re-get after the free touches the freed reference (its stated assumption)', () => {
    const m = sys('percpu-ref');
    const prefix = steps(
      'atx0.get',
      'atx0.find',
      'atx0.inc',
      'atx0.use',
      'atx0.put',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.kill',
      'ioh0.gracePeriod',
      'ioh0.drained',
      'ioh0.putRefs',
      ...channelLoopThenFree('ioh0', 2),
      'atx0.reget',
      'atx0.inc',
    );
    expect(violations(m, prefix)).toEqual(['use-after-free:atx0:ioat0.1']);
  });
});

describe('kref as a checker verdict on the default scenario (net_dma and async_tx are two dmaengine_get users)', () => {
  const verdict = (design: DesignName) => checkDesign(DEFAULT_SCENARIO, designModel(design)).results.find((p) => p.name === 'no-use-after-free')!;
  it('as shipped: no-use-after-free is violated; the shortest trace is the slave release after unregister (Garg-2)', () => {
    const r = verdict('kref');
    expect(r.verdict).toBe('violated');
    const t = r.trace!.steps.map((x) => x.event.type);
    expect(t.at(-1)).toBe('slave0.release');
    expect(t).toContain('ioh0.putRef');
  });
  it('as shipped, with no removal at all: the second dmaengine_put frees the device under nobody’s unregister', () => {
    // no-use-after-free restricted to states where the IOH was never ejected.
    const beforeEject = {
      name: 'no-use-after-free-before-eject',
      holds: (v: SystemView, m: SystemModel) => noUseAfterFree.holds(v, m) || !v.active('ioh0.online'),
    };
    const r = checkModel(sys('kref'), { safety: [beforeEject], liveness: [] }).results[0];
    expect(r.verdict).toBe('violated');
    const t = r.trace!.steps.map((x) => x.event.type);
    expect(t.some((x) => x.startsWith('ioh0.'))).toBe(false);
    expect(t.filter((x) => x.endsWith('.get'))).toHaveLength(2);
    // Both users dmaengine_put; the last one frees the listed device and reads it after.
    expect(t.filter((x) => x === 'net0.release' || x === 'atx0.release')).toHaveLength(2);
    const last = r.trace!.steps.at(-1)!;
    expect(last.event.type).toBe('atx0.release');
    expect(last.changes).toEqual(
      expect.arrayContaining([
        { name: 'devices[0].freed', from: 0, to: 1 },
        { name: 'design.devices[0].kref', from: 1, to: 0 },
      ]),
    );
    expect(last.changes).toEqual(expect.arrayContaining([{ name: 'uaf[1][0]', from: 0, to: 1 }]));
    expect(checkModel(sys('kref-fixed'), { safety: [beforeEject], liveness: [] }).results[0].verdict).toBe('holds');
  });
  it('fixed: no-use-after-free is violated only through the RCU walk: dma_device_release frees with no synchronize_rcu', () => {
    // Mainline dma_device_release: list_del_rcu, rebalance, device_release, no grace
    // period; a dma_issue_pending_all walk that saw the device touches it after the free.
    const r = verdict('kref-fixed');
    expect(r.verdict).toBe('violated');
    expect(r.trace!.steps.at(-1)!.event.type).toBe('net0-rx.check'); // reads the freed device's cap_mask
    // Without a NET_RX softirq (net_dma is the only walker modelled) the fix holds.
    const noWalker = { ...DEFAULT_SCENARIO, clients: DEFAULT_SCENARIO.clients.filter((c) => c.kind !== 'net_dma') };
    expect(checkDesign(noWalker, designModel('kref-fixed')).results.find((p) => p.name === 'no-use-after-free')!.verdict).toBe('holds');
  });
});

/**
 * D17 of the kernel review: two devices on one IOH, both memcpy, and a busy net_dma client
 * on CPU 1 that never stops. nth_chan gives CPU 0 ioat0.0 and CPU 1 ioat1.0, and after
 * ioat0's unregister both slots ioat1.0: the busy client only ever uses ioat1.
 */
const OTHER_DEVICE_BUSY: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'other-device-busy',
  design: 'percpu-ref',
  iohs: [
    {
      name: 'ioh0',
      socketCpus: [],
      devices: [
        { name: 'ioat0', channels: 1, capabilities: ['memcpy'] },
        { name: 'ioat1', channels: 1, capabilities: ['memcpy'] },
      ],
    },
  ],
  clients: [{ name: 'busy0', kind: 'net_dma', cpu: 1, capability: 'memcpy', releases: false, busy: true, migrates: false, rounds: 1 }],
};

describe('percpu-ref: one percpu_ref per device (lib/percpu-refcount.c)', () => {
  it('the busy client counts only on ioat1, the device of the channel it got', () => {
    const m = sys('percpu-ref', OTHER_DEVICE_BUSY);
    const s = runWithXstate(m, steps('busy0.get', 'busy0.find', 'busy0.inc'));
    expect(s.context.table[0]).toEqual([0, 1]); // nth_chan: CPU 0 → ioat0.0, CPU 1 → ioat1.0
    expect(s.context.design.deviceCpus.map((cpus: { pref: number }[]) => cpus.map((c) => c.pref))).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(s.context.ref).toEqual([0, 1]); // the observable per-CPU count: the sum over devices
    const killed = runWithXstate(m, steps('busy0.get', 'busy0.find', 'busy0.inc', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill', 'ioh0.gracePeriod'));
    expect(m.enabledEvents(snapshotView(killed)).map((e) => e.type)).toContain('ioh0.drained'); // ioat0's own count is 0
  });
  it('its per-CPU counts are a per-device-per-CPU design variable that the CPU symmetry permutes with ref[] (machines/system/symmetry.ts)', () => {
    const m = sys('percpu-ref', OTHER_DEVICE_BUSY);
    const ctx = cloneContext(runWithXstate(m, steps('busy0.get', 'busy0.find', 'busy0.inc')).context as SystemContext);
    m.symmetry!.permuteCpus(ctx, [1, 0]);
    expect(ctx.design.deviceCpus.map((cpus) => cpus.map((c) => c.pref))).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(ctx.ref).toEqual([1, 0]);
  });
  it('another device’s busy client no longer starves a removal: removal-completes holds', () => {
    const r = checkDesign(OTHER_DEVICE_BUSY, designModel('percpu-ref')).results.find((p) => p.name === 'removal-completes')!;
    expect(r.verdict).toBe('holds');
  });
});

describe('every design', () => {
  for (const d of ['baseline', 'rfc-wait', 'notifier', 'fail-fast', 'kref', 'kref-fixed', 'percpu-ref'] as const)
    it(`${d}: names its wait state <ioh>.waiting or has none, and states its assumptions`, () => {
      const D = designModel(d);
      expect(D.assumptions.length).toBeGreaterThan(0);
      const ids = JSON.stringify(sys(d).config);
      // A design that waits for holders names its wait state ioh0.waiting (kref waits inside putRef).
      if (!['baseline', 'kref', 'kref-fixed'].includes(d)) expect(ids).toContain('"ioh0.waiting"');
    });
});

/**
 * D18 of the kernel review: percpu_ref_tryget_live is a mode test inside rcu_read_lock,
 * then this_cpu_inc; the grace period after percpu_ref_kill waits for the readers between
 * the two. Without it (percpu-ref-nogp) the atomic-mode sum can read zero before such a
 * reader counts.
 */
describe('percpu-ref and its grace period', () => {
  const cooperative = behaviourScenario('cooperative');
  const uaf = (design: DesignName) => checkDesign(cooperative, designModel(design)).results.find((p) => p.name === 'no-use-after-free')!;

  it('percpu-ref: a tryget that saw the ref live holds back the grace period, so no use after free with cooperative clients', () => {
    expect(uaf('percpu-ref').verdict).toBe('holds');
  });

  it('percpu-ref-nogp: the sum reads zero between a tryget’s mode test and its inc; the device is freed under it', () => {
    const r = uaf('percpu-ref-nogp');
    expect(r.verdict).toBe('violated');
    const t = r.trace!.steps.map((s) => s.event.type);
    expect(t.indexOf('net0.find')).toBeLessThan(t.indexOf('ioh0.kill'));
    expect(t.indexOf('net0.inc')).toBeGreaterThan(t.indexOf('ioh0.drained'));
    expect(t.at(-1)).toBe('net0.use');
  });

  it('the grace period step is not enabled while a reader that saw the ref live is between its test and its inc', () => {
    const m = systemFor({ ...cooperative, design: 'percpu-ref' });
    const events = ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.kill'].map((type) => ({ type }));
    const v = snapshotView(runWithXstate(m, events));
    expect(m.enabledEvents(v).map((e) => e.type)).not.toContain('ioh0.gracePeriod');
    const after = snapshotView(runWithXstate(m, [...events, { type: 'net0.inc' }]));
    expect(m.enabledEvents(after).map((e) => e.type)).toContain('ioh0.gracePeriod');
  });
});

/**
 * The RFC base's dmaengine_put: 3/7 hunk @@ -559,7 +640,7 @@ shows it as
 * `if (--dmaengine_client_count == 0) dma_channel_rebalance()`; 3.6 and mainline do not
 * rebalance there (kernel/patches/rfc-base.patch, hunk 1).
 */
describe('dmaengine_put on the last user (putRebalances)', () => {
  const NET_ONLY: Scenario = { ...DEFAULT_SCENARIO, clients: DEFAULT_SCENARIO.clients.filter((c) => c.kind === 'net_dma').map((c) => ({ ...c, rounds: 1 })) };
  const events = steps('net0.get', 'net0.find', 'net0.inc', 'net0.test', 'net0.use', 'net0.put', 'net0.release');
  const plain = steps('net0.get', 'net0.find', 'net0.use', 'net0.put', 'net0.release');
  const tableAfter = (m: SystemModel, e: StepEvent[]): SystemContext => runWithXstate(m, e).context as SystemContext;

  for (const d of ['rfc-wait', 'rfc-wait-unheld'] as const)
    it(`${d}: the last put empties channel_table and the table counts`, () => {
      expect(designModel(d).putRebalances).toBe(true);
      const ctx = tableAfter(sys(d, NET_ONLY), events);
      expect(ctx.refCount).toBe(0);
      expect(ctx.table.every((row) => row.every((c) => c === -1))).toBe(true);
      expect(ctx.channels.map((c: ChannelCtx) => c.tableCount)).toEqual([0, 0]);
      // before the put the table was filled
      const before = tableAfter(sys(d, NET_ONLY), events.slice(0, -1));
      expect(before.table.some((row) => row.some((c) => c >= 0))).toBe(true);
    });

  it('rfc-wait: a put that leaves a user keeps the table (only the last one rebalances)', () => {
    const m = sys('rfc-wait');
    const ctx = tableAfter(m, [...steps('net0.get', 'atx0.get'), ...NET0_ROUNDS, ev('net0.release')]);
    expect(ctx.refCount).toBe(1);
    expect(ctx.table.some((row) => row.some((c) => c >= 0))).toBe(true);
  });

  for (const d of ['baseline', 'kref', 'kref-fixed', 'percpu-ref'] as const)
    it(`${d} (3.6/mainline dmaengine_put): the table keeps its entries after the last put`, () => {
      expect(designModel(d).putRebalances ?? false).toBe(false);
      const m = sys(d, NET_ONLY);
      const e = m.design.hotPath === 'plain' ? plain : steps('net0.get', 'net0.find', 'net0.inc', 'net0.use', 'net0.put', 'net0.release');
      const ctx = tableAfter(m, e);
      expect(ctx.refCount).toBe(0);
      expect(ctx.table.some((row) => row.some((c) => c >= 0))).toBe(true);
    });
});

/** net0's rounds of the standard scenario under the RFC hot path. */
const NET0_ROUNDS = Array.from({ length: DEFAULT_SCENARIO.clients[0].rounds }, () =>
  steps('net0.find', 'net0.inc', 'net0.test', 'net0.use', 'net0.put'),
).flat();
