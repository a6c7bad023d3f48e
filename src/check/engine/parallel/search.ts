/**
 * Parallel breadth-first search on worker threads, level by level, with the same ids,
 * parents, edges and verdicts as the sequential loop of explore.ts.
 *
 * Known limits: only a model that comes with a recipe (protocol.ts `ModelRecipe`: how a
 * worker rebuilds it, since functions cannot cross threads) is searched in parallel, and its
 * safety properties must be found by name in the recipe's list; the workers start once a
 * search holds 1,000,000 states (starting them costs more on smaller searches); the
 * liveness cycle search and counterexample traces stay on the calling thread.
 *
 * Each worker owns the states whose hash maps to it ({@link ownerOf}) and their hash table,
 * in shared memory; rows, parents and edges live in shared chunks that every worker reads
 * and writes by id. While the calling thread still explores the first levels alone, the
 * workers rebuild the model ({@link ParallelSearch.load}); they take over at the first large
 * level after that. A level `[a, b)` then takes four rounds, each ended by a barrier (the
 * coordinator waits for every reply):
 *
 * 1. expand: worker `w` expands the `w`-th contiguous slice of the level (any worker may
 *    expand any state: rows are shared) and looks each successor up in its owner's table,
 *    which nobody writes in this round. A stored state is an edge at once; only a successor
 *    no table holds goes to its owner, with its edge slot (source order, then event order:
 *    the sequential loop's order);
 * 2. dedup: each worker writes its slice's edges, and each owner enters the successors sent
 *    to it in its own table as pending entries; a new state keeps the least slot that
 *    reached it, which is the one the sequential loop would have found it through, and
 *    marks that slot new;
 * 3. number: a prefix sum of the marks over the slots (each worker its slice, then the
 *    slices' totals), so a new state's id is `b +` the number of new states found through
 *    earlier slots: exactly the sequential discovery order;
 * 4. assign: owners store their new states under those ids (turning each pending entry
 *    into the id, where it stands), with parent and event, check the safety properties on
 *    them and fill in the edges that led to them.
 *
 * The only serial work is the coordinator's per-level bookkeeping (a few numbers per
 * worker) and the barriers, so the search scales with the worker count; what crosses
 * threads per successor is a table probe, and a message only for the states not yet stored.
 * @module
 */
import { LayoutError, WidthOverflow } from '../layout.ts';
import { PackOverflow } from '../packing.ts';
import { LimitReached, type Limits, type Stop, stateLimit } from '../limits.ts';
import type { SearchState } from '../search-state.ts';
import type { SharedColumn } from '../growable.ts';
import { type RowChunks, StateStore } from '../store.ts';
import { type Pool, pool, WorkerError } from './pool.ts';
import { fingerprintOf, type ModelRecipe, type NewChunks, type Reply } from './protocol.ts';

/** Parallel exploration settings. */
export interface ParallelOptions {
  /** Worker threads (2 or more; 1 explores in the calling thread). */
  readonly workers: number;
  readonly recipe: ModelRecipe;
  /** The BFS level size from which the workers take over (default 2000; smaller levels cost more in barriers than they gain). */
  readonly minLevel?: number;
  /**
   * States the search must hold before the workers are started and load the model (default
   * 1,000,000): starting threads, loading the sources into them and warming them up costs
   * more than a smaller search gains (measured on 2 cores: the standard scenario's 647k
   * states took 2.2 s cold on 2 workers against 1.5 s on one), and on few cores it takes CPU
   * from the calling thread.
   */
  readonly startAt?: number;
  /**
   * Load the workers' model when the search starts and hand over at the first level of
   * `minLevel` states even if they are still loading (tests; default: keep exploring in
   * the calling thread until they are ready).
   */
  readonly waitForWorkers?: boolean;
}

/** Limits and callbacks of the levels. */
export interface LevelControl {
  readonly maxStates: number;
  readonly limits?: Limits;
  readonly stopWhenAllViolated: boolean;
  onLevel?(): void;
}

/** The search's store, which the workers share: an exact one (explore.ts never hands a lossy one over). */
function exactStore(s: SearchState): StateStore {
  if (!(s.store instanceof StateStore)) throw new Error('the parallel search needs an exact store');
  return s.store;
}

