#!/usr/bin/env node
// dmaspec from its TypeScript sources, through tsx (a clone: the tests and the benchmark spawn
// this file). The installed program is the build's dist/src/cli/bin.js (package.json `bin`).
// A signal while tsx and the program load is kept for src/cli/bin.ts, which takes it over.
const caught = [];
globalThis[Symbol.for('dmaspec.signalsWhileLoading')] = caught;
const keep = (sig) => caught.push(sig);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, keep);
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/bin.ts');
