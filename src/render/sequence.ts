/**
 * A counterexample trace → Mermaid `sequenceDiagram` and a Markdown step table. Threads
 * and CPUs are the participants: each step is an arrow from the thread to the CPU it ran
 * on (a self-arrow for a thread without a CPU), the variables it changed are a note over
 * the thread, a liveness cycle is a `loop` box and a deadlock a closing note.
 * @module
 */
import { codeCell, escapeCell, escapeMermaidText } from './escape.ts';

/** One variable a step changed (src/check `Change`). */
export interface TraceChange {
  readonly name: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** One step of a counterexample (src/check `TraceStep`). */
export interface TraceStepJson {
  readonly thread: string;
  readonly cpu: number | null;
  readonly event: { readonly type: string; readonly [field: string]: unknown };
  readonly changes: readonly TraceChange[];
}

/** A counterexample (src/check `Trace`): a lasso when `loopStart` is set. */
export interface TraceJson {
  readonly steps: readonly TraceStepJson[];
  readonly loopStart?: number;
  readonly end: 'violation' | 'deadlock' | 'cycle' | 'final';
}

/** `net0.migrate(cpu=1)`: the event type with its payload fields. */
export function eventText(event: TraceStepJson['event']): string {
  const fields = Object.entries(event).filter(([k]) => k !== 'type');
  return fields.length === 0 ? event.type : `${event.type}(${fields.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`;
}

/**
 * `ref[1]: 0 → 1`. The checker names a region's active state `<region>@` with the state's
 * path as value; that reads as `net0.worker: idle → found`.
 */
export function changeText(c: TraceChange): string {
  if (c.name.endsWith('@') && typeof c.from === 'string' && typeof c.to === 'string') return `${c.name.slice(0, -1)}: ${c.from} → ${c.to}`;
  return `${c.name}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`;
}

/** A note shows this many changes at most; the step table below the diagram has them all. */
export const NOTE_LINES = 4;

/** The changes of one step as note lines, the tail summarised past {@link NOTE_LINES}. */
function noteLines(changes: readonly TraceChange[]): string[] {
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

/** The trace as a Mermaid sequence diagram. */
export function traceToMermaid(trace: TraceJson): string {
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
    if (s.changes.length > 0) out.push(`${pad}Note over ${tid(s.thread)}: ${noteLines(s.changes).join('<br/>')}`);
  });
  if (trace.loopStart !== undefined) out.push('  end');
  const all = threads.length > 1 ? `${tid(threads[0]!)},${tid(threads[threads.length - 1]!)}` : tid(threads[0] ?? '');
  if (trace.end === 'deadlock' && threads.length > 0) out.push(`  Note over ${all}: deadlock: no thread can take a step`);
  return out.join('\n') + '\n';
}

/** The trace as a Markdown table: step, thread, CPU, event, changes. */
export function traceTable(trace: TraceJson): string {
  const rows = ['| # | thread | CPU | event | changes |', '|---:|---|---:|---|---|'];
  trace.steps.forEach((s, i) => {
    const mark = trace.loopStart === i ? ' ↻' : '';
    const changes = s.changes.map((c) => codeCell(changeText(c))).join('<br>');
    rows.push(`| ${i + 1}${mark} | ${escapeCell(s.thread)} | ${s.cpu ?? ''} | ${codeCell(eventText(s.event))} | ${changes} |`);
  });
  return rows.join('\n');
}
