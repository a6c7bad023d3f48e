/**
 * The report of `dmaspec swarm`: a row per run (what it searched, with pan's hash factor),
 * each check found failed once with its replayed trace, and the checks no run failed, said as
 * "not found", never "holds": a bitstate swarm looks for errors, it proves nothing.
 * @module
 */
import type { SwarmResult } from '../promela/swarm-merge.ts';
import type { SwarmPlan } from '../promela/swarm-plan.ts';
import type { ReplayOutcome } from '../check/run.ts';
import { replayText, traceJson, traceTable } from './report.ts';

/** The report as text and JSON. */
export interface SwarmReport {
  readonly text: string;
  readonly json: unknown;
}

/** Whether a found failure is one the design answers for: a claim, or deadlock freedom. */
export const answersFor = (check: string, claims: readonly string[]) => claims.includes(check) || check === 'deadlock-free';

/** Renders a merged swarm of `dir`. */
export function swarmReport(
  dir: string,
  plan: SwarmPlan,
  r: SwarmResult,
  claims: readonly string[],
  replays: ReadonlyMap<string, ReplayOutcome> = new Map(),
): SwarmReport {
  const lines = [`dmaspec swarm ${dir}: scenario ${plan.scenario}, design ${plan.design}; ${plan.runs.length} bitstate runs of pan`];
  if (!plan.exportComplete)
    lines.push(`  (the export's ranges come from ${plan.exportStates} states of a bounded search: a state outside them fails export-range)`);
  lines.push('', '  run  pan arguments                                  states  hash factor  depth  failed');
  for (const o of r.outcomes) {
    const args = o.run.args.filter((a) => !['-c0', '-e', '-n'].includes(a)).join(' ');
    if (!('summary' in o)) {
      lines.push(`  ${String(o.run.id).padEnd(4)} ${args.padEnd(44)} not finished: ${o.missing}`);
      continue;
    }
    const s = o.summary;
    const failed = s.failures.map((f) => f.check).join(', ') || '-';
    lines.push(
      `  ${String(o.run.id).padEnd(4)} ${args.padEnd(44)} ${String(s.states).padStart(8)}  ${s.hashFactor.toFixed(1).padStart(11)}  ${String(s.depthReached).padStart(5)}${s.depthCut ? ' (cut by -m)' : ''}  ${failed}`,
    );
  }
  const found = new Set(r.findings.map((f) => f.check));
  for (const f of r.findings) {
    lines.push('');
    if (!f.trace) {
      const head = f.check === 'export-range' ? 'the export is too narrow for this search' : "NOT REPRODUCED on dmaspec's machine";
      lines.push(`${f.check}: reported failed by runs ${f.runs.join(', ')}; ${head}:`, ...f.problems.map((p) => `  ${p}`));
      continue;
    }
    lines.push(
      `${f.check}: VIOLATED${answersFor(f.check, claims) ? '' : ' (not claimed by the design)'}, found by runs ${f.runs.join(', ')}; ` +
        `run ${f.from}'s trail of ${f.trace.steps.length} steps, replayed on dmaspec's machine (a real run, not necessarily a shortest one):`,
      traceTable(f.trace, f.check),
      replayText(replays.get(f.check)),
    );
  }
  const notFound = plan.checks.filter((c) => !found.has(c) && c !== 'export-error');
  lines.push('', `Not found failed by any run: ${notFound.join(', ') || '-'} (bitstate search may omit states: not a proof that they hold)`, '');
  const json = {
    format: 'dmaspec-swarm-report/1',
    dir,
    scenario: plan.scenario,
    design: plan.design,
    runs: r.outcomes.map((o) => ({ id: o.run.id, args: o.run.args, ...('summary' in o ? { summary: o.summary } : { missing: o.missing }) })),
    found: r.findings.map((f) => ({
      check: f.check,
      runs: f.runs,
      ...(f.trace ? { from: f.from, trace: traceJson(f.trace), replay: replays.get(f.check) ?? null } : { problems: f.problems }),
    })),
    notFound,
  };
  return { text: lines.join('\n'), json };
}
