/**
 * Standalone machine: the life of one DMA device (`struct dma_device`) — unregistered →
 * registered (public ⇄ private) → unregistering (as the design says) → freed. Its own small
 * context: the device's `privatecnt` and how many of its channels private clients hold.
 * @module
 */
import type { Scenario } from '../../src/scenario.ts';
import { designModel } from '../../src/designs/models.ts';
import type { DesignModel } from '../system/design.ts';
import type { Rules } from '../kit.ts';
import { makeModel, type ConfiguredModel, type StateConfig } from '../make.ts';

/** Context of the device machine. */
export interface DeviceContext {
  /** `privatecnt`: channels handed out by `dma_request_channel`. */
  privatecnt: number;
  /** Channels held by private clients (`client_count` 1 each). */
  holders: number;
}

const RELEASE = 'dma_release_channel: dma_chan_put, privatecnt-- (RFC: wakes the unregister wait queue)';

/** The unregistering part: the design's phases, then the free (waiting for holders if the design does). */
function unregistering(n: string, D: DesignModel): StateConfig {
  const id = (s: string) => `${n}.unregistering.${s}`;
  const phases = [...D.unregisterPhases.map((p) => ({ ...p })), { state: D.freeWaitsForHolders ? 'waiting' : 'unlisted', step: 'free', description: '' }];
  const states: Record<string, StateConfig> = {};
  phases.forEach((p, i) => {
    const last = i === phases.length - 1;
    states[p.state] = {
      id: id(p.state),
      description: last
        ? D.freeWaitsForHolders
          ? 'wait until no channel has clients, then free'
          : '3.4: off the list; WARN_ONCE if channels still have clients'
        : p.description,
      on: {
        [`${n}.${p.step}`]: last
          ? {
              ...(D.freeWaitsForHolders ? { guard: 'noHolder' } : {}),
              target: `#${n}.freed`,
              description: D.freeWaitsForHolders ? 'no holder left: free the device and its channels' : "the driver's remove frees the device, held or not",
            }
          : { target: `#${id(phases[i + 1].state)}`, description: `${D.name}: ${p.step}` },
      },
    };
  });
  return { initial: phases[0].state, states };
}

/** The device lifecycle of the scenario's first device under the scenario's design. */
export function buildDevice(scenario: Scenario): ConfiguredModel<DeviceContext> {
  const dev = scenario.iohs[0].devices[0];
  const n = dev.name;
  const D = designModel(scenario.design);
  const request = (target: string, description: string) => ({
    guard: 'hasFreeChannel',
    target: `#${target}`,
    actions: ['request'],
    description,
  });
  const config: StateConfig = {
    id: n,
    initial: 'unregistered',
    description: `device ${n}: registration, private use, unregistration (design ${scenario.design})`,
    context: { privatecnt: 0, holders: 0 } satisfies DeviceContext,
    states: {
      unregistered: {
        id: `${n}.unregistered`,
        description: 'probed by the driver, not yet on dma_device_list',
        on: { [`${n}.register`]: { target: `#${n}.registered`, description: 'dma_async_device_register: list add, rebalance' } },
      },
      registered: {
        id: `${n}.registered`,
        initial: 'public',
        description: 'on dma_device_list',
        on: {
          [`${n}.unregister`]: { target: `#${n}.unregistering`, description: 'dma_async_device_unregister: list_del_rcu, dma_channel_rebalance' },
        },
        states: {
          public: {
            id: `${n}.registered.public`,
            description: 'DMA_PRIVATE clear: channels serve dmaengine_get users through the channel table',
            on: {
              [`${n}.request`]: request(
                `${n}.registered.private`,
                '__dma_request_channel: private_candidate picks a free channel; DMA_PRIVATE set, privatecnt++',
              ),
            },
          },
          private: {
            id: `${n}.registered.private`,
            description: 'DMA_PRIVATE set: channels only go to dma_request_channel',
            on: {
              [`${n}.request`]: request(`${n}.registered.private`, '__dma_request_channel takes another free channel: privatecnt++'),
              [`${n}.release`]: [
                { guard: 'lastHolder', target: `#${n}.registered.public`, actions: ['release'], description: `${RELEASE}; DMA_PRIVATE cleared at 0` },
                { target: `#${n}.registered.private`, actions: ['release'], description: RELEASE },
              ],
            },
          },
        },
      },
      unregistering: {
        id: `${n}.unregistering`,
        description: 'unregister has begun; holders may still release (targetless: the leaf stays)',
        on: { [`${n}.release`]: { guard: 'hasHolder', actions: ['release'], description: RELEASE } },
        ...unregistering(n, D),
      },
      freed: { id: `${n}.freed`, description: 'the device and its channels are freed' },
    },
  };
  const rules: Rules<DeviceContext> = {
    guards: {
      hasFreeChannel: (c) => c.holders < dev.channels,
      hasHolder: (c) => c.holders > 0,
      lastHolder: (c) => c.privatecnt === 1,
      noHolder: (c) => c.holders === 0,
    },
    actions: {
      request: (c) => {
        c.privatecnt++;
        c.holders++;
      },
      release: (c) => {
        c.privatecnt--;
        c.holders--;
      },
    },
  };
  return makeModel({ name: 'device', scenario, config, rules, threads: [n], payloads: {}, isFinal: (v) => v.active(`${n}.freed`) });
}
