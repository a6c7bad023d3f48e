import { describe, expect, it } from 'vitest';
import { replay } from '../../src/system/scheduler.ts';
import { System } from '../../src/system/system.ts';
import type { ClientSpec } from '../../src/scenario.ts';
import { client, quiesceRound, rfcFind, rfcReget, rfcRound, scenario } from '../core/fixtures.ts';

const steps = (sys: System, t: string) =>
  sys
    .enabledSteps()
    .filter((e) => e.type.startsWith(`${t}.`))
    .map((e) => e.type.slice(t.length + 1) + ('cpu' in e ? `@${e.cpu}` : '') + ('allocOk' in e ? `:${e.allocOk}` : ''));

function one(spec: ClientSpec, design: 'baseline' | 'rfc-wait' = 'rfc-wait') {
  return new System(scenario({ design, clients: [spec] }));
}

describe('net_dma client', () => {
  it('gets, runs its rounds, releases and finishes', () => {
    const sys = one(client('net0', 'net_dma', 0, { rounds: 2 }));
    expect(steps(sys, 'net0')).toEqual(['get']);
    sys.step({ type: 'net0.get' });
    expect(steps(sys, 'net0')).toEqual(['find']); // rounds left: no release yet
    replay(sys, [...rfcRound('net0'), ...rfcRound('net0')]);
    expect(steps(sys, 'net0')).toEqual(['release']);
    expect(sys.isFinished('net0')).toBe(false);
    sys.step({ type: 'net0.release' });
    expect(sys.isFinished('net0')).toBe(true);
    expect(sys.observe().dmaengineRefCount).toBe(0);
  });

  it('well-behaved: releases only between rounds', () => {
    const sys = one(client('net0', 'net_dma', 0, { busy: true }));
    sys.step({ type: 'net0.get' });
    sys.step({ type: 'net0.find' });
    expect(steps(sys, 'net0')).toEqual(['inc']); // inside dma_find_channel: no release either
    sys.step({ type: 'net0.inc' });
    expect(steps(sys, 'net0')).toEqual(['test']);
    sys.step({ type: 'net0.test' });
    expect(steps(sys, 'net0')).toEqual(['use']);
    replay(sys, ['net0.use']);
    expect(steps(sys, 'net0')).toEqual(['put']);
    sys.step({ type: 'net0.put' });
    expect(steps(sys, 'net0')).toEqual(['find', 'release']);
  });

  it('releasesEarly misuse: may release while its worker is mid-round, and then finishes the round', () => {
    const sys = one(client('net0', 'net_dma', 0, { rounds: 3, releasesEarly: true }));
    sys.step({ type: 'net0.get' });
    sys.step({ type: 'net0.find' });
    expect(steps(sys, 'net0')).toEqual(['inc', 'release']); // already between find and inc
    replay(sys, ['net0.inc', 'net0.test']);
    expect(steps(sys, 'net0')).toEqual(['use', 'release']);
    sys.step({ type: 'net0.release' });
    expect(steps(sys, 'net0')).toEqual(['use']);
    replay(sys, ['net0.use', 'net0.put']);
    expect(sys.isFinished('net0')).toBe(true); // released: no more finds
  });

  it('never-releases: finishes holding its dmaengine_get reference', () => {
    const sys = one(client('net0', 'net_dma', 0, { releases: false }));
    replay(sys, ['net0.get', ...rfcFind('net0'), 'net0.use']);
    expect(steps(sys, 'net0')).toEqual(['put']);
    sys.step({ type: 'net0.put' });
    expect(sys.isFinished('net0')).toBe(true);
    expect(sys.observe().dmaengineRefCount).toBe(1);
  });

  it('busy: keeps finding forever and may release at any time', () => {
    const sys = one(client('net0', 'net_dma', 0, { busy: true, rounds: 1 }));
    sys.step({ type: 'net0.get' });
    for (let i = 0; i < 5; i++) replay(sys, rfcRound('net0'));
    expect(steps(sys, 'net0')).toEqual(['find', 'release']);
  });

  it('migrating: may move between find and put, to online CPUs other than its own', () => {
    const sys = new System(scenario({ cpus: 3, clients: [client('net0', 'net_dma', 0, { migrates: true })] }));
    sys.step({ type: 'net0.get' });
    expect(steps(sys, 'net0')).toEqual(['find']);
    sys.step({ type: 'net0.find' });
    expect(steps(sys, 'net0')).toEqual(['inc', 'migrate@1', 'migrate@2']);
    replay(sys, ['net0.inc', 'net0.test']);
    expect(steps(sys, 'net0')).toEqual(['use', 'migrate@1', 'migrate@2']);
    replay(sys, [{ type: 'net0.migrate', cpu: 2 }, 'net0.use']);
    expect(steps(sys, 'net0')).toEqual(['put', 'migrate@0', 'migrate@1']);
    sys.step({ type: 'net0.put' });
    expect(sys.observe().ref).toEqual([1, 0, -1]);
  });

  it('rfc-wait: net_dma_find_channel under the key returns NULL and undoes its own count; the put then does nothing (rule 2)', () => {
    // 3/7 hunk @@ -316,10 +354,15 @@: NULL from dma_find_channel → this_cpu_dec, return NULL.
    const sys = new System(scenario({ clients: [client('net0', 'net_dma', 0)] }));
    replay(sys, ['net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn', 'net0.find', 'net0.inc']);
    expect(sys.observe().ref).toEqual([1, 0]);
    sys.step({ type: 'net0.test' });
    expect(sys.observe().threads[0].chan).toBeNull();
    expect(sys.observe().ref).toEqual([0, 0]);
    replay(sys, ['net0.use', 'net0.put']);
    expect(sys.observe().ref).toEqual([0, 0]); // no dma_put_channel after a NULL net_dma_find_channel
    expect(sys.observe().violations).toEqual([]);
  });

  it('rfc-wait: the self-decrement is on the CPU the finder runs on at its key test', () => {
    const sys = new System(scenario({ clients: [client('net0', 'net_dma', 0, { migrates: true })] }));
    replay(sys, ['net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn', 'net0.find', 'net0.inc', { type: 'net0.migrate', cpu: 1 }, 'net0.test']);
    expect(sys.observe().ref).toEqual([1, -1]);
  });

  it('rfc-wait: a net_dma find on an empty table (no key) is NULL too, and also self-decrements', () => {
    const sys = new System(scenario({ devices: [], clients: [client('net0', 'net_dma', 0)] }));
    replay(sys, ['net0.get', ...rfcRound('net0')]);
    expect(sys.observe().ref).toEqual([0, 0]);
  });

  it('rfc-wait: a net_dma client on another capability finds with plain dma_find_channel and puts after NULL (rule 1)', () => {
    const dev = { name: 'ioat0', channels: 2, caps: ['xor' as const] };
    const sys = new System(scenario({ devices: [dev], clients: [client('net0', 'net_dma', 0, { capability: 'memcpy' })] }));
    replay(sys, ['net0.get', ...rfcFind('net0')]); // no memcpy device: NULL, net_dma_find_channel's dec
    expect(sys.observe().ref).toEqual([0, 0]);
    const xor = new System(scenario({ devices: [dev], clients: [client('net0', 'net_dma', 0, { capability: 'xor' })] }));
    replay(xor, ['net0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn', ...rfcFind('net0')]);
    expect(xor.observe().threads[0].chan).toBeNull();
    expect(xor.observe().ref).toEqual([1, 0]);
    replay(xor, ['net0.use', 'net0.put']);
    expect(xor.observe().ref).toEqual([0, 0]);
  });

  it('rfc-wait: the last dmaengine_put rebalances (the RFC base, 3/7 hunk @@ -559,7 +640,7 @@), emptying channel_table', () => {
    const sys = new System(scenario({ clients: [client('net0', 'net_dma', 0)] }));
    replay(sys, ['net0.get', ...rfcRound('net0')]);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
    sys.step({ type: 'net0.release' });
    expect(sys.observe().table.memcpy).toEqual([null, null]);
    expect(sys.observe().channels.map((c) => c.tableCount)).toEqual([0, 0]);
  });

  it('baseline (3.6 dmaengine_put, no rebalance): the table keeps its entries after the last put', () => {
    const sys = one(client('net0', 'net_dma', 0), 'baseline');
    replay(sys, ['net0.get', 'net0.find', 'net0.use', 'net0.put', 'net0.release']);
    expect(sys.observe().table.memcpy).toEqual(['ioat0.0', 'ioat0.1']);
  });

  it('baseline: find takes no per-CPU reference', () => {
    const sys = one(client('net0', 'net_dma', 0), 'baseline');
    replay(sys, ['net0.get', 'net0.find', 'net0.use', 'net0.put']);
    expect(sys.observe().ref).toEqual([0, 0]);
  });
});

