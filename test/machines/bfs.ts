/**
 * Test helper: breadth-first search over a MachineModel with xstate's own pure
 * `initialTransition` / `transition`, keyed by state value + context JSON. The reference
 * semantics the machine tests measure against (small scenarios only).
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';

/** One reachable state: its snapshot and the shortest event path from the start. */
export interface Reached {
  readonly snapshot: AnyMachineSnapshot;
  readonly path: readonly StepEvent[];
}

/** The key of a snapshot: active configuration and context. */
export const keyOf = (s: AnyMachineSnapshot): string => JSON.stringify([s.value, s.context]);

/**
 * Every reachable state of `model`, stepping every event of `allEvents` that xstate accepts
 * (`snapshot.can`). Throws past `limit` states so a test cannot run away.
 */
export function reachable(model: MachineModel, limit = 200_000): Reached[] {
  const [s0] = initialTransition(model.machine);
  const seen = new Map<string, Reached>([[keyOf(s0), { snapshot: s0, path: [] }]]);
  const queue: Reached[] = [seen.get(keyOf(s0))!];
  for (let i = 0; i < queue.length; i++) {
    const { snapshot, path } = queue[i];
    for (const e of model.allEvents) {
      if (!snapshot.can(e)) continue;
      const [next] = transition(model.machine, snapshot, e);
      const k = keyOf(next);
      if (seen.has(k)) continue;
      const r = { snapshot: next, path: [...path, e] };
      seen.set(k, r);
      queue.push(r);
      if (seen.size > limit) throw new Error(`more than ${limit} states`);
    }
  }
  return queue;
}

/** Runs `events` from the start, failing loudly on the first one xstate does not accept. */
export function run(model: MachineModel, events: readonly StepEvent[]): AnyMachineSnapshot {
  let [s] = initialTransition(model.machine);
  events.forEach((e, i) => {
    if (!s.can(e)) throw new Error(`step ${i}: ${JSON.stringify(e)} is not enabled`);
    [s] = transition(model.machine, s, e);
  });
  return s;
}

/** Names of the guards and actions a JSON config references (kit rule 1: by name). */
export function ruleRefs(config: unknown): { guards: string[]; actions: string[] } {
  const guards: string[] = [];
  const actions: string[] = [];
  const name = (r: unknown) => (typeof r === 'string' ? r : (r as { type: string }).type);
  const walk = (n: Record<string, unknown>) => {
    for (const t of Object.values((n.on ?? {}) as Record<string, unknown>))
      for (const tr of (Array.isArray(t) ? t : [t]) as Record<string, unknown>[]) {
        if (tr.guard !== undefined) guards.push(name(tr.guard));
        for (const a of (tr.actions ?? []) as unknown[]) actions.push(name(a));
      }
    for (const c of Object.values((n.states ?? {}) as Record<string, Record<string, unknown>>)) walk(c);
  };
  walk(config as Record<string, unknown>);
  return { guards: [...new Set(guards)], actions: [...new Set(actions)] };
}
