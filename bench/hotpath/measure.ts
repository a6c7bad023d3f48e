/**
 * One measuring pass: every scheme, `runs` times, on a pool of `workers` workers. Within a
 * run each scheme (baseline included) is measured once, back to back, so a ratio compares
 * figures taken under the same conditions; the order rotates from run to run so that no
 * scheme always follows the same neighbour (JIT state, caches, frequency drift).
 * @module
 */
import { WorkerPool } from './pool.ts';
import { SCHEMES } from './schemes.ts';
import { overlap, type Batch } from './overlap.ts';
import { KINDS, runFigures, summarise, type RunFigures, type SchemeSummary } from './stats.ts';

/** Warm-up time per scheme (discarded): lets V8 optimise every loop before measuring. */
const WARMUP_MS = 100;

/** The result of one pass. */
export interface PassResult {
  readonly workers: number;
  /** Every worker ran pinned to its own CPU. */
  readonly pinned: boolean;
  readonly schemes: readonly SchemeSummary[];
}

/** Runs a pass; `progress` is told after each measured run. */
export async function measurePass(
  workers: number,
  runs: number,
  ms: number,
  pin: boolean,
  progress?: (done: number, total: number) => void,
): Promise<PassResult> {
  const pool = WorkerPool.start(workers, pin);
  try {
    for (let s = 0; s < SCHEMES.length; s++) await pool.run(s, Math.min(ms, WARMUP_MS));
    const perRun: RunFigures[][] = [];
    const pooled = SCHEMES.map(() => {
      const perWorker = () => Array.from({ length: workers }, () => [] as Batch[]);
      return { clean: perWorker(), alone: perWorker(), together: perWorker() };
    });
    for (let r = 0; r < runs; r++) {
      const figures: RunFigures[] = new Array(SCHEMES.length);
      for (let k = 0; k < SCHEMES.length; k++) {
        const s = (k + r) % SCHEMES.length;
        const results = await pool.run(s, ms);
        const classified = overlap(results.map((x) => x.batches));
        figures[s] = runFigures(results, classified);
        classified.forEach((c, w) => {
          for (const kind of KINDS) pooled[s][kind][w].push(...c[kind]);
        });
        progress?.(r * SCHEMES.length + k + 1, runs * SCHEMES.length);
      }
      perRun.push(figures);
    }
    return {
      workers,
      pinned: pool.pinned,
      schemes: summarise(
        SCHEMES.map((s) => s.id),
        perRun,
        pooled,
      ),
    };
  } finally {
    await pool.close();
  }
}
