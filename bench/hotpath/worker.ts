/**
 * One benchmark worker: it plays CPU `workerData.cpu`. It sleeps on the generation word;
 * when the main thread bumps it, it reads the scheme, meets the other workers at a start
 * barrier, runs find→put pairs in batches until the stop flag is set, writes its result
 * line and counts itself done. Scheme {@link EXIT_SCHEME} ends it.
 * @module
 */
import { readFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { attachMemory, CONTROL, EXIT_SCHEME, RESULT, RESULT_STRIDE, STOP } from './layout.ts';
import { SCHEMES } from './schemes.ts';

/** Pairs per batch between two reads of the stop flag (the read is outside the measured pair). */
const BATCH = 1 << 14;

const { buffer, cpu } = workerData as { buffer: SharedArrayBuffer; cpu: number };
const { i32: m, results } = attachMemory(buffer);
const workers = Atomics.load(m, CONTROL.workers);

/** Waits until every worker has arrived, so that all loops start (and contend) together. */
function barrier(): void {
  const arrived = Atomics.add(m, CONTROL.arrived, 1) + 1;
  if (arrived === workers) {
    Atomics.notify(m, CONTROL.arrived);
    return;
  }
  for (let seen = arrived; seen < workers; seen = Atomics.load(m, CONTROL.arrived)) Atomics.wait(m, CONTROL.arrived, seen);
}

/**
 * Nanoseconds this thread has spent on a CPU (Linux `/proc/thread-self/schedstat`), NaN
 * elsewhere. On a machine shared with other work, a worker that is descheduled for part of
 * a run would otherwise be charged for time it did not run.
 */
function onCpuNs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

let generation = 0;
for (;;) {
  Atomics.wait(m, CONTROL.generation, generation);
  generation = Atomics.load(m, CONTROL.generation);
  const schemeIndex = Atomics.load(m, CONTROL.scheme);
  if (schemeIndex === EXIT_SCHEME) break;
  const kernel = SCHEMES[schemeIndex].kernel;
  barrier();
  let ops = 0;
  let sink = 0;
  const cpu0 = onCpuNs();
  const t0 = performance.now();
  while (Atomics.load(m, STOP) === 0) {
    sink += kernel.loop(m, cpu, BATCH);
    ops += BATCH;
  }
  const elapsedNs = (performance.now() - t0) * 1e6;
  const cpuNs = onCpuNs() - cpu0;
  const line = cpu * RESULT_STRIDE;
  results[line + RESULT.ops] = ops;
  results[line + RESULT.elapsedNs] = elapsedNs;
  results[line + RESULT.cpuNs] = cpuNs;
  results[line + RESULT.sink] = sink;
  Atomics.add(m, CONTROL.done, 1);
  Atomics.notify(m, CONTROL.done);
}
