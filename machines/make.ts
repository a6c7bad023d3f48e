/**
 * Assembles a {@link MachineModel} from a kit-subset JSON config and its rules: the xstate
 * machine, every event with its payload variants, and enabledEvents read off the config.
 * The system machine and every per-concern machine are made this way.
 * @module
 */
import { setup } from 'xstate';
import type { Scenario } from '../src/scenario.ts';
import { enabledEventsOf } from './enabled.ts';
import { implementations, type Rules, type StepEvent } from './kit.ts';
import type { MachineModel, ModelView, Symmetry } from './model.ts';
import { timerRule } from './timers.ts';
import { splitEvent } from '../spec/vocabulary.ts';

/** A JSON state node config (the kit subset). */
export type StateConfig = Record<string, unknown>;

/** Payload variants per step name (the event type after its thread prefix). */
export type PayloadVariants = Readonly<Record<string, readonly Readonly<Record<string, number | boolean>>[]>>;

/** Event types of a config in document order. */
export function eventTypes(config: StateConfig): string[] {
  const out: string[] = [];
  const walk = (n: StateConfig) => {
    for (const t of Object.keys((n.on ?? {}) as object)) if (!out.includes(t)) out.push(t);
    for (const k of Object.values((n.states ?? {}) as Record<string, StateConfig>)) walk(k);
  };
  walk(config);
  return out;
}

/** Every event of a config, each type expanded into its payload variants. */
export function eventsOf(config: StateConfig, variants: PayloadVariants): StepEvent[] {
  const out: StepEvent[] = [];
  for (const type of eventTypes(config)) {
    const vs = variants[splitEvent(type).step];
    if (vs) for (const v of vs) out.push({ type, ...v });
    else out.push({ type });
  }
  return out;
}

/** `migrate`/`offline`/`online {cpu}` per CPU and `request {allocOk}` per outcome, the payloads of spec/threads.md. */
export function threadPayloads(cpus: number): PayloadVariants {
  const perCpu = Array.from({ length: cpus }, (_, cpu) => ({ cpu }));
  return { migrate: perCpu, offline: perCpu, online: perCpu, request: [{ allocOk: true }, { allocOk: false }] };
}

/** What {@link makeModel} needs. */
export interface ModelParts<C extends object> {
  readonly name: string;
  readonly scenario: Scenario;
  readonly config: StateConfig;
  readonly rules: Rules<C>;
  readonly threads: readonly string[];
  readonly payloads: PayloadVariants;
  isFinal(view: ModelView<C>): boolean;
  readonly symmetry?: Symmetry<C>;
  /** Event types that are timer steps (machines/timers.ts). */
  readonly timers?: ReadonlySet<string>;
}

/** A machine model plus the JSON config it was created from. */
export interface ConfiguredModel<C extends object> extends MachineModel<C> {
  readonly config: StateConfig;
}

/** Creates the xstate machine and the exploration facts of a kit-subset config. */
export function makeModel<C extends object>(parts: ModelParts<C>): ConfiguredModel<C> {
  const machine = setup({
    types: {} as { context: C; events: StepEvent },
    ...implementations(parts.rules),
  } as any).createMachine(parts.config as any);
  const allEvents = eventsOf(parts.config, parts.payloads);
  const enabled = enabledEventsOf(parts.config, parts.rules, allEvents);
  const timers = parts.timers?.size ? parts.timers : undefined;
  return {
    name: parts.name,
    scenario: parts.scenario,
    machine,
    rules: parts.rules,
    config: parts.config,
    threads: parts.threads,
    allEvents,
    enabledEvents: timers
      ? (view) => {
          const out = enabled(view);
          out.length = timerRule(out.length, (e) => timers.has(e.type), out);
          return out;
        }
      : enabled,
    isFinal: parts.isFinal,
    ...(parts.symmetry ? { symmetry: parts.symmetry } : {}),
    ...(timers ? { timers } : {}),
  };
}
