/**
 * `dmaspec swarm`: SPIN's swarm verification of an exported scenario, for state spaces one
 * exact search cannot hold. Exports the model (src/promela/export.ts), plans N diversified
 * bitstate runs (src/promela/swarm-plan.ts), runs them here in parallel or prints them for
 * other machines, and merges what they found: each failed check once, with its shortest
 * trail replayed on dmaspec's machine as a trace (src/promela/swarm-merge.ts).
 * @module
 */
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Design } from '../designs/design.ts';
import { DESIGNS } from '../designs/registry.ts';
import { isDesignFile } from '../designs/load.ts';
import { exportPromela } from '../promela/export.ts';
import { SWARM_FORMAT, SWARM_GCC, planRuns, type SwarmPlan } from '../promela/swarm-plan.ts';
import { buildPan, MODEL_FILE, readPlan, runSwarm, SCRIPT_FILE, SwarmFolderError, writeSwarm } from '../promela/swarm-run.ts';
import { mergeSwarm } from '../promela/swarm-merge.ts';
import { TrailReplayer } from '../promela/swarm-replay.ts';
import { spinAvailable } from '../promela/spin.ts';
import { NAMED_SCENARIOS } from '../check/scenarios.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../scenario.ts';
import { designArg, intOption, parseOptions, scenarioArg } from './args.ts';
import { withPropertyFiles } from '../designs/load-properties.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT, EXIT_TABLE } from './exit-status.ts';
import { UsageError } from './usage-error.ts';
import { implementationFactory } from './implementation.ts';
import type { ImplementationFactory, ReplayOutcome } from '../check/run.ts';
import { type Implementation, replayTrace } from '../check/replay.ts';
import type { Trace } from '../check/engine/trace.ts';
import { answersFor, swarmReport } from '../render/swarm-report.ts';
import type { SwarmResult } from '../promela/swarm-merge.ts';

/** One line of `dmaspec --help`. */
export const summary = 'run SPIN swarm verification (many diversified bitstate searches) of an export, here or on many machines';

const USAGE = `usage: dmaspec swarm [--scenario NAME|FILE.json] [--design NAME|FILE] [--property FILE]...
                     [--runs N] [--jobs N] [--bits N] [--depth N] [--seed N] [--max-states N]
                     [--out DIR] [--print] [--json]
       dmaspec swarm --merge DIR [--json]

  --scenario NAME|FILE  a scenario JSON file, or a name: ${NAMED_SCENARIOS.join(', ')}
  --design NAME|FILE    a built-in design (${Object.keys(DESIGNS).join(', ')}) or a design
                        module; default: the scenario's design
  --property FILE       a module of your own properties, asserted beside the built-in ones
  --runs N        independent pan runs (default 8); each differs in hash polynomial,
                  process and transition order (-rhash -RS<seed>), bits per state (-k3, -k2,
                  -k4 in turn) and direction (-t_reverse on every second run)
  --jobs N        runs at a time on this machine (default: its ${availableParallelism()} cores)
  --bits N        each run's bitstate array holds 2^N bits (-wN; default 27: 16 MB)
  --depth N       pan's depth bound -m (default 100000); a run that reaches it says so
  --seed N        the first run's seed (default 1; run i uses N + i)
  --max-states N  bound dmaspec's own search of the export, which gives each variable its
                  range (SPIN reports a state outside them as the check export-range)
  --out DIR       the swarm folder (default: a new folder under ${tmpdir()})
  --print         write the folder (model.pml, swarm.json, ${SCRIPT_FILE}, pan built) and print
                  the commands, without running them: run ${SCRIPT_FILE}'s lines on any machines,
                  copy their run-*/ folders back, then --merge
  --merge DIR     read back the runs of a swarm folder and report
  --json          the report as JSON on stdout

A swarm looks for errors; it does not prove their absence: bitstate search may omit states,
and a check no run failed is reported as "not found", never as "holds". Every failure it
reports is replayed on dmaspec's own machine from the trail (a trace, not necessarily a
shortest one); a trail dmaspec cannot reproduce is reported as such (exit 4).
Needs spin and gcc on the PATH (Debian: apt-get install spin gcc).

Exit: 1 when a check the design claims (or deadlock-free) was found failed; 3 when a run did
not finish, was cut by --depth, or left the export's ranges (export-range: export with a
larger --max-states), and nothing claimed was found failed; 4 when a trail does not reproduce.
${EXIT_TABLE}`;

