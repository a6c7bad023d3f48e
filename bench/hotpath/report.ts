/**
 * The benchmark's outputs: a plain-text table (cli-table3, no colours) and the JSON report.
 * @module
 */
import Table from 'cli-table3';
import type { PassResult } from './measure.ts';
import { SCHEMES } from './schemes.ts';
import { MIN_BATCHES, type SchemeSummary } from './stats.ts';

/** No ANSI colours: the tables go into logs, reports and docs. */
const PLAIN = { head: [], border: [] };

const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const rate = (ns: number): string => (Number.isFinite(ns) ? `${fmt(1e3 / ns, 1)} M` : '-');
const range = (xs: readonly number[]): string => {
  const f = xs.filter(Number.isFinite);
  return f.length ? `${fmt(Math.min(...f))}-${fmt(Math.max(...f))}` : '-';
};

/**
 * Contention factor of a scheme in the N-worker pass: its ns per pair while all workers ran
 * together over its ns per pair while one ran with no other running (both pooled over the
 * runs, so both from the same compiled code and the same pinned CPUs). Where no batch ran
 * alone (an idle machine), the one-worker pass stands in. 1.0: the workers do not slow each
 * other down; a shared cache line written on every pair shows as a factor well above 1.
 */
export function contention(contended: SchemeSummary, solo: SchemeSummary): number {
  const alone = Number.isFinite(contended.pooledNs.alone) ? contended.pooledNs.alone : solo.medianNs.alone;
  return contended.pooledNs.together / alone;
}

/**
 * The measured table. Left: one worker (the cost of the pair itself); right: N workers,
 * from the batches during which all of them ran at once (the cost under contention).
 */
export function measuredTable(contended: PassResult, solo: PassResult): string {
  const n = contended.workers;
  const table = new Table({
    head: ['scheme', 'ns/pair 1w', 'pairs/s 1w', 'x baseline 1w', 'x range 1w', `ns/pair ${n}w`, `x baseline ${n}w`, `contention ${n}w`, 'batches together'],
    style: PLAIN,
  });
  contended.schemes.forEach((c, i) => {
    const one = solo.schemes[i];
    table.push([
      c.id,
      fmt(one.medianNs.alone),
      rate(one.medianNs.alone),
      fmt(one.medianRatio.alone),
      range(one.ratios.alone),
      fmt(c.pooledNs.together),
      fmt(c.pooledNs.together / contended.schemes[0].pooledNs.together),
      fmt(contention(c, one)),
      String(c.pooledBatches.together),
    ]);
  });
  return table.toString();
}

/** Notes on how far the figures can be trusted. */
export function passNotes(contended: PassResult): string[] {
  const notes: string[] = [];
  if (!contended.pinned) notes.push('workers were not pinned to CPUs (no taskset, or --no-pin)');
  const share = Math.min(...contended.schemes.map((s) => s.medianCpuShare));
  if (Number.isFinite(share) && share < 0.8)
    notes.push(
      `other load: the ${contended.workers} workers had a CPU for only ${Math.round(share * 100)}% of the wall time, so few batches ran with all of them at once`,
    );
  const missing = contended.schemes.filter((s) => !Number.isFinite(s.pooledNs.together)).map((s) => s.id);
  if (missing.length) notes.push(`fewer than ${MIN_BATCHES} together-batches per worker, no ${contended.workers}w figure: ${missing.join(', ')}`);
  return notes;
}

/** The legend printed under the table. */
export function schemeLegend(): string {
  return SCHEMES.map((s) => `  ${s.id.padEnd(18)} ${s.description}`).join('\n');
}

/** The JSON report: settings, environment, and every run's figures next to the medians. */
export function jsonReport(settings: object, environment: object, contended: PassResult, solo: PassResult, staticCost: unknown): object {
  const pass = (p: PassResult) => ({
    workers: p.workers,
    pinned: p.pinned,
    schemes: p.schemes.map((s) => ({ description: SCHEMES.find((x) => x.id === s.id)?.description, ...s })),
  });
  return {
    settings,
    environment,
    solo: pass(solo),
    contended: pass(contended),
    contention: Object.fromEntries(contended.schemes.map((s, i) => [s.id, contention(s, solo.schemes[i])])),
    staticCost,
  };
}
