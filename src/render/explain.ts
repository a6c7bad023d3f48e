/**
 * What a counterexample means, derived from the trace alone (the checker's JSON): the
 * full variable state before and after every step, what each quiesce read saw (the CPU,
 * the per-CPU count read and the running sum), one sentence for the key steps (a false
 * zero, a dirty mark, a free under a holder, the step that breaks the property), and
 * repeated rounds folded with a count.
 *
 * Nothing here knows a design: it reads the variable names the system lens gives
 * (src/check/system-lens.ts: `ref[k]`, `key`, `dirty`, `<ioh>.quiesce.next|sum|count`,
 * `<dev>.quiesced`, `<chan>.resources`, `<thread>.chan`, `violations`) and says nothing
 * where they are absent, so new events, fields and designs only add rows.
 * @module
 */

import { endNote } from './liveness-note.ts';
import type { TraceJson, TraceStepJson } from '../check/json.ts';

/** One step, as the checker's JSON has it (newer fields optional: older JSON still reads). */
export type ExplainStep = TraceStepJson;
/** A trace, as the checker's JSON has it. */
export type ExplainTrace = TraceJson;

/** Variables of a state, by name. */
export type Vars = Readonly<Record<string, unknown>>;

/**
 * The variables before every step and after the last (`states[i]` is the state before
 * step `i`). Without the trace's `initial` (older JSON) the first `from` of each changed
 * variable stands in, and variables that never change are missing.
 */
export function statesOf(trace: ExplainTrace): Vars[] {
  let cur: Record<string, unknown> = { ...(trace.initial ?? {}) };
  if (!trace.initial) for (const s of trace.steps) for (const c of s.changes) if (!(c.name in cur)) cur[c.name] = c.from;
  const out: Vars[] = [cur];
  for (const s of trace.steps) {
    cur = { ...cur };
    for (const c of s.changes) cur[c.name] = c.to;
    out.push(cur);
  }
  return out;
}

/** What one `dma_channel_quiesce` per-CPU read saw. */
export interface QuiesceRead {
  /** The CPU read, its count and the sum including it. */
  readonly cpu: number;
  readonly value: number;
  readonly sum: number;
  /** True for the last CPU of the round: the sum was judged. */
  readonly last: boolean;
  /** The consecutive-zero count after the step (judged rounds only). */
  readonly count?: number;
  /** Σ ref[] at the moment of a judged read: differs from `sum` when the counts moved under the reader. */
  readonly actual?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Σ of the per-CPU counts `ref[0..]` of a state, or undefined without them. */
export function refSum(v: Vars): number | undefined {
  let sum: number | undefined;
  for (let k = 0; num(v[`ref[${k}]`]) !== undefined; k++) sum = (sum ?? 0) + num(v[`ref[${k}]`])!;
  return sum;
}

/** The read step `i` makes (a `<thread>.read` of a thread with quiesce loop variables), or undefined. */
export function quiesceRead(step: ExplainStep, before: Vars, after: Vars): QuiesceRead | undefined {
  const q = `${step.thread}.quiesce`;
  if (step.event.type !== `${step.thread}.read`) return undefined;
  const cpu = num(before[`${q}.next`]);
  const sumBefore = num(before[`${q}.sum`]);
  if (cpu === undefined || sumBefore === undefined) return undefined;
  const value = num(before[`ref[${cpu}]`]);
  if (value === undefined) return undefined;
  const last = num(after[`${q}.next`]) !== cpu + 1;
  const count = num(after[`${q}.count`]);
  const actual = refSum(after);
  return { cpu, value, sum: sumBefore + value, last, ...(last && count !== undefined ? { count } : {}), ...(last && actual !== undefined ? { actual } : {}) };
}

/** `CPU 1: ref[1] = 0, sum 0` and, at the end of a round, the verdict. */
export function readText(r: QuiesceRead): string {
  const head = `reads CPU ${r.cpu}: ref[${r.cpu}] = ${r.value}, sum ${r.sum - r.value} + ${r.value} = ${r.sum}`;
  if (!r.last) return head;
  const verdict = r.sum === 0 ? `zero sum: count → ${r.count ?? '?'}` : `sum ≠ 0: count → 0`;
  const falseZero =
    r.sum === 0 && r.actual !== undefined && r.actual !== 0 ? `; FALSE ZERO: the counts sum to ${r.actual} right now, they moved between the reads` : '';
  return `${head}; ${verdict}${falseZero}`;
}

/** The `violations` entries a step adds that a note explains: `use-after-free:<thread>:<chan>` and `oops:<thread>:<chan>`. */
function newViolations(step: ExplainStep): { kind: 'use-after-free' | 'oops'; thread: string; chan: string }[] {
  const c = step.changes.find((x) => x.name === 'violations');
  if (!c || !Array.isArray(c.to)) return [];
  const before = new Set(Array.isArray(c.from) ? (c.from as unknown[]) : []);
  return (c.to as unknown[])
    .filter((v): v is string => typeof v === 'string' && !before.has(v))
    .map((v) => /^(use-after-free|oops):([^:]+):(.+)$/.exec(v))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: m[1] as 'use-after-free' | 'oops', thread: m[2]!, chan: m[3]! }));
}

