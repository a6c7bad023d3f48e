/**
 * Enabled events read off a kit-subset config (machines/kit.ts): an event is enabled iff
 * some active state node has a transition for its type whose guard holds — what xstate's
 * `snapshot.can(event)` answers for machines whose transitions all have targets.
 * @module
 */
import type { Rules, StepEvent } from './kit.ts';
import type { ModelView } from './model.ts';
import { guardRef, type RuleRef } from './xstate.ts';
import { listOf } from '../src/lookup.ts';

interface Candidate {
  readonly stateId: string;
  readonly guards: readonly (RuleRef | undefined)[];
}

/** Thrown when a config steps outside the kit subset in a way this reader relies on. */
export class KitSubsetError extends Error {
  override readonly name = 'KitSubsetError';
  constructor(
    readonly rule: string,
    readonly where: string,
  ) {
    super(`machine config breaks the kit subset (${rule}) at ${where}`);
  }
}

/** Every event type of a config, in document order, with the states that handle it. */
export function transitionIndex(config: unknown): Map<string, Candidate[]> {
  const index = new Map<string, Candidate[]>();
  const walk = (node: Record<string, unknown>, path: string) => {
    const id = typeof node.id === 'string' ? node.id : path;
    const on = (node.on ?? {}) as Record<string, unknown>;
    for (const [type, t] of Object.entries(on)) {
      const list = Array.isArray(t) ? t : [t];
      const guards = list.map((x, i) => guardRef((x as Record<string, unknown>).guard, `guard of ${id} on ${type}[${i}]`));
      listOf(index, type).push({ stateId: id, guards });
    }
    for (const [k, child] of Object.entries((node.states ?? {}) as Record<string, Record<string, unknown>>)) walk(child, `${path}.${k}`);
  };
  walk(config as Record<string, unknown>, '(machine)');
  return index;
}

/**
 * `enabledEvents` for a config: of `allEvents`, those some active state accepts with a
 * passing guard, in the order of `allEvents`.
 */
export function enabledEventsOf<C>(config: unknown, rules: Rules<C>, allEvents: readonly StepEvent[]): (view: ModelView<C>) => StepEvent[] {
  const index = transitionIndex(config);
  const plan = allEvents.map((e) => ({ e, cands: index.get(e.type) ?? [] }));
  for (const { e, cands } of plan)
    for (const c of cands)
      for (const g of c.guards) if (g && !rules.guards[g.type]) throw new KitSubsetError(`guard ${g.type} has no rule`, `${c.stateId} on ${e.type}`);
  return (view) => {
    const out: StepEvent[] = [];
    for (const { e, cands } of plan) {
      const ok = cands.some((c) => view.active(c.stateId) && c.guards.some((g) => !g || rules.guards[g.type](view.context, g.params, e)));
      if (ok) out.push(e);
    }
    return out;
  };
}
