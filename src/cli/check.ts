/**
 * `dmaspec check`: explore every interleaving of a scenario under one or every design and
 * give each property of spec/properties.ts a verdict with its shortest counterexample,
 * replayed on the implementation. With no arguments: the standard scenario under every
 * built-in design (comparison table), and every design against every client behaviour.
 *
 * Exit status (src/cli/exit-status.ts): 0 finished; 1 a property a design claims is violated
 * in a scenario that meets the design's assumptions; 2 usage; 3 a limit or an interrupt
 * stopped a search first (a partial report: which runs finished, which verdicts are
 * unknown and why).
 * @module
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DesignModel } from '../../machines/system/design.ts';
import { DESIGN_MODELS } from '../designs/models.ts';
import { BEHAVIOURS, DEFAULT_SCENARIO, type Scenario } from '../scenario.ts';
import { legend, behaviourTable, comparisonTable, designReport, runJson, scenarioHeader, timingsJson } from '../check/format.ts';
import { checkDesign, scenarioText, type DesignCheckOptions, type DesignRun, type ImplementationFactory } from '../check/run.ts';
import { NAMED_SCENARIOS, behaviourScenario, namedScenario } from '../check/scenarios.ts';
import { SubsetError } from '../check/compile.ts';
import { LayoutError } from '../check/layout.ts';
import { Limits } from '../check/limits.ts';
import { stopText } from '../check/check.ts';
import { UsageError } from './usage-error.ts';
import { intOption, parseOptions, readScenarioFile } from './args.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT, EXIT_TABLE } from './exit-status.ts';

/** The built-in designs, as loaded: user design modules join DESIGN_MODELS for their run only. */
const BUILT_IN: Readonly<Record<string, DesignModel>> = { ...DESIGN_MODELS };

const DEFAULT_MB = `${Math.round(new Limits().maxMemory / 2 ** 20)} MB`;

/** One line of `dmaspec --help`. */
export const summary = 'check every interleaving of a scenario: a verdict per design and property, shortest counterexamples';

const USAGE = `usage: dmaspec check [--design NAME|FILE] [--scenario NAME|FILE.json] [--threshold N]
                     [--max-states N] [--max-seconds N] [--max-memory MB] [--workers N]
                     [--json] [--no-symmetry] [--exit-zero]

  --design NAME|FILE      a built-in design, or a module (.ts/.js) exporting a design model
                          (machines/system/design.ts DesignModel); default: every built-in
                          design: ${Object.keys(DESIGN_MODELS).join(', ')}
  --scenario NAME|FILE    a scenario JSON file, or a name: ${NAMED_SCENARIOS.join(', ')}
  --threshold N           consecutive zero sums dma_channel_quiesce needs (overrides the scenario)
  --max-states N          stop each search after N states (verdicts may be unknown; exit 3)
  --max-seconds N         stop every search after N seconds in all (exit 3)
  --max-memory MB         stop before the process would pass MB megabytes of memory (exit 3);
                          default: 3/4 of the least of the machine's memory, the cgroup
                          limit and the data / address-space rlimits (here ${DEFAULT_MB})
  --workers N             threads per search (default: the machine's ${availableParallelism()}): the larger
                          BFS levels are explored on N worker threads, with the same states,
                          verdicts and traces as on one; the liveness cycle search after it,
                          and searches under a --design FILE, run on one thread
  --json                  JSON on stdout; timings in their own "timings" field
  --no-symmetry           explore without symmetry reduction (state counts without it)
  --exit-zero             exit 0 once the check has run, whatever the verdicts and limits (a
                          report, as npm start prints it); usage errors still exit 2

With no options: the default scenario under every built-in design, then every design
against every client behaviour. SIGINT / SIGTERM stop the search like a limit: the partial
report, exit 3 (a second one quits at once). A claimed property found violated before a
limit stopped the run still exits 1.

${EXIT_TABLE}`;

