/**
 * Adapters that drive the whole implementation ({@link System}: src/core, src/ioh,
 * src/clients) for machines whose context is the system machine's: the system machine
 * itself, and the per-concern machines built from its regions (a client alone, a design's
 * release notification against one holder). Machine events are thread steps of
 * spec/threads.md, sent to {@link System.step} unchanged.
 *
 * Compared after every step: the observable state (spec/observable.ts) and the set of
 * enabled steps of the threads the machine models, so a guard that differs is caught as
 * soon as the two disagree on what may happen next, not only when a value changes.
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { StepEvent } from '../../../machines/kit.ts';
import type { MachineModel } from '../../../machines/model.ts';
import { observe as observeMachine } from '../../../machines/system/observe.ts';
import type { Layout } from '../../../machines/system/layout.ts';
import type { Observable } from '../../../spec/observable.ts';
import { eventLabel } from '../../../spec/vocabulary.ts';
import { System, type SystemOptions } from '../../system/system.ts';
import type { Scenario } from '../../scenario.ts';
import { TABLE_ROWS } from '../../table-rows.ts';
import type { FieldDoc } from '../fields.ts';
import type { InputField, ObservableField } from '../guards.ts';
import type { Adapter } from '../replay.ts';
import { snapshotView } from '../../../machines/xstate.ts';

/**
 * What a system adapter compares: the observable state of spec/observable.ts plus the
 * enabled events of the machine's vocabulary, as sorted {@link eventLabel}s.
 */
export type SystemProjection = Observable & { readonly enabled: readonly string[] };

/** The fields of spec/observable.ts for the export header (the enabled list is exported apart). */
export const SYSTEM_FIELDS: readonly FieldDoc[] = [
  { path: 'dmaengineRefCount', type: 'integer', meaning: 'dmaengine_ref_count' },
  { path: 'cpuOnline[]', type: 'boolean', meaning: 'cpu_online(cpu), by CPU number' },
  {
    path: 'ref[]',
    type: 'integer',
    meaning: 'RFC per_cpu(dmaengine_chan_ref_count, cpu) by CPU number (design percpu-ref: its percpu_ref counts); all 0 under designs with the 3.4 hot path',
  },
  { path: 'key', type: 'boolean', meaning: 'RFC static_key_enabled(&dmaengine_quiesce)' },
  { path: 'dirty', type: 'integer', meaning: 'RFC atomic_read(&dmaengine_dirty)' },
  ...TABLE_ROWS.map(
    (cap): FieldDoc => ({
      path: `table.${cap}[]`,
      type: 'string|null',
      meaning: `channel_table[DMA_${cap === 'asyncTx' ? 'ASYNC_TX' : cap.toUpperCase()}] per CPU number: the channel id <device>.<index> of ->chan, or null`,
    }),
  ),
  { path: 'devices[].name', type: 'string', meaning: 'the device, by its scenario name, in scenario order' },
  { path: 'devices[].listed', type: 'boolean', meaning: 'the device is on dma_device_list' },
  { path: 'devices[].private', type: 'boolean', meaning: 'DMA_PRIVATE set in the device cap_mask' },
  { path: 'devices[].privatecnt', type: 'integer', meaning: 'device->privatecnt' },
  { path: 'devices[].freed', type: 'boolean', meaning: 'the device and its channels are freed' },
  {
    path: 'devices[].kref',
    type: 'integer',
    meaning:
      'kref_read(&device->ref), mainline’s device kref (8ad342a86359): only under the designs that have one (the header scenario’s design kref, kref-5-10 or kref-fixed), absent from every device otherwise; after the release it keeps the 0 the last put left',
  },
  {
    path: 'devices[].module',
    type: 'integer',
    meaning:
      'module_refcount(dma_chan_to_owner(chan)) of the device’s driver module: one reference per client_count (dma_chan_get, balance_ref_count, dma_chan_put), so derived: the sum of channels[].clientCount of the device’s channels. Each device has a driver module of its own; it outlives the device (kept after the free)',
  },
  { path: 'channels[].id', type: 'string', meaning: 'the channel, <device>.<index> (chan->chan_id), devices in scenario order' },
  { path: 'channels[].clientCount', type: 'integer', meaning: 'chan->client_count' },
  {
    path: 'channels[].tableCount',
    type: 'integer',
    meaning: 'chan->table_count: channel_table entries (one row per capability memcpy, xor, pq; per CPU) pointing at the channel',
  },
  {
    path: 'channels[].resources',
    type: 'boolean',
    meaning:
      "the channel holds resources: device_alloc_chan_resources ran, and neither device_free_chan_resources (the last dma_chan_put) nor the free of its device (the IOH thread's free step) has happened since",
  },
  { path: 'threads[].name', type: 'string', meaning: 'a client thread, by its scenario name, in scenario order (IOH threads are not listed)' },
  { path: 'threads[].cpu', type: 'integer', meaning: 'smp_processor_id() of the thread' },
  { path: 'threads[].chan', type: 'string|null', meaning: 'the channel the thread uses now (found, re-got with dma_get_channel, or requested), or null' },
  {
    path: 'threads[].issuing',
    type: 'string|null',
    meaning:
      'the channel whose device->device_issue_pending the client’s dma_issue_pending_all caller (<name>-rx) is stopped before: its walk read client_count non-zero and the next <name>-rx.issue calls it; null when the client has no walker or its walk is not at a channel. Derived from the walk’s position',
  },
  {
    path: 'violations[]',
    type: 'string',
    meaning:
      '<kind>:<thread>:<chan> seen so far, kind use-after-free, use-on-removed-hardware or oops, thread the one whose step made the use as events name it (net0, net0-rx, slave0, ioh0); each once, sorted. A use is any access to the channel or its device after the free: use, re-get of a cached pointer, the dma_chan_put of a release, <n>-rx.issue, which reads every channel of each device its walk saw (one entry per channel), and an IOH unregistering a device already freed (kref as shipped: every channel of it). oops:<n>-rx:<chan>: the walk followed chan’s list_del-poisoned device_node.next (5.10.7 dmaengine.c:1113, :563); the walker takes no step after it. Not a kernel variable: what a KASAN report, a machine check or an oops would show',
  },
];

