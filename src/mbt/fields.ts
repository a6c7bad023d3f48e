/**
 * The observable fields of an exported machine, with their kernel meaning and encoding:
 * what the header of a `dmaspec-paths/2` file lists so that a harness in another language
 * knows what each compared value is without reading TypeScript.
 * @module
 */

/**
 * How a field is encoded in JSON. One encoding per type across every machine: booleans are
 * JSON `true`/`false`, counts JSON integers, names JSON strings; `|null` adds JSON `null`
 * for "none".
 */
export type FieldType = 'integer' | 'boolean' | 'string' | 'string|null' | 'integer|null';

/** One observable field. `path` is dotted; `[]` marks every element of an array. */
export interface FieldDoc {
  readonly path: string;
  readonly type: FieldType;
  /** What the value is in the kernel (function, variable or structure field), in words. */
  readonly meaning: string;
}

/** The leaf field paths of a JSON value with the JSON types seen at each, in the notation of {@link FieldDoc.path}. */
export function leafPaths(value: unknown, out = new Map<string, Set<string>>(), at = ''): Map<string, Set<string>> {
  if (Array.isArray(value)) for (const x of value) leafPaths(x, out, `${at}[]`);
  else if (value !== null && typeof value === 'object') for (const [k, x] of Object.entries(value)) leafPaths(x, out, at ? `${at}.${k}` : k);
  else {
    const t = value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
    let types = out.get(at);
    if (types === undefined) out.set(at, (types = new Set()));
    types.add(t);
  }
  return out;
}
