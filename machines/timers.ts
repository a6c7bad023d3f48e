/**
 * Timer steps: a step that stands for a timeout fires only after the rest of the system has
 * had its chance, as the kernel's timeout would after every runnable thread ran. The rule
 * is one function, applied where enabled steps are computed: the xstate-side
 * `enabledEvents` (machines/make.ts: paths, model-based tests) and the checker's stepper
 * (src/check/stepper.ts).
 * @module
 */

/**
 * The timer rule on the enabled steps `0..n` (compacted in place, with `also` kept in step):
 * timer steps stay only when no other step is enabled. Returns the new count.
 */
export function timerRule<T, U>(n: number, isTimer: (item: T) => boolean, items: T[] | Int32Array, also?: U[]): number {
  let others = false;
  for (let i = 0; i < n && !others; i++) others = !isTimer(items[i] as T);
  if (!others) return n;
  let m = 0;
  for (let i = 0; i < n; i++)
    if (!isTimer(items[i] as T)) {
      items[m] = items[i];
      if (also) also[m] = also[i];
      m++;
    }
  return m;
}
