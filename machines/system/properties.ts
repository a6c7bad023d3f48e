/**
 * The named properties of dmaspec, one record each: safety invariants checked on every
 * reachable state of a system machine, and liveness properties "whenever `trigger`,
 * eventually `goal`" under weak fairness of threads. Designs claim subsets of them
 * (src/designs/<name>/model.ts) and the checker tells which claims hold.
 *
 * A property is one {@link defineProperty} call here and one entry of {@link PROPERTIES};
 * everything else derives from that list: its section of spec/properties.md (the record's
 * `section`, written by `npm run docs`), the names designs claim ({@link PropertyName},
 * {@link PROPERTY_NAMES}), the safety and liveness lists the checker and the Promela export
 * take, each property's trigger (its reachability witness, src/check/witness.ts), and the
 * observed forms that judge runs of the implementation (src/mbt/invariants.ts).
 *
 * The trigger of a property is the state that makes it non-vacuous, the case the property
 * is about. The checker looks for it as a reachability witness (as stateright's
 * "sometimes" properties): a claim whose trigger no state of the explored space reaches
 * holds only vacuously, and the report says so. A liveness property's trigger is its own
 * `trigger`; a safety property's is the situation in which a design could break it. Each is
 * a predicate of one state, symmetric in threads, CPUs and devices (the exploration is
 * reduced by those symmetries), and never the violation itself: a correct design reaches it.
 *
 * A safety property that the observable state (spec/observable.ts) can judge says so here
 * too, next to its machine form ({@link SafetyProperty.observed}), so that runs of the
 * implementation with no machine beside them are checked by the same rule, written once
 * (a test checks both forms agree on every reachable state of small scenarios).
 *
 * The properties read the system machine (its context, layout and state ids), so they sit
 * beside it, above spec/ whose vocabulary the machine itself speaks.
 * @module
 */
import type { Observable } from '../../spec/observable.ts';
import { hasWalker, parseViolation } from '../../spec/vocabulary.ts';
import { MissingEntryError } from '../../src/lookup.ts';
import type { Scenario } from '../../src/scenario.ts';
import type { ModelView } from '../model.ts';
import type { SystemContext } from './context.ts';
import type { SystemModel } from './index.ts';

/** The view properties read. */
export type SystemView = ModelView<SystemContext>;

