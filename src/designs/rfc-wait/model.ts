/**
 * Design `rfc-wait`: the 2012 CONFIG_DMA_ENGINE_HOTPLUG RFC (seed patch v2 3/7). Unregister
 * holds `dma_list_mutex` from `list_del_rcu` through `dma_channel_rebalance(true)`, which
 * quiesces the hot path (static key + per-CPU counts summed one CPU at a time), then
 * unlocks and waits until every channel's `client_count` is 0, with a TODO where clients
 * should have been told to let go; then 3.6's channel loop (a `chanUnregister` step per
 * channel, each under `dma_list_mutex`) and the added `synchronize_rcu()` before it returns.
 *
 * What 3/7 does not show is how its base (RFC v2 1/7, not found) accounts the
 * `dmaengine_get` users on public channels at that wait. {@link rfcWaitDesign} takes that
 * as a named assumption (spec/rfc-base.md):
 * - `kept` (design `rfc-wait`): 3.4's `balance_ref_count` references stay on the public
 *   channels and nothing in 3/7 drops them, so the wait hangs while they are there;
 * - `unheld` (design `rfc-wait-unheld`): the base holds no such reference at the wait,
 *   modelled by dropping them (`putRefs`) right after the mutex is released.
 * @module
 */
import { dropRefsThenWait, waitLoopSync } from '../../../machines/system/ioh.ts';
import { quiesceRules, quiesceState, unlockState } from '../../../machines/system/quiesce.ts';
import { type DesignModel, defineDesign, NO_EARLY_RELEASE } from '../../../machines/system/design.ts';

/** How the unseen RFC base accounts `dmaengine_get` users on public channels at unregister's wait. */
export type RfcBase = 'kept' | 'unheld';

const WAITING =
  'RFC unregister: wait_event(dmaengine_wait_queue, chan->client_count == 0) per channel ("TODO: notify clients"); blocked while a holder remains';
const FREE =
  'synchronize_rcu() returns (hunk @@ -788,6 +877,9 @@): every dma_issue_pending_all walk inside rcu_read_lock at its start has left; unregister returns, the driver frees the device and its channels';

/** The RFC's quiesce-then-wait design under the base accounting `base`. */
export function rfcWaitDesign(base: RfcBase): DesignModel {
  const unheld = base === 'unheld';
  return defineDesign({
    name: unheld ? 'rfc-wait-unheld' : 'rfc-wait',
    title: unheld
      ? 'RFC 2012, assuming its base holds no dmaengine_get reference at the wait'
      : 'RFC 2012: quiesce the per-CPU counts under dma_list_mutex, then wait for client_count == 0',
    summary:
      'dma_find_channel/dma_get_channel/dma_put_channel count per CPU, each statement a step of its own; unregister takes dma_list_mutex, ' +
      'list_del_rcu, rebalances and, still holding the mutex, turns the dmaengine_quiesce key on, sums the per-CPU counts one CPU per step until ' +
      'quiesceThreshold consecutive zero sums, turns the key off, redistributes and unlocks; then it waits on dmaengine_wait_queue until no channel ' +
      'has clients and synchronize_rcu()s. Nobody asks a holder to release. ' +
      (unheld
        ? 'Assumption rfc-base-unheld: the references of dmaengine_get users are not on the channels at the wait (modelled as putRefs after the unlock).'
        : 'Assumption rfc-base-kept: the references balance_ref_count took for dmaengine_get users stay on the public channels; nothing drops them.'),
    hotPath: 'rfc',
    cpuNotifier: true, // the RFC base's hotcpu_rebalance (3/7 hunk @@ -1011,7 +1103,7 @@)
    putRebalances: true, // the RFC base's dmaengine_put (3/7 hunk @@ -559,7 +640,7 @@)
    ejecting: (b) => ({
      afterUnregister: 'quiesce',
      unregister: {
        action: 'unregisterHoldingMutex',
        description:
          'RFC dma_async_device_unregister: mutex_lock(&dma_list_mutex); list_del_rcu; dma_channel_rebalance(true): the first distribution without the device, then dma_channel_quiesce, mutex still held',
      },
      states: {
        quiesce: quiesceState(b, b.id('unlocking')),
        unlocking: unlockState(b, b.id(unheld ? 'dropping' : 'waiting')),
        ...(unheld
          ? dropRefsThenWait(
              b,
              {
                dropping: 'assumption rfc-base-unheld: the references balance_ref_count took for dmaengine_get users are still on the channels',
                putRefs: "assumed, not in RFC 3/7: dma_chan_put the device's public channels down to 0 (device_free_chan_resources at 0)",
                waiting: WAITING,
                free: FREE,
              },
              { loop: true },
            )
          : waitLoopSync(b, true, { waiting: WAITING, free: FREE })),
      },
    }),
    rules: (L) => quiesceRules(L),
    claims: [
      'client-count-matches-holders',
      'resources-iff-held',
      'table-names-listed-channels',
      'no-ref-survives-quiesce',
      'no-false-zero',
      'no-use-after-free',
      'ref-sum-nonnegative-when-quiescent',
      'quiesce-terminates',
      'removal-completes',
      'waiting-client-answered',
    ],
    assumptions: [
      {
        text: 'Every holder of a private channel eventually calls dma_release_channel on its own: nothing asks it to.',
        kinds: ['slave'],
        flags: { releases: true },
      },
      {
        text: 'A client re-takes a cached channel pointer with dma_get_channel only while the channel is still registered.',
        kinds: ['async_tx'],
        flags: {},
        steps: ['reget'],
      },
      unheld
        ? { text: 'rfc-base-unheld: the unseen base (RFC v2 1/7) keeps no dmaengine_get reference on public channels at the wait.', flags: {}, steps: [] }
        : { text: 'rfc-base-kept: the RFC base keeps 3.4’s balance_ref_count references for dmaengine_get users.', flags: {}, steps: [] },
      NO_EARLY_RELEASE,
    ],
  });
}

/** The RFC as 3/7 shows it, on 3.4's channel accounting. */
export const rfcWait: DesignModel = rfcWaitDesign('kept');
