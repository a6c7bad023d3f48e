/**
 * Merging a swarm: every run's summary, and each check any run found failed once, with the
 * shortest of its trails replayed on dmaspec's machine ({@link TrailReplayer}). A trail that
 * does not replay, or ends in a state dmaspec does not judge failed, is reported as such: the
 * merge never takes SPIN's word alone.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Trace } from '../check/engine/trace.ts';
import { dStepLines, trailSteps, transitionLines } from './swarm-pan.ts';
import type { SwarmPlan } from './swarm-plan.ts';
import type { TrailReplayer } from './swarm-replay.ts';
import { MODEL_FILE, panTables, type RunOutcome, readRuns, readTrail } from './swarm-run.ts';

/** One check the swarm found failed. */
export interface SwarmFinding {
  readonly check: string;
  /** The runs that found it. */
  readonly runs: readonly number[];
  /** The shortest trail's trace, replayed on dmaspec's machine, and the run it came from. */
  readonly trace?: Trace;
  readonly from?: number;
  /** Why no trail of it could be replayed to a state dmaspec judges failed (empty when one could). */
  readonly problems: readonly string[];
}

/** What the swarm found. */
export interface SwarmResult {
  readonly outcomes: readonly RunOutcome[];
  readonly findings: readonly SwarmFinding[];
}

/** Reads the runs of `dir` and replays each failed check's trails, shortest first, until one reproduces it. */
export async function mergeSwarm(dir: string, plan: SwarmPlan, replayer: TrailReplayer): Promise<SwarmResult> {
  const outcomes = readRuns(dir, plan);
  const lines = dStepLines(readFileSync(join(dir, MODEL_FILE), 'utf8'));
  const ids = transitionLines(await panTables(dir));
  const byCheck = new Map<string, { run: RunOutcome['run']; trail?: string; depth: number }[]>();
  for (const o of outcomes)
    if ('summary' in o)
      for (const f of o.summary.failures) byCheck.set(f.check, [...(byCheck.get(f.check) ?? []), { run: o.run, trail: f.trail, depth: f.depth }]);
  const findings: SwarmFinding[] = [];
  for (const [check, found] of byCheck) {
    const problems: string[] = [];
    let best: { trace: Trace; from: number } | undefined;
    // A state outside the export's ranges is no property of dmaspec's: nothing to replay.
    const candidates = check === 'export-range' ? [] : found.filter((f) => f.trail).map((f) => ({ ...f, trail: f.trail! }));
    for (const f of candidates.sort((a, b) => a.depth - b.depth)) {
      try {
        const steps = trailSteps(readTrail(dir, f.run, f.trail), ids, lines);
        const r = replayer.replay(steps);
        if (!r.violated.includes(check)) {
          problems.push(
            `run ${f.run.id}: the trail's last state does not fail ${check} by dmaspec's judgement${r.violated.length ? ` (it fails ${r.violated.join(', ')})` : ''}`,
          );
          continue;
        }
        best = { trace: r.trace, from: f.run.id };
        break; // tried shortest first (pan's depth): the first that reproduces is kept
      } catch (err) {
        problems.push(`run ${f.run.id}: ${(err as Error).message}`);
      }
    }
    if (check === 'export-range') problems.push("a run left the ranges the export's bounded search found: export again with a larger --max-states");
    else if (!candidates.length) problems.push('no run wrote a trail for it');
    findings.push({ check, runs: found.map((f) => f.run.id), ...(best ?? {}), problems: best ? [] : problems });
  }
  return { outcomes, findings: findings.sort((a, b) => plan.checks.indexOf(a.check) - plan.checks.indexOf(b.check)) };
}
