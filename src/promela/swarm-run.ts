/**
 * A swarm's folder: written (model, plan, script, pan built), its runs executed here side by
 * side, and read back (each run's summary and trails). The runs are plain `pan` processes, so
 * the same folder can be copied to other machines, its script's lines run there, and the
 * run-* folders copied back before {@link readRuns}.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PanSummary, parsePanOutput } from './swarm-pan.ts';
import { planScript, SWARM_FORMAT, type SwarmPlan, type SwarmRun } from './swarm-plan.ts';
import { runAsync } from './spin.ts';

/** The plan file, the model and the script's names in a swarm folder. */
export const PLAN_FILE = 'swarm.json';
export const MODEL_FILE = 'model.pml';
export const SCRIPT_FILE = 'run.sh';

/** A swarm folder is missing or is not one. */
export class SwarmFolderError extends Error {
  override readonly name = 'SwarmFolderError';
}

/** Writes the model, the plan and the script into `dir` (created if needed). */
export function writeSwarm(dir: string, plan: SwarmPlan, model: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MODEL_FILE), model);
  writeFileSync(join(dir, PLAN_FILE), `${JSON.stringify(plan, null, 1)}\n`);
  writeFileSync(join(dir, SCRIPT_FILE), planScript(plan), { mode: 0o755 });
}

/** Reads `dir`'s plan. @throws SwarmFolderError */
export function readPlan(dir: string): SwarmPlan {
  const file = join(dir, PLAN_FILE);
  if (!existsSync(file)) throw new SwarmFolderError(`${dir} holds no ${PLAN_FILE}: not a swarm folder (dmaspec swarm --out DIR makes one)`);
  const plan = JSON.parse(readFileSync(file, 'utf8')) as SwarmPlan;
  if (plan.format !== SWARM_FORMAT) throw new SwarmFolderError(`${file} is ${JSON.stringify(plan.format)}, not ${SWARM_FORMAT}`);
  return plan;
}

/** Builds pan in `dir` with the plan's commands. */
export async function buildPan(dir: string, plan: SwarmPlan): Promise<void> {
  for (const [cmd, ...args] of plan.compile) await runAsync(cmd!, args, dir);
}

/** Runs the plan's runs in `dir`, `jobs` at a time; `onDone` after each. */
export async function runSwarm(dir: string, plan: SwarmPlan, jobs: number, onDone: (run: SwarmRun) => void = () => {}): Promise<void> {
  const queue = [...plan.runs];
  const worker = async (): Promise<void> => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const cwd = join(dir, r.dir);
      mkdirSync(cwd, { recursive: true });
      // A run that fails (out of memory, killed) leaves its message: the merge reports it as not finished.
      const out = await runAsync('../pan', r.args, cwd).catch((err: Error) => `dmaspec swarm: ${err.message}\n`);
      writeFileSync(join(cwd, 'pan.out'), out);
      onDone(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, queue.length)) }, worker));
}

/** One run read back: its summary, or why it has none (not run, or cut short). */
export type RunOutcome = { readonly run: SwarmRun; readonly summary: PanSummary } | { readonly run: SwarmRun; readonly missing: string };

/** Reads every run's `pan.out` in `dir`. */
export function readRuns(dir: string, plan: SwarmPlan): RunOutcome[] {
  return plan.runs.map((run) => {
    const file = join(dir, run.dir, 'pan.out');
    if (!existsSync(file)) return { run, missing: 'not run (no pan.out)' };
    try {
      return { run, summary: parsePanOutput(readFileSync(file, 'utf8'), plan.checks) };
    } catch (err) {
      return { run, missing: (err as Error).message };
    }
  });
}

/** pan's state tables (`pan -d`): which `d_step` line each transition id runs. */
export function panTables(dir: string): Promise<string> {
  return runAsync('./pan', ['-d'], dir);
}

/** A trail file of a run. */
export function readTrail(dir: string, run: SwarmRun, trail: string): string {
  return readFileSync(join(dir, run.dir, trail), 'utf8');
}
