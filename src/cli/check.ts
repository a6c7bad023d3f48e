/**
 * `dmaspec check`: explore every interleaving of a scenario under one or every design and
 * give each property of spec/properties.ts a verdict with its shortest counterexample,
 * replayed on the implementation. With no arguments: the standard scenario under every
 * built-in design (comparison table), and every design against every client behaviour.
 *
 * Exit status: 0 finished; 1 a property a design claims is violated in a scenario that
 * meets the design's assumptions; 2 usage; 3 a state limit stopped a search first.
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import type { DesignModel } from '../../machines/system/design.ts';
import { DESIGN_MODELS } from '../designs/models.ts';
import { BEHAVIOURS, DEFAULT_SCENARIO, type Scenario } from '../scenario.ts';
import {
  LEGEND,
  behaviourTable,
  comparisonTable,
  designReport,
  runJson,
  scenarioHeader,
  timingsJson,
} from '../check/format.ts';
import { checkDesign, scenarioText, type DesignCheckOptions, type DesignRun, type ImplementationFactory } from '../check/run.ts';
import { NAMED_SCENARIOS, behaviourScenario, namedScenario } from '../check/scenarios.ts';
import { SubsetError } from '../check/compile.ts';
import { LayoutError } from '../check/layout.ts';
import { UsageError } from './usage-error.ts';
import { intOption, parseOptions, readScenarioFile } from './args.ts';

/** One line of `dmaspec --help`. */
export const summary = 'check every interleaving of a scenario: a verdict per design and property, shortest counterexamples';

const USAGE = `usage: dmaspec check [--design NAME|FILE] [--scenario NAME|FILE.json] [--threshold N]
                     [--max-states N] [--json] [--no-symmetry] [--exit-zero]

  --design NAME|FILE      a built-in design, or a module (.ts/.js) exporting a design model
                          (machines/system/design.ts DesignModel); default: every built-in
                          design: ${Object.keys(DESIGN_MODELS).join(', ')}
  --scenario NAME|FILE    a scenario JSON file, or a name: ${NAMED_SCENARIOS.join(', ')}
  --threshold N           consecutive zero sums dma_channel_quiesce needs (overrides the scenario)
  --max-states N          stop each search after N states (verdicts may be unknown; exit 3)
  --json                  JSON on stdout; timings in their own "timings" field
  --no-symmetry           explore without symmetry reduction (state counts without it)
  --exit-zero             exit 0 once the check has run, whatever the verdicts (a report,
                          as npm start prints it); usage errors still exit 2

With no options: the default scenario under every built-in design, then every design
against every client behaviour. Exit status 0 finished, 1 a claimed property is violated in
a scenario meeting the design's assumptions (even if a limit was also reached), 2 bad usage,
3 a state limit was reached.`;

