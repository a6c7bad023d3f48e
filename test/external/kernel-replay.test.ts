/**
 * The kernel as the model's oracle, in CI: every build of ../shared/kernel (3.6, 3.6 + the
 * RFC's 3/7, 5.10.7 under kref-5-10, 7.0 under kref, and 7.0 with the kref-fixed patch) replays its exports, the large
 * ones in a deterministic sample (test/external/kernel-ci-plan.ts), and the divergences found
 * must be exactly the known classes of kernel/expected-divergences.json: a new divergence
 * fails (the model changed away from the kernel, or a new export found something), and so
 * does a listed class that no longer occurs (the model was fixed: remove its entry). Needs gcc.
 */
import { describe, expect, it } from 'vitest';
import { compareWithExpected, keyText, readExpected } from '../../src/kernel/divergence.ts';
import { describeFailure } from '../../src/kernel/report.ts';
import type { Failure } from '../../src/kernel/run.ts';
import { oracleTrees, runCiPlan } from './kernel-ci-plan.ts';

describe('kernel replay on the oracle trees', () => {
  it('finds exactly the known divergence classes, and replays every build', async () => {
    const oracle = oracleTrees();
    if (typeof oracle === 'string') throw new Error(oracle);
    expect(oracle.seed, 'the RFC seed patch ../shared/seeds/002_*.txt is missing').toBeDefined();
    const results = await runCiPlan(oracle.trees, oracle.seed);
    expect([...new Set(results.map((r) => r.build))].sort()).toEqual(['3.6', '3.6+rfc', '5.10.7', '7.0', '7.0+kref-fixed']);
    const found = new Map<string, Failure>();
    for (const r of results) for (const f of r.failures) if (!found.has(keyText(f.key))) found.set(keyText(f.key), f);
    const { unknown, gone } = compareWithExpected(
      [...found.values()].map((f) => f.key),
      readExpected(),
      new Set(results.map((r) => r.build)),
    );
    expect(
      unknown.map((k) => `${k}\n  ${describeFailure(found.get(k)!)}`),
      'divergences not in kernel/expected-divergences.json',
    ).toEqual([]);
    expect(gone, 'known divergences that no longer occur: remove them from kernel/expected-divergences.json').toEqual([]);
    // The replay replayed: the quiesce loop and the 3.6 channel rules pass whole on the real code.
    const passed = (build: string, machine: string) => results.filter((r) => r.build === build && r.spec.machine === machine);
    for (const [build, machine] of [
      ['3.6+rfc', 'quiesce'],
      ['3.6', 'channel'],
    ]) {
      const rs = passed(build, machine);
      expect(rs.length).toBe(1);
      expect(rs[0].paths).toBeGreaterThan(40);
      expect(rs[0].failures).toEqual([]);
    }
  }, 900_000);
});
