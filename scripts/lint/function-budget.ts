/**
 * `npm run lint`: functions short enough to read at once. A function of the product
 * (src/, machines/, spec/) may span 75 lines; past that it needs an entry in
 * {@link EXCEPTIONS} saying what it is and why it is long: a literal builder (a statechart
 * config, a rule table) or a printer may span 150 lines, anything longer or any algorithm
 * over 75 names its own bound and reason. A function's span is its first line to its last,
 * nested functions included. Exit status 1 on a function over its budget, and on an
 * exception that no longer matches a function over 75 lines (so the list cannot go stale).
 *
 * `tsx scripts/lint/function-budget.ts [DIR]` checks the tree at DIR (default: the repository).
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Lines a function may span without an exception. */
export const BUDGET = 75;
/** Lines a literal builder or a printer may span. */
export const LITERAL_BUDGET = 150;

/** A function allowed past {@link BUDGET}: where it is, what it is, and why. */
export interface Exception {
  /** Repository path and function name (for an anonymous function: the variable or property it is assigned to). */
  readonly file: string;
  readonly name: string;
  /** `builder`/`printer`: {@link LITERAL_BUDGET} unless `max` says more; `algorithm`: `max`. */
  readonly kind: 'builder' | 'printer' | 'algorithm';
  /** Its own bound, when above its kind's. */
  readonly max?: number;
  readonly reason: string;
}

/** The stated exceptions. */
export const EXCEPTIONS: readonly Exception[] = [
  {
    file: 'src/check/engine/explore.ts',
    name: 'search',
    kind: 'algorithm',
    max: 197,
    reason:
      'the breadth-first loop and its per-successor paragraph, the hottest code of the checker, kept in one frame; a split must show no loss in npm run bench (exploreWith, which restarts it for por.ts, is short)',
  },
  {
    file: 'src/check/engine/explore.ts',
    name: 'sequential',
    kind: 'algorithm',
    max: 90,
    reason:
      "the breadth-first loop itself, inside search: a state's expansion with the ample set and cycle proviso of por.ts in one frame, the hottest code of the checker",
  },
  { file: 'src/promela/emit.ts', name: 'emitPromela', kind: 'printer', max: 165, reason: 'prints the whole Promela model, section by section in file order' },
  { file: 'src/render/dot.ts', name: 'toDot', kind: 'printer', max: 160, reason: 'prints a statechart as DOT: clusters, nodes and edges in one pass' },
  {
    file: 'src/check/engine/compile.ts',
    name: 'compileMachine',
    kind: 'algorithm',
    max: 125,
    reason: "one walk of the statechart that numbers regions, leaves and transitions together; its paragraphs share the walk's tables",
  },
  {
    file: 'src/designs/percpu-ref/model.ts',
    name: 'percpuRefDesign',
    kind: 'builder',
    reason: "the design's IOH program and its rules, one literal (a design file, edited by the faithfulness work)",
  },
  { file: 'machines/concerns/channel.ts', name: 'buildChannel', kind: 'builder', reason: 'the channel concern machine: its config literal and rules' },
  { file: 'src/render/mermaid.ts', name: 'toMermaid', kind: 'printer', reason: 'prints a statechart as Mermaid, as toDot does as DOT' },
  { file: 'machines/concerns/ioh.ts', name: 'buildIoh', kind: 'builder', reason: 'the IOH hot-plug machine: its config literal and rules' },
  {
    file: 'src/check/engine/parallel/search.ts',
    name: 'exploreLevels',
    kind: 'algorithm',
    max: 100,
    reason: 'one BFS level on the workers, its four rounds (expand, dedup, number, assign) in protocol order, as protocol.ts describes them',
  },
  {
    file: 'src/cli/check.ts',
    name: 'run',
    kind: 'algorithm',
    max: 95,
    reason: 'the check command from parsed arguments to output; the CLI is being reworked (error handling, packaging)',
  },
  {
    file: 'src/cli/worker-host.ts',
    name: 'cli',
    kind: 'algorithm',
    max: 85,
    reason: 'the command entry: parsing, the worker thread, signals and exit statuses in order (issue 27); to split with the CLI work',
  },
  {
    file: 'machines/system/quiesce.ts',
    name: 'quiesceState',
    kind: 'builder',
    reason: "dma_channel_quiesce's loop as a state literal, one node per kernel step",
  },
  { file: 'machines/system/clients.ts', name: 'clientRules', kind: 'builder', reason: 'the client rule table: one guard or action per kernel step' },
  {
    file: 'src/check/engine/symmetry.ts',
    name: 'canon',
    kind: 'algorithm',
    max: 80,
    reason: 'the canonical form of every successor (hot path): CPU and thread permutations tried in one frame over preallocated rows',
  },
  {
    file: 'src/designs/kref/model.ts',
    name: 'krefDesign',
    kind: 'builder',
    reason: "the design's IOH program and its rules, one literal (a design file, edited by the faithfulness work)",
  },
  {
    file: 'src/mbt/adapters/channel.ts',
    name: 'channelAdapter',
    kind: 'builder',
    reason: 'the channel adapter: an object literal of its projection, steps and enabled-step comparison',
  },
  {
    file: 'src/designs/percpu-ref/strategy.ts',
    name: 'percpuRefStrategyOf',
    kind: 'builder',
    reason: "the design's implementation: a table of kernel-step generators",
  },
];

