/**
 * Every kernel link the docs make lands on the name it shows: each row of the one table
 * (src/render/kernel-symbols.ts) is read from the copies in ../shared/kernel (whose git
 * blob ids must be the recorded ones), and every Elixir line link in the committed pages
 * is checked against the same copies. Also the link pass over hand-written pages.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sharedFolder } from '../../src/kernel/tree.ts';
import { kernelSource, linkKernelNamesMarkdown } from '../../src/render/kernel-source.ts';
import { designKernelTree, KERNEL_SYMBOLS, KERNEL_TREES, type KernelSymbol, type KernelTreeName, KREF_COMMIT_URL } from '../../src/render/kernel-symbols.ts';
import { citationAnchor, linkCitations } from '../../src/render/link-citations.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const kernelDir = sharedFolder('kernel');
if (!kernelDir) throw new Error('../shared/kernel is missing: the kernel links cannot be checked');

const lines = new Map<string, string[]>();
function fileLines(tree: KernelTreeName, file: string): string[] {
  const key = `${tree}/${file}`;
  let l = lines.get(key);
  if (!l) lines.set(key, (l = readFileSync(join(kernelDir!, tree, file), 'utf8').split('\n')));
  return l;
}

/** What a line of each kind looks like: a definition, not a prototype or a mention. */
function holds(kind: KernelSymbol['kind'], name: string, text: string): boolean {
  const n = name.replace(/[$]/g, '\\$');
  switch (kind) {
    case 'function':
      return new RegExp(`^(?:[a-z].*[ *])?${n}\\(`).test(text) && !text.trimEnd().endsWith(';');
    case 'macro':
      return new RegExp(`^#define ${n}\\b`).test(text);
    case 'variable':
      return new RegExp(`^static .*\\b${n}\\b.*;$`).test(text);
    case 'member':
      return new RegExp(`^\\s+.*(?:\\b${n};|\\(\\*${n}\\)\\()`).test(text);
    case 'struct':
      return text === `struct ${name} {`;
    case 'call':
      return new RegExp(`^\\s+.*\\b${n}\\(`).test(text);
  }
}

const treeOfTag = (tag: string) => (Object.keys(KERNEL_TREES) as KernelTreeName[]).find((t) => KERNEL_TREES[t].tag === tag);

