/**
 * The NET_RX softirq of a net_dma client (thread `<client>-rx`, spec/threads.md): with
 * `CONFIG_NET_DMA`, `net_rx_action` calls `dma_issue_pending_all` (3.4 net/core/dev.c), an
 * RCU reader of `dma_device_list`. Steps: `walk` (`rcu_read_lock`, the first device fetched),
 * `check` (reads on to the first channel with clients, or to the end and `rcu_read_unlock`),
 * then per such channel `issue` (its `device_issue_pending`, then reads on to the next):
 * a put can land between a `client_count` read and its issue (assumption
 * walker-per-channel, spec/threads.md). 3.4's unregister does not wait for the walk (no
 * `synchronize_rcu`), the RFC's does.
 * @module
 */
import type { DmaEngine } from '../core/dmaengine.ts';
import { at, offer, type ThreadProgram } from '../core/thread.ts';
import type { ClientState } from '../core/client-state.ts';
import { rxThread } from '../../spec/vocabulary.ts';

/** Step names of the softirq thread. */
export const NET_RX_STEPS = ['walk', 'check', 'issue'] as const;

/**
 * The softirq program of net_dma client `c`: runs while net_dma is on (between
 * `dmaengine_get` and `dmaengine_put`) and some device is listed, private or not (a walk of
 * an empty list changes nothing). Violations are recorded under the softirq's own thread name, `<client>-rx`.
 */
export function* netRxProgram(k: DmaEngine, c: ClientState): ThreadProgram {
  for (;;) {
    yield { offers: [offer('walk', () => c.got && !c.released && k.deviceList.length > 0)], final: true };
    const rx = rxThread(c.name);
    k.rcuWalkBegin(rx);
    yield* at('check');
    // Each channel with clients: the walk stops before its device_issue_pending.
    for (let chan = k.rcuWalkCheck(rx); chan; chan = k.rcuWalkIssue(rx)) yield* at('issue');
    if (k.oopsed.has(rx)) return; // an oops ends the thread (assumption oops-ends-thread, spec/threads.md)
  }
}
