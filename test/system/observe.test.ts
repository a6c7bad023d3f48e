import { describe, expect, it } from 'vitest';
import { diffObservables } from '../../src/system/observe.ts';
import { System } from '../../src/system/system.ts';
import { client, rfcReget, rfcRound, scenario } from '../core/fixtures.ts';

describe('observe and diffObservables', () => {
  it('names every kind of change, one line each', () => {
    const sys = new System(scenario({ cpus: 2, clients: [client('net0', 'net_dma', 0, { migrates: true })] }), { cpuHotplug: true });
    const a = sys.observe();
    sys.step({ type: 'net0.get' });
    sys.step({ type: 'net0.find' });
    sys.step({ type: 'net0.inc' });
    sys.step({ type: 'net0.migrate', cpu: 1 });
    const b = sys.observe();
    expect(diffObservables(a, b)).toEqual([
      'dmaengineRefCount 0→1',
      'ref[0] 0→1',
      'table.memcpy[0] null→ioat0.0',
      'table.memcpy[1] null→ioat0.1',
      'ioat0.module 0→2',
      'ioat0.0.clientCount 0→1',
      'ioat0.0.tableCount 0→1',
      'ioat0.0.resources false→true',
      'ioat0.1.clientCount 0→1',
      'ioat0.1.tableCount 0→1',
      'ioat0.1.resources false→true',
      'net0.cpu 0→1',
      'net0.chan null→ioat0.0',
    ]);
    sys.step({ type: 'ioh0.eject' });
    sys.step({ type: 'ioh0.unregister' });
    sys.step({ type: 'ioh0.keyOn' });
    const c = sys.observe();
    expect(diffObservables(b, c)).toEqual(['key false→true', 'table.memcpy[0] ioat0.0→null', 'table.memcpy[1] ioat0.1→null', 'ioat0.listed true→false']);
    sys.step({ type: 'cpu.offline', cpu: 0 });
    expect(diffObservables(c, sys.observe())).toEqual(['cpuOnline[0] true→false']);
    expect(diffObservables(c, c)).toEqual([]);
  });

  it('reports dirty, privatecnt, freed and new violations', () => {
    const sys = new System(scenario({ design: 'baseline', clients: [client('slave0', 'slave', 0), client('atx0', 'async_tx', 1)] }));
    const a = sys.observe();
    sys.step({ type: 'slave0.request', allocOk: true });
    expect(diffObservables(a, sys.observe())).toEqual([
      'ioat0.private false→true',
      'ioat0.privatecnt 0→1',
      'ioat0.module 0→1',
      'ioat0.0.clientCount 0→1',
      'ioat0.0.resources false→true',
      'slave0.chan null→ioat0.0',
    ]);
    for (const t of ['ioh0.eject', 'ioh0.unregister', 'ioh0.chanUnregister', 'ioh0.chanUnregister']) sys.step({ type: t });
    const b = sys.observe();
    sys.step({ type: 'ioh0.free' });
    expect(diffObservables(b, sys.observe())).toEqual(['ioat0.freed false→true', 'ioat0.0.resources true→false']);
    const c = sys.observe();
    sys.step({ type: 'slave0.use' });
    expect(diffObservables(c, sys.observe())).toEqual(['+violation use-after-free:slave0:ioat0.0']);
    const rfc = new System(scenario({ clients: [client('atx0', 'async_tx', 1, { releases: false })] }));
    for (const t of ['atx0.get', ...rfcRound('atx0'), 'ioh0.eject', 'ioh0.unregister', 'ioh0.keyOn']) rfc.step({ type: t });
    const d = rfc.observe();
    for (const t of rfcReget('atx0', true)) rfc.step({ type: t });
    expect(diffObservables(d, rfc.observe())).toEqual(['ref[1] 0→1', 'dirty 0→1', 'atx0.chan null→ioat0.1']);
  });
});