/** The parsed command line of `check`. */
export interface CheckArgs {
  readonly designs: readonly DesignModel[];
  readonly scenario: Scenario;
  /** Also check every client behaviour (when no scenario was given). */
  readonly behaviours: boolean;
  readonly maxStates?: number;
  readonly maxSeconds?: number;
  /** `--max-memory` in bytes. */
  readonly maxMemory?: number;
  /** `--threshold`, if given (applies to the behaviour scenarios too). */
  readonly threshold?: number;
  /** `--workers`: threads per search. */
  readonly workers: number;
  readonly json: boolean;
  readonly symmetry: boolean;
  /** Report only: the verdicts do not set the exit status. */
  readonly exitZero: boolean;
}

const DESIGN_FIELDS: readonly [string, string][] = [
  ['name', 'string'],
  ['title', 'string'],
  ['summary', 'string'],
  ['hotPath', 'string'],
  ['ejecting', 'function'],
  ['rules', 'function'],
  ['claims', 'object'],
  ['assumptions', 'object'],
];

/** Why `v` is not a DesignModel, or null if it is one. */
function notADesign(v: unknown): string | null {
  if (v === null || typeof v !== 'object') return 'not an object';
  const o = v as Record<string, unknown>;
  for (const [k, t] of DESIGN_FIELDS) if (typeof o[k] !== t) return `field ${k} must be a ${t === 'object' ? 'list' : t}`;
  if (o.hotPath !== 'plain' && o.hotPath !== 'rfc') return "field hotPath must be 'plain' or 'rfc'";
  if (!Array.isArray(o.claims) || !Array.isArray(o.assumptions)) return 'fields claims and assumptions must be lists';
  return null;
}

/** Loads a user design module: its default export or its one export that is a design model. */
async function loadDesign(file: string): Promise<DesignModel> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    throw new UsageError(`cannot load design module ${file}: ${(err as Error).message}`);
  }
  const candidates = 'default' in mod ? [['default', mod.default] as const] : Object.entries(mod);
  const designs = candidates.filter(([, v]) => notADesign(v) === null);
  if (designs.length !== 1) {
    const why = candidates.map(([k, v]) => `  export ${k}: ${notADesign(v) ?? 'a design model'}`).join('\n');
    throw new UsageError(
      `design module ${file} must export exactly one design model (machines/system/design.ts DesignModel: ${DESIGN_FIELDS.map(([k]) => k).join(', ')}); found ${designs.length}${why ? `:\n${why}` : ''}`,
    );
  }
  const d = designs[0][1] as DesignModel;
  if (d.name in BUILT_IN && BUILT_IN[d.name] !== d)
    throw new UsageError(`design module ${file} names its design ${d.name}, which is a built-in design; rename it`);
  // The system machine looks designs up by name in the registry; a user design joins it for this run.
  (DESIGN_MODELS as Record<string, DesignModel>)[d.name] = d;
  return d;
}

function readScenario(arg: string): { scenario: Scenario; design?: string } {
  const named = namedScenario(arg);
  if (named) return { scenario: named };
  if (!arg.endsWith('.json')) throw new UsageError(`--scenario ${arg}: not a scenario name (${NAMED_SCENARIOS.join(', ')}) nor a .json file`);
  const { scenario, json } = readScenarioFile(arg);
  const explicit = typeof json === 'object' && json !== null && 'design' in json;
  return { scenario, design: explicit ? scenario.design : undefined };
}

