/**
 * How `dmaspec check` prints: plain tables (cli-table3, no colours) for the comparison and
 * for each counterexample, and a JSON document whose only nondeterministic part, the
 * timings, sits in its own `timings` field.
 * @module
 */
import Table from 'cli-table3';
import { eventText } from '../../spec/vocabulary.ts';
import type { DesignRunJson, OmissionJson, TimingsJson, TraceJson } from '../check/json.ts';
import type { ReplayOutcome, DesignRun } from '../check/run.ts';
import { describeScenario } from './scenario-text.ts';
import type { Change, Trace } from '../check/engine/trace.ts';
import type { PorStats } from '../check/engine/por.ts';
import { foldRounds, roundsText, statesOf, stepNote } from './explain.ts';
import type { Scenario } from '../scenario.ts';

const PLAIN = { head: [], border: [] } as const;
/** No rule between body rows: for tables whose cells are one line. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } as const;
const table = (head: string[], compact = false) => new Table({ head, style: PLAIN as any, ...(compact ? { chars: COMPACT } : {}) });

/** A verdict cell: VIOLATED in capitals, marked when it breaks the design's claim. */
export function verdictCell(run: DesignRun, name: string): string {
  const p = run.results.find((r) => r.name === name);
  if (!p) return '';
  const v = p.verdict === 'violated' ? 'VIOLATED' : p.omission ? `holds (${omissionText(p.omission)})` : p.vacuous ? 'holds (vacuous)' : p.verdict;
  if (!p.claimed) return v;
  if (p.verdict !== 'violated' || !run.assumptionsMet) return `${v} *`;
  return p.assumptionsNotChecked ? `${v} ?` : `${v} !`;
}

/**
 * A lossy search's "holds", qualified: `hash-compact, P(skip) ≤ 1.2e-8`, or for bitstate the
 * expected number of new states it took for seen ones (each loses whatever only it leads to).
 */
export function omissionText(o: OmissionJson): string {
  const n = (x: number) => (x === 0 ? '0' : x < 0.01 || x >= 1e6 ? x.toExponential(1) : String(Number(x.toPrecision(2))));
  return o.mode === 'hash-compact' ? `hash-compact, P(skip) ≤ ${n(o.probability)}` : `bitstate, ~${n(o.expectedOmissions)} new states taken for seen`;
}

/** Width of a trace table's event column (a folded row lists its round's events). */
export const EVENT_WIDTH = 34;

/** Width of a trace table's changes column, in characters (wrapped at words). */
export const CHANGES_WIDTH = 72;

const seconds = (s: number) => `${s.toFixed(1)} s`;

/** The comparison table: one row per property, one column per design. */
export function comparisonTable(runs: readonly DesignRun[]): string {
  const t = table(['property', ...runs.map((r) => r.design)], true);
  for (const p of runs[0]?.results ?? []) t.push([p.name, ...runs.map((r) => verdictCell(r, p.name))]);
  t.push(['states', ...runs.map(statesCell)]);
  t.push(['time', ...runs.map((r) => seconds(r.seconds))]);
  return t.toString();
}

/**
 * The states cell: the safety BFS's count, marked when a limit stopped it; the liveness
 * search (its own exploration when the model has thread symmetry) is shown only when it
 * was the one stopped, so that "(limit)" always sits on the count of the search it stopped.
 */
export function statesCell(r: DesignRun): string {
  return r.searches
    .map((x) => (x.search === 'safety' ? `${x.states}${x.complete ? '' : ' (limit)'}` : x.complete ? '' : `liveness ${x.states} (limit)`))
    .filter(Boolean)
    .join(', ');
}

/** The behaviour table: one row per client behaviour, one column per design; cells list violations. */
export function behaviourTable(rows: readonly { behaviour: string; runs: readonly DesignRun[] }[]): string {
  const t = table(['behaviour', ...(rows[0]?.runs.map((r) => r.design) ?? [])]);
  for (const row of rows)
    t.push([
      row.behaviour,
      ...row.runs.map((r) => {
        const bad = r.results
          .filter((p) => p.verdict === 'violated')
          .map((p) => (p.claimed && r.assumptionsMet ? `${p.name} ${p.assumptionsNotChecked ? '?' : '!'}` : p.name));
        const unknown = r.results.some((p) => p.verdict === 'unknown');
        const cell = bad.length ? bad.join('\n') : unknown ? 'unknown (limit)' : 'all hold';
        return r.assumptionsMet ? cell : `${cell}\n(assumption not met)`;
      }),
    ]);
  return t.toString();
}

