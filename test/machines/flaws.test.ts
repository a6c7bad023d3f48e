/**
 * The known flaws (README, "What the checker finds") as
 * scripted event sequences on the system machine, each reaching a state where the named
 * property fails — and the same sequences blocked or harmless where a design fixes them.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { observe, type SystemModel } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { propertyNamed, type LivenessProperty, type SafetyProperty } from '../../machines/system/properties.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { replay } from '../../src/system/scheduler.ts';
import { System } from '../../src/system/system.ts';
import { channelLoopThenFree } from '../core/fixtures.ts';

const ev = (type: string, payload: Record<string, number | boolean> = {}): StepEvent => ({ type, ...payload });
const steps = (...types: string[]) => types.map((t) => ev(t));
const safety = (name: string) => propertyNamed(name) as SafetyProperty;
const liveness = (name: string) => propertyNamed(name) as LivenessProperty;
const holds = (m: SystemModel, events: StepEvent[], name: string) => safety(name).holds(snapshotView(runWithXstate(m, events)), m);
/** The RFC's dma_find_channel of thread `t`: table read, this_cpu_inc, key test. */
const find = (t: string) => steps(`${t}.find`, `${t}.inc`, `${t}.test`);
/** One RFC find → use → put round of `t`. */
const round = (t: string) => [...find(t), ...steps(`${t}.use`, `${t}.put`)];

/** net0's rounds of the default scenario, then its dmaengine_put. */
const NET0_DONE = [...Array.from({ length: DEFAULT_SCENARIO.clients[0].rounds }, () => round('net0')).flat(), ev('net0.release')];

/** One quiesce round of IOH ioh0 on 2 CPUs. */
const ROUND = steps('ioh0.clearDirty', 'ioh0.tick', 'ioh0.read', 'ioh0.read');
const UNREGISTER = steps('ioh0.eject', 'ioh0.unregister');
/** baseline: 3.6 unregister's channel loop, one step per channel of ioat0 (dmaengine.c:843-852). */
const CHAN_LOOP = steps('ioh0.chanUnregister', 'ioh0.chanUnregister');
/** The RFC's synchronize_rcu() (hunk @@ -788,6 +877,9 @@): its start, then the driver's free after its grace period. */
const SYNC_FREE = steps('ioh0.synchronizeRcu', 'ioh0.free');
/** The whole RFC quiesce at threshold 2 with nothing in flight, up to the mutex unlock. */
const QUIESCE_2 = [...steps('ioh0.keyOn'), ...ROUND, ...ROUND, ...steps('ioh0.keyOff', 'ioh0.unlock')];
const unheld = (s: Scenario): Scenario => ({ ...s, design: 'rfc-wait-unheld' });

