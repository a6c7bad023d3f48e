/**
 * The main thread's side of the benchmark: a pool of workers, one per simulated CPU, on one
 * shared memory, and the protocol that runs one scheme for a fixed time on all of them.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTROL, createMemory, EXIT_SCHEME, RESULT, RESULT_STRIDE, STOP, type Memory } from './layout.ts';
import { readBatches, type Batch } from './overlap.ts';
import { prepareScheme, SCHEMES } from './schemes.ts';

/** What one worker measured in one run. */
export interface WorkerResult {
  readonly ops: number;
  readonly elapsedNs: number;
  /** On-CPU time of the worker's thread during the loop; NaN where the OS does not tell. */
  readonly cpuNs: number;
  readonly sink: number;
  /** Its logged batches, in time order. */
  readonly batches: readonly Batch[];
}

/** How often the main thread polls the arrival and completion counters. */
const POLL_MS = 1;

/** A set of workers sharing one memory; run schemes on it, then close it. */
export class WorkerPool {
  private failure: Error | undefined;
  private readonly exited: Promise<unknown>[];

  private constructor(
    readonly memory: Memory,
    private readonly workers: readonly Worker[],
  ) {
    for (const w of workers) w.on('error', (e: Error) => (this.failure ??= e));
    this.exited = workers.map(
      (w) =>
        new Promise((resolve) =>
          w.on('exit', (code) => {
            if (code !== 0) this.failure ??= new Error(`benchmark worker exited with code ${code}`);
            resolve(code);
          }),
        ),
    );
  }

  /**
   * Starts `count` workers; worker `i` plays CPU `i` and, with `pin`, runs pinned to CPU
   * `i mod availableParallelism()`.
   */
  static start(count: number, pin = false): WorkerPool {
    const memory = createMemory(count);
    const entry = new URL('./worker-boot.mjs', import.meta.url);
    const cpus = availableParallelism();
    const workers = Array.from({ length: count }, (_, cpu) => new Worker(entry, { workerData: { buffer: memory.buffer, cpu, pin: pin ? cpu % cpus : null } }));
    return new WorkerPool(memory, workers);
  }

  /** Whether every worker pinned itself (known once a run has started them all). */
  get pinned(): boolean {
    return this.workers.every((_, cpu) => this.memory.results[cpu * RESULT_STRIDE + RESULT.pinned] === 1);
  }

  /** Polls the counter at `index` until it reaches the pool size; fails if a worker died. */
  private async awaitAll(index: number): Promise<void> {
    while (Atomics.load(this.memory.i32, index) < this.workers.length) {
      if (this.failure) throw this.failure;
      await sleep(POLL_MS);
    }
  }

  /**
   * Runs scheme `schemeIndex` on every worker for about `ms` milliseconds (timed from the
   * moment all workers passed the start barrier) and returns each worker's result.
   */
  async run(schemeIndex: number, ms: number): Promise<WorkerResult[]> {
    const { i32, results } = this.memory;
    prepareScheme(i32, SCHEMES[schemeIndex]);
    Atomics.store(i32, STOP, 0);
    Atomics.store(i32, CONTROL.arrived, 0);
    Atomics.store(i32, CONTROL.done, 0);
    Atomics.store(i32, CONTROL.scheme, schemeIndex);
    Atomics.add(i32, CONTROL.generation, 1);
    Atomics.notify(i32, CONTROL.generation);
    await this.awaitAll(CONTROL.arrived);
    await sleep(ms);
    Atomics.store(i32, STOP, 1);
    await this.awaitAll(CONTROL.done);
    return this.workers.map((_, cpu) => {
      const line = cpu * RESULT_STRIDE;
      const field = (f: keyof typeof RESULT) => results[line + RESULT[f]];
      return {
        ops: field('ops'),
        elapsedNs: field('elapsedNs'),
        cpuNs: field('cpuNs'),
        sink: field('sink'),
        batches: readBatches(this.memory.batchLog, cpu, field('batches')),
      };
    });
  }

  /** Tells every worker to exit and waits for them. */
  async close(): Promise<void> {
    const { i32 } = this.memory;
    Atomics.store(i32, CONTROL.scheme, EXIT_SCHEME);
    Atomics.add(i32, CONTROL.generation, 1);
    Atomics.notify(i32, CONTROL.generation);
    await Promise.all(this.exited);
  }
}
