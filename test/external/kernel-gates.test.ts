/**
 * The kernel as the model's oracle, in CI: two gates over one replay of the CI plan
 * (test/external/kernel-ci-plan.ts), so no export is generated or replayed twice.
 *
 * The replay gate: every build of ../shared/kernel (3.6, 3.6 + the RFC's 3/7, 5.10.7 under
 * kref-5-10, 7.0 under kref, and 7.0 with the kref-fixed patch) replays its exports, the large
 * ones in a deterministic sample, and the divergences found must be exactly the known classes
 * of kernel/expected-divergences.json: a new divergence fails (the model changed away from the
 * kernel, or a new export found something), and so does a listed class that no longer occurs
 * (the model was fixed: remove its entry).
 *
 * The mutants gate: on each build whose code is mutated (3.6, 3.6 + the RFC's 3/7, 5.10.7,
 * 7.0), a fixed sample of the refcount and removal functions' mutants (every k-th of the list,
 * `dmaspec kernel-mutants --sample N`: ciMutantSample, 6 on 3.6, 16 on the RFC build, 8 on
 * mainline; plus the mutant the build must kill) is built and replayed on the paths of that
 * replay that passed on the unmutated build. Each must be killed, equivalent
 * (kernel/equivalent-mutants.json, or the original's object code) or a known survivor
 * (kernel/surviving-mutants.json, with what would kill it); a listed mutant that is killed now
 * fails, and so does an entry that names no mutant the file gives. A last test shows the gate
 * fails on a survivor no list names. The work is bounded by the sample (at most 38 mutants and
 * the four it must kill) and the CI plan's paths, two mutants at a time. Needs gcc.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHarness, buildName, buildsFor } from '../../src/kernel/build.ts';
import { compareWithExpected, keyText, readExpected } from '../../src/kernel/divergence.ts';
import { ciMutantSample, type MutationTarget, mutationTargets, runMutants, sampleMutants, targetMutants } from '../../src/kernel/mutant-run.ts';
import { gateProblems, readMutantLists, staleEntries, verdictOf } from '../../src/kernel/mutant-verdict.ts';
import { mutantKey } from '../../src/kernel/mutants.ts';
import { exportName } from '../../src/kernel/plan.ts';
import { describeFailure } from '../../src/kernel/report.ts';
import type { Failure } from '../../src/kernel/run.ts';
import { type KernelTree, readTree } from '../../src/kernel/tree.ts';
import { type CiRun, oracleTrees, runCiPlan } from './kernel-ci-plan.ts';

/** The oracle trees and the RFC seed, or an error naming what is missing. */
function oracle(): { trees: string[]; seed: string } {
  const o = oracleTrees();
  if (typeof o === 'string') throw new Error(o);
  if (!o.seed) throw new Error('the RFC seed patch ../shared/seeds/002_*.txt is missing');
  return { trees: o.trees, seed: o.seed };
}

