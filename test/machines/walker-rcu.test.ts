/**
 * The `dma_issue_pending_all` walker as the kernel runs it (issue 23): the walk reads every
 * device on `dma_device_list`, private ones too (3.6 dmaengine.c:360-362), follows the list's
 * pointers as `list_del_rcu` leaves them (listDelRcu), and the RFC's `synchronize_rcu`
 * waits for every reader inside `rcu_read_lock` when it begins, also one that cannot see the
 * device, and for none that begins later. Each case runs on the machine
 * (xstate) and on the implementation (System) with the same events and the same outcome.
 */
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { observe } from '../../machines/system/index.ts';
import { runWithXstate, snapshotView } from '../../machines/xstate.ts';
import { checkDesign } from '../../src/check/run.ts';
import { designModel } from '../../src/designs/models.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { System } from '../../src/system/system.ts';

const ev = (type: string, payload: Record<string, number | boolean> = {}): StepEvent => ({ type, ...payload });
const steps = (...types: string[]) => types.map((t) => ev(t));
/** A walk over two devices with a client each: check, then the issue on each channel it stopped at. */
const DRAIN2 = ['net0-rx.check', 'net0-rx.issue', 'net0-rx.issue'];

/** The violations after `events` on the machine and on the implementation (which must agree). */
function violations(s: Scenario, events: StepEvent[]): readonly string[] {
  const m = systemFor(s);
  const onMachine = observe(snapshotView(runWithXstate(m, events)), m).violations;
  const sys = new System(s);
  for (const e of events) sys.step(e);
  expect(sys.observe().violations).toEqual(onMachine);
  return onMachine;
}

/** Whether `type` is enabled after `events`, on the machine and on the implementation (which must agree). */
function enabled(s: Scenario, events: StepEvent[], type: string): boolean {
  const m = systemFor(s);
  const onMachine = m.enabledEvents(snapshotView(runWithXstate(m, events))).some((e) => e.type === type);
  const sys = new System(s);
  for (const e of events) sys.step(e);
  expect(sys.enabledSteps().some((e) => e.type === type)).toBe(onMachine);
  return onMachine;
}

const net0 = DEFAULT_SCENARIO.clients[0];
/** net_dma (with its walker net0-rx) and a slave on the standard device. */
const netAndSlave = (design: Scenario['design']): Scenario => ({ ...DEFAULT_SCENARIO, design, clients: [net0, DEFAULT_SCENARIO.clients[2]] });