/**
 * `, whose resources step N freed` / `, whose device step M freed`: the frees in force when
 * step `i` uses `chan` (`before` is the state before it): the last step before `i` that freed
 * its resources, if they are still freed, and the one that freed its device, if it is
 * freed (a channel freed, reallocated and freed again names the second free).
 */
function freedBy(trace: ExplainTrace, i: number, before: Vars, chan: string): string {
  const lastStep = (name: string, to: unknown) => {
    for (let k = i - 1; k >= 0; k--) if (trace.steps[k]!.changes.some((c) => c.name === name && c.to === to)) return k;
    return -1;
  };
  const device = chan.slice(0, chan.lastIndexOf('.'));
  const res = before[`${chan}.resources`] === false ? lastStep(`${chan}.resources`, false) : -1;
  const dev = before[`${device}.freed`] === true ? lastStep(`${device}.freed`, true) : -1;
  // chan->local freed by unregister's channel loop before the device (a net_dma copy writes it).
  const local = dev < 0 && before[`${chan}.local`] === false ? lastStep(`${chan}.local`, false) : -1;
  if (res >= 0 && res === dev) return `, whose resources and device step ${res + 1} freed`;
  const parts = [
    ...(res >= 0 ? [`whose resources step ${res + 1} freed`] : []),
    ...(dev >= 0 ? [`whose device step ${dev + 1} freed`] : []),
    ...(local >= 0 ? [`whose per-CPU chan->local step ${local + 1} freed`] : []),
  ];
  return parts.length ? `, ${parts.join(' and ')}` : ' after it was freed';
}

/** Holders of channel `chan` in a state: threads whose `<thread>.chan` is it. */
function holders(v: Vars, chan: string): string[] {
  return Object.entries(v)
    .filter(([k, x]) => k.endsWith('.chan') && x === chan)
    .map(([k]) => k.slice(0, -'.chan'.length));
}

/**
 * One sentence on step `i`, or '' when it needs none: what a quiesce read saw, a dirty
 * mark, a reference taken after the quiesce ended, resources freed under a holder, and
 * for the last step of a violation why the property fails there.
 */
export function stepNote(trace: ExplainTrace, i: number, states: readonly Vars[], property?: string): string {
  return stepNotes(trace, i, states, property).join('; ');
}

/** The sentences of {@link stepNote}, a quiesce read's first. */
export function stepNotes(trace: ExplainTrace, i: number, states: readonly Vars[], property?: string): string[] {
  const step = trace.steps[i]!;
  const before = states[i]!;
  const after = states[i + 1]!;
  const notes: string[] = [];
  const read = quiesceRead(step, before, after);
  if (read) notes.push(readText(read));
  const ch = (name: string) => step.changes.find((c) => c.name === name);
  const dirty = ch('dirty');
  const marks = dirty !== undefined && num(dirty.to)! > num(dirty.from)!;
  const incs = step.changes.filter((c) => /^ref\[\d+\]$/.test(c.name) && num(c.to)! > num(c.from)!);
  const quiesced = Object.entries(before)
    .filter(([k, v]) => k.endsWith('.quiesced') && v === true)
    .map(([k]) => k.slice(0, -'.quiesced'.length));
  if (incs.length > 0 && quiesced.length > 0)
    notes.push(
      marks
        ? `marks dirty, but the quiesce of ${quiesced.join(', ')} has already ended: nobody reads dirty again, and nothing waits for this reference`
        : `takes a per-CPU reference after the quiesce of ${quiesced.join(', ')} ended; nothing marks it dirty, and nothing waits for it`,
    );
  else if (marks) notes.push('marks dirty: the quiescer restarts its count at its next tick');
  for (const c of step.changes) {
    if (!c.name.endsWith('.resources') || c.from !== true || c.to !== false) continue;
    const chan = c.name.slice(0, -'.resources'.length);
    const h = holders(after, chan);
    if (h.length > 0) notes.push(`frees ${chan}'s resources while ${h.join(', ')} still ${h.length > 1 ? 'hold' : 'holds'} it`);
  }
  for (const c of step.changes)
    if (c.name.endsWith('.quiesced') && c.to === true) {
      const sum = refSum(after);
      notes.push(
        sum !== undefined && sum !== 0
          ? `the quiesce of ${c.name.slice(0, -'.quiesced'.length)} ends while Σ ref[] = ${sum}: a reference is still in flight`
          : `the quiesce of ${c.name.slice(0, -'.quiesced'.length)} ends`,
      );
    }
  for (const v of newViolations(step))
    notes.push(
      v.kind === 'oops'
        ? `${v.thread} reads on from ${v.chan}, whose device_node.next its channel unregister's list_del poisoned: an oops`
        : `${v.thread} uses ${v.chan}${freedBy(trace, i, before, v.chan)}: use after free`,
    );
  if (i === trace.steps.length - 1 && trace.end === 'violation') notes.push(property ? `this state breaks ${property}` : 'this state breaks the property');
  const end = i === trace.steps.length - 1 ? endNote(trace, after) : undefined;
  if (end) notes.push(end);
  return notes;
}

