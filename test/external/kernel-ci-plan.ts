/**
 * The kernel replay CI runs (test/external/kernel-gates.test.ts): every build of the oracle
 * trees in ../shared/kernel, each export of the builds' default plans, the large ones in a
 * deterministic sample (every Nth path, src/kernel/plan.ts CI_EVERY), so that the whole run
 * stays within a few minutes on 2 cores. Exports shared by two trees are generated once and
 * streamed to both harnesses. The same run is the mutants gate's baseline: each build's
 * passing paths are kept in a folder, so no export is generated or replayed twice.
 */
import { join } from 'node:path';
import { readdirSync, rmSync } from 'node:fs';
import { buildHarness, buildsFor, type Built } from '../../src/kernel/build.ts';
import { ciPlan, exportName, type ExportSpec } from '../../src/kernel/plan.ts';
import { type BaselineExport, baselineFromReplay } from '../../src/kernel/mutant-run.ts';
import { replayExport, type ExportResult } from '../../src/kernel/run.ts';
import { defaultRfcPatch, readTree, sharedFolder } from '../../src/kernel/tree.ts';

/** The oracle trees: ../shared/kernel/linux-*, or a message saying why there are none. */
export function oracleTrees(): { trees: string[]; seed?: string } | string {
  const kernel = sharedFolder('kernel');
  if (!kernel)
    return 'the kernel oracle files are missing: ../shared/kernel (relative to the checkout) holds the unmodified dmaengine.c of Linux 3.6, 5.10.7 and 7.0 that the kernel replay compiles';
  const seed = defaultRfcPatch();
  return {
    trees: readdirSync(kernel)
      .filter((d) => d.startsWith('linux-'))
      .sort()
      .map((d) => join(kernel, d)),
    ...(seed ? { seed } : {}),
  };
}

/** The CI plan's results in plan order, and per build (by name) the mutants' baseline: its exports' passing paths, in its plan's order. */
export interface CiRun {
  readonly results: readonly ExportResult[];
  readonly baselines: ReadonlyMap<string, readonly BaselineExport[]>;
}

/** Builds every build of `trees`, replays the CI plan and keeps each build's passing paths under `dir`. */
export async function runCiPlan(trees: readonly string[], seed: string | undefined, dir: string): Promise<CiRun> {
  const groups = new Map<string, { spec: ExportSpec; builts: Built[] }>();
  const plans = new Map<string, string[]>();
  for (const treeDir of trees) {
    const tree = readTree(treeDir);
    for (const b of buildsFor(tree, seed)) {
      const built = buildHarness(tree, b);
      plans.set(built.name, []);
      for (const e of ciPlan(b)) {
        const key = exportName(e);
        const g = groups.get(key) ?? { spec: e, builts: [] };
        g.builts.push(built);
        groups.set(key, g);
        plans.get(built.name)!.push(key);
      }
    }
  }
  const results: ExportResult[] = [];
  const kept = new Map<string, BaselineExport>();
  for (const [i, { spec, builts }] of [...groups.values()].entries()) {
    const sent = join(dir, `${i}.sent.jsonl`);
    const rs = await replayExport(builts, spec, undefined, sent);
    for (const r of rs) kept.set(`${r.build} ${exportName(spec)}`, await baselineFromReplay(r, sent, join(dir, `${i}.${r.build}.jsonl`)));
    rmSync(sent);
    results.push(...rs);
  }
  const baselines = new Map([...plans].map(([build, keys]) => [build, keys.map((k) => kept.get(`${build} ${k}`)!)] as const));
  return { results, baselines };
}