/** A function and its span (over {@link BUDGET} lines, where a long one is meant). */
export interface LongFunction {
  readonly file: string;
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

/** The name a function is known by: its own, or that of the variable, property or method it is assigned to. */
function nameOf(node: ts.SignatureDeclaration): string {
  if (node.name) return node.name.getText();
  const p = node.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name) return p.name.getText();
  return '(anonymous)';
}

/** Every function with a body in the TypeScript source `text` of `file`, with its span. */
export function functionSpans(file: string, text: string): LongFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: LongFunction[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const lines = sf.getLineAndCharacterOfPosition(node.getEnd()).line - first + 1;
      out.push({ file, name: nameOf(node), line: first + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every function over {@link BUDGET} lines in the TypeScript source `text` of `file`. */
export const longFunctions = (file: string, text: string): LongFunction[] => functionSpans(file, text).filter((f) => f.lines > BUDGET);

/** The bound of an exception. */
export const boundOf = (e: Exception): number => e.max ?? (e.kind === 'algorithm' ? BUDGET : LITERAL_BUDGET);

/** What breaks the budget: functions over it without a fitting exception, and exceptions that match no long function. */
export function budgetProblems(long: readonly LongFunction[], exceptions: readonly Exception[] = EXCEPTIONS): string[] {
  const problems: string[] = [];
  const used = new Set<Exception>();
  for (const f of long) {
    const e = exceptions.find((x) => x.file === f.file && x.name === f.name);
    if (e) used.add(e);
    if (!e) problems.push(`${f.file}:${f.line} ${f.name} spans ${f.lines} lines (budget ${BUDGET}): split it, or add an exception with its reason`);
    else if (f.lines > boundOf(e))
      problems.push(`${f.file}:${f.line} ${f.name} spans ${f.lines} lines, past its stated bound ${boundOf(e)} (${e.kind}: ${e.reason})`);
  }
  for (const e of exceptions) if (!used.has(e)) problems.push(`exception ${e.file} ${e.name} matches no function over ${BUDGET} lines: remove it`);
  return problems;
}

/** The product's TypeScript files under `root`, as repository paths. */
export function productFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.m?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, p));
    }
  };
  for (const top of ['src', 'machines', 'spec']) walk(join(root, top));
  return out.sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(process.argv[2] ?? '.');
  const long = productFiles(root).flatMap((f) => longFunctions(f, readFileSync(join(root, f), 'utf8')));
  const problems = budgetProblems(long);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`✖ ${problems.length} function length problem(s) (scripts/lint/function-budget.ts)`);
    process.exitCode = 1;
  } else console.log(`✔ every function within ${BUDGET} lines, or its stated exception (${EXCEPTIONS.length})`);
}