/** A row of a folded table: one step, or `count` repetitions of a block of steps. */
export type FoldedRow =
  | { readonly kind: 'step'; readonly index: number }
  | { readonly kind: 'rounds'; readonly first: number; readonly length: number; readonly count: number };

/** A block of a thread's steps repeated at least twice in a row is shown as one row from this length on. */
export const MIN_FOLDED_STEPS = 6;

/**
 * Rows of a table of `trace`: a block of consecutive steps of one thread whose events
 * repeat back to back, `count ≥ 2` times, becomes one row (its rows say what each round
 * read and judged, see {@link roundsText}),
 * when it spans at least {@link MIN_FOLDED_STEPS} steps. The last step, and the start of
 * a liveness cycle, are never folded.
 */
export function foldRounds(trace: ExplainTrace): FoldedRow[] {
  const steps = trace.steps;
  const key = (s: ExplainStep) => JSON.stringify(s.event);
  const limit = steps.length - 1;
  const rows: FoldedRow[] = [];
  for (let i = 0; i < steps.length; ) {
    let best: { length: number; count: number } | undefined;
    for (let L = 2; L <= 8 && i + 2 * L <= limit; L++) {
      let count = 1;
      const same = (a: number, b: number) =>
        key(steps[a]!) === key(steps[b]!) && steps[a]!.thread === steps[i]!.thread && steps[b]!.thread === steps[i]!.thread;
      while (i + (count + 1) * L <= limit) {
        let ok = true;
        for (let k = 0; k < L && ok; k++) ok = same(i + k, i + count * L + k);
        if (!ok) break;
        count++;
      }
      const crossesLoop = trace.loopStart !== undefined && trace.loopStart > i && trace.loopStart < i + count * L;
      if (count >= 2 && !crossesLoop && count * L >= MIN_FOLDED_STEPS && (!best || count * L > best.count * best.length)) best = { length: L, count };
    }
    if (best) {
      rows.push({ kind: 'rounds', first: i, length: best.length, count: best.count });
      i += best.length * best.count;
    } else rows.push({ kind: 'step', index: i++ });
  }
  return rows;
}

/**
 * What the rounds of a folded row did: per round the CPUs read with their counts, the
 * sum judged and the count after it, then any other note of its steps (the loop ending).
 */
export function roundsText(trace: ExplainTrace, row: Extract<FoldedRow, { kind: 'rounds' }>, states: readonly Vars[], property?: string): string {
  const parts: string[] = [];
  for (let r = 0; r < row.count; r++) {
    const reads: string[] = [];
    const other: string[] = [];
    let verdict = '';
    for (let k = row.first + r * row.length; k < row.first + (r + 1) * row.length; k++) {
      const q = quiesceRead(trace.steps[k]!, states[k]!, states[k + 1]!);
      const notes = stepNotes(trace, k, states, property);
      if (q) {
        reads.push(`CPU ${q.cpu} = ${q.value}`);
        if (q.last) verdict = `, sum ${q.sum}${q.count !== undefined ? `, count → ${q.count}` : ''}`;
      }
      other.push(...(q ? notes.slice(1) : notes));
    }
    parts.push(`round ${r + 1}${reads.length > 0 ? `: reads ${reads.join(', ')}${verdict}` : ''}${other.length > 0 ? `; ${other.join('; ')}` : ''}`);
  }
  return `${row.count} rounds of the same ${row.length} steps: ${parts.join('; ')}`;
}
