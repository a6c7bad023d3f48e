/**
 * Per-concern machines: the rules of spec/*.md as transition tests with xstate's pure
 * transition function.
 */
import { describe, expect, it } from 'vitest';
import { machineNamed } from '../../machines/index.ts';
import type { StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { runWithXstate } from '../../machines/xstate.ts';

const ev = (type: string, payload: Record<string, number | boolean> = {}): StepEvent => ({ type, ...payload });
const build = (name: string, s?: Scenario): MachineModel => {
  const e = machineNamed(name)!;
  return e.build(s ?? e.smallScenario);
};
const can = (m: MachineModel, events: StepEvent[], next: StepEvent) => runWithXstate(m, events).can(next);

describe('device lifecycle', () => {
  it('goes private on request and public again when the last private channel is released', () => {
    const m = build('device');
    const events = [ev('ioat0.register'), ev('ioat0.request'), ev('ioat0.request')];
    expect(runWithXstate(m, events).matches({ registered: 'private' })).toBe(true);
    expect(can(m, events, ev('ioat0.request'))).toBe(false); // both channels taken
    expect(runWithXstate(m, [...events, ev('ioat0.release')]).matches({ registered: 'private' })).toBe(true);
    expect(runWithXstate(m, [...events, ev('ioat0.release'), ev('ioat0.release')]).matches({ registered: 'public' })).toBe(true);
  });

  it('rfc-wait: free waits for the last holder', () => {
    const m = build('device');
    const events = ['register', 'request', 'unregister', 'quiesced', 'unlock'].map((s) => ev(`ioat0.${s}`));
    expect(runWithXstate(m, events).matches({ unregistering: 'waiting' })).toBe(true);
    expect(can(m, events, ev('ioat0.free'))).toBe(false);
    expect(runWithXstate(m, [...events, ev('ioat0.release'), ev('ioat0.free')]).matches('freed')).toBe(true);
  });

  it('baseline: free does not wait', () => {
    const m = build('device', { ...DEFAULT_SCENARIO, design: 'baseline' });
    const events = ['register', 'request', 'unregister', 'free'].map((s) => ev(`ioat0.${s}`));
    const s = runWithXstate(m, events);
    expect(s.matches('freed')).toBe(true);
    expect(s.context.holders).toBe(1);
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
  it('allocates on the first get, balances to dmaengine_ref_count, frees on the last put', () => {
    const s = runWithXstate(m, [ev('chan.get'), ev('chan.get')]);
    expect(s.context).toMatchObject({ refCount: 2, clientCount: 2, resources: 1 });
    const t = runWithXstate(m, [ev('chan.get'), ev('chan.get'), ev('chan.put'), ev('chan.put')]);
    expect(t.matches('free')).toBe(true);
    expect(t.context).toMatchObject({ refCount: 0, clientCount: 0, resources: 0 });
  });
  it('undoes a failed alloc: count 0, not private, no resources', () => {
    const s = runWithXstate(m, [ev('chan.request', { allocOk: false })]);
    expect(s.matches('free')).toBe(true);
    expect(s.context).toMatchObject({ clientCount: 0, private: 0, resources: 0 });
  });
  it('a channel released by a slave stays unused by dmaengine_get users until the next get', () => {
    const s = runWithXstate(m, [ev('chan.request', { allocOk: true }), ev('chan.get'), ev('chan.release')]);
    expect(s.context).toMatchObject({ refCount: 1, clientCount: 0, resources: 0, private: 0 });
    expect(runWithXstate(m, [ev('chan.request', { allocOk: true }), ev('chan.get'), ev('chan.release'), ev('chan.get')]).context).toMatchObject({
      refCount: 2,
      clientCount: 2,
    });
  });
  it('rebalance gives the channel one table entry per CPU only while public and in use', () => {
    expect(runWithXstate(m, [ev('chan.get'), ev('chan.rebalance')]).context.tableCount).toBe(2);
    expect(runWithXstate(m, [ev('chan.request', { allocOk: true }), ev('chan.get'), ev('chan.rebalance')]).context.tableCount).toBe(0);
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
    const s = runWithXstate(m, [ev('ioh0.eject'), ev('ioh0.unregister'), ev('ioh0.free'), ev('holder.release')]);
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
    expect(can(m, events, ev('ioh0.free'))).toBe(false);
    const s = runWithXstate(m, [...events, ev('holder.release'), ev('ioh0.free')]);
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
