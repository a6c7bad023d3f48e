/**
 * Kernel threads as generators. A thread program yields a {@link Point} at every preemption
 * point of the kernel code it models; the point offers the steps of spec/threads.md the
 * thread may take there, each enabled or not by the shared state. Resuming the generator
 * with a {@link Choice} runs exactly that step: the code up to the next `yield`.
 * @module
 */
import { DmaRuleError } from './errors.ts';

/** A step's payload fields (`{cpu: 1}`, `{allocOk: false}`); `{}` for none. */
export type Payload = Readonly<Record<string, number | boolean>>;

/** One step a thread offers at a point. */
export interface Offer {
  readonly step: string;
  /** The payload variants enabled now: `[]` disabled, `[{}]` enabled without payload. */
  readonly variants: () => readonly Payload[];
}

/** A preemption point of a thread program. */
export interface Point {
  readonly offers: readonly Offer[];
  /** What the thread waits for when none of its offers is enabled (deadlock reports). */
  readonly waitingFor?: () => string;
  /** A proper end state: the thread may stop here although some offer may still be enabled. */
  readonly final?: boolean;
}

/** The step the scheduler picked, passed back into the generator. */
export interface Choice {
  readonly step: string;
  readonly payload: Payload;
}

/** A thread program: yields points, receives choices, returns when the thread exits. */
export type ThreadProgram = Generator<Point, void, Choice>;

const NO_PAYLOAD: readonly Payload[] = [{}];
const NONE: readonly Payload[] = [];

/** An offer without payload, enabled while `enabled()` holds. */
export function offer(step: string, enabled: () => boolean = () => true): Offer {
  return { step, variants: () => (enabled() ? NO_PAYLOAD : NONE) };
}

/**
 * A point with the single step `step`; returns its payload once the scheduler takes it.
 * `yield* at('free', allZero, why)` reads as "wait here until `free` may run, then run it".
 */
export function* at(step: string, enabled?: () => boolean, waitingFor?: () => string): Generator<Point, Payload, Choice> {
  const choice = yield { offers: [offer(step, enabled)], waitingFor };
  return choice.payload;
}

/**
 * Runs a program to its end outside any schedule, taking the first enabled step at each
 * point: for unit tests and for synchronous API calls whose steps never need to interleave.
 * @returns the steps taken, in order.
 * @throws DmaRuleError `would-block` when a point has no enabled step (e.g. a wait).
 */
export function drive(program: ThreadProgram): string[] {
  const taken: string[] = [];
  let r = program.next();
  while (!r.done) {
    const point = r.value;
    let choice: Choice | undefined;
    for (const o of point.offers) {
      const v = o.variants();
      if (v.length > 0) {
        choice = { step: o.step, payload: v[0] };
        break;
      }
    }
    if (!choice) throw new DmaRuleError('would-block', point.waitingFor?.() ?? `no step enabled after ${taken.join(', ')}`);
    taken.push(choice.step);
    r = program.next(choice);
  }
  return taken;
}
