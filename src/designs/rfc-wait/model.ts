/**
 * Design `rfc-wait`: the 2012 CONFIG_DMA_ENGINE_HOTPLUG RFC. Unregister quiesces the hot
 * path (static key + per-CPU counts summed one CPU at a time), drops the references taken
 * for `dmaengine_get` users, then waits until every channel's `client_count` is 0, with a
 * TODO where clients should have been told to let go.
 * @module
 */
import { dropRefsThenWait } from '../../../machines/system/ioh.ts';
import { quiesceRules, quiesceState } from '../../../machines/system/quiesce.ts';
import type { DesignModel } from '../../../machines/system/design.ts';

/** The RFC's quiesce-then-wait design. */
export const rfcWait: DesignModel = {
  name: 'rfc-wait',
  title: 'RFC 2012: quiesce the per-CPU counts, then wait for client_count == 0',
  summary:
    'dma_find_channel/dma_get_channel/dma_put_channel count per CPU; unregister turns the dmaengine_quiesce key on, ' +
    'sums the per-CPU counts one CPU per step until quiesceThreshold consecutive zero sums, turns the key off, drops the ' +
    'dmaengine_get references of the device and waits on dma_device_wait_queue until no channel has clients. ' +
    'Nobody asks a holder to release.',
  hotPath: 'percpu',
  unregisterPhases: [
    { state: 'quiescing', step: 'quiesced', description: 'RFC dma_channel_quiesce runs (the quiesce machine details it)' },
    { state: 'dropping', step: 'putRefs', description: 'the dmaengine_get references are still on the public channels; then dma_chan_put them to 0' },
  ],
  freeWaitsForHolders: true,
  ejecting: (b) => ({
    afterUnregister: 'quiesce',
    states: {
      quiesce: quiesceState(b, b.id('dropping')),
      ...dropRefsThenWait(b, {
        dropping: 'quiesced: the references balance_ref_count took for dmaengine_get users are still on the channels',
        putRefs: "RFC unregister: dma_chan_put the device's public channels down to 0 (device_free_chan_resources at 0)",
        waiting: 'RFC unregister: wait_event(dma_device_wait_queue, every client_count == 0); blocked while a holder remains',
        free: 'every channel has client_count 0: the device and its channels are freed',
      }),
    },
  }),
  rules: (L) => quiesceRules(L),
  claims: [
    'client-count-matches-holders',
    'resources-iff-held',
    'table-names-listed-channels',
    'no-ref-survives-quiesce',
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
    },
  ],
};
