/**
 * The trace viewer: one static HTML page per counterexample (no server, no network),
 * stepping forward and back through the trace while each thread's statechart (the SVG the
 * docs already draw, inlined) lights up its active states, and the shared variables of the
 * state (per-CPU refs, key, dirty, the quiesce's sum and count, client counts, cached
 * pointers: whatever the trace's lens names) stand beside it, the ones the step changed
 * marked. Each step names the kernel function it follows, linked to the source line.
 *
 * The page's script only moves a cursor: every state, note and link is computed here, at
 * generation time, from the checker's JSON (explain.ts), so the page shows nothing the
 * Markdown tables do not.
 * @module
 */
import type { Chart } from './chart.ts';
import { svgEdgeId, svgStateId } from './dot.ts';
import { statesOf, stepNote } from './explain.ts';
import { kernelSource } from './kernel-source.ts';
import { designKernelTree, type KernelTreeName } from './kernel-symbols.ts';
import { eventText } from '../../spec/vocabulary.ts';
import type { TraceJson } from '../check/json.ts';

/** One drawn region (a thread) of the machine the trace ran on. */
export interface ViewerRegion {
  readonly key: string;
  /** The Graphviz SVG document of the region. */
  readonly svg: string;
}

/** What a viewer page shows. */
export interface ViewerInput {
  readonly design: string;
  readonly property: string;
  readonly scenario: string;
  readonly scenarioText?: string;
  readonly trace: TraceJson;
  readonly regions: readonly ViewerRegion[];
  /** The machine's chart, to find the arrow each step took (none: no arrow lit). */
  readonly chart?: Chart;
  /** Link back to the trace's table on the comparison page. */
  readonly back: string;
}

/** One frame of the viewer: the state before step `i` is frame `i`; frame 0 is the initial state. */
interface Frame {
  readonly label: string;
  readonly rule: string;
  readonly note: string;
  readonly thread: string | null;
  /** Highlighted state ids: every region's active leaf and its ancestors. */
  readonly active: readonly string[];
  /** SVG id of the arrow the step took, if known. */
  readonly edge: string | null;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly changed: readonly string[];
}

const esc = (t: string) => t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A rule as a design's reader needs it: the system machine's steps are shared by every
 * design, and their texts say in parentheses what the RFC does differently; under a design
 * that is not the RFC that remark is noise.
 */
export function designRule(rule: string, design?: string): string {
  return design === undefined || design.startsWith('rfc') ? rule : rule.replace(/\s*\(RFC: [^)]*\)/g, '');
}

/** A rule's text as HTML with every known kernel name linked to its source line (in `prefer`, a design's tree). */
export function ruleHtml(rule: string, prefer?: KernelTreeName): string {
  let out = '';
  let at = 0;
  for (const m of rule.matchAll(/\b[a-z_][a-z0-9_]*\b/g)) {
    const s = kernelSource(m[0], prefer);
    if (!s) continue;
    out += `${esc(rule.slice(at, m.index))}<a href="${esc(s.url)}" title="${esc(s.label)}"><code>${esc(m[0])}</code></a>`;
    at = m.index + m[0].length;
  }
  return out + esc(rule.slice(at));
}

/** A state id and the ids of its ancestors (`a.b.c` → `a.b.c`, `a.b`, `a`). */
function withAncestors(id: string): string[] {
  const parts = id.split('.');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

/**
 * The arrow of each transition of a chart by the checker's transition id
 * (`<source id>#<event>[i]`, i counting the candidates of that event on that state).
 */
export function transitionEdges(chart: Chart): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const t of chart.transitions) {
    if (t.eventless) continue;
    const key = `${t.source}#${t.event}`;
    const i = seen.get(key) ?? 0;
    seen.set(key, i + 1);
    out.set(`${key}[${i}]`, svgEdgeId(t.source, t.targets[0] ?? t.source));
  }
  return out;
}

