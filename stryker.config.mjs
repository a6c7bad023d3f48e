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
  // The kernel rules, the RFC hot path and quiesce, and the IOH: what the machines model.
  // Left out: the schedulers and event-log formatting (scheduler.ts, observe.ts's
  // diffObservables for logs), the PRNG, the error class and the re-export index; the
  // machines say nothing about them, so their mutants would measure the unit tests only.
  mutate: ['src/core/dmaengine.ts', 'src/core/hotplug.ts', 'src/core/rebalance.ts', 'src/system/system.ts', 'src/core/thread.ts', 'src/ioh/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
