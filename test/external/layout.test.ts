/**
 * The repository's documentation site at the widths a kernel developer reads it at: every
 * documentation page, at 1280 and 1400 px, keeps every element inside its content column
 * (wide tables scroll inside it, drawings shrink to it), and the comparison page's
 * screenshot stays small. Needs /usr/bin/chromium and a TypeDoc build (`npm run test:external`).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSite, launchChromium, overflowing, serveDir } from '../../scripts/browser.ts';

const ROOT = resolve(import.meta.dirname, '../..');

let browser: BrowserContext;
let page: Page;
let tmp: string;
let site: string;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dmaspec-layout-'));
  site = join(tmp, 'site');
  const build = buildSite(ROOT, ['--out', site]);
  if (build.status !== 0) throw new Error(`typedoc failed:\n${build.output}`);
  server = await serveDir(site);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The front page (the README) and every documentation page. */
const documents = () => [
  '../index.html',
  ...readdirSync(join(site, 'documents'))
    .filter((f) => f.endsWith('.html'))
    .sort(),
];

describe('docs site layout in headless Chromium', () => {
  test.each([1280, 1400])('at %i px no element of a documentation page is wider than its column', async (width) => {
    await page.setViewportSize({ width, height: 900 });
    const pages = documents();
    expect(pages).toEqual(expect.arrayContaining(['docs_comparison.html', 'docs_machines_system.html', 'spec_quiesce.html']));
    const bad: string[] = [];
    for (const p of pages) {
      await page.goto(`${server.url}documents/${p}`, { waitUntil: 'load' });
      for (const o of await overflowing(page)) bad.push(`${p}: ${o}`);
    }
    expect(bad).toEqual([]);
    // The check sees an overflow when there is one: a too-wide block, and a wide table without its scroll box.
    await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { insertAdjacentHTML(w: string, h: string): void } } }).document;
      d.querySelector('.tsd-typography').insertAdjacentHTML(
        'beforeend',
        '<div style="width: 3000px">wide</div><table style="display: table; overflow-x: visible"><tr><td style="white-space: nowrap">' +
          'x'.repeat(400) +
          '</td></tr></table>',
      );
    });
    expect((await overflowing(page)).length).toBeGreaterThanOrEqual(2);
  });

  test("the README's terminal table keeps its lines on the front page (it scrolls, it does not wrap)", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}index.html`, { waitUntil: 'load' });
    const pre = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null; getClientRects(): ArrayLike<unknown> }> };
        getComputedStyle(e: unknown): { whiteSpace: string };
      };
      const block = Array.from(g.document.querySelectorAll('.tsd-typography pre')).find((p) => (p.textContent ?? '').includes('┌'));
      return block ? { whiteSpace: g.getComputedStyle(block).whiteSpace, lines: (block.textContent ?? '').split('\n').length } : undefined;
    });
    expect(pre, 'the README shows a terminal table').toBeDefined();
    expect(pre!.whiteSpace).toBe('pre');
  });

  test('the comparison table shows every design column without scrolling at 1400 px', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`${server.url}documents/docs_comparison.html`, { waitUntil: 'load' });
    // The first table is the verdict table: its scroll width fits its box.
    const fit = await page.evaluate(() => {
      const t = (globalThis as unknown as { document: { querySelector(s: string): { scrollWidth: number; clientWidth: number } } }).document.querySelector(
        '.tsd-typography table',
      );
      return { scroll: t.scrollWidth, client: t.clientWidth };
    });
    expect(fit.scroll).toBeLessThanOrEqual(fit.client + 1);
    const shot = join(tmp, 'comparison-1400.png');
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeLessThan(300 * 1024);
  });
});
