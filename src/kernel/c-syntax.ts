/**
 * Just enough C syntax to mutate kernel functions: a tokenizer (comments dropped, each
 * preprocessor line one token) and a statement parser for function bodies, kernel style
 * included (`list_for_each_entry(...) stmt` is a loop, `out:` a label). It does not expand
 * macros nor resolve #ifdef: a mutant of code compiled out is caught by the compiler itself
 * (the mutant's object code is the original's, src/kernel/mutant-build.ts).
 * @module
 */

/** A token of C source: offsets into the source and its 1-based line. */
export interface Token {
  readonly kind: 'id' | 'num' | 'str' | 'punct' | 'pp';
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** Source the tokenizer or the parser cannot read. */
export class CSyntaxError extends Error {
  override readonly name = 'CSyntaxError';
}

const PUNCT = ['...', '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '##'];

/** The tokens of `source`. */
export function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = true; // only blanks since the last newline: a `#` starts a directive
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (source.startsWith('//', i)) {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) throw new CSyntaxError(`line ${line}: a comment that does not end`);
      for (let k = i; k < close; k++) if (source[k] === '\n') line++;
      i = close + 2;
      continue;
    }
    const start = i;
    const startLine = line;
    if (c === '#' && lineStart) {
      // A directive runs to the end of the line, backslash-newlines included.
      while (i < n && source[i] !== '\n') {
        if (source[i] === '\\' && source[i + 1] === '\n') {
          i += 2;
          line++;
        } else i++;
      }
      out.push({ kind: 'pp', text: source.slice(start, i), start, end: i, line: startLine });
      continue;
    }
    lineStart = false;
    if (c === '"' || c === "'") {
      i++;
      while (i < n && source[i] !== c) {
        if (source[i] === '\\') i++;
        if (source[i] === '\n') throw new CSyntaxError(`line ${line}: a string or character constant that does not end`);
        i++;
      }
      i++;
      out.push({ kind: 'str', text: source.slice(start, i), start, end: i, line: startLine });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(source[i])) i++;
      out.push({ kind: 'id', text: source.slice(start, i), start, end: i, line: startLine });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      while (i < n && /[A-Za-z0-9_.]/.test(source[i])) i++;
      out.push({ kind: 'num', text: source.slice(start, i), start, end: i, line: startLine });
      continue;
    }
    const p = PUNCT.find((q) => source.startsWith(q, i)) ?? c;
    i += p.length;
    out.push({ kind: 'punct', text: p, start, end: i, line: startLine });
  }
  return out;
}

/** A statement of a function body: a range of tokens (first..last, inclusive) and its parts. */
export interface Stmt {
  readonly kind: 'block' | 'if' | 'loop' | 'do' | 'switch' | 'return' | 'jump' | 'label' | 'decl' | 'expr' | 'empty';
  readonly first: number;
  readonly last: number;
  /** Statements inside: a block's, an if's then and else, a loop's or a label's body. */
  readonly children: readonly Stmt[];
  /** The controlling condition's tokens (if, while, do-while, for's middle part): [first, last]. */
  readonly cond?: readonly [number, number];
}

/** A function definition: its name and the token indices of its body's braces. */
export interface CFunction {
  readonly name: string;
  readonly open: number;
  readonly close: number;
  readonly body: Stmt;
}

const DECL_WORDS = new Set([
  'struct',
  'union',
  'enum',
  'int',
  'long',
  'short',
  'char',
  'bool',
  'unsigned',
  'signed',
  'void',
  'const',
  'static',
  'volatile',
  'register',
  'size_t',
  'ssize_t',
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
]);

/** Parses function bodies over `tokens` (preprocessor tokens are skipped between statements). */
class Parser {
  constructor(readonly t: readonly Token[]) {}

  /** The index of the first non-directive token at or after `i`. */
  skip(i: number): number {
    while (i < this.t.length && this.t[i].kind === 'pp') i++;
    return i;
  }

  is(i: number, text: string): boolean {
    return this.t[i]?.text === text && this.t[i].kind !== 'str';
  }

  /** The index of the bracket closing the one at `i` (`(`, `[` or `{`). */
  match(i: number): number {
    const open = this.t[i].text;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 0;
    for (let k = i; k < this.t.length; k++) {
      const x = this.t[k];
      if (x.kind !== 'punct') continue;
      if (x.text === open) depth++;
      else if (x.text === close && --depth === 0) return k;
    }
    throw new CSyntaxError(`line ${this.t[i].line}: "${open}" is not closed`);
  }

  /** The `;` ending the statement that starts at `i` (brackets skipped). */
  semicolon(i: number): number {
    for (let k = i; k < this.t.length; k++) {
      const x = this.t[k];
      if (x.kind !== 'punct') continue;
      if (x.text === '(' || x.text === '[' || x.text === '{') k = this.match(k);
      else if (x.text === ';') return k;
      else if (x.text === '}') break;
    }
    throw new CSyntaxError(`line ${this.t[i].line}: a statement without its ";"`);
  }

  expect(i: number, text: string): number {
    const k = this.skip(i);
    if (!this.is(k, text)) throw new CSyntaxError(`line ${this.t[k]?.line ?? '?'}: expected "${text}", found "${this.t[k]?.text ?? 'the end'}"`);
    return k;
  }

