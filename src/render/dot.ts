/**
 * Machine → Graphviz DOT. Compound and parallel states become clusters (the regions of a
 * parallel state dashed, the parallel state itself bold and marked ‖), each compound state
 * gets a black initial dot, final states a double border, and transitions are labelled
 * `event [guard] / actions`, eventless (`always`) ones dashed. Edges into or out of a
 * composite state end at its border (`compound=true` with `lhead`/`ltail`).
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import { allStates, asChart, type Chart, type ChartState, type ChartTransition } from './chart.ts';
import { escapeDotHtml, quoteDot } from './escape.ts';
import { LABEL_WIDTH, wrapText } from './wrap.ts';
import { entryOf } from '../lookup.ts';

/** How a chart is drawn. */
export interface DotOptions {
  /** Graph title drawn on top; defaults to the chart's id. */
  readonly title?: string;
  /** Layout direction; `LR` suits the chains of thread steps. */
  readonly rankdir?: 'LR' | 'TB';
  /** Show each state's description under its name (default true). */
  readonly descriptions?: boolean;
  /** Characters per label line (default {@link LABEL_WIDTH}). */
  readonly width?: number;
  /**
   * Draw transitions with the same source and target as one edge with stacked labels
   * (default true): a guarded choice between two outcomes then reads as one arrow.
   */
  readonly mergeParallelEdges?: boolean;
  /**
   * Lines of a "shared data" note drawn beside the states: the context every region reads
   * and writes, which is how the regions of a parallel machine interact.
   */
  readonly shared?: readonly string[];
}

const FONT = 'Helvetica';

/**
 * The SVG element id of the arrow from state `from` to state `to` (ids of the chart, not
 * the anchors the arrow is drawn between); eventless arrows end in `~`. One arrow carries
 * every candidate with the same ends, so the trace viewer can light up the one a step took.
 */
export function svgEdgeId(from: string, to: string, eventless = false): string {
  return `e-${from}->${to}${eventless ? '~' : ''}`;
}

/**
 * The SVG element id of a state's box (or a composite state's frame): `s-` and the state
 * id, stable across renders, so that the trace viewer can light up the active states.
 */
export function svgStateId(stateId: string): string {
  return `s-${stateId}`;
}

const isComposite = (s: ChartState) => s.type === 'compound' || s.type === 'parallel';

/** Lines joined into a Graphviz HTML-like label body, each escaped. */
function htmlLines(lines: readonly string[]): string {
  return lines.map(escapeDotHtml).join('<br/>');
}

/** The label of one transition as wrapped lines: event, [guard], / actions. */
export function transitionLines(t: ChartTransition, width: number = LABEL_WIDTH): string[] {
  const lines = wrapText(t.eventless ? 'always' : t.event, width);
  if (t.guard !== undefined) lines.push(...wrapText(`[${t.guard}]`, width));
  if (t.actions.length > 0) lines.push(...wrapText(`/ ${t.actions.join(', ')}`, width));
  return lines;
}