const same = (v: unknown) => v as number;
const flag = (v: unknown) => v === 1 || v === true;

/**
 * Where the observable of spec/observable.ts shows a slot of the system context (for the
 * guards of an export, src/mbt/guards.ts): the kernel variables it lists, booleans as JSON
 * booleans, channel indices as channel ids.
 */
export function systemInputField(layout: Layout, design: { readonly deviceKref?: string } = {}): InputField {
  const chan = (v: unknown) => ((v as number) < 0 ? null : layout.channels[v as number].id);
  const at = (path: string, decode: ObservableField['decode']): ObservableField => ({ path, decode });
  return (slot) => {
    let m: RegExpExecArray | null;
    if (slot === 'refCount') return at('dmaengineRefCount', same);
    if (slot === 'key') return at('key', flag);
    if (slot === 'dirty') return at('dirty', same);
    if (/^cpuOnline\[\d+\]$/.test(slot)) return at(slot, flag);
    if (/^ref\[\d+\]$/.test(slot)) return at(slot, same);
    if ((m = /^table\[(\d+)\]\[(\d+)\]$/.exec(slot))) return at(`table.${TABLE_ROWS[Number(m[1])]}[${m[2]}]`, chan);
    if ((m = /^devices\[\d+\]\.(listed|private|freed)$/.exec(slot))) return at(slot, flag);
    if (/^devices\[\d+\]\.privatecnt$/.test(slot)) return at(slot, same);
    // The design variable that is mainline's device kref (DesignModel.deviceKref).
    if ((m = /^design\.devices\[(\d+)\]\.(\w+)$/.exec(slot)) && m[2] === design.deviceKref) return at(`devices[${m[1]}].kref`, same);
    if (/^channels\[\d+\]\.(clientCount|tableCount)$/.test(slot)) return at(slot, same);
    if (/^channels\[\d+\]\.resources$/.test(slot)) return at(slot, flag);
    if (/^threads\[\d+\]\.cpu$/.test(slot)) return at(slot, same);
    if (/^threads\[\d+\]\.chan$/.test(slot)) return at(slot, chan);
    return undefined;
  };
}

/** How to build the implementation side of a system-context machine. */
export interface SystemAdapterParts {
  readonly model: MachineModel;
  /** The layout the machine's context is indexed by (for the observable mapping). */
  readonly layout: Layout;
  /** The machine's design, for the fields only some designs have (`devices[].kref`). */
  readonly design: { readonly deviceKref?: string };
  /** The scenario the implementation is built from (same threads, devices and CPUs). */
  readonly implScenario: Scenario;
  readonly options?: SystemOptions;
  /** Steps run on a fresh implementation to reach the machine's initial state. */
  readonly setup?: readonly StepEvent[];
  /**
   * Events of the machine's environment (no thread of the implementation takes them): how
   * each is done on the implementation and when it is enabled there.
   */
  readonly env?: Readonly<Record<string, { readonly enabled: (sys: System) => boolean; readonly run: (sys: System) => void }>>;
}

/** The adapter of a machine over the system context, driving a {@link System}. */
export function systemAdapter(parts: SystemAdapterParts): Adapter<SystemProjection> {
  const { model, layout } = parts;
  // Only steps the machine has words for: a per-concern machine leaves other threads out.
  const vocabulary = new Set(model.allEvents.map((e) => e.type));
  const keys = (events: readonly StepEvent[]) =>
    events
      .filter((e) => vocabulary.has(e.type))
      .map(eventLabel)
      .sort();
  let sys: System | undefined;
  const impl = () => sys ?? (sys = fresh());
  const fresh = () => {
    const s = new System(parts.implScenario, parts.options);
    for (const e of parts.setup ?? []) s.step(e);
    return s;
  };
  return {
    machine: model.name,
    reset: () => void (sys = fresh()),
    step: (event) => {
      const e = parts.env?.[event.type];
      if (e) e.run(impl());
      else impl().step(event);
    },
    observe: () => {
      const s = impl();
      const envEnabled = Object.entries(parts.env ?? {})
        .filter(([, e]) => e.enabled(s))
        .map(([type]) => ({ type }));
      return { ...s.observe(), enabled: keys([...s.enabledSteps(), ...envEnabled]) };
    },
    expected: (snapshot: AnyMachineSnapshot) => {
      const view = snapshotView(snapshot);
      return { ...observeMachine(view as never, { layout, design: parts.design }), enabled: keys(model.enabledEvents(view)) };
    },
  };
}
