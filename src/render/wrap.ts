/**
 * Line wrapping for diagram labels. Graphviz and Mermaid lay out each label as one block:
 * a long guard or event name would stretch a node or an edge across the whole drawing, so
 * labels are broken into lines of a bounded width before they are escaped.
 * @module
 */

/** Default width, in characters, of one label line. */
export const LABEL_WIDTH = 28;

/**
 * Splits a word longer than `width` after a punctuation mark (`.` `_` `-` `/` `,` `(` `=`)
 * where possible, so that `a.really.long.event.name` breaks between its parts.
 */
function splitWord(word: string, width: number): string[] {
  const parts: string[] = [];
  let rest = word;
  while (rest.length > width) {
    let cut = -1;
    for (let i = width; i > width / 3; i--) {
      if ('._-/,(='.includes(rest[i - 1]!)) {
        cut = i;
        break;
      }
    }
    if (cut < 0) cut = width;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

/**
 * Greedy word wrap: each returned line is at most `width` characters unless a single
 * word (after splitting at punctuation) is longer. Existing line breaks are kept. Deterministic.
 */
export function wrapText(text: string, width: number = LABEL_WIDTH): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      for (const piece of splitWord(word, width)) {
        if (line === '') line = piece;
        else if (line.length + 1 + piece.length <= width) line += ' ' + piece;
        else {
          out.push(line);
          line = piece;
        }
      }
    }
    out.push(line);
  }
  return out;
}