describe('removal hangs (rfc-wait): a holder nobody tells to let go blocks unregister forever', () => {
  const slaveNeverReleases: Scenario = {
    ...DEFAULT_SCENARIO,
    design: 'rfc-wait-unheld',
    clients: DEFAULT_SCENARIO.clients.map((c) => (c.kind === 'slave' ? { ...c, releases: false } : c)),
  };
  const prefix = [
    ev('slave0.request', { allocOk: true }),
    ev('slave0.use'),
    ...UNREGISTER,
    ...QUIESCE_2,
    ev('ioh0.putRefs'),
    ...steps('net0.get', ...Array.from({ length: DEFAULT_SCENARIO.clients[0].rounds }, () => round('net0').map((e) => e.type)).flat(), 'net0.release'),
    ...steps('atx0.get', ...round('atx0').map((e) => e.type), 'atx0.release'),
  ];

  it('a never-releasing slave: a deadlock, nothing enabled, the IOH waits, the system is not final', () => {
    const m = systemFor(slaveNeverReleases);
    const v = snapshotView(runWithXstate(m, prefix));
    expect(v.active('ioh0.waiting')).toBe(true);
    expect(m.enabledEvents(v)).toEqual([]);
    expect(m.isFinal(v)).toBe(false);
    // removal-completes: the trigger holds and, with no step left, the goal never comes.
    expect(liveness('removal-completes').trigger(v, m)).toBe(true);
    expect(liveness('removal-completes').goal(v, m)).toBe(false);
    expect(liveness('waiting-client-answered').trigger(v, m)).toBe(true);
  });

  it('a cooperative slave answers the wait and removal completes (rfc-base-unheld)', () => {
    const m = systemFor(unheld(DEFAULT_SCENARIO));
    const v = snapshotView(runWithXstate(m, [...prefix, ev('slave0.release'), ...CHAN_LOOP, ...SYNC_FREE]));
    expect(v.active('ioh0.removed')).toBe(true);
    expect(liveness('removal-completes').goal(v, m)).toBe(true);
    expect(m.isFinal(v)).toBe(true);
  });

  it('rfc-base-kept: a dmaengine_get user loaded at unregister keeps its references on the channels, so the wait never ends', () => {
    // RFC 3/7 has no step dropping them, and dmaengine_put no longer reaches an unlisted device.
    const m = systemFor(DEFAULT_SCENARIO);
    const events = [...steps('net0.get'), ...UNREGISTER, ...QUIESCE_2, ...NET0_DONE];
    const v = snapshotView(runWithXstate(m, events));
    expect(v.active('ioh0.waiting')).toBe(true);
    expect(v.context.refCount).toBe(0);
    expect(v.context.channels.map((c: { clientCount: number }) => c.clientCount)).toEqual([1, 1]);
    // The wait: the channel loop (after it, the free) never begins.
    expect(m.enabledEvents(v).some((e) => e.type === 'ioh0.chanUnregister' || e.type === 'ioh0.free')).toBe(false);
    // The same run frees when every dmaengine_get user had put before unregister.
    const before = [...steps('net0.get'), ...NET0_DONE, ...UNREGISTER, ...QUIESCE_2, ...CHAN_LOOP, ...SYNC_FREE];
    expect(snapshotView(runWithXstate(m, before)).active('ioh0.removed')).toBe(true);
  });

  it('baseline does not hang on the same slave: it frees the device under it', () => {
    const m = systemFor({ ...slaveNeverReleases, design: 'baseline' });
    const s = runWithXstate(m, [ev('slave0.request', { allocOk: true }), ...UNREGISTER, ...CHAN_LOOP, ev('ioh0.free'), ev('slave0.use')]);
    expect(s.matches({ ioh0: 'removed' })).toBe(true);
    expect(observe(snapshotView(s), m).violations).toEqual(['use-after-free:slave0:ioat0.0']);
  });
});

