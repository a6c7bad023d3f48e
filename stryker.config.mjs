// @ts-check
/**
 * StrykerJS: `npm run mutation` (not in CI: it takes tens of minutes on 2 cores).
 * Mutants of the executable core (src/core) and the IOH model (src/ioh), judged by the
 * conformance suite — machine paths replayed on the implementation with the observable
 * state and the enabled steps compared after every step — plus the implementation's own
 * unit tests (test/conformance/vitest.mutation.config.ts lists them). A surviving mutant
 * is a behaviour of the implementation that neither the statecharts nor a unit test pins
 * down: missing model detail or a missing adapter check.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/conformance/vitest.mutation.config.ts', related: false },
  mutate: ['src/core/**/*.ts', 'src/ioh/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 120_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
