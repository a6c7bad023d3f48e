/**
 * Prints a {@link Translation} as Promela: one global per region (its active leaf) and per
 * context slot, with its range; one process per top-level state of the machine (a thread,
 * with any thread whose regions lie under it) whose loop offers one `d_step` per step (an
 * event, payload variant included, from one leaf of its region), guarded by the step's
 * enabling condition, its body the step's decision tree; timer steps guarded by `timeout`
 * too, which SPIN makes true exactly when no other step is enabled (the rule of
 * machines/model.ts `timerRule`). After every step, each safety property and deadlock freedom are
 * asserted on the new state; each liveness property is a never claim (`-DLTL`,
 * src/promela/liveness.ts).
 * @module
 */
import type { CompiledMachine } from '../check/engine/compile.ts';
import { inputsOf, mapTree, TreeTable, type Tree, type Value } from '../check/engine/rules/decision-tree.ts';
import { livenessClaims, livenessPreamble, steppedStatement, type LivenessSource } from './liveness.ts';
import { initialInputs } from './ranges.ts';
import type { InputRange, StepResult, Translation } from '../check/engine/rules/translate.ts';

/** Promela's reserved words, which a variable named after a context field must not be. */
const RESERVED = new Set(
  'active assert atomic bit bool break byte chan d_step D_proctype do else empty enabled eval false fi for full goto hidden if in init inline int len local ltl mtype nempty never nfull np_ od of pc_value print printf printm priority proctype provided run select short show skip timeout true typedef unless unsigned xr xs'.split(
    ' ',
  ),
);

/** A Promela identifier for a path such as `channels[1].clientCount`. */
export function identifier(path: string): string {
  const id = path.replace(/\[(\d+)\]/g, '_$1').replace(/[^A-Za-z0-9_]/g, '_');
  return RESERVED.has(id) || /^\d/.test(id) ? `v_${id}` : id;
}

/** How one input is stored: its variable, its Promela type and the code of each value. */
interface Variable {
  readonly name: string;
  readonly type: 'bit' | 'byte' | 'short' | 'int';
  readonly code: (v: Value) => number;
  readonly lo: number;
  readonly hi: number;
}

function variableOf(r: InputRange, name: string): Variable {
  const ints = r.values.filter((v): v is number => typeof v === 'number');
  const nullCode = r.kind === 'bool' ? 2 : Math.min(0, ...ints) - 1;
  const code = (v: Value): number => (v === null ? nullCode : v === true ? 1 : v === false ? 0 : v);
  const codes = r.values.map(code);
  const lo = Math.min(...codes);
  const hi = Math.max(...codes);
  const type = lo >= 0 && hi <= 1 ? 'bit' : lo >= 0 && hi <= 255 ? 'byte' : lo >= -32768 && hi <= 32767 ? 'short' : 'int';
  return { name, type, code, lo, hi };
}

/** `x == 3`, `x >= 1 && x <= 4`, … for a set of codes. */
function memberOf(name: string, codes: readonly number[]): string {
  const sorted = [...codes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(
      i === j
        ? `${name} == ${sorted[i]}`
        : j === i + 1
          ? `(${name} == ${sorted[i]} || ${name} == ${sorted[j]})`
          : `(${name} >= ${sorted[i]} && ${name} <= ${sorted[j]})`,
    );
    i = j + 1;
  }
  return parts.length === 1 ? parts[0] : `(${parts.join(' || ')})`;
}

/** Checks the model reports besides the safety properties (as `P_<name>` flags). */
export const MODEL_CHECKS = ['deadlock-free', 'export-range', 'export-error'] as const;

/** Options of {@link emitPromela}. */
export interface EmitOptions {
  /** Comment lines at the top (scenario, design, how to run). */
  readonly header: readonly string[];
}

