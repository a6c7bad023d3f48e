/**
 * A machine's event vocabulary as an export header lists it: every event that can ever be
 * enabled, with its payload, the label the `enabled` lists use, and the kernel functions it
 * stands for, read off the `description`s of the transitions that handle it (machines/kit.ts
 * rule 6). Read from the machine itself, so new steps appear without this module changing.
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import { eventLabel, eventThread } from '../../spec/vocabulary.ts';
import { listOf } from '../lookup.ts';

/** One event of the vocabulary. */
export interface VocabularyEntry {
  readonly event: StepEvent;
  /** As listed in `enabled`: the type, then `field=value` in field-name order. */
  readonly label: string;
  /** The thread (region) that takes the step: the type up to its first dot. */
  readonly thread: string;
  /** Payload field names with their JSON type. */
  readonly payload: Readonly<Record<string, 'integer' | 'boolean' | 'string'>>;
  /** The descriptions of every transition handling the type: what the step does in the kernel, by outcome. */
  readonly kernel: readonly string[];
}

interface ConfigNode {
  readonly on?: Record<string, unknown>;
  readonly states?: Record<string, ConfigNode>;
}

/** Transition descriptions by event type, in document order, without repeats. */
function descriptions(node: ConfigNode, out = new Map<string, string[]>()): Map<string, string[]> {
  for (const [type, t] of Object.entries(node.on ?? {})) {
    const list = listOf(out, type);
    for (const x of [t].flat() as { description?: string }[]) if (x.description && !list.includes(x.description)) list.push(x.description);
  }
  for (const child of Object.values(node.states ?? {})) descriptions(child, out);
  return out;
}

const jsonType = (v: unknown) => (typeof v === 'number' ? 'integer' : typeof v === 'boolean' ? 'boolean' : 'string');

/** The vocabulary of `model`, in the order of {@link MachineModel.allEvents}. */
export function vocabulary(model: MachineModel): VocabularyEntry[] {
  const byType = descriptions(model.machine.config as ConfigNode);
  return model.allEvents.map((event) => ({
    event,
    label: eventLabel(event),
    thread: eventThread(event),
    payload: Object.fromEntries(
      Object.keys(event)
        .filter((k) => k !== 'type')
        .sort()
        .map((k) => [k, jsonType(event[k])]),
    ),
    kernel: byType.get(event.type) ?? [],
  }));
}
