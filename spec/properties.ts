/**
 * The named properties of dmaspec: safety invariants checked on every reachable state of a
 * system machine, and liveness properties "whenever `trigger`, eventually `goal`" under
 * weak fairness of threads. Each has a section in spec/properties.md; designs claim subsets
 * of them (src/designs/<name>/model.ts) and the checker tells which claims hold.
 *
 * A safety property that the observable state (spec/observable.ts) can judge says so here
 * too, next to its machine form ({@link SafetyProperty.observed}), so that runs of the
 * implementation with no machine beside them are checked by the same rule, written once
 * (src/mbt/invariants.ts lists these forms; a test checks both forms agree on every
 * reachable state of small scenarios).
 * @module
 */
import type { Observable } from './observable.ts';
import { PROPERTY_NAMES, parseViolation, type PropertyName } from './vocabulary.ts';
import type { Scenario } from '../src/scenario.ts';
import type { SystemContext } from '../machines/system/context.ts';
import type { SystemModel } from '../machines/system/index.ts';
import type { ModelView } from '../machines/model.ts';

export type { PropertyName } from './vocabulary.ts';

/** The view properties read. */
export type SystemView = ModelView<SystemContext>;

interface PropertyBase {
  readonly name: PropertyName;
  /** One paragraph: what must hold and why it matters. */
  readonly description: string;
  /** The fairness the verdict assumes (safety: none needed). */
  readonly fairness: string;
}

/** Holds in every reachable state. */
export interface SafetyProperty extends PropertyBase {
  readonly kind: 'safety';
  holds(view: SystemView, model: SystemModel): boolean;
  /** The property judged from the observable state alone; absent where it cannot tell. */
  readonly observed?: ObservedForm;
}

/** A safety property over spec/observable.ts (the state both the machine and src/core show). */
export interface ObservedForm {
  /**
   * true: broken exactly when the machine form is. false: weaker, it can only see part of
   * the rule (never flags a state the machine form accepts).
   */
  readonly exact: boolean;
  /** Why `o` breaks the property, or null when it holds. */
  violation(o: Observable, scenario: Scenario): string | null;
}

/** Whenever `trigger` holds, `goal` eventually holds (weak fairness of threads). */
export interface LivenessProperty extends PropertyBase {
  readonly kind: 'liveness';
  trigger(view: SystemView, model: SystemModel): boolean;
  goal(view: SystemView, model: SystemModel): boolean;
}

/** A named property. */
export type Property = SafetyProperty | LivenessProperty;

const NO_FAIRNESS = 'none: an invariant of every reachable state';
const WEAK_FAIRNESS =
  'weak fairness of threads: a thread whose step stays enabled eventually takes it; a state where no step is enabled and the system is not final is a deadlock, so the goal never comes';

/** The observed device of channel `chan` (`ioat0.1` belongs to `ioat0`). */
const deviceOf = (o: Observable, chan: string) => o.devices.find((d) => chan.startsWith(`${d.name}.`))!;

/** Channels of device `d`. */
const chansOf = (m: SystemModel, d: number) => m.layout.devices[d].channels;
/** The IOH is between its eject and its removal. */
const ejecting = (v: SystemView, name: string) => !v.active(`${name}.online`) && !v.active(`${name}.removed`);

/** Safety: nothing was ever used after its memory was freed. */
export const noUseAfterFree: SafetyProperty = {
  name: 'no-use-after-free',
  kind: 'safety',
  fairness: NO_FAIRNESS,
  description:
    'No thread ever used (prep/submit/issue_pending, or dma_chan_put) a channel whose resources were freed by device_free_chan_resources or whose device was freed after unregister.',
  holds: (v) => v.context.uaf.every((row) => row.every((x) => x === 0)),
  observed: {
    exact: true,
    violation: (o) => o.violations.find((v) => parseViolation(v).kind === 'use-after-free') ?? null,
  },
};

