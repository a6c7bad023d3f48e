/**
 * The trigger of every property: the state that makes it non-vacuous, the case the
 * property is about. The checker looks for each trigger as a reachability witness (as
 * stateright's "sometimes" properties do): a claim whose trigger no state of the explored
 * space reaches holds only vacuously — there was nothing to keep — and the report says so
 * (src/check/witness.ts). A liveness property's trigger is its own `trigger`; a safety
 * property's is the situation in which a design could break it. Each trigger is a
 * predicate of one state, symmetric in threads, CPUs and devices (the exploration is
 * reduced by those symmetries), and never the violation itself: a correct design reaches it.
 * @module
 */
import type { SystemModel } from '../machines/system/index.ts';
import { quiesceTerminates, removalCompletes, type SystemView, waitingClientAnswered } from './properties.ts';
import type { PropertyName } from './vocabulary.ts';

/** The state that makes a property non-vacuous. */
export interface Trigger {
  /** What the state is, for the report: "the trigger (…) is never reached". */
  readonly text: string;
  reached(view: SystemView, model: SystemModel): boolean;
}

/** The trigger of each property of spec/properties.ts. */
export const TRIGGERS: Readonly<Record<PropertyName, Trigger>> = {
  'no-use-after-free': {
    text: 'a device is freed while a client still has something of the dmaengine: its dmaengine_get, a channel, a cached pointer or an RCU walk',
    reached: (v) =>
      v.context.devices.some((d) => d.freed === 1) && v.context.threads.some((th) => th.got === 1 || th.chan >= 0 || th.cached >= 0 || th.rcuSeen !== 0),
  },
  'client-count-matches-holders': {
    text: 'a channel of a listed device has clients (client_count > 0)',
    reached: (v, m) => m.layout.channels.some((ch, c) => v.context.devices[ch.device]!.listed === 1 && v.context.channels[c]!.clientCount > 0),
  },
  'resources-iff-held': {
    text: 'a channel of a device not yet freed has its resources allocated (device_alloc_chan_resources ran)',
    reached: (v, m) => m.layout.channels.some((ch, c) => v.context.devices[ch.device]!.freed === 0 && v.context.channels[c]!.resources === 1),
  },
  'no-ref-survives-quiesce': {
    text: "a device's quiesce has finished (its hot-path protection ended: quiesced)",
    reached: (v) => v.context.devices.some((d) => d.quiesced === 1),
  },
  'no-false-zero': {
    text: 'dma_channel_quiesce judged its last round zero (an IOH in <ioh>.quiesce.ended)',
    reached: (v, m) => m.layout.iohs.some((h) => v.active(`${h.name}.quiesce.ended`)),
  },
  'ref-sum-nonnegative-when-quiescent': {
    text: 'a per-CPU reference count, dmaengine_chan_ref_count, is not 0',
    reached: (v) => v.context.ref.some((x) => x !== 0),
  },
  'table-names-listed-channels': {
    text: 'a device has left dma_device_list (unregister ran its list_del)',
    reached: (v) => v.context.devices.some((d) => d.listed === 0),
  },
  'removal-completes': { text: 'an IOH is being ejected', reached: removalCompletes.trigger },
  'quiesce-terminates': { text: 'an IOH runs dma_channel_quiesce (<ioh>.quiesce)', reached: quiesceTerminates.trigger },
  'waiting-client-answered': { text: "unregister waits for a device's holders while a channel has clients", reached: waitingClientAnswered.trigger },
};