/** The parsed command line of `check`. */
export interface CheckArgs {
  readonly designs: readonly DesignModel[];
  readonly scenario: Scenario;
  /** Also check every client behaviour (when no scenario was given). */
  readonly behaviours: boolean;
  readonly maxStates?: number;
  /** `--threshold`, if given (applies to the behaviour scenarios too). */
  readonly threshold?: number;
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
  if (d.name in DESIGN_MODELS && DESIGN_MODELS[d.name] !== d)
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
  if (d === undefined) designs = Object.values(DESIGN_MODELS);
  else if (/\.(ts|js|mjs|mts)$/.test(d) || d.includes('/')) designs = [await loadDesign(d)];
  else if (d in DESIGN_MODELS) designs = [DESIGN_MODELS[d]];
  else throw new UsageError(`--design ${d}: unknown design (built-in: ${Object.keys(DESIGN_MODELS).join(', ')}; or a .ts/.js module)`);
  return {
    designs,
    scenario,
    behaviours: values.scenario === undefined,
    maxStates: intOption(values['max-states'], 'max-states', 1, 2 ** 31 - 1),
    threshold,
    json: !!values.json,
    symmetry: !values['no-symmetry'],
    exitZero: !!values['exit-zero'],
  };
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

/** Progress on stderr while it is a terminal; nothing when piped. */
function progressReporter(): { opts: Pick<DesignCheckOptions, 'onProgress'>; label(s: string): void; stop(): void } {
  if (!process.stderr.isTTY) return { opts: {}, label() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{label} {phase}: {states} states, {rate} states/s, queue {queue}', clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.legacy,
  );
  let label = '';
  bar.start(1, 0, { label, phase: '', states: 0, rate: 0, queue: 0 });
  return {
    opts: {
      onProgress: (p) => bar.update(0, { label, phase: p.phase, states: p.states, rate: Math.round(p.states / Math.max(p.seconds, 1e-3)), queue: p.queue }),
    },
    label: (s) => {
      label = s;
      bar.update(0, { label, phase: '', states: 0, rate: 0, queue: 0 });
    },
    stop: () => bar.stop(),
  };
}

/** Runs `dmaspec check`; returns the exit status. */
export async function run(argv: string[]): Promise<number> {
  const args = await parseCheckArgs(argv);
  if (args === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const implementation = await implementationFactory();
  const progress = progressReporter();
  const opts: DesignCheckOptions = { symmetry: args.symmetry, maxStates: args.maxStates, implementation, ...progress.opts };
  const check = (scenario: Scenario, d: DesignModel) => {
    progress.label(`${scenario.name} × ${d.name}`);
    try {
      return checkDesign(scenario, d, opts);
    } catch (err) {
      // A design whose machine leaves the kit subset is the user's to fix, not a crash.
      if (err instanceof SubsetError || err instanceof LayoutError) throw new UsageError(`design ${d.name}: ${err.message}`);
      throw err;
    }
  };
  let runs: DesignRun[];
  let behaviours: { behaviour: string; runs: DesignRun[] }[] = [];
  try {
    runs = args.designs.map((d) => check(args.scenario, d));
    if (args.behaviours)
      behaviours = BEHAVIOURS.map((b) => {
        const s = args.threshold === undefined ? behaviourScenario(b) : { ...behaviourScenario(b), quiesceThreshold: args.threshold };
        return { behaviour: b, runs: args.designs.map((d) => check(s, d)) };
      });
  } finally {
    progress.stop();
  }
  const all = [...runs, ...behaviours.flatMap((b) => b.runs)];
  const status = all.some((r) => r.brokenClaims.length > 0) ? 1 : all.some((r) => !r.complete) ? 3 : 0;
  const exitStatus = args.exitZero ? 0 : status;

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
          violated: r.results.filter((p) => p.verdict === 'violated').map((p) => p.name),
          brokenClaims: r.brokenClaims,
        })),
      })),
      exitStatus: status,
      timings: {
        designs: Object.fromEntries(runs.map((r) => [r.design, timingsJson(r)])),
        behaviours: Object.fromEntries(behaviours.map((b) => [b.behaviour, Object.fromEntries(b.runs.map((r) => [r.design, timingsJson(r)]))])),
      },
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return exitStatus;
  }
  const out: string[] = [scenarioHeader(args.scenario), '', comparisonTable(runs), LEGEND];
  if (runs.length === 1) out.push('', designReport(runs[0]));
  else {
    const broken = runs.filter((r) => r.brokenClaims.length);
    for (const r of broken) out.push('', `${r.design} breaks its claims: ${r.brokenClaims.join(', ')} (dmaspec check --design ${r.design} shows the counterexamples)`);
  }
  if (behaviours.length) out.push('', 'every design against every client behaviour (violated properties; ! = a broken claim):', behaviourTable(behaviours));
  if (status === 3) out.push('', 'the state limit stopped a search: verdicts marked unknown are open (exit status 3)');
  process.stdout.write(out.join('\n') + '\n');
  return exitStatus;
}
