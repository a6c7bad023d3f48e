/**
 * What may stop a search before it is complete, and the one way each ends: the search
 * returns what it has explored so far, marked incomplete with the reason, and the
 * verdicts it could not reach are unknown. Four reasons:
 *
 * - `states`: `--max-states`, per search (the next search starts afresh);
 * - `seconds`: `--max-seconds`, a deadline for the whole run;
 * - `memory`: `--max-memory`, a budget checked before each large allocation (the state
 *   store and the explorer's columns are typed arrays, outside V8's heap, so the budget
 *   counts the process's resident memory, not the heap) and against V8's heap limit;
 * - `interrupt`: SIGINT or SIGTERM, seen through a shared flag the CLI's main thread sets.
 *
 * The last three are sticky: once one has stopped a search, every later search of the run
 * stops at once.
 * @module
 */
import { constrainedMemory, memoryUsage } from 'node:process';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** Why a search stopped early. */
export type StopReason = 'states' | 'seconds' | 'memory' | 'interrupt';

/** A reason with the sentence that explains it (and how to raise the limit). */
export interface Stop {
  readonly reason: StopReason;
  readonly message: string;
}

/** The stop of `--max-states`. */
export const stateLimit = (maxStates: number): Stop => ({
  reason: 'states',
  message: `the state limit of ${maxStates} was reached (--max-states N to raise it)`,
});

/** Thrown by an allocation that would break the memory budget; the explorer catches it. */
export class LimitReached extends Error {
  override readonly name = 'LimitReached';
  constructor(readonly stop: Stop) {
    super(stop.message);
  }
}

const MB = 1 << 20;

/** The smallest of RLIMIT_DATA and RLIMIT_AS (Linux /proc/self/limits), or Infinity. */
function rlimitBytes(): number {
  try {
    const text = readFileSync('/proc/self/limits', 'utf8');
    let min = Infinity;
    for (const m of text.matchAll(/^Max (?:data size|address space)\s+(\d+|unlimited)/gm)) if (m[1] !== 'unlimited') min = Math.min(min, Number(m[1]));
    return min;
  } catch {
    return Infinity;
  }
}

/** RLIMIT_AS (`ulimit -v`) in bytes (Linux /proc/self/limits), or Infinity. */
export function addressSpaceLimit(): number {
  try {
    const m = /^Max address space\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
  } catch {
    return Infinity;
  }
}

