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
import { System, type SystemOptions } from '../../core/system.ts';
import type { Scenario } from '../../scenario.ts';
import type { Adapter } from '../replay.ts';
import { snapshotView } from '../view.ts';

/**
 * What a system adapter compares: the observable state of spec/observable.ts plus the
 * enabled events of the machine's vocabulary, as sorted {@link eventLabel}s.
 */
export type SystemProjection = Observable & { readonly enabled: readonly string[] };

/** `net0.migrate cpu=1`: an event's type and its payload fields in name order. */
export function eventLabel(e: StepEvent): string {
  const fields = Object.keys(e)
    .filter((k) => k !== 'type')
    .sort()
    .map((k) => `${k}=${String(e[k])}`);
  return [e.type, ...fields].join(' ');
}

/** How to build the implementation side of a system-context machine. */
export interface SystemAdapterParts {
  readonly model: MachineModel;
  /** The layout the machine's context is indexed by (for the observable mapping). */
  readonly layout: Layout;
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
      return { ...observeMachine(view as never, { layout }), enabled: keys(model.enabledEvents(view)) };
    },
  };
}
