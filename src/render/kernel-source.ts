/**
 * Kernel names → the pinned source they are read from, so every step and page the docs
 * show links to the code it models. The names and lines are in one table,
 * src/render/kernel-symbols.ts (checked against ../shared/kernel by
 * test/docs/kernel-links.test.ts); the RFC's own functions link to the RFC v2 3/7 post.
 * @module
 */
import {
  elixirIdent,
  elixirLine,
  KERNEL_IDENTS,
  KERNEL_SYMBOLS,
  KERNEL_TREES,
  type KernelTreeName,
  MAINLINE_TREES,
  RFC_NAMES,
  RFC_URL,
} from './kernel-symbols.ts';

export { RFC_URL } from './kernel-symbols.ts';

/** A link target: the URL and a short label (`v3.6 dmaengine.c:565`, `RFC v2 3/7`). */
export interface KernelLink {
  readonly url: string;
  readonly label: string;
}

/**
 * Where a kernel name is defined: the `prefer`red tree's line when it has the name, else
 * (for a mainline tree) the other mainline tree's, else the first tree listed; an identifier page for helpers defined elsewhere; the RFC post
 * for the RFC's names; undefined for a name that is not a kernel name here.
 */
export function kernelSource(name: string, prefer?: KernelTreeName): KernelLink | undefined {
  const all = KERNEL_SYMBOLS.filter((s) => s.name === name);
  const order = prefer === undefined ? [] : MAINLINE_TREES.includes(prefer) ? [prefer, ...MAINLINE_TREES.filter((t) => t !== prefer)] : [prefer];
  const s = order.map((t) => all.find((x) => x.tree === t)).find((x) => x !== undefined) ?? all[0];
  if (s) {
    const file = s.file.slice(s.file.lastIndexOf('/') + 1);
    return { url: elixirLine(s.tree, s.file, s.line), label: `${KERNEL_TREES[s.tree].tag} ${file}:${s.line}` };
  }
  const tree = KERNEL_IDENTS[name];
  if (tree) return { url: elixirIdent(tree, name), label: `${KERNEL_TREES[tree].tag}: ${name}` };
  if (RFC_NAMES.includes(name)) return { url: RFC_URL, label: 'RFC v2 3/7' };
  return undefined;
}

/** Every known kernel name that occurs (as a word) in `text`, in order of first occurrence. */
export function kernelNamesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b[a-z_][a-z0-9_]*\b/g)) if (kernelSource(m[0]) && !out.includes(m[0])) out.push(m[0]);
  return out;
}

/**
 * `text` as Markdown with each known kernel name a link to its source (in the `prefer`red
 * tree: a design's, src/render/kernel-symbols.ts `designKernelTree`); the rest goes
 * through `escapeText` (a table cell's escaping, say).
 */
export function linkKernelNamesMarkdown(text: string, escapeText: (t: string) => string = (t) => t, prefer?: KernelTreeName): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(/\b[a-z_][a-z0-9_]*\b/g)) {
    const s = kernelSource(m[0], prefer);
    if (!s) continue;
    out += `${escapeText(text.slice(at, m.index))}[${escapeText(m[0])}](${s.url} "${s.label}")`;
    at = m.index + m[0].length;
  }
  return out + escapeText(text.slice(at));
}
