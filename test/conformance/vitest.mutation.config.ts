/**
 * The vitest configuration StrykerJS runs (stryker.config.json): the tests that exercise
 * src/core and src/ioh — the path replays of the conformance suite and the
 * implementation's own unit tests — without the checker, docs and benchmark suites, which
 * do not run src/core, and without the fast-check runs and the export test, which replay
 * the same machines more slowly: every surviving mutant runs all of its covering tests.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    // Path replay first (concerns, then system): it kills most mutants within seconds.
    include: [
      'test/conformance/concerns.test.ts',
      'test/conformance/system.test.ts',
      'test/core/**/*.test.ts',
      'test/ioh/**/*.test.ts',
      'test/clients/**/*.test.ts',
    ],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
