/**
 * `dmaspec check`: explore every interleaving of a scenario under one or every design and
 * give each property of machines/system/properties.ts a verdict with its shortest counterexample,
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
import { memoryUsage } from 'node:process';
import type { CheckJson } from '../check/json.ts';
import { DESIGNS, designOf, isDesignName } from '../designs/registry.ts';
import type { Design } from '../designs/design.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import { BEHAVIOURS, DEFAULT_SCENARIO, type Scenario } from '../scenario.ts';
import { legend, behaviourTable, comparisonTable, designReport, runJson, scenarioHeader, timingsJson } from '../render/report.ts';
import { describeScenario } from '../render/scenario-text.ts';
import { checkDesign, type DesignCheckOptions, type DesignRun } from '../check/run.ts';
import { implementationFactory } from './implementation.ts';
import { NAMED_SCENARIOS, behaviourScenario } from '../check/scenarios.ts';
import { SubsetError } from '../check/engine/compile.ts';
import { LayoutError } from '../check/engine/layout.ts';
import { Limits } from '../check/engine/limits.ts';
import { stopText } from '../check/engine/check.ts';
import { UsageError } from './usage-error.ts';
import { designArg, intOption, parseOptions, scenarioArg } from './args.ts';
import { withPropertyFiles } from '../designs/load-properties.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT, EXIT_TABLE } from './exit-status.ts';
import type { LossyMode } from '../check/engine/lossy-store.ts';

const DEFAULT_MB = `${Math.round(new Limits().maxMemory / 2 ** 20)} MB`;

/** One line of `dmaspec --help`. */
export const summary = 'check every interleaving of a scenario: a verdict per design and property, shortest counterexamples';

const USAGE = `usage: dmaspec check [--design NAME|FILE] [--property FILE]... [--scenario NAME|FILE.json]
                     [--threshold N] [--max-states N] [--max-seconds N] [--max-memory MB]
                     [--workers N] [--json] [--no-symmetry] [--exit-zero]
                     [--hash-compact | --bitstate LOG2 [--bitstate-k K]] [--por]

  --design NAME|FILE      a built-in design, or your design module (.ts, .mts, .js, .mjs; see
                          below); default: every built-in design:
                          ${Object.keys(DESIGNS).join(', ')}
  --property FILE         a module of your own properties (defineProperty records of
                          'dmaspec/design', as a design's own properties are written): each
                          is checked under every design, with its trigger, shown after the
                          built-in ones; never a design's claim. May be repeated
  --scenario NAME|FILE    a scenario JSON file, or a name: ${NAMED_SCENARIOS.join(', ')}
  --threshold N           consecutive zero sums dma_channel_quiesce needs (overrides the scenario)
  --max-states N          stop each search after N states (verdicts may be unknown; exit 3)
  --max-seconds N         stop every search after N seconds in all (exit 3)
  --max-memory MB         stop before the process would pass MB megabytes of memory (exit 3);
                          default: 3/4 of the least of the machine's memory, the cgroup
                          limit and the data / address-space rlimits (here ${DEFAULT_MB})
  --workers N             threads per search (default: the machine's ${availableParallelism()}): the larger
                          BFS levels are explored on N worker threads, with the same states,
                          verdicts and traces as on one (a --design FILE is loaded again in
                          each); the liveness cycle search after it runs on one thread
  --hash-compact          a lossy store for spaces an exact one cannot hold: a 63-bit
                          fingerprint per state (about 11 bytes of table, 8 of parent),
                          as SPIN's -DHC; may skip a state whose fingerprint another has
  --bitstate LOG2         supertrace: a bit array of 2^LOG2 bits (10..35), K bits per state
  --bitstate-k K          bits set per state under --bitstate (1..8, default 3)
                          Either lossy store: one thread, safety and deadlock only (liveness
                          verdicts unknown: it needs every edge, exit 3); a violation found
                          is real (its trace is rebuilt and replayed); a "holds" means none
                          found, printed with the omission estimate
  --json                  JSON on stdout; timings in their own "timings" field
  --no-symmetry           explore without symmetry reduction (state counts without it)
  --por                   partial-order reduction of the safety search (off by default;
                          src/check/engine/por.ts): each state expands only the steps of a set
                          of threads no other thread's later steps can touch, learned from
                          what each step reads and writes (assumption POR-A1, spec/threads.md).
                          Safety and deadlock only: liveness runs its own unreduced search.
                          Needs --no-symmetry and the exact store; the reduced search runs on
                          one thread. Violations are real runs, replayed, but shortest in the
                          reduced graph only (not necessarily shortest)
  --exit-zero             exit 0 once the check has run, whatever the verdicts and limits (a
                          report, as npm start prints it); usage errors still exit 2

With no options: the default scenario under every built-in design, then every design
against every client behaviour. SIGINT / SIGTERM stop the search like a limit: the partial
report, exit 3 (a second one quits at once). A claimed property found violated before a
limit stopped the run still exits 1.

Verdicts: holds, VIOLATED (with the shortest counterexample), unknown (a limit), or holds
(vacuous): the property's trigger (machines/system/properties.ts: a free under a client, a
quiesce, a removal, a waiting unregister, ...) is never reached in the explored space, so
nothing put the property to the test; a claim that holds only vacuously gets a warning line. An
assumption a design states only in prose is listed as "stated, not checked".

Your own design (--design FILE): a module that exports one DesignModel, as its default
export or its only design-shaped export: name, title, summary, hotPath ('plain', 'rfc' or
'tryget'), ejecting (the IOH's steps from unregister to the free), rules (its guards
and actions), optional clientSteps, claims (property names), optional properties (its
own, made with defineProperty: checked and claimed) and assumptions ({ text, kinds?,
flags }: flags such as { releases: true } or { releasesEarly: false } are checked
against each scenario's clients; flags: {} is prose).
Import the type and the helpers the built-in designs use (freeStep, dropRefsThenWait,
clientRules, dmaChanPut, ...) from 'dmaspec/design' (in this repository: src/design.ts).
The file may live in any folder: .ts, .mts, .js and .mjs load as ES modules, also in a
CommonJS project (a package.json without "type": "module"), provided they use
import/export; a .cjs/.cts file cannot be a design. docs/writing-a-design.md is the guide,
with a worked example. A mistake in the module (it does not load, exports no design, names
an unknown guard or target, a rule throws) is a design error: exit 2, naming the design
and the rule.

${EXIT_TABLE}`;

