/**
 * Decision trees of rule functions: a function of a state's inputs (region leaves and
 * context slots), run on every combination of the values its inputs range over, becomes a
 * tree that reads one input per node and ends in the function's result. The tree is the
 * function itself on those ranges, not an approximation: each path is one run of the real
 * JavaScript rule, reading exactly the inputs that run read.
 *
 * This is how the Promela export (src/promela/export.ts) translates the rules, which are
 * TypeScript functions (machines/kit.ts rule 5): by exhaustive evaluation, never by reading
 * their source. Subtrees are shared (hash-consed), and the values of a node that lead to the
 * same subtree form one branch, so a test such as `clientCount === 0` becomes two branches
 * however wide the count's range is.
 * @module
 */
import { PROBE_SIGNAL } from '../../../../machines/kit.ts';

/** What a context leaf or a region leaf holds: an integer, a boolean or null (machines/kit.ts rule 4). */
export type Value = number | boolean | null;

/** A tree node: reads input `input` and continues in the group holding its value. */
export interface Branch<L> {
  readonly kind: 'branch';
  readonly id: number;
  readonly input: number;
  /** Disjoint value sets (together the input's whole range), each with its subtree. */
  readonly groups: readonly { readonly values: readonly Value[]; readonly child: Tree<L> }[];
}

/** A tree leaf: the function's result on every input assignment reaching it. */
export interface Leaf<L> {
  readonly kind: 'leaf';
  readonly id: number;
  readonly value: L;
}

export type Tree<L> = Branch<L> | Leaf<L>;

/** A function of the inputs: calls `read(i)` for input `i`'s value. */
export type InputFunction<L> = (read: (input: number) => Value) => L;

/** The function's evaluation tree would pass the limit of runs: the ranges are too wide for an export. */
export class TreeTooLarge extends Error {
  override readonly name = 'TreeTooLarge';
}

/**
 * Thrown by `read` when the run reaches an input not yet assigned (not an Error: no stack to
 * capture). A probe signal, so that a wrapper around the rule lets it through.
 */
class NeedInput {
  readonly [PROBE_SIGNAL] = true;
  constructor(readonly input: number) {}
}

/** Hash-consing of tree nodes, shared by every tree of one export so equal subtrees are one object. */
export class TreeTable<L> {
  private readonly nodes = new Map<string, Tree<L>>();
  constructor(private readonly keyOf: (value: L) => string) {}

  leaf(value: L): Leaf<L> {
    const key = `l${this.keyOf(value)}`;
    let n = this.nodes.get(key);
    if (!n) this.nodes.set(key, (n = { kind: 'leaf', id: this.nodes.size, value }));
    return n as Leaf<L>;
  }

  branch(input: number, groups: Branch<L>['groups']): Tree<L> {
    if (groups.length === 1) return groups[0].child;
    const key = `b${input}:${groups.map((g) => `${g.values.join(',')}>${g.child.id}`).join(';')}`;
    let n = this.nodes.get(key);
    if (!n) this.nodes.set(key, (n = { kind: 'branch', id: this.nodes.size, input, groups }));
    return n;
  }

  /** Distinct nodes so far. */
  get size(): number {
    return this.nodes.size;
  }
}

/**
 * The decision tree of `fn` over `domains` (per input, the values it ranges over): `fn` is
 * run once per node of the unshared tree, with the inputs of the path so far assigned, and
 * stopped at the first input it reads that is not. At most `maxRuns` runs.
 * @throws TreeTooLarge past `maxRuns`.
 */
export function decisionTree<L>(fn: InputFunction<L>, domains: readonly (readonly Value[])[], table: TreeTable<L>, maxRuns = 2_000_000): Tree<L> {
  const assigned = new Uint8Array(domains.length);
  const values: Value[] = new Array(domains.length).fill(null);
  const read = (i: number): Value => {
    if (assigned[i]) return values[i];
    throw new NeedInput(i);
  };
  let runs = 0;
  const build = (): Tree<L> => {
    if (++runs > maxRuns) throw new TreeTooLarge(`more than ${maxRuns} evaluations`);
    let result: L;
    try {
      result = fn(read);
    } catch (e) {
      if (!(e instanceof NeedInput)) throw e;
      const i = e.input;
      const groups: { values: Value[]; child: Tree<L> }[] = [];
      assigned[i] = 1;
      for (const v of domains[i]) {
        values[i] = v;
        const child = build();
        const g = groups.find((x) => x.child === child);
        if (g) g.values.push(v);
        else groups.push({ values: [v], child });
      }
      assigned[i] = 0;
      return table.branch(i, groups);
    }
    return table.leaf(result);
  };
  return build();
}

/** Evaluates a tree on an assignment (tests compare it with the function it came from). */
export function evaluateTree<L>(tree: Tree<L>, read: (input: number) => Value): L {
  let t = tree;
  while (t.kind === 'branch') {
    const v = read(t.input);
    const g = t.groups.find((x) => x.values.includes(v));
    if (!g) throw new RangeError(`input ${t.input} = ${v} is outside the tree's range`);
    t = g.child;
  }
  return t.value;
}

/**
 * `tree` with every leaf value mapped by `f`, groups whose subtrees become equal merged and
 * nodes left with one group dropped: the tree of `f ∘ fn`, reading only what it depends on.
 */
export function mapTree<L, M>(tree: Tree<L>, f: (value: L) => M, table: TreeTable<M>, memo = new Map<number, Tree<M>>()): Tree<M> {
  const hit = memo.get(tree.id);
  if (hit) return hit;
  let out: Tree<M>;
  if (tree.kind === 'leaf') out = table.leaf(f(tree.value));
  else {
    const groups: { values: Value[]; child: Tree<M> }[] = [];
    for (const g of tree.groups) {
      const child = mapTree(g.child, f, table, memo);
      const same = groups.find((x) => x.child === child);
      if (same) same.values.push(...g.values);
      else groups.push({ values: [...g.values], child });
    }
    out = table.branch(tree.input, groups);
  }
  memo.set(tree.id, out);
  return out;
}

/** The inputs a tree reads anywhere. */
export function inputsOf<L>(tree: Tree<L>, out = new Set<number>(), seen = new Set<number>()): Set<number> {
  if (tree.kind === 'branch' && !seen.has(tree.id)) {
    seen.add(tree.id);
    out.add(tree.input);
    for (const g of tree.groups) inputsOf(g.child, out, seen);
  }
  return out;
}
