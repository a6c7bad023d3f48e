/**
 * Replay of a counterexample on the implementation: the machine's trace is driven step by
 * step through an {@link Implementation} (src/core's system through an adapter, or anyone's)
 * and the observables (spec/observable.ts) are compared after every step.
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';
import type { Observable } from '../../spec/observable.ts';
import { flattenObservable } from './system-lens.ts';
import type { Trace } from './engine/trace.ts';

/** What replay needs of an implementation (src/core's `System` has exactly this). */
export interface Implementation {
  observe(): Observable;
  enabledSteps(): StepEvent[];
  step(event: StepEvent): void;
}

/** Where the implementation first disagreed with the machine. */
export interface Divergence {
  /** Steps taken before the divergence (0: already the initial states differ). */
  readonly step: number;
  readonly event?: StepEvent;
  /** `variable: machine vs implementation` lines, or the implementation's error. */
  readonly differences: readonly string[];
}

/** The outcome of one replay. */
export type ReplayResult = { readonly reproduced: true; readonly steps: number } | { readonly reproduced: false; readonly divergence: Divergence };

/** Lines naming each variable whose values differ between two observables. */
export function observableDifferences(machine: Observable, impl: Observable): string[] {
  const a = flattenObservable(machine);
  const b = flattenObservable(impl);
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${k}: machine ${JSON.stringify(a[k])} vs implementation ${JSON.stringify(b[k])}`);
  return out;
}

const same = (e: StepEvent, f: StepEvent) => JSON.stringify(e) === JSON.stringify(f);

/**
 * Replays `trace` (which must carry `observed`, i.e. come from a lens with `observe`) on a
 * fresh implementation. A cycle is replayed once.
 */
export function replayTrace(trace: Trace, fresh: () => Implementation): ReplayResult {
  const observed = trace.observed as readonly Observable[] | undefined;
  if (!observed) throw new Error('replayTrace: the trace has no observables (its lens has no observe)');
  const impl = fresh();
  let diff = observableDifferences(observed[0], impl.observe());
  if (diff.length) return { reproduced: false, divergence: { step: 0, differences: diff } };
  for (let i = 0; i < trace.steps.length; i++) {
    const event = trace.steps[i].event;
    if (!impl.enabledSteps().some((e) => same(e, event)))
      return { reproduced: false, divergence: { step: i, event, differences: [`${event.type} is not enabled in the implementation`] } };
    try {
      impl.step(event);
    } catch (err) {
      return { reproduced: false, divergence: { step: i, event, differences: [`implementation threw: ${(err as Error).message}`] } };
    }
    diff = observableDifferences(observed[i + 1], impl.observe());
    if (diff.length) return { reproduced: false, divergence: { step: i + 1, event, differences: diff } };
  }
  return { reproduced: true, steps: trace.steps.length };
}
