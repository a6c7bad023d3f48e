/**
 * Looking at the docs as a reader does: Debian's Chromium driven by playwright-core, a
 * throw-away static file server on 127.0.0.1, a TypeDoc build into a temporary folder,
 * and a page check (every image loaded, every same-site link and anchor resolving). Used
 * by test/external/browser.test.ts and scripts/check-mermaid.ts.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); the test never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, sandbox-free headless run that touches no network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium with a fresh profile folder; throws a clear message when it is missing. */
export async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the docs browser test needs Debian's Chromium (apt-get install -y chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'dmaspec-chromium-'));
  // playwright passes the profile folder as --user-data-dir; it refuses the flag in args.
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** A static server over `dir` on 127.0.0.1 and an ephemeral port. */
export async function serveDir(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Runs TypeDoc (the repository's typedoc.json plus `args`) and returns its output. */
export function buildSite(root: string, args: readonly string[]): { status: number | null; output: string } {
  const bin = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const run = spawnSync(process.execPath, [bin, '--options', join(root, 'typedoc.json'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** What one page showed. */
export interface PageReport {
  readonly url: string;
  /** Every <img>: its src and whether the browser decoded it (naturalWidth > 0). */
  readonly images: readonly { src: string; loaded: boolean }[];
  /** Same-site links (absolute URLs, hash included). */
  readonly links: readonly string[];
  /** Links to other sites, checked for form only (scripts/link-crawl.ts `badExternal`). */
  readonly external: readonly string[];
}

/** Opens `url`, waits for the images, and lists images and same-site links. */
export async function inspectPage(page: Page, url: string): Promise<PageReport> {
  const res = await page.goto(url, { waitUntil: 'load' });
  if (res?.status() !== 200) throw new Error(`${url}: HTTP ${res?.status()}`);
  const origin = new URL(url).origin;
  // Runs in the page; the project compiles without DOM types, so the page globals are
  // reached through a narrow structural type.
  return page.evaluate(async (origin) => {
    type Img = { complete: boolean; naturalWidth: number; src: string; onload: unknown; onerror: unknown };
    const doc = (globalThis as unknown as { document: { images: ArrayLike<Img>; querySelectorAll(s: string): ArrayLike<{ href: string }> } }).document;
    const imgs = Array.from(doc.images);
    await Promise.all(imgs.map((img) => (img.complete ? null : new Promise((ok) => ((img.onload = ok), (img.onerror = ok))))));
    const all = Array.from(doc.querySelectorAll('a[href]')).map((a) => a.href);
    const links = all.filter((h) => h.startsWith(origin));
    const external = all.filter((h) => !h.startsWith(origin) && !h.startsWith('javascript:'));
    const here = (globalThis as unknown as { location: { href: string } }).location.href;
    return { url: here, images: imgs.map((i) => ({ src: i.src, loaded: i.naturalWidth > 0 })), links: [...new Set(links)], external: [...new Set(external)] };
  }, origin);
}

/**
 * Same-site links that do not resolve: the page answers non-200, or the `#anchor` names no
 * element id on it. Fetches each page once.
 */
export async function brokenLinks(links: readonly string[]): Promise<string[]> {
  const pages = new Map<string, Promise<{ status: number; html: string }>>();
  const get = (u: string) => {
    if (!pages.has(u))
      pages.set(
        u,
        fetch(u).then(async (r) => ({ status: r.status, html: r.ok ? await r.text() : '' })),
      );
    return pages.get(u)!;
  };
  const checks = links.map(async (link) => {
    const u = new URL(link);
    const hash = decodeURIComponent(u.hash.slice(1));
    u.hash = '';
    const { status, html } = await get(u.href);
    if (status !== 200) return `${link} (HTTP ${status})`;
    if (hash !== '' && u.pathname.endsWith('.html') && !html.includes(`id="${hash}"`) && !html.includes(`name="${hash}"`))
      return `${link} (no element with id ${hash})`;
    return undefined;
  });
  const broken = (await Promise.all(checks)).filter((b): b is string => b !== undefined);
  return broken;
}

/**
 * Elements sticking out of their page's content column (`root`, default the TypeDoc
 * `.col-content`, else `body`): a right edge past the column's, not inside a horizontal
 * scroll container. Each as `tag.class "text…" right > column right`. Empty means the page
 * fits: what scrolls, scrolls inside the column.
 */
export async function overflowing(page: Page, root = '.col-content'): Promise<string[]> {
  return page.evaluate((rootSel) => {
    type El = {
      tagName: string;
      className: unknown;
      textContent: string | null;
      parentElement: El | null;
      getBoundingClientRect(): { left: number; right: number; width: number; height: number };
      querySelectorAll(s: string): ArrayLike<El>;
    };
    const g = globalThis as unknown as {
      document: { querySelector(s: string): El | null; body: El; documentElement: { clientWidth: number } };
      getComputedStyle(e: El): { overflowX: string; display: string; visibility: string };
    };
    const col = g.document.querySelector(rootSel) ?? g.document.body;
    const limit = Math.min(col.getBoundingClientRect().right, g.document.documentElement.clientWidth);
    const out: string[] = [];
    for (const el of Array.from(col.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= limit + 1) continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== col && !clipped; a = a.parentElement) clipped = g.getComputedStyle(a).overflowX !== 'visible';
      if (clipped) continue;
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
      out.push(`${el.tagName.toLowerCase()}${cls} "${(el.textContent ?? '').trim().slice(0, 40)}" ${Math.round(r.right)} > ${Math.round(limit)}`);
    }
    return out;
  }, root);
}
