/**
 * Per-concern machines: the rules of spec/*.md as transition tests with xstate's pure
 * transition function.
 */
import { describe, expect, it } from 'vitest';
import { machineNamed } from '../../src/catalogue.ts';
import type { StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { runWithXstate } from '../../machines/xstate.ts';
import { channelState } from '../../machines/concerns/channel.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { reachable } from './bfs.ts';

const ev = (type: string, payload: Record<string, number | boolean> = {}): StepEvent => ({ type, ...payload });
const build = (name: string, s?: Scenario): MachineModel => {
  const e = machineNamed(name)!;
  return e.build(s ?? e.smallScenario);
};
const can = (m: MachineModel, events: StepEvent[], next: StepEvent) => runWithXstate(m, events).can(next);

// The device machine is gone (src/catalogue.ts): its public ⇄ private rule is the system's
// slave rules, shown here on the system machine with two slaves on a two-channel device.
describe('device privatecnt (system machine)', () => {
  const slave0 = DEFAULT_SCENARIO.clients[2];
  const m = systemFor({ ...DEFAULT_SCENARIO, name: 'two-slaves', clients: [slave0, { ...slave0, name: 'slave1' }] });
  const request = (t: string) => ev(`${t}.request`, { allocOk: true });
  it('goes private on the first request and public again when the last private channel is released', () => {
    const both = [request('slave0'), request('slave1')];
    expect(runWithXstate(m, both.slice(0, 1)).context.devices[0]).toMatchObject({ private: 1, privatecnt: 1 });
    expect(runWithXstate(m, both).context.devices[0]).toMatchObject({ private: 1, privatecnt: 2 });
    const one = [...both, ev('slave0.use'), ev('slave0.release')];
    expect(runWithXstate(m, one).context.devices[0]).toMatchObject({ private: 1, privatecnt: 1 });
    const all = [...one, ev('slave1.use'), ev('slave1.release')];
    expect(runWithXstate(m, all).context.devices[0]).toMatchObject({ private: 0, privatecnt: 0 });
  });
  it('a released private channel goes to the next request; a slave requests once', () => {
    const s = runWithXstate(m, [request('slave0'), ev('slave0.use'), ev('slave0.release'), request('slave1')]);
    expect(s.context.threads[1].chan).toBe(0); // the released channel is free again
    expect(can(m, [request('slave0'), request('slave1')], ev('slave0.request', { allocOk: true }))).toBe(false); // slave0 asked once
  });
});

describe('IOH', () => {
  const m = build('ioh');
  it('is probed after hot-add and unregisters its devices one at a time', () => {
    const up = [ev('ioh0.hotAdd'), ev('ioh0.probe'), ev('ioh0.eject'), ev('ioh0.unregister')];
    expect(runWithXstate(m, up).matches('ejecting')).toBe(true);
    expect(runWithXstate(m, [...up, ev('ioh0.unregister')]).matches('removed')).toBe(true);
    expect(runWithXstate(m, [...up, ev('ioh0.unregister'), ev('ioh0.hotAdd')]).matches('present')).toBe(true);
  });
  it('continues the driver remove after a surprise removal', () => {
    const s = runWithXstate(
      m,
      ['hotAdd', 'probe', 'surpriseRemove', 'unregister', 'unregister'].map((x) => ev(`ioh0.${x}`)),
    );
    expect(s.matches('removed')).toBe(true);
  });
  it('takes a socket CPU offline only while another CPU stays online', () => {
    const off = ev('cpu.offline', { cpu: 1 });
    expect(runWithXstate(m, [off]).context.cpuOnline).toEqual([1, 0]);
    expect(can(m, [off], off)).toBe(false);
    expect(runWithXstate(m, [off, ev('cpu.online', { cpu: 1 })]).context.cpuOnline).toEqual([1, 1]);
  });
});

describe('channel client_count', () => {
  const m = build('channel');
  const get = ev('env.dmaengineGet');
  const put = ev('env.dmaenginePut');
  const request = (allocOk: boolean) => ev('env.dmaRequestChannel', { allocOk });
  const release = ev('env.dmaReleaseChannel');
  const rebalance = ev('env.dmaChannelRebalance');
  const chan = (events: StepEvent[]) => {
    const c = runWithXstate(m, events).context;
    return { refCount: c.refCount, ...c.channels[0], private: c.devices[0].private };
  };
  it('allocates on the first get, balances to dmaengine_ref_count, frees on the last put', () => {
    expect(chan([get, get])).toMatchObject({ refCount: 2, clientCount: 2, resources: 1 });
    expect(runWithXstate(m, [get, get, put, put]).matches('free')).toBe(true);
    expect(chan([get, get, put, put])).toMatchObject({ refCount: 0, clientCount: 0, resources: 0 });
  });
  it('undoes a failed alloc: count 0, not private, no resources', () => {
    expect(runWithXstate(m, [request(false)]).matches('free')).toBe(true);
    expect(chan([request(false)])).toMatchObject({ clientCount: 0, private: 0, resources: 0 });
  });
  it('a request with no free channel returns NULL and changes nothing', () => {
    expect(can(m, [get], request(false))).toBe(false); // no candidate: no alloc to fail
    expect(runWithXstate(m, [get, request(true)]).matches('heldPublic')).toBe(true);
    expect(chan([get, request(true)])).toEqual(chan([get]));
  });
  it('a channel released by a slave stays unused by dmaengine_get users until the next get', () => {
    expect(chan([request(true), get, release])).toMatchObject({ refCount: 1, clientCount: 0, resources: 0, private: 0 });
    expect(chan([request(true), get, release, get])).toMatchObject({ refCount: 2, clientCount: 2 });
  });
  it('rebalance gives the channel one table entry per CPU only while public and in use', () => {
    // The projection's device is memcpy-only (machines/concerns/channel.ts oneChannel): one row.
    expect(chan([get, rebalance]).tableCount).toBe(2);
    expect(chan([request(true), get, rebalance]).tableCount).toBe(0);
  });
  it("starts public even when the scenario's first device is DMA_PRIVATE (its own rules make it private)", () => {
    const s = DEFAULT_SCENARIO;
    const priv: Scenario = { ...s, iohs: [{ ...s.iohs[0], devices: [{ ...s.iohs[0].devices[0], private: true }] }] };
    const pm = machineNamed('channel')!.build(priv);
    expect(runWithXstate(pm, []).context.devices[0]).toMatchObject({ private: 0, privatecnt: 0 });
    const c = runWithXstate(pm, [get]).context;
    expect([c.devices[0].private, c.channels[0].clientCount]).toEqual([0, 1]);
  });
  it('its states are a view of the system context: channelState of every reachable context', () => {
    const states = reachable(m);
    expect(states.length).toBeGreaterThan(10);
    for (const { snapshot } of states) expect(snapshot.value).toBe(channelState(snapshot.context));
    expect(channelState({ ...states[0].snapshot.context, channels: [{ clientCount: 1, tableCount: 0, resources: 1 }] })).toBe('heldPublic');
  });
});

describe('static-key quiesce', () => {
  const m = build('quiesce');
  const round = ['clearDirty', 'tick', 'read', 'read'].map((s) => ev(`ioh0.${s}`));
  it('ends after quiesceThreshold consecutive zero sums and turns the key off', () => {
    const s = runWithXstate(m, [ev('ioh0.keyOn'), ...round, ...round, ev('ioh0.keyOff')]);
    expect(s.matches('done')).toBe(true);
    expect(s.context.key).toBe(0);
  });
  it('a nonzero sum restarts the count', () => {
    const s = runWithXstate(m, [ev('env.find', { cpu: 0 }), ev('ioh0.keyOn'), ...round]);
    expect(s.context.iohs[0].count).toBe(0);
    expect(s.matches({ quiesce: 'roundStart' })).toBe(true);
  });
  it('a dma_get_channel while the key is on marks dirty and the tick starts a new round', () => {
    const s = runWithXstate(m, [ev('ioh0.keyOn'), ev('ioh0.clearDirty'), ev('env.get', { cpu: 1 }), ev('ioh0.tick')]);
    expect(s.context.dirty).toBe(1);
    expect(s.matches({ quiesce: 'roundStart' })).toBe(true);
  });
  it('reads one CPU per step: an inc after its CPU was read and a dec on a later CPU cancel a holder', () => {
    const s = runWithXstate(m, [
      ev('env.find', { cpu: 1 }),
      ev('ioh0.keyOn'),
      ev('ioh0.clearDirty'),
      ev('ioh0.tick'),
      ev('ioh0.read'),
      ev('env.find', { cpu: 0 }),
      ev('env.put', { cpu: 1 }),
      ev('ioh0.read'),
    ]);
    expect(s.context.iohs[0].count).toBe(1); // a zero sum although one reference is held
    expect(s.context.ref).toEqual([1, 0]);
  });
});

describe('release notification per design', () => {
  it('baseline frees under the holder; its later release touches freed memory', () => {
    const m = build('release-baseline');
    const s = runWithXstate(m, [
      ev('ioh0.eject'),
      ev('ioh0.unregister'),
      ev('ioh0.chanUnregister'),
      ev('ioh0.chanUnregister'),
      ev('ioh0.free'),
      ev('holder.release'),
    ]);
    expect(s.matches('removed')).toBe(true);
    expect(s.context.uaf[0]).toEqual([1, 0]);
  });
  it('rfc-wait waits until the holder releases', () => {
    const m = build('release-rfc-wait');
    const quiesce = ['eject', 'unregister', 'keyOn', 'clearDirty', 'tick', 'read'].map((s) => ev(`ioh0.${s}`));
    // dma_release_channel takes dma_list_mutex, which the quiesce holds.
    expect(can(m, quiesce, ev('holder.release'))).toBe(false);
    const events = [...quiesce, ev('ioh0.keyOff'), ev('ioh0.unlock')];
    expect(runWithXstate(m, events).matches('waiting')).toBe(true);
    // The wait: 3.6's channel loop (and after it the free) begins only once the holder released.
    expect(can(m, events, ev('ioh0.chanUnregister'))).toBe(false);
    expect(can(m, events, ev('ioh0.free'))).toBe(false);
    const s = runWithXstate(m, [
      ...events,
      ev('holder.release'),
      ev('ioh0.chanUnregister'),
      ev('ioh0.chanUnregister'),
      ev('ioh0.synchronizeRcu'),
      ev('ioh0.free'),
    ]);
    expect(s.matches('removed')).toBe(true);
    expect(s.context.uaf[0]).toEqual([0, 0]);
  });
});

describe('clients', () => {
  it('net_dma: find takes the CPU’s table entry; a put after migration decs the other CPU (rfc-wait)', () => {
    const m = build('client-net_dma');
    const s = runWithXstate(m, [
      ev('net0.get'),
      ev('net0.find'),
      ev('net0.inc'),
      ev('net0.test'),
      ev('net0.migrate', { cpu: 1 }),
      ev('net0.use'),
      ev('net0.put'),
    ]);
    expect(s.context.ref).toEqual([1, -1]);
    expect(s.context.threads[0]).toMatchObject({ cpu: 1, chan: -1, rounds: 1 });
    // The table read is its own step: the channel is known before this CPU's count is raised.
    const read = runWithXstate(m, [ev('net0.get'), ev('net0.find')]);
    expect(read.context.threads[0].chan).toBe(0);
    expect(read.context.ref).toEqual([0, 0]);
    // Migration between the read and the inc: the inc lands on the new CPU.
    expect(runWithXstate(m, [ev('net0.get'), ev('net0.find'), ev('net0.migrate', { cpu: 1 }), ev('net0.inc')]).context.ref).toEqual([0, 1]);
  });
  const early = (name: string): Scenario => ({
    ...DEFAULT_SCENARIO,
    clients: DEFAULT_SCENARIO.clients.map((c) => ({ ...c, releasesEarly: true })),
    name,
  });
  it('net_dma: no find before dmaengine_get; release only after its round, mid-round only with releasesEarly', () => {
    const m = build('client-net_dma');
    expect(can(m, [], ev('net0.find'))).toBe(false);
    expect(can(m, [ev('net0.get')], ev('net0.release'))).toBe(false);
    expect(can(m, [ev('net0.get'), ev('net0.find')], ev('net0.release'))).toBe(false);
    const rounds = DEFAULT_SCENARIO.clients[0].rounds;
    const allRounds = ['get', ...Array(rounds).fill(['find', 'inc', 'test', 'use', 'put']).flat()].map((s) => ev(`net0.${s}`));
    expect(can(m, allRounds.slice(0, -5), ev('net0.release'))).toBe(rounds === 1);
    expect(can(m, allRounds, ev('net0.release'))).toBe(true);
    const sloppy = build('client-net_dma', early('sloppy'));
    expect(can(sloppy, [ev('net0.get'), ev('net0.find')], ev('net0.release'))).toBe(true);
  });
  it('async_tx: caches the found pointer and re-gets it once while got; after dmaengine_put only with releasesEarly', () => {
    const m = build('client-async_tx');
    const events = ['get', 'find', 'inc', 'test', 'use', 'put', 'reget', 'inc'].map((s) => ev(`atx0.${s}`));
    const s = runWithXstate(m, events);
    expect(s.context.threads[0]).toMatchObject({ cpu: 1, cached: 1, chan: 1, regot: 1 }); // CPU 1's table entry
    expect(can(m, [...events, ev('atx0.use'), ev('atx0.put')], ev('atx0.reget'))).toBe(false);
    const released = ['get', 'find', 'inc', 'test', 'use', 'put', 'release'].map((s) => ev(`atx0.${s}`));
    expect(can(m, released, ev('atx0.reget'))).toBe(false);
    expect(can(build('client-async_tx', early('sloppy')), released, ev('atx0.reget'))).toBe(true);
  });
  it('slave: a failed alloc returns NULL and leaves the device public', () => {
    const m = build('client-slave');
    const s = runWithXstate(m, [ev('slave0.request', { allocOk: false })]);
    expect(s.matches('noChannel')).toBe(true);
    expect(s.context.devices[0]).toMatchObject({ private: 0, privatecnt: 0 });
    const t = runWithXstate(m, [ev('slave0.request', { allocOk: true }), ev('slave0.use'), ev('slave0.release')]);
    expect(t.matches('released')).toBe(true);
    expect(t.context.channels[0]).toMatchObject({ clientCount: 0, resources: 0 });
  });
});
