/**
 * The docs as a reader gets them: TypeDoc sites opened in headless Chromium. Every image
 * of every documentation page must decode (a statechart that fails to load is an empty
 * box, which no unit test of the converters would notice) and every same-site link and
 * anchor must resolve.
 *
 * Two sites: one built from docs generated here from the fixture catalogue (so the
 * pipeline machine → SVG → Markdown → TypeDoc → browser is tested whatever the real
 * catalogue holds), and the repository's own site from the committed docs/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main as docsMain } from '../../scripts/docs.ts';
import { brokenLinks, buildSite, CHROMIUM, inspectPage, launchChromium, serveDir, type PageReport } from '../../scripts/browser.ts';
import { badExternal } from '../../scripts/link-crawl.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test', 'docs', 'fixtures');

let tmp: string;
let browser: BrowserContext | undefined;
let page: Page;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dmaspec-docs-'));
  if (existsSync(CHROMIUM)) {
    browser = await launchChromium();
    page = await browser.newPage();
  }
});

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Every documentation page of a built site (the project documents plus the front page). */
function documentPages(site: string): string[] {
  const docs = join(site, 'documents');
  return [
    'index.html',
    ...(existsSync(docs)
      ? readdirSync(docs)
          .filter((f) => f.endsWith('.html'))
          .sort()
          .map((f) => `documents/${f}`)
      : []),
  ];
}

/** Serves `site`, inspects its documentation pages, and returns what they showed. */
async function inspectSite(site: string): Promise<{ reports: PageReport[]; broken: string[] }> {
  if (!browser) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  const server = await serveDir(site);
  try {
    const reports: PageReport[] = [];
    for (const p of documentPages(site)) reports.push(await inspectPage(page, server.url + p));
    // The trace viewers TypeDoc copies to media/: their own links (the way back) too.
    const viewers = [...new Set(reports.flatMap((r) => r.links).filter((l) => /\/media\/[^/]+\.html(#|$)/.test(l)))].map((l) => l.replace(/#.*/, ''));
    for (const v of [...new Set(viewers)]) reports.push(await inspectPage(page, v));
    const broken = await brokenLinks([...new Set(reports.flatMap((r) => r.links))]);
    // Other sites are not fetched (no network); a malformed one (http://threads.md) is broken.
    for (const r of reports) for (const e of r.external) if (badExternal(e)) broken.push(`${r.url}: ${e} (${badExternal(e)})`);
    return { reports, broken };
  } finally {
    await server.close();
  }
}

const statecharts = (reports: PageReport[]) => reports.flatMap((r) => r.images).filter((i) => /\/media\/[^/]+\.svg$/.test(i.src));

describe('docs site in headless Chromium', () => {
  test('Chromium is installed where the test drives it', () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: CI needs \`apt-get install -y chromium\``).toBe(true);
  });

  test('a site from the fixture catalogue shows every statechart and has no broken link', async () => {
    const status = await docsMain(['--catalogue', join(FIXTURES, 'catalogue.ts'), '--check-json', join(FIXTURES, 'check.json'), '--out', tmp]);
    expect(status).toBe(0);
    const site = join(tmp, 'fixture-site');
    // TypeDoc 0.28 cannot expand document globs under different roots (/tmp and the
    // checkout): the spec pages the index links to are copied next to the fixture docs.
    cpSync(join(ROOT, 'spec'), join(tmp, 'spec'), { recursive: true });
    // So are the machine and source files the spec's rules link, and the design guide
    // spec/release-designs.md links with the files the guide links.
    for (const dir of ['machines', 'src', 'examples', 'test/designs']) cpSync(join(ROOT, dir), join(tmp, dir), { recursive: true });
    cpSync(join(ROOT, 'docs', 'writing-a-design.md'), join(tmp, 'docs', 'writing-a-design.md'));
    // The conclusions page links the hot-path benchmark's README.
    mkdirSync(join(tmp, 'bench', 'hotpath'), { recursive: true });
    cpSync(join(ROOT, 'bench', 'hotpath', 'README.md'), join(tmp, 'bench', 'hotpath', 'README.md'));
    // One small entry point and a tsconfig holding only it: TypeDoc then loads one module
    // instead of the whole project.
    const tsconfig = join(tmp, 'tsconfig.json');
    writeFileSync(tsconfig, JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), include: [join(ROOT, 'src', 'render', 'wrap.ts')] }));
    const build = buildSite(ROOT, [
      '--projectDocuments',
      join(tmp, 'docs', '*.md'),
      '--projectDocuments',
      join(tmp, 'docs', 'machines', '*.md'),
      '--projectDocuments',
      join(tmp, 'spec', '*.md'),
      '--tsconfig',
      tsconfig,
      '--entryPoints',
      join(ROOT, 'src', 'render', 'wrap.ts'),
      '--readme',
      'none',
      '--validation.notDocumented',
      'false',
      '--out',
      site,
    ]);
    expect(build.status, build.output).toBe(0);
    const { reports, broken } = await inspectSite(site);
    const charts = statecharts(reports);
    // fixture and user: one drawing each; wide: an overview and eight regions.
    expect(charts.map((c) => c.src.replace(/.*\/media\//, '')).sort()).toEqual(
      ['fixture.svg', 'user.svg', 'wide.svg', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `wide.ioh${i}.svg`)].sort(),
    );
    expect(charts.filter((c) => !c.loaded)).toEqual([]);
    expect(broken).toEqual([]);
    // The comparison, machine and spec pages all made it into the site.
    const pages = reports.map((r) => r.url.replace(/.*\//, ''));
    for (const name of ['comparison.html', 'machines_fixture.html', 'machines_user.html', 'machines_wide.html', 'spec_threads.html'])
      expect(
        pages.some((p) => p.endsWith(name)),
        `${name} among ${pages.join(', ')}`,
      ).toBe(true);
  });

  test('the repository site shows every committed statechart and has no broken link', async () => {
    const site = join(tmp, 'site');
    const build = buildSite(ROOT, ['--out', site]);
    expect(build.status, build.output).toBe(0);
    const { reports, broken } = await inspectSite(site);
    // As many statechart images as the committed machine pages embed.
    const machinesDir = join(ROOT, 'docs', 'machines');
    const embedded = existsSync(machinesDir)
      ? readdirSync(machinesDir)
          .filter((f) => f.endsWith('.md'))
          .flatMap((f) => readFileSync(join(machinesDir, f), 'utf8').match(/!\[[^\]]*\]\(\.\/[^)]+\.svg\)/g) ?? [])
      : [];
    const charts = statecharts(reports);
    expect(charts.length).toBe(embedded.length);
    expect(charts.filter((c) => !c.loaded)).toEqual([]);
    expect(reports.flatMap((r) => r.images).filter((i) => !i.loaded)).toEqual([]);
    expect(broken).toEqual([]);
  });
});