/** The process's address space in use (VmSize), in bytes, or 0 where /proc does not say. */
export function addressSpaceUsed(): number {
  try {
    const m = /^VmSize:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Address space a thread reserves when it starts, measured on Node 20 / x64: a worker with
 * its code range cut to {@link WORKER_CODE_RANGE_MB} about 300 MB; the module-hooks thread
 * a design file starts about 600 MB. Under `ulimit -v` these decide whether dmaspec can start.
 */
export const THREAD_ADDRESS_SPACE = 350 * MB;
/** See {@link THREAD_ADDRESS_SPACE}. */
export const HOOKS_ADDRESS_SPACE = 650 * MB;
/** Address space kept free under `ulimit -v` for V8's heaps to grow into. */
export const ADDRESS_SPACE_HEADROOM = 256 * MB;
/**
 * The code range of every worker thread (Worker resourceLimits.codeRangeSizeMb): V8's
 * default reserves about 840 MB of address space per worker, this about 300 MB, with room
 * for far more compiled code than the checker makes.
 */
export const WORKER_CODE_RANGE_MB = 64;

/**
 * The default memory budget: three quarters of the least of the machine's memory, the
 * cgroup limit and the process's data / address-space rlimits (`prlimit --data`), so the
 * search stops with a report before an allocation fails.
 */
function defaultMaxMemory(): number {
  const constrained = constrainedMemory?.() || Infinity;
  return Math.floor(0.75 * Math.min(totalmem(), constrained, rlimitBytes()));
}

/** Options of {@link Limits}. */
export interface LimitOptions {
  /** Seconds from now until every search stops. */
  readonly maxSeconds?: number;
  /** The time limit the stop message names, if not `maxSeconds` (a search worker's limits run on the time left). */
  readonly statedSeconds?: number;
  /** Bytes of resident memory the process may reach (default {@link defaultMaxMemory}). */
  readonly maxMemory?: number;
  /** Set to non-zero (the signal number) by whoever receives SIGINT/SIGTERM. */
  readonly interrupt?: Int32Array;
  /**
   * Threads a search may use (default 1): the cores of the run, a resource like its memory.
   * Searches whose model can be rebuilt in a worker (src/check/engine/parallel/) use them.
   */
  readonly workers?: number;
}

/** The limits of one run, shared by all its searches. */
export class Limits {
  /** The sticky stop, once one happened. */
  stopped: Stop | undefined;
  readonly maxMemory: number;
  readonly workers: number;
  private readonly deadline: number;
  private polls = 0;

  constructor(private readonly opts: LimitOptions = {}) {
    this.maxMemory = opts.maxMemory ?? defaultMaxMemory();
    this.workers = opts.workers ?? 1;
    this.deadline = opts.maxSeconds === undefined ? Infinity : performance.now() + opts.maxSeconds * 1000;
  }

  /** The sticky stop, if any has happened or happens now (cheap: call it every few thousand states). */
  poll(): Stop | undefined {
    if (this.stopped) return this.stopped;
    const sig = this.opts.interrupt ? Atomics.load(this.opts.interrupt, 0) : 0;
    if (sig) return this.stop('interrupt', `interrupted by ${sig === 15 ? 'SIGTERM' : 'SIGINT'}`);
    if (performance.now() > this.deadline)
      return this.stop('seconds', `the time limit of ${this.opts.statedSeconds ?? this.opts.maxSeconds} s was reached (--max-seconds N to raise it)`);
    if ((this.polls++ & 15) === 0) {
      const h = getHeapStatistics();
      if (h.used_heap_size > 0.85 * h.heap_size_limit)
        return this.stop('memory', `V8's heap is ${mb(h.used_heap_size)} of its ${mb(h.heap_size_limit)} limit (node --max-old-space-size=MB raises it)`);
      this.reserve(0);
    }
    return undefined;
  }

  /** Whether `n` more threads fit in the address space (`ulimit -v`); a search without room for its workers stays on one thread. */
  roomForThreads(n: number): boolean {
    const as = addressSpaceLimit();
    return as === Infinity || addressSpaceUsed() + n * THREAD_ADDRESS_SPACE <= as - ADDRESS_SPACE_HEADROOM;
  }

  /** The run's time limit in seconds, if any. */
  get maxSeconds(): number | undefined {
    return this.opts.statedSeconds ?? this.opts.maxSeconds;
  }

  /** The shared interrupt flag, for searches in other threads. */
  get interrupt(): Int32Array | undefined {
    return this.opts.interrupt;
  }

  /** Seconds left of `maxSeconds` (undefined without a time limit), for limits in other threads. */
  remainingSeconds(): number | undefined {
    return this.deadline === Infinity ? undefined : Math.max(0, (this.deadline - performance.now()) / 1000);
  }

  /** Makes a stop another thread's limits met the sticky stop of this run. */
  adopt(stop: Stop): void {
    this.stopped ??= stop;
  }

  /**
   * Records the sticky stop of an allocation of `bytes` that the budget cannot take.
   * @throws LimitReached
   */
  reserve(bytes: number, what = 'the search'): void {
    if (this.stopped) throw new LimitReached(this.stopped);
    // Under `ulimit -v` address space runs out before resident memory does.
    const as = addressSpaceLimit();
    if (as !== Infinity) {
      const used = addressSpaceUsed();
      if (used + bytes > as - ADDRESS_SPACE_HEADROOM)
        throw new LimitReached(
          this.stop(
            'memory',
            `the address-space limit (ulimit -v) of ${mb(as)} was reached: ${what} needed ${mb(bytes)} more with ${mb(used)} in use (raise ulimit -v)`,
          ),
        );
    }
    const rss = memoryUsage.rss();
    if (rss + bytes > this.maxMemory)
      throw new LimitReached(
        this.stop(
          'memory',
          `the memory budget of ${mb(this.maxMemory)} was reached: ${what} needed ${mb(bytes)} more with ${mb(rss)} resident (--max-memory MB to raise it)`,
        ),
      );
  }

  private stop(reason: StopReason, message: string): Stop {
    this.stopped = { reason, message };
    return this.stopped;
  }
}

const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;
