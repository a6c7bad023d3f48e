/**
 * Checked map lookups for keys the caller's own construction guarantees (a state id from
 * the chart the map was built from): a missing key is a bug in that construction, named
 * with what was looked up, not a `!` that lets `undefined` run on.
 * @module
 */

/** A key that the map was built to hold is missing. */
export class MissingEntryError extends Error {
  override readonly name = 'MissingEntryError';
}

/** `map.get(key)`, which must be there. @throws MissingEntryError naming `what` and the key. */
export function entryOf<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const v = map.get(key);
  if (v === undefined) throw new MissingEntryError(`no ${what} ${String(key)}`);
  return v;
}

/** The list under `key` in `map`, created empty on first use. */
export function listOf<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}
