/**
 * `dmaspec kernel-mutants --tree DIR`: how much of the real kernel's refcount and removal
 * code the exports CI replays can vouch for. Plants one small fault at a time (a mutant) in a
 * temporary copy of the tree's dmaengine.c, rebuilds the harness, and replays the CI plan's
 * paths that pass on the unmutated build until one fails (the mutant is killed). Reports per
 * build: mutants generated, killed, survived, equivalent, stillborn, and each survivor
 * (docs/kernel-replay.md, "Kernel mutants").
 * @module
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { BuildError, buildHarness } from '../kernel/build.ts';
import { type BuildMutants, counts, mutantsReport, verdictLine } from '../kernel/mutant-report.ts';
import {
  CI_MUTANT_SAMPLE,
  ciMutantSample,
  exportsFolder,
  MUTATED_FUNCTIONS,
  MutationTargetError,
  mutationTargets,
  prepareBaseline,
  runMutants,
  sampleMutants,
  targetMutants,
} from '../kernel/mutant-run.ts';
import { gateProblems, MutantListError, type MutantLists, type MutantVerdict, readMutantLists, staleEntries, verdictOf } from '../kernel/mutant-verdict.ts';
import { ciPlan, exportName } from '../kernel/plan.ts';
import { defaultRfcPatch, type KernelTree, readTree, TreeError } from '../kernel/tree.ts';
import { intOption, parseOptions } from './args.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT } from './exit-status.ts';
import { UsageError } from './usage-error.ts';

/** One line of `dmaspec --help`. */
export const summary = 'plant faults in the refcount and removal code of a kernel tree and count those the replayed paths catch (needs gcc)';

const USAGE = `usage: dmaspec kernel-mutants --tree DIR [--tree DIR]... [--function NAME]...
                              [--sample N] [--every N] [--jobs N] [--version V]
                              [--rfc-patch FILE] [--json]

  --tree DIR        a kernel tree (as for dmaspec kernel-replay); repeat it for one table
                    of several trees
  --function NAME   only this function's mutants (repeatable). Default: 3.x
                    ${MUTATED_FUNCTIONS['3.x'].slice(0, 4).join(', ')}, ...
                    (${MUTATED_FUNCTIONS['3.x'].length} functions); the RFC build
                    ${MUTATED_FUNCTIONS.rfc.join(', ')};
                    mainline ${MUTATED_FUNCTIONS.mainline.slice(0, 3).join(', ')}, ...
                    (${MUTATED_FUNCTIONS.mainline.length}). Any other function of the file is
                    mutated on the plain build.
  --sample N        replay at most N mutants of each build: every k-th of the list (the CI
                    gate's sample is --sample ${ciMutantSample('3.6')} on 3.6, ${ciMutantSample('7.0')} on mainline,
                    ${CI_MUTANT_SAMPLE} on the RFC build); entries of the lists are
                    still checked against every mutant generated
  --every N         replay every Nth path of each export (default: the CI sample)
  --jobs N          mutants built and replayed at once (default 2)
  --version V       the tree's version for the report (one --tree only)
  --rfc-patch FILE  the RFC v2 3/7 patch for the 3.x RFC build (default:
                    ../shared/seeds/002_*.txt beside this package, if there)
  --json            the same report as JSON

Operators: drop a statement, flip a comparison or condition, off-by-one on a constant or
bound, swap two adjacent statements, skip a lock (mutex_lock with its unlocks). Each
mutant is compiled from a temporary copy (the tree is never written) and replayed on the
paths of the CI plan that pass on the unmutated build, stopping at the first that fails:
killed. One that no path kills survived, unless kernel/equivalent-mutants.json lists it
as equivalent (with why) or gcc compiles it to the original's code; one that does not
compile is stillborn. kernel/surviving-mutants.json lists the known survivors with what
would kill them (coverage gaps).

Exit status 0 when no mutant survives unlisted and no list entry is contradicted or stale,
1 otherwise, 2 for a bad option, a missing file of the tree, a function the file does not
define, or no gcc.`;

interface Options {
  readonly trees: readonly string[];
  readonly functions?: readonly string[];
  readonly every?: number;
  readonly sample?: number;
  readonly jobs: number;
  readonly version?: string;
  readonly rfcPatch?: string;
  readonly json: boolean;
}

