/**
 * Mutants of kernel functions: small faults planted in the real dmaengine.c (in a temporary
 * copy, never in the tree) to measure whether the exports CI replays would notice them. Five
 * operators, over the statements and tokens of the functions asked for:
 *
 * - `drop`: a statement removed (an expression, `if`, loop, `break`/`continue`/`goto`,
 *   `return;`, a `return x;` that is not the function's last statement);
 * - `flip`: a comparison inverted (`==`↔`!=`, `<`↔`>=`, `>`↔`<=`), or a condition without
 *   one negated (`if (x)` → `if (!(x))`, `!x` → `x`, each operand of `&&`/`||` alone);
 * - `off-by-one`: an integer constant ±1, or a bound moved (`<`↔`<=`, `>`↔`>=`);
 * - `swap`: two adjacent statements of a block exchanged;
 * - `skip-lock`: a `mutex_lock` (`rcu_read_lock`, `spin_lock*`) and the unlocks that close it removed.
 *
 * Diagnostics (`pr_*`, `dev_*`, `WARN*`, `lockdep_assert_held`) are not mutated: the model
 * does not observe them. A mutant keeps every other line where it was (a removed statement
 * leaves its newlines), so the build's line origins and the kernel lines of a report stay
 * right. Each mutant is named by function, operator, line and a short description: the same
 * file gives the same names, so reports compare run to run.
 * @module
 */
import { type CFunction, functionsOf, type Stmt, type Token, tokenize } from './c-syntax.ts';

export const MUTANT_OPERATORS = ['drop', 'flip', 'off-by-one', 'swap', 'skip-lock'] as const;
export type MutantOperator = (typeof MUTANT_OPERATORS)[number];

/** A replacement of source[start, end) by text. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** One mutant of a function. */
export interface Mutant {
  readonly function: string;
  readonly operator: MutantOperator;
  /** Where, as the build names the line: `dmaengine.c:224`, `RFC v2 3/7 @@ -305,10 +313,40 @@ +4`. */
  readonly line: string;
  readonly description: string;
  readonly edits: readonly Edit[];
}

/** A mutant's stable name: function, operator, line, description. */
export const mutantKey = (m: Pick<Mutant, 'function' | 'operator' | 'line' | 'description'>) => `${m.function} ${m.operator} ${m.line} ${m.description}`;

/** Calls the model does not observe: never mutated, never swapped. */
const DIAGNOSTICS = /^(pr_[a-z]+|printk|dev_(dbg|err|info|warn|notice|vdbg)|WARN|WARN_ON|WARN_ONCE|WARN_ON_ONCE|lockdep_assert_held|might_sleep)$/;

/** Lock and unlock functions whose pairs `skip-lock` removes. */
const LOCKS: Readonly<Record<string, string>> = {
  mutex_lock: 'mutex_unlock',
  rcu_read_lock: 'rcu_read_unlock',
  spin_lock: 'spin_unlock',
  spin_lock_bh: 'spin_unlock_bh',
  spin_lock_irq: 'spin_unlock_irq',
  spin_lock_irqsave: 'spin_unlock_irqrestore',
};

const FLIP: Readonly<Record<string, string>> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
const BOUND: Readonly<Record<string, string>> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' };
/** Binary (and ternary) operators: `!x` is negated by dropping the `!` only when x has none at its top. */
const BINARY = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '?', ':', '<', '>', '<<', '>>', '=']);
/** Tokens that end an operand at bracket depth 0 (for descriptions and conditions). */
const CLAUSE_END = new Set([';', ',', '&&', '||', '?', ':', '{', '}']);

/** Options of mutantsOf. */
export interface MutantOptions {
  /** The name of each line of the source (a patched build's origins); default `<file>:<n>`. */
  readonly origins?: readonly string[];
  /** The file name of default line names. */
  readonly file?: string;
  /** Whether a line (by its name) may be mutated: a patched build mutates only the tree's and the RFC's lines. */
  readonly mutable?: (line: string) => boolean;
}

/** The functions `source` defines, by name (for `--function`). */
export function definedFunctions(source: string): string[] {
  return functionsOf(tokenize(source)).functions.map((f) => f.name);
}

/**
 * Every mutant of the functions `names` in `source`, in a fixed order (by function as
 * listed, then operator, then position). A name the source does not define is skipped:
 * callers check with definedFunctions.
 */
