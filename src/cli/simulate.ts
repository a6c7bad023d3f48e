/**
 * `dmaspec simulate`: run one scenario through an orderly eject under a seeded random
 * schedule of the executable core and print the event log (step, thread, CPU, what
 * changed) and the final state. A hang (deadlock) or a recorded violation is reported
 * plainly; the run itself succeeding either way, the exit status is 0 (2 for bad usage).
 * @module
 */
import type { Observable } from '../../spec/observable.ts';
import { DmaRuleError } from '../core/errors.ts';
import { randomScheduler, runSchedule, type RunResult, type StepRecord } from '../system/scheduler.ts';
import { System } from '../system/system.ts';
import { eventStep, eventText, violationText } from '../../spec/vocabulary.ts';
import type { Design } from '../designs/design.ts';
import { isDesignFile, loadDesignFile } from '../designs/load.ts';
import { STRATEGIES } from '../designs/strategies.ts';
import { DEFAULT_SCENARIO, type DesignName, type Scenario } from '../scenario.ts';
import { UsageError } from './usage-error.ts';
import { quoted } from '../excerpt.ts';
import { didYouMean } from '../../machines/system/design-error.ts';
import { intOption, namedOrFileScenario, parseOptions } from './args.ts';
import { NAMED_SCENARIOS } from '../check/scenarios.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT_TABLE } from './exit-status.ts';
import { clientBehaviours } from '../render/scenario-text.ts';

/** One line of `dmaspec --help`. */
export const summary = 'run a scenario through an orderly eject under a seeded random schedule and print the event log';

const USAGE = `usage: dmaspec simulate [--scenario NAME|FILE.json] [--seed N] [--steps N] [--design NAME|FILE]

  --scenario NAME|FILE  a scenario JSON file, or a name: ${NAMED_SCENARIOS.join(', ')}
                   (default: the standard scenario, named default)
  --seed N         seed of the random schedule, an integer >= 0 (default 1)
  --steps N        stop after N steps (default 500)
  --design NAME    override the scenario's design: ${Object.keys(STRATEGIES).join(' | ')}
  --design FILE    a design module (.ts/.mts/.js/.mjs) exporting { model, strategy }: simulate
                   runs the strategy, so a design with a model only is refused (exit 2)

Same scenario and seed, same output. Exit status 0 when the run completed, hung or hit the
step limit (all reported in the log); 2 for bad arguments.

${EXIT_TABLE}`;

/** The parsed command line of `simulate`. */
export interface SimulateOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly steps: number;
  /** `--design FILE`, loaded and validated by {@link run} into {@link design}. */
  readonly designFile?: string;
  /** A design object to run instead of the scenario's (a loaded design file). */
  readonly design?: Design;
}

