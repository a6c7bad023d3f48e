/**
 * The figures of issue 28, counted from the code and its history, none by hand:
 * - change cost: the files a change touched (the union over its commits), split into product
 *   code (src/, machines/, spec/*.ts), the kernel harness (kernel/), tests, hand-written docs
 *   (Markdown outside the generated folders), generated docs (docs/machines, docs/traces and
 *   the pages scripts/docs.ts writes) and the rest (scripts, bench, config);
 * - the product's shape now: circles between top-level parts (scripts/lint/imports.ts),
 *   imports from the engine (src/check/engine) to the rest of the project and which of them
 *   leave its allowed set, the five longest functions (scripts/lint/function-budget.ts
 *   spans), and the counts of `as any`, `as unknown as` and non-null `!` in product code.
 *
 * `tsx scripts/change-cost.ts [--change LABEL=REV[,REV…]]… [--json]`; without `--change`,
 * the three changes of issue 28's closing note (a property, a built-in design, a kernel step).
 * A REV may be a range `A..B` (every commit in it). Run from the repository root.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { functionSpans, productFiles } from './lint/function-budget.ts';
import { cruiseProduct, partCircles } from './lint/imports.ts';

/** Issue 28's three changes, by the commits that made them. */
export const ISSUE_28_CHANGES: Readonly<Record<string, readonly string[]>> = {
  // The last new property: no-oops (git log --all -S"no-oops": the property, its example output, the docs run).
  'property no-oops': ['a16d0c5', '8fb915a', 'cdd0bd4'],
  // The last new built-in design: kref-5-10 (issue 31 M1-M5, one commit with the 7.0 kref variants it shares a model with).
  'design kref-5-10': ['7df7a6b'],
  // A new kernel step: 3.6's channel loop (chanUnregister) under the RFC designs, then its follow-ups (git log -S"chanUnregister").
  'kernel step chanUnregister (rfc-wait)': ['82c64ab', 'cd58bfc', 'cad6c64'],
  'kernel step chanUnregister (+ 4 more designs)': ['82c64ab', 'cd58bfc', 'cad6c64', '4c4573f', 'da01488', '9e41711', 'b5591fb', '48f3583'],
};

/** The kinds a touched file is counted under. */
export type FileKind = 'product' | 'kernel' | 'test' | 'docs' | 'generated' | 'other';

const GENERATED = [/^docs\/machines\//, /^docs\/traces\//, /^docs\/(index|comparison|conclusions)\.md$/];

/** The kind of repository path `path`. */
export function kindOf(path: string): FileKind {
  if (GENERATED.some((r) => r.test(path))) return 'generated';
  if (/^(src|machines)\/.*\.m?ts$/.test(path) || /^spec\/.*\.ts$/.test(path)) return 'product';
  if (path.startsWith('kernel/')) return 'kernel';
  if (path.startsWith('test/')) return 'test';
  if (path.endsWith('.md')) return 'docs';
  return 'other';
}

const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** The files the commits `revs` touched (a range `A..B` stands for its commits), by kind. */
export function touched(revs: readonly string[]): Record<FileKind, string[]> {
  const files = new Set<string>();
  for (const rev of revs) {
    const commits = rev.includes('..') ? git('rev-list', rev).split('\n').filter(Boolean) : [rev];
    for (const c of commits) for (const f of git('show', '--name-only', '--format=', c).split('\n')) if (f) files.add(f);
  }
  const out: Record<FileKind, string[]> = { product: [], kernel: [], test: [], docs: [], generated: [], other: [] };
  for (const f of [...files].sort()) out[kindOf(f)].push(f);
  return out;
}

/** Casts and non-null assertions in the product's TypeScript. */
export function castCounts(root: string): { asAny: number; asUnknownAs: number; nonNull: number } {
  let asAny = 0;
  let asUnknownAs = 0;
  let nonNull = 0;
  for (const file of productFiles(root)) {
    const sf = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (ts.isAsExpression(node)) {
        if (node.type.kind === ts.SyntaxKind.AnyKeyword) asAny++;
        const inner = node.expression;
        if (ts.isAsExpression(inner) && inner.type.kind === ts.SyntaxKind.UnknownKeyword) asUnknownAs++;
      }
      if (ts.isNonNullExpression(node)) nonNull++;
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { asAny, asUnknownAs, nonNull };
}

/** What the engine (src/check/engine) may import of the project (.dependency-cruiser.cjs). */
const ENGINE_MAY_IMPORT = new Set(['machines/kit.ts', 'machines/model.ts', 'machines/xstate.ts', 'spec/vocabulary.ts']);

/** The figures of the product now. */
export async function shape(root: string) {
  const { modules, violations } = await cruiseProduct(root);
  const fromEngine = [...modules].flatMap(([from, tos]) =>
    from.startsWith('src/check/engine/')
      ? tos.filter((to) => /^(src|machines|spec)\//.test(to) && !to.startsWith('src/check/engine/')).map((to) => `${from} → ${to}`)
      : [],
  );
  const longest = productFiles(root)
    .flatMap((f) => functionSpans(f, readFileSync(join(root, f), 'utf8')))
    .sort((a, b) => b.lines - a.lines)
    .slice(0, 5)
    .map((f) => `${f.name} ${f.lines} (${f.file}:${f.line})`);
  return {
    circles: partCircles(modules).map((c) => c.parts.join(' ↔ ')),
    engineImports: fromEngine.length,
    upwardImports: fromEngine.filter((i) => !ENGINE_MAY_IMPORT.has(i.split(' → ')[1])),
    forbiddenImports: violations,
    longest,
    casts: castCounts(root),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { change: { type: 'string', multiple: true }, json: { type: 'boolean' } } });
  const changes = values.change?.length
    ? Object.fromEntries(values.change.map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1).split(',')]))
    : ISSUE_28_CHANGES;
  const cost = Object.fromEntries(Object.entries(changes).map(([label, revs]) => [label, touched(revs)]));
  const now = await shape(resolve('.'));
  if (values.json) console.log(JSON.stringify({ cost, now }, null, 2));
  else {
    for (const [label, t] of Object.entries(cost)) {
      const n = (k: FileKind) => t[k].length;
      console.log(
        `${label}: product ${n('product')}, kernel ${n('kernel')}, tests ${n('test')}, docs ${n('docs')}, generated ${n('generated')}, other ${n('other')}` +
          `\n  product: ${t.product.join(' ')}`,
      );
    }
    console.log(`circles between top-level parts: ${now.circles.length}${now.circles.length ? ` (${now.circles.join('; ')})` : ''}`);
    console.log(
      `imports from the engine into the project: ${now.engineImports}, outside its allowed set: ${now.upwardImports.length}${now.upwardImports.map((i) => `\n  ${i}`).join('')}`,
    );
    console.log(`longest product functions: ${now.longest.join(', ')}`);
    console.log(`product casts: as any ${now.casts.asAny}, as unknown as ${now.casts.asUnknownAs}, non-null ! ${now.casts.nonNull}`);
  }
}
