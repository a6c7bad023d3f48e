/**
 * The design seam: designs of other shapes plug in through DesignStrategy alone, without
 * touching the core, the IOH or the client programs. The two strategies here are sketches
 * written for this test (not the real kref / notifier designs).
 */
import { describe, expect, it } from 'vitest';
import type { DesignStrategy } from '../../src/core/design.ts';
import type { DmaDevice } from '../../src/core/objects.ts';
import { replay, runSchedule, roundRobinScheduler } from '../../src/system/scheduler.ts';
import { System } from '../../src/system/system.ts';
import { at } from '../../src/core/thread.ts';
import { client, scenario } from './fixtures.ts';

/** kref-like: unregister returns at once; the device is freed at the last dma_chan_put. */
const krefSketch: DesignStrategy = {
  name: 'kref',
  description: 'test sketch: free at last put',
  bind(k) {
    const dying = new Set<DmaDevice>();
    const freeIfIdle = (d: DmaDevice) => {
      if (dying.has(d) && !d.freed && d.channels.every((c) => c.clientCount === 0)) k.freeDevice(d);
    };
    return {
      findChannel: (cap, cpu) => k.table[cap][cpu],
      getChannel: (chan) => chan,
      putChannel: () => {},
      *removeDevice(device) {
        yield* at('release');
        dying.add(device);
        freeIfIdle(device);
      },
      afterChanPut: (chan) => freeIfIdle(chan.device),
    };
  },
};

/** notifier-like: unregister asks holders to let go (a client `bye` step), waits until they did, then frees. */
const notifierSketch: DesignStrategy = {
  name: 'notifier',
  description: 'test sketch: ask holders to release',
  bind(k) {
    let asked: DmaDevice | null = null;
    return {
      findChannel: (cap, cpu) => k.table[cap][cpu],
      getChannel: (chan) => chan,
      putChannel: () => {},
      *removeDevice(device) {
        yield* at('notify');
        asked = device;
        yield* at('free', () => device.channels.every((c) => c.clientCount === 0));
        k.freeDevice(device);
        asked = null;
      },
      clientSteps: (c) => [
        {
          step: 'bye',
          enabled: () => asked !== null && (c.spec.kind === 'slave' ? c.chan !== null : c.got && !c.released),
          run: () => {
            if (c.spec.kind !== 'slave') {
              // its dmaengine_put no longer reaches the unlisted device: drop its share there
              for (const ch of asked!.channels) if (ch.clientCount) k.dmaChanPut(ch);
              c.released = true;
              return false;
            }
            k.dmaReleaseChannel(c.chan!, c.name);
            c.chan = null;
            return true;
          },
        },
      ],
    };
  },
};

describe('DesignStrategy seam', () => {
  it('a kref-like design frees at the last put, after unregister returned', () => {
    const sys = new System(scenario({ clients: [client('slave0', 'slave', 0, { rounds: 2 })] }), { strategy: krefSketch });
    replay(sys, [{ type: 'slave0.request', allocOk: true }, 'ioh0.eject', 'ioh0.unregister', 'ioh0.release']);
    expect(sys.iohs[0].state).toBe('removed');
    expect(sys.observe().devices[0].freed).toBe(false);
    replay(sys, ['slave0.use', 'slave0.use', 'slave0.release']);
    expect(sys.observe().devices[0].freed).toBe(true);
    expect(sys.observe().violations).toEqual([]);
  });

  it('a notifier-like design makes a holder release before its uses are done, and removal completes', () => {
    const sys = new System(scenario({ clients: [client('slave0', 'slave', 0, { rounds: 5 })] }), { strategy: notifierSketch });
    replay(sys, [{ type: 'slave0.request', allocOk: true }, 'ioh0.eject', 'ioh0.unregister']);
    expect(sys.enabledSteps().map((e) => e.type)).toEqual(['slave0.use', 'ioh0.notify']);
    sys.step({ type: 'ioh0.notify' });
    expect(sys.enabledSteps().map((e) => e.type)).toEqual(['slave0.use', 'slave0.bye']);
    const run = runSchedule(sys, roundRobinScheduler());
    expect(run.outcome).toBe('completed');
    expect(run.final.devices[0].freed).toBe(true);
  });

  it('a never-releasing net_dma client rests finished, yet answers a step the design adds', () => {
    const sys = new System(scenario({ clients: [client('net0', 'net_dma', 0, { releases: false })] }), { strategy: notifierSketch });
    replay(sys, ['net0.get', 'net0.find', 'net0.use', 'net0.put', 'ioh0.eject', 'ioh0.unregister']);
    expect(sys.isFinished('net0')).toBe(true);
    expect(sys.enabledSteps().map((e) => e.type)).toEqual(['ioh0.notify']);
    sys.step({ type: 'ioh0.notify' });
    expect(sys.enabledSteps().map((e) => e.type)).toEqual(['net0.bye']);
    sys.step({ type: 'net0.bye' });
    expect(sys.enabledSteps().map((e) => e.type)).toEqual(['ioh0.free']);
    sys.step({ type: 'ioh0.free' });
    expect(sys.observe().devices[0].freed).toBe(true);
  });
});
