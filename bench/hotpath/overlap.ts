/**
 * Which batches ran alone and which ran while every other worker was running too.
 * Contention exists only while workers run at the same time; on a machine shared with other
 * work they are often descheduled, and a rate over the whole run would mix contended and
 * idle stretches (and charge a worker for time it did not run). Only *clean* batches count
 * (the thread was not switched out). A clean batch is *together* when, for every other
 * worker, that worker's clean batches cover its whole interval (allowing the short
 * bookkeeping gap between two of their batches), and *alone* when no batch of any other
 * worker overlaps it. The time per pair of each kind is a median over its batches,
 * which also ignores stragglers; batches that are neither are not used.
 * @module
 */
import { BATCH_FIELDS, BATCH_STRIDE, MAX_LOGGED_BATCHES } from './layout.ts';
import { median } from './median.ts';

/** One logged batch of one worker. */
export interface Batch {
  /** Monotonic clock, nanoseconds. */
  readonly start: number;
  readonly end: number;
  readonly pairs: number;
  /** The thread was not switched out between the previous batch's end and this one's. */
  readonly clean: boolean;
}

/** Largest gap between two batches of a worker still counted as running (per-batch bookkeeping is ~25 µs). */
export const BOOKKEEPING_GAP_NS = 100_000;

/** Reads worker `w`'s `count` logged batches out of the shared batch log. */
export function readBatches(batchLog: Float64Array, w: number, count: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < count; i++) {
    const at = (w * MAX_LOGGED_BATCHES + i) * BATCH_STRIDE;
    out.push({
      start: batchLog[at + BATCH_FIELDS.start],
      end: batchLog[at + BATCH_FIELDS.end],
      pairs: batchLog[at + BATCH_FIELDS.pairs],
      clean: batchLog[at + BATCH_FIELDS.clean] === 1,
    });
  }
  return out;
}

/**
 * Whether `other`'s clean batches (in time order) cover [start, end], each starting at most
 * `gap` after the previous one ended (or after `start`).
 */
export function covered(other: readonly Batch[], start: number, end: number, gap = BOOKKEEPING_GAP_NS): boolean {
  let reached = start; // covered up to here
  for (const b of other) {
    if (b.end <= reached) continue; // over before the part still uncovered
    if (b.start > reached + gap || !b.clean) return false; // a hole, or a batch the other did not fully run
    reached = b.end;
    if (reached >= end) return true;
  }
  return false;
}

/**
 * Whether any batch of `other` overlaps [start, end]. Interrupted batches count too: the
 * other worker ran for part of one, and nobody knows which part.
 */
export function touched(other: readonly Batch[], start: number, end: number): boolean {
  return other.some((b) => b.start < end && b.end > start);
}

/** Per worker: its clean batches, those run alone, and those every other worker ran alongside. */
export interface WorkerOverlap {
  readonly clean: readonly Batch[];
  readonly alone: readonly Batch[];
  readonly together: readonly Batch[];
}

/** Classifies every worker's batches against all the others'. With one worker, every clean batch is alone. */
export function overlap(logs: readonly (readonly Batch[])[]): WorkerOverlap[] {
  return logs.map((mine, w) => {
    const clean = mine.filter((b) => b.clean);
    const others = logs.filter((_, v) => v !== w);
    return {
      clean,
      alone: clean.filter((b) => !others.some((o) => touched(o, b.start, b.end))),
      together: others.length === 0 ? [] : clean.filter((b) => others.every((o) => covered(o, b.start, b.end))),
    };
  });
}

/** Median nanoseconds per pair over some batches (NaN for none). */
export function nsPerPair(batches: readonly Batch[]): number {
  return batches.length ? median(batches.map((b) => (b.end - b.start) / b.pairs)) : NaN;
}