export function mutantsOf(source: string, names: readonly string[], options: MutantOptions = {}): Mutant[] {
  const tokens = tokenize(source);
  const { functions } = functionsOf(tokens);
  const out: Mutant[] = [];
  for (const name of names) {
    const fn = functions.find((f) => f.name === name);
    if (fn) out.push(...new FunctionMutator(source, tokens, fn, options).all());
  }
  // The same function, operator, line and description twice (two `0`s on one line): numbered.
  const seen = new Map<string, number>();
  return out.map((m) => {
    const k = mutantKey(m);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? m : { ...m, description: `${m.description} #${n}` };
  });
}

/** The source with `mutant` planted. */
export function applyMutant(source: string, mutant: Pick<Mutant, 'edits'>): string {
  let out = source;
  for (const e of [...mutant.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** A removed range: `;` and the range's newlines, so that no later line moves. */
const removed = (text: string) => ';' + '\n'.repeat(text.split('\n').length - 1);

class FunctionMutator {
  /** Token ranges not to mutate: diagnostics. */
  private readonly quiet: [number, number][] = [];
  private readonly statements: Stmt[] = [];

  constructor(
    readonly src: string,
    readonly t: readonly Token[],
    readonly fn: CFunction,
    readonly options: MutantOptions,
  ) {
    const walk = (s: Stmt) => {
      this.statements.push(s);
      if (this.diagnostic(s)) this.quiet.push([s.first, s.last]);
      for (const c of s.children) walk(c);
    };
    walk(fn.body);
  }

  all(): Mutant[] {
    return [...this.drops(), ...this.flips(), ...this.offByOnes(), ...this.swaps(), ...this.skipLocks()];
  }

  private diagnostic(s: Stmt): boolean {
    return s.kind === 'expr' && this.t[s.first].kind === 'id' && DIAGNOSTICS.test(this.t[s.first].text);
  }

  private lineName(i: number): string {
    const line = this.t[i].line;
    return this.options.origins?.[line - 1] ?? `${this.options.file ?? 'dmaengine.c'}:${line}`;
  }

  /** Every token of [first, last] is on a line that may be mutated. */
  private mutable(first: number, last: number): boolean {
    const ok = this.options.mutable;
    if (!ok) return true;
    for (let k = first; k <= last; k++) if (this.t[k].kind !== 'pp' && !ok(this.lineName(k))) return false;
    return true;
  }

  private isQuiet(i: number): boolean {
    return this.quiet.some(([a, b]) => i >= a && i <= b);
  }

  /** Source text of tokens [first, last], on one line, comments out. */
  private text(first: number, last: number): string {
    return oneLine(this.src.slice(this.t[first].start, this.t[last].end));
  }

  private mutant(operator: MutantOperator, at: number, description: string, edits: Edit[]): Mutant {
    return { function: this.fn.name, operator, line: this.lineName(at), description, edits };
  }

  /** The tokens a clause around `i` may span: the condition it is in, or its simple statement without the `;`. */
  private bounds(i: number): [number, number] {
    let inner: Stmt = this.fn.body;
    for (const s of this.statements) if (s.first <= i && i <= s.last && s.last - s.first <= inner.last - inner.first) inner = s;
    if (inner.cond && inner.cond[0] <= i && i <= inner.cond[1]) return [inner.cond[0], inner.cond[1]];
    return this.t[inner.last].text === ';' ? [inner.first, inner.last - 1] : [inner.first, inner.last];
  }

  /** The clause around token `i` (to an unmatched bracket or a clause end), widened to its call when tiny. */
  private clause(i: number): [number, number] {
    const [lo, hi] = this.bounds(i);
    const edge = (dir: 1 | -1): number => {
      let depth = 0;
      let k = i;
      for (;;) {
        const n = k + dir;
        const x = this.t[n];
        if (n < lo || n > hi) return k;
        const opens = dir === 1 ? '([' : ')]';
        const closes = dir === 1 ? ')]' : '([';
        if (x.kind === 'punct' && opens.includes(x.text)) depth++;
        else if (x.kind === 'punct' && closes.includes(x.text)) {
          if (depth === 0) return k;
          depth--;
        } else if (depth === 0 && (CLAUSE_END.has(x.text) || (x.kind === 'id' && x.text === 'return'))) return k;
        k = n;
      }
    };
    const [a, b] = [edge(-1), edge(1)];
    if (b - a >= 2) return [a, b];
    // `-1` alone says little: the call it is an argument of (`nth_chan(cap, -1)`).
    let depth = 0;
    for (let k = a - 1; k > lo; k--) {
      const x = this.t[k];
      if (x.kind !== 'punct') continue;
      if (x.text === ')') depth++;
      else if (x.text === '(' && depth-- === 0) {
        const close = this.t.findIndex((y, j) => j > b && y.kind === 'punct' && y.text === ')' && this.depthBetween(k, j) === 0);
        return this.t[k - 1]?.kind === 'id' && k - 1 >= lo && close >= 0 && close <= hi ? [k - 1, close] : [a, b];
      }
    }
    return [a, b];
  }

  /** Brackets opened minus closed over tokens (open, close]: 0 when close matches open. */
  private depthBetween(open: number, close: number): number {
    let depth = 1;
    for (let k = open + 1; k <= close; k++) {
      const x = this.t[k];
      if (x.kind === 'punct' && '([{'.includes(x.text)) depth++;
      else if (x.kind === 'punct' && ')]}'.includes(x.text)) depth--;
    }
    return depth;
  }

  /** `"<clause>" → "<clause with token i as text>"`. */
  private change(i: number, text: string, edits: readonly Edit[] = [{ start: this.t[i].start, end: this.t[i].end, text }]): string {
    const [a, b] = this.clause(i);
    const from = this.src.slice(this.t[a].start, this.t[b].end);
    const base = this.t[a].start;
    const to = applyMutant(from, { edits: edits.map((e) => ({ ...e, start: e.start - base, end: e.end - base })) });
    return `"${short(oneLine(from))}" → "${short(oneLine(to))}"`;
  }

  private *drops(): Generator<Mutant> {
    const top = this.fn.body.children;
    for (const s of this.statements) {
      if (s === this.fn.body || s.kind === 'decl' || s.kind === 'empty' || s.kind === 'label' || s.kind === 'block' || this.diagnostic(s)) continue;
      // The function's final `return x;` dropped only falls off the end: not a fault the code could have.
      if (s.kind === 'return' && this.t[s.first + 1]?.text !== ';' && s === top[top.length - 1]) continue;
      if (!this.mutable(s.first, s.last)) continue;
      const text = this.src.slice(this.t[s.first].start, this.t[s.last].end);
      yield this.mutant('drop', s.first, `"${short(this.text(s.first, s.last))}"`, [
        { start: this.t[s.first].start, end: this.t[s.last].end, text: removed(text) },
      ]);
    }
  }

  private *flips(): Generator<Mutant> {
    for (let i = this.fn.open + 1; i < this.fn.close; i++) {
      const x = this.t[i];
      if (x.kind !== 'punct' || !(x.text in FLIP) || this.isQuiet(i) || !this.mutable(i, i)) continue;
      yield this.mutant('flip', i, this.change(i, FLIP[x.text]), [{ start: x.start, end: x.end, text: FLIP[x.text] }]);
    }
    // Conditions without a comparison: each operand of && and || negated on its own.
    for (const s of this.statements) {
      if (!s.cond || this.isQuiet(s.first)) continue;
      for (const [a, b] of this.operands(s.cond[0], s.cond[1])) {
        if (this.hasTopLevel(a, b, (x) => x.text in FLIP) || !this.mutable(a, b)) continue;
        const bang = this.t[a].text === '!' && !this.hasTopLevel(a + 1, b, (x) => BINARY.has(x.text));
        const edits: Edit[] = bang
          ? [{ start: this.t[a].start, end: this.t[a].end, text: '' }]
          : [
              { start: this.t[a].start, end: this.t[a].start, text: '!(' },
              { start: this.t[b].end, end: this.t[b].end, text: ')' },
            ];
        const from = this.text(a, b);
        const to = bang ? this.text(a + 1, b) : `!(${from})`;
        yield this.mutant('flip', a, `"${short(from)}" → "${short(to)}"`, edits);
      }
    }
  }

  /** The operands of && and || (at depth 0) in tokens [first, last]. */
  private operands(first: number, last: number): [number, number][] {
    const out: [number, number][] = [];
    let depth = 0;
    let from = first;
    for (let k = first; k <= last; k++) {
      const x = this.t[k];
      if (x.kind !== 'punct') continue;
      if ('([{'.includes(x.text)) depth++;
      else if (')]}'.includes(x.text)) depth--;
      else if (depth === 0 && (x.text === '&&' || x.text === '||')) {
        out.push([from, k - 1]);
        from = k + 1;
      }
    }
    out.push([from, last]);
    return out.filter(([a, b]) => a <= b);
  }

  private hasTopLevel(first: number, last: number, test: (x: Token) => boolean): boolean {
    let depth = 0;
    for (let k = first; k <= last; k++) {
      const x = this.t[k];
      if (x.kind === 'punct' && '([{'.includes(x.text)) depth++;
      else if (x.kind === 'punct' && ')]}'.includes(x.text)) depth--;
      else if (depth === 0 && x.kind === 'punct' && test(x)) return true;
    }
    return false;
  }

  private *offByOnes(): Generator<Mutant> {
    for (let i = this.fn.open + 1; i < this.fn.close; i++) {
      const x = this.t[i];
      if (this.isQuiet(i) || !this.mutable(i, i)) continue;
      if (x.kind === 'punct' && x.text in BOUND) {
        yield this.mutant('off-by-one', i, this.change(i, BOUND[x.text]), [{ start: x.start, end: x.end, text: BOUND[x.text] }]);
        continue;
      }
      const m = x.kind === 'num' ? /^(0x[0-9a-fA-F]+|\d+)([uUlL]*)$/.exec(x.text) : null;
      if (!m) continue;
      const value = Number(m[1]);
      // A negative constant is `-` then the number: -1 → -2 is the number plus one.
      for (const v of [value + 1, value - 1]) {
        if (v < 0) continue;
        const text = `${m[1].startsWith('0x') ? `0x${v.toString(16)}` : v}${m[2]}`;
        yield this.mutant('off-by-one', i, this.change(i, text), [{ start: x.start, end: x.end, text }]);
      }
    }
  }

  private *swaps(): Generator<Mutant> {
    const swappable = (s: Stmt) => ['expr', 'if', 'loop', 'do', 'switch', 'block'].includes(s.kind) && !this.diagnostic(s);
    for (const s of this.statements) {
      if (s.kind !== 'block') continue;
      for (let k = 0; k + 1 < s.children.length; k++) {
        const [a, b] = [s.children[k], s.children[k + 1]];
        if (!swappable(a) || !swappable(b) || !this.mutable(a.first, b.last)) continue;
        // Not across a directive: the two may not be compiled together.
        if (this.t.slice(a.last + 1, b.first).some((x) => x.kind === 'pp')) continue;
        const [ta, tb] = [a, b].map((x) => this.src.slice(this.t[x.first].start, this.t[x.last].end));
        yield this.mutant('swap', a.first, `"${short(this.text(a.first, a.last))}" ⇄ "${short(this.text(b.first, b.last))}"`, [
          { start: this.t[a.first].start, end: this.t[a.last].end, text: tb },
          { start: this.t[b.first].start, end: this.t[b.last].end, text: ta },
        ]);
      }
    }
  }

  private *skipLocks(): Generator<Mutant> {
    // The lock and unlock statements, in order: `mutex_lock(&dma_list_mutex);`.
    const calls = this.statements
      .filter((s) => s.kind === 'expr' && this.t[s.first + 1]?.text === '(')
      .map((s) => {
        const close = this.t.findIndex((x, k) => k > s.first && x.text === ';') - 1;
        const arg =
          close > s.first + 2
            ? this.text(s.first + 2, close - 1)
                .split(',')[0]
                .trim()
            : '';
        return { s, name: this.t[s.first].text, arg };
      })
      .filter((c) => c.name in LOCKS || Object.values(LOCKS).includes(c.name))
      .sort((x, y) => x.s.first - y.s.first);
    for (const [k, lock] of calls.entries()) {
      const unlock = LOCKS[lock.name];
      if (!unlock) continue;
      const closing: Stmt[] = [];
      for (const c of calls.slice(k + 1)) {
        if (c.arg !== lock.arg) continue;
        if (c.name === lock.name) break;
        if (c.name === unlock) closing.push(c.s);
      }
      const all = [lock.s, ...closing];
      if (!closing.length || !all.every((s) => this.mutable(s.first, s.last))) continue;
      const edits = all.map((s) => ({
        start: this.t[s.first].start,
        end: this.t[s.last].end,
        text: removed(this.src.slice(this.t[s.first].start, this.t[s.last].end)),
      }));
      const n = closing.length;
      yield this.mutant('skip-lock', lock.s.first, `no ${lock.name}(${lock.arg}) nor its ${n === 1 ? unlock : `${n} ${unlock}s`}`, edits);
    }
  }
}

/** Source on one line: comments out, blanks collapsed. */
const oneLine = (s: string) =>
  s
    .replace(/\/\*.*?\*\//gs, '')
    .replace(/\s+/g, ' ')
    .trim();

/** At most 70 characters. */
function short(s: string): string {
  return s.length <= 70 ? s : `${s.slice(0, 67)}...`;
}
