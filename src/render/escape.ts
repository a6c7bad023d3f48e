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
 * Mermaid entity codes (`#59;`) for the characters that end or confuse a Mermaid statement
 * (`;` `#` `:` quotes, angle and curly brackets, `|`, `&`). Mermaid replaces entity codes
 * before parsing, so the parser never sees the character. One pass, so that the `#` and
 * `;` of an inserted code are not escaped again.
 */
export function escapeMermaid(text: string): string {
  return text.replace(/[;#:"'<>{}|&\\]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

/**
 * Mermaid sequence-diagram text (messages, notes): only `#` and `;` end a statement there,
 * and `<` `>` would be read as HTML, so the rest (`:` quotes brackets) stays readable in
 * the source. `<br/>` line breaks are added by the caller after escaping.
 */
export function escapeMermaidText(text: string): string {
  return text
    .replace(/[#;<>]/g, (c) => ({ '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;' })[c]!)
    .replace(/\r?\n/g, ' ');
}

/**
 * A Markdown table cell: `|` escaped, line breaks flattened, and backslash kept literal.
 * Use {@link codeCell} for names so that `_` and `*` are not read as emphasis.
 */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/([*_`[\]<>])/g, '\\$1');
}

/** A Markdown code span in a table cell; an empty string becomes an empty cell. */
export function codeCell(text: string): string {
  if (text === '') return '';
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${pad}${fence}`;
}
