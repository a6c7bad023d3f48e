/**
 * `dmaspec export --format promela`: write a scenario under a design as a Promela model for
 * SPIN (src/promela/export.ts): the same states, transitions and safety verdicts as
 * `dmaspec check --no-symmetry`, and SPIN's multi-core, bitstate and swarm searches on top.
 * @module
 */
import type { Design } from '../designs/design.ts';
import { DESIGNS } from '../designs/registry.ts';
import { Limits } from '../check/engine/limits.ts';
import { exportPromela } from '../promela/export.ts';
import { TreeTooLarge } from '../check/engine/rules/decision-tree.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../scenario.ts';
import { NAMED_SCENARIOS } from '../check/scenarios.ts';
import { designArg, intOption, parseOptions, scenarioArg } from './args.ts';
import { withPropertyFiles } from '../designs/load-properties.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT, EXIT_TABLE } from './exit-status.ts';
import { openOutFile } from './out-file.ts';
import { UsageError } from './usage-error.ts';
import { quoted } from '../excerpt.ts';

/** One line of `dmaspec --help`. */
export const summary = 'write a scenario under a design as a Promela model that SPIN checks to the same states and verdicts';

const USAGE = `usage: dmaspec export --format promela [--scenario NAME|FILE.json] [--design NAME|FILE]
                      [--property FILE]... [--out FILE] [--max-states N] [--max-seconds S]

  --format promela  the only format: one process per thread, one d_step per step (an event,
                    payload variant included, from one state of its region), every context
                    field a variable with the range it takes, the safety properties and
                    deadlock freedom asserted after every step, liveness as LTL (-DLTL)
  --scenario NAME|FILE  a scenario JSON file, or a name: ${NAMED_SCENARIOS.join(', ')}
                    (default: the built-in default scenario)
  --design NAME|FILE  a built-in design (${Object.keys(DESIGNS).join(', ')}) or a design module;
                    default: the scenario's design
  --property FILE   a module of your own properties (defineProperty records of
                    'dmaspec/design'), asserted and claimed in the model beside the
                    built-in ones and the design's own; may be repeated
  --out FILE        write the model to FILE (default: standard output)
  --max-states N    stop dmaspec's exploration, which finds each variable's range, after N
                    states; the ranges are widened by seeded random runs to the end and by
                    the values one step beyond (SPIN reports any state still outside them as
                    the check export-range)
  --max-seconds S   the same, after S seconds

Run the model with:
  spin -a -o2 model.pml && gcc -O2 -DNOREDUCE -o pan pan.c && ./pan -c0 -n
(-o2 keeps variables that are only written, as dmaspec does; -DNOREDUCE turns partial-order
reduction off; -c0 searches on past errors). pan's "states, stored" equals dmaspec check
--no-symmetry's states, its transitions are one more (pan counts the initial state), and
each failed check is reported once as "assertion violated P_<property>".

A limit that stops the exploration, or SIGINT / SIGTERM, still writes the model (for the states
reached) and exits 3; so does a rule whose evaluation tree is too large (nothing written).
--out FILE is written beside FILE and renamed into place when complete: an interrupted or
failed run leaves FILE as it was.

${EXIT_TABLE}`;

/** The parsed command line of `export`. */
interface ExportArgs {
  readonly scenario: Scenario;
  readonly design: Design;
  readonly out?: string;
  readonly maxStates?: number;
  readonly maxSeconds?: number;
}

async function parseExportArgs(argv: string[]): Promise<ExportArgs | 'help'> {
  const values = parseOptions(
    argv,
    {
      format: { type: 'string' },
      scenario: { type: 'string' },
      design: { type: 'string' },
      property: { type: 'string', multiple: true },
      out: { type: 'string' },
      'max-states': { type: 'string' },
      'max-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 'help';
  if (values.format !== 'promela')
    throw new UsageError(`--format promela is required (got ${values.format === undefined ? 'none' : quoted(values.format)})\n${USAGE}`);
  const { scenario, design: scenarioDesign } = values.scenario === undefined ? { scenario: DEFAULT_SCENARIO, design: undefined } : scenarioArg(values.scenario);
  const d = values.design ?? scenarioDesign ?? scenario.design;
  const design = await withPropertyFiles(await designArg(d, scenario), values.property ?? [], scenario);
  return {
    scenario,
    design,
    ...(values.out !== undefined ? { out: values.out } : {}),
    maxStates: intOption(values['max-states'], 'max-states', 1, 2 ** 31 - 1),
    maxSeconds: intOption(values['max-seconds'], 'max-seconds', 1),
  };
}

/** Runs `dmaspec export`. */
export async function run(argv: string[], env: CommandEnv = processEnv()): Promise<number> {
  const args = await parseExportArgs(argv);
  if (args === 'help') {
    env.out(`${USAGE}\n`);
    return EXIT.ok;
  }
  // Opened before the work, so that an unwritable --out fails at once (exit 5).
  const out = args.out === undefined ? undefined : openOutFile(args.out);
  // SIGINT / SIGTERM (src/cli/worker-host.ts) stop the exploration like a limit.
  const limits =
    args.maxSeconds === undefined && env.interrupt === undefined ? undefined : new Limits({ maxSeconds: args.maxSeconds, interrupt: env.interrupt });
  let r: ReturnType<typeof exportPromela>;
  try {
    r = exportPromela(args.scenario, args.design.model, { maxStates: args.maxStates, limits, properties: args.design.extraProperties?.list ?? [] });
  } catch (err) {
    out?.abort();
    if (!(err instanceof TreeTooLarge)) throw err;
    env.err(`dmaspec export: a rule's evaluation tree is too large for this scenario's ranges (${err.message}); try a smaller scenario\n`);
    return EXIT.limit;
  }
  if (out) {
    out.write(r.text);
    out.commit();
  } else env.out(r.text);
  env.err(
    `dmaspec export: ${args.scenario.name} under ${args.design.model.name}: ${r.steps} steps, ${r.nodes} tree nodes; ` +
      `dmaspec found ${r.states} states, ${r.transitions} transitions${r.complete ? '' : ' (stopped by a limit: the ranges are of those states)'} in ${r.seconds.toFixed(1)} s${args.out ? `; wrote ${args.out}` : ''}\n`,
  );
  return r.complete ? EXIT.ok : EXIT.limit;
}
