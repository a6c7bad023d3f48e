/**
 * The harness's accounting and lock discipline (kernel/README.md, "Accounting and lock
 * discipline") on real kernel mutants: each check kills the mutant it exists for, on one
 * small export, with its own violation; a mutant that reads an uninitialized variable does
 * not compile (stillborn). Five mutants, each replayed on one export until its first failing
 * path. Needs gcc and ../shared/kernel.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHarness, buildName } from '../../src/kernel/build.ts';
import { type BaselineExport, exportsFolder, mutationTargets, prepareBaseline, runMutants, targetMutants } from '../../src/kernel/mutant-run.ts';
import { mutantKey } from '../../src/kernel/mutants.ts';
import { ciPlan, exportName } from '../../src/kernel/plan.ts';
import { readTree } from '../../src/kernel/tree.ts';
import { oracleTrees } from './kernel-ci-plan.ts';

/** The unmutated build's passing paths, by build and export. */
const baselines = new Map<string, BaselineExport[]>();

/** One mutant of `build`'s `fn`, run on the export named. */
async function runOne(build: string, fn: string, key: string, exportWanted: string, folders: string[]) {
  const oracle = oracleTrees();
  if (typeof oracle === 'string') throw new Error(oracle);
  const dir = oracle.trees.find((t) => t.endsWith(`linux-${build}`));
  if (!dir) throw new Error(`no linux-${build} in ../shared/kernel`);
  const tree = readTree(dir);
  const target = mutationTargets(tree, readFileSync(tree.dmaengineC, 'utf8'), oracle.seed, [fn]).find((t) => buildName(tree, t.spec) === build);
  if (!target) throw new Error(`no ${build} build mutates ${fn}`);
  const built = buildHarness(tree, target.spec);
  const mutant = targetMutants(built, readFileSync(built.kernelFile, 'utf8'), target).find((m) => mutantKey(m) === key);
  if (!mutant) throw new Error(`no mutant ${key}`);
  // Two mutants of a build replay the same export: its baseline is prepared once.
  const memo = `${build} ${exportWanted}`;
  if (!baselines.has(memo)) {
    const folder = exportsFolder();
    folders.push(folder);
    baselines.set(
      memo,
      await prepareBaseline(
        built,
        ciPlan(target.spec).filter((e) => exportName(e) === exportWanted),
        folder,
      ),
    );
  }
  const exports = baselines.get(memo)!;
  expect(exports.length).toBe(1);
  const [run] = await runMutants(built, [mutant], exports, { jobs: 1 });
  return run.outcome;
}

describe('accounting and lock discipline on kernel mutants', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it('3.6 dmaengine_get without dma_list_mutex: unlocked:<thread>:dma_list_mutex', async () => {
    const o = await runOne(
      '3.6',
      'dmaengine_get',
      'dmaengine_get skip-lock dmaengine.c:571 no mutex_lock(&dma_list_mutex) nor its mutex_unlock',
      'system/catalogue/baseline',
      folders,
    );
    expect(o.kind).toBe('killed');
    if (o.kind !== 'killed') return;
    expect(o.kill.what).toBe('violations');
    expect(o.kill.actual).toEqual(expect.arrayContaining([expect.stringMatching(/^unlocked:net0:dma_list_mutex$/)]));
  });

  it('3.6 register without atomic_set(idr_ref, 0) (kmalloc garbage): the id is never given back, leak:', async () => {
    const o = await runOne(
      '3.6',
      'dma_async_device_register',
      'dma_async_device_register drop dmaengine.c:742 "atomic_set(idr_ref, 0);"',
      'system/catalogue/baseline',
      folders,
    );
    expect(o.kind).toBe('killed');
    if (o.kind !== 'killed') return;
    expect(o.kill.event).toBe('ioh0.free');
    expect(o.kill.actual).toEqual(expect.arrayContaining(['leak:ioh0:ioat0']));
  });

  it('3.6 register naming the channel device after device_register: device_add refuses it', async () => {
    const o = await runOne(
      '3.6',
      'dma_async_device_register',
      'dma_async_device_register swap dmaengine.c:764 "dev_set_name(&chan->dev->device, "dma%dchan%d", device->dev_id, cha..." ⇄ "rc = device_register(&chan->dev->device);"',
      'client-slave/catalogue/baseline',
      folders,
    );
    expect(o.kind).toBe('killed');
    if (o.kind !== 'killed') return;
    expect(o.kill.kind).toBe('setup');
    expect(o.kill.message).toMatch(/dma_async_device_register failed/);
  });

  it('7.0 channel unregister without its chan_ida free: leak: once the device is released', async () => {
    const o = await runOne(
      '7.0',
      '__dma_async_device_channel_unregister',
      '__dma_async_device_channel_unregister drop dmaengine.c:1150 "ida_free(&device->chan_ida, chan->chan_id);"',
      'system/catalogue/kref',
      folders,
    );
    expect(o.kind).toBe('killed');
    if (o.kind !== 'killed') return;
    expect(o.kill.actual).toEqual(expect.arrayContaining(['leak:ioh0:ioat0']));
  });

  it('3.6 dma_channel_rebalance without n = 0 reads an uninitialized variable: stillborn', async () => {
    const o = await runOne('3.6', 'dma_channel_rebalance', 'dma_channel_rebalance drop dmaengine.c:450 "n = 0;"', 'client-slave/catalogue/baseline', folders);
    expect(o.kind).toBe('stillborn');
    if (o.kind !== 'stillborn') return;
    expect(o.error).toMatch(/'n'|‘n’/);
    expect(o.error).toMatch(/uninitialized/);
  });
});