describe('the table of kernel names', () => {
  test('each cited file is the recorded git blob (so the line numbers are those of the tag)', () => {
    for (const [tree, t] of Object.entries(KERNEL_TREES))
      for (const [file, blob] of Object.entries(t.blobs)) {
        const body = readFileSync(join(kernelDir, tree, file));
        const id = createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
        expect(id, `${tree}/${file}`).toBe(blob);
      }
  });

  test('every row names a line that holds the name, in a file whose blob is recorded', () => {
    for (const s of KERNEL_SYMBOLS) {
      expect(Object.keys(KERNEL_TREES[s.tree].blobs), `${s.name}: ${s.tree}/${s.file} is not a recorded file`).toContain(s.file);
      const text = fileLines(s.tree, s.file)[s.line - 1] ?? '';
      expect(holds(s.kind, s.name, text), `${s.tree}/${s.file}:${s.line} should hold the ${s.kind} ${s.name}, holds: ${text}`).toBe(true);
    }
  });

  test('the check fails on a wrong line (it can fail)', () => {
    const text = fileLines('linux-3.6', 'drivers/dma/dmaengine.c')[212 - 1]!;
    expect(holds('function', 'dma_chan_get', text)).toBe(true);
    expect(holds('function', 'dma_chan_put', text)).toBe(false);
    expect(holds('function', 'dma_find_channel', fileLines('linux-3.6', 'include/linux/dmaengine.h')[1000 - 1]!)).toBe(false);
  });

  test('a name is in a tree at most once', () => {
    const keys = KERNEL_SYMBOLS.map((s) => `${s.tree}:${s.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

/** The committed pages a reader follows kernel links from. */
function committedPages(): string[] {
  const md = (dir: string) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => /\.(md|html)$/.test(f))
      .map((f) => join(dir, f));
  const designs = readdirSync(join(ROOT, 'src', 'designs'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join('src', 'designs', d.name, 'README.md'));
  return ['README.md', ...md('spec'), ...md('docs'), ...md('docs/machines'), ...md('docs/traces'), ...designs.filter(existsQuiet)];
}
function existsQuiet(p: string): boolean {
  try {
    readFileSync(join(ROOT, p));
    return true;
  } catch {
    return false;
  }
}

// A Markdown link with a (maybe escaped, maybe code) name, or an HTML <a> around <code>name</code>.
const LINK =
  /\[`?((?:[A-Za-z0-9]|\\?_)+)(?:\(\))?`?\]\((https:\/\/elixir\.bootlin\.com\/linux\/(v[0-9.]+)\/source\/([^#\s)]+)#L(\d+))|<a href="(https:\/\/elixir\.bootlin\.com\/linux\/(v[0-9.]+)\/source\/([^#"]+)#L(\d+))"[^>]*><code>([A-Za-z0-9_]+)<\/code>/g;

describe('the committed pages', () => {
  test('every Elixir line link lands on a line that holds its name', () => {
    let checked = 0;
    for (const page of committedPages()) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const m of text.matchAll(LINK)) {
        const name = (m[1] ?? m[10])!.replace(/\\_/g, '_');
        const [tag, file, line] = m[1] !== undefined ? [m[3]!, m[4]!, Number(m[5])] : [m[7]!, m[8]!, Number(m[9])];
        const tree = treeOfTag(tag);
        expect(tree, `${page}: ${tag} is not a known tree`).toBeDefined();
        const row = KERNEL_SYMBOLS.find((s) => s.tree === tree && s.file === file && s.line === line && s.name === name);
        expect(row, `${page}: ${name} → ${tag} ${file}:${line} is not in the table`).toBeDefined();
        expect(holds(row!.kind, name, fileLines(tree!, file)[line - 1] ?? ''), `${page}: ${file}:${line} holds ${name}`).toBe(true);
        checked++;
      }
    }
    // The pages link hundreds of names; none at all means the pattern or the pages broke.
    expect(checked).toBeGreaterThan(200);
  });
});

describe('the link pass over hand-written pages', () => {
  test('links kernel names, hunks and citations; leaves code, headings and other links alone; idempotent', () => {
    const page = [
      '# `dma_chan_put` in a heading',
      'Then `dma_chan_put()` and `dma_device_put`, `not_kernel`, [`dma_chan_get`](../x.md) and [see `dmaengine_get` here](y.md).',
      'RFC hunk `@@ -767,14 +848,22 @@`, kernel review D5, D16 of the kernel review, Garg-1, seed 3/7, Logan hunk @@-362, commit 8ad342a86359, `Fixes: 8ad342a86359`.',
      '```',
      '`dma_chan_put`',
      '```',
    ].join('\n');
    const out = linkCitations(page, 'spec/x.md');
    const lines = out.split('\n');
    expect(lines[0]).toBe(page.split('\n')[0]);
    expect(lines[1]).toBe(
      `Then [\`dma_chan_put()\`](${kernelSource('dma_chan_put')!.url} "v3.6 dmaengine.c:247") and [\`dma_device_put\`](${kernelSource('dma_device_put')!.url} "v7.0 dmaengine.c:436"), \`not_kernel\`, [\`dma_chan_get\`](../x.md) and [see \`dmaengine_get\` here](y.md).`,
    );
    expect(lines[2]).toBe(
      'RFC hunk [`@@ -767,14 +848,22 @@`](../spec/sources.md#hunk-767), [kernel review D5](../spec/sources.md#kernel-review-d5), [D16 of the kernel review](../spec/sources.md#kernel-review-d16), [Garg-1](../spec/sources.md#garg-1), [seed 3/7](../spec/sources.md#the-rfc), Logan hunk [@@-362](../spec/sources.md#logan), commit ' +
        `[8ad342a86359](${KREF_COMMIT_URL}), \`Fixes: 8ad342a86359\`.`,
    );
    expect(lines.slice(3)).toEqual(page.split('\n').slice(3));
    expect(linkCitations(out, 'spec/x.md')).toBe(out);
  });

  test('a page may prefer a tree; a name the table no longer knows is unlinked again', () => {
    const page = '<!-- dmaspec-kernel-tree: linux-7.0 -->\n`dma_chan_put` and [`gone_name`](https://elixir.bootlin.com/linux/v3.6/source/x.c#L1 "v3.6 x.c:1")';
    expect(linkCitations(page, 'README.md').split('\n')[1]).toBe(
      `[\`dma_chan_put\`](${kernelSource('dma_chan_put', 'linux-7.0')!.url} "v7.0 dmaengine.c:496") and \`gone_name\``,
    );
  });

  test('every citation anchor is a heading of spec/sources.md, and every hunk cited there is a hunk of the RFC', () => {
    const sources = readFileSync(join(ROOT, 'spec', 'sources.md'), 'utf8');
    const anchors = new Set(
      [...sources.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const page of committedPages().filter((p) => p.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const m of text.matchAll(/sources\.md#([a-z0-9-]+)/g)) expect(anchors, `${page}: #${m[1]}`).toContain(m[1]);
    }
    for (const a of ['kernel review D2', 'Garg-2', 'seed 3/7', '@@-999']) expect(anchors).toContain(citationAnchor(a));
    const seeds = sharedFolder('seeds');
    const seed = seeds && readdirSync(seeds).find((f) => f.startsWith('002_'));
    if (!seeds || !seed) throw new Error('../shared/seeds/002_*.txt is missing');
    const patch = readFileSync(join(seeds, seed), 'utf8');
    for (const m of sources.matchAll(/`(@@ -\d+,\d+ \+\d+,\d+ @@)`/g)) expect(patch, m[1]).toContain(m[1]);
  });
});

describe('kernel links by design version (issue 31: mainline designs link mainline lines)', () => {
  const rule =
    'dma_async_device_unregister, its first part: __dma_async_device_channel_unregister of each channel, each under dma_list_mutex; the device stays listed and public';
  const labels = (prefer: KernelTreeName | undefined) => [...linkKernelNamesMarkdown(rule, (t) => t, prefer).matchAll(/"([^"]+)"\)/g)].map((m) => m[1]);

  test('a design names its tree: the kref designs mainline, the others none (3.6)', () => {
    expect(designKernelTree('kref')).toBe('linux-7.0');
    expect(designKernelTree('kref-fixed')).toBe('linux-7.0');
    expect(designKernelTree('kref-5-10')).toBe('linux-5.10.7');
    expect(designKernelTree('notifier')).toBeUndefined();
    expect(designKernelTree(undefined)).toBeUndefined();
  });

  test("ioh0.unregister's rule links 7.0's, 5.10.7's or 3.6's unregister by the design", () => {
    expect(labels(designKernelTree('kref'))).toEqual(['v7.0 dmaengine.c:1299', 'v7.0 dmaengine.c:1137', 'v7.0 dmaengine.c:60']);
    expect(labels(designKernelTree('kref-5-10'))).toEqual(['v5.10.7 dmaengine.c:1311', 'v5.10.7 dmaengine.c:1106', 'v5.10.7 dmaengine.c:58']);
    // 3.6 has no __dma_async_device_channel_unregister: the default falls to the first tree that has it.
    expect(labels(designKernelTree('baseline'))).toEqual(['v3.6 dmaengine.c:834', 'v7.0 dmaengine.c:1137', 'v3.6 dmaengine.c:66']);
  });

  test('a mainline page falls back to the other mainline tree before 3.6', () => {
    expect(kernelSource('nth_chan', 'linux-7.0')?.label).toBe('v3.6 dmaengine.c:380'); // no mainline row: 3.6
    expect(kernelSource('percpu_ref_get', 'linux-7.0')?.label).toBe('v5.10.7 percpu-refcount.h:220');
  });

  test('the rendered kref pages and traces link mainline’s unregister, never 3.6’s', () => {
    const unregister36 = 'v3.6/source/drivers/dma/dmaengine.c#L834';
    for (const page of ['docs/machines/release-kref.md', 'docs/machines/release-kref-5-10.md', 'docs/traces/default-kref-no-use-after-free.html']) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      expect(text, page).toContain(page.includes('5-10') ? 'v5.10.7/source/drivers/dma/dmaengine.c#L1311' : 'v7.0/source/drivers/dma/dmaengine.c#L1299');
      expect(text, page).not.toContain(unregister36);
    }
    expect(readFileSync(join(ROOT, 'docs/machines/release-notifier.md'), 'utf8')).toContain(unregister36);
  });
});