/** The parsed command line of `check`. */
export interface CheckArgs {
  readonly designs: readonly Design[];
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
  /** `--por`: partial-order reduction of the safety search. */
  readonly por: boolean;
  /** `--hash-compact` / `--bitstate`: a lossy store for the safety search. */
  readonly lossy?: LossyMode;
}

/** Whether `d` is one of the built-in designs (a bug in it is dmaspec's, exit status 4). */
const isBuiltIn = (d: Design) => isDesignName(d.model.name) && designOf(d.model.name) === d;

/** Parses `check`'s arguments. @throws UsageError, ScenarioError */
export async function parseCheckArgs(argv: string[]): Promise<CheckArgs | 'help'> {
  const values = parseOptions(
    argv,
    {
      design: { type: 'string' },
      property: { type: 'string', multiple: true },
      scenario: { type: 'string' },
      threshold: { type: 'string' },
      'max-states': { type: 'string' },
      'max-seconds': { type: 'string' },
      'max-memory': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      'no-symmetry': { type: 'boolean' },
      por: { type: 'boolean' },
      'exit-zero': { type: 'boolean' },
      'hash-compact': { type: 'boolean' },
      bitstate: { type: 'string' },
      'bitstate-k': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 'help';
  const lossy = lossyOption(!!values['hash-compact'], values.bitstate, values['bitstate-k']);
  const por = !!values.por;
  if (por && !values['no-symmetry'])
    throw new UsageError(
      '--por: partial-order reduction does not compose with symmetry reduction yet: add --no-symmetry (por.ts learns accessors of concrete slots)',
    );
  if (por && lossy) throw new UsageError(`--por: partial-order reduction needs the exact store, not --${lossy.mode}`);
  let scenario = DEFAULT_SCENARIO;
  let scenarioDesign: string | undefined;
  if (values.scenario !== undefined) ({ scenario, design: scenarioDesign } = scenarioArg(values.scenario));
  const threshold = intOption(values.threshold, 'threshold', 1, 100);
  if (threshold !== undefined) scenario = { ...scenario, quiesceThreshold: threshold };
  let designs: Design[];
  const d = values.design ?? scenarioDesign;
  if (d === undefined) designs = Object.values(DESIGNS);
  else designs = [await designArg(d, scenario)];
  const propertyFiles = values.property ?? [];
  if (propertyFiles.length) designs = await Promise.all(designs.map((x) => withPropertyFiles(x, propertyFiles, scenario)));
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
    por,
    exitZero: !!values['exit-zero'],
    ...(lossy ? { lossy } : {}),
  };
}

/** How each search of the run explores: symmetry, state bound and store. */
const searchOptions = (args: CheckArgs): Pick<DesignCheckOptions, 'symmetry' | 'maxStates' | 'lossy' | 'por'> => ({
  symmetry: args.symmetry,
  maxStates: args.maxStates,
  ...(args.por ? { por: true } : {}),
  ...(args.lossy ? { lossy: args.lossy } : {}),
});

/** The lossy store `--hash-compact` / `--bitstate LOG2 [--bitstate-k K]` ask for, if any. @throws UsageError */
function lossyOption(hashCompact: boolean, bitstate: string | undefined, k: string | undefined): LossyMode | undefined {
  if (hashCompact && bitstate !== undefined) throw new UsageError('--hash-compact and --bitstate: give one lossy store, not both');
  if (k !== undefined && bitstate === undefined) throw new UsageError('--bitstate-k: only with --bitstate LOG2');
  if (hashCompact) return { mode: 'hash-compact' };
  if (bitstate === undefined) return undefined;
  return { mode: 'bitstate', log2Bits: intOption(bitstate, 'bitstate', 10, 35)!, hashes: intOption(k, 'bitstate-k', 1, 8) ?? 3 };
}

/** `--max-memory MB` in bytes; a budget below what the process already holds is refused up front. */
function mbOption(v: string | undefined): number | undefined {
  const mb = intOption(v, 'max-memory', 1, 2 ** 30);
  if (mb === undefined) return undefined;
  const resident = Math.ceil(memoryUsage.rss() / 2 ** 20);
  if (mb <= resident)
    throw new UsageError(`--max-memory ${mb} is below the resident size: dmaspec already holds ${resident} MB before any search; give more than ${resident}`);
  return mb * 2 ** 20;
}

/** One check of the run: a scenario under a design, and the label reports give it. */
interface Job {
  readonly label: string;
  readonly scenario: Scenario;
  readonly design: Design;
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

/** One warning line per claim that holds only vacuously (its trigger never reached). */
function vacuousWarnings(runs: readonly DesignRun[]): string[] {
  return runs.flatMap((r) =>
    r.results
      .filter((p) => p.claimed && p.vacuous)
      .map(
        (p) => `warning: ${r.design} claims ${p.name}, which holds only vacuously in scenario ${r.scenario.name}: its trigger is never reached: ${p.trigger}`,
      ),
  );
}

/** The line above the behaviour table. */
const BEHAVIOURS_HEAD = 'every design against every client behaviour (violated properties; ! = a broken claim; ? = claimed, assumption not checked):';

/** A line per design that breaks claims, and per design that violates claims only by runs its prose assumptions may rule out. */
function claimLines(runs: readonly DesignRun[]): string[] {
  const out: string[] = [];
  for (const r of runs.filter((x) => x.brokenClaims.length))
    out.push('', `${r.design} breaks its claims: ${r.brokenClaims.join(', ')} (npm run dmaspec -- check --design ${r.design} shows the counterexamples)`);
  for (const r of runs.filter((x) => x.uncheckedClaims.length))
    out.push('', `${r.design} violates ${r.uncheckedClaims.join(', ')} only by runs its prose assumptions may rule out (assumption not checked)`);
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
  const opts: DesignCheckOptions = { ...searchOptions(args), limits, implementation, onProgress: (p) => progress.update(p) };
  const jobs: Job[] = args.designs.map((d) => ({ label: `${args.scenario.name} × ${d.model.name}`, scenario: args.scenario, design: d }));
  if (args.behaviours)
    for (const b of BEHAVIOURS) {
      const s = args.threshold === undefined ? behaviourScenario(b) : { ...behaviourScenario(b), quiesceThreshold: args.threshold };
      for (const d of args.designs) jobs.push({ label: `${b} × ${d.model.name}`, scenario: s, design: d, behaviour: b });
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
        if (err instanceof SubsetError || err instanceof LayoutError) throw new UsageError(`design ${j.design.model.name}: ${err.message}`);
        // Whatever a user design throws while it is built or checked is the design's to fix.
        if (!isBuiltIn(j.design) && !(err instanceof DesignError)) {
          const e = err instanceof Error ? err : new Error(String(err));
          throw new DesignError(j.design.model.name, 'check', `${e.name}: ${e.message.split('\n')[0]}`, '');
        }
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
  const warnings = vacuousWarnings(runs);
  const partial = o.stopped.length > 0 || o.notStarted.length > 0;
  const status = done.some((r) => r.brokenClaims.length > 0) ? EXIT.violated : partial ? EXIT.limit : EXIT.ok;
  const exitStatus = args.exitZero ? EXIT.ok : status;

  if (args.json) {
    const doc: CheckJson = {
      scenario: args.scenario.name,
      scenarioText: describeScenario(args.scenario, { design: false }),
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
          vacuous: r.results.filter((p) => p.vacuous).map((p) => p.name),
          brokenClaims: r.brokenClaims,
          uncheckedClaims: r.uncheckedClaims,
          assumptionsMet: r.assumptionsMet,
        })),
      })),
      warnings,
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
    out.push(...claimLines(runs));
  }
  if (warnings.length) out.push('', ...warnings);
  if (behaviours.length) out.push('', BEHAVIOURS_HEAD, behaviourTable(behaviours));
  if (partial) out.push(...outlineText(o));
  env.out(out.join('\n') + '\n');
  return exitStatus;
}