describe('async_tx client', () => {
  it('caches the found channel and re-gets it once while it holds dmaengine_get', () => {
    const sys = one(client('atx0', 'async_tx', 1));
    replay(sys, ['atx0.get', ...rfcRound('atx0')]);
    expect(steps(sys, 'atx0')).toEqual(['release', 'reget']);
    replay(sys, [...rfcReget('atx0'), 'atx0.use', 'atx0.put']);
    expect(steps(sys, 'atx0')).toEqual(['release']);
    sys.step({ type: 'atx0.release' });
    expect(sys.isFinished('atx0')).toBe(true);
    expect(sys.observe().violations).toEqual([]);
  });

  it('well-behaved: no re-get after its own dmaengine_put', () => {
    const sys = one(client('atx0', 'async_tx', 1));
    replay(sys, ['atx0.get', ...rfcRound('atx0'), 'atx0.release']);
    expect(steps(sys, 'atx0')).toEqual([]);
    expect(sys.isFinished('atx0')).toBe(true);
  });

  it('releasesEarly misuse: re-gets its cached pointer even after it released', () => {
    const sys = one(client('atx0', 'async_tx', 1, { releasesEarly: true }));
    replay(sys, ['atx0.get', ...rfcRound('atx0')]);
    expect(steps(sys, 'atx0')).toEqual(['release', 'reget']);
    sys.step({ type: 'atx0.release' });
    expect(steps(sys, 'atx0')).toEqual(['reget']);
    expect(sys.isFinished('atx0')).toBe(false);
    replay(sys, rfcReget('atx0'));
    expect(sys.observe().threads[0].chan).toBe('ioat0.1');
    replay(sys, ['atx0.use', 'atx0.put']);
    expect(sys.isFinished('atx0')).toBe(true);
    // Released, so its channel's resources were freed: the re-get used freed memory.
    expect(sys.observe().violations).toEqual(['use-after-free:atx0:ioat0.1']);
  });

  it('caches nothing when find returned NULL', () => {
    const sys = one(client('atx0', 'async_tx', 0));
    // The quiesce starts before the find, so the key test returns NULL.
    replay(sys, ['atx0.get', 'ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn', ...rfcRound('atx0')]);
    expect(sys.observe().threads[0].chan).toBeNull();
    // No reget is offered; dmaengine_put waits for dma_list_mutex, which the quiescer holds.
    expect(steps(sys, 'atx0')).toEqual([]);
    replay(sys, [...quiesceRound('ioh0', 2), ...quiesceRound('ioh0', 2), 'ioh0.keyOff', 'ioh0.unlock']);
    expect(steps(sys, 'atx0')).toEqual(['release']);
  });

  it('a re-get while the key is on marks dirty', () => {
    const sys = one(client('atx0', 'async_tx', 0, { releases: false }));
    replay(sys, ['atx0.get', ...rfcRound('atx0'), 'ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn', 'atx0.reget']);
    expect(sys.observe().dirty).toBe(0); // the key test alone marks nothing yet
    sys.step({ type: 'atx0.dirty' });
    expect(sys.observe().dirty).toBe(1);
    sys.step({ type: 'atx0.inc' });
    expect(sys.observe().ref).toEqual([1, 0]);
  });
});

