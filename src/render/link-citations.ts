/**
 * The link pass `npm run docs` runs over every hand-written page (README, spec/, the
 * design READMEs, docs/ guides), so that no page names a kernel function or cites a source
 * without a link a reader can follow, and no link drifts from the one table
 * (src/render/kernel-symbols.ts):
 *
 * - a code span holding just a kernel name (`` `dma_chan_put` `` or `` `dma_chan_put()` ``)
 *   becomes a link to its line at the pinned tag; a page whose subject is mainline says
 *   `<!-- dmaspec-kernel-tree: linux-7.0 -->` to prefer that tree;
 * - a hunk header of the RFC (`` `@@ -767,14 +848,22 @@` ``), "kernel review D5", "Garg-1",
 *   "seed 3/7" and commit 8ad342a86359 link to spec/sources.md (or to the commit).
 *
 * Links it made before are rewritten from the table, so the pass is idempotent and
 * `npm run docs:check` fails on a page whose links are stale. Fenced code and headings
 * are left alone (a link in a heading would change its anchor).
 * @module
 */
import { kernelSource } from './kernel-source.ts';
import { KERNEL_TREES, KREF_COMMIT, KREF_COMMIT_URL, type KernelTreeName, RFC_URL } from './kernel-symbols.ts';

/** Where the page of citations is, relative to the repository root. */
export const SOURCES_PAGE = 'spec/sources.md';

const PREFER = /<!-- dmaspec-kernel-tree: ([a-z0-9.-]+) -->/;

/** A page's preferred tree (`<!-- dmaspec-kernel-tree: linux-7.0 -->`), if it names one. */
export function preferredTree(markdown: string): KernelTreeName | undefined {
  const m = PREFER.exec(markdown);
  return m && m[1] in KERNEL_TREES ? (m[1] as KernelTreeName) : undefined;
}

/** A URL this pass made (and so may rewrite). */
const isKernelUrl = (url: string) => url.startsWith('https://elixir.bootlin.com/') || url === RFC_URL;

/** Whether `before` (a line's text before a match) leaves a link text open. */
const inLinkText = (before: string) => (before.match(/\[/g)?.length ?? 0) > (before.match(/\]/g)?.length ?? 0);

const NAME_SPAN = /\[`([A-Za-z_][A-Za-z0-9_]*)(\(\))?`\]\((\S+?)(?: "[^"]*")?\)|`([A-Za-z_][A-Za-z0-9_]*)(\(\))?`/g;
const HUNK = /\[`@@ -(\d+),(\d+) \+(\d+),(\d+) @@`\]\([^)\s]*\)|`@@ -(\d+),(\d+) \+(\d+),(\d+) @@`/g;
const CITE =
  /\[(kernel review D\d+|D\d+ of the kernel review|Garg-[12](?:\/2)?|seed (?:patch )?(?:v2 )?3\/7|@@-\d+)\]\([^)\s]*\)|\b(kernel review D\d+|D\d+ of the kernel review|Garg-[12](?:\/2)?|seed (?:patch )?(?:v2 )?3\/7)\b|(@@-\d+)\b/g;
const COMMIT = new RegExp(`\\[${KREF_COMMIT}\\]\\([^)\\s]*\\)|(?<![\`\\w/=])${KREF_COMMIT}(?![\`\\w])`, 'g');

/** The anchor in spec/sources.md a citation's text points at. */
export function citationAnchor(text: string): string {
  const d = /D(\d+)/.exec(text);
  if (d && /kernel review/.test(text)) return `kernel-review-d${d[1]}`;
  const g = /Garg-(\d)/.exec(text);
  if (g) return `garg-${g[1]}`;
  if (text.startsWith('@@-')) return 'logan';
  return 'the-rfc';
}

/** One line of prose with its kernel names and citations linked. */
function linkLine(line: string, sources: string, prefer: KernelTreeName | undefined): string {
  let out = line.replace(NAME_SPAN, (all, lName, lParens, lUrl, name, parens, offset: number) => {
    const n = (lName ?? name) as string;
    const p = ((lParens ?? parens) as string | undefined) ?? '';
    if (lName !== undefined && !isKernelUrl(lUrl as string)) return all;
    if (lName === undefined && inLinkText(line.slice(0, offset))) return all;
    const s = kernelSource(n, prefer);
    return s ? `[\`${n}${p}\`](${s.url} "${s.label}")` : `\`${n}${p}\``;
  });
  out = out.replace(HUNK, (all, a, b, c, d, e, f, g, h, offset: number) => {
    if (a === undefined && inLinkText(out.slice(0, offset))) return all;
    const [minus, mlen, plus, plen] = a !== undefined ? [a, b, c, d] : [e, f, g, h];
    return `[\`@@ -${minus},${mlen} +${plus},${plen} @@\`](${sources}#hunk-${minus})`;
  });
  return outsideCode(out, (seg) =>
    seg
      .replace(CITE, (all, linked, bare, hunk, offset: number) => {
        if (linked === undefined && inLinkText(seg.slice(0, offset))) return all;
        const text = (linked ?? bare ?? hunk) as string;
        return `[${text}](${sources}#${citationAnchor(text)})`;
      })
      .replace(COMMIT, (all, offset: number) => (all.startsWith('[') || !inLinkText(seg.slice(0, offset)) ? `[${KREF_COMMIT}](${KREF_COMMIT_URL})` : all)),
  );
}

/** `line` with `fn` applied to the text between its code spans. */
function outsideCode(line: string, fn: (text: string) => string): string {
  let out = '';
  let at = 0;
  for (const m of line.matchAll(/`[^`]*`/g)) {
    out += fn(line.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + fn(line.slice(at));
}

/**
 * `markdown` (the page at `pagePath`, relative to the repository root) with kernel names
 * and citations linked; fenced code and headings unchanged. The citations page itself
 * links its own anchors.
 */
export function linkCitations(markdown: string, pagePath: string): string {
  const prefer = preferredTree(markdown);
  const depth = pagePath.split('/').length - 1;
  const sources = pagePath === SOURCES_PAGE ? '' : `${'../'.repeat(depth)}${SOURCES_PAGE}`;
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const f = /^\s*(```|~~~)/.exec(line);
      if (f) {
        if (fence === undefined) fence = f[1];
        else if (fence === f[1]) fence = undefined;
        return line;
      }
      if (fence !== undefined || /^#{1,6} /.test(line)) return line;
      return linkLine(line, sources, prefer);
    })
    .join('\n');
}
