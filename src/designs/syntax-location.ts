/**
 * Where a JavaScript design's syntax error is. Node 20 reports a syntax error of an ES module
 * without its file or line (the message only: "Unexpected identifier 'title'"); a `.ts` file's
 * error already has both (the sucrase pass of esm-scope-hooks.mjs). On such a failure the
 * loader parses the design file and the local files it imports, at any depth, with the same
 * sucrase parser, and reports the first error it finds as `file:line:column: description`.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

/** A local import or re-export: `from './x.js'`, `import './x.js'`, `import('./x.js')`. */
const LOCAL_IMPORT = /(?:from\s*|import\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The file a local specifier names, as the hooks resolve it (`./x.js` may mean `x.ts`). */
function localFile(specifier: string, from: string): string | undefined {
  const path = resolve(dirname(from), specifier);
  const bare = path.replace(/\.m?js$/, '');
  return [path, `${bare}.ts`, `${bare}.mts`, `${path}.ts`, `${path}.js`].find((p) => existsSync(p));
}

/** `file:line:column: description` of the first syntax error in `file` or a local file it imports, or null. */
export function locateSyntaxError(file: string): string | null {
  const sucrase = createRequire(import.meta.url)('sucrase') as typeof import('sucrase');
  const seen = new Set<string>();
  const visit = (path: string): string | null => {
    if (seen.has(path)) return null;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    try {
      sucrase.transform(source, { transforms: /\.m?ts$/.test(path) ? ['typescript'] : [], filePath: path });
    } catch (err) {
      const loc = (err as { loc?: { line: number; column: number } }).loc;
      if (loc)
        return `${path}:${loc.line}:${loc.column}: ${String((err as Error).message)
          .replace(/^Error transforming [^:]*: /, '')
          .replace(/ \(\d+:\d+\)$/, '')}`;
    }
    for (const [, specifier] of source.matchAll(LOCAL_IMPORT)) {
      const next = localFile(specifier!, path);
      const found = next === undefined ? null : visit(next);
      if (found) return found;
    }
    return null;
  };
  return visit(resolve(file));
}
