/**
 * Projection of the system machine onto one channel's `client_count`: free ⇄ held (public
 * through `dmaengine_get`, private through `dma_request_channel`), the alloc failure path,
 * resources iff the count is positive, `table_count` from rebalance. The context and every
 * rule are the system's (machines/system/dmaengine.ts, the slave rules of
 * machines/system/clients.ts, 3.4's shared rules); the events are an environment of
 * abstract API callers, `env.<kernel function>`, since no thread of the system calls
 * `dmaengine_get` again after `dmaengine_put` or rebalances at will. The three states are a
 * view of the context ({@link channelState}), not state of their own.
 * @module
 */
import type { Scenario } from '../../src/scenario.ts';
import { cloneContext, type Rules } from '../kit.ts';
import { makeModel, type ConfiguredModel, type StateConfig } from '../make.ts';
import { initialContext, type SystemContext } from '../system/context.ts';
import { dmaChannelRebalance, dmaengineGet, dmaenginePut } from '../system/dmaengine.ts';
import { sharedRules } from '../system/index.ts';
import { layoutOf } from '../system/layout.ts';
import { releaseHolder } from './release.ts';

/** The state of the channel a context shows: `free` (client_count 0), `heldPrivate` (DMA_PRIVATE), `heldPublic`. */
export type ChannelState = 'free' | 'heldPublic' | 'heldPrivate';

/** {@link ChannelState} of the one channel of the layout {@link oneChannel} builds. */
export const channelState = (ctx: SystemContext): ChannelState =>
  ctx.channels[0].clientCount === 0 ? 'free' : ctx.devices[0].private ? 'heldPrivate' : 'heldPublic';

/**
 * The scenario of the projection: the first device of the first IOH cut to one channel (the
 * machine is about one channel) and to memcpy (the machine is about `client_count`; the xor,
 * pq and DMA_ASYNC_TX rows of a fuller device only multiply `table_count`'s values, and the
 * guard export's decision trees past their bound), and one slave, the private requester,
 * instead of the clients. The device starts public whatever the scenario's `private` says:
 * this machine's own rules take the channel from public to private and back.
 */
export function oneChannel(scenario: Scenario): Scenario {
  const ioh = scenario.iohs[0];
  const { private: _, ...first } = ioh.devices[0];
  const cut = { ...ioh, devices: [{ ...first, channels: 1, capabilities: ['memcpy' as const] }] };
  return { ...scenario, iohs: [cut], clients: [releaseHolder(cut)] };
}

/** `dmaengine_get` users the environment may have at once: one per net_dma/async_tx client of `scenario`, at least one. */
export const channelUsers = (scenario: Scenario): number => Math.max(1, scenario.clients.filter((c) => c.kind !== 'slave').length);

/** The channel machine of the scenario's first device's first channel. */
export function buildChannel(scenario: Scenario): ConfiguredModel<SystemContext> {
  const users = channelUsers(scenario);
  const L = layoutOf(oneChannel(scenario));
  const ch = 'chan';
  const p = { t: 0 }; // the requester: the slave thread of the layout
  const to = (state: ChannelState) => `#${ch}.${state}`;
  const get = (state: ChannelState, description: string) => ({ guard: 'userLeft', target: to(state), actions: ['envDmaengineGet'], description });
  const put = (state: ChannelState, description: string) => ({ guard: 'hasUser', target: to(state), actions: ['envDmaenginePut'], description });
  const noCandidate = (state: ChannelState) => ({
    guard: { type: 'requestFails', params: p },
    target: to(state),
    actions: [{ type: 'requestChannel', params: p }],
    description: '__dma_request_channel: private_candidate finds no free channel: NULL',
  });
  const config: StateConfig = {
    id: ch,
    initial: 'free',
    description: `channel ${L.channels[0].id}: client_count and its resources`,
    context: initialContext(L),
    on: {
      'env.dmaChannelRebalance': {
        actions: ['envRebalance'],
        description:
          'dma_channel_rebalance: table_count = 0, then one table entry per (capability, online CPU) if the channel is public, in use and dmaengine_ref_count > 0',
      },
    },
    states: {
      free: {
        id: `${ch}.free`,
        description: 'client_count 0, no resources',
        on: {
          'env.dmaengineGet': get(
            'heldPublic',
            'dmaengine_get: dmaengine_ref_count++; dma_chan_get 0→1 allocates, balance_ref_count raises client_count to dmaengine_ref_count; rebalance on the first user',
          ),
          'env.dmaenginePut': put(
            'free',
            'dmaengine_put: dmaengine_ref_count--; dma_chan_put is a no-op at 0 (a channel released by a slave is not given back to the users)',
          ),
          'env.dmaRequestChannel': [
            {
              guard: { type: 'requestGets', params: p },
              target: to('heldPrivate'),
              actions: [{ type: 'requestChannel', params: p }],
              description: '__dma_request_channel: DMA_PRIVATE, privatecnt++, dma_chan_get: 0→1 allocates resources',
            },
            {
              guard: { type: 'requestFails', params: p },
              target: to('free'),
              actions: [{ type: 'requestChannel', params: p }],
              description: 'device_alloc_chan_resources fails: client_count = 0, privatecnt--, DMA_PRIVATE cleared, NULL returned',
            },
          ],
        },
      },
      heldPublic: {
        id: `${ch}.heldPublic`,
        description: 'public and in use: client_count == dmaengine_ref_count > 0, resources allocated',
        on: {
          'env.dmaengineGet': get('heldPublic', 'dmaengine_get: dma_chan_get, client_count++'),
          'env.dmaenginePut': [
            { ...put('free', 'dmaengine_put: dma_chan_put 1→0 frees the resources'), guard: 'putFrees' },
            put('heldPublic', 'dmaengine_put: dma_chan_put, still in use'),
          ],
          'env.dmaRequestChannel': noCandidate('heldPublic'),
        },
      },
      heldPrivate: {
        id: `${ch}.heldPrivate`,
        description: 'held by one dma_request_channel client; dmaengine_get skips it',
        on: {
          'env.dmaengineGet': get('heldPrivate', 'dmaengine_get: dmaengine_ref_count++ only (private devices are skipped)'),
          'env.dmaenginePut': put('heldPrivate', 'dmaengine_put: dmaengine_ref_count-- only'),
          'env.dmaRequestChannel': noCandidate('heldPrivate'),
          'env.dmaReleaseChannel': {
            target: to('free'),
            actions: [{ type: 'releaseChannel', params: p }],
            description: 'dma_release_channel: dma_chan_put 1→0 frees the resources; privatecnt--, DMA_PRIVATE cleared',
          },
        },
      },
    },
  };
  const shared = sharedRules(L, 'plain');
  const rules: Rules<SystemContext> = {
    guards: {
      ...shared.guards,
      userLeft: (c) => c.refCount < users,
      hasUser: (c) => c.refCount > 0,
      // Which state dmaengine_put leads to is what the system's own dmaengine_put leaves.
      putFrees: (c) => {
        const after = cloneContext(c);
        dmaenginePut(after, L);
        return c.refCount > 0 && channelState(after) === 'free';
      },
    },
    actions: {
      ...shared.actions,
      envDmaengineGet: (c) => dmaengineGet(c, L),
      envDmaenginePut: (c) => dmaenginePut(c, L),
      envRebalance: (c) => dmaChannelRebalance(c, L),
    },
  };
  return makeModel({
    name: 'channel',
    scenario,
    config,
    rules,
    threads: ['env'],
    payloads: { dmaRequestChannel: [{ allocOk: true }, { allocOk: false }] },
    isFinal: () => true,
  });
}
