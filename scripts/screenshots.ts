/**
 * `tsx scripts/screenshots.ts`: the screenshots under docs/screenshots/, taken in Debian's
 * Chromium at 1400 px — the trace viewer on the false-zero counterexample (its last step,
 * the false zero) and the design comparison page of the TypeDoc site. Regenerate after
 * `npm run docs` when the pages change; the layout browser tests keep each under 300 KB.
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { viewerFile } from '../src/render/site.ts';
import { buildSite, launchChromium, serveDir } from './browser.ts';
import { ROOT } from './docs.ts';

const OUT = join(ROOT, 'docs', 'screenshots');

/** Takes both screenshots; returns their paths and sizes. */
export async function takeScreenshots(): Promise<{ path: string; bytes: number }[]> {
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'dmaspec-shots-'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const shots: string[] = [];
    // The viewer at the false zero, tall enough to show the quiescer's region beside the clients'.
    await page.setViewportSize({ width: 1400, height: 1080 });
    const viewer = join(ROOT, 'docs', viewerFile('migrating', 'rfc-wait', 'no-false-zero'));
    await page.goto(`${pathToFileURL(viewer).href}#14`);
    shots.push(join(OUT, 'viewer-false-zero-1400.png'));
    await page.screenshot({ path: shots[0]! });
    const site = join(tmp, 'site');
    const build = buildSite(ROOT, ['--out', site]);
    if (build.status !== 0) throw new Error(`typedoc failed:\n${build.output}`);
    const server = await serveDir(site);
    try {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page.goto(`${server.url}documents/docs_comparison.html`, { waitUntil: 'load' });
      shots.push(join(OUT, 'comparison-1400.png'));
      await page.screenshot({ path: shots[1]! });
    } finally {
      await server.close();
    }
    return shots.map((path) => ({ path, bytes: statSync(path).size }));
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const s of await takeScreenshots()) process.stdout.write(`${s.path}: ${Math.round(s.bytes / 1024)} KB\n`);
}
