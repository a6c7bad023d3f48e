/**
 * Context packing: a fixed-shape context (machines/kit.ts rule 4) flattened to a run of
 * Int32 slots, one per leaf, in a layout derived from the initial context. The encoder and
 * decoder are generated once per layout as straight-line code, so the explorer's hot path
 * never walks the object tree nor builds strings.
 * @module
 */

/**
 * The packed value of `null` in any slot: 0x80008080, chosen so that its low 8 and 16 bits
 * are the null markers of the state store's narrow rows (-128 and -32640), which lets the
 * store narrow a row by plain truncation.
 */
export const NULL_SLOT = 0x80008080 | 0;

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

/** The compiled packing of one context shape. */
export interface Layout<C> {
  readonly slots: readonly Slot[];
  /** Writes `ctx` into `out[offset .. offset + slots.length)`. @throws LayoutError */
  encode(ctx: C, out: Int32Array, offset: number): void;
  /** Overwrites the leaves of `into` (a context of the same shape) from `row`. */
  decodeInto(row: Int32Array, offset: number, into: C): void;
  /** A new context object of the layout's shape, decoded from `row`. */
  decode(row: Int32Array, offset: number): C;
  /** Overwrites the leaves of `into` with those of `from` (both of the layout's shape). */
  copyInto(from: C, into: C): void;
}

interface Leaf {
  readonly access: string;
  readonly path: string;
  readonly kind: SlotKind;
}

function leaves(value: unknown, access: string, path: string, out: Leaf[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => leaves(v, `${access}[${i}]`, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) throw new LayoutError(`context key ${JSON.stringify(k)} at ${path || '$'} is not an identifier`);
      leaves((value as Record<string, unknown>)[k], `${access}.${k}`, path ? `${path}.${k}` : k, out);
    }
  } else if (typeof value === 'boolean') {
    out.push({ access, path, kind: 'bool' });
  } else if (value === null || (typeof value === 'number' && Number.isInteger(value) && value > NULL_SLOT && value <= 2147483647)) {
    out.push({ access, path, kind: 'int' });
  } else {
    throw new LayoutError(`context leaf ${path || '$'} is ${JSON.stringify(value)}: only integers, booleans and null pack (machines/kit.ts rule 4)`);
  }
}

/** Builds the source of a function that creates a fresh object of `value`'s shape. */
function shapeSource(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shapeSource).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value).map((k) => `${k}:${shapeSource((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return '0';
}

/**
 * Derives the layout of the context shape of `initial` and generates its coder.
 * @throws LayoutError when a leaf is not an integer, boolean or null.
 */
export function compileLayout<C>(initial: C): Layout<C> {
  const ls: Leaf[] = [];
  leaves(initial, 'c', '', ls);
  const enc = ls
    .map((l, i) => {
      const where = JSON.stringify(l.path);
      return l.kind === 'bool'
        ? `v=${l.access}; o[k+${i}]=v===true?1:v===false?0:v===null?N:bad(${where},v);`
        : `v=${l.access}; o[k+${i}]=(v|0)===v&&v!==N?v:v===null?N:bad(${where},v);`;
    })
    .join('\n');
  const dec = ls
    .map((l, i) =>
      l.kind === 'bool' ? `v=r[k+${i}]; ${l.access}=v===N?null:v===1;` : `v=r[k+${i}]; ${l.access}=v===N?null:v;`,
    )
    .join('\n');
  const bad = (path: string, v: unknown): never => {
    throw new LayoutError(`context leaf ${path} became ${JSON.stringify(v)}: the layout (from the initial context) holds ${ls.find((l) => l.path === path)?.kind === 'bool' ? 'a boolean' : 'an integer'} or null there`);
  };
  const encode = new Function('N', 'bad', `return function encode(c,o,k){let v;\n${enc}\n}`)(NULL_SLOT, bad) as Layout<C>['encode'];
  const decodeInto = new Function('N', `return function decodeInto(r,k,c){let v;\n${dec}\n}`)(NULL_SLOT) as Layout<C>['decodeInto'];
  const copy = ls.map((l) => `${l.access.replace(/^c/, 'd')}=${l.access};`).join('\n');
  const copyInto = new Function(`return function copyInto(c,d){\n${copy}\n}`)() as Layout<C>['copyInto'];
  const fresh = new Function(`return function fresh(){return ${shapeSource(initial)};}`)() as () => C;
  return {
    slots: ls.map((l) => ({ path: l.path, kind: l.kind })),
    encode,
    decodeInto,
    copyInto,
    decode(row, offset) {
      const c = fresh();
      decodeInto(row, offset, c);
      return c;
    },
  };
}
