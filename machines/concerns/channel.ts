/**
 * Standalone machine: one channel's `client_count` — free ⇄ held (public through
 * `dmaengine_get`, or private through `dma_request_channel`), the alloc failure path,
 * resources allocated iff the count is positive, and `table_count` from rebalance.
 * @module
 */
import type { Scenario } from '../../src/scenario.ts';
import type { Rules } from '../kit.ts';
import { makeModel, threadPayloads, type ConfiguredModel, type StateConfig } from '../make.ts';

/** Context of the channel machine. */
export interface ChannelContext {
  /** `dmaengine_ref_count`. */
  refCount: number;
  clientCount: number;
  /** 0/1: `device_alloc_chan_resources` ran and `device_free_chan_resources` has not. */
  resources: number;
  tableCount: number;
  /** 0/1: `DMA_PRIVATE` set on the channel's device. */
  private: number;
}

/**
 * The first channel of the scenario's first device (as if it were the device's only
 * channel), with as many `dmaengine_get` users as the scenario has net_dma/async_tx clients.
 */
export function buildChannel(scenario: Scenario): ConfiguredModel<ChannelContext> {
  const users = Math.max(1, scenario.clients.filter((c) => c.kind !== 'slave').length);
  const ch = 'chan';
  const get = (target: string) => ({
    guard: 'userLeft',
    target: `#${ch}.${target}`,
    actions: ['dmaengineGet'],
    description:
      'dmaengine_get: dmaengine_ref_count++; dma_chan_get (alloc on 0→1, balance_ref_count raises client_count to dmaengine_ref_count); dma_channel_rebalance on the first user',
  });
  const config: StateConfig = {
    id: ch,
    initial: 'free',
    description: `channel ${scenario.iohs[0].devices[0].name}.0: client_count and its resources`,
    context: { refCount: 0, clientCount: 0, resources: 0, tableCount: 0, private: 0 } satisfies ChannelContext,
    on: {
      [`${ch}.rebalance`]: {
        actions: ['rebalance'],
        description: 'dma_channel_rebalance: table_count = 0, then one per online CPU if the channel is public, in use and dmaengine_ref_count > 0',
      },
    },
    states: {
      free: {
        id: `${ch}.free`,
        description: 'client_count 0, no resources',
        on: {
          [`${ch}.get`]: get('heldPublic'),
          [`${ch}.put`]: {
            guard: 'hasUser',
            target: `#${ch}.free`,
            actions: ['dmaenginePut'],
            description: 'dmaengine_put: dmaengine_ref_count--; dma_chan_put is a no-op at 0 (a channel released by a slave is not given back to the users)',
          },
          [`${ch}.request`]: [
            {
              guard: 'allocOk',
              target: `#${ch}.heldPrivate`,
              actions: ['request'],
              description: '__dma_request_channel: DMA_PRIVATE, privatecnt++, dma_chan_get: 0→1 allocates resources',
            },
            {
              target: `#${ch}.free`,
              description: 'device_alloc_chan_resources fails: client_count = 0, privatecnt--, DMA_PRIVATE cleared, NULL returned',
            },
          ],
        },
      },
      heldPublic: {
        id: `${ch}.heldPublic`,
        description: 'public and in use: client_count == dmaengine_ref_count > 0, resources allocated',
        on: {
          [`${ch}.get`]: get('heldPublic'),
          [`${ch}.put`]: [
            { guard: 'lastUser', target: `#${ch}.free`, actions: ['dmaenginePut'], description: 'dmaengine_put: dma_chan_put 1→0 frees the resources' },
            { target: `#${ch}.heldPublic`, actions: ['dmaenginePut'], description: 'dmaengine_put: dma_chan_put, still in use' },
          ],
        },
      },
      heldPrivate: {
        id: `${ch}.heldPrivate`,
        description: 'held by one dma_request_channel client; dmaengine_get skips it',
        on: {
          [`${ch}.get`]: {
            guard: 'userLeft',
            target: `#${ch}.heldPrivate`,
            actions: ['countUserOnly'],
            description: 'dmaengine_get: dmaengine_ref_count++ only (private devices are skipped)',
          },
          [`${ch}.put`]: {
            guard: 'hasUser',
            target: `#${ch}.heldPrivate`,
            actions: ['uncountUserOnly'],
            description: 'dmaengine_put: dmaengine_ref_count-- only',
          },
          [`${ch}.release`]: {
            target: `#${ch}.free`,
            actions: ['release'],
            description: 'dma_release_channel: dma_chan_put 1→0 frees the resources; privatecnt--, DMA_PRIVATE cleared',
          },
        },
      },
    },
  };
  /**
   * dma_channel_rebalance for the one channel: a table entry per online CPU while it is in
   * use and wanted. A private device is skipped altogether, so its channel keeps a stale
   * table_count.
   */
  const rebalance = (c: ChannelContext) => {
    if (c.private) return;
    c.tableCount = c.refCount > 0 && c.clientCount > 0 ? scenario.cpus : 0;
  };
  const rules: Rules<ChannelContext> = {
    guards: {
      userLeft: (c) => c.refCount < users,
      hasUser: (c) => c.refCount > 0,
      lastUser: (c) => c.clientCount === 1,
      allocOk: (_c, _p, e) => e.allocOk === true,
    },
    actions: {
      dmaengineGet: (c) => {
        c.refCount++;
        c.clientCount++;
        if (c.clientCount === 1) {
          c.resources = 1;
          c.clientCount = Math.max(c.clientCount, c.refCount);
        }
        // dmaengine_get rebalances when it is the first user (dmaengine_ref_count 0 → 1).
        if (c.refCount === 1) rebalance(c);
      },
      dmaenginePut: (c) => {
        c.refCount--;
        if (c.clientCount === 0) return;
        if (--c.clientCount === 0) c.resources = 0;
      },
      countUserOnly: (c) => {
        c.refCount++;
      },
      uncountUserOnly: (c) => {
        c.refCount--;
      },
      request: (c) => {
        c.private = 1;
        c.clientCount = 1;
        c.resources = 1;
      },
      release: (c) => {
        c.private = 0;
        c.clientCount = 0;
        c.resources = 0;
      },
      rebalance: (c) => rebalance(c),
    },
  };
  return makeModel({
    name: 'channel',
    scenario,
    config,
    rules,
    threads: [ch],
    payloads: threadPayloads(scenario.cpus),
    isFinal: () => true,
  });
}
