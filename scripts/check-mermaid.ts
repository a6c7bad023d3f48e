/**
 * `tsx scripts/check-mermaid.ts [--dir DIR] [--shots DIR]`: renders every Mermaid block of
 * the Markdown under DIR (default docs/) with Mermaid itself in headless Chromium, and
 * exits 1 naming each block that does not parse, shows an undecoded entity code, or
 * draws two labels over each other (their boxes overlap: {@link overlappingLabels}).
 * `--shots DIR` also writes a PNG of each diagram, to look at.
 *
 * Mermaid is not a dependency of dmaspec (the docs site shows the Graphviz SVGs; GitHub
 * draws the Mermaid blocks itself), so this check runs where `mermaid` is installed
 * (`npm i --no-save mermaid@11`) and says so plainly where it is not (exit 2).
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from './browser.ts';

/** One ```mermaid block: the file it is in and its 1-based index there. */
export interface MermaidBlock {
  readonly file: string;
  readonly index: number;
  readonly text: string;
}

/** Every Mermaid block of the Markdown files under `dir`, in path order. */
export function mermaidBlocks(dir: string): MermaidBlock[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.md')) files.push(p);
    }
  };
  walk(dir);
  return files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m, i) => ({ file, index: i + 1, text: m[1]! })));
}

/** A drawn label: its text and its box in page pixels. */
export interface LabelBox {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Pairs of labels whose boxes overlap by more than `minArea` square pixels (a touch of
 * anti-aliasing is not an overlap), as `"a" over "b"`. Quadratic, and diagrams have tens
 * of labels: cheap.
 */
export function overlappingLabels(labels: readonly LabelBox[], minArea = 4): string[] {
  const out: string[] = [];
  labels.forEach((a, i) => {
    for (const b of labels.slice(i + 1)) {
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (w > 0 && h > 0 && w * h > minArea) out.push(`"${a.text}" over "${b.text}"`);
    }
  });
  return out;
}

/** Runs the check; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string', default: 'docs' }, shots: { type: 'string' } } });
  let mermaidJs: string;
  try {
    mermaidJs = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
  } catch {
    process.stderr.write('check-mermaid: the mermaid package is not installed (npm i --no-save mermaid@11)\n');
    return 2;
  }
  const dir = resolve(values.dir!);
  if (!existsSync(dir)) {
    process.stderr.write(`check-mermaid: no folder ${values.dir}\n`);
    return 2;
  }
  const blocks = mermaidBlocks(dir);
  if (values.shots) mkdirSync(values.shots, { recursive: true });
  const browser = await launchChromium();
  const bad: string[] = [];
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: mermaidJs });
    for (const b of blocks) {
      // mermaid.run is the path pages use (it decodes entity codes); render() alone does not.
      const shown = await page.evaluate(async (text) => {
        const g = globalThis as any;
        g.mermaid.initialize({ startOnLoad: false });
        const out = g.document.getElementById('out');
        out.innerHTML = '';
        const pre = g.document.createElement('pre');
        pre.className = 'mermaid';
        pre.textContent = text;
        out.appendChild(pre);
        try {
          await g.mermaid.run({ nodes: [pre], suppressErrors: false });
        } catch (err) {
          return {
            error: String((err as { message?: string }).message ?? err)
              .split('\n')
              .slice(0, 3)
              .join(' '),
          };
        }
        const labels = [...pre.querySelectorAll('foreignObject, text')].map((e: any) => e.textContent).join(' ');
        // Edge labels (state and flow charts) and message texts (sequence diagrams) with text.
        // Mermaid nests a span.edgeLabel in each g.edgeLabel: only the outermost counts.
        const boxes = [...pre.querySelectorAll('.edgeLabel, .messageText')]
          .filter((e: any) => !e.parentElement?.closest('.edgeLabel'))
          .map((e: any) => ({ text: String(e.textContent ?? '').trim(), r: e.getBoundingClientRect() }))
          .filter((l: any) => l.text !== '' && l.r.width > 0 && l.r.height > 0)
          .map((l: any) => ({ text: l.text, x: l.r.x, y: l.r.y, width: l.r.width, height: l.r.height }));
        return { labels, boxes };
      }, b.text);
      const where = `${relative(process.cwd(), b.file)} block ${b.index}`;
      if ('error' in shown) bad.push(`${where}: ${shown.error}`);
      else if (/ﬂ°|¶ß/.test(shown.labels!)) bad.push(`${where}: an entity code was not decoded`);
      else for (const o of overlappingLabels(shown.boxes!)) bad.push(`${where}: labels overlap: ${o}`);
      if (values.shots && !('error' in shown)) {
        const el = await page.$('#out svg');
        await el?.screenshot({ path: join(values.shots, `${relative(dir, b.file).replace(/[/.]/g, '_')}-${b.index}.png`) });
      }
    }
  } finally {
    await browser.close();
  }
  for (const b of bad) process.stderr.write(`check-mermaid: ${b}\n`);
  process.stdout.write(`check-mermaid: ${blocks.length} Mermaid blocks, ${bad.length} bad\n`);
  return bad.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