describe('the walk reads private devices too (3.6 dmaengine.c:360-362)', () => {
  // slave0's request makes ioat0 DMA_PRIVATE; the walk fetches it all the same.
  const privateWalk = [ev('slave0.request', { allocOk: true }), ...steps('net0.get', 'net0-rx.walk')];
  const freeUnder = [...privateWalk, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.free', 'net0-rx.check')];

  it('a walk starts when only a private device is listed', () => {
    expect(enabled(netAndSlave('baseline'), privateWalk.slice(0, 2), 'net0-rx.walk')).toBe(true);
  });

  it('baseline: the private device freed under the walk is read after the free (its cap_mask): a use after free of each channel', () => {
    expect(violations(netAndSlave('baseline'), freeUnder)).toEqual(['use-after-free:net0-rx:ioat0.0', 'use-after-free:net0-rx:ioat0.1']);
  });

  it('a private device that is still allocated is skipped: nothing is issued, nothing recorded', () => {
    expect(violations(netAndSlave('baseline'), [...privateWalk, ev('net0-rx.check')])).toEqual([]);
  });

  it('kref-fixed on the standard scenario: the shortest no-use-after-free counterexample walks while ioat0 is private', () => {
    const r = checkDesign({ ...DEFAULT_SCENARIO, design: 'kref-fixed' }, designModel('kref-fixed')).results.find((x) => x.name === 'no-use-after-free')!;
    expect(r.verdict).toBe('violated');
    const t = r.trace!.steps;
    const walk = t.findIndex((x) => x.event.type === 'net0-rx.walk');
    const priv = (i: number) => {
      let p = false;
      for (const s of t.slice(0, i + 1)) for (const c of s.changes) if (c.name === 'ioat0.private') p = c.to === true;
      return p;
    };
    expect(priv(walk)).toBe(true); // the walk began on a list holding only the private ioat0
    expect(t.at(-1)!.event.type).toBe('net0-rx.check');
    expect(t.at(-1)!.changes.find((c) => c.name === 'violations')!.to).toEqual(['use-after-free:net0-rx:ioat0.0', 'use-after-free:net0-rx:ioat0.1']);
  });
});

describe('list_del_rcu and an open walk: the walk follows the pointers the kernel leaves', () => {
  const dev = (name: string) => ({ name, channels: 1, capabilities: ['memcpy' as const] });
  /** Two devices on one IOH (removed in list order) or on two IOHs. */
  const oneIoh: Scenario = {
    ...DEFAULT_SCENARIO,
    design: 'baseline',
    clients: [net0],
    iohs: [{ name: 'ioh0', socketCpus: [], devices: [dev('ioat0'), dev('ioat1')] }],
  };
  const twoIohs: Scenario = {
    ...oneIoh,
    iohs: [
      { name: 'ioh0', socketCpus: [], devices: [dev('ioat0')] },
      { name: 'ioh1', socketCpus: [], devices: [dev('ioat1')] },
    ],
  };

  it('the second device deleted while the first is listed: the first one’s next skips it, no use after free', () => {
    const events = steps('net0.get', 'net0-rx.walk', 'ioh1.eject', 'ioh1.unregister', 'ioh1.chanUnregister', 'ioh1.free', 'net0-rx.check', 'net0-rx.issue');
    expect(violations(twoIohs, events)).toEqual([]);
  });

  it('the held device deleted first: its stale next still leads to the second, which is read after its free too', () => {
    const events = steps(
      'net0.get',
      'net0-rx.walk',
      'ioh0.eject',
      'ioh0.unregister',
      'ioh0.chanUnregister',
      'ioh0.free',
      'ioh0.unregister',
      'ioh0.chanUnregister',
      'ioh0.free',
      ...DRAIN2,
    );
    expect(violations(oneIoh, events)).toEqual(['use-after-free:net0-rx:ioat0.0', 'use-after-free:net0-rx:ioat1.0']);
  });

  it('the held device alone deleted and freed: only it is read after the free', () => {
    const events = steps('net0.get', 'net0-rx.walk', 'ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.free', ...DRAIN2);
    expect(violations(twoIohs, events)).toEqual(['use-after-free:net0-rx:ioat0.0']);
  });
});

describe('synchronize_rcu: a grace period waits for the walks inside rcu_read_lock at its start, and for no later one', () => {
  const s: Scenario = { ...DEFAULT_SCENARIO, design: 'rfc-wait-unheld', clients: [net0] };
  const two: Scenario = { ...s, iohs: [...s.iohs, { name: 'ioh1', socketCpus: [], devices: [{ name: 'ioat1', channels: 1, capabilities: ['memcpy'] }] }] };
  const quiesce = [
    ...steps('ioh0.keyOn'),
    ...Array.from({ length: 2 }, () => steps('ioh0.clearDirty', 'ioh0.tick', 'ioh0.read', 'ioh0.read')).flat(),
    ...steps('ioh0.keyOff', 'ioh0.unlock'),
  ];
  // putRefs, then the channel loop (a chanUnregister per channel of ioat0); synchronizeRcu is
  // synchronize_rcu's start (hunk @@ -788,6 +877,9 @@), free the driver's free after it returns.
  const unregister = [...steps('ioh0.eject', 'ioh0.unregister'), ...quiesce, ...steps('ioh0.putRefs', 'ioh0.chanUnregister', 'ioh0.chanUnregister')];
  const walkToEnd = steps('net0-rx.check', 'net0-rx.issue');

  it('synchronize_rcu begins after the channel loop, and the free waits for it', () => {
    const loopDone = [ev('net0.get'), ...unregister];
    expect(enabled(s, loopDone, 'ioh0.synchronizeRcu')).toBe(true);
    expect(enabled(s, loopDone, 'ioh0.free')).toBe(false);
    expect(enabled(s, [...loopDone, ev('ioh0.synchronizeRcu')], 'ioh0.free')).toBe(true);
    // with the only device off the list no walk begins
    expect(enabled(s, loopDone, 'net0-rx.walk')).toBe(false);
  });

  it('a walk that begins after synchronize_rcu began does not delay the free, and reads nothing freed', () => {
    const lateWalk = [ev('net0.get'), ...unregister, ev('ioh0.synchronizeRcu'), ev('net0-rx.walk')];
    expect(enabled(two, lateWalk, 'ioh0.free')).toBe(true);
    expect(violations(two, [...lateWalk, ev('ioh0.free'), ...walkToEnd])).toEqual([]);
  });

  it('a walk inside rcu_read_lock when synchronize_rcu begins delays the free until its rcu_read_unlock, also one that cannot read ioat0', () => {
    // began after list_del_rcu: its path is ioat1 alone, yet the grace period waits for it
    const unreaching = [ev('net0.get'), ...unregister, ev('net0-rx.walk'), ev('ioh0.synchronizeRcu')];
    expect(enabled(two, unreaching, 'ioh0.free')).toBe(false);
    expect(enabled(two, [...unreaching, ev('net0-rx.check')], 'ioh0.free')).toBe(false); // stopped before ioat1.0's issue
    expect(enabled(two, [...unreaching, ...walkToEnd], 'ioh0.free')).toBe(true);
    expect(violations(two, [...unreaching, ...walkToEnd, ev('ioh0.free')])).toEqual([]);
  });

  it('a walk at ioat0 holds the free back until it has left rcu_read_lock, not only read past ioat0', () => {
    const earlyWalk = [...steps('net0.get', 'net0-rx.walk'), ...unregister, ev('ioh0.synchronizeRcu')];
    expect(enabled(two, earlyWalk, 'ioh0.free')).toBe(false);
    // check: ioat0's channels have no client left (putRefs); it stops before ioat1.0's issue, still inside.
    const past = [...earlyWalk, ev('net0-rx.check')];
    expect(enabled(two, past, 'net0-rx.issue')).toBe(true);
    expect(enabled(two, past, 'ioh0.free')).toBe(false);
    expect(enabled(two, [...past, ev('net0-rx.issue')], 'ioh0.free')).toBe(true);
  });

  it('the recorded walk ends and the thread walks again: the new walk is not waited for', () => {
    const again = [...steps('net0.get', 'net0-rx.walk'), ...unregister, ev('ioh0.synchronizeRcu'), ...walkToEnd, ev('net0-rx.walk')];
    expect(enabled(two, again, 'ioh0.free')).toBe(true);
  });
});

describe('check, then issue: a put between them (walker-per-channel, issue-after-free-benign)', () => {
  // net0's dmaengine_get gives ioat0's channels a client; the walk reads ioat0.0's count and
  // stops before its issue; net0's dmaengine_put frees the resources in between.
  const s: Scenario = { ...DEFAULT_SCENARIO, design: 'baseline', clients: [{ ...net0, rounds: 0 }] };
  const between = [...steps('net0.get', 'net0-rx.walk', 'net0-rx.check')];

  it('the walk stops between the client_count read and the issue, and the put lands there', () => {
    expect(enabled(s, between, 'net0-rx.issue')).toBe(true);
    expect(enabled(s, between, 'net0.release')).toBe(true);
  });

  it('the issue on a channel whose resources the put freed records nothing (ioat touches no ring then); the walk then ends', () => {
    const after = [...between, ...steps('net0.release', 'net0-rx.issue')];
    expect(violations(s, after)).toEqual([]);
    expect(enabled(s, after, 'net0-rx.issue')).toBe(false);
  });

  it('the device freed between the check and the issue: the issue reads the freed channel struct', () => {
    const after = [...between, ...steps('ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister', 'ioh0.free', 'net0-rx.issue')];
    expect(violations(s, after)).toEqual(['use-after-free:net0-rx:ioat0.0', 'use-after-free:net0-rx:ioat0.1']);
  });
});
