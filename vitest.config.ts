import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { HeavyFirstSequencer } from './vitest.heavy-first.ts';

/** Tests under test/external need tools outside npm (Chromium, gcc, SPIN): `npm run test:external` (vitest.external.config.ts). */
export const EXTERNAL = 'test/external/**';

export default defineConfig({
  // A design file that imports 'dmaspec/design' gets the sources, as the CLI run from a clone
  // does (the package's `dmaspec-source` export condition), not a build in dist/ that may be stale.
  ssr: { resolve: { conditions: ['dmaspec-source'] } },
  test: {
    // `npm test`: everything that needs only Node.js and npm.
    include: ['test/**/*.test.ts'],
    exclude: [EXTERNAL, '**/node_modules/**'],
    // Exhaustive explorations run for seconds on a loaded 2-core CI machine; the default
    // 5 s would turn load into failures. Every test's work is bounded: the timeout only
    // catches a hang, so it is far above any test's time at load 20 (the longest single tests
    // took 100-200 s there). Speed is measured by `npm run bench`, not here.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // At least two files at once: vitest's default (cores - 1) runs one at a time on 2 cores,
    // where much of the suite waits on spawned commands (measured: 279 s against 190 s).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The longest files first, so that none runs alone at the end (vitest.heavy-first.ts).
    sequence: { sequencer: HeavyFirstSequencer },
  },
});
