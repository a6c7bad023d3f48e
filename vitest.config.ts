import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Exhaustive explorations run for seconds on a loaded 2-core CI machine; the default
    // 5 s would turn load into failures. Speed is measured by `npm run bench`, not here.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
