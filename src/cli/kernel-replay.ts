/**
 * `dmaspec kernel-replay --tree DIR`: the real kernel as the model's oracle. Builds the
 * harness of kernel/ against the tree's unmodified drivers/dma/dmaengine.c (3.x; 3.x with the
 * RFC's 3/7 when the seed patch is there; mainline with the dma_device kref, alone and with
 * the kref-fixed patch), replays the exports of the designs that model that code, and reports
 * per export the paths and steps replayed, passed and failed, with the first diverging step
 * of each failure and the kernel lines involved (docs/kernel-replay.md).
 * @module
 */
import { existsSync } from 'node:fs';
import { TargetScenarioError } from '../mbt/adapters/index.ts';
import { DESIGN_NAMES, type DesignName } from '../scenario.ts';
import { BuildError, buildHarness, buildName, buildsFor, type Built } from '../kernel/build.ts';
import { EXPECTED_FILE, expectedFor, keyText, readExpected } from '../kernel/divergence.ts';
import { defaultPlan, HARNESS_SCENARIOS, scenarioFor, type ExportSpec } from '../kernel/plan.ts';
import { describeFailure, exportReport } from '../kernel/report.ts';
import { replayExport, type ExportResult } from '../kernel/run.ts';
import { defaultRfcPatch, readTree, TreeError } from '../kernel/tree.ts';
import { intOption, parseOptions, readScenarioFile } from './args.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT } from './exit-status.ts';
import { UsageError } from './usage-error.ts';

/** One line of `dmaspec --help`. */
export const summary = "replay the model's paths on a kernel tree's own dmaengine.c, compiled in user space (needs gcc)";

const MACHINES = ['system', 'channel', 'ioh', 'quiesce', 'client-net_dma', 'client-async_tx', 'client-slave'];

const USAGE = `usage: dmaspec kernel-replay --tree DIR [--machine NAME] [--scenario NAME|FILE.json]
                             [--design NAME] [--version V] [--rfc-patch FILE] [--every N]
                             [--first N] [--json]

  --tree DIR        a kernel tree, or a folder laid out like one holding at least
                    drivers/dma/dmaengine.c and include/linux/dmaengine.h: a 3.x dmaengine
                    (module refcounts), or mainline with the dma_device kref (5.6 and later)
  --machine NAME    only this machine: ${MACHINES.slice(0, 4).join(', ')},
                    ${MACHINES.slice(4).join(', ')}
  --scenario NAME   only this scenario: catalogue (each machine's small scenario),
                    ${Object.keys(HARNESS_SCENARIOS).slice(0, 4).join(', ')},
                    ${Object.keys(HARNESS_SCENARIOS).slice(4, 8).join(', ')},
                    ${Object.keys(HARNESS_SCENARIOS).slice(8).join(', ')}; or a scenario FILE.json
  --design NAME     only this design; a 3.x tree replays baseline, and with the RFC rfc-wait
                    and rfc-wait-unheld; a mainline tree kref (kref-5-10 where dma_chan_get
                    increments twice, as 5.10.7), and with the fix kref-fixed
  --version V       the tree's version for the report (default: its Makefile, or its
                    folder's name linux-V)
  --rfc-patch FILE  the RFC v2 3/7 patch (a mail page holding it is fine) for the 3.x RFC
                    build (default: ../shared/seeds/002_*.txt beside this package, if there)
  --every N         replay every Nth path of each export (default 1: all)
  --first N         divergences printed in full per export (default 3); the rest are counted
                    by class
  --json            the same report as JSON

The harness (kernel/, kernel/README.md) compiles the tree's file whole, unmodified (the RFC and
kref-fixed builds patch a copy in a temporary folder), against the project's shim; every
model thread is a coroutine running real kernel calls, every model step runs to the point
of the kernel's code where the model's step ends, and the model's observable state is
compared with the kernel's own variables after each step. Accesses to freed memory are
trapped and named as the model's use-after-free violations. docs/kernel-replay.md says what
is and is not compared and how to read a divergence; kernel/expected-divergences.json lists
the known divergences, each with its kernel line and issue.

Exit status 0 when every path passes, 1 on a divergence, 2 for a bad option, a missing file
of the tree, a patch that does not apply, or no gcc.`;

