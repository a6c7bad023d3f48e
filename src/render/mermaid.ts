/**
 * Machine → Mermaid `stateDiagram-v2` text, for Markdown viewers that draw Mermaid blocks
 * (GitHub, many editors). Compound and parallel states become composite states, the
 * regions of a parallel state are separated by `--`, every compound state gets its
 * `[*] -->` initial arrow and final states a `--> [*]`. Labels are `event [guard] / actions`
 * with look-alikes for the two characters Mermaid's state grammar breaks on (escapeMermaid).
 *
 * Mermaid state ids must be plain words, so each state gets an id derived from its xstate
 * id (`net0.worker.idle` → `net0_worker_idle`) and its name is shown through
 * `state "name" as id`.
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import { allStates, asChart, transitionLabel, type Chart, type ChartState } from './chart.ts';
import { escapeMermaid, escapeMermaidName } from './escape.ts';
import { LABEL_WIDTH, wrapText } from './wrap.ts';
import { entryOf } from '../lookup.ts';

/** How a chart is written. */
export interface MermaidOptions {
  /** Layout direction (default `LR`). */
  readonly direction?: 'LR' | 'TB';
  /** Show state descriptions inside the state boxes (default true). */
  readonly descriptions?: boolean;
  /** Characters per label line; lines are joined with `<br/>` (default {@link LABEL_WIDTH}). */
  readonly width?: number;
}

/** Words Mermaid's state grammar reads as keywords; an id equal to one gets a prefix. */
const RESERVED = new Set(['state', 'note', 'end', 'direction', 'as', 'class', 'classDef', 'style', 'default', 'left', 'right', 'of']);

