/**
 * Generated blocks inside hand-written pages: what a page states that the code or the
 * checker decides (a verdict, a list of rules) sits between
 *
 *     <!-- dmaspec:NAME -->
 *     …
 *     <!-- /dmaspec:NAME -->
 *
 * and `npm run docs` rewrites it from the generator NAME; `npm run docs:check` fails when a
 * block is stale, so a page cannot drift from what it reports.
 * @module
 */

/** A page's block that names no generator, or a block left open. */
export class BlockError extends Error {
  override readonly name = 'BlockError';
}

const OPEN = /^<!-- dmaspec:([a-z0-9-]+) -->$/;
const close = (name: string) => `<!-- /dmaspec:${name} -->`;

/**
 * `markdown` with every block's body replaced by its generator's output (`page` names the
 * page in errors). Text outside the blocks is kept byte for byte.
 * @throws BlockError for an unknown generator or a block without its closing line.
 */
export function fillBlocks(markdown: string, generators: ReadonlyMap<string, () => string>, page: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const m = OPEN.exec(lines[i]);
    if (!m) continue;
    const gen = generators.get(m[1]);
    if (!gen) throw new BlockError(`${page}: block dmaspec:${m[1]} names no generator (known: ${[...generators.keys()].join(', ')})`);
    const end = lines.indexOf(close(m[1]), i + 1);
    if (end < 0) throw new BlockError(`${page}: block dmaspec:${m[1]} has no closing line ${close(m[1])}`);
    out.push(...gen().trimEnd().split('\n'), close(m[1]));
    i = end;
  }
  return out.join('\n');
}
