/**
 * The kernel mutant runner: which functions of which build are mutated, the paths a mutant is
 * replayed on (those of the CI plan that pass on the unmutated build, computed once per
 * build), and each mutant's outcome: killed by its first failing path, survived, identical
 * (the compiler gave the original's code) or stillborn (it does not compile).
 * @module
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Built, type BuildSpec, buildsFor } from './build.ts';
import { keyOf, type PathResult } from './divergence.ts';
import { mutantBuilder } from './mutant-build.ts';
import { applyMutant, definedFunctions, type Mutant, mutantsOf } from './mutants.ts';
import { exportName, type ExportSpec } from './plan.ts';
import { type ExportResult, replayExport } from './run.ts';
import type { KernelTree } from './tree.ts';

/** The refcount and removal functions mutated by default (issue 22), per build. */
export const MUTATED_FUNCTIONS: Readonly<Record<'3.x' | 'rfc' | 'mainline', readonly string[]>> = {
  '3.x': [
    'dma_chan_get',
    'dma_chan_put',
    'balance_ref_count',
    'dmaengine_get',
    'dmaengine_put',
    'dma_channel_rebalance',
    'nth_chan',
    'private_candidate',
    '__dma_request_channel',
    'dma_release_channel',
    'dma_async_device_register',
    'dma_async_device_unregister',
    'dma_issue_pending_all',
    'dma_find_channel',
  ],
  // The RFC's own code: its hot path and its quiesce loop (the 3.x functions are 3.6's).
  rfc: ['dma_find_channel', 'dma_get_channel', 'net_dma_find_channel', 'dma_channel_quiesce'],
  mainline: ['dma_chan_get', 'dma_chan_put', 'dma_device_put', 'dma_device_release', 'dma_async_device_unregister', '__dma_async_device_channel_unregister'],
};

/** A build and the functions of its file to mutate. */
export interface MutationTarget {
  readonly spec: BuildSpec;
  readonly functions: readonly string[];
}

/** A `--function` the tree's file does not define. */
export class MutationTargetError extends Error {
  override readonly name = 'MutationTargetError';
}

const defaultsOf = (spec: BuildSpec) => MUTATED_FUNCTIONS[spec.kind === 'rfc' ? 'rfc' : spec.family === 'mainline' ? 'mainline' : '3.x'];

/**
 * The builds of `tree` whose mutants are run, with their functions: the plain build (3.x or
 * mainline) and the RFC build, each with its default functions; kref-fixed is the project's
 * patch, not mutated. `only` keeps those functions; a function in no default list is mutated
 * on the plain build when its file defines it.
 * @throws MutationTargetError naming a function the file does not define
 */
export function mutationTargets(tree: KernelTree, source: string, rfcPatch: string | undefined, only?: readonly string[]): MutationTarget[] {
  const specs = buildsFor(tree, rfcPatch).filter((s) => s.kind !== 'kref-fixed');
  const targets = specs.map((spec) => ({ spec, functions: defaultsOf(spec).filter((f) => !only || only.includes(f)) }));
  if (only) {
    const defined = new Set(definedFunctions(source));
    // The RFC's functions are in its patched copy only; the others must be in the tree's file.
    const rfcOnly = new Set(MUTATED_FUNCTIONS.rfc);
    for (const f of only) {
      if (targets.some((t) => t.functions.includes(f))) continue;
      if (!defined.has(f))
        throw new MutationTargetError(
          `--function ${f}: ${tree.dmaengineC} defines no such function${rfcOnly.has(f) ? ' (an RFC function: the RFC build needs the seed patch)' : ''}`,
        );
      targets[0] = { ...targets[0], functions: [...targets[0].functions, f] };
    }
  }
  return targets.filter((t) => t.functions.length);
}

/** Lines a patched build may mutate: the tree's and the RFC's, not the project's own patches. */
const fromTreeOrRfc = (line: string) => line.startsWith('dmaengine.c:') || line.startsWith('RFC v2 3/7');

