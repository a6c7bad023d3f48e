/**
 * The `dmaspec` program (`npm start`, `npm run dmaspec`, bin/dmaspec.js): runs the command
 * line through src/cli/worker-host.ts, which keeps this thread free for signals. For use
 * from code (tests), {@link main} runs a command line in-process.
 * @module
 */
import { pathToFileURL } from 'node:url';

export { main } from './dispatch.ts';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { cli } = await import('./worker-host.ts');
  process.exitCode = await cli(process.argv.slice(2));
}