/** The frames of a trace: the initial state, then the state after each step. */
export function framesOf(trace: TraceJson, property: string, chart?: Chart, design?: string): Frame[] {
  const edges = chart ? transitionEdges(chart) : new Map<string, string>();
  const states = statesOf(trace);
  const activeIds = (a: Readonly<Record<string, string>> | undefined) => [...new Set(Object.values(a ?? {}).flatMap(withAncestors))].sort();
  const frames: Frame[] = [
    { label: 'initial state', rule: '', note: '', thread: null, active: activeIds(trace.initialActive), edge: null, vars: states[0]!, changed: [] },
  ];
  trace.steps.forEach((s, i) => {
    frames.push({
      label: `${i + 1}. ${s.thread}${s.cpu === null ? '' : ` on CPU ${s.cpu}`}: ${eventText(s.event)}${trace.loopStart !== undefined && i >= trace.loopStart ? ' ↻ (in the cycle that repeats forever)' : ''}`,
      rule: ruleHtml(designRule(s.rule ?? '', design), designKernelTree(design)),
      note: stepNote(trace, i, states, property),
      thread: s.thread,
      active: activeIds(s.active),
      edge: (s.transition && edges.get(s.transition)) ?? null,
      vars: states[i + 1]!,
      changed: s.changes.map((c) => c.name),
    });
  });
  return frames;
}

/** The inline form of a Graphviz SVG document: no XML prolog or doctype. */
function inlineSvg(svg: string): string {
  const at = svg.indexOf('<svg');
  return at < 0 ? '' : svg.slice(at);
}

/** An SVG id as Graphviz writes it (`&#45;` for `-`, `&gt;` for `>`), decoded. */
function decodeId(id: string): string {
  return id.replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
}

/** A drawing at least 1.3 times as tall as it is wide. */
function isTall(svg: string): boolean {
  const w = /<svg[^>]*\swidth="([\d.]+)pt"/.exec(svg);
  const h = /<svg[^>]*\sheight="([\d.]+)pt"/.exec(svg);
  return !!w && !!h && Number(h[1]) > 1.3 * Number(w[1]);
}