/** The Promela text of `t`. */
export function emitPromela(cm: CompiledMachine, ranges: readonly InputRange[], t: Translation, opts: EmitOptions): string {
  const R = cm.regions.length;
  const vars = ranges.map((r, i) => variableOf(r, i < R ? `pc_${identifier(r.name)}` : identifier(r.name)));
  const initial = initialInputs(cm);
  const cond = (input: number, values: readonly Value[]) => memberOf(vars[input].name, values.map(vars[input].code));

  // A tree as a boolean expression of the state (SAFE_, EN_, FINAL: the model #defines them).
  const exprMemo = new Map<number, string>();
  const expr = <L>(tree: Tree<L>, holds: (l: L) => boolean): string => {
    const hit = exprMemo.get(tree.id);
    if (hit !== undefined) return hit;
    let out: string;
    if (tree.kind === 'leaf') out = holds(tree.value) ? '1' : '0';
    else {
      const parts: string[] = [];
      let all = true;
      for (const g of tree.groups) {
        const e = expr(g.child, holds);
        all &&= e === '1';
        if (e === '0') continue;
        parts.push(e === '1' ? cond(tree.input, g.values) : `(${cond(tree.input, g.values)} && ${e})`);
      }
      out = all ? '1' : parts.length === 0 ? '0' : `(${parts.join(' || ')})`;
    }
    exprMemo.set(tree.id, out);
    return out;
  };
  const boolExpr = (tree: Tree<boolean>) => {
    exprMemo.clear();
    return expr(tree, (b) => b);
  };
  const enabledExpr = (tree: Tree<StepResult>) => {
    exprMemo.clear();
    return expr(tree, (r) => r.kind !== 'off');
  };

  // A step's body: each written variable's new value as one conditional expression of the
  // state before the step (its own tree: mapTree keeps only what that value depends on),
  // through a hidden temporary when another expression of the step reads the variable. No
  // statement per tree node: SPIN caps a d_step at about a thousand statements.
  type Out = Value | 'keep';
  const outTable = new TreeTable<Out>(String);
  const flagTable = new TreeTable<boolean>(String);
  const valueExpr = (tree: Tree<Out>, input: number, memo: Map<number, string>): string => {
    const hit = memo.get(tree.id);
    if (hit !== undefined) return hit;
    let out: string;
    if (tree.kind === 'leaf') out = tree.value === 'keep' ? vars[input].name : String(vars[input].code(tree.value));
    else {
      const gs = tree.groups;
      out = valueExpr(gs[gs.length - 1].child, input, memo);
      for (let k = gs.length - 2; k >= 0; k--) out = `(${cond(tree.input, gs[k].values)} -> ${valueExpr(gs[k].child, input, memo)} : ${out})`;
    }
    memo.set(tree.id, out);
    return out;
  };
  const temps = new Set<number>();
  const body = (tree: Tree<StepResult>, region: number): string[] => {
    const written = new Set<number>();
    const collect = (t: Tree<StepResult>, seen = new Set<number>()): void => {
      if (seen.has(t.id)) return;
      seen.add(t.id);
      if (t.kind === 'leaf') {
        if (t.value.kind === 'on') for (const [i] of t.value.writes) written.add(i);
      } else for (const g of t.groups) collect(g.child, seen);
    };
    collect(tree);
    const outOfRange = (r: StepResult) => r.kind === 'on' && r.writes.some(([i, v]) => vars[i].code(v) < vars[i].lo || vars[i].code(v) > vars[i].hi);
    const stmts: string[] = [];
    const flag = (f: (r: StepResult) => boolean, check: string) => {
      const e = boolExpr(mapTree(tree, f, flagTable));
      if (e !== '0') stmts.push(`if :: ${e} -> report(${check}) :: else fi`);
    };
    flag((r) => r.kind === 'error', 'P_export_error');
    flag(outOfRange, 'P_export_range');
    const valueTrees = [...written]
      .sort((a, b) => a - b)
      .map((i) => {
        const t = mapTree(tree, (r): Out => (r.kind === 'on' ? (r.writes.find(([w]) => w === i)?.[1] ?? 'keep') : 'keep'), outTable);
        return { i, t, reads: inputsOf(t) };
      });
    const live = valueTrees.filter((v) => !(v.t.kind === 'leaf' && v.t.value === 'keep'));
    // The target is assigned after the values: one its guards read goes through a temporary too.
    const pc = mapTree(tree, (r): Out => (r.kind === 'on' && r.target >= 0 ? r.target : 'keep'), outTable);
    const pcReads = inputsOf(pc);
    const viaTemp = live.filter((v) => pcReads.has(v.i) || live.some((u) => u !== v && u.reads.has(v.i)));
    for (const v of viaTemp) {
      temps.add(v.i);
      stmts.push(`T_${vars[v.i].name} = ${valueExpr(v.t, v.i, new Map())}`);
    }
    for (const v of live) if (!viaTemp.includes(v)) stmts.push(`${vars[v.i].name} = ${valueExpr(v.t, v.i, new Map())}`);
    if (!(pc.kind === 'leaf' && pc.value === 'keep')) stmts.push(`${vars[region].name} = ${valueExpr(pc, region, new Map())}`);
    for (const v of viaTemp) stmts.push(`${vars[v.i].name} = T_${vars[v.i].name}; CLEAR(T_${vars[v.i].name})`);
    return stmts.length ? stmts : ['skip'];
  };
  const block = (stmts: readonly string[], pad: string) => stmts.map((st) => pad + st).join(';\n');

  const lines: string[] = [...opts.header.map((h) => `/* ${h} */`), ''];
  lines.push('/* Regions (active leaf) and context slots, with the values they take. */');
  vars.forEach((x, i) => {
    const r = ranges[i];
    const what = i < R ? cm.regions[i].leafIds.map((id, k) => `${k} ${id}`).join(', ') : `${r.name}: ${describeRange(r)}`;
    lines.push(`${x.type} ${x.name} = ${x.code(initial[i])}; /* ${what} */`);
  });
  // Hidden (outside the state vector, so no state count changes): set at a check's first
  // failure, so SPIN reports each failed check once, by name, and goes on searching.
  const checks = [...t.safety.map((p) => p.name), ...MODEL_CHECKS];
  // pan's multi-core search (gcc -DNCORE) refuses hidden variables: `spin -a -DMULTICORE`
  // makes them plain globals that stay 0 in every stored state (no state count changes).
  lines.push(
    '',
    '#ifdef MULTICORE',
    '#define HIDDEN',
    '#define CLEAR(t) t = 0',
    'inline report(flag) { assert(flag) }',
    '#else',
    '#define HIDDEN hidden',
    '#define CLEAR(t) skip',
    '/* Each check reports its first failure only, and the search goes on (pan -c0). */',
    'inline report(flag) { assert(flag); flag = 1 }',
    '#endif',
  );
  lines.push('/* Set at the first failure of each check (hidden: not part of the state). */');
  lines.push(checks.map((n) => `HIDDEN byte P_${identifier(n)} = 0;`).join(' '), '');
  lines.push('/* Properties, the end state, and when each step is enabled. */');
  t.safety.forEach((s) => lines.push(`#define SAFE_${identifier(s.name)} ${boolExpr(s.tree)}`, ''));
  lines.push(`#define FINAL ${boolExpr(t.final)}`, '');
  t.steps.forEach((s, k) =>
    lines.push(
      `#define EN_${k} (${vars[s.region].name} == ${s.leaf} && ${enabledExpr(s.tree)}) /* ${s.event.type}${payloadText(s.event)} from ${cm.regions[s.region].leafIds[s.leaf]} */`,
    ),
  );
  lines.push('');
  // A macro, not an inline: SPIN keeps an inline's text, expanded, in a bounded buffer
  // ("inline text too long"), and a property's tree over four CPUs' counters passes it.
  lines.push('/* After every step: each safety property, and deadlock freedom, on the new state. */', '#define CHECK \\');
  for (const p of t.safety) lines.push(`  if :: !(SAFE_${identifier(p.name)}) -> report(P_${identifier(p.name)}) :: else fi; \\`);
  lines.push(`  if :: !(FINAL || ${t.steps.map((_, k) => `EN_${k}`).join(' || ') || '0'}) -> report(P_deadlock_free) :: else fi`, '');

  // Whose progress each step is, for the liveness claims (src/promela/liveness.ts).
  const live: LivenessSource = {
    threads: cm.model.threads,
    steps: t.steps.map((s) => ({ thread: cm.fairThread[s.eventIndex], timer: s.timer })),
    properties: t.liveness.map((l) => ({ name: identifier(l.name), trigger: boolExpr(l.trigger), goal: boolExpr(l.goal) })),
  };

  // One process per top-level state, its regions' steps in event order.
  const procs: string[] = [];
  const threads = [...new Set(t.steps.map((s) => cm.regions[s.region].thread))];
  for (const th of threads) {
    procs.push(`active proctype ${identifier(`t_${th}`)}() {`, 'end:', '  do');
    t.steps.forEach((s, k) => {
      if (cm.regions[s.region].thread !== th) return;
      procs.push(`  :: d_step { ${s.timer ? 'timeout && ' : ''}EN_${k} ->`);
      procs.push(`${block([...body(s.tree, s.region), 'CHECK', steppedStatement(live, k)], '       ')} }`);
    });
    procs.push('  od', '}', '');
  }
  if (temps.size) {
    lines.push('/* Temporaries of steps that write a variable another of their expressions reads (hidden: not part of the state). */');
    lines.push([...temps].map((i) => `HIDDEN ${vars[i].type === 'bit' ? 'byte' : vars[i].type} T_${vars[i].name};`).join(' '), '');
  }
  lines.push(...livenessPreamble(live), '', ...procs, ...livenessClaims(live));
  return lines.join('\n');
}

function payloadText(e: { readonly [k: string]: unknown }): string {
  const rest = Object.entries(e).filter(([k]) => k !== 'type');
  return rest.length ? ` {${rest.map(([k, v]) => `${k}: ${v}`).join(', ')}}` : '';
}

function describeRange(r: InputRange): string {
  const vs = r.values;
  const ints = vs.filter((v) => typeof v === 'number') as number[];
  const parts = vs.filter((v) => typeof v !== 'number').map(String);
  if (ints.length) parts.push(ints.length > 2 ? `${ints[0]}..${ints[ints.length - 1]}` : ints.join(', '));
  return parts.join(', ') || 'never read';
}
