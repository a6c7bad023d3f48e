/**
 * Test helper: collects coverage rows during a test file and prints them as one table at
 * the end, so the conformance suite's output shows what was replayed and covered.
 */
import { afterAll, expect } from 'vitest';
import { fullyCovered } from '../../src/mbt/coverage.ts';
import { coverageTable, type ReportRow } from '../../src/mbt/coverage-table.ts';

/** A collector whose rows are printed after the file's tests. */
export function coverageReport(title: string): { add(row: ReportRow): void } {
  const rows: ReportRow[] = [];
  afterAll(() => {
    if (rows.length) console.log(`${title}\n${coverageTable(rows)}`);
  });
  return {
    add(row) {
      rows.push(row);
      // Every reachable state node and transition must be exercised by the replayed paths.
      expect(row.missed, `${row.machine} on ${row.scenario}: reachable but never replayed`).toEqual([]);
      expect(fullyCovered(row)).toBe(true);
      expect(row.steps).toBeGreaterThan(0);
    },
  };
}
