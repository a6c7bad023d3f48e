// Module hooks (node:module register) for user design files: a design module written with
// `import`/`export` loads as an ES module wherever it lives. In a folder whose package.json
// has no `"type": "module"` (a plain `npm init -y` project), Node and tsx take a `.ts` or
// `.js` file for CommonJS, and requiring the ES-module dmaspec sources from it fails
// ("Cannot require() ES Module … in a cycle"). The loader marks the design's URL with
// `?dmaspec-esm`; the hooks give that file, and every local file it imports, the format
// `module` when its source has import/export statements. Packages (node_modules), `.cjs`,
// `.cts`, JSON and files without ES syntax keep the format Node and tsx give them.
// Plain JavaScript: the hooks thread has no tsx.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The query mark of a design module's URL (src/designs/load.ts). */
export const MARK = 'dmaspec-esm';
/** URLs loaded as ES modules here: the design modules and the local files they import. */
const forced = new Set();
/** An import or export statement at the start of a line: ES module syntax. */
const ES_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s)/m;

export async function resolve(specifier, context, nextResolve) {
  let r = await nextResolve(specifier, context);
  if (!r.url.startsWith('file:') || r.url.includes('/node_modules/')) return r;
  let url = new URL(r.url);
  const root = url.searchParams.has(MARK);
  // tsx resolves `x.js` to a sibling `x.ts`; the file named on the command line is the one meant.
  if (root && specifier.startsWith('file:') && new URL(specifier).pathname !== url.pathname) {
    r = { url: specifier, format: undefined };
    url = new URL(specifier);
  }
  if (!root && !(context.parentURL && forced.has(context.parentURL))) return r;
  if (!/\.(ts|js|tsx|jsx|mts|mjs)$/.test(url.pathname)) return r;
  forced.add(r.url);
  if (r.format === 'module' || /\.m[jt]s$/.test(url.pathname)) return r;
  let source = '';
  try {
    source = readFileSync(fileURLToPath(url), 'utf8');
  } catch {
    return r;
  }
  return ES_SYNTAX.test(source) ? { ...r, format: 'module' } : { ...r, format: r.format ?? 'commonjs' };
}