/** The state that makes a property non-vacuous. */
export interface Trigger {
  /** What the state is, for the report: "the trigger (…) is never reached". */
  readonly text: string;
  reached(view: SystemView, model: SystemModel): boolean;
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

interface PropertyBase<N extends string> {
  readonly name: N;
  /** One paragraph: what must hold and why it matters. */
  readonly description: string;
  /** The fairness the verdict assumes (safety: none needed). */
  readonly fairness: string;
  /** The trigger: the state that puts the property to the test, looked for as its reachability witness. */
  readonly witness: Trigger;
  /** Its section of spec/properties.md, line by line (see {@link SafetyRecord.section}). */
  readonly section?: readonly string[];
}

/** Holds in every reachable state. */
export interface SafetyProperty<N extends string = PropertyName> extends PropertyBase<N> {
  readonly kind: 'safety';
  holds(view: SystemView, model: SystemModel): boolean;
  /** The property judged from the observable state alone; absent where it cannot tell. */
  readonly observed?: ObservedForm;
}

/** Whenever `trigger` holds, `goal` eventually holds (weak fairness of threads). */
export interface LivenessProperty<N extends string = PropertyName> extends PropertyBase<N> {
  readonly kind: 'liveness';
  trigger(view: SystemView, model: SystemModel): boolean;
  goal(view: SystemView, model: SystemModel): boolean;
}

/** A named property. */
export type Property = SafetyProperty | LivenessProperty;

/**
 * A property of any name: a built-in one, a design's own (machines/system/design.ts
 * `properties`) or one of a `--property FILE` module, each made with {@link defineProperty}.
 */
export type AnyProperty = SafetyProperty<string> | LivenessProperty<string>;

/** What a safety property's record says: its name, what it means, when it is put to the test, and the rule. */
export interface SafetyRecord<N extends string> {
  readonly name: N;
  readonly description: string;
  /**
   * The body of the property's section in spec/properties.md, line by line, after its
   * `*Safety.*`: what it means in kernel terms, its machine form, which designs break it.
   * Markdown, kernel names in backticks (`npm run docs` writes the section and links them).
   * Every built-in property has one (test/spec/properties.test.ts); a design's own or a
   * `--property FILE` one may leave it out.
   */
  readonly section?: readonly string[];
  readonly trigger: Trigger;
  holds(view: SystemView, model: SystemModel): boolean;
  readonly observed?: ObservedForm;
}

/** What a liveness property's record says: its trigger (also its witness) and the goal that must follow. */
export interface LivenessRecord<N extends string> {
  readonly name: N;
  readonly description: string;
  /** As {@link SafetyRecord.section}, after `*Liveness.*`. */
  readonly section?: readonly string[];
  readonly trigger: Trigger;
  goal(view: SystemView, model: SystemModel): boolean;
}

const NO_FAIRNESS = 'none: an invariant of every reachable state';
const WEAK_FAIRNESS =
  'weak fairness of threads: a thread whose step stays enabled eventually takes it; a state where no step is enabled and the system is not final is a deadlock, so the goal never comes';

/** A property from its record: a safety property when it has `holds`, a liveness property when it has `goal`. */
export function defineProperty<const N extends string>(record: SafetyRecord<N>): SafetyProperty<N>;
export function defineProperty<const N extends string>(record: LivenessRecord<N>): LivenessProperty<N>;
export function defineProperty<const N extends string>(record: SafetyRecord<N> | LivenessRecord<N>): SafetyProperty<N> | LivenessProperty<N> {
  const { name, description, trigger } = record;
  const section = record.section ? { section: record.section } : {};
  if ('holds' in record)
    return {
      kind: 'safety',
      name,
      description,
      ...section,
      fairness: NO_FAIRNESS,
      witness: trigger,
      holds: record.holds,
      ...(record.observed ? { observed: record.observed } : {}),
    };
  return { kind: 'liveness', name, description, ...section, fairness: WEAK_FAIRNESS, witness: trigger, trigger: trigger.reached, goal: record.goal };
}

/** The observed device of channel `chan` (`ioat0.1` belongs to `ioat0`); an id of no device is an observable built wrong. */
function deviceOf(o: Observable, chan: string): Observable['devices'][number] {
  const dev = o.devices.find((d) => chan.startsWith(`${d.name}.`));
  if (!dev) throw new MissingEntryError(`observable: channel ${chan} belongs to no device (${o.devices.map((d) => d.name).join(', ')})`);
  return dev;
}

/** Channels of device `d`. */
const chansOf = (m: SystemModel, d: number) => m.layout.devices[d].channels;
/** The IOH is between its eject and its removal. */
const ejecting = (v: SystemView, name: string) => !v.active(`${name}.online`) && !v.active(`${name}.removed`);

/** Safety: nothing was ever used after its memory was freed. */
export const noUseAfterFree = defineProperty({
  name: 'no-use-after-free',
  description:
    'No thread ever used (prep/submit/issue_pending, or dma_chan_put) a channel whose resources were freed by device_free_chan_resources or whose device was freed after unregister, and no IOH thread unregistered a device already freed (its dma_async_device_unregister walks and writes the freed device and channels).',
  section: [
    'No thread ever used a channel (prep/submit/`dma_async_issue_pending`, or',
    '`dma_chan_put` in `dma_release_channel`) whose resources were freed by',
    '`device_free_chan_resources` or whose device was freed after unregister, and no IOH thread',
    'unregistered a device already freed (mainline `dma_async_device_unregister` walks the',
    "device's channel list and writes its `cap_mask`, 7.0 `dmaengine.c:1305-1316`). Machine: every",
    '`uaf[thread][chan]` and every `iohs[h].uaf` is 0 (observable `violations` has no',
    "`use-after-free:…`; the IOH's name `use-after-free:ioh0:<chan>`, each channel of the device).",
    'Violated by `baseline` (a free under a user, or under a `dma_issue_pending_all` walk), by',
    '`rfc-wait-unheld` after any reference the quiesce missed (a finder preempted after its table',
    'read, a false-zero sum, a re-get once the loop has ended), by `kref` as shipped (a put per',
    '`dma_chan_put`), and in every design by `dmaengine_put` during an in-flight round (the',
    "`releasesEarly` misuse). Under `kref` and `kref-5-10` the clients' puts can free a device",
    "before its eject; the IOH's unregister then reads it (the step `unregister`, or `putRef`",
    'when the last put lands between the two). `rfc-wait` frees nothing while a `dmaengine_get` user is loaded',
    '([rfc-base.md](rfc-base.md)), so there its missed references do not reach a free.',
  ],
  trigger: {
    text: 'a device is freed while a client still has something of the dmaengine: its dmaengine_get, a channel, a cached pointer or an RCU walk',
    reached: (v) =>
      v.context.devices.some((d) => d.freed === 1) && v.context.threads.some((th) => th.got === 1 || th.chan >= 0 || th.cached >= 0 || th.rcuSeen !== 0),
  },
  holds: (v) => v.context.uaf.every((row) => row.every((x) => x === 0)) && v.context.iohs.every((q) => q.uaf === 0),
  observed: {
    exact: true,
    violation: (o) => o.violations.find((v) => parseViolation(v).kind === 'use-after-free') ?? null,
  },
});

/** Safety: `client_count` of a listed channel is what its holders account for. */
export const clientCountMatchesHolders = defineProperty({
  name: 'client-count-matches-holders',
  description:
    'For every channel of a device on dma_device_list: on a private device, client_count equals the number of slave clients holding it; on a public device no slave holds it and client_count is 0 or dmaengine_ref_count (balance_ref_count keeps public channels at the number of dmaengine_get users).',
  section: [
    'For every channel of a listed device: on a private device `client_count` equals',
    'the number of slaves holding it; on a public device no slave holds it and `client_count` is',
    '0 or `dmaengine_ref_count` (`balance_ref_count`). Holds in both designs on every small',
    'scenario.',
  ],
  trigger: {
    text: 'a channel of a listed device has clients (client_count > 0)',
    reached: (v, m) => m.layout.channels.some((ch, c) => v.context.devices[ch.device].listed === 1 && v.context.channels[c].clientCount > 0),
  },
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
});

/** Safety: resources are allocated exactly while `client_count > 0`. */
export const resourcesIffHeld = defineProperty({
  name: 'resources-iff-held',
  description:
    'For every channel of a device not yet freed: device_alloc_chan_resources has run and device_free_chan_resources has not exactly when client_count > 0 (dma_chan_get allocates on 0→1, dma_chan_put frees on →0).',
  section: [
    'For every channel of a device not yet freed: resources are allocated exactly when',
    '`client_count > 0` (`dma_chan_get` allocates on 0→1, `dma_chan_put` frees on →0, a failed',
    'alloc undoes the count).',
  ],
  trigger: {
    text: 'a channel of a device not yet freed has its resources allocated (device_alloc_chan_resources ran)',
    reached: (v, m) => m.layout.channels.some((ch, c) => v.context.devices[ch.device].freed === 0 && v.context.channels[c].resources === 1),
  },
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
});

/** Safety: once a device is quiesced, no thread holds or takes a per-CPU reference to it. */
export const noRefSurvivesQuiesce = defineProperty({
  name: 'no-ref-survives-quiesce',
  description:
    "Once a device's quiesce has finished (dma_channel_quiesce counted quiesceThreshold consecutive zero sums), no client is between a find/get and its put with one of the device's channels: the quiesce promised exactly that. A false-zero sum or a dma_get_channel of a cached pointer after key-off breaks it.",
  section: [
    "Once a device's quiesce has finished (`devices[d].quiesced`), no client is between",
    "a find/get and its put holding one of the device's channels. That is exactly what the",
    'quiesce promised. A round counts from its table read (`find`), so a finder preempted',
    'before its inc is covered. Violated by `rfc-wait`: the finder preempted between its table',
    "read and its inc for the whole quiesce (the checker's shortest trace, no migration needed),",
    'the false-zero sum (test `false-zero quiesce sum`), and `dma_get_channel` of a cached',
    'pointer whose key test ran before key-on, or which runs once the loop has ended: before',
    'key-off its `dirty` mark comes too late, after key-off it marks nothing (test `use after',
    'quiesce`).',
    'Trivially true for designs that never quiesce.',
  ],
  trigger: {
    text: "a device's quiesce has finished (its hot-path protection ended: quiesced)",
    reached: (v) => v.context.devices.some((d) => d.quiesced === 1),
  },
  holds: (v, m) => v.context.threads.every((th) => th.inFlight === 0 || th.chan < 0 || v.context.devices[m.layout.channels[th.chan].device].quiesced === 0),
});

/** Safety: the quiesce loop never ends while a counted holder of the device is left: no false zero. */
export const noFalseZero = defineProperty({
  name: 'no-false-zero',
  description:
    'When dma_channel_quiesce judges the round that ends it zero, no thread holds a channel of the device with a reference it counted before (its find or get has passed the per-CPU inc and the key test): a sum that had seen that count would not have been zero. A reference that moves between CPUs between two per-CPU reads breaks it: the false zero. Machine: `iohs[h].missed`, set at that read.',
  section: [
    'When `dma_channel_quiesce` ends (`<ioh>.quiesce.ended`: it judged',
    '`quiesceThreshold` rounds zero in a row), no thread holds a channel of the device with a',
    'reference it counted before: its find or get has passed the per-CPU inc and the key test',
    '(`<client>.worker.found` or `.used`). A sum that had seen that count would not have read',
    "zero, so such a holder means a false zero: the RFC's central flaw. Violated by `rfc-wait`",
    'through a reference that migrates between two per-CPU reads (test `false-zero quiesce sum`);',
    'not by a finder that was not counted yet (that one breaks `no-ref-survives-quiesce`).',
    'Trivially true for designs that never quiesce.',
  ],
  trigger: {
    text: 'dma_channel_quiesce judged its last round zero (an IOH in <ioh>.quiesce.ended)',
    reached: (v, m) => m.layout.iohs.some((h) => v.active(`${h.name}.quiesce.ended`)),
  },
  holds: (v) => v.context.iohs.every((q) => q.missed === 0),
});

/** Safety: the per-CPU counts sum to what is in flight. */
export const refSumNonnegativeWhenQuiescent = defineProperty({
  name: 'ref-sum-nonnegative-when-quiescent',
  description:
    'The sum over CPUs of dmaengine_chan_ref_count is never negative (each dec follows its inc, even on another CPU), and is 0 whenever no client is between a find/get and its put. A single CPU may be negative.',
  section: [
    'The sum over CPUs of `dmaengine_chan_ref_count` is never negative (each dec',
    'follows its inc, even on another CPU), and is 0 whenever no client has a round in flight.',
    "A single CPU's count may be negative.",
  ],
  trigger: {
    text: 'a per-CPU reference count, dmaengine_chan_ref_count, is not 0',
    reached: (v) => v.context.ref.some((x) => x !== 0),
  },
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
});

/** Safety: `channel_table` only names channels of listed devices. */
export const tableNamesListedChannels = defineProperty({
  name: 'table-names-listed-channels',
  description:
    'Every channel_table entry is NULL or a channel of a device on dma_device_list: unregister rebalances before the device leaves, so dma_find_channel cannot return a channel that is going away.',
  section: [
    'Every `channel_table` entry is NULL or a channel of a listed device: unregister',
    'rebalances, so `dma_find_channel` never returns a channel of an unlisted device. (Stale',
    'entries after `dmaengine_put` do exist, but they name listed channels.)',
  ],
  trigger: {
    text: 'a device has left dma_device_list (unregister ran its list_del)',
    reached: (v) => v.context.devices.some((d) => d.listed === 0),
  },
  holds: (v, m) => v.context.table.every((row) => row.every((c) => c < 0 || v.context.devices[m.layout.channels[c].device].listed === 1)),
  observed: {
    exact: true,
    violation(o) {
      for (const [cap, row] of Object.entries(o.table))
        for (const c of row) if (c !== null && !deviceOf(o, c).listed) return `channel_table[${cap}] names ${c} of an unlisted device`;
      return null;
    },
  },
});

/** Safety: no thread follows a poisoned list pointer (the kernel oopses). */
export const noOops = defineProperty({
  name: 'no-oops',
  description:
    "No thread dereferences a pointer the kernel poisoned: a dma_issue_pending_all walk stopped at a channel (between its client_count read and its device_issue_pending) whose channel unregister then list_del'ed it (5.10.7 dmaengine.c:1113 writes LIST_POISON1 into device_node.next, under dma_list_mutex only) follows that next and reads client_count through it: an oops (:563). The kernel panics in the NET_RX softirq.",
  section: [
    "No thread follows a pointer the kernel poisoned. 5.10.7's",
    '`__dma_async_device_channel_unregister` takes each channel off `device->channels` with',
    '`list_del` (5.10.7 `dmaengine.c:1113`: `LIST_POISON1` in `device_node.next`) under',
    '`dma_list_mutex` only, while `dma_issue_pending_all` walks that list under `rcu_read_lock`',
    "(`:559-565`). A walk stopped between a channel's `client_count` read and its",
    '`device_issue_pending`, resumed after the unregister, follows the poisoned `next` and reads',
    '`client_count` through it: an oops at `:563` (in the NET_RX softirq, a panic). Machine: no',
    'walker is in `<client>.softirq.oopsed` (observable `violations` has no `oops:<thread>:<chan>`,',
    'the channel it came from). Violated by `kref-5-10`; 7.0 keeps the channel on the list',
    '(7.0 `:1137-1153`), so `kref` does not have it.',
  ],
  trigger: {
    text: 'a dma_issue_pending_all walk is stopped at a channel (before its device_issue_pending) of a device its IOH is removing',
    reached: (v, m) => v.context.threads.some((th) => th.rcuChan >= 0 && v.context.iohs.some((q) => q.cur === m.layout.channels[th.rcuChan].device)),
  },
  holds: (v, m) => m.layout.clients.every((c) => !hasWalker(c) || !v.active(`${c.name}.softirq.oopsed`)),
  observed: {
    exact: true,
    violation: (o) => o.violations.find((v) => parseViolation(v).kind === 'oops') ?? null,
  },
});

/** Liveness: an eject ends with the IOH removed. */
export const removalCompletes = defineProperty({
  name: 'removal-completes',
  description:
    'Whenever an IOH is being ejected, eventually no IOH is between eject and removed: every device was unregistered and freed. The RFC wait hangs here when a holder is never told to release.',
  section: [
    'Whenever an IOH is between its eject and its removal, eventually none is.',
    'Violated by `rfc-wait` whenever a holder is not told to let go: a slave that never',
    'releases, and under `rfc-base-kept` any `dmaengine_get` user loaded at unregister;',
    'unregister waits on `dmaengine_wait_queue` forever (test `removal hangs`: a deadlock in',
    '`ioh0.waiting`).',
  ],
  trigger: {
    text: 'an IOH is being ejected',
    reached: (v, m) => m.layout.iohs.some((h) => ejecting(v, h.name)),
  },
  goal: (v, m) => m.layout.iohs.every((h) => !ejecting(v, h.name)),
});

/** Liveness: the quiesce loop ends. */
export const quiesceTerminates = defineProperty({
  name: 'quiesce-terminates',
  description:
    'Whenever an IOH runs dma_channel_quiesce, eventually none does: the loop reaches quiesceThreshold consecutive zero sums (a busy client that keeps dirtying or holding can starve it).',
  section: [
    'Whenever an IOH runs `dma_channel_quiesce` (state `<ioh>.quiesce`), eventually',
    'none does. A busy client that keeps holding or dirtying can starve the loop; with',
    'cooperative clients it ends.',
  ],
  trigger: {
    text: 'an IOH runs dma_channel_quiesce (<ioh>.quiesce)',
    reached: (v, m) => m.layout.iohs.some((h) => v.active(`${h.name}.quiesce`)),
  },
  goal: (v, m) => m.layout.iohs.every((h) => !v.active(`${h.name}.quiesce`)),
});

/** Liveness: unregister's wait for holders is answered. */
export const waitingClientAnswered = defineProperty({
  name: 'waiting-client-answered',
  description:
    "Whenever unregister waits for a device's holders (state `<ioh>.waiting`, dma_device_wait_queue) while a channel still has clients, eventually the wait is answered: the holders let go and unregister leaves the wait.",
  section: [
    "Whenever unregister waits for a device's holders (state `<ioh>.waiting` with a",
    'channel still held), eventually the wait is answered and unregister leaves it. Designs name',
    'their wait state `<ioh>.waiting` so that this property applies to them. Violated by',
    '`rfc-wait` with a never-releasing slave (nobody asks it).',
  ],
  trigger: {
    text: "unregister waits for a device's holders while a channel has clients",
    reached: (v, m) =>
      m.layout.iohs.some((h, i) => {
        const cur = v.context.iohs[i].cur;
        return v.active(`${h.name}.waiting`) && cur >= 0 && chansOf(m, cur).some((c) => v.context.channels[c].clientCount > 0);
      }),
  },
  goal: (v, m) => m.layout.iohs.every((h) => !v.active(`${h.name}.waiting`)),
});

/** Every property, safety first, in the order of spec/properties.md (its sections are written from this list). */
export const PROPERTIES = [
  noUseAfterFree,
  clientCountMatchesHolders,
  resourcesIffHeld,
  noRefSurvivesQuiesce,
  noFalseZero,
  refSumNonnegativeWhenQuiescent,
  tableNamesListedChannels,
  noOops,
  removalCompletes,
  quiesceTerminates,
  waitingClientAnswered,
] as const;

/** A property, by name (designs claim these: machines/system/design.ts `claims`). */
export type PropertyName = (typeof PROPERTIES)[number]['name'];

/** The property names, in the order of {@link PROPERTIES}. */
export const PROPERTY_NAMES: readonly PropertyName[] = PROPERTIES.map((p) => p.name);

/** Safety properties of {@link PROPERTIES}. */
export const SAFETY: readonly SafetyProperty[] = PROPERTIES.filter((p): p is Extract<(typeof PROPERTIES)[number], SafetyProperty> => p.kind === 'safety');
/** Liveness properties of {@link PROPERTIES}. */
export const LIVENESS: readonly LivenessProperty[] = PROPERTIES.filter(
  (p): p is Extract<(typeof PROPERTIES)[number], LivenessProperty> => p.kind === 'liveness',
);

/** A property name that is not in {@link PROPERTIES}. */
export class UnknownPropertyError extends Error {
  override readonly name = 'UnknownPropertyError';
  constructor(readonly property: string) {
    super(`unknown property ${property} (known: ${PROPERTY_NAMES.join(', ')})`);
  }
}

/** The safety and liveness properties a search checks: the built-in ones, then `more` (a design's own, a property file's) in their order. */
export function propertiesWith(more: readonly AnyProperty[]): { safety: SafetyProperty<string>[]; liveness: LivenessProperty<string>[] } {
  const all: readonly AnyProperty[] = [...PROPERTIES, ...more];
  return {
    safety: all.filter((p): p is SafetyProperty<string> => p.kind === 'safety'),
    liveness: all.filter((p): p is LivenessProperty<string> => p.kind === 'liveness'),
  };
}

/** The property named `name`. @throws UnknownPropertyError */
export function propertyNamed(name: string): Property {
  const p = PROPERTIES.find((x) => x.name === name);
  if (!p) throw new UnknownPropertyError(name);
  return p;
}