/** Plain-word Mermaid ids for every state, unique and stable (document order decides ties). */
export function mermaidIds(chart: Chart): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const s of allStates(chart)) {
    let base = s.id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[^A-Za-z])/, 's_');
    if (RESERVED.has(base)) base = `s_${base}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(s.id, id);
  }
  return ids;
}

/** A label wrapped into lines, each escaped, joined with Mermaid's `<br/>`. */
function label(text: string, width: number): string {
  return wrapText(text, width).map(escapeMermaid).join('<br/>');
}

/** Converts an xstate machine, or a {@link Chart} already walked, to `stateDiagram-v2` text. */
export function toMermaid(machineOrChart: AnyStateMachine | Chart, options: MermaidOptions = {}): string {
  const chart = asChart(machineOrChart);
  const width = options.width ?? LABEL_WIDTH;
  const descriptions = options.descriptions ?? true;
  const ids = mermaidIds(chart);
  const states = allStates(chart);
  const parentOf = new Map<string, ChartState>();
  for (const s of states) for (const c of s.children) parentOf.set(c.id, s);

  // Mermaid lays out each composite state on its own and moves a state referenced from an
  // outer scope out of its composite. So an edge is declared in the innermost composite
  // holding both ends (the scope), and an end nested deeper is drawn at the scope's child
  // that contains it, the label naming the real end (`round: ioh0.done`, `→ x`).
  const ancestors = (id: string) => {
    const chain: string[] = [];
    for (let p = parentOf.get(id); p; p = parentOf.get(p.id)) chain.push(p.id);
    return chain;
  };
  const scopeOf = (a: string, b: string) => {
    const up = new Set(ancestors(a));
    return ancestors(b).find((x) => up.has(x)) ?? chart.root.id;
  };
  const clipTo = (id: string, scope: string) => {
    let at = id;
    for (let p = parentOf.get(at); p && p.id !== scope; p = parentOf.get(at)) at = p.id;
    return at;
  };
  const keyOf = new Map(states.map((s) => [s.id, s.key]));
  // Edges with the same ends are merged into one with stacked labels: Mermaid draws two
  // self-loops (or two parallel edges) on top of each other.
  const edgesIn = new Map<string, Map<string, string[]>>();
  // A compound root is drawn as the top level, not as a state, so its own loops (taken in
  // any state) become a note on its initial child.
  const rootNotes: string[] = [];
  for (const t of chart.transitions) {
    for (const to of t.targets.length > 0 ? t.targets : [t.source]) {
      if (t.source === chart.root.id && to === t.source && chart.root.type !== 'parallel') {
        // A note's text ends at a second colon: colons become the look-alike ∶ there.
        rootNotes.push(label(`(in any state) ${transitionLabel(t)}`, width).replace(/:/g, '∶'));
        continue;
      }
      const scope = t.source === to ? (parentOf.get(to)?.id ?? chart.root.id) : scopeOf(t.source, to);
      const from = clipTo(t.source, scope);
      const into = clipTo(to, scope);
      let text = transitionLabel(t);
      if (from !== t.source) text = `${keyOf.get(t.source)}: ${text}`;
      if (into !== to) text = `${text} → ${keyOf.get(to)}`;
      const scoped = edgesIn.get(scope) ?? new Map<string, string[]>();
      edgesIn.set(scope, scoped);
      const ends = `${ids.get(from)} --> ${ids.get(into)}`;
      scoped.set(ends, [...(scoped.get(ends) ?? []), label(text, width)]);
    }
  }

  // Self-loops of atomic states, by Mermaid id: their labels go into the state's text.
  const loopLabels = new Map<string, string[]>();
  for (const scoped of edgesIn.values())
    for (const [ends, labels] of scoped) {
      const [from, into] = ends.split(' --> ');
      const st = [...ids.entries()].find(([, v]) => v === from)?.[0];
      const atomic = st !== undefined && allStates(chart).find((x) => x.id === st)?.children.length === 0;
      if (from === into && atomic) loopLabels.set(from!, labels);
    }
  const out = ['stateDiagram-v2', `  direction ${options.direction ?? 'LR'}`];
  const writeState = (s: ChartState, pad: string) => {
    const id = entryOf(ids, s.id, 'mermaid id of state');
    const name = s.type === 'parallel' ? `${s.key} ‖` : s.key;
    const composite = s.type === 'compound' || s.type === 'parallel';
    if (!composite) {
      out.push(`${pad}state "${escapeMermaidName(name)}" as ${id}`);
      const loops = loopLabels.get(id) ?? [];
      const text = [...(descriptions && s.description ? [label(s.description, width)] : []), ...loops.map((l) => `⟲ ${l}`)];
      if (text.length > 0) out.push(`${pad}${id} : ${text.join('<br/>')}`);
      if (s.type === 'final') out.push(`${pad}${id} --> [*]`);
      return;
    }
    out.push(`${pad}state "${escapeMermaidName(name)}" as ${id} {`);
    writeBody(s, pad + '  ');
    out.push(`${pad}}`);
  };
  const writeBody = (s: ChartState, pad: string) => {
    if (s.type === 'parallel') {
      s.children.forEach((c, i) => {
        if (i > 0) out.push(`${pad}--`);
        writeState(c, pad);
      });
    } else {
      if (s.initial !== undefined) out.push(`${pad}[*] --> ${ids.get(s.initial)}`);
      for (const c of s.children) writeState(c, pad);
    }
    for (const [ends, labels] of edgesIn.get(s.id) ?? []) {
      // A self-loop's label sits where Mermaid also puts the labels of the state's other
      // arrows: it goes into the state's own text instead, the loop stays unlabelled.
      const [from, into] = ends.split(' --> ');
      if (from === into && loopLabels.has(from!)) out.push(`${pad}${ends}`);
      else out.push(`${pad}${ends} : ${labels.join('<br/>')}`);
    }
  };
  // The root is drawn as a composite when parallel (Mermaid's `--` only separates regions
  // inside a composite state) and as the top level otherwise.
  if (chart.root.type === 'parallel') writeState(chart.root, '  ');
  else writeBody(chart.root, '  ');
  const noteOn = chart.root.initial ?? chart.root.children[0]?.id;
  if (rootNotes.length > 0 && noteOn !== undefined) out.push(`  note right of ${ids.get(noteOn)} : ${rootNotes.join('<br/>')}`);
  return out.join('\n') + '\n';
}