/** JSON safe inside a `<script>` element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1f2328; background: #fff; }
header, main { padding: 8px 16px; }
header h1 { font-size: 18px; margin: 4px 0; }
.controls { position: sticky; top: 0; background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; z-index: 1; }
.controls button { font-size: 14px; padding: 2px 10px; }
#step-label { font-weight: 600; font-family: ui-monospace, monospace; }
#step-rule { margin-top: 2px; }
#step-note { margin-top: 2px; font-weight: 600; color: #9a3412; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(240px, 340px); gap: 16px; }
.regions { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); grid-auto-flow: dense; gap: 12px; min-width: 0; align-items: start; }
.region.tall { grid-row: span 2; }
.region { border: 2px solid #d0d7de; border-radius: 6px; padding: 4px; min-width: 0; box-sizing: border-box; overflow: auto; max-height: 80vh; }
.region.acting { border-color: #0969da; box-shadow: 0 0 0 3px #0969da33; }
.region h2 { font-size: 13px; margin: 0 0 4px; font-family: ui-monospace, monospace; }
/* Never drawn smaller than 11 px text (the script sets min-width); a larger drawing scrolls in its region. */
.region svg { display: block; margin: 0 auto; width: 100%; height: auto; }
.vars-note { font-size: 12px; color: #57606a; }
/* The active leaf is filled; the composite states around it get a thick frame. */
.node.state.active path, .node.state.active polygon, .node.state.active ellipse { fill: #ffd33d; stroke: #9a6700; stroke-width: 3px; }
.cluster.state.active > path, .cluster.state.active > polygon { stroke: #9a6700; stroke-width: 2px; }
/* The arrow the step took. */
.transition.taken path { stroke: #cf222e; stroke-width: 3px; }
.transition.taken polygon { fill: #cf222e; stroke: #cf222e; }
.transition.taken text { fill: #cf222e; font-weight: bold; }
.vars { font-family: ui-monospace, monospace; font-size: 12px; border-collapse: collapse; width: 100%; }
.vars td { border-bottom: 1px solid #eaeef2; padding: 1px 4px; overflow-wrap: anywhere; }
.vars tr.changed td { background: #fff1b8; font-weight: 600; }
.side { min-width: 0; position: sticky; top: 110px; max-height: calc(100vh - 120px); overflow: auto; }
.side h2 { font-size: 14px; margin: 4px 0; }
ol.steps { font-family: ui-monospace, monospace; font-size: 12px; padding-left: 28px; }
ol.steps li { cursor: pointer; }
ol.steps li.current { background: #fff1b8; }
@media (max-width: 900px) { .layout { grid-template-columns: minmax(0, 1fr); } }
`;

const SCRIPT = `
const frames = JSON.parse(document.getElementById('trace-data').textContent);
let at = 0;
let showAll = false;
const $ = (id) => document.getElementById(id);
const MIN_TEXT_PX = 11.5;
// Zoom: each drawing at least as wide as keeps its smallest text at MIN_TEXT_PX; wider
// drawings scroll inside their region, which follows the active state (below).
function zoom() {
  for (const svg of document.querySelectorAll('.region svg')) {
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const sizes = Array.from(svg.querySelectorAll('text')).map((t) => parseFloat(t.getAttribute('font-size') || '14'));
    if (!vb || !vb.width || sizes.length === 0) continue;
    svg.style.minWidth = Math.ceil((vb.width * MIN_TEXT_PX) / Math.min(...sizes)) + 'px';
  }
}
// Variables that stay 0, false, null or empty through the whole trace: state the design never touches.
const blank = (v) => v === 0 || v === false || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const untouched = new Set(Object.keys(frames[0].vars).filter((k) => frames.every((f) => blank(f.vars[k]))));
// Keep an element in view inside a scrolling box (a region, the side panel), without moving the page.
function reveal(box, el) {
  if (!box || !el) return;
  const b = box.getBoundingClientRect(), r = el.getBoundingClientRect();
  if (r.left < b.left || r.right > b.right) box.scrollLeft += (r.left + r.right) / 2 - (b.left + b.right) / 2;
  if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += (r.top + r.bottom) / 2 - (b.top + b.bottom) / 2;
}
const escHtml = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
function varRows(f) {
  const rows = Object.entries(f.vars).filter(([k]) => !k.endsWith('@') && (showAll || !untouched.has(k)));
  const refs = Object.entries(f.vars).filter(([k]) => /^ref\\[\\d+\\]$/.test(k));
  const out = rows.map(([k, v]) => '<tr' + (f.changed.includes(k) ? ' class="changed"' : '') + '><td>' + escHtml(k) + '</td><td>' + escHtml(JSON.stringify(v)) + '</td></tr>');
  if (refs.length > 1 && refs.some(([k]) => showAll || !untouched.has(k))) {
    const changed = refs.some(([k]) => f.changed.includes(k));
    out.push('<tr class="derived' + (changed ? ' changed' : '') + '"><td>Σ ref[]</td><td>' + refs.reduce((a, [, v]) => a + Number(v), 0) + '</td></tr>');
  }
  return out.join('');
}
function show(k) {
  at = Math.max(0, Math.min(frames.length - 1, k));
  const f = frames[at];
  $('step-label').textContent = f.label + '  (' + at + ' / ' + (frames.length - 1) + ')';
  $('step-rule').innerHTML = f.rule;
  $('step-note').textContent = f.note ? '⇒ ' + f.note : '';
  for (const el of document.querySelectorAll('.state.active')) el.classList.remove('active');
  for (const id of f.active) { const el = document.getElementById('s-' + id); if (el) el.classList.add('active'); }
  for (const el of document.querySelectorAll('.transition.taken')) el.classList.remove('taken');
  if (f.edge) { const el = document.getElementById(f.edge); if (el) el.classList.add('taken'); }
  for (const el of document.querySelectorAll('.region')) el.classList.toggle('acting', el.dataset.thread === f.thread);
  $('vars').innerHTML = varRows(f);
  for (const li of document.querySelectorAll('ol.steps li')) li.classList.toggle('current', Number(li.dataset.frame) === at);
  $('prev').disabled = at === 0;
  $('next').disabled = at === frames.length - 1;
  // Every region shows its active leaf; the side panel its first changed variable.
  // (the acting region: the arrow just taken, else the leaf it reached).
  for (const region of document.querySelectorAll('.region')) {
    const leaves = Array.from(region.querySelectorAll('.node.state.active'));
    const taken = region.querySelector('.transition.taken');
    const to = f.edge && taken ? f.edge.slice(f.edge.indexOf('->') + 2).replace(/~$/, '') : undefined;
    const target = to ? leaves.find((l) => l.id.slice(2) === to || l.id.slice(2).startsWith(to + '.')) : undefined;
    reveal(region, target || leaves[leaves.length - 1]);
    if (taken && target) reveal(region, taken);
    if (target) reveal(region, target);
  }
  reveal(document.querySelector('.side'), document.querySelector('.vars tr.changed'));
  const acting = document.querySelector('.region.acting');
  if (acting) { const r = acting.getBoundingClientRect(); if (r.bottom < 0 || r.top > innerHeight) acting.scrollIntoView({ block: 'nearest' }); }
  if (location.hash !== '#' + at) history.replaceState(null, '', '#' + at);
}
$('first').onclick = () => show(0);
$('prev').onclick = () => show(at - 1);
$('next').onclick = () => show(at + 1);
$('last').onclick = () => show(frames.length - 1);
$('show-all').onchange = (e) => { showAll = e.target.checked; show(at); };
$('hidden-count').textContent = String(untouched.size);
for (const li of document.querySelectorAll('ol.steps li')) li.onclick = () => show(Number(li.dataset.frame));
document.addEventListener('keydown', (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: frames.length - 1 }[e.key];
  if (to !== undefined) { e.preventDefault(); show(to); }
});
addEventListener('hashchange', () => show(Number(location.hash.slice(1)) || 0));
// On the docs site TypeDoc copies this page to media/, beside documents/: the step table is there.
if (/\\/media\\/[^/]*$/.test(location.pathname)) $('back').href = '../documents/docs_comparison.html' + $('back').hash;
zoom();
show(Number(location.hash.slice(1)) || 0);
`;

/** Renders the viewer page of one counterexample. */
export function renderViewer(v: ViewerInput): string {
  // Only states that are drawn: a region's own root is the drawing, not a box in it.
  const drawn = new Set(v.regions.flatMap((r) => [...r.svg.matchAll(/<g id="s(?:-|&#45;)([^"]+)"/g)].map((m) => m[1]!)));
  const arrows = new Set(v.regions.flatMap((r) => [...r.svg.matchAll(/<g id="(e(?:-|&#45;)[^"]+)"/g)].map((m) => decodeId(m[1]!))));
  const frames = framesOf(v.trace, v.property, v.chart, v.design).map((f) => ({
    ...f,
    active: f.active.filter((id) => drawn.has(id)),
    edge: f.edge && arrows.has(f.edge) ? f.edge : null,
  }));
  // The thread a region belongs to: its key up to the first dot (regions are threads here).
  // Tall drawings (the IOH's program) come first and span two rows, the short client
  // regions stack beside them: on a wide screen every region is in view at once.
  const section = (r: ViewerRegion) =>
    `<section class="region${isTall(r.svg) ? ' tall' : ''}" data-thread="${esc(r.key.split('.')[0]!)}"><h2>${esc(r.key)}</h2>${inlineSvg(r.svg)}</section>`;
  const regions = [...v.regions.filter((r) => isTall(r.svg)), ...v.regions.filter((r) => !isTall(r.svg))].map(section).join('\n');
  const steps = frames
    .map(
      (f, k) => `<li value="${k}" data-frame="${k}">${esc(k === 0 ? f.label : f.label.replace(/^\d+\. /, ''))}${f.note ? ` <b>⇒ ${esc(f.note)}</b>` : ''}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${v.design}: ${v.property} — dmaspec trace viewer`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(`${v.design}: ${v.property}`)}</h1>
<p>Counterexample of <code>${esc(v.property)}</code> under the design <code>${esc(v.design)}</code>, scenario <code>${esc(v.scenario)}</code>${v.scenarioText ? ` (${esc(v.scenarioText)})` : ''}. Generated by <code>npm run docs</code> from <code>dmaspec check --json</code>. <a id="back" href="${esc(v.back)}">Back to the step table</a>.</p>
</header>
<div class="controls">
<button id="first" title="initial state">« first</button> <button id="prev" title="back (←)">‹ back</button> <button id="next" title="forward (→)">next ›</button> <button id="last" title="last step">last »</button>
<span id="step-label"></span>
<div id="step-rule"></div>
<div id="step-note"></div>
</div>
<main class="layout">
<div class="regions">
${regions}
</div>
<div class="side">
<h2>Variables after this step</h2>
<p class="vars-note"><label><input type="checkbox" id="show-all"> show also the <span id="hidden-count"></span> variables this trace never moves from 0, false or empty</label></p>
<table class="vars"><tbody id="vars"></tbody></table>
<h2>Steps</h2>
<ol class="steps" start="0">
${steps}
</ol>
</div>
</main>
<script type="application/json" id="trace-data">${scriptJson(frames)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The highlighted state ids of frame `k` (initial state 0), as the page's script applies them; for tests. */
export function activeStateIds(trace: TraceJson, k: number): string[] {
  return framesOf(trace, '')[k]!.active.map((id) => svgStateId(id));
}
