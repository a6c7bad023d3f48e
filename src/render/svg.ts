/**
 * DOT → SVG with Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`): no native
 * `dot` binary and no network, so `npm run docs` works wherever `npm ci` did.
 * @module
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';

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