/** The mutants of `target` on its build's compiled file. */
export function targetMutants(built: Built, source: string, target: MutationTarget): Mutant[] {
  return mutantsOf(source, target.functions, { ...(built.origins ? { origins: built.origins, mutable: fromTreeOrRfc } : {}), file: 'dmaengine.c' });
}

/** How many mutants of the RFC build the CI gate replays (test/external/kernel-gates.test.ts). */
export const CI_MUTANT_SAMPLE = 16;

/**
 * The CI gate's sample of build `build`. A listed survivor replays every path of the build's
 * plan, so a build's cost is its survivors times its plan: 3.6's plan is the largest (every
 * concern machine and eight system scenarios), and about half of the mainline builds'
 * mutants are listed survivors. Those builds take a smaller sample to keep the external
 * tests within CI's budget; the gate adds to each sample the one mutant it must kill.
 */
export const ciMutantSample = (build: string): number => ({ '3.6': 6, '5.10.7': 8, '7.0': 8 })[build] ?? CI_MUTANT_SAMPLE;

/**
 * A fixed sample of at most `n` mutants: every k-th from the first (k = ⌈length / n⌉), so the
 * sample follows the list's order of function, operator and line and is the same every run.
 */
export function sampleMutants<T>(mutants: readonly T[], n: number): T[] {
  const k = Math.max(1, Math.ceil(mutants.length / n));
  return mutants.filter((_, i) => i % k === 0);
}

/** An export's paths that pass on the unmutated build, in a file a harness reads. */
export interface BaselineExport {
  readonly spec: ExportSpec;
  readonly file: string;
  /** Paths of the export, replayed (the sample), and passing on the unmutated build. */
  readonly exported: number;
  readonly replayed: number;
  readonly passing: number;
}

/** The first path that failed on a mutant. */
export interface Kill {
  /** `<machine>/<scenario>/<design>`. */
  readonly export: string;
  readonly path: number;
  /** The diverging step (-1: the initial state, or a crash before any step). */
  readonly step: number;
  /** The step's event, as the export labels it (`net1.get`, `slave0.request allocOk=false`). */
  readonly event: string;
  /** observable, blocked, position, bug, oops, crash, ... */
  readonly kind: string;
  /** The observable field (`channels[0].clientCount`), or what blocked or stopped. */
  readonly what: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly message?: string;
}

/** What one mutant gave, before the reviewed lists are read (src/kernel/mutant-verdict.ts). */
export type MutantOutcome =
  | { readonly kind: 'killed'; readonly kill: Kill }
  | { readonly kind: 'survived' }
  | { readonly kind: 'identical' }
  | { readonly kind: 'stillborn'; readonly error: string };