const value = (v: unknown) => (v === undefined ? '-' : JSON.stringify(v));

/** A counterexample as a table: step, thread, CPU, event, changed variables and, for key steps, what they mean. */
export function traceTable(trace: Trace, property?: string): string {
  // The event and changes columns wrap: a folded row's events and a key step's sentence
  // would otherwise widen the whole table.
  const t = new Table({
    head: ['#', 'thread', 'cpu', 'event', 'changes'],
    style: PLAIN as any,
    colWidths: [null, null, null, EVENT_WIDTH, CHANGES_WIDTH] as any,
    wordWrap: true,
  });
  const states = statesOf(trace);
  const changeLines = (changes: readonly Change[]) => [
    ...changes.filter((c) => !c.name.endsWith('@')).map((c) => `${c.name}: ${value(c.from)} -> ${value(c.to)}`),
    ...changes.filter((c) => c.name.endsWith('@')).map((c) => `${c.name.slice(0, -1)}: ${c.from} -> ${c.to}`),
  ];
  for (const row of foldRounds(trace)) {
    if (row.kind === 'rounds') {
      const last = row.first + row.length * row.count - 1;
      const s = trace.steps[row.first]!;
      const before = states[row.first]!;
      const after = states[last + 1]!;
      const net = Object.keys(after)
        .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        .map((name) => ({ name, from: before[name], to: after[name] }));
      const events = trace.steps
        .slice(row.first, row.first + row.length)
        .map((x) => eventText(x.event))
        .join(', ');
      t.push([
        `${row.first + 1}-${last + 1}`,
        s.thread,
        s.cpu === null ? '' : String(s.cpu),
        `${row.count} x (${events})`,
        [`=> ${roundsText(trace, row, states, property)}`, ...changeLines(net)].join('\n'),
      ]);
      continue;
    }
    const i = row.index;
    const s = trace.steps[i]!;
    if (i === trace.loopStart) t.push([{ colSpan: 5, content: '-- the cycle below repeats forever (weakly fair) --' } as any]);
    const why = stepNote(trace, i, states, property);
    t.push([
      String(i + 1),
      s.thread,
      s.cpu === null ? '' : String(s.cpu),
      eventText(s.event),
      [...(why ? [`=> ${why}`] : []), ...changeLines(s.changes)].join('\n'),
    ]);
  }
  const end =
    trace.end === 'deadlock'
      ? 'ends in a deadlock: no thread can step and the system is not finished'
      : trace.end === 'final'
        ? 'ends in a final state without reaching the goal'
        : trace.end === 'cycle'
          ? `loops from step ${trace.loopStart! + 1} on`
          : 'ends in the violating state';
  return `${t.toString()}\n${trace.steps.length} steps; ${end}`;
}

/** One sentence on a replay outcome. */
export function replayText(r: ReplayOutcome | undefined): string {
  if (!r) return 'not replayed';
  if ('unavailable' in r) return `not replayed on the implementation: ${r.unavailable}`;
  if (r.reproduced) return 'reproduced on the implementation';
  const d = r.divergence;
  return `the implementation diverges at step ${d.step}${d.event ? ` (${eventText(d.event)})` : ''}:\n  ${d.differences.join('\n  ')}`;
}

/** Text report of one design run: verdicts, then every counterexample. */
export function designReport(run: DesignRun): string {
  const out: string[] = [`design ${run.design}: ${run.title}`];
  if (!run.assumptionsMet) out.push(`the scenario does not meet the design's assumptions:\n  ${run.unmetAssumptions.join('\n  ')}`);
  const por = run.searches.find((x) => x.por)?.por;
  if (por) out.push(porText(por));
  const prose = run.assumptions.filter((a) => a.status === 'stated, not checked').map((a) => a.text);
  if (prose.length) out.push(`assumptions stated, not checked (no client flag expresses them: judge them yourself):\n  ${prose.join('\n  ')}`);
  for (const p of run.results) {
    if (!p.trace) continue;
    out.push('', `${p.name} (${p.kind}${p.claimed ? ', claimed' : ''}): VIOLATED`);
    if (p.claimed && run.assumptionsMet && p.assumptionsNotChecked)
      out.push(
        `assumption not checked: the run takes a step this prose assumption is about (and no run without those steps violates the property), so it may break it:\n  ${p.assumptionsNotChecked.join('\n  ')}`,
      );
    if (p.avoiding)
      out.push(`the shortest run that takes none of ${p.avoiding.join(', ')} (the steps a prose assumption is about), so it meets that assumption:`);
    out.push(traceTable(p.trace, p.name), replayText(p.replay));
  }
  return out.join('\n');
}