/** Converts an xstate machine, or a {@link Chart} already walked, to DOT text. */
export function toDot(machineOrChart: AnyStateMachine | Chart, options: DotOptions = {}): string {
  const chart = asChart(machineOrChart);
  const width = options.width ?? LABEL_WIDTH;
  const descriptions = options.descriptions ?? true;
  const rankdir = options.rankdir ?? 'LR';
  const states = allStates(chart);
  const byId = new Map(states.map((s) => [s.id, s]));
  const parentOf = new Map<string, ChartState>();
  for (const s of states) for (const c of s.children) parentOf.set(c.id, s);
  const clusterOf = new Map<string, string>();
  states.filter(isComposite).forEach((s, i) => clusterOf.set(s.id, `cluster_${i}`));

  // Every composite state has an anchor node inside its cluster, where edges to or from the
  // state attach: the initial dot of a compound state, an invisible point for a parallel one.
  const anchor = (s: ChartState) => `${s.id}#${s.type === 'compound' ? 'initial' : 'anchor'}`;
  const endpoint = (id: string) => {
    const s = byId.get(id);
    return s && isComposite(s) ? anchor(s) : id;
  };
  // A transition a composite state declares for itself (targetless, or back to itself)
  // applies in every one of its substates. Drawn on the initial dot it would read as a
  // step of the initial pseudo-state, so such loops go on an "in any state" box instead.
  const loopsOn = new Set(
    chart.transitions
      .filter((t) => (t.targets.length === 0 || t.targets.every((x) => x === t.source)) && isComposite(entryOf(byId, t.source, 'state')))
      .map((t) => t.source),
  );
  const anyState = (id: string) => `${id}#any`;
  const isAncestor = (a: string, b: string) => {
    for (let p = parentOf.get(b); p; p = parentOf.get(p.id)) if (p.id === a) return true;
    return false;
  };

  // Edges are written inside the innermost cluster holding both of their end nodes: dot
  // then keeps their labels inside that cluster's frame instead of across its border.
  const containerOf = (node: string, state: ChartState) => (isComposite(state) && node !== state.id ? state.id : (parentOf.get(state.id)?.id ?? chart.root.id));
  const chain = (id: string) => {
    const ids = [id];
    for (let p = parentOf.get(id); p; p = parentOf.get(p.id)) ids.push(p.id);
    return ids;
  };
  const scopeOf = (a: string, b: string) => {
    const up = new Set(chain(a));
    return chain(b).find((x) => up.has(x)) ?? chart.root.id;
  };
  const edgesIn = new Map<string, string[]>();
  const addEdge = (from: string, fromState: ChartState, to: string, toState: ChartState, attrs: string[]) => {
    const scope = scopeOf(containerOf(from, fromState), containerOf(to, toState));
    edgesIn.set(scope, [...(edgesIn.get(scope) ?? []), `${quoteDot(from)} -> ${quoteDot(to)} [${attrs.join(', ')}];`]);
  };

  // Initial-dot edges.
  for (const s of states) {
    if (s.type !== 'compound' || s.initial === undefined) continue;
    const target = entryOf(byId, s.initial, 'initial state');
    const attrs = ['arrowsize=0.6'];
    if (isComposite(target)) attrs.push(`lhead=${quoteDot(entryOf(clusterOf, target.id, 'cluster of state'))}`);
    addEdge(anchor(s), s, endpoint(target.id), target, attrs);
  }

  // Transitions, grouped by (source, target) when merging.
  interface Edge {
    from: string;
    to: string;
    lines: string[];
    eventless: boolean;
    tooltip: string[];
  }
  const edges = new Map<string, Edge>();
  const order: Edge[] = [];
  chart.transitions.forEach((t, i) => {
    for (const to of t.targets.length > 0 ? t.targets : [t.source]) {
      const key = options.mergeParallelEdges === false ? `${i}\u0000${to}` : `${t.source}\u0000${to}\u0000${t.eventless}`;
      let e = edges.get(key);
      if (!e) {
        e = { from: t.source, to, lines: [], eventless: t.eventless, tooltip: [] };
        edges.set(key, e);
        order.push(e);
      } else e.lines.push('┄┄┄┄');
      e.lines.push(...transitionLines(t, width));
      if (t.description) e.tooltip.push(t.description);
    }
  });
  for (const e of order) {
    const src = entryOf(byId, e.from, 'state');
    const dst = byId.get(e.to) ?? src;
    const attrs = [`label=<${htmlLines(e.lines)}>`];
    if (e.eventless) attrs.push('style=dashed');
    const self = e.from === e.to;
    if (!self && isComposite(src) && !isAncestor(e.from, e.to)) attrs.push(`ltail=${quoteDot(entryOf(clusterOf, src.id, 'cluster of state'))}`);
    if (!self && isComposite(dst) && !isAncestor(e.to, e.from)) attrs.push(`lhead=${quoteDot(entryOf(clusterOf, dst.id, 'cluster of state'))}`);
    if (e.tooltip.length > 0) attrs.push(`tooltip=${quoteDot(e.tooltip.join('; '))}`);
    attrs.push(`id=${quoteDot(svgEdgeId(e.from, e.to, e.eventless))}`, 'class="transition"');
    const onAny = self && loopsOn.has(e.from);
    addEdge(onAny ? anyState(e.from) : endpoint(e.from), src, onAny ? anyState(e.to) : endpoint(e.to), dst, attrs);
  }

  const out: string[] = [];
  const title = options.title ?? chart.id;
  out.push(`digraph ${quoteDot(chart.id)} {`);
  out.push(
    `  graph [compound=true, rankdir=${rankdir}, fontname=${quoteDot(FONT)}, fontsize=12, ` +
      `labelloc=t, label=<<b>${escapeDotHtml(title)}</b>>, nodesep=0.35, ranksep=0.45, newrank=true];`,
  );
  out.push(`  node [shape=box, style="rounded,filled", fillcolor="#f6f8fa", color="#57606a", fontname=${quoteDot(FONT)}, fontsize=10];`);
  out.push(`  edge [color="#57606a", fontname=${quoteDot(FONT)}, fontsize=9, arrowsize=0.7];`);

  const stateLabel = (s: ChartState, suffix = '') => {
    const body = `<b>${escapeDotHtml(s.key)}</b>${escapeDotHtml(suffix)}`;
    if (!descriptions || !s.description) return `<${body}>`;
    return `<${body}<br/><font point-size="8">${htmlLines(wrapText(s.description, width + 4))}</font>>`;
  };

  const emit = (s: ChartState, depth: number, inParallel: boolean) => {
    const pad = '  '.repeat(depth);
    if (!isComposite(s)) {
      const attrs = [`label=${stateLabel(s)}`, `id=${quoteDot(svgStateId(s.id))}`, 'class="state"'];
      if (s.type === 'final') attrs.push('peripheries=2');
      if (s.type === 'history') attrs.push('shape=circle');
      if (s.description) attrs.push(`tooltip=${quoteDot(s.description)}`);
      out.push(`${pad}${quoteDot(s.id)} [${attrs.join(', ')}];`);
      return;
    }
    const isRoot = s === chart.root;
    if (!isRoot) {
      const style = inParallel ? 'dashed,rounded' : s.type === 'parallel' ? 'bold,rounded' : 'rounded';
      // margin: dot sizes a frame by its nodes, and an edge label beside them would
      // otherwise cross the border.
      out.push(`${pad}subgraph ${quoteDot(entryOf(clusterOf, s.id, 'cluster of state'))} {`);
      out.push(`${pad}  label=${stateLabel(s, s.type === 'parallel' ? ' ‖' : '')}; style=${quoteDot(style)}; color="#8c959f"; labeljust=l; margin=20;`);
      out.push(`${pad}  id=${quoteDot(svgStateId(s.id))}; class="state";`);
    }
    const inner = pad + '  ';
    if (s.type === 'compound') out.push(`${inner}${quoteDot(anchor(s))} [shape=point, width=0.12, style=filled, fillcolor=black, label=""];`);
    else out.push(`${inner}${quoteDot(anchor(s))} [shape=point, width=0.01, style=invis, label=""];`);
    // Left-to-right, dot stacks disconnected parts (the regions of a parallel state) bottom
    // up; emitting them in reverse keeps the document order top down.
    const children = s.type === 'parallel' && rankdir === 'LR' ? [...s.children].reverse() : s.children;
    if (loopsOn.has(s.id))
      out.push(
        `${inner}${quoteDot(anyState(s.id))} [label=<<i>in any state of ${escapeDotHtml(s.key)}</i>>, style="dashed,rounded", fillcolor=white, fontsize=9];`,
      );
    for (const c of children) emit(c, depth + 1, s.type === 'parallel');
    for (const e of edgesIn.get(s.id) ?? []) out.push(inner + e);
    if (!isRoot) out.push(`${pad}}`);
  };
  emit(chart.root, 0, false);
  if (options.shared && options.shared.length > 0)
    out.push(
      `  "#shared" [shape=note, style=filled, fillcolor="#fff8c5", color="#9a6700", fontsize=9, label=<<b>shared data (context)</b><br/>${htmlLines(options.shared.flatMap((l) => wrapText(l, width + 8)))}>];`,
    );

  out.push('}');
  return out.join('\n') + '\n';
}
