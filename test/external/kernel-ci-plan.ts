/**
 * The kernel replay CI runs (test/external/kernel-replay.test.ts): every build of the oracle
 * trees in ../shared/kernel, each export of the builds' default plans, the large ones in a
 * deterministic sample (every Nth path), so that the whole run stays within a few minutes
 * on 2 cores. Exports shared by two trees (5.10.7 and 7.0 replay the same kref paths) are
 * generated once and streamed to both harnesses.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { buildHarness, buildsFor, type Built } from '../../src/kernel/build.ts';
import { defaultPlan, type ExportSpec } from '../../src/kernel/plan.ts';
import { replayExport, type ExportResult } from '../../src/kernel/run.ts';
import { readTree, sharedFolder } from '../../src/kernel/tree.ts';

/** Every Nth path of the large exports, by `<machine>/<scenario>/<design>`; 1 for the rest. */
const EVERY: Readonly<Record<string, number>> = {
  'system/catalogue/baseline': 3,
  'system/chan-rules/baseline': 10,
  'system/two-channel/baseline': 4,
  'system/cpu-hotplug/baseline': 8,
  'client-net_dma/catalogue/rfc-wait': 2,
  'system/catalogue/rfc-wait': 5,
  'system/catalogue/rfc-wait-unheld': 8,
  'system/catalogue/kref': 3,
  'system/two-channel/kref': 3,
  'system/cpu-hotplug/kref': 8,
  'system/catalogue/kref-fixed': 3,
  'system/two-channel/kref-fixed': 3,
  'system/cpu-hotplug/kref-fixed': 8,
};

/** The oracle trees: ../shared/kernel/linux-*, or a message saying why there are none. */
export function oracleTrees(): { trees: string[]; seed?: string } | string {
  const kernel = sharedFolder('kernel');
  if (!kernel)
    return 'the kernel oracle files are missing: ../shared/kernel (relative to the checkout) holds the unmodified dmaengine.c of Linux 3.6, 5.10.7 and 7.0 that the kernel replay compiles';
  const seeds = sharedFolder('seeds');
  const seed = seeds ? readdirSync(seeds).find((f) => /^002_.*\.txt$/.test(f)) : undefined;
  return {
    trees: readdirSync(kernel)
      .filter((d) => d.startsWith('linux-'))
      .sort()
      .map((d) => join(kernel, d)),
    ...(seed && seeds ? { seed: join(seeds, seed) } : {}),
  };
}

/** Builds every build of `trees` and replays the CI plan; the results in plan order. */
export async function runCiPlan(trees: readonly string[], seed: string | undefined): Promise<ExportResult[]> {
  const groups = new Map<string, { spec: ExportSpec; builts: Built[] }>();
  for (const dir of trees) {
    const tree = readTree(dir);
    for (const b of buildsFor(tree, seed)) {
      const built = buildHarness(tree, b);
      for (const e of defaultPlan(b)) {
        const key = `${e.machine}/${e.scenarioName}/${e.design}`;
        const g = groups.get(key) ?? { spec: { ...e, every: EVERY[key] ?? 1 }, builts: [] };
        g.builts.push(built);
        groups.set(key, g);
      }
    }
  }
  const out: ExportResult[] = [];
  for (const { spec, builts } of groups.values()) out.push(...(await replayExport(builts, spec)));
  return out;
}