/** Safety: `client_count` of a listed channel is what its holders account for. */
export const clientCountMatchesHolders: SafetyProperty = {
  name: 'client-count-matches-holders',
  kind: 'safety',
  fairness: NO_FAIRNESS,
  description:
    'For every channel of a device on dma_device_list: on a private device, client_count equals the number of slave clients holding it; on a public device no slave holds it and client_count is 0 or dmaengine_ref_count (balance_ref_count keeps public channels at the number of dmaengine_get users).',
  holds: (v, m) => {
    const ctx = v.context;
    return m.layout.devices.every((_, d) => {
      const dev = ctx.devices[d];
      if (!dev.listed || dev.freed) return true;
      return chansOf(m, d).every((c) => {
        const holders = m.layout.clients.filter((cl) => cl.kind === 'slave' && v.active(`${cl.name}.holding`) && ctx.threads[cl.index].chan === c).length;
        const cc = ctx.channels[c].clientCount;
        return dev.private ? cc === holders : holders === 0 && (cc === 0 || cc === ctx.refCount);
      });
    });
  },
  observed: {
    exact: true,
    violation(o, scenario) {
      for (const c of o.channels) {
        const dev = deviceOf(o, c.id);
        if (!dev.listed || dev.freed) continue;
        const holders = o.threads.filter((t, i) => scenario.clients[i].kind === 'slave' && t.chan === c.id).length;
        const ok = dev.private ? c.clientCount === holders : holders === 0 && (c.clientCount === 0 || c.clientCount === o.dmaengineRefCount);
        if (!ok) return `${c.id}: client_count ${c.clientCount} with ${holders} slave holder(s), dmaengine_ref_count ${o.dmaengineRefCount}`;
      }
      return null;
    },
  },
};

/** Safety: resources are allocated exactly while `client_count > 0`. */
export const resourcesIffHeld: SafetyProperty = {
  name: 'resources-iff-held',
  kind: 'safety',
  fairness: NO_FAIRNESS,
  description:
    'For every channel of a device not yet freed: device_alloc_chan_resources has run and device_free_chan_resources has not exactly when client_count > 0 (dma_chan_get allocates on 0→1, dma_chan_put frees on →0).',
  holds: (v, m) =>
    m.layout.channels.every(
      (ch, c) => v.context.devices[ch.device].freed === 1 || (v.context.channels[c].resources === 1) === v.context.channels[c].clientCount > 0,
    ),
  observed: {
    exact: true,
    violation(o) {
      const bad = o.channels.find((c) => !deviceOf(o, c.id).freed && c.resources !== c.clientCount > 0);
      return bad ? `${bad.id}: resources ${bad.resources} with client_count ${bad.clientCount}` : null;
    },
  },
};

/** Safety: once a device is quiesced, no thread holds or takes a per-CPU reference to it. */
export const noRefSurvivesQuiesce: SafetyProperty = {
  name: 'no-ref-survives-quiesce',
  kind: 'safety',
  fairness: NO_FAIRNESS,
  description:
    "Once a device's quiesce has finished (dma_channel_quiesce counted quiesceThreshold consecutive zero sums), no client is between a find/get and its put with one of the device's channels: the quiesce promised exactly that. A false-zero sum or a dma_get_channel of a cached pointer after key-off breaks it.",
  holds: (v, m) => v.context.threads.every((th) => th.inFlight === 0 || th.chan < 0 || v.context.devices[m.layout.channels[th.chan].device].quiesced === 0),
};

/** Safety: the quiesce loop never ends while a counted holder of the device is left: no false zero. */
export const noFalseZero: SafetyProperty = {
  name: 'no-false-zero',
  kind: 'safety',
  fairness: NO_FAIRNESS,
  description:
    'When dma_channel_quiesce judges the round that ends it zero, no thread holds a channel of the device with a reference it counted before (its find or get has passed the per-CPU inc and the key test): a sum that had seen that count would not have been zero. A reference that moves between CPUs between two per-CPU reads breaks it: the false zero. Machine: `iohs[h].missed`, set at that read.',
  holds: (v) => v.context.iohs.every((q) => q.missed === 0),
};

/** Safety: the per-CPU counts sum to what is in flight. */
export const refSumNonnegativeWhenQuiescent: SafetyProperty = {
  name: 'ref-sum-nonnegative-when-quiescent',
  kind: 'safety',
  fairness: NO_FAIRNESS,
  description:
    'The sum over CPUs of dmaengine_chan_ref_count is never negative (each dec follows its inc, even on another CPU), and is 0 whenever no client is between a find/get and its put. A single CPU may be negative.',
  holds: (v) => {
    const sum = v.context.ref.reduce((a, b) => a + b, 0);
    return sum >= 0 && (sum === 0 || v.context.threads.some((th) => th.inFlight === 1));
  },
  observed: {
    // The observable does not show which threads are between a find/get and its put.
    exact: false,
    violation(o) {
      const sum = o.ref.reduce((a, b) => a + b, 0);
      return sum < 0 ? `per-CPU counts sum to ${sum}` : null;
    },
  },
};

