import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files, longest first (`npx vitest run --reporter=json` per file, start to
 * end). Vitest orders files by the durations of its last run here, and on a fresh checkout
 * (CI) by file size, which put the longest file, a small one, last: with two workers, a
 * file that starts late is run alone at the end. Longest first keeps both workers busy.
 */
const HEAVY_FIRST: readonly string[] = [
  'test/external/kernel-gates.test.ts',
  'test/external/spin-swarm.test.ts',
  'test/external/browser.test.ts',
  'test/external/spin.test.ts',
  'test/external/spin-small-two-devices.test.ts',
  'test/external/layout.test.ts',
  'test/conformance/system.test.ts',
  'test/mbt/chan-rules-mutants.test.ts',
  'test/check/acceptance.test.ts',
  'test/conformance/export.test.ts',
  'test/promela/translate.test.ts',
  'test/cli/outputs.test.ts',
];

for (const f of HEAVY_FIRST)
  if (!existsSync(join(import.meta.dirname, f))) throw new Error(`vitest.heavy-first.ts lists ${f}, which does not exist: update the list`);

/** Vitest's order, with the files of {@link HEAVY_FIRST} moved to the front in that order. */
export class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = HEAVY_FIRST.findIndex((h) => f.moduleId.endsWith(`/${h}`));
      return i < 0 ? HEAVY_FIRST.length : i;
    };
    return (await super.sort(files))
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
