// Worker entry. Node 20 does not apply tsx's loader to a worker's own entry file (an
// `--import tsx` in execArgv registers it too late), so this plain-JS stub loads the
// TypeScript worker through tsx's API. It runs once per worker, before any measurement.
import { tsImport } from 'tsx/esm/api';
await tsImport('./worker.ts', import.meta.url);
