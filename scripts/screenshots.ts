/**
 * `tsx scripts/screenshots.ts`: the screenshots under docs/screenshots/, taken in Debian's
 * Chromium at 1280 px (a laptop screen) — the trace viewer on the false-zero counterexample
 * mid-trace, the kref viewer at its last step (the free under a holder), and the
 * conclusions and comparison pages of the TypeDoc site. Regenerate after `npm run docs`
 * when the pages change; the layout browser tests keep each under 300 KB.
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
    const shoot = async (url: string, name: string, height: number) => {
      await page.setViewportSize({ width: 1280, height });
      await page.goto(url, { waitUntil: 'load' });
      shots.push(join(OUT, name));
      await page.screenshot({ path: shots.at(-1)! });
    };
    const viewer = (scenario: string, design: string, property: string) => pathToFileURL(join(ROOT, 'docs', viewerFile(scenario, design, property))).href;
    // Mid-trace: the migrating client's increment has landed on the CPU already read.
    await shoot(`${viewer('migrating', 'rfc-wait', 'no-false-zero')}#14`, 'viewer-false-zero-1280.png', 1000);
    await shoot(`${viewer('default', 'kref', 'no-use-after-free')}#6`, 'viewer-kref-1280.png', 1000);
    const site = join(tmp, 'site');
    const build = buildSite(ROOT, ['--out', site]);
    if (build.status !== 0) throw new Error(`typedoc failed:\n${build.output}`);
    const server = await serveDir(site);
    try {
      await shoot(`${server.url}documents/docs_conclusions.html`, 'conclusions-1280.png', 1000);
      await shoot(`${server.url}documents/docs_comparison.html`, 'comparison-1280.png', 1000);
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
