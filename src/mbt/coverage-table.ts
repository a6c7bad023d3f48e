/**
 * The coverage table printed by the conformance suite and `dmaspec paths --replay`: one row
 * per machine and scenario, with what was replayed and what was covered.
 * @module
 */
import Table from 'cli-table3';
import type { CoverageRow } from './coverage.ts';

/** A coverage row with where it came from and how long the replay took. */
export interface ReportRow extends CoverageRow {
  readonly scenario: string;
  /** Milliseconds to explore, generate, replay and measure (0: not measured, shown as -). */
  readonly ms: number;
}

/** Renders rows as a plain-text table (no colours, so logs and files stay readable). */
export function coverageTable(rows: readonly ReportRow[]): string {
  const t = new Table({
    head: ['machine', 'scenario', 'paths', 'steps', 'states', 'transitions', 'graph states', 'graph edges', 'ms', 'missed'],
    style: { head: [], border: [] },
  });
  for (const r of rows)
    t.push([
      r.machine,
      r.scenario,
      r.paths,
      r.steps,
      r.states,
      r.transitions,
      r.graphStates,
      r.graphEdges,
      r.ms > 0 ? Math.round(r.ms) : '-',
      r.missed.length ? r.missed.join(' ') : '-',
    ]);
  return t.toString();
}
