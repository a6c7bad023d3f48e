/**
 * Kernel mutants in CI: on each build of ../shared/kernel whose code is mutated (3.6, 3.6 +
 * the RFC's 3/7, 5.10.7, 7.0), a fixed sample of the refcount and removal functions' mutants
 * (every k-th of the list, `dmaspec kernel-mutants --sample N`: ciMutantSample, 6 on 3.6, 16 on the RFC
 * build, 8 on mainline; plus the mutant the build must kill) is built
 * and replayed on the paths of the CI plan that pass on the unmutated build. Each must be
 * killed, equivalent (kernel/equivalent-mutants.json, or the original's object code) or a
 * known survivor (kernel/surviving-mutants.json, with what would kill it); a listed mutant
 * that is killed now fails, and so does an entry that names no mutant the file gives. A
 * last test shows the gate fails on a survivor no list names. The work is bounded by the
 * sample (at most 38 mutants and the four it must kill) and the CI plan's paths, two mutants
 * at a time. Needs gcc.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHarness, buildName, buildsFor } from '../../src/kernel/build.ts';
import {
  ciMutantSample,
  exportsFolder,
  type MutationTarget,
  mutationTargets,
  prepareBaseline,
  runMutants,
  sampleMutants,
  targetMutants,
} from '../../src/kernel/mutant-run.ts';
import { gateProblems, readMutantLists, staleEntries, verdictOf } from '../../src/kernel/mutant-verdict.ts';
import { mutantKey } from '../../src/kernel/mutants.ts';
import { ciPlan, exportName } from '../../src/kernel/plan.ts';
import { type KernelTree, readTree } from '../../src/kernel/tree.ts';
import { oracleTrees } from './kernel-ci-plan.ts';

/** Every mutated build of the oracle trees, with its tree. */
function mutatedBuilds(): { tree: KernelTree; target: MutationTarget }[] {
  const oracle = oracleTrees();
  if (typeof oracle === 'string') throw new Error(oracle);
  if (!oracle.seed) throw new Error('the RFC seed patch ../shared/seeds/002_*.txt is missing');
  return oracle.trees.flatMap((dir) => {
    const tree = readTree(dir);
    return mutationTargets(tree, readFileSync(tree.dmaengineC, 'utf8'), oracle.seed).map((target) => ({ tree, target }));
  });
}

/** A mutant of each build's sample that must be killed, and the export that kills it first: the sample can fail. */
const MUST_KILL: Readonly<Record<string, { mutant: string; export: string }>> = {
  '3.6': { mutant: 'dma_chan_put drop dmaengine.c:250 "return;"', export: 'channel/catalogue/baseline' },
  '3.6+rfc': {
    mutant: 'dma_channel_quiesce drop RFC v2 3/7 @@ -393,6 +436,37 @@ +8 "static_key_slow_inc(&dmaengine_quiesce);"',
    export: 'quiesce/catalogue/rfc-wait',
  },
  '5.10.7': { mutant: 'dma_chan_get drop dmaengine.c:477 "chan->client_count++;"', export: 'client-net_dma/catalogue/kref-5-10' }, // since issue 31 M1 the public paths pass
  '7.0': { mutant: 'dma_chan_put drop dmaengine.c:502 "chan->client_count--;"', export: 'client-net_dma/catalogue/kref' },
};

describe('kernel mutants on the oracle trees', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });
  const builds = mutatedBuilds();

  it('mutate the four builds of the refcount and removal code', () => {
    expect(builds.map(({ tree, target }) => buildName(tree, target.spec)).sort()).toEqual(['3.6', '3.6+rfc', '5.10.7', '7.0']);
  });

  it.each(builds.map((b) => [buildName(b.tree, b.target.spec), b] as const))(
    '%s: a sample is each killed, equivalent, or a listed survivor; every list entry names a mutant',
    async (name, { tree, target }) => {
      const built = buildHarness(tree, target.spec);
      const all = targetMutants(built, readFileSync(built.kernelFile, 'utf8'), target);
      const every = sampleMutants(all, ciMutantSample(name));
      expect(every.length).toBeGreaterThan(ciMutantSample(name) / 2);
      const sample = [...every, ...all.filter((m) => mutantKey(m) === MUST_KILL[name].mutant && !every.includes(m))];
      const dir = exportsFolder();
      folders.push(dir);
      const exports = await prepareBaseline(built, ciPlan(target.spec), dir);
      const lists = readMutantLists();
      const verdicts = (await runMutants(built, sample, exports, { jobs: 2 })).map((r) => verdictOf(name, r, lists));
      expect(gateProblems(verdicts)).toEqual([]);
      const generated = all.map(({ edits: _, ...mutant }) => ({ build: name, mutant }));
      expect(staleEntries(generated, lists)).toEqual([]);
      // The sample can fail: a mutant of the file's core is killed, first by the export expected.
      const must = verdicts.find((v) => mutantKey(v.mutant) === MUST_KILL[name].mutant);
      expect(must?.status, `${name}: ${MUST_KILL[name].mutant} is not killed in the sample`).toBe('killed');
      expect(must!.kill!.export).toBe(MUST_KILL[name].export);
    },
    900_000,
  );

  it('fail the gate when one survives that no list names', async () => {
    // Replayed only on the slave client's paths (private channels: no balance_ref_count), 3.6's
    // dma_chan_get without balance_ref_count survives; no list names that survival.
    const { tree, target } = builds.find((b) => buildName(b.tree, b.target.spec) === '3.6')!;
    const spec = buildsFor(tree, undefined)[0];
    const built = buildHarness(tree, spec);
    const dir = exportsFolder();
    folders.push(dir);
    const exports = await prepareBaseline(
      built,
      ciPlan(spec).filter((e) => exportName(e) === 'client-slave/catalogue/baseline'),
      dir,
    );
    const [mutant] = targetMutants(built, readFileSync(built.kernelFile, 'utf8'), { ...target, functions: ['dma_chan_get'] }).filter(
      (m) => mutantKey(m) === 'dma_chan_get drop dmaengine.c:235 "balance_ref_count(chan);"',
    );
    expect(mutant).toBeDefined();
    const lists = readMutantLists();
    const verdicts = (await runMutants(built, [mutant], exports, { jobs: 1 })).map((r) => verdictOf('3.6', r, lists));
    expect(verdicts.map((v) => v.status)).toEqual(['survived']);
    expect(gateProblems(verdicts)).toEqual([
      expect.stringMatching(/^survives, listed nowhere: 3\.6 dma_chan_get drop dmaengine\.c:235 "balance_ref_count\(chan\);"/),
    ]);
  });
});
