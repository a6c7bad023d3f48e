/**
 * Context packing: a fixed-shape context (machines/kit.ts rule 4) flattened to a run of
 * integer slots, one per leaf, in a layout derived from the initial context. Slots are 8,
 * 16 or 32 bits wide (the narrowest the scenario's values fit, see {@link Coder}); the
 * encoder and decoder are generated once per width as straight-line code, so the
 * explorer's hot path never walks the object tree nor builds strings.
 * @module
 */

/** A row of slots in one of the three widths. */
export type Slots = Int8Array | Int16Array | Int32Array;

/** Slot width in bytes. */
export type SlotBytes = 1 | 2 | 4;

/** The null marker of each width: the least value (never a stored integer). */
export const NULL_OF: Readonly<Record<SlotBytes, number>> = { 1: -128, 2: -32768, 4: -2147483648 };

/** A context value is an integer that does not fit the slot width: explore again wider. */
export class WidthOverflow extends Error {
  override readonly name = 'WidthOverflow';
}

/** What a slot holds: an integer (or null), or a boolean (or null). */
export type SlotKind = 'int' | 'bool';

/** One leaf of the context: its path (for readable traces) and its kind. */
export interface Slot {
  /** Path from the context root, e.g. `channels[1].clientCount`. */
  readonly path: string;
  readonly kind: SlotKind;
}

/** A value of the context that does not fit the packed layout (a rule broke the kit subset). */
export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/** Encoder and decoder of one context shape at one slot width. */
export interface Coder<C> {
  readonly bytes: SlotBytes;
  /** Writes `ctx` into `out[offset .. offset + slots.length)`. @throws LayoutError, WidthOverflow */
  encode(ctx: C, out: Slots, offset: number): void;
  /** Overwrites the leaves of `into` (a context of the same shape) from `row`. */
  decodeInto(row: Slots, offset: number, into: C): void;
  /** A new context object of the layout's shape, decoded from `row`. */
  decode(row: Slots, offset: number): C;
}

/** The compiled packing of one context shape: 32-bit coding, and coders for each width. */
export interface Layout<C> extends Coder<C> {
  readonly slots: readonly Slot[];
  /** The coder of slot width `bytes` (cached). */
  coder(bytes: SlotBytes): Coder<C>;
  /** Overwrites the leaves of `into` with those of `from` (both of the layout's shape). */
  copyInto(from: C, into: C): void;
}

interface Leaf {
  /** JS access path from the context `c`, e.g. `c.threads[0].cpu`. */
  readonly access: string;
  /** Access of the object holding the leaf, and the leaf's key in it (`.cpu`, `[0]`). */
  readonly parent: string;
  readonly key: string;
  readonly path: string;
  readonly kind: SlotKind;
}

function leaves(value: unknown, parent: string, key: string, path: string, out: Leaf[]): void {
  const access = parent + key;
  if (Array.isArray(value)) {
    value.forEach((v, i) => leaves(v, access, `[${i}]`, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) throw new LayoutError(`context key ${JSON.stringify(k)} at ${path || '$'} is not an identifier`);
      leaves((value as Record<string, unknown>)[k], access, `.${k}`, path ? `${path}.${k}` : k, out);
    }
  } else if (typeof value === 'boolean') {
    out.push({ access, parent, key, path, kind: 'bool' });
  } else if (value === null || (typeof value === 'number' && Number.isInteger(value) && value > NULL_OF[4] && value <= 2147483647)) {
    out.push({ access, parent, key, path, kind: 'int' });
  } else {
    throw new LayoutError(`context leaf ${path || '$'} is ${JSON.stringify(value)}: only integers, booleans and null pack (machines/kit.ts rule 4)`);
  }
}

/** Builds the source of a function that creates a fresh object of `value`'s shape. */
function shapeSource(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shapeSource).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .map((k) => `${k}:${shapeSource((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return '0';
}

/**
 * Derives the layout of the context shape of `initial` and generates its coder.
 * @throws LayoutError when a leaf is not an integer, boolean or null.
 */
export function compileLayout<C>(initial: C): Layout<C> {
  const ls: Leaf[] = [];
  if (initial === null || typeof initial !== 'object') throw new LayoutError('the context must be an object');
  leaves(initial, 'c', '', '', ls);
  // Generated code loads each holding object once (`p`, and `q` for the copy target), not
  // once per leaf: leaves of one object are contiguous in this depth-first order.
  const grouped = (line: (l: Leaf, i: number) => string, copy = false) => {
    let cur = '';
    return ls
      .map((l, i) => {
        const load = l.parent === cur ? '' : `p=${l.parent};${copy ? ` q=${l.parent.replace(/^c/, 'd')};` : ''}\n`;
        cur = l.parent;
        return load + line(l, i);
      })
      .join('\n');
  };
  // Integers must lie in (N, H]: one unsigned compare of v - L against S = H - L, L = N + 1.
  const enc = grouped((l, i) => {
    const where = JSON.stringify(l.path);
    return l.kind === 'bool'
      ? `v=p${l.key}; o[k+${i}]=v===true?1:v===false?0:v===null?N:bad(${where},v);`
      : `v=p${l.key}; o[k+${i}]=(v|0)===v&&(v-L)>>>0<=S?v:v===null?N:bad(${where},v);`;
  });
  const dec = grouped((l, i) => (l.kind === 'bool' ? `v=r[k+${i}]; p${l.key}=v===N?null:v===1;` : `v=r[k+${i}]; p${l.key}=v===N?null:v;`));
  const bad = (path: string, v: unknown): never => {
    if (typeof v === 'number' && Number.isInteger(v) && ls.find((l) => l.path === path)?.kind === 'int')
      throw new WidthOverflow(`context leaf ${path} = ${v} does not fit the slot width`);
    throw new LayoutError(
      `context leaf ${path} became ${JSON.stringify(v)}: the layout (from the initial context) holds ${ls.find((l) => l.path === path)?.kind === 'bool' ? 'a boolean' : 'an integer'} or null there`,
    );
  };
  const coders = new Map<SlotBytes, Coder<C>>();
  const coder = (bytes: SlotBytes): Coder<C> => {
    let cd = coders.get(bytes);
    if (!cd) {
      const N = NULL_OF[bytes];
      const L = N + 1;
      const S = -N - 1 - L;
      const encode = new Function('N', 'L', 'S', 'bad', `return function encode(c,o,k){let v,p;\n${enc}\n}`)(N, L, S, bad) as Coder<C>['encode'];
      const decodeInto = new Function('N', `return function decodeInto(r,k,c){let v,p;\n${dec}\n}`)(N) as Coder<C>['decodeInto'];
      cd = {
        bytes,
        encode,
        decodeInto,
        decode(row, offset) {
          const c = fresh();
          decodeInto(row, offset, c);
          return c;
        },
      };
      coders.set(bytes, cd);
    }
    return cd;
  };
  const copy = grouped((l) => `q${l.key}=p${l.key};`, true);
  const copyInto = new Function(`return function copyInto(c,d){let p,q;\n${copy}\n}`)() as Layout<C>['copyInto'];
  const fresh = new Function(`return function fresh(){return ${shapeSource(initial)};}`)() as () => C;
  return { ...coder(4), slots: ls.map((l) => ({ path: l.path, kind: l.kind })), coder, copyInto };
}
