/**
 * The kernel replay CI runs (test/external/kernel-replay.test.ts): every build of the oracle
 * trees in ../shared/kernel, each export of the builds' default plans, the large ones in a
 * deterministic sample (every Nth path, src/kernel/plan.ts CI_EVERY), so that the whole run
 * stays within a few minutes on 2 cores. Exports shared by two trees (5.10.7 and 7.0 replay
 * the same kref paths) are generated once and streamed to both harnesses.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { buildHarness, buildsFor, type Built } from '../../src/kernel/build.ts';
import { ciPlan, exportName, type ExportSpec } from '../../src/kernel/plan.ts';
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

/** Builds every build of `trees` and replays the CI plan; the results in plan order. */
export async function runCiPlan(trees: readonly string[], seed: string | undefined): Promise<ExportResult[]> {
  const groups = new Map<string, { spec: ExportSpec; builts: Built[] }>();
  for (const dir of trees) {
    const tree = readTree(dir);
    for (const b of buildsFor(tree, seed)) {
      const built = buildHarness(tree, b);
      for (const e of ciPlan(b)) {
        const key = exportName(e);
        const g = groups.get(key) ?? { spec: e, builts: [] };
        g.builts.push(built);
        groups.set(key, g);
      }
    }
  }
  const out: ExportResult[] = [];
  for (const { spec, builts } of groups.values()) out.push(...(await replayExport(builts, spec)));
  return out;
}