/** Safety: `channel_table` only names channels of listed devices. */
export const tableNamesListedChannels: SafetyProperty = {
  name: 'table-names-listed-channels',
  kind: 'safety',
  fairness: NO_FAIRNESS,
  description:
    'Every channel_table entry is NULL or a channel of a device on dma_device_list: unregister rebalances before the device leaves, so dma_find_channel cannot return a channel that is going away.',
  holds: (v, m) => v.context.table.every((row) => row.every((c) => c < 0 || v.context.devices[m.layout.channels[c].device].listed === 1)),
  observed: {
    exact: true,
    violation(o) {
      for (const [cap, row] of Object.entries(o.table))
        for (const c of row) if (c !== null && !deviceOf(o, c).listed) return `channel_table[${cap}] names ${c} of an unlisted device`;
      return null;
    },
  },
};

/** Liveness: an eject ends with the IOH removed. */
export const removalCompletes: LivenessProperty = {
  name: 'removal-completes',
  kind: 'liveness',
  fairness: WEAK_FAIRNESS,
  description:
    'Whenever an IOH is being ejected, eventually no IOH is between eject and removed: every device was unregistered and freed. The RFC wait hangs here when a holder is never told to release.',
  trigger: (v, m) => m.layout.iohs.some((h) => ejecting(v, h.name)),
  goal: (v, m) => m.layout.iohs.every((h) => !ejecting(v, h.name)),
};

/** Liveness: the quiesce loop ends. */
export const quiesceTerminates: LivenessProperty = {
  name: 'quiesce-terminates',
  kind: 'liveness',
  fairness: WEAK_FAIRNESS,
  description:
    'Whenever an IOH runs dma_channel_quiesce, eventually none does: the loop reaches quiesceThreshold consecutive zero sums (a busy client that keeps dirtying or holding can starve it).',
  trigger: (v, m) => m.layout.iohs.some((h) => v.active(`${h.name}.quiesce`)),
  goal: (v, m) => m.layout.iohs.every((h) => !v.active(`${h.name}.quiesce`)),
};

/** Liveness: unregister's wait for holders is answered. */
export const waitingClientAnswered: LivenessProperty = {
  name: 'waiting-client-answered',
  kind: 'liveness',
  fairness: WEAK_FAIRNESS,
  description:
    "Whenever unregister waits for a device's holders (state `<ioh>.waiting`, dma_device_wait_queue) while a channel still has clients, eventually the wait is answered: the holders let go and unregister leaves the wait.",
  trigger: (v, m) =>
    m.layout.iohs.some((h, i) => {
      const cur = v.context.iohs[i].cur;
      return v.active(`${h.name}.waiting`) && cur >= 0 && chansOf(m, cur).some((c) => v.context.channels[c].clientCount > 0);
    }),
  goal: (v, m) => m.layout.iohs.every((h) => !v.active(`${h.name}.waiting`)),
};

/** Every property, safety first, in the order of spec/properties.md. */
export const PROPERTIES: readonly Property[] = [
  noUseAfterFree,
  clientCountMatchesHolders,
  resourcesIffHeld,
  noRefSurvivesQuiesce,
  noFalseZero,
  refSumNonnegativeWhenQuiescent,
  tableNamesListedChannels,
  removalCompletes,
  quiesceTerminates,
  waitingClientAnswered,
];
if (PROPERTIES.map((p) => p.name).join() !== PROPERTY_NAMES.join())
  throw new Error(`spec/properties.ts: PROPERTIES must list spec/vocabulary.ts PROPERTY_NAMES, in order (${PROPERTY_NAMES.join(', ')})`);

/** Safety properties of {@link PROPERTIES}. */
export const SAFETY: readonly SafetyProperty[] = PROPERTIES.filter((p): p is SafetyProperty => p.kind === 'safety');
/** Liveness properties of {@link PROPERTIES}. */
export const LIVENESS: readonly LivenessProperty[] = PROPERTIES.filter((p): p is LivenessProperty => p.kind === 'liveness');

/** A property name that is not in {@link PROPERTIES}. */
export class UnknownPropertyError extends Error {
  override readonly name = 'UnknownPropertyError';
  constructor(readonly property: string) {
    super(`unknown property ${property} (known: ${PROPERTIES.map((p) => p.name).join(', ')})`);
  }
}

/** The property named `name`. @throws UnknownPropertyError */
export function propertyNamed(name: string): Property {
  const p = PROPERTIES.find((x) => x.name === name);
  if (!p) throw new UnknownPropertyError(name);
  return p;
}