describe('false-zero quiesce sum (rfc-wait): a migrating reader-dodger cancels a holder', () => {
  const scenario: Scenario = { ...DEFAULT_SCENARIO, design: 'rfc-wait-unheld', quiesceThreshold: 1, clients: DEFAULT_SCENARIO.clients.slice(0, 2) };
  // atx0 holds a per-CPU reference taken on CPU 1; the reader reads CPU 0 = 0; net0 incs on
  // CPU 0, migrates inside net_dma_find_channel, whose key test gives NULL and whose own
  // this_cpu_dec (3/7 hunk @@ -316,10 +354,15 @@) lands on CPU 1; the reader reads CPU 1 = 0:
  // sum 0 while atx0 holds.
  const prefix = [
    ...steps('net0.get', 'atx0.get'),
    ...find('atx0'),
    ...UNREGISTER,
    ...steps('ioh0.keyOn', 'ioh0.clearDirty', 'ioh0.tick', 'ioh0.read', 'net0.find', 'net0.inc'),
    ev('net0.migrate', { cpu: 1 }),
    ...steps('net0.test', 'ioh0.read'),
  ];

  it('ends the quiesce while atx0 is in flight: no-ref-survives-quiesce fails', () => {
    const m = systemFor(scenario);
    const s = runWithXstate(m, prefix);
    expect(s.matches({ ioh0: { quiesce: 'ended' } })).toBe(true);
    expect(s.context.ref).toEqual([1, 0]);
    expect(holds(m, prefix, 'no-ref-survives-quiesce')).toBe(false);
    expect(holds(m, prefix.slice(0, -1), 'no-ref-survives-quiesce')).toBe(true);
  });

  it('then the channel is freed under atx0: no-use-after-free fails', () => {
    const m = systemFor(scenario);
    const events = [...prefix, ...steps('ioh0.keyOff', 'ioh0.unlock', 'ioh0.putRefs', ...channelLoopThenFree('ioh0', 2), 'atx0.use')];
    expect(holds(m, events, 'no-use-after-free')).toBe(false);
    expect(observe(snapshotView(runWithXstate(m, events)), m).violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  it('with threshold 2 the same interleaving only delays the quiesce: the next round sees the reference', () => {
    const m = systemFor({ ...scenario, quiesceThreshold: 2 });
    const events = [...prefix, ...ROUND];
    const s = runWithXstate(m, events);
    expect(s.matches({ ioh0: { quiesce: 'roundStart' } })).toBe(true);
    expect(s.context.iohs[0].count).toBe(0);
    expect(holds(m, events, 'no-ref-survives-quiesce')).toBe(true);
  });
});

describe('preempted finder (rfc-wait, kernel review D1): dma_find_channel reads the table before it counts', () => {
  // net0 reads channel_table, is preempted for the whole quiesce (its count is not raised,
  // so every sum is zero), then incs, tests the key (off again) and uses the freed channel.
  // No migration and no cached pointer are needed.
  const scenario: Scenario = { ...DEFAULT_SCENARIO, design: 'rfc-wait-unheld', clients: [{ ...DEFAULT_SCENARIO.clients[0], migrates: false, rounds: 1 }] };
  const events = [
    ...steps('net0.get', 'net0.find'),
    ...UNREGISTER,
    ...QUIESCE_2,
    ...steps('ioh0.putRefs', ...channelLoopThenFree('ioh0', 2), 'net0.inc', 'net0.test', 'net0.use'),
  ];

  it('the quiesce ends with the finder between its table read and its put: no-ref-survives-quiesce fails', () => {
    const m = systemFor(scenario);
    const atEnd = events.indexOf(events.find((e) => e.type === 'ioh0.keyOff')!);
    expect(holds(m, events.slice(0, atEnd), 'no-ref-survives-quiesce')).toBe(false);
  });

  it('the key is off when it is tested, so find returns the freed channel: use after free', () => {
    const m = systemFor(scenario);
    const s = runWithXstate(m, events);
    expect(s.context.ref).toEqual([1, 0]);
    expect(observe(snapshotView(s), m).violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it('the use after free is already at the test step: net_dma_find_channel reads chan->device->copy_align', () => {
    // 3/7 hunk @@ -316,10 +354,15 @@: is_dma_copy_aligned(chan->device, 1, 1, 1), in the same
    // step as the key test (kernel/harness/steps.c: test runs to the find's return).
    const m = systemFor(scenario);
    const upToTest = events.slice(0, events.findIndex((e) => e.type === 'net0.test') + 1);
    const beforeTest = upToTest.slice(0, -1);
    expect(observe(snapshotView(runWithXstate(m, beforeTest)), m).violations).toEqual([]);
    expect(observe(snapshotView(runWithXstate(m, upToTest)), m).violations).toEqual(['use-after-free:net0:ioat0.0']);
    expect(holds(m, upToTest, 'no-use-after-free')).toBe(false);
  });

  it('the implementation records it at the test step too', () => {
    const sys = new System(scenario);
    const upToTest = events.slice(0, events.findIndex((e) => e.type === 'net0.test') + 1);
    replay(sys, upToTest.slice(0, -1));
    expect(sys.observe().violations).toEqual([]);
    sys.step({ type: 'net0.test' });
    expect(sys.observe().violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it('an atomic inc-then-read (the model before the split) would have seen the count: the sum is non-zero', () => {
    const m = systemFor(scenario);
    const counted = [...steps('net0.get', 'net0.find', 'net0.inc'), ...UNREGISTER, ...steps('ioh0.keyOn'), ...ROUND];
    const s = runWithXstate(m, counted);
    expect(s.context.iohs[0].count).toBe(0);
  });
});

describe('dma_get_channel split (rfc-wait, kernel review D2): the key test is a step before the inc', () => {
  const scenario: Scenario = { ...DEFAULT_SCENARIO, design: 'rfc-wait-unheld' };
  const cached = [...steps('atx0.get'), ...round('atx0')];

  it('async_tx re-gets under get_cpu(): key-on cannot land between its key test and its inc, so the quiesce sees the count', () => {
    // D2 (a re-get tested the key, key-on and a whole quiesce pass, then it counts) needs a
    // preemptible call site: async_tx's is raid_run_ops' get_cpu() section, and the key
    // flip is a stop_machine that waits for it (spec/vocabulary.ts findsPreemptOff).
    const m = systemFor(scenario);
    const tested = [...cached, ev('atx0.reget'), ...UNREGISTER];
    expect(() => runWithXstate(m, [...tested, ev('ioh0.keyOn')])).toThrow(/ioh0.keyOn.*not enabled/);
    const events = [...tested, ev('atx0.inc'), ev('ioh0.keyOn'), ...ROUND];
    const s = runWithXstate(m, events);
    expect(s.context.iohs[0].count).toBe(0); // the round read atx0's count: not a zero
    expect(holds(m, events, 'no-ref-survives-quiesce')).toBe(true);
  });

  it('while the key is on, the re-get takes the dirty step, and a round whose tick sees it restarts', () => {
    const m = systemFor(scenario);
    const events = [...cached, ...UNREGISTER, ...steps('ioh0.keyOn', 'ioh0.clearDirty', 'atx0.reget', 'atx0.dirty', 'atx0.inc', 'ioh0.tick')];
    const s = runWithXstate(m, events);
    expect(s.context.dirty).toBe(1);
    expect(s.matches({ ioh0: { quiesce: 'roundStart' } })).toBe(true);
  });

  it('the dirty step is not offered when the key was off, nor the inc before it when it was on', () => {
    const m = systemFor(scenario);
    expect(() => runWithXstate(m, [...cached, ev('atx0.reget'), ev('atx0.dirty')])).toThrow(/atx0.dirty.*not enabled/);
    const on = [...cached, ...UNREGISTER, ...steps('ioh0.keyOn', 'atx0.reget')];
    expect(() => runWithXstate(m, [...on, ev('atx0.inc')])).toThrow(/atx0.inc.*not enabled/);
  });
});

describe('use after quiesce (rfc-wait): async_tx re-gets its cached pointer after key-off', () => {
  const prefix = [...steps('atx0.get'), ...round('atx0'), ...UNREGISTER, ...QUIESCE_2];

  it('dma_get_channel after key-off marks nothing dirty and takes a reference to a quiesced device', () => {
    const m = systemFor(unheld(DEFAULT_SCENARIO));
    const events = [...prefix, ev('ioh0.putRefs'), ...steps('atx0.reget', 'atx0.inc')];
    const s = runWithXstate(m, events);
    expect(s.context.dirty).toBe(0);
    expect(holds(m, events, 'no-ref-survives-quiesce')).toBe(false);
    const used = [...events, ...CHAN_LOOP, ...SYNC_FREE, ev('atx0.use')];
    expect(holds(m, used, 'no-use-after-free')).toBe(false);
    expect(observe(snapshotView(runWithXstate(m, used)), m).violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });
});

describe('dma_list_mutex (rfc-wait, kernel review D3): the quiesce runs with the mutex held', () => {
  it('dmaengine_get, dma_request_channel and the other mutex users block from unregister to unlock', () => {
    const m = systemFor(DEFAULT_SCENARIO);
    const during = snapshotView(runWithXstate(m, [...UNREGISTER, ...steps('ioh0.keyOn')]));
    const types = m.enabledEvents(during).map((e) => e.type);
    expect(types).not.toContain('net0.get');
    expect(types).not.toContain('atx0.get');
    expect(types).not.toContain('slave0.request');
    const after = snapshotView(runWithXstate(m, [...UNREGISTER, ...QUIESCE_2]));
    expect(m.enabledEvents(after).map((e) => e.type)).toEqual(expect.arrayContaining(['net0.get', 'atx0.get', 'slave0.request']));
  });

  it('the hot path does not take it: a finder runs during the quiesce', () => {
    const m = systemFor(DEFAULT_SCENARIO);
    const s = runWithXstate(m, [...steps('net0.get'), ...UNREGISTER, ...steps('ioh0.keyOn'), ...find('net0')]);
    expect(s.context.threads[0].chan).toBe(-1); // the key is on: NULL
    // net_dma_find_channel undid its own this_cpu_inc for the NULL (3/7 hunk @@ -316,10 +354,15 @@)
    expect(s.context.ref).toEqual([0, 0]);
  });
});

describe('ABBA deadlock (rfc-wait, kernel review D4): dma_list_mutex vs cpu_hotplug.lock', () => {
  // The quiescer holds dma_list_mutex and needs get_online_cpus() in static_key_slow_inc;
  // cpu_up holds cpu_hotplug.lock and its CPU_ONLINE notifier needs dma_list_mutex.
  const scenario: Scenario = { ...DEFAULT_SCENARIO, clients: [], cpuHotplug: true };
  const events = [ev('cpu.offline', { cpu: 1 }), ev('cpu.postDead'), ...UNREGISTER, ev('cpu.online', { cpu: 1 })];

  it('reaches a state where nothing is enabled and the system is not final', () => {
    const m = systemFor(scenario);
    const v = snapshotView(runWithXstate(m, events));
    expect(v.context.listMutex).toBe(0);
    expect(v.context.hotplug).toBe(1);
    expect(m.enabledEvents(v)).toEqual([]);
    expect(m.isFinal(v)).toBe(false);
  });

  it('designs whose unregister drops the mutex before anything that needs the hotplug lock do not deadlock', () => {
    const m = systemFor({ ...scenario, design: 'baseline' });
    // 3.6 has no CPU notifier: _cpu_down is one step, cpu.notify is only cpu_hotplug_done.
    const plain = events.filter((e) => e.type !== 'cpu.postDead');
    const v = snapshotView(runWithXstate(m, [...plain, ev('cpu.notify'), ...CHAN_LOOP, ev('ioh0.free')]));
    expect(v.active('ioh0.removed')).toBe(true);
  });
});

describe('dma_issue_pending_all (kernel review D11): an RCU reader that 3.4 unregister does not wait for', () => {
  // The walk reads each freed channel's client_count (stale, non-zero) and stops before its issue.
  const events = [...steps('net0.get', 'net0-rx.walk'), ...UNREGISTER, ...CHAN_LOOP, ...steps('ioh0.free', 'net0-rx.check', 'net0-rx.issue', 'net0-rx.issue')];

  it('baseline: the softirq walk saw the device; unregister and the free do not wait; it issues on freed memory', () => {
    const m = systemFor({ ...DEFAULT_SCENARIO, design: 'baseline' });
    expect(observe(snapshotView(runWithXstate(m, events)), m).violations).toEqual(['use-after-free:net0-rx:ioat0.0', 'use-after-free:net0-rx:ioat0.1']);
  });

  it("baseline: the walk does not read chan->local: issuing after the channel loop, before the driver's free, is no use after free", () => {
    const m = systemFor({ ...DEFAULT_SCENARIO, design: 'baseline' });
    const s = runWithXstate(m, [
      ...steps('net0.get', 'net0-rx.walk'),
      ...UNREGISTER,
      ...CHAN_LOOP,
      ...steps('net0-rx.check', 'net0-rx.issue', 'net0-rx.issue'),
    ]);
    expect(s.context.channels.map((c: { local: number }) => c.local)).toEqual([0, 0]);
    expect(observe(snapshotView(s), m).violations).toEqual([]);
  });

  it('the RFC adds synchronize_rcu(): its free waits for the walk', () => {
    const m = systemFor(unheld(DEFAULT_SCENARIO));
    const before = [
      ...steps('net0.get', 'net0-rx.walk'),
      ...UNREGISTER,
      ...QUIESCE_2,
      ...NET0_DONE,
      ev('ioh0.putRefs'),
      ...CHAN_LOOP,
      ev('ioh0.synchronizeRcu'),
    ];
    const v = snapshotView(runWithXstate(m, before));
    expect(m.enabledEvents(v).some((e) => e.type === 'ioh0.free')).toBe(false);
    const s = runWithXstate(m, [...before, ...steps('net0-rx.check', 'ioh0.free')]);
    expect(observe(snapshotView(s), m).violations).toEqual([]);
  });
});

describe('3.4 baseline: unregister frees channels under their users', () => {
  const events = [...steps('net0.get', 'net0.find'), ...UNREGISTER, ...CHAN_LOOP, ...steps('ioh0.free', 'net0.use')];

  it('net_dma uses a freed channel', () => {
    const m = systemFor({ ...DEFAULT_SCENARIO, design: 'baseline' });
    expect(holds(m, events.slice(0, -1), 'no-use-after-free')).toBe(true);
    expect(holds(m, events, 'no-use-after-free')).toBe(false);
    expect(observe(snapshotView(runWithXstate(m, events)), m).violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it("net_dma's copy writes chan->local, which unregister's channel loop frees before the device (3.6 dmaengine.c:851, :941-942)", () => {
    const m = systemFor({ ...DEFAULT_SCENARIO, design: 'baseline' });
    const early = [...steps('net0.get', 'net0.find'), ...UNREGISTER, ...steps('ioh0.chanUnregister', 'net0.use')];
    expect(holds(m, early.slice(0, -1), 'no-use-after-free')).toBe(true);
    const s = runWithXstate(m, early);
    expect(s.context.devices[0].freed).toBe(0);
    expect(s.context.channels.map((c: { local: number; resources: number }) => [c.local, c.resources])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(holds(m, early, 'no-use-after-free')).toBe(false);
    expect(observe(snapshotView(s), m).violations).toEqual(['use-after-free:net0:ioat0.0']);
  });

  it("each iteration of the channel loop takes dma_list_mutex; the driver's free waits for the whole loop", () => {
    const m = systemFor({ ...DEFAULT_SCENARIO, design: 'baseline' });
    const v = snapshotView(runWithXstate(m, [...UNREGISTER, ev('ioh0.chanUnregister')]));
    const ioh = m.enabledEvents(v).filter((e) => e.type.startsWith('ioh0.'));
    expect(ioh).toEqual([ev('ioh0.chanUnregister')]);
  });

  it('rfc-wait does not free right after unregister: the sequence is impossible', () => {
    const m = systemFor(DEFAULT_SCENARIO);
    expect(() => runWithXstate(m, events)).toThrow(/not enabled/);
  });
});

describe('dmaengine_put during an in-flight round (the releasesEarly misuse: no design protects it)', () => {
  const early = (design: 'baseline' | 'rfc-wait', releasesEarly: boolean) => ({
    ...DEFAULT_SCENARIO,
    design,
    clients: DEFAULT_SCENARIO.clients.map((c) => (c.name === 'net0' ? { ...c, releasesEarly } : c)),
  });
  const findOf = { baseline: steps('net0.find'), 'rfc-wait': find('net0') };
  for (const design of ['baseline', 'rfc-wait'] as const) {
    it(`frees the channel under the worker (${design})`, () => {
      const m = systemFor(early(design, true));
      const events = [ev('net0.get'), ...findOf[design], ...steps('net0.release', 'net0.use')];
      expect(observe(snapshotView(runWithXstate(m, events)), m).violations).toEqual(['use-after-free:net0:ioat0.0']);
    });
    it(`is not possible for a well-behaved client (${design})`, () => {
      const m = systemFor(early(design, false));
      expect(() => runWithXstate(m, [ev('net0.get'), ...findOf[design], ev('net0.release')])).toThrow();
    });
  }
});
