/**
 * Escaping for the three text formats the docs are written in. Each function makes any
 * string safe in one syntactic position; state names, event types and descriptions come
 * from users' machines and may hold any character.
 * @module
 */

/** Text inside a Graphviz HTML-like label (`<...>`): the XML special characters. */
export function escapeDotHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A Graphviz double-quoted string (ids, tooltips). Backslash is escaped too: in label-like
 * attributes Graphviz reads `\N`, `\l` and friends as directives.
 */
export function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/**
 * Text for a Mermaid state diagram (descriptions, transition labels). Measured with
 * Mermaid 11: there only `;` (it ends a statement) and `<` (read as HTML) break a label;
 * `:` `#` `"` `{` `|` `&` and the rest show as written. Mermaid's entity codes (`#59;`)
 * are not decoded inside composite states, so `;` becomes `,` and `<` `>` become the
 * angle quotes ‹ › (characters every Latin font has; full-width forms showed as empty
 * boxes in Chromium without CJK fonts). Lossy only in the Mermaid source: the SVG
 * drawings and the tables keep the exact text.
 */
export function escapeMermaid(text: string): string {
  return text.replace(/[;<>]/g, (c) => ({ ';': ',', '<': '‹', '>': '›' })[c]!).replace(/\r?\n/g, ' ');
}

/** A state name inside `state "…" as id`: {@link escapeMermaid}, and `"` as `'`. */
export function escapeMermaidName(text: string): string {
  return escapeMermaid(text).replace(/"/g, "'");
}

/**
 * Mermaid sequence-diagram text (messages, notes): only `#` and `;` end a statement there,
 * and `<` `>` would be read as HTML, so the rest (`:` quotes brackets) stays readable in
 * the source. `<br/>` line breaks are added by the caller after escaping.
 */
export function escapeMermaidText(text: string): string {
  return text.replace(/[#;<>]/g, (c) => ({ '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;' })[c]!).replace(/\r?\n/g, ' ');
}

/**
 * A Markdown table cell: `|` escaped, line breaks flattened, and backslash kept literal.
 * Use {@link codeCell} for names so that `_` and `*` are not read as emphasis.
 */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/([*_`[\]<>])/g, '\\$1');
}

/** A Markdown code span in a table cell; an empty string becomes an empty cell. */
export function codeCell(text: string): string {
  if (text === '') return '';
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${pad}${fence}`;
}
