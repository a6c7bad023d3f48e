/**
 * The guide's free-before-ack design (free-before-ack.ts beside this file) with its
 * implementation strategy: the same design on dmaspec's executable core (src/core), so that
 * `check` replays each counterexample on the implementation and `simulate` runs it
 * (docs/writing-a-design.md, "An implementation strategy"). Each hook mirrors a step of the
 * model: `removeDevice` is the IOH's program from unregister to the free (notify, putRefs,
 * free), `clientSteps` the clients' `ack`.
 */
import { at, type ClientState, type DesignStrategy, type DmaChan, type DmaDevice, dropDmaengineRefs, waitThenFree } from 'dmaspec/design';
import { freeBeforeAck } from './free-before-ack.ts';

/** Whether client `c` holds something of `device`: a channel, a cached pointer, or dmaengine_get references. */
function holds(c: ClientState, device: DmaDevice): boolean {
  const inDevice = (chan: DmaChan | null) => chan !== null && chan.device === device;
  return c.spec.kind === 'slave' ? inDevice(c.chan) : (c.got && !c.released) || inDevice(c.chan) || inDevice(c.cached);
}

export const strategy: DesignStrategy = {
  name: 'free-before-ack',
  description: 'free-before-ack: unregister asks every holder to release, then frees without waiting for the acks',
  bind(k) {
    // The model's per-thread `told` variable: asked (1) or acked (2).
    const told = new Map<ClientState, 'asked' | 'acked'>();
    return {
      // The hot path is 3.4's table read (hotPath: 'plain').
      findChannel: (cap, cpu) => k.table[cap][cpu],
      getChannel: (chan) => chan,
      putChannel: () => {},
      // ejecting: notify → putRefs → free, each step one `at` (one step of the IOH thread).
      *removeDevice(device, clients) {
        yield* at('notify');
        for (const c of clients) if (holds(c, device)) told.set(c, 'asked');
        yield* at('putRefs');
        dropDmaengineRefs(k, device);
        yield* waitThenFree(k, device, false); // synchronize_rcu(), then free: no wait for the acks
      },
      // clientSteps: `ack`, from a slave holding its channel or an idle net_dma/async_tx worker.
      clientSteps: (c) => [
        {
          step: 'ack',
          enabled: () => told.get(c) === 'asked' && (c.spec.kind === 'slave' ? c.chan !== null : c.worker === 'idle'),
          run: () => {
            told.set(c, 'acked');
            if (c.spec.kind === 'slave') {
              k.dmaReleaseChannel(c.chan!, c.name); // the release callback
              c.chan = null;
              return true; // the slave's program ends with it
            }
            if (c.cached && !c.cached.device.listed) c.cached = null;
            return false;
          },
        },
      ],
    };
  },
};

export default { model: freeBeforeAck, strategy };
