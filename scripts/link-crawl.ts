/**
 * The repository's Markdown and HTML pages as GitHub shows them: every link, checked
 * without a network. A relative link must name a file of the checkout and, with a
 * `#anchor`, a heading of that page (GitHub's slugs) or an element id; an absolute link
 * must be well formed (https or mailto, a host name that is not a file name — TypeDoc
 * once turned a bare `threads.md` into `http://threads.md`). Used by
 * test/external/links.test.ts.
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a page offers: heading slugs (with GitHub's -1, -2 for repeats) and explicit ids/names. */
export function anchorsOf(text: string, isMarkdown: boolean): Set<string> {
  const out = new Set<string>();
  if (isMarkdown) {
    let fence = false;
    const seen = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) fence = !fence;
      const m = !fence && /^#{1,6} (.+?)\s*#*$/.exec(line);
      if (!m) continue;
      const slug = githubSlug(m[1]!);
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      out.add(n === 0 ? slug : `${slug}-${n}`);
    }
  }
  for (const m of text.matchAll(/\b(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  return out;
}

/** Every link target of a page: Markdown links and images, reference definitions, and href/src attributes. */
export function linksOf(text: string, isMarkdown: boolean): string[] {
  const out: string[] = [];
  if (isMarkdown) {
    // Code spans and fenced blocks hold no links.
    const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
    for (const m of prose.matchAll(/^\s*\[[^\]]+\]:\s+(\S+)/gm)) out.push(m[1]!);
  }
  for (const m of text.matchAll(/\b(?:href|src)="([^"]+)"/g)) if (!m[1]!.startsWith('data:')) out.push(m[1]!);
  return out;
}

/** Why an absolute URL is malformed, or undefined when it looks right. */
export function badExternal(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.protocol === 'mailto:') return undefined;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `protocol ${u.protocol}`;
  if (!/\.[a-z]{2,}$/i.test(u.hostname)) return `host ${u.hostname} is not a domain`;
  if (/\.(md|ts|js|mjs|json|html|txt|svg|png|c|h)$/i.test(u.hostname)) return `host ${u.hostname} is a file name (a relative link made absolute)`;
  return undefined;
}

/** The pages of the checkout a reader browses: README, spec/, docs/ (with machines/, traces/), design READMEs, examples. */
export function repositoryPages(root: string): string[] {
  const list = (dir: string, ext: RegExp) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .filter((f) => ext.test(f))
          .map((f) => join(dir, f))
      : [];
  const designs = readdirSync(join(root, 'src', 'designs'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'src', 'designs', d.name, 'README.md')))
    .map((d) => join('src', 'designs', d.name, 'README.md'));
  return [
    'README.md',
    ...list('spec', /\.md$/),
    ...list('docs', /\.md$/),
    ...list('docs/machines', /\.md$/),
    ...list('docs/traces', /\.html$/),
    ...designs,
    ...list('examples', /\.md$/),
  ];
}

/** Every broken link of the repository's pages, as `page: target (why)`. */
export function brokenRepositoryLinks(root: string): { checked: number; broken: string[] } {
  const anchors = new Map<string, Set<string>>();
  const anchorsAt = (file: string) => {
    if (!anchors.has(file)) anchors.set(file, anchorsOf(readFileSync(file, 'utf8'), file.endsWith('.md')));
    return anchors.get(file)!;
  };
  const broken: string[] = [];
  let checked = 0;
  for (const page of repositoryPages(root)) {
    const file = join(root, page);
    for (const link of linksOf(readFileSync(file, 'utf8'), page.endsWith('.md'))) {
      checked++;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
        const why = badExternal(link);
        if (why) broken.push(`${page}: ${link} (${why})`);
        continue;
      }
      const [path, hash] = link.split('#', 2) as [string, string | undefined];
      const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!existsSync(target)) {
        broken.push(`${page}: ${link} (no file ${relative(root, target)})`);
        continue;
      }
      if (hash && statSync(target).isFile() && /\.(md|html)$/.test(target) && !anchorsAt(target).has(decodeURIComponent(hash)))
        broken.push(`${page}: ${link} (no anchor #${hash} in ${relative(root, target)})`);
    }
  }
  return { checked, broken };
}