/** Parses `simulate`'s arguments. @throws UsageError, ScenarioError */
export function parseSimulateArgs(argv: string[]): SimulateOptions | 'help' {
  const values = parseOptions(
    argv,
    {
      scenario: { type: 'string' },
      seed: { type: 'string' },
      steps: { type: 'string' },
      design: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 'help';
  let scenario = DEFAULT_SCENARIO;
  if (values.scenario !== undefined) scenario = namedOrFileScenario(values.scenario);
  const designFile = values.design !== undefined && isDesignFile(values.design) ? values.design : undefined;
  if (values.design !== undefined && !designFile) {
    if (!Object.hasOwn(STRATEGIES, values.design))
      throw new UsageError(
        `--design must be one of ${Object.keys(STRATEGIES).join(', ')}${didYouMean(values.design, Object.keys(STRATEGIES))} or a design module (got ${quoted(values.design)})`,
      );
    scenario = { ...scenario, design: values.design as DesignName };
  }
  if (!designFile && !Object.hasOwn(STRATEGIES, scenario.design))
    throw new UsageError(`design ${scenario.design} has no implementation yet; use --design ${Object.keys(STRATEGIES).join(' or ')}`);
  return {
    scenario,
    seed: intOption(values.seed, 'seed', 0) ?? 1,
    steps: intOption(values.steps, 'steps', 1) ?? 500,
    ...(designFile ? { designFile } : {}),
  };
}

function describeScenario(s: Scenario, design?: string): string[] {
  const clients = s.clients.map((c) => {
    const flags = clientBehaviours(c);
    return `  ${c.name}: ${c.kind} on CPU ${c.cpu}, ${c.capability}${flags.length ? `, ${flags.join(', ')}` : ''}`;
  });
  const iohs = s.iohs.map((h) => `  ${h.name}: ${h.devices.map((d) => `${d.name} (${d.channels} channel(s): ${d.capabilities.join('+')})`).join(', ')}`);
  return [`scenario ${s.name}: ${s.cpus} CPU(s), design ${design ?? s.design}, quiesce threshold ${s.quiesceThreshold}`, ...clients, ...iohs];
}

/** Notes on a step beyond the observable change (the quiescer's running sum, log lines). */
function notes(sys: System, r: StepRecord): string[] {
  const out: string[] = [];
  const step = eventStep(r.event);
  const q = sys.kernel.quiesce;
  if (q && step === 'read')
    out.push(
      q.next === sys.kernel.cpus
        ? `round sum ${q.sum}; consecutive zero rounds ${q.count}/${sys.kernel.quiesceThreshold}`
        : `sum so far ${q.sum} (CPU ${q.next - 1} read)`,
    );
  const client = sys.clients.find((c) => c.name === r.thread);
  if (client && (step === 'find' || step === 'reget') && client.chan === null) out.push('got NULL (the CPU will copy)');
  if (q && step === 'tick') out.push(q.next === 0 && sys.kernel.dirty === 0 ? 'not dirty: read the CPUs' : 'dirty: round restarts');
  for (const w of r.warnings) out.push(w);
  return out;
}

function formatState(o: Observable): string[] {
  const lines = [
    `  dmaengineRefCount ${o.dmaengineRefCount}; cpuOnline [${o.cpuOnline.join(', ')}]; ref [${o.ref.join(', ')}]; key ${o.key}; dirty ${o.dirty}`,
  ];
  for (const [cap, slots] of Object.entries(o.table)) if (slots.some((x) => x !== null)) lines.push(`  table.${cap} [${slots.join(', ')}]`);
  for (const d of o.devices)
    lines.push(
      `  device ${d.name}: ${d.listed ? 'listed' : 'unlisted'}, ${d.private ? 'private' : 'public'}, privatecnt ${d.privatecnt}${d.freed ? ', FREED' : ''}`,
    );
  for (const c of o.channels)
    lines.push(`  channel ${c.id}: clientCount ${c.clientCount}, tableCount ${c.tableCount}, resources ${c.resources ? 'allocated' : 'none'}`);
  for (const t of o.threads) lines.push(`  thread ${t.name}: CPU ${t.cpu}, chan ${t.chan ?? '-'}`);
  return lines;
}

function verdict(result: RunResult, sys: System): string[] {
  const n = result.steps.length;
  const lines: string[] = [];
  switch (result.outcome) {
    case 'completed':
      lines.push(`Run completed: every thread finished after ${n} steps.`);
      break;
    case 'deadlock':
      lines.push(`HANG after ${n} steps: no step is enabled and some threads have not finished:`);
      for (const b of result.blocked) lines.push(`  ${b.thread} is blocked: ${b.waitingFor}`);
      break;
    case 'step-limit':
      lines.push(`Stopped at the step limit (${n} steps) before every thread finished.`);
      break;
    case 'stopped':
      lines.push(`Stopped after ${n} steps.`);
      break;
  }
  const v = result.final.violations;
  if (v.length === 0) lines.push('No violation recorded.');
  else {
    lines.push(`VIOLATIONS (${v.length}):`);
    for (const x of v) {
      const first = result.steps.find((r) => r.violations.some((y) => violationText(y) === x));
      lines.push(`  ${x}${first ? ` (step ${first.index})` : ''}`);
    }
  }
  if (!sys.iohs.every((h) => h.state === 'removed')) lines.push(`IOH state: ${sys.iohs.map((h) => `${h.name} ${h.state}`).join(', ')}`);
  return lines;
}

/** Runs the simulation of `options` and returns the report text (deterministic). */
export function simulate(options: SimulateOptions): string {
  const sys = new System(options.scenario, options.design ? { design: options.design } : {});
  const lines = describeScenario(options.scenario, options.design?.model.name);
  lines.push(`schedule: seeded random, seed ${options.seed}, at most ${options.steps} steps`, '');
  lines.push(`${'step'.padStart(4)}  ${'thread'.padEnd(8)} cpu  ${'event'.padEnd(26)} what changed`);
  const result = runSchedule(sys, randomScheduler(options.seed), {
    maxSteps: options.steps,
    onStep: (r) => {
      const event = eventText(r.event).slice(r.thread.length + 1);
      const what = [...r.changes, ...notes(sys, r)];
      lines.push(
        `${String(r.index).padStart(4)}  ${r.thread.padEnd(8)} ${(r.cpu === null ? '-' : String(r.cpu)).padStart(3)}  ${event.padEnd(26)} ${what.join('; ') || '-'}`,
      );
    },
  });
  lines.push('', 'final state:', ...formatState(result.final), '', ...verdict(result, sys));
  return lines.join('\n') + '\n';
}

/** Loads `--design FILE`; simulate needs its strategy. @throws UsageError */
async function designOfFile(file: string, scenario: Scenario): Promise<Design> {
  const d = await loadDesignFile(file, scenario);
  if (!d.strategy)
    throw new UsageError(
      `design ${d.model.name} has no strategy: simulate runs the implementation (src/core); export { model, strategy }, or check the model with dmaspec check --design ${file}`,
    );
  return d;
}

/** `dmaspec simulate [options]`: prints the log; returns 0 (usage errors throw UsageError). */
export async function run(argv: string[], env: CommandEnv = processEnv()): Promise<number> {
  const parsed = parseSimulateArgs(argv);
  if (parsed === 'help') {
    env.out(USAGE + '\n');
    return 0;
  }
  const options = parsed.designFile ? { ...parsed, design: await designOfFile(parsed.designFile, parsed.scenario) } : parsed;
  try {
    env.out(simulate(options));
  } catch (err) {
    if (err instanceof DmaRuleError) throw new UsageError(err.message);
    throw err;
  }
  return 0;
}