interface Options {
  readonly tree: string;
  readonly machine?: string;
  readonly scenario?: string;
  readonly design?: DesignName;
  readonly version?: string;
  readonly rfcPatch?: string;
  readonly every: number;
  readonly first: number;
  readonly json: boolean;
}

function parse(argv: string[]): Options | 'help' {
  const v = parseOptions(
    argv,
    {
      tree: { type: 'string' },
      machine: { type: 'string' },
      scenario: { type: 'string' },
      design: { type: 'string' },
      version: { type: 'string' },
      'rfc-patch': { type: 'string' },
      every: { type: 'string' },
      first: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (v.help) return 'help';
  if (v.tree === undefined) throw new UsageError(`--tree is required\n${USAGE}`);
  if (v.machine !== undefined && !MACHINES.includes(v.machine))
    throw new UsageError(`--machine must be one of ${MACHINES.join(', ')} (got ${JSON.stringify(v.machine)})`);
  if (v.design !== undefined && !(DESIGN_NAMES as readonly string[]).includes(v.design))
    throw new UsageError(`--design must be one of ${DESIGN_NAMES.join(', ')} (got ${JSON.stringify(v.design)})`);
  if (v['rfc-patch'] !== undefined && !existsSync(v['rfc-patch'])) throw new UsageError(`--rfc-patch ${v['rfc-patch']}: no such file`);
  return {
    tree: v.tree,
    ...(v.machine !== undefined ? { machine: v.machine } : {}),
    ...(v.scenario !== undefined ? { scenario: v.scenario } : {}),
    ...(v.design !== undefined ? { design: v.design as DesignName } : {}),
    ...(v.version !== undefined ? { version: v.version } : {}),
    ...(v['rfc-patch'] !== undefined ? { rfcPatch: v['rfc-patch'] } : {}),
    every: intOption(v.every, 'every', 1) ?? 1,
    first: intOption(v.first, 'first', 0) ?? 3,
    json: v.json === true,
  };
}

/** The exports of a build after the filters; a scenario file or a named scenario replaces the plan's. */
function planFor(o: Options, designs: readonly DesignName[], plan: readonly ExportSpec[]): ExportSpec[] {
  const wanted = plan.filter((e) => (!o.machine || e.machine === o.machine) && (!o.design || e.design === o.design));
  if (o.scenario === undefined) return wanted.map((e) => ({ ...e, every: o.every }));
  const machines = o.machine ? [o.machine] : ['system'];
  const fromFile = o.scenario.endsWith('.json') ? readScenarioFile(o.scenario).scenario : undefined;
  if (fromFile?.asyncTxChannelSwitch)
    throw new UsageError(
      `--scenario ${o.scenario}: asyncTxChannelSwitch (CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH) is not the harness's configuration (x86 ioat, kernel/README.md): drop it to replay`,
    );
  const out: ExportSpec[] = [];
  for (const machine of machines)
    for (const design of designs.filter((d) => !o.design || d === o.design)) {
      const scenario = fromFile ?? scenarioFor(machine, o.scenario);
      if (!scenario) throw new UsageError(`--scenario ${o.scenario}: not catalogue, ${Object.keys(HARNESS_SCENARIOS).join(', ')}, nor a .json file`);
      out.push({ machine, scenarioName: fromFile ? o.scenario : o.scenario, scenario, design, every: o.every });
    }
  return out;
}

/** `dmaspec kernel-replay [options]`. Returns the exit status. */
export async function run(argv: string[], env: CommandEnv = processEnv()): Promise<number> {
  let o: Options | 'help';
  try {
    o = parse(argv);
    if (o === 'help') {
      env.out(`${USAGE}\n`);
      return EXIT.ok;
    }
    const options = o;
    const tree = readTree(options.tree, options.version);
    const rfcPatch = options.rfcPatch ?? (tree.family === '3.x' ? defaultRfcPatch() : undefined);
    const specs = buildsFor(tree, rfcPatch).filter((s) => !options.design || s.designs.includes(options.design));
    if (!specs.length) {
      const offered = buildsFor(tree, rfcPatch).flatMap((s) => s.designs);
      const hint =
        tree.family === '3.x' && !rfcPatch && options.design?.startsWith('rfc') ? ' (the RFC build needs --rfc-patch FILE: the seed patch was not found)' : '';
      throw new UsageError(`--design ${options.design}: a ${tree.family} tree replays ${offered.join(', ')}${hint}`);
    }
    const expected = readExpected(EXPECTED_FILE);
    const results: { result: ExportResult; built: Built }[] = [];
    for (const spec of specs) {
      const plan = planFor(options, spec.designs, defaultPlan(spec));
      if (!plan.length) continue;
      const built = buildHarness(tree, spec);
      for (const e of plan) {
        let result: ExportResult;
        try {
          [result] = await replayExport([built], e);
        } catch (err) {
          if (err instanceof TargetScenarioError) throw new UsageError(err.message);
          throw err;
        }
        results.push({ result, built });
        if (!options.json) env.out(`${exportReport(result, expected, { built, first: options.first })}\n`);
      }
    }
    if (!results.length)
      throw new UsageError(`no export to replay: --machine ${options.machine ?? 'any'} with --design ${options.design ?? 'any'} on a ${tree.family} tree`);
    const failed = results.reduce((n, r) => n + r.result.failures.length, 0);
    if (options.json) env.out(`${JSON.stringify(jsonReport(tree, results, expected, options.first))}\n`);
    else {
      const paths = results.reduce((n, r) => n + r.result.paths, 0);
      env.out(`\n${results.length} exports, ${paths} paths: ${paths - failed} passed, ${failed} failed (${specs.map((s) => buildName(tree, s)).join(', ')})\n`);
    }
    return failed ? 1 : EXIT.ok;
  } catch (err) {
    if (err instanceof TreeError || err instanceof BuildError || err instanceof UsageError) {
      env.err(`dmaspec kernel-replay: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

function jsonReport(
  tree: ReturnType<typeof readTree>,
  results: readonly { result: ExportResult; built: Built }[],
  expected: ReturnType<typeof readExpected>,
  first: number,
) {
  const builds = new Map<string, Built>();
  for (const r of results) builds.set(r.built.name, r.built);
  return {
    tree: { root: tree.root, version: tree.version, family: tree.family },
    builds: [...builds.values()].map((b) => ({ name: b.name, kernelFile: b.kernelFile, patches: b.patches })),
    exports: results.map(({ result: r, built }) => {
      const classes = new Map<string, { key: (typeof r.failures)[number]['key']; count: number; example: string }>();
      for (const f of r.failures) {
        const k = keyText(f.key);
        const c = classes.get(k);
        if (c) c.count++;
        else classes.set(k, { key: f.key, count: 1, example: describeFailure(f, built) });
      }
      return {
        build: r.build,
        machine: r.spec.machine,
        scenario: r.spec.scenarioName,
        design: r.spec.design,
        exported: r.exported,
        paths: r.paths,
        steps: r.steps,
        passed: r.passed,
        oopses: r.oopses,
        failed: r.failures.length,
        uncompared: r.uncompared,
        failures: r.failures.slice(0, first),
        classes: [...classes.values()].map((c) => ({ ...c, known: expectedFor(c.key, expected)?.reason ?? null })),
      };
    }),
    ok: results.every((r) => !r.result.failures.length),
  };
}