/** What partial-order reduction did to the safety search, and what its counterexamples are. */
export function porText(p: PorStats): string {
  return (
    `partial-order reduction (--por, src/check/engine/por.ts): the safety search expanded ${p.reduced} states through an ample set ` +
    `(${p.proviso} of them fully after all, by the cycle proviso; ${p.restarts} restarts on learned dependencies${p.opaque ? '; stopped reducing: a step or property the tries cannot follow' : ''}); ` +
    'its counterexamples are real runs, shortest in the reduced graph but not necessarily shortest; liveness ran its own unreduced search'
  );
}

/** The header line naming the scenario. */
export function scenarioHeader(s: Scenario): string {
  return `scenario ${s.name}: ${describeScenario(s, { design: false })}`;
}

/** Legend of the verdict marks; `exitZero`: the run ignores verdicts for its exit status (npm start). */
export function legend(exitZero = false): string {
  const status = exitZero ? 'exit status 1 without --exit-zero, which npm start passes' : 'exit status 1';
  return (
    `* claimed by the design; ! claimed, and violated in a scenario that meets the design's assumptions (${status})\n` +
    "? claimed, and violated only by runs that take a step one of the design's prose (unchecked) assumptions is about: assumption not checked, no broken claim\n" +
    "holds (vacuous): the property's trigger (machines/system/properties.ts) is never reached here, so nothing put it to the test; unknown: a limit stopped the search first"
  );
}

/** A design run as JSON (timings left out: see {@link timingsJson}). */
export function runJson(run: DesignRun): DesignRunJson {
  return {
    design: run.design,
    complete: run.complete,
    states: run.states,
    transitions: run.transitions,
    searches: run.searches.map((x) => ({
      search: x.search,
      states: x.states,
      complete: x.complete,
      ...(x.stoppedBy ? { stoppedBy: x.stoppedBy } : {}),
      ...(x.por ? { por: { ...x.por, shortest: 'in the reduced graph only' as const } } : {}),
    })),
    assumptionsMet: run.assumptionsMet,
    unmetAssumptions: run.unmetAssumptions,
    assumptions: run.assumptions,
    brokenClaims: run.brokenClaims,
    uncheckedClaims: run.uncheckedClaims,
    results: run.results.map((p) => ({
      name: p.name,
      kind: p.kind,
      verdict: p.verdict,
      claimed: p.claimed,
      ...(p.vacuous === undefined ? {} : { vacuous: p.vacuous }),
      ...(p.witness ? { witnessSteps: p.witness.steps.length } : {}),
      ...(p.unknownBecause ? { unknownBecause: p.unknownBecause } : {}),
      ...(p.omission ? { omission: p.omission } : {}),
      ...(p.assumptionsNotChecked ? { assumptionsNotChecked: p.assumptionsNotChecked } : {}),
      ...(p.avoiding ? { avoiding: p.avoiding } : {}),
      ...(p.trace ? { trace: traceJson(p.trace) } : {}),
      ...(p.replay ? { replay: p.replay } : {}),
    })),
  };
}

/** A counterexample as JSON: how it ends, the initial state, the steps. */
export function traceJson(t: Trace): TraceJson {
  return {
    end: t.end,
    ...(t.loopStart === undefined ? {} : { loopStart: t.loopStart }),
    initial: t.initial,
    initialActive: t.initialActive,
    steps: t.steps,
    ...(t.blocked ? { blocked: t.blocked } : {}),
  };
}

/** Timings of a design run: the whole check, and the exploration's rate. */
export function timingsJson(run: DesignRun): TimingsJson {
  return {
    seconds: Number(run.seconds.toFixed(3)),
    exploreSeconds: Number(run.exploreSeconds.toFixed(3)),
    statesPerSecond: Math.round(run.states / Math.max(run.exploreSeconds, 1e-9)),
    workers: run.searches[0].workers,
  };
}