/** A harness run over a file: its result lines, in order, until it exits. */
async function harnessResults(
  binary: string,
  args: readonly string[],
  file: string,
  each: (r: PathResult) => void,
): Promise<{ code: number | null; stderr: string }> {
  const input = openSync(file, 'r');
  const child = spawn(binary, args, { stdio: [input, 'pipe', 'pipe'] });
  closeSync(input);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  for await (const line of createInterface({ input: child.stdout! })) {
    const r = JSON.parse(line) as PathResult & { kind?: string };
    if (r.kind !== 'summary') each(r);
  }
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

/** The lines of `file` whose path id `keep` accepts (and the header). */
async function filterLines(from: string, to: string, keep: (id: number) => boolean): Promise<void> {
  const fd = openSync(to, 'w');
  let header = true;
  for await (const line of createInterface({ input: createReadStream(from) })) {
    const id = header ? undefined : Number(/^\{"kind":"path","id":(\d+)/.exec(line)?.[1]);
    if (header || keep(id!)) writeSync(fd, `${line}\n`);
    header = false;
  }
  closeSync(fd);
}

/**
 * The baseline of one export from a replay that already ran it on the unmutated build
 * (`replayExport` with `copyTo: sent`): the lines sent, less the paths that failed, in `file`.
 * The same paths prepareBaseline keeps, without exporting and replaying them a second time.
 */
export async function baselineFromReplay(result: ExportResult, sent: string, file: string): Promise<BaselineExport> {
  const failed = new Set(result.failures.map((f) => f.path));
  await filterLines(sent, file, (id) => !failed.has(id));
  return { spec: result.spec, file, exported: result.exported, replayed: result.paths, passing: result.paths - failed.size };
}

/**
 * Replays `plan` on the unmutated build and keeps, per export, the paths that pass: the only
 * paths that can kill a mutant (a path that fails already shows a model divergence).
 * @throws Error when the harness dies
 */
export async function prepareBaseline(built: Built, plan: readonly ExportSpec[], dir: string): Promise<BaselineExport[]> {
  const out: BaselineExport[] = [];
  for (const [i, spec] of plan.entries()) {
    const sent = join(dir, `${i}.all.jsonl`);
    const [result] = await replayExport([built], spec, undefined, sent);
    out.push(await baselineFromReplay(result, sent, join(dir, `${i}.jsonl`)));
    rmSync(sent);
  }
  return out;
}

/** A mutant harness's first failing path over `exports`, in order; undefined when every path passes. */
export async function firstKill(binary: string, exports: readonly BaselineExport[]): Promise<Kill | undefined> {
  for (const e of exports) {
    if (!e.passing) continue;
    let failed: PathResult | undefined;
    const { code, stderr } = await harnessResults(binary, ['--first-failure', '--path-cpu-seconds', '10'], e.file, (r) => {
      if (!r.ok) failed ??= r;
    });
    const name = exportName(e.spec);
    if (failed) {
      const key = keyOf(failed, { build: '', machine: e.spec.machine, design: e.spec.design, scenario: e.spec.scenario });
      const event = failed.event
        ? Object.entries(failed.event)
            .map(([k, v]) => (k === 'type' ? String(v) : `${k}=${String(v)}`))
            .join(' ')
        : 'the initial state';
      return {
        export: name,
        path: failed.path,
        step: failed.step ?? -1,
        event,
        kind: failed.kind ?? 'unknown',
        what: failed.kind === 'observable' ? (failed.field ?? '') : key.what,
        ...(failed.kind === 'observable' ? { expected: failed.expected, actual: failed.actual } : { message: failed.message ?? '' }),
      };
    }
    // The unmutated harness read this file whole: a mutant harness that dies on it was killed by its kernel code.
    if (code !== 0)
      return {
        export: name,
        path: -1,
        step: -1,
        event: 'the harness',
        kind: 'crash',
        what: 'harness',
        message: `exit ${code}: ${stderr.trim().slice(0, 200)}`,
      };
  }
  return undefined;
}

/** One mutant's result. */
export interface MutantRun {
  readonly mutant: Mutant;
  readonly outcome: MutantOutcome;
}

/**
 * Runs `mutants` of `built` over `exports` (from prepareBaseline), `jobs` at a time; calls
 * `each` as each finishes. Results in the mutants' order.
 */
export async function runMutants(
  built: Built,
  mutants: readonly Mutant[],
  exports: readonly BaselineExport[],
  options: { readonly jobs: number; readonly each?: (r: MutantRun, done: number) => void },
): Promise<MutantRun[]> {
  const builder = await mutantBuilder(built);
  const results: MutantRun[] = new Array(mutants.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < mutants.length) {
      const i = next++;
      const mutant = mutants[i];
      const b = await builder.build(applyMutant(builder.source, mutant));
      let outcome: MutantOutcome;
      if (b.kind === 'stillborn') outcome = { kind: 'stillborn', error: b.error };
      else if (b.kind === 'identical') outcome = { kind: 'identical' };
      else {
        const kill = await firstKill(b.binary, exports);
        rmSync(b.dir, { recursive: true, force: true });
        outcome = kill ? { kind: 'killed', kill } : { kind: 'survived' };
      }
      results[i] = { mutant, outcome };
      options.each?.(results[i], ++done);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  } finally {
    builder.close();
  }
  return results;
}

/** A temporary folder for a run's exports; the caller removes it. */
export const exportsFolder = () => mkdtempSync(join(tmpdir(), 'dmaspec-mutant-exports-'));
