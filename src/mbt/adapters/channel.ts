/**
 * Adapter of the `channel` machine (machines/concerns/channel.ts): one channel's
 * `client_count`, driven through the dmaengine API of src/core on a kernel with one
 * registered single-channel device. `chan.get`/`chan.put` are `dmaengine_get`/`_put`,
 * `chan.request {allocOk}` is `dma_request_channel`, `chan.release` is
 * `dma_release_channel`, `chan.rebalance` is `dma_channel_rebalance`.
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ChannelContext } from '../../../machines/concerns/channel.ts';
import type { MachineModel } from '../../../machines/model.ts';
import { DmaEngine } from '../../core/dmaengine.ts';
import { createDevice, type DmaChan } from '../../core/objects.ts';
import { baselineStrategy } from '../../designs/baseline/strategy.ts';
import type { Scenario } from '../../scenario.ts';
import type { Adapter } from '../replay.ts';

/** What the channel adapter compares: the machine's context and which state it is in. */
export interface ChannelProjection extends ChannelContext {
  readonly state: string;
}

/** The channel adapter for `model`, built from `scenario` like the machine. */
export function channelAdapter(model: MachineModel<ChannelContext>, scenario: Scenario): Adapter<ChannelProjection> {
  const spec = scenario.iohs[0].devices[0];
  const cap = spec.capabilities[0];
  let k!: DmaEngine;
  let chan!: DmaChan;
  const reset = () => {
    ready = true;
    // The hot path plays no part here: the 3.4 strategy keeps the kernel to plain dmaengine.
    k = new DmaEngine({ cpus: scenario.cpus, strategy: baselineStrategy, quiesceThreshold: scenario.quiesceThreshold });
    const device = createDevice({ ...spec, channels: 1 });
    k.dmaAsyncDeviceRegister(device);
    chan = device.channels[0];
  };
  // Built on first use, so that an adapter can serve exports of designs without an implementation.
  let ready = false;
  const ensure = () => void (ready || reset());
  return {
    machine: model.name,
    reset,
    step(event) {
      ensure();
      switch (event.type) {
        case 'chan.get':
          return k.dmaengineGet();
        case 'chan.put':
          return k.dmaenginePut();
        case 'chan.request':
          return void k.dmaRequestChannel(cap, event.allocOk === true);
        case 'chan.release':
          return k.dmaReleaseChannel(chan);
        case 'chan.rebalance':
          return k.dmaChannelRebalance();
        default:
          throw new Error(`channel adapter: no operation for ${event.type}`);
      }
    },
    observe: () => (ensure(), {
      refCount: k.dmaengineRefCount,
      clientCount: chan.clientCount,
      resources: chan.resources ? 1 : 0,
      tableCount: chan.tableCount,
      private: chan.device.private ? 1 : 0,
      state: chan.clientCount === 0 ? 'free' : chan.device.private ? 'heldPrivate' : 'heldPublic',
    }),
    expected: (s: AnyMachineSnapshot) => ({ ...(s.context as ChannelContext), state: String(s.value) }),
  };
}
