/**
 * The NET_RX softirq of a net_dma client (thread `<client>-rx`, spec/threads.md): with
 * `CONFIG_NET_DMA`, `net_rx_action` calls `dma_issue_pending_all` (3.4 net/core/dev.c), an
 * RCU reader of `dma_device_list`. Two steps: `walk` (`rcu_read_lock` and the list walk) and
 * `issue` (`device_issue_pending` on the channels with clients, `rcu_read_unlock`). Between
 * them the walk holds pointers to the devices it saw: 3.4's unregister does not wait for it
 * (no `synchronize_rcu`), the RFC's does.
 * @module
 */
import type { DmaEngine } from '../core/dmaengine.ts';
import { at, offer, type ThreadProgram } from '../core/thread.ts';
import type { ClientState } from '../core/client-state.ts';
import { rxThread } from '../../spec/vocabulary.ts';

/** Step names of the softirq thread. */
export const NET_RX_STEPS = ['walk', 'issue'] as const;

/**
 * The softirq program of net_dma client `c`: runs while net_dma is on (between
 * `dmaengine_get` and `dmaengine_put`) and some device is listed, private or not (a walk of
 * an empty list changes nothing). Violations are recorded under the softirq's own thread name, `<client>-rx`.
 */
export function* netRxProgram(k: DmaEngine, c: ClientState): ThreadProgram {
  for (;;) {
    yield { offers: [offer('walk', () => c.got && !c.released && k.deviceList.length > 0)], final: true };
    k.rcuWalkBegin(rxThread(c.name));
    yield* at('issue');
    k.rcuWalkEnd(rxThread(c.name));
  }
}
