/**
 * What an error message may echo of a user's input: a bounded excerpt, with every character
 * outside printable ASCII escaped. A scenario value can be 50 MB long, nested 200,000 deep or
 * hold raw bytes; the message that names it stays one short line on the terminal.
 * @module
 */

/** The longest excerpt, in characters ("..." marks a cut). */
export const EXCERPT_LENGTH = 60;

/** `s` with control, non-ASCII and terminal-special characters written as `\uXXXX`. */
export const escapeText = (s: string): string =>
  s.replace(/[^\x20-\x7e]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

/** A string as a quoted, escaped excerpt: `"abc"`, or `"aaaa"...` when cut. */
export function quoted(s: string, max = EXCERPT_LENGTH): string {
  const cut = s.length > max;
  return `"${escapeText((cut ? s.slice(0, max) : s).replace(/["\\]/g, '\\$&'))}"${cut ? '...' : ''}`;
}

/**
 * A JSON value (as parsed from a file) as a one-line excerpt of at most about `max`
 * characters: JSON for small values, cut with `...` for large or deep ones. Never recurses
 * deeper than `max` (every level costs at least one character).
 */
export function excerpt(value: unknown, max = EXCERPT_LENGTH): string {
  let out = '';
  const full = () => out.length >= max;
  const walk = (v: unknown): void => {
    if (full()) return;
    if (typeof v === 'string') out += quoted(v, Math.max(8, max - out.length));
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out += String(v);
    else if (v === undefined) out += 'nothing';
    else if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i) out += ', ';
        walk(v[i]);
      }
      out += ']';
    } else if (typeof v === 'object') {
      out += '{';
      let first = true;
      for (const k of Object.keys(v)) {
        if (full()) break;
        if (!first) out += ', ';
        first = false;
        out += `${quoted(k, 20)}: `;
        walk((v as Record<string, unknown>)[k]);
      }
      out += '}';
    } else out += typeof v;
  };
  walk(value);
  // A string or number is already bounded; a structure is cut where the budget ran out.
  return typeof value !== 'object' || value === null || out.length <= max ? out : `${out.slice(0, max)}...`;
}