function parse(argv: string[]): Options | 'help' {
  const v = parseOptions(
    argv,
    {
      tree: { type: 'string', multiple: true },
      function: { type: 'string', multiple: true },
      sample: { type: 'string' },
      every: { type: 'string' },
      jobs: { type: 'string' },
      version: { type: 'string' },
      'rfc-patch': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (v.help) return 'help';
  if (v.tree === undefined) throw new UsageError(`--tree is required\n${USAGE}`);
  if (v.version !== undefined && v.tree.length > 1) throw new UsageError('--version names one tree: give it with a single --tree');
  if (v['rfc-patch'] !== undefined && !existsSync(v['rfc-patch'])) throw new UsageError(`--rfc-patch ${v['rfc-patch']}: no such file`);
  const every = intOption(v.every, 'every', 1);
  const sample = intOption(v.sample, 'sample', 1);
  return {
    trees: v.tree,
    ...(v.function ? { functions: v.function.flatMap((f) => f.split(',')).filter(Boolean) } : {}),
    ...(every !== undefined ? { every } : {}),
    ...(sample !== undefined ? { sample } : {}),
    jobs: intOption(v.jobs, 'jobs', 1, 64) ?? 2,
    ...(v.version !== undefined ? { version: v.version } : {}),
    ...(v['rfc-patch'] !== undefined ? { rfcPatch: v['rfc-patch'] } : {}),
    json: v.json === true,
  };
}

/** What a tree's builds gave: each build's verdicts, and every mutant generated (for the lists' staleness). */
interface TreeRun {
  readonly tree: KernelTree;
  readonly builds: BuildMutants[];
  readonly generated: Pick<MutantVerdict, 'build' | 'mutant'>[];
}

/** Builds, replays and judges the mutants of one tree's builds; `folders` collects what to remove. */
async function runTree(dir: string, o: Options, lists: MutantLists, env: CommandEnv, folders: string[]): Promise<TreeRun> {
  const tree = readTree(dir, o.version);
  const rfcPatch = o.rfcPatch ?? (tree.family === '3.x' ? defaultRfcPatch() : undefined);
  const targets = mutationTargets(tree, readFileSync(tree.dmaengineC, 'utf8'), rfcPatch, o.functions);
  if (!targets.length) throw new UsageError(`--function ${o.functions?.join(',')}: no build of a ${tree.family} tree mutates it`);
  const builds: BuildMutants[] = [];
  const generated: TreeRun['generated'] = [];
  for (const target of targets) {
    const built = buildHarness(tree, target.spec);
    const all = targetMutants(built, readFileSync(built.kernelFile, 'utf8'), target);
    for (const { edits: _, ...mutant } of all) generated.push({ build: built.name, mutant });
    const mutants = o.sample ? sampleMutants(all, o.sample) : all;
    if (!mutants.length) continue; // nothing of this build to mutate: no baseline to replay
    const folder = exportsFolder();
    folders.push(folder);
    const plan = ciPlan(target.spec).map((e) => (o.every ? { ...e, every: o.every } : e));
    const exports = await prepareBaseline(built, plan, folder);
    if (!o.json) env.out(`${built.name}: ${mutants.length}${o.sample ? ` (a sample of ${all.length})` : ''} mutants of ${target.functions.join(', ')}\n`);
    const runs = await runMutants(built, mutants, exports, {
      jobs: o.jobs,
      each: (r, done) => {
        if (!o.json) env.out(`[${done}/${mutants.length}] ${verdictLine(verdictOf(built.name, r, lists))}\n`);
      },
    });
    builds.push({ build: built.name, exports, verdicts: runs.map((r) => verdictOf(built.name, r, lists)) });
  }
  return { tree, builds, generated };
}

/** The report of every tree's run, as text or JSON. */
function report(runs: readonly TreeRun[], problems: readonly string[], json: boolean): string {
  if (json)
    return `${JSON.stringify({
      trees: runs.map(({ tree }) => ({ root: tree.root, version: tree.version, family: tree.family })),
      builds: runs.flatMap((r) =>
        r.builds.map((b) => ({
          build: b.build,
          exports: b.exports.map((e) => ({ export: exportName(e.spec), exported: e.exported, replayed: e.replayed, passing: e.passing })),
          counts: counts(b.verdicts),
          mutants: b.verdicts,
        })),
      ),
      problems,
    })}\n`;
  const builds = runs.flatMap((r) => r.builds);
  return `\n${mutantsReport(builds)}\n${problems.length ? `\nwhat the CI gate would object to:\n${problems.map((p) => `- ${p}`).join('\n')}\n` : ''}`;
}

/** `dmaspec kernel-mutants [options]`. Returns the exit status. */
export async function run(argv: string[], env: CommandEnv = processEnv()): Promise<number> {
  const folders: string[] = [];
  try {
    const o = parse(argv);
    if (o === 'help') {
      env.out(`${USAGE}\n`);
      return EXIT.ok;
    }
    const lists = readMutantLists();
    const runs: TreeRun[] = [];
    for (const dir of o.trees) runs.push(await runTree(dir, o, lists, env, folders));
    const verdicts = runs.flatMap((r) => r.builds.flatMap((b) => b.verdicts));
    const problems = [
      ...gateProblems(verdicts),
      ...staleEntries(
        runs.flatMap((r) => r.generated),
        lists,
      ),
    ];
    env.out(report(runs, problems, o.json));
    return problems.length ? 1 : EXIT.ok;
  } catch (err) {
    if (
      err instanceof TreeError ||
      err instanceof BuildError ||
      err instanceof UsageError ||
      err instanceof MutationTargetError ||
      err instanceof MutantListError
    ) {
      env.err(`dmaspec kernel-mutants: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  } finally {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  }
}
