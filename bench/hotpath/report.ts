/**
 * The benchmark's outputs: plain-text tables (cli-table3, no colours) and the JSON report.
 * @module
 */
import Table from 'cli-table3';
import { SCHEMES } from './schemes.ts';
import type { PassResult } from './measure.ts';

/** No ANSI colours: the tables go into logs, reports and docs. */
const PLAIN = { head: [], border: [] };

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const rate = (x: number): string => (x >= 1e6 ? `${fmt(x / 1e6, 1)} M` : `${fmt(x / 1e3, 1)} k`);

/**
 * Contention factor of a scheme: its median ns per pair with N workers over its median with
 * one. 1.0 means the workers do not slow each other down; shared cache lines show as > 1.
 */
export function contention(contended: PassResult, solo: PassResult, id: string): number {
  const n = contended.schemes.find((s) => s.id === id);
  const one = solo.schemes.find((s) => s.id === id);
  if (!n || !one) throw new RangeError(`no figures for scheme ${id}`);
  return n.medianNsPerPair / one.medianNsPerPair;
}

/** The measured table: one row per scheme, medians over runs, ratios to the same run's baseline. */
export function measuredTable(contended: PassResult, solo: PassResult | undefined): string {
  const head = ['scheme', 'ns/pair', 'pairs/s per worker', `pairs/s total (${contended.workers} w)`, 'x baseline', 'x range', 'CPU share'];
  if (solo) head.push('ns/pair 1 w', 'x baseline 1 w', `contention ${contended.workers}w/1w`);
  const table = new Table({ head, style: PLAIN });
  contended.schemes.forEach((s, i) => {
    const row = [
      s.id,
      fmt(s.medianNsPerPair),
      rate(s.medianOpsPerSecPerWorker),
      rate(s.medianTotalOpsPerSec),
      fmt(s.medianRatio),
      `${fmt(Math.min(...s.ratios))}-${fmt(Math.max(...s.ratios))}`,
      Number.isNaN(s.medianCpuShare) ? '?' : fmt(s.medianCpuShare),
    ];
    if (solo) {
      const one = solo.schemes[i];
      row.push(fmt(one.medianNsPerPair), fmt(one.medianRatio), fmt(contention(contended, solo, s.id)));
    }
    table.push(row);
  });
  return table.toString();
}

/** Below this median CPU share the workers rarely ran at the same time. */
const BUSY_SHARE = 0.8;

/**
 * A warning when other work kept the workers off the CPUs: the ratios stay meaningful
 * (rates are per on-CPU time), but workers that seldom run together seldom contend, so
 * the contention column understates what a dedicated machine shows.
 */
export function busyWarning(contended: PassResult): string | undefined {
  const share = Math.min(...contended.schemes.map((s) => s.medianCpuShare));
  if (Number.isNaN(share) || share >= BUSY_SHARE || contended.workers === 1) return undefined;
  return `note: the workers were on a CPU only ${Math.round(share * 100)}% of the time (other load); they overlapped less than on an idle machine, so the contention column understates cache-line bouncing`;
}

/** The legend printed under the table. */
export function schemeLegend(): string {
  return SCHEMES.map((s) => `  ${s.id.padEnd(18)} ${s.description}`).join('\n');
}

/** The JSON report: settings, environment, and every run's raw figures next to the medians. */
export function jsonReport(settings: object, environment: object, contended: PassResult, solo: PassResult | undefined, staticCost: unknown): object {
  const pass = (p: PassResult) => ({
    workers: p.workers,
    schemes: p.schemes.map((s) => ({
      id: s.id,
      description: SCHEMES.find((x) => x.id === s.id)?.description,
      medianNsPerPair: s.medianNsPerPair,
      medianOpsPerSecPerWorker: s.medianOpsPerSecPerWorker,
      medianTotalOpsPerSec: s.medianTotalOpsPerSec,
      medianCpuShare: s.medianCpuShare,
      medianRatioToBaseline: s.medianRatio,
      ratiosToBaseline: s.ratios,
      runs: s.runs,
    })),
  });
  return {
    settings,
    environment,
    contended: pass(contended),
    solo: solo ? pass(solo) : null,
    contention: solo ? Object.fromEntries(contended.schemes.map((s) => [s.id, contention(contended, solo, s.id)])) : null,
    staticCost,
  };
}
