/**
 * The vitest configuration StrykerJS runs (stryker.config.json): the tests that exercise
 * src/core and src/ioh — the conformance suite (machine paths replayed on the
 * implementation), the mbt unit tests and the implementation's own unit tests — without
 * the checker, docs and benchmark suites, which do not run src/core and would only slow
 * every mutant down.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/conformance/**/*.test.ts', 'test/core/**/*.test.ts', 'test/ioh/**/*.test.ts', 'test/clients/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
