/**
 * `npm run lint`: no circle between the top-level parts of the product. A part is a folder
 * directly under src/ (src/check, src/core, …), a file directly in src/ (src/scenario.ts,
 * src/design.ts), machines/ or spec/. Imports are found by dependency-cruiser with the
 * options of .dependency-cruiser.cjs (type-only imports count: a type is a dependency too);
 * the part graph is their quotient, and a strongly connected set of two or more parts is a
 * circle. Each is reported with the module imports that close it. Exit status 1 on a circle.
 *
 * `tsx scripts/lint/folder-circles.ts [DIR]` checks the tree at DIR (default: the repository).
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

/** The folders cruised, under the root. */
const ROOTS = ['src', 'machines', 'spec'];

/** The part of a repository path, or undefined outside the product (node_modules, node's own modules). */
export function partOf(path: string): string | undefined {
  const m = /^(src\/[^/]+|machines|spec)(\/|$)/.exec(path);
  return m?.[1];
}

/** One circle: its parts, and every module import between two of them. */
export interface Circle {
  readonly parts: readonly string[];
  readonly imports: readonly string[];
}

/** The circles of a module graph (`from → [to]`, repository paths). */
export function partCircles(modules: ReadonlyMap<string, readonly string[]>): Circle[] {
  const graph = new Map<string, Set<string>>();
  const imports = new Map<string, string[]>();
  for (const [from, tos] of modules)
    for (const to of tos) {
      const a = partOf(from);
      const b = partOf(to);
      if (!a || !b || a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)?.add(b);
      const key = `${a}\u0000${b}`;
      imports.set(key, [...(imports.get(key) ?? []), `${from} → ${to}`]);
    }
  return stronglyConnected(graph)
    .filter((c) => c.length > 1)
    .map((c) => {
      const parts = c.sort();
      const inside = [...imports].filter(([k]) => k.split('\u0000').every((p) => parts.includes(p))).flatMap(([, v]) => v);
      return { parts, imports: inside.sort() };
    });
}

/** Tarjan's strongly connected components. */
function stronglyConnected(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const c: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      c.push(w);
    } while (w !== v);
    out.push(c);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** The module graph of the product at `root`, as dependency-cruiser finds it with the repository's options. */
export async function moduleGraph(root: string): Promise<Map<string, string[]>> {
  const here = process.cwd();
  process.chdir(root);
  try {
    const config = (await import(pathToFileURL(resolve(import.meta.dirname, '../../.dependency-cruiser.cjs')).href)).default;
    const { tsConfig: _, ...options } = config.options;
    const result = (await cruise(ROOTS, { ...options, validate: false })).output as ICruiseResult;
    return new Map(result.modules.map((m) => [m.source, m.dependencies.filter((d) => !d.coreModule).map((d) => d.resolved)]));
  } finally {
    process.chdir(here);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const circles = partCircles(await moduleGraph(resolve(process.argv[2] ?? '.')));
  for (const c of circles) console.error(`circle between ${c.parts.join(', ')}:\n${c.imports.map((i) => `  ${i}`).join('\n')}`);
  if (circles.length) {
    console.error(
      `✖ ${circles.length} circle(s) between top-level parts (scripts/lint/folder-circles.ts): break each by moving a module or inverting an import`,
    );
    process.exitCode = 1;
  } else console.log('✔ no circle between top-level parts (src/*, machines, spec)');
}
