/**
 * Kernel function names → the pinned source they are read from, so every step the docs
 * show links to the code it models. One URL scheme: Linux 3.6's `drivers/dma/dmaengine.c`
 * (the 3.4 logic, unchanged in these functions) at a fixed commit of the public mirror
 * `New-B/Linux3.6`; the RFC's own functions link to the RFC v2 3/7 post by Message-ID.
 *
 * The line numbers were read off that commit's file (the definition line of each
 * function); test/docs/kernel-source.test.ts keeps the table and its users consistent.
 * @module
 */

/** The mirror and commit every 3.x link points at. */
export const KERNEL_TREE = 'https://github.com/New-B/Linux3.6/blob/b5154d3e5bc2e54a1c611abd3bb787931fe471ab';

/** The file the table's line numbers belong to. */
export const DMAENGINE_C = 'drivers/dma/dmaengine.c';

/** The RFC patch (Jiang Liu, 2012-05-14, "[RFC v2 3/7] dmaengine: enhance dmaengine to support DMA device hotplug"). */
export const RFC_URL = 'https://lore.kernel.org/lkml/1337003229-9158-4-git-send-email-jiang.liu@huawei.com/';

/** Definition lines in {@link DMAENGINE_C} at the pinned commit. */
export const DMAENGINE_LINES: Readonly<Record<string, number>> = {
  balance_ref_count: 196,
  dma_chan_get: 212,
  dma_chan_put: 247,
  dma_find_channel: 331,
  nth_chan: 380,
  dma_channel_rebalance: 425,
  private_candidate: 462,
  // dma_request_channel is a macro of include/linux/dmaengine.h around this function.
  __dma_request_channel: 504,
  dma_request_channel: 504,
  dma_release_channel: 549,
  dmaengine_get: 565,
  dmaengine_put: 603,
  dma_async_device_register: 688,
  dma_async_device_unregister: 834,
};

/** Names the RFC adds (not in 3.x): they link to the RFC post. */
export const RFC_NAMES: readonly string[] = [
  'dma_get_channel',
  'dma_put_channel',
  'dma_channel_quiesce',
  'dmaengine_dirty',
  'dmaengine_quiesce',
  'dmaengine_chan_ref_count',
  'dma_device_wait_queue',
  'dmaengine_wait_queue',
];

/** Where a kernel name is defined: a URL and a short label (`dmaengine.c:565`, `RFC v2 3/7`), or undefined. */
export function kernelSource(name: string): { url: string; label: string } | undefined {
  const line = DMAENGINE_LINES[name];
  if (line !== undefined) return { url: `${KERNEL_TREE}/${DMAENGINE_C}#L${line}`, label: `dmaengine.c:${line}` };
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
 * `text` as Markdown with each known kernel name a link to its source; the rest goes
 * through `escapeText` (a table cell's escaping, say).
 */
export function linkKernelNamesMarkdown(text: string, escapeText: (t: string) => string = (t) => t): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(/\b[a-z_][a-z0-9_]*\b/g)) {
    const s = kernelSource(m[0]);
    if (!s) continue;
    out += `${escapeText(text.slice(at, m.index))}[${escapeText(m[0])}](${s.url} "${s.label}")`;
    at = m.index + m[0].length;
  }
  return out + escapeText(text.slice(at));
}