/** Parses `check`'s arguments. @throws UsageError, ScenarioError */
export async function parseCheckArgs(argv: string[]): Promise<CheckArgs | 'help'> {
  const values = parseOptions(
    argv,
    {
      design: { type: 'string' },
      scenario: { type: 'string' },
      threshold: { type: 'string' },
      'max-states': { type: 'string' },
      'max-seconds': { type: 'string' },
      'max-memory': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      'no-symmetry': { type: 'boolean' },
      'exit-zero': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 'help';
  let scenario = DEFAULT_SCENARIO;
  let scenarioDesign: string | undefined;
  if (values.scenario !== undefined) ({ scenario, design: scenarioDesign } = readScenario(values.scenario));
  const threshold = intOption(values.threshold, 'threshold', 1, 100);
  if (threshold !== undefined) scenario = { ...scenario, quiesceThreshold: threshold };
  let designs: DesignModel[];
  const d = values.design ?? scenarioDesign;
  if (d === undefined) designs = Object.values(BUILT_IN);
  else if (/\.(ts|js|mjs|mts)$/.test(d) || d.includes('/')) designs = [await loadDesign(d)];
  else if (d in BUILT_IN) designs = [BUILT_IN[d]];
  else throw new UsageError(`--design ${d}: unknown design (built-in: ${Object.keys(BUILT_IN).join(', ')}; or a .ts/.js module)`);
  return {
    designs,
    scenario,
    behaviours: values.scenario === undefined,
    maxStates: intOption(values['max-states'], 'max-states', 1, 2 ** 31 - 1),
    maxSeconds: intOption(values['max-seconds'], 'max-seconds', 1),
    maxMemory: mbOption(values['max-memory']),
    threshold,
    workers: intOption(values.workers, 'workers', 1, 256) ?? availableParallelism(),
    json: !!values.json,
    symmetry: !values['no-symmetry'],
    exitZero: !!values['exit-zero'],
  };
}

/** `--max-memory MB` in bytes. */
function mbOption(v: string | undefined): number | undefined {
  const mb = intOption(v, 'max-memory', 1, 2 ** 30);
  return mb === undefined ? undefined : mb * 2 ** 20;
}

/** The implementation (src/core) for replay, loaded lazily so that a broken core does not stop the checker. */
async function implementationFactory(): Promise<ImplementationFactory | undefined> {
  try {
    const core = await import('../core/system.ts');
    return (scenario, design) => core.createSystem(scenario, { design: design as Scenario['design'] });
  } catch {
    return undefined;
  }
}

/** One check of the run: a scenario under a design, and the label reports give it. */
interface Job {
  readonly label: string;
  readonly scenario: Scenario;
  readonly design: DesignModel;
  /** The behaviour, for the behaviour table; undefined for the main scenario. */
  readonly behaviour?: string;
}

/** The partial-report facts: what finished, what a limit stopped, what never started. */
interface RunOutline {
  readonly finished: string[];
  readonly stopped: { label: string; why: string[] }[];
  readonly notStarted: string[];
  /** The sticky stop (time, memory, interrupt), if one happened. */
  readonly stop?: { reason: string; message: string };
}

function outline(jobs: readonly Job[], done: readonly DesignRun[], limits: Limits): RunOutline {
  const o: RunOutline = { finished: [], stopped: [], notStarted: [], ...(limits.stopped ? { stop: limits.stopped } : {}) };
  jobs.forEach((j, i) => {
    const r = done[i];
    if (!r) o.notStarted.push(j.label);
    else if (r.complete) o.finished.push(j.label);
    else {
      const why = [
        ...new Set([...r.searches.filter((x) => !x.complete).map((x) => stopText(x.search, x)), ...r.results.flatMap((p) => p.unknownBecause ?? [])]),
      ];
      const unknown = r.results.filter((p) => p.verdict === 'unknown').map((p) => p.name);
      const which = unknown.length === r.results.length ? `all ${unknown.length} verdicts` : unknown.join(', ') || 'none';
      o.stopped.push({ label: j.label, why: [...why, `unknown: ${which}`] });
    }
  });
  return o;
}

/** The partial report's lines. */
function outlineText(o: RunOutline): string[] {
  const out = ['', o.stop ? `stopped early (exit status 3): ${o.stop.message}` : 'a limit stopped a search: verdicts marked unknown are open (exit status 3)'];
  const list = (xs: string[]) => (xs.length > 8 ? `${xs.slice(0, 8).join(', ')} and ${xs.length - 8} more` : xs.join(', '));
  out.push(`  finished (${o.finished.length}): ${list(o.finished) || 'none'}`);
  for (const s of o.stopped) out.push(`  stopped: ${s.label}: ${s.why.join('; ')}`);
  if (o.notStarted.length) out.push(`  not started (${o.notStarted.length}): ${list(o.notStarted)}`);
  return out;
}

/** Runs `dmaspec check`; returns the exit status. */
export async function run(argv: string[], env: CommandEnv = processEnv()): Promise<number> {
  const args = await parseCheckArgs(argv);
  if (args === 'help') {
    env.out(USAGE + '\n');
    return EXIT.ok;
  }
  const implementation = await implementationFactory();
  const limits = new Limits({ maxSeconds: args.maxSeconds, maxMemory: args.maxMemory, interrupt: env.interrupt, workers: args.workers });
  const progress = env.progress;
  const opts: DesignCheckOptions = { symmetry: args.symmetry, maxStates: args.maxStates, limits, implementation, onProgress: (p) => progress.update(p) };
  const jobs: Job[] = args.designs.map((d) => ({ label: `${args.scenario.name} × ${d.name}`, scenario: args.scenario, design: d }));
  if (args.behaviours)
    for (const b of BEHAVIOURS) {
      const s = args.threshold === undefined ? behaviourScenario(b) : { ...behaviourScenario(b), quiesceThreshold: args.threshold };
      for (const d of args.designs) jobs.push({ label: `${b} × ${d.name}`, scenario: s, design: d, behaviour: b });
    }
  const done: DesignRun[] = [];
  try {
    for (const j of jobs) {
      // A sticky stop (time, memory, interrupt) leaves the remaining checks unstarted.
      if (limits.stopped) break;
      progress.label(j.label);
      try {
        done.push(checkDesign(j.scenario, j.design, opts));
      } catch (err) {
        // A design whose machine leaves the kit subset is the user's to fix, not a crash.
        if (err instanceof SubsetError || err instanceof LayoutError) throw new UsageError(`design ${j.design.name}: ${err.message}`);
        throw err;
      }
    }
  } finally {
    progress.stop();
  }
  const runs = done.filter((_, i) => !jobs[i].behaviour);
  const behaviours = BEHAVIOURS.filter(() => args.behaviours)
    .map((b) => ({ behaviour: b as string, runs: done.filter((_, i) => jobs[i].behaviour === b) }))
    .filter((b) => b.runs.length > 0);
  const o = outline(jobs, done, limits);
  const partial = o.stopped.length > 0 || o.notStarted.length > 0;
  const status = done.some((r) => r.brokenClaims.length > 0) ? EXIT.violated : partial ? EXIT.limit : EXIT.ok;
  const exitStatus = args.exitZero ? EXIT.ok : status;

  if (args.json) {
    const doc = {
      scenario: args.scenario.name,
      scenarioText: scenarioText(args.scenario),
      symmetry: args.symmetry,
      designs: runs.map(runJson),
      behaviours: behaviours.map((b) => ({
        behaviour: b.behaviour,
        designs: b.runs.map((r) => ({
          design: r.design,
          complete: r.complete,
          states: r.states,
          searches: r.searches.map((x) => ({ search: x.search, states: x.states, complete: x.complete })),
          violated: r.results.filter((p) => p.verdict === 'violated').map((p) => p.name),
          unknown: r.results.filter((p) => p.verdict === 'unknown').map((p) => p.name),
          brokenClaims: r.brokenClaims,
        })),
      })),
      complete: !partial,
      ...(partial ? { partial: o } : {}),
      exitStatus: status,
      timings: {
        designs: Object.fromEntries(runs.map((r) => [r.design, timingsJson(r)])),
        behaviours: Object.fromEntries(behaviours.map((b) => [b.behaviour, Object.fromEntries(b.runs.map((r) => [r.design, timingsJson(r)]))])),
      },
    };
    env.out(JSON.stringify(doc, null, 2) + '\n');
    return exitStatus;
  }
  const out: string[] = [scenarioHeader(args.scenario), ''];
  if (runs.length) out.push(comparisonTable(runs), legend(args.exitZero));
  if (args.designs.length === 1 && runs.length === 1) out.push('', designReport(runs[0]));
  else {
    const broken = runs.filter((r) => r.brokenClaims.length);
    for (const r of broken)
      out.push('', `${r.design} breaks its claims: ${r.brokenClaims.join(', ')} (npm run dmaspec -- check --design ${r.design} shows the counterexamples)`);
  }
  if (behaviours.length) out.push('', 'every design against every client behaviour (violated properties; ! = a broken claim):', behaviourTable(behaviours));
  if (partial) out.push(...outlineText(o));
  env.out(out.join('\n') + '\n');
  return exitStatus;
}
