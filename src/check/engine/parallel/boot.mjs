// A search worker's entry: a plain module that makes TypeScript loadable in this thread
// (module hooks registered in the main thread do not reach workers on Node 20), then runs
// worker.ts. Like src/cli/worker-boot.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
