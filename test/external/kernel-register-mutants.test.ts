/**
 * The hot-add and registration-failure exports can fail (issue 22's `hotadd` and `alloc`
 * survivors): on the real 3.6 dmaengine.c, a mutant of dma_async_device_register that takes
 * no reference for a dmaengine_get user at hot-add (:781 dropped) is killed by `hot-add` at
 * the probe, and one whose error path keeps idr_ref (:810's kfree dropped) by
 * `register-fail` at the failing probe, on the harness's leak:<hub>:<device> violation. Each
 * is replayed on its one export's CI sample only. Needs gcc.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHarness, buildsFor } from '../../src/kernel/build.ts';
import { exportsFolder, prepareBaseline, runMutants, targetMutants } from '../../src/kernel/mutant-run.ts';
import { mutationTargets } from '../../src/kernel/mutant-run.ts';
import { mutantKey } from '../../src/kernel/mutants.ts';
import { ciPlan, exportName } from '../../src/kernel/plan.ts';
import { readTree } from '../../src/kernel/tree.ts';
import { oracleTrees } from './kernel-ci-plan.ts';

const CASES = [
  {
    mutant: 'dma_async_device_register drop dmaengine.c:781 "if (dmaengine_ref_count && !dma_has_cap(DMA_PRIVATE, device->cap_ma..."',
    export: 'system/hot-add/baseline',
    event: /^ioh0\.probe$/,
    what: /^(devices\[0\]\.module|channels\[\d\]\.\w+|table\.memcpy\[0\])$/,
  },
  {
    mutant: 'dma_async_device_register drop dmaengine.c:810 "kfree(idr_ref);"',
    export: 'system/register-fail/baseline',
    event: /^ioh0\.probeFails alloc=[1-8]$/,
    what: /^violations$/,
  },
] as const;

describe('hot-add and registration failure on the real 3.6', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it.each(CASES.map((c) => [c.export, c] as const))(
    '%s kills its mutant of dma_async_device_register',
    async (_, c) => {
      const oracle = oracleTrees();
      if (typeof oracle === 'string') throw new Error(oracle);
      const tree = readTree(oracle.trees.find((t) => t.endsWith('linux-3.6'))!);
      const spec = buildsFor(tree, undefined)[0];
      const built = buildHarness(tree, spec);
      const source = readFileSync(built.kernelFile, 'utf8');
      const [target] = mutationTargets(tree, readFileSync(tree.dmaengineC, 'utf8'), undefined, ['dma_async_device_register']);
      const mutant = targetMutants(built, source, target).find((m) => mutantKey(m) === c.mutant);
      expect(mutant, c.mutant).toBeDefined();
      const dir = exportsFolder();
      folders.push(dir);
      const exports = await prepareBaseline(
        built,
        ciPlan(spec).filter((e) => exportName(e) === c.export),
        dir,
      );
      expect(exports[0].passing).toBe(exports[0].replayed);
      const [r] = await runMutants(built, [mutant!], exports, { jobs: 1 });
      expect(r.outcome.kind).toBe('killed');
      const kill = (r.outcome as { kill: { export: string; event: string; what: string; actual?: unknown } }).kill;
      expect(kill.export).toBe(c.export);
      expect(kill.event).toMatch(c.event);
      expect(kill.what).toMatch(c.what);
      if (c.what.test('violations')) expect(kill.actual).toEqual(['leak:ioh0:ioat0']);
    },
    300_000,
  );
});
