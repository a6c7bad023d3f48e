/**
 * DOT → SVG with Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`): no native
 * `dot` binary and no network, so `npm run docs` works wherever `npm ci` did.
 * @module
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { Chart } from './chart.ts';
import { toDot, type DotOptions } from './dot.ts';

let loading: Promise<Graphviz> | undefined;

/** The Graphviz instance, loaded once per process (the WebAssembly load is the slow part). */
function graphviz(): Promise<Graphviz> {
  loading ??= Graphviz.load();
  return loading;
}

/**
 * Lays out DOT text with the `dot` engine and returns the SVG document.
 * @throws Error with Graphviz's message when the DOT text does not parse.
 */
export async function renderSvg(dot: string): Promise<string> {
  const gv = await graphviz();
  return gv.dot(dot, 'svg');
}

/** Width and height of a Graphviz SVG in points (its `width="…pt" height="…pt"`). */
export function svgSize(svg: string): { width: number; height: number } {
  const w = /<svg[^>]*\swidth="([\d.]+)pt"/.exec(svg);
  const h = /<svg[^>]*\sheight="([\d.]+)pt"/.exec(svg);
  if (!w || !h) throw new Error('svgSize: no width/height in points on the <svg> element');
  return { width: Number(w[1]), height: Number(h[1]) };
}

/**
 * Width, in points, of the column a docs page shows an image in: about 720 CSS px, the
 * TypeDoc content column on a 1440 px screen (GitHub's is wider, so this errs on the
 * readable side).
 */
export const PAGE_WIDTH = 540;

/** A drawn chart: the DOT text, its SVG and the direction chosen. */
export interface DrawnChart {
  readonly dot: string;
  readonly svg: string;
  readonly rankdir: 'LR' | 'TB';
  /** How much a page of {@link PAGE_WIDTH} shrinks it: 1 when it fits. */
  readonly scale: number;
}

/**
 * Draws a chart both left-to-right and top-down and keeps the layout that a page of
 * {@link PAGE_WIDTH} shrinks least: a long chain of steps reads well across, a wide
 * parallel system reads better stacked. Ties go to left-to-right. Deterministic.
 */
export async function drawChart(chart: Chart, options: Omit<DotOptions, 'rankdir'> = {}): Promise<DrawnChart> {
  let best: DrawnChart | undefined;
  for (const rankdir of ['LR', 'TB'] as const) {
    const dot = toDot(chart, { ...options, rankdir });
    const svg = await renderSvg(dot);
    const { width, height } = svgSize(svg);
    // Shrink factor to fit the page width, and a tall drawing is penalised like a wide one
    // (a reader scrolls, but a 3:1 tall strip wastes the page as much as a squashed one).
    const scale = Math.min(1, PAGE_WIDTH / width, (PAGE_WIDTH * 1.5) / height);
    if (!best || scale > best.scale + 1e-9) best = { dot, svg, rankdir, scale };
  }
  return best!;
}