/** Which chunks of each column the workers hold. */
class ChunkFeed {
  private readonly sent = { rows: 0, parent: 0, parentEvent: 0, eStart: 0, eTarget: 0, eEvent: 0 };
  constructor(private readonly s: SearchState) {}
  next(): NewChunks {
    const { parent, parentEvent, eStart, eTarget, eEvent } = this.s;
    const store = exactStore(this.s);
    const take = (k: keyof ChunkFeed['sent'], c: RowChunks | SharedColumn) => {
      const out = c.chunks.slice(this.sent[k]);
      this.sent[k] = c.chunks.length;
      return out;
    };
    return {
      rows: take('rows', store.rows),
      parent: take('parent', parent),
      parentEvent: take('parentEvent', parentEvent),
      eStart: take('eStart', eStart),
      eTarget: take('eTarget', eTarget),
      eEvent: take('eEvent', eEvent),
    };
  }
}

/** A worker stopped on a limit: the level is dropped. */
class LevelStopped extends Error {
  constructor(readonly stop: Stop) {
    super(stop.message);
  }
}

/** The replies, or the first stop or error among them thrown. */
function check(replies: Reply[]): Extract<Reply, { t: 'ok' }>[] {
  for (const r of replies) if (r.t === 'error') throw rebuild(r);
  for (const r of replies) if (r.t === 'stop') throw new LevelStopped(r.stop);
  return replies as Extract<Reply, { t: 'ok' }>[];
}

/** A worker's error as the error explore.ts knows (a wider slot width, a layout fault), else a WorkerError. */
function rebuild(r: Extract<Reply, { t: 'error' }>): Error {
  if (r.name === 'WidthOverflow') return new WidthOverflow(r.message);
  if (r.name === 'LayoutError') return new LayoutError(r.message);
  if (r.overflow) return new PackOverflow(r.overflow[0], r.overflow[1]);
  return new WorkerError(r.name, r.message, r.stack);
}

/** One search's use of the worker pool: the model load, then the levels. */
export class ParallelSearch {
  private p: Pool | undefined;

  constructor(
    private readonly s: SearchState,
    readonly opts: ParallelOptions,
    private readonly limits?: Limits,
  ) {}

  /** The level size from which the workers take over. */
  get minLevel(): number {
    return this.opts.minLevel ?? 2000;
  }

  /** States after which the workers are started ({@link load}). */
  get startAt(): number {
    return this.opts.waitForWorkers ? 0 : (this.opts.startAt ?? 1_000_000);
  }

  /** Starts the workers (the first time in this thread) and asks them to rebuild the model and the safety properties (once; never waits). */
  load(): void {
    if (this.p) return;
    const { s, limits } = this;
    // Under `ulimit -v`, workers that would not fit: the search goes on on this thread.
    if (limits && !limits.roomForThreads(this.opts.workers)) return;
    this.p = pool(this.opts.workers);
    this.p.post(() => ({
      t: 'load',
      recipe: this.opts.recipe,
      fingerprint: fingerprintOf(s.cm),
      bytes: s.coder.bytes,
      symmetry: s.symmetry,
      keepEdges: s.keepEdges,
      safety: s.safety.map((x) => x.name),
      maxSeconds: limits?.remainingSeconds(),
      statedSeconds: limits?.maxSeconds,
      maxMemory: limits?.maxMemory ?? Infinity,
      interrupt: limits?.interrupt,
    }));
  }

  /** Whether the workers can take the search over now: loaded, or the caller chose to wait for them. */
  ready(): boolean {
    return this.p !== undefined && (this.opts.waitForWorkers === true || this.p.ready());
  }

  /**
   * Explores the levels from `s.levelStart` on the workers, advancing `s` (a value outside
   * the store's packing throws packing.ts `PackOverflow` with the level dropped); or, when a worker
   * could not rebuild the model (a design module that loads only in the calling thread, say),
   * returns that worker's error and leaves `s` as it was for the calling thread to go on.
   */
  run(ctl: LevelControl): Error | undefined {
    this.load();
    const p = this.p!;
    // The load's replies, once: a search run again (after its packing widened, see explore.ts) has them.
    this.loadReplies ??= p.collect();
    const failed = this.loadReplies.find((r) => r.t === 'error');
    if (failed) return rebuild(failed);
    exploreLevels(this.s, p, ctl);
    return undefined;
  }

  private loadReplies: Reply[] | undefined;
}

