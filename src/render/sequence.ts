/**
 * A counterexample trace → Mermaid `sequenceDiagram` and a Markdown step table. Threads
 * and CPUs are the participants: each step is an arrow from the thread to the CPU it ran
 * on (a self-arrow for a thread without a CPU), the variables it changed are a note over
 * the thread, a liveness cycle is a `loop` box and a deadlock a closing note.
 * @module
 */
import { eventText } from '../../spec/vocabulary.ts';
import type { TraceChangeJson, TraceJson, TraceStepJson } from '../check/json.ts';
import { codeCell, escapeCell, escapeMermaidText } from './escape.ts';
import { foldRounds, roundsText, statesOf, stepNote, type Vars } from './explain.ts';
import { linkKernelNamesMarkdown } from './kernel-source.ts';
import { designKernelTree, type KernelTreeName } from './kernel-symbols.ts';

/**
 * `ref[1]: 0 → 1`. The checker names a region's active state `<region>@` with the state's
 * path as value; that reads as `net0.worker: idle → found`.
 */
export function changeText(c: TraceChangeJson): string {
  if (c.name.endsWith('@') && typeof c.from === 'string' && typeof c.to === 'string') return `${c.name.slice(0, -1)}: ${c.from} → ${c.to}`;
  return `${c.name}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`;
}

/** A note shows this many changes at most; the step table below the diagram has them all. */
export const NOTE_LINES = 4;

/** The changes of one step as note lines, the tail summarised past {@link NOTE_LINES}. */
function noteLines(changes: readonly TraceChangeJson[]): string[] {
  const lines = changes.map((c) => escapeMermaidText(changeText(c)));
  if (lines.length <= NOTE_LINES) return lines;
  return [...lines.slice(0, NOTE_LINES - 1), `… and ${lines.length - NOTE_LINES + 1} more (see the step table)`];
}

/** Threads in order of first step, then CPUs by number (every CPU a step ran on). */
function participants(trace: TraceJson): { threads: string[]; cpus: number[] } {
  const threads: string[] = [];
  const cpus = new Set<number>();
  for (const s of trace.steps) {
    if (!threads.includes(s.thread)) threads.push(s.thread);
    if (s.cpu !== null) cpus.add(s.cpu);
  }
  return { threads, cpus: [...cpus].sort((a, b) => a - b) };
}

/** The trace as a Mermaid sequence diagram; `property` names the broken property in the last note. */
export function traceToMermaid(trace: TraceJson, property?: string): string {
  const states = statesOf(trace);
  const { threads, cpus } = participants(trace);
  const tid = (t: string) => `T${threads.indexOf(t)}`;
  const out = ['sequenceDiagram'];
  threads.forEach((t, i) => out.push(`  participant T${i} as ${escapeMermaidText(t)}`));
  for (const c of cpus) out.push(`  participant C${c} as CPU ${c}`);
  trace.steps.forEach((s, i) => {
    if (trace.loopStart === i) out.push('  loop repeats forever (a fair cycle)');
    const pad = trace.loopStart !== undefined && i >= trace.loopStart ? '    ' : '  ';
    const to = s.cpu === null ? tid(s.thread) : `C${s.cpu}`;
    out.push(`${pad}${tid(s.thread)}->>${to}: ${i + 1}. ${escapeMermaidText(eventText(s.event))}`);
    const why = stepNote(trace, i, states, property);
    const lines = [...(why ? [escapeMermaidText(`⇒ ${why}`)] : []), ...noteLines(s.changes)];
    if (lines.length > 0) out.push(`${pad}Note over ${tid(s.thread)}: ${lines.join('<br/>')}`);
  });
  if (trace.loopStart !== undefined) out.push('  end');
  const all = threads.length > 1 ? `${tid(threads[0]!)},${tid(threads[threads.length - 1]!)}` : tid(threads[0] ?? '');
  if (trace.end === 'deadlock' && threads.length > 0) out.push(`  Note over ${all}: deadlock: no thread can take a step`);
  return out.join('\n') + '\n';
}

/** A step's event and its kernel rule (linked to the source), for a table cell. */
function stepCell(s: TraceStepJson, prefer: KernelTreeName | undefined): string {
  const rule = s.rule ? `<br>${linkKernelNamesMarkdown(s.rule, escapeCell, prefer)}` : '';
  return `${codeCell(eventText(s.event))}${rule}`;
}

/** Changes between two states, in the order of the later one's names. */
function netChanges(a: Vars, b: Vars): TraceChangeJson[] {
  return Object.keys(b)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((name) => ({ name, from: a[name], to: b[name] }));
}

const changesCell = (changes: readonly TraceChangeJson[]) => changes.map((c) => codeCell(changeText(c))).join('<br>');

/**
 * The trace as a Markdown table: step, thread, CPU, the event with the kernel function it
 * follows, and the variables it changed, with a sentence on the key steps (what a quiesce
 * read saw, why the last step breaks `property`). Rounds a thread repeats back to back are
 * one row (explain.ts `foldRounds`).
 */
export function traceTable(trace: TraceJson, property?: string, design?: string): string {
  const prefer = designKernelTree(design);
  const states = statesOf(trace);
  const rows = ['| # | thread | CPU | step | changes |', '|---:|---|---:|---|---|'];
  for (const row of foldRounds(trace)) {
    if (row.kind === 'step') {
      const i = row.index;
      const s = trace.steps[i]!;
      const mark = trace.loopStart === i ? ' ↻' : '';
      const why = stepNote(trace, i, states, property);
      rows.push(
        `| ${i + 1}${mark} | ${escapeCell(s.thread)} | ${s.cpu ?? ''} | ${stepCell(s, prefer)} | ${why ? `**⇒ ${escapeCell(why)}**<br>` : ''}${changesCell(s.changes)} |`,
      );
      continue;
    }
    const { first, length, count } = row;
    const last = first + length * count - 1;
    const s = trace.steps[first]!;
    const block = trace.steps
      .slice(first, first + length)
      .map((x) => codeCell(eventText(x.event)))
      .join(' → ');
    const why = roundsText(trace, row, states, property);
    rows.push(
      `| ${first + 1}–${last + 1} | ${escapeCell(s.thread)} | ${s.cpu ?? ''} | ${count} × ( ${block} ) | **⇒ ${escapeCell(why)}**<br>${changesCell(netChanges(states[first]!, states[last + 1]!))} |`,
    );
  }
  return rows.join('\n');
}
