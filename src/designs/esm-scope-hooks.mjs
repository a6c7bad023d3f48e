// Module hooks (node:module register, src/designs/load.ts) for user design files: a design
// module written with `import`/`export` loads as an ES module wherever it lives, in
// TypeScript or JavaScript.
//
// - Format: in a folder whose package.json has no `"type": "module"` (a plain `npm init -y`
//   project), Node takes a `.js` file for CommonJS. The loader marks the design's URL with
//   `?dmaspec-esm`; these hooks give that file, and every local file it imports (at any
//   depth), the format `module` when its source has import/export statements. Packages
//   (node_modules), `.cjs`, JSON and files without ES syntax keep the format Node gives them.
// - TypeScript: a `.ts` / `.mts` design file and the local `.ts` files it imports have their
//   types removed by sucrase (plain JavaScript, no WebAssembly, no install script; lines are
//   kept, so messages point at the user's own lines); a syntax error reads
//   `file:line:column: description`. No type checking: that is the user's tsc's job.
// - Resolution: a local import written as TypeScript's NodeNext resolution wants it
//   (`./helper.js` for `helper.ts`), or without an extension, finds the `.ts` file.
// - From dmaspec's TypeScript sources (a clone, the tests), `dmaspec/design` resolves to the
//   sources (the package.json export condition `dmaspec-source`), and dmaspec's own `.ts`
//   files are left to tsx, which runs them.
// Plain JavaScript: the hooks thread has no TypeScript loader of its own.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The query mark of a design module's URL (src/designs/load.ts). */
export const MARK = 'dmaspec-esm';
/** URLs loaded as ES modules here: the design modules and the local files they import. */
const forced = new Set();
/** An import or export statement at the start of a line: ES module syntax. */
const ES_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s)/m;
/** Extra export conditions (dmaspec-source when dmaspec runs from its sources). */
let conditions = [];
/** URL prefixes of dmaspec's own source folders, when it runs from them. */
let own = [];

/** `data` from load.ts: `{ source: true, root }` when dmaspec runs from its TypeScript sources at `root`. */
export function initialize(data) {
  if (!data?.source) return;
  conditions = ['dmaspec-source'];
  own = ['src/', 'machines/', 'spec/'].map((d) => new URL(d, data.root).href);
}

/** For a local import that does not resolve: the TypeScript file it means, if one exists. */
function typeScriptFile(specifier, parentURL) {
  if (!/^\.{1,2}\//.test(specifier) || !parentURL) return undefined;
  const base = specifier.replace(/\.(m?)js$/, '');
  const candidates = /\.m?js$/.test(specifier)
    ? [`${base}.${specifier.endsWith('.mjs') ? 'mts' : 'ts'}`]
    : [`${specifier}.ts`, `${specifier}.mts`, `${specifier}.js`, `${specifier}.mjs`];
  for (const c of candidates) {
    const url = new URL(c, parentURL);
    if (existsSync(fileURLToPath(url))) return url.href;
  }
  return undefined;
}

export async function resolve(specifier, context, nextResolve) {
  const ctx = conditions.length ? { ...context, conditions: [...(context.conditions ?? []), ...conditions] } : context;
  const local = context.parentURL !== undefined && forced.has(context.parentURL);
  let r;
  try {
    r = await nextResolve(specifier, ctx);
  } catch (err) {
    const ts = local && err?.code === 'ERR_MODULE_NOT_FOUND' ? typeScriptFile(specifier, context.parentURL) : undefined;
    if (!ts) throw err;
    r = { url: ts, format: undefined };
  }
  if (!r.url.startsWith('file:') || r.url.includes('/node_modules/')) return r;
  let url = new URL(r.url);
  const root = url.searchParams.has(MARK);
  // tsx (from the sources) resolves `x.js` to a sibling `x.ts`; the file named on the command line is the one meant.
  if (root && specifier.startsWith('file:') && new URL(specifier).pathname !== url.pathname) {
    r = { url: specifier, format: undefined };
    url = new URL(specifier);
  }
  if (!root && !local) return r;
  if (!/\.(ts|js|mts|mjs)$/.test(url.pathname) || isOwn(r.url)) return r;
  forced.add(r.url);
  if (r.format === 'module' || /\.m[jt]s$/.test(url.pathname)) return { ...r, format: 'module' };
  let source = '';
  try {
    source = readFileSync(fileURLToPath(url), 'utf8');
  } catch {
    return r;
  }
  return ES_SYNTAX.test(source) || url.pathname.endsWith('.ts') ? { ...r, format: 'module' } : { ...r, format: r.format ?? 'commonjs' };
}

/** Whether `url` is one of dmaspec's own source files (run by tsx, not by these hooks). */
const isOwn = (url) => own.some((p) => url.startsWith(p));

/** sucrase, loaded with the first TypeScript design (CommonJS: required, as it is written). */
let sucrase;

export async function load(url, context, nextLoad) {
  if (!forced.has(url) || !/\.m?ts$/.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  sucrase ??= createRequire(import.meta.url)('sucrase');
  try {
    const { code } = sucrase.transform(source, { transforms: ['typescript'], disableESTransforms: true, filePath: file });
    return { format: 'module', source: code, shortCircuit: true };
  } catch (err) {
    if (!err?.loc) throw err;
    // sucrase: "Error transforming FILE: DESCRIPTION (LINE:COLUMN)".
    const what = String(err.message)
      .replace(/^Error transforming [^:]*: /, '')
      .replace(/ \(\d+:\d+\)$/, '');
    throw new SyntaxError(`${file}:${err.loc.line}:${err.loc.column}: ${what}`);
  }
}