interface SwarmArgs {
  readonly merge?: string;
  readonly scenarioArg: string;
  readonly designArg: string;
  readonly properties: readonly string[];
  readonly runs: number;
  readonly jobs: number;
  readonly bits: number;
  readonly depth: number;
  readonly seed: number;
  readonly maxStates?: number;
  readonly out?: string;
  readonly print: boolean;
  readonly json: boolean;
}

function parseSwarmArgs(argv: string[]): SwarmArgs | 'help' {
  const v = parseOptions(
    argv,
    {
      scenario: { type: 'string' },
      design: { type: 'string' },
      property: { type: 'string', multiple: true },
      runs: { type: 'string' },
      jobs: { type: 'string' },
      bits: { type: 'string' },
      depth: { type: 'string' },
      seed: { type: 'string' },
      'max-states': { type: 'string' },
      out: { type: 'string' },
      print: { type: 'boolean' },
      merge: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (v.help) return 'help';
  if (v.merge !== undefined) {
    const other = ['scenario', 'design', 'property', 'runs', 'jobs', 'bits', 'depth', 'seed', 'max-states', 'out', 'print'].find(
      (k) => v[k as keyof typeof v] !== undefined,
    );
    if (other) throw new UsageError(`--merge DIR reads a swarm folder as it was planned: --${other} cannot be given with it`);
  }
  // Kept as given, a file by its absolute path: --merge re-reads them, maybe from elsewhere.
  const abs = (a: string) => (isAbsolute(a) ? a : resolve(a));
  const scenario = v.scenario ?? 'default';
  const design = v.design ?? '';
  return {
    ...(v.merge !== undefined ? { merge: v.merge } : {}),
    scenarioArg: NAMED_SCENARIOS.includes(scenario) ? scenario : abs(scenario),
    designArg: design === '' || !isDesignFile(design) ? design : abs(design),
    properties: (v.property ?? []).map(abs),
    runs: intOption(v.runs, 'runs', 1, 10_000) ?? 8,
    jobs: intOption(v.jobs, 'jobs', 1, 1024) ?? availableParallelism(),
    bits: intOption(v.bits, 'bits', 10, 40) ?? 27,
    depth: intOption(v.depth, 'depth', 10, 100_000_000) ?? 100_000,
    seed: intOption(v.seed, 'seed', 1, 2 ** 31 - 1) ?? 1,
    maxStates: intOption(v['max-states'], 'max-states', 1, 2 ** 31 - 1),
    ...(v.out !== undefined ? { out: v.out } : {}),
    print: v.print ?? false,
    json: v.json ?? false,
  };
}

/** The scenario and design (with property files) a plan names. */
async function resolveWhat(scenarioName: string, designName: string, properties: readonly string[]): Promise<{ scenario: Scenario; design: Design }> {
  const { scenario, design: fromFile } = scenarioName === 'default' ? { scenario: DEFAULT_SCENARIO, design: undefined } : scenarioArg(scenarioName);
  const d = designName || fromFile || scenario.design;
  return { scenario, design: await withPropertyFiles(await designArg(d, scenario), properties, scenario) };
}

/** Exports, plans and writes the swarm folder; builds pan in it. */
async function prepare(a: SwarmArgs, env: CommandEnv): Promise<{ dir: string; plan: SwarmPlan }> {
  const { scenario, design } = await resolveWhat(a.scenarioArg, a.designArg, a.properties);
  const x = exportPromela(scenario, design.model, { maxStates: a.maxStates, properties: design.extraProperties?.list ?? [] });
  const dir = a.out ?? mkdtempSync(join(tmpdir(), 'dmaspec-swarm-'));
  const plan: SwarmPlan = {
    format: SWARM_FORMAT,
    scenario: a.scenarioArg,
    design: a.designArg || design.model.name,
    properties: a.properties,
    exportStates: x.states,
    exportComplete: x.complete,
    stepEvents: x.stepEvents,
    events: x.events,
    checks: x.checks,
    compile: [
      ['spin', '-a', '-o2', MODEL_FILE],
      ['gcc', ...SWARM_GCC],
    ],
    runs: planRuns({ runs: a.runs, bits: a.bits, depth: a.depth, seed: a.seed }),
  };
  writeSwarm(dir, plan, x.text);
  await buildPan(dir, plan);
  env.err(
    `dmaspec swarm: exported ${scenario.name} under ${design.model.name} (${x.steps} steps; dmaspec's own search: ${x.states} states${x.complete ? '' : ', stopped by --max-states'}) to ${dir}; pan built\n`,
  );
  return { dir, plan };
}

/** The exit status: a trail that does not reproduce first, then a failure the design answers for, then an unfinished run. */
function statusOf(r: SwarmResult, claims: readonly string[]): number {
  // export-range is the export's limit (ranges from a bounded search), not a dmaspec bug.
  if (r.findings.some((f) => !f.trace && f.check !== 'export-range')) return EXIT.internal;
  if (r.findings.some((f) => answersFor(f.check, claims))) return EXIT.violated;
  if (r.outcomes.some((o) => !('summary' in o) || o.summary.depthCut) || r.findings.some((f) => f.check === 'export-range')) return EXIT.limit;
  return EXIT.ok;
}

/** A swarm trace replayed on the implementation, as check replays its counterexamples. */
function replayOn(trace: Trace, impl: ImplementationFactory | undefined, fresh: () => Implementation): ReplayOutcome {
  if (!impl) return { unavailable: 'src/core could not be loaded' };
  try {
    return replayTrace(trace, fresh);
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
}

const readScript = (dir: string): string => readFileSync(join(dir, SCRIPT_FILE), 'utf8');

/** Runs `dmaspec swarm`. */
export async function run(argv: string[], env: CommandEnv = processEnv()): Promise<number> {
  const a = parseSwarmArgs(argv);
  if (a === 'help') {
    env.out(`${USAGE}\n`);
    return EXIT.ok;
  }
  let dir: string;
  let plan: SwarmPlan;
  if (a.merge !== undefined) {
    dir = a.merge;
    try {
      plan = readPlan(dir);
    } catch (err) {
      if (err instanceof SwarmFolderError) throw new UsageError(`--merge ${dir}: ${err.message}`);
      throw err;
    }
  } else {
    // Only the export's build needs them: a merge runs the folder's own pan.
    if (!spinAvailable()) throw new UsageError('dmaspec swarm needs spin and gcc on the PATH to build pan (Debian: apt-get install spin gcc)');
    ({ dir, plan } = await prepare(a, env));
    if (a.print) {
      env.out(`${readScript(dir)}\n# then: dmaspec swarm --merge ${dir}\n`);
      return EXIT.ok;
    }
    let done = 0;
    await runSwarm(dir, plan, a.jobs, () => env.err(`dmaspec swarm: ${++done}/${plan.runs.length} runs done\n`));
  }
  const { scenario, design } = await resolveWhat(plan.scenario, plan.design, plan.properties);
  const replayer = new TrailReplayer(scenario, design.model, design.extraProperties?.list ?? [], plan.stepEvents, plan.events);
  const result = await mergeSwarm(dir, plan, replayer);
  const claims = design.model.claims as readonly string[];
  const impl = await implementationFactory();
  const replays = new Map<string, ReplayOutcome>();
  for (const f of result.findings)
    if (f.trace)
      replays.set(
        f.check,
        replayOn(f.trace, impl, () => impl!(scenario, design)),
      );
  const report = swarmReport(dir, plan, result, claims, replays);
  env.out(a.json ? `${JSON.stringify(report.json, null, 1)}\n` : report.text);
  return statusOf(result, claims);
}
