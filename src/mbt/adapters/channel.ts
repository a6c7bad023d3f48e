/**
 * Adapter of the `channel` machine (machines/concerns/channel.ts): one channel's
 * `client_count`, driven through the dmaengine API of src/core on a kernel with one
 * registered single-channel device (the scenario's first device cut to one channel: the
 * machine models one channel). Each `env.<function>` event is that call of the API
 * (`env.dmaRequestChannel {allocOk}` with the alloc's outcome).
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import { channelUsers, oneChannel } from '../../../machines/concerns/channel.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import type { StepEvent } from '../../../machines/kit.ts';
import type { ScenarioModel } from '../../../machines/make.ts';
import { DmaEngine } from '../../core/dmaengine.ts';
import { createDevice, type DmaChan } from '../../core/objects.ts';
import { baselineStrategy } from '../../designs/baseline/strategy.ts';
import type { Scenario } from '../../scenario.ts';
import type { FieldDoc } from '../fields.ts';
import type { InputField } from '../guards.ts';
import type { Adapter } from '../replay.ts';
import { snapshotView } from '../../../machines/xstate.ts';
import { eventLabel } from '../../../spec/vocabulary.ts';

/** What the channel adapter compares: the machine's context (booleans as booleans) and which state it is in. */
export interface ChannelProjection {
  readonly refCount: number;
  readonly clientCount: number;
  readonly resources: boolean;
  readonly tableCount: number;
  readonly private: boolean;
  readonly state: string;
}

/** The fields of {@link ChannelProjection} for the export header. */
export const CHANNEL_FIELDS: readonly FieldDoc[] = [
  { path: 'refCount', type: 'integer', meaning: 'dmaengine_ref_count' },
  { path: 'clientCount', type: 'integer', meaning: 'chan->client_count of the one channel' },
  { path: 'resources', type: 'boolean', meaning: 'device_alloc_chan_resources ran and device_free_chan_resources (the last dma_chan_put) has not since' },
  { path: 'tableCount', type: 'integer', meaning: 'chan->table_count (channel_table entries pointing at the channel)' },
  { path: 'private', type: 'boolean', meaning: 'DMA_PRIVATE set in the device cap_mask' },
  {
    path: 'state',
    type: 'string',
    meaning: 'derived, not a kernel variable: free (client_count 0), heldPrivate (client_count > 0 and DMA_PRIVATE), heldPublic (client_count > 0, public)',
  },
];

const CHANNEL_SLOTS: Readonly<Record<string, string>> = {
  refCount: 'refCount',
  'channels[0].clientCount': 'clientCount',
  'channels[0].tableCount': 'tableCount',
  'channels[0].resources': 'resources',
  'devices[0].private': 'private',
};

/** Where {@link ChannelProjection} shows a slot of the machine's context (booleans as JSON booleans). */
export const channelInputField: InputField = (slot) => {
  const path = CHANNEL_SLOTS[slot];
  if (!path) return undefined;
  return { path, decode: path === 'resources' || path === 'private' ? (v) => v === 1 || v === true : (v) => v };
};

/** The implementation side of the channel machine: the scenario's first device cut to one channel, no clients, 3.4 dmaengine (the hot path plays no part). */
export function channelScenario(scenario: Scenario): Scenario {
  return { ...oneChannel(scenario), design: 'baseline', clients: [] };
}

/**
 * The channel adapter for `model`, on the implementation scenario {@link channelScenario}.
 * Besides the fields it compares the enabled steps: the implementation's own preconditions
 * (`dmaengine_put` needs a user, a `dma_request_channel` whose alloc fails a free candidate,
 * `dma_release_channel` a privately held channel) and the machine's bound of dmaengine_get
 * users (machines/concerns/channel.ts `channelUsers` of the machine's scenario).
 */
export function channelAdapter(model: ScenarioModel<SystemContext>, scenario: Scenario): Adapter<ChannelProjection & { enabled: readonly string[] }> {
  const users = channelUsers(model.scenario);
  const spec = scenario.iohs[0].devices[0];
  const cap = spec.capabilities[0];
  let k!: DmaEngine;
  let chan!: DmaChan;
  const reset = () => {
    ready = true;
    // The hot path plays no part here: the 3.4 strategy keeps the kernel to plain dmaengine.
    k = new DmaEngine({ cpus: scenario.cpus, strategy: baselineStrategy, quiesceThreshold: scenario.quiesceThreshold });
    const device = createDevice(spec);
    k.dmaAsyncDeviceRegister(device);
    chan = device.channels[0];
  };
  // Built on first use, so that an adapter can serve exports of designs without an implementation.
  let ready = false;
  const ensure = () => void (ready || reset());
  const takes = (e: StepEvent): boolean => {
    switch (e.type) {
      case 'env.dmaengineGet':
        return k.dmaengineRefCount < users;
      case 'env.dmaenginePut':
        return k.dmaengineRefCount > 0;
      case 'env.dmaRequestChannel':
        // With no candidate the call returns NULL; an alloc can only fail on a candidate.
        return e.allocOk === true || k.requestCandidate(cap) !== null;
      case 'env.dmaReleaseChannel':
        return chan.device.private && chan.clientCount > 0;
      default:
        return e.type === 'env.dmaChannelRebalance';
    }
  };
  return {
    machine: model.name,
    reset,
    step(event) {
      ensure();
      switch (event.type) {
        case 'env.dmaengineGet':
          return k.dmaengineGet();
        case 'env.dmaenginePut':
          return k.dmaenginePut();
        case 'env.dmaRequestChannel':
          return void k.dmaRequestChannel(cap, event.allocOk === true);
        case 'env.dmaReleaseChannel':
          return k.dmaReleaseChannel(chan);
        case 'env.dmaChannelRebalance':
          return k.dmaChannelRebalance();
        default:
          throw new Error(`channel adapter: no operation for ${event.type}`);
      }
    },
    observe: () => (
      ensure(),
      {
        refCount: k.dmaengineRefCount,
        clientCount: chan.clientCount,
        resources: chan.resources,
        tableCount: chan.tableCount,
        private: chan.device.private,
        state: chan.clientCount === 0 ? 'free' : chan.device.private ? 'heldPrivate' : 'heldPublic',
        enabled: model.allEvents.filter(takes).map(eventLabel).sort(),
      }
    ),
    expected: (s: AnyMachineSnapshot) => {
      const view = snapshotView<SystemContext>(s);
      const c = view.context;
      return {
        refCount: c.refCount,
        clientCount: c.channels[0].clientCount,
        resources: c.channels[0].resources === 1,
        tableCount: c.channels[0].tableCount,
        private: c.devices[0].private === 1,
        state: String(s.value),
        enabled: model.enabledEvents(view).map(eventLabel).sort(),
      };
    },
  };
}
