/**
 * Kernel mutants in CI: every mutant of 3.6's dma_chan_get, dma_chan_put and
 * balance_ref_count (the refcount core, a fixed and deterministic set) is built and replayed
 * on the paths of the CI plan that pass on the unmutated 3.6, and must be killed, equivalent
 * (kernel/equivalent-mutants.json, or the original's object code) or a known survivor
 * (kernel/surviving-mutants.json, with what would kill it); a listed mutant that is killed
 * now fails too. A second test shows the gate fails on a survivor no list names. Needs gcc.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHarness, buildsFor } from '../../src/kernel/build.ts';
import { exportsFolder, prepareBaseline, runMutants, targetMutants } from '../../src/kernel/mutant-run.ts';
import { gateProblems, readMutantLists, staleEntries, verdictOf } from '../../src/kernel/mutant-verdict.ts';
import { mutantKey } from '../../src/kernel/mutants.ts';
import { ciPlan, exportName } from '../../src/kernel/plan.ts';
import { readTree } from '../../src/kernel/tree.ts';
import { oracleTrees } from './kernel-ci-plan.ts';

const FUNCTIONS = ['dma_chan_get', 'dma_chan_put', 'balance_ref_count'];

function build36() {
  const oracle = oracleTrees();
  if (typeof oracle === 'string') throw new Error(oracle);
  const tree = readTree(oracle.trees.find((t) => t.endsWith('linux-3.6'))!);
  const spec = buildsFor(tree, undefined)[0];
  const built = buildHarness(tree, spec);
  return { spec, built, source: readFileSync(built.kernelFile, 'utf8') };
}

describe('kernel mutants of the 3.6 refcount core', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it('are each killed by the CI exports, equivalent, or a listed survivor', async () => {
    const { spec, built, source } = build36();
    const dir = exportsFolder();
    folders.push(dir);
    const exports = await prepareBaseline(built, ciPlan(spec), dir);
    // The refcount paths the mutants need are there: the channel rules and chan-rules pass whole.
    for (const name of ['channel/catalogue/baseline', 'system/chan-rules/baseline']) {
      const e = exports.find((x) => exportName(x.spec) === name)!;
      expect([name, e.passing]).toEqual([name, e.replayed]);
    }
    const mutants = targetMutants(built, source, { spec, functions: FUNCTIONS });
    expect(new Set(mutants.map((m) => m.function))).toEqual(new Set(FUNCTIONS));
    expect(mutants.length).toBeGreaterThan(40);
    const lists = readMutantLists();
    const verdicts = (await runMutants(built, mutants, exports, { jobs: 2 })).map((r) => verdictOf('3.6', r, lists));
    expect(gateProblems(verdicts)).toEqual([]);
    expect(staleEntries(verdicts, lists)).toEqual([]);
    // A kill names its first failing path: dma_chan_put without its decrement, on the channel rules.
    const decrement = verdicts.find((v) => mutantKey(v.mutant) === 'dma_chan_put drop dmaengine.c:251 "chan->client_count--;"')!;
    expect(decrement.status).toBe('killed');
    expect(decrement.kill).toMatchObject({ export: 'channel/catalogue/baseline', event: 'env.dmaenginePut', kind: 'observable', what: 'clientCount' });
    expect(verdicts.filter((v) => v.status === 'killed').length).toBeGreaterThan(verdicts.length / 2);
  }, 900_000);

  it('fail the gate when one survives that no list names', async () => {
    // Replayed only on the slave client's paths (private channels: no balance_ref_count), 3.6's
    // dma_chan_get without balance_ref_count survives; no list names that survival.
    const { spec, built, source } = build36();
    const dir = exportsFolder();
    folders.push(dir);
    const exports = await prepareBaseline(
      built,
      ciPlan(spec).filter((e) => exportName(e) === 'client-slave/catalogue/baseline'),
      dir,
    );
    const [mutant] = targetMutants(built, source, { spec, functions: ['dma_chan_get'] }).filter(
      (m) => mutantKey(m) === 'dma_chan_get drop dmaengine.c:235 "balance_ref_count(chan);"',
    );
    expect(mutant).toBeDefined();
    const lists = readMutantLists();
    const verdicts = (await runMutants(built, [mutant], exports, { jobs: 1 })).map((r) => verdictOf('3.6', r, lists));
    expect(verdicts.map((v) => v.status)).toEqual(['survived']);
    expect(gateProblems(verdicts)).toEqual([
      expect.stringMatching(/^survives, listed nowhere: 3\.6 dma_chan_get drop dmaengine\.c:235 "balance_ref_count\(chan\);"/),
    ]);
  }, 300_000);
});
