import { defineConfig } from 'vitest/config';
import base, { EXTERNAL } from './vitest.config.ts';

/**
 * `npm run test:external`: the tests that drive tools outside npm (Debian's Chromium, gcc,
 * SPIN), which `.ci/run` installs. Every test/external/**\/*.test.ts; none is skipped when
 * a tool is missing: it fails, naming the tool.
 */
export default defineConfig({
  ssr: base.ssr,
  test: {
    ...base.test,
    include: [`${EXTERNAL}/*.test.ts`],
    exclude: ['**/node_modules/**'],
  },
});
