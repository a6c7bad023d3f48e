#!/usr/bin/env node
/**
 * The installed `dmaspec` program (package.json `bin`, built to dist/src/cli/bin.js; in a
 * clone, bin/dmaspec.js runs this file from the sources). A signal that arrives while the
 * program is still loading is not lost (Node's default would end it without a word): these
 * handlers are set before anything else is imported and keep it, and src/cli/worker-host.ts
 * handles it as soon as the command's own handlers are set (check: the partial report).
 * @module
 */
const EXIT_BY_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof EXIT_BY_SIGNAL;

/**
 * The signal that arrived while loading, handed to the command's own handlers once they are
 * set (bin/dmaspec.js, which loads tsx before this file from the sources, keeps its own here).
 */
const before = (globalThis as Record<symbol, Signal[] | undefined>)[Symbol.for('dmaspec.signalsWhileLoading')] ?? [];
let caught: Signal | undefined = before[0];
if (before.length > 1) early(before[1]!)();
function early(sig: Signal) {
  return () => {
    if (caught === undefined) {
      caught = sig;
      return;
    }
    process.stderr.write(`dmaspec: second signal (${sig}) while starting: quitting (nothing was run or written)\n`);
    process.exit(EXIT_BY_SIGNAL[sig]);
  };
}
const starting = (Object.keys(EXIT_BY_SIGNAL) as Signal[]).map((sig) => {
  // bin/dmaspec.js's keeper, replaced by this one (its signals were read above).
  process.removeAllListeners(sig);
  const handler = early(sig);
  process.on(sig, handler);
  return [sig, handler] as const;
});

const { cli } = await import('./worker-host.ts');
process.exitCode = await cli(process.argv.slice(2), () => {
  for (const [sig, handler] of starting) process.off(sig, handler);
  return caught;
});