/** Every mutated build of the oracle trees, with its tree. */
function mutatedBuilds(): { tree: KernelTree; target: MutationTarget }[] {
  const { trees, seed } = oracle();
  return trees.flatMap((dir) => {
    const tree = readTree(dir);
    return mutationTargets(tree, readFileSync(tree.dmaengineC, 'utf8'), seed).map((target) => ({ tree, target }));
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

describe('the kernel gates on the oracle trees', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmaspec-kernel-gates-'));
  let run: CiRun;
  beforeAll(async () => {
    const { trees, seed } = oracle();
    run = await runCiPlan(trees, seed, dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const builds = mutatedBuilds();
  /** A build's baseline: the CI plan's paths that passed on it. */
  const baseline = (name: string) => {
    const b = run.baselines.get(name);
    if (!b) throw new Error(`no baseline for the ${name} build`);
    return b;
  };

  describe('kernel replay', () => {
    it('finds exactly the known divergence classes, and replays every build', () => {
      const { results } = run;
      expect([...new Set(results.map((r) => r.build))].sort()).toEqual(['3.6', '3.6+rfc', '5.10.7', '7.0', '7.0+kref-fixed']);
      const found = new Map<string, Failure>();
      for (const r of results) for (const f of r.failures) if (!found.has(keyText(f.key))) found.set(keyText(f.key), f);
      const { unknown, gone } = compareWithExpected(
        [...found.values()].map((f) => f.key),
        readExpected(),
        new Set(results.map((r) => r.build)),
      );
      expect(
        unknown.map((k) => `${k}\n  ${describeFailure(found.get(k)!)}`),
        'divergences not in kernel/expected-divergences.json',
      ).toEqual([]);
      expect(gone, 'known divergences that no longer occur: remove them from kernel/expected-divergences.json').toEqual([]);
      // The replay replayed: the quiesce loop and the 3.6 channel rules pass whole on the real code.
      for (const [build, machine] of [
        ['3.6+rfc', 'quiesce'],
        ['3.6', 'channel'],
      ]) {
        const rs = results.filter((r) => r.build === build && r.spec.machine === machine);
        expect(rs.length).toBe(1);
        expect(rs[0].paths).toBeGreaterThan(40);
        expect(rs[0].failures).toEqual([]);
      }
    });

    it('keeps as each build’s baseline exactly the paths that passed on it', () => {
      for (const r of run.results) {
        const kept = baseline(r.build).find((b) => exportName(b.spec) === exportName(r.spec));
        expect(kept, `${r.build} ${exportName(r.spec)}`).toBeDefined();
        expect([kept!.replayed, kept!.passing]).toEqual([r.paths, r.passed]);
        const ids = new Set(
          readFileSync(kept!.file, 'utf8')
            .split('\n')
            .flatMap((l) => /^\{"kind":"path","id":(\d+)/.exec(l)?.[1] ?? []),
        );
        expect(ids.size).toBe(r.passed);
        expect(r.failures.filter((f) => ids.has(String(f.path)))).toEqual([]);
      }
    });
  });

  describe('kernel mutants', () => {
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
        const lists = readMutantLists();
        const verdicts = (await runMutants(built, sample, baseline(name), { jobs: 2 })).map((r) => verdictOf(name, r, lists));
        expect(gateProblems(verdicts)).toEqual([]);
        const generated = all.map(({ edits: _, ...mutant }) => ({ build: name, mutant }));
        expect(staleEntries(generated, lists)).toEqual([]);
        // The sample can fail: a mutant of the file's core is killed, first by the export expected.
        const must = verdicts.find((v) => mutantKey(v.mutant) === MUST_KILL[name].mutant);
        expect(must?.status, `${name}: ${MUST_KILL[name].mutant} is not killed in the sample`).toBe('killed');
        expect(must!.kill!.export).toBe(MUST_KILL[name].export);
      },
    );

    it('fail the gate when one survives that no list names', async () => {
      // Replayed only on the slave client's paths (private channels: no balance_ref_count), 3.6's
      // dma_chan_get without balance_ref_count survives; no list names that survival.
      const { tree, target } = builds.find((b) => buildName(b.tree, b.target.spec) === '3.6')!;
      const built = buildHarness(tree, buildsFor(tree, undefined)[0]);
      const slave = baseline('3.6').filter((e) => exportName(e.spec) === 'client-slave/catalogue/baseline');
      expect(slave.length).toBe(1);
      const [mutant] = targetMutants(built, readFileSync(built.kernelFile, 'utf8'), { ...target, functions: ['dma_chan_get'] }).filter(
        (m) => mutantKey(m) === 'dma_chan_get drop dmaengine.c:235 "balance_ref_count(chan);"',
      );
      expect(mutant).toBeDefined();
      const lists = readMutantLists();
      const verdicts = (await runMutants(built, [mutant], slave, { jobs: 1 })).map((r) => verdictOf('3.6', r, lists));
      expect(verdicts.map((v) => v.status)).toEqual(['survived']);
      expect(gateProblems(verdicts)).toEqual([
        expect.stringMatching(/^survives, listed nowhere: 3\.6 dma_chan_get drop dmaengine\.c:235 "balance_ref_count\(chan\);"/),
      ]);
    });
  });
});