/** Explores the levels from `s.levelStart` on the workers of `p` (which have loaded the model), advancing `s`. */
function exploreLevels(s: SearchState, p: Pool, ctl: LevelControl): void {
  const N = p.size;
  const { parent, parentEvent, eStart, eTarget, eEvent, keepEdges, limits } = { ...s, limits: ctl.limits };
  const store = exactStore(s);
  const feed = new ChunkFeed(s);
  let isNew = new Uint8Array(new SharedArrayBuffer(1 << 16));
  let newIndex = new Int32Array(new SharedArrayBuffer(4 << 16));
  // Owners' tables replaced since the workers last heard (all of them, at the start).
  let tables: (Int32Array | undefined)[] = [];
  const news = (replies: Extract<Reply, { t: 'ok' }>[]) => replies.map((r) => r.table);
  try {
    const initial = feed.next();
    const { fields, places, N: nul } = store.packer;
    tables = news(check(p.round(() => ({ t: 'start', size: store.size, chunks: initial, packing: { fields, places, N: nul } }))));
    while (s.levelStart < store.size) {
      if (store.size >= ctl.maxStates) {
        s.complete = false;
        s.stoppedBy = stateLimit(ctl.maxStates);
        break;
      }
      const stop = limits?.poll();
      if (stop || (ctl.stopWhenAllViolated && s.pending.length === 0)) {
        s.complete = false;
        s.stoppedBy = stop;
        break;
      }
      const a = s.levelStart;
      const b = store.size;
      const slice = (w: number) => a + Math.floor(((b - a) * w) / N);
      // 1. expand
      const sent = tables;
      const expanded = check(p.round((w) => ({ t: 'expand', lo: slice(w), hi: slice(w + 1), tables: sent })));
      const segments = [0];
      for (const r of expanded) segments.push(segments[segments.length - 1] + r.n);
      const edges = segments[N];
      const edgeBase = eTarget.length;
      if (keepEdges) {
        eStart.ensure(b);
        eTarget.ensure(edgeBase + edges);
        eEvent.ensure(edgeBase + edges);
      }
      if (isNew.length < edges) {
        limits?.reserve(edges * 5, "the parallel search's level marks");
        isNew = new Uint8Array(new SharedArrayBuffer(edges));
        newIndex = new Int32Array(new SharedArrayBuffer(edges * 4));
      }
      // 2. dedup
      const forDedup = feed.next();
      check(p.round(() => ({ t: 'dedup', segments, edgeBase, isNew, chunks: forDedup })));
      // 3. number: each slice's new states in slot order, from 0.
      const counts = check(p.round(() => ({ t: 'number', newIndex })));
      const firsts = [0];
      for (const r of counts) firsts.push(firsts[firsts.length - 1] + r.n);
      const fresh = firsts[N];
      store.rows.ensure(b + fresh);
      parent.ensure(b + fresh);
      parentEvent.ensure(b + fresh);
      // 4. assign
      const pendingIdx = s.pending.map((x) => s.safety.indexOf(x));
      const forAssign = feed.next();
      const assigned = check(p.round(() => ({ t: 'assign', next: b, firsts, pending: pendingIdx, chunks: forAssign })));
      tables = news(assigned);
      // The level is whole: commit it.
      s.transitions += edges;
      if (s.deadlock < 0)
        for (const r of expanded) if (r.deadlock !== undefined && r.deadlock >= 0 && (s.deadlock < 0 || r.deadlock < s.deadlock)) s.deadlock = r.deadlock;
      const first = new Map<number, number>();
      for (const r of assigned) for (const [j, id] of r.violations ?? []) first.set(j, Math.min(first.get(j) ?? id, id));
      for (const [j, id] of [...first].sort((x, y) => x[1] - y[1])) {
        const prop = s.safety[j];
        s.violations.set(prop.name, id);
        s.pending.splice(s.pending.indexOf(prop), 1);
      }
      store.size = b + fresh;
      parent.length = parentEvent.length = b + fresh;
      if (keepEdges) {
        eStart.length = b;
        eTarget.length = eEvent.length = edgeBase + edges;
      }
      s.levelStart = b;
      ctl.onLevel?.();
    }
  } catch (e) {
    // A limit stopped a worker, or an allocation here: the level in progress is dropped.
    if (e instanceof LevelStopped) {
      limits?.adopt(e.stop);
      s.complete = false;
      s.stoppedBy = e.stop;
    } else if (e instanceof LimitReached) {
      s.complete = false;
      s.stoppedBy = e.stop;
    } else {
      p.round(() => ({ t: 'reset' }));
      throw e;
    }
  }
  p.round(() => ({ t: 'reset' }));
}
