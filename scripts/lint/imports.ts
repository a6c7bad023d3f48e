/**
 * `npm run lint`: the import rules, on one dependency-cruiser cruise of src/, machines/ and
 * spec/ with the options of .dependency-cruiser.cjs (type-only imports count: a type is a
 * dependency too).
 *
 * 1. The rules of .dependency-cruiser.cjs: the checker's engine (src/check/engine) imports
 *    nothing of the project but the statechart kit and the event vocabulary.
 * 2. No circle between the top-level parts of the product. A part is a folder directly
 *    under src/ (src/check, src/core, …), a file directly in src/ (src/scenario.ts,
 *    src/design.ts), machines/ or spec/. The part graph is the quotient of the module
 *    graph; a strongly connected set of two or more parts is a circle, reported with the
 *    module imports that close it.
 *
 * Exit status 1 on either. `tsx scripts/lint/imports.ts [DIR]` checks the tree at DIR
 * (default: the repository; test/lint/ plants violations in a copy).
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

/** What one cruise found: the module graph (`from → [to]`, repository paths) and the rule violations, as text. */
export interface Cruise {
  readonly modules: ReadonlyMap<string, readonly string[]>;
  readonly violations: readonly string[];
}

/** Cruises the product at `root` with the rules and options of the repository's .dependency-cruiser.cjs. */
export async function cruiseProduct(root: string): Promise<Cruise> {
  const here = process.cwd();
  process.chdir(root);
  try {
    const config = (await import(pathToFileURL(resolve(import.meta.dirname, '../../.dependency-cruiser.cjs')).href)).default;
    const { tsConfig: _, ...options } = config.options;
    const result = (await cruise(ROOTS, { ...options, validate: true, ruleSet: { forbidden: config.forbidden } })).output as ICruiseResult;
    return {
      modules: new Map(result.modules.map((m) => [m.source, m.dependencies.filter((d) => !d.coreModule).map((d) => d.resolved)])),
      violations: result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
    };
  } finally {
    process.chdir(here);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { modules, violations } = await cruiseProduct(resolve(process.argv[2] ?? '.'));
  const circles = partCircles(modules);
  for (const v of violations) console.error(v);
  for (const c of circles) console.error(`circle between ${c.parts.join(', ')}:\n${c.imports.map((i) => `  ${i}`).join('\n')}`);
  if (violations.length) console.error(`✖ ${violations.length} forbidden import(s) (.dependency-cruiser.cjs)`);
  if (circles.length) console.error(`✖ ${circles.length} circle(s) between top-level parts: break each by moving a module or inverting an import`);
  if (violations.length || circles.length) process.exitCode = 1;
  else console.log(`✔ imports: the engine imports none of the project; no circle between src/*, machines and spec (${modules.size} modules)`);
}