describe('slave client', () => {
  it('requests (allocOk offered both ways), uses, releases', () => {
    const sys = one(client('slave0', 'slave', 0, { rounds: 2 }));
    expect(steps(sys, 'slave0')).toEqual(['request:true', 'request:false']);
    sys.step({ type: 'slave0.request', allocOk: true });
    let o = sys.observe();
    expect(o.threads[0].chan).toBe('ioat0.0');
    expect(o.devices[0]).toMatchObject({ private: true, privatecnt: 1 });
    expect(steps(sys, 'slave0')).toEqual(['use']);
    replay(sys, ['slave0.use', 'slave0.use']);
    expect(steps(sys, 'slave0')).toEqual(['release']);
    sys.step({ type: 'slave0.release' });
    o = sys.observe();
    expect(o.threads[0].chan).toBeNull();
    expect(o.devices[0]).toMatchObject({ private: false, privatecnt: 0 });
    expect(sys.isFinished('slave0')).toBe(true);
  });

  it('a failed alloc leaves nothing held and ends the client', () => {
    const sys = one(client('slave0', 'slave', 0));
    const before = sys.observe();
    sys.step({ type: 'slave0.request', allocOk: false });
    expect(sys.isFinished('slave0')).toBe(true);
    expect(sys.observe()).toEqual(before);
  });

  it('with no candidate only allocOk: true is offered, and the client ends empty-handed', () => {
    const sys = new System(scenario({ clients: [client('net0', 'net_dma', 0), client('slave0', 'slave', 0)] }));
    sys.step({ type: 'net0.get' });
    expect(steps(sys, 'slave0')).toEqual(['request:true']);
    sys.step({ type: 'slave0.request', allocOk: true });
    expect(sys.isFinished('slave0')).toBe(true);
    expect(sys.observe().threads[1].chan).toBeNull();
  });

  it('never-releases: finishes holding its channel; busy: keeps using', () => {
    const holder = one(client('slave0', 'slave', 0, { releases: false }));
    replay(holder, [{ type: 'slave0.request', allocOk: true }, 'slave0.use']);
    expect(holder.isFinished('slave0')).toBe(true);
    expect(holder.observe().threads[0].chan).toBe('ioat0.0');
    const busy = one(client('slave0', 'slave', 0, { busy: true }));
    busy.step({ type: 'slave0.request', allocOk: true });
    expect(steps(busy, 'slave0')).toEqual(['use', 'release']); // busy: may release any time
    for (let i = 0; i < 4; i++) busy.step({ type: 'slave0.use' });
    expect(steps(busy, 'slave0')).toEqual(['use', 'release']);
    const busyHolder = one(client('slave0', 'slave', 0, { busy: true, releases: false }));
    busyHolder.step({ type: 'slave0.request', allocOk: true });
    expect(steps(busyHolder, 'slave0')).toEqual(['use']);
  });

  /** slave0 takes ioat0.0; baseline's unregister, its channel loop (3.6 dmaengine.c:843-852) and the driver's free follow. */
  const REQUEST_THEN_FREE = [
    { type: 'slave0.request', allocOk: true },
    'ioh0.eject',
    'ioh0.unregister',
    'ioh0.chanUnregister',
    'ioh0.chanUnregister',
    'ioh0.free',
  ] as const;

  it('baseline: releasing a channel of a freed device writes freed memory (recorded), counts change as usual', () => {
    const sys = one(client('slave0', 'slave', 0), 'baseline');
    replay(sys, [...REQUEST_THEN_FREE, 'slave0.use', 'slave0.release']);
    const o = sys.observe();
    expect(o.violations).toEqual(['use-after-free:slave0:ioat0.0']);
    expect(o.channels[0].clientCount).toBe(0);
    expect(o.devices[0]).toMatchObject({ private: false, privatecnt: 0, freed: true });
  });

  it('baseline: a release after free alone is already recorded', () => {
    const sys = one(client('slave0', 'slave', 0, { busy: true }), 'baseline');
    replay(sys, [...REQUEST_THEN_FREE, 'slave0.release']);
    expect(sys.observe().violations).toEqual(['use-after-free:slave0:ioat0.0']);
  });
});