  /** `if`, `while`, `switch`, `for` or `do` at `i` (its keyword `word`); undefined for another word. */
  control(i: number, word: string): Stmt | undefined {
    switch (word) {
      case 'if': {
        const open = this.expect(i + 1, '(');
        const close = this.match(open);
        const then = this.statement(close + 1);
        const e = this.skip(then.last + 1);
        const otherwise = this.is(e, 'else') ? this.statement(e + 1) : undefined;
        return { kind: 'if', first: i, last: (otherwise ?? then).last, children: otherwise ? [then, otherwise] : [then], cond: [open + 1, close - 1] };
      }
      case 'while':
      case 'switch': {
        const open = this.expect(i + 1, '(');
        const close = this.match(open);
        const body = this.statement(close + 1);
        return { kind: word === 'while' ? 'loop' : 'switch', first: i, last: body.last, children: [body], cond: [open + 1, close - 1] };
      }
      case 'for': {
        const open = this.expect(i + 1, '(');
        const close = this.match(open);
        const first = this.semicolon(open + 1);
        const second = this.semicolon(first + 1);
        const body = this.statement(close + 1);
        return { kind: 'loop', first: i, last: body.last, children: [body], ...(second > first + 1 ? { cond: [first + 1, second - 1] as const } : {}) };
      }
      case 'do': {
        const body = this.statement(i + 1);
        const w = this.expect(body.last + 1, 'while');
        const open = this.expect(w + 1, '(');
        const close = this.match(open);
        return { kind: 'do', first: i, last: this.expect(close + 1, ';'), children: [body], cond: [open + 1, close - 1] };
      }
    }
    return undefined;
  }

  /** The statement starting at (or after directives from) `i`. */
  statement(from: number): Stmt {
    const i = this.skip(from);
    const x = this.t[i];
    if (!x) throw new CSyntaxError('the source ends inside a function');
    const simple = (kind: Stmt['kind']): Stmt => ({ kind, first: i, last: this.semicolon(i), children: [] });
    if (x.kind === 'punct') {
      if (x.text === '{') return this.block(i);
      if (x.text === ';') return { kind: 'empty', first: i, last: i, children: [] };
      return simple('expr');
    }
    if (x.kind !== 'id') return simple('expr');
    const control = this.control(i, x.text);
    if (control) return control;
    switch (x.text) {
      case 'return':
        return simple('return');
      case 'break':
      case 'continue':
      case 'goto':
        return simple('jump');
      case 'case':
      case 'default': {
        let colon = i + 1;
        while (colon < this.t.length && !this.is(colon, ':')) colon++;
        const body = this.statement(colon + 1);
        return { kind: 'label', first: i, last: body.last, children: [body] };
      }
    }
    const next = this.skip(i + 1);
    if (this.is(next, ':')) {
      const body = this.statement(next + 1);
      return { kind: 'label', first: i, last: body.last, children: [body] };
    }
    // `list_for_each_entry(...) stmt`, `for_each_possible_cpu(cpu) stmt`: a macro loop.
    if (this.is(next, '(')) {
      const close = this.match(next);
      const after = this.skip(close + 1);
      if (this.t[after]?.kind === 'id' || this.is(after, '{')) {
        const body = this.statement(after);
        return { kind: 'loop', first: i, last: body.last, children: [body] };
      }
    }
    const t2 = this.t[next];
    const t3 = this.t[this.skip(next + 1)];
    const declares =
      DECL_WORDS.has(x.text) ||
      t2?.kind === 'id' ||
      (t2?.text === '*' && t3?.kind === 'id' && /^[=;,[)]$/.test(this.t[this.skip(this.skip(next + 1) + 1)]?.text ?? ''));
    return simple(declares ? 'decl' : 'expr');
  }

  block(open: number): Stmt {
    const close = this.match(open);
    const children: Stmt[] = [];
    for (let k = this.skip(open + 1); k < close; k = this.skip(k)) {
      const s = this.statement(k);
      children.push(s);
      k = s.last + 1;
    }
    return { kind: 'block', first: open, last: close, children };
  }
}

/**
 * Every function defined in `tokens` (at file scope: a name, its parameters, then `{`), with
 * its body parsed. Bodies that do not parse are left out of the list and named in `errors`.
 */
export function functionsOf(tokens: readonly Token[]): { functions: CFunction[]; errors: string[] } {
  const p = new Parser(tokens);
  const functions: CFunction[] = [];
  const errors: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const x = tokens[i];
    if (x.kind === 'punct' && (x.text === '{' || x.text === '(')) depth++;
    else if (x.kind === 'punct' && (x.text === '}' || x.text === ')')) depth--;
    if (depth !== 0 || x.kind !== 'id' || !p.is(i + 1, '(')) continue;
    const close = p.match(i + 1);
    const open = p.skip(close + 1);
    if (!p.is(open, '{')) continue;
    try {
      const body = p.block(open);
      functions.push({ name: x.text, open, close: body.last, body });
      i = body.last;
    } catch (err) {
      if (!(err instanceof CSyntaxError)) throw err;
      errors.push(`${x.text}: ${err.message}`);
      i = p.match(open);
    }
  }
  return { functions, errors };
}
