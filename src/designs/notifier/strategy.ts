/**
 * Design `notifier`: after `list_del` + rebalance, unregister asks every client holding the
 * device to release (`notify`) — a slave holding one of its channels, a `dmaengine_get`
 * user, a client with a channel of the device in flight or cached — and waits until each
 * has acknowledged (`ack`, from the client's own context once its round is over: a slave
 * releases its channel, async_tx drops a cached pointer into an unlisted device). Then it
 * drops the `dmaengine_get` references (`putRefs`) and frees (`free`). An asked client
 * starts no new round before it acked. The hot path is 3.4's table read. See README.md here.
 * @module
 */
import type { ClientState } from '../../core/client-state.ts';
import type { DesignStrategy } from '../../core/design.ts';
import type { DmaChan, DmaDevice } from '../../core/objects.ts';
import { at } from '../../core/thread.ts';
import { dropDmaengineRefs, waitLoopThenFree } from '../../core/removal.ts';

/** Where a client is with the release request: not asked, asked, acknowledged. */
type Told = 'no' | 'asked' | 'acked';

/** Whether client `c` holds something of `device`: a channel, a cached pointer, or dmaengine_get references. */
function holds(c: ClientState, device: DmaDevice): boolean {
  const inDevice = (chan: DmaChan | null) => chan !== null && chan.device === device;
  if (c.spec.kind === 'slave') return inDevice(c.chan);
  return (c.got && !c.released) || inDevice(c.chan) || inDevice(c.cached);
}

/** Ask every holder, wait for the acknowledgements, then free. */
export const notifierStrategy: DesignStrategy = {
  name: 'notifier',
  description: 'notifier: unregister asks every holder to release and waits for acknowledgements',
  bind(k) {
    // One flag per client: removals are not concurrent (one IOH ejects at a time).
    const told = new Map<ClientState, Told>();
    const asked = (c: ClientState) => told.get(c) === 'asked';
    return {
      findChannel: (cap, cpu) => k.table[cap][cpu],
      getChannel: (chan) => chan,
      putChannel: () => {},
      *removeDevice(device, clients) {
        yield* at('notify');
        for (const c of clients) if (holds(c, device)) told.set(c, 'asked');
        const pending = () => clients.filter((c) => asked(c) && holds(c, device));
        yield* at(
          'putRefs',
          () => pending().length === 0,
          () =>
            `waiting for acks from ${pending()
              .map((c) => c.name)
              .join(', ')}`,
        );
        dropDmaengineRefs(k, device);
        yield* waitLoopThenFree(k, device, false); // 3.6's channel loop, then synchronize_rcu as the RFC base's unregister
        told.clear();
      },
      // An asked client answers before it starts another round, so even a busy one acks.
      mayStartRound: (c) => !asked(c),
      clientSteps: (c) => [
        {
          step: 'ack',
          enabled: () => asked(c) && (c.spec.kind === 'slave' ? c.chan !== null : c.worker === 'idle'),
          run: () => {
            told.set(c, 'acked');
            if (c.spec.kind === 'slave') {
              k.dmaReleaseChannel(c.chan!, c.name); // the release callback
              c.chan = null;
              return true;
            }
            if (c.cached && !c.cached.device.listed) c.cached = null;
            return false;
          },
        },
      ],
    };
  },
};
