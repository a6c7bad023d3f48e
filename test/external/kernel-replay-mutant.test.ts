/**
 * The kernel replay fails when the model is wrong: with `balance_ref_count` taken out of the
 * model's `dmaengine_get` (in this test only, by mocking machines/system/dmaengine.ts), the
 * chan-rules paths, replayed on the real 3.6 dmaengine.c, diverge where the second
 * `dmaengine_get` user takes a channel's first reference: the model says client_count 1,
 * 3.6's dma_chan_get balances it to dmaengine_ref_count, 2. Needs gcc.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SystemContext } from '../../machines/system/context.ts';
import type { Layout } from '../../machines/system/layout.ts';
import { buildHarness, buildsFor } from '../../src/kernel/build.ts';
import { HARNESS_SCENARIOS } from '../../src/kernel/plan.ts';
import { replayExport } from '../../src/kernel/run.ts';
import { readTree } from '../../src/kernel/tree.ts';
import { oracleTrees } from './kernel-ci-plan.ts';

vi.mock('../../machines/system/dmaengine.ts', async (original) => {
  const m = await original<typeof import('../../machines/system/dmaengine.ts')>();
  /** dmaengine_get with a dma_chan_get whose balance_ref_count does nothing: the planted bug. */
  const dmaengineGet = (ctx: SystemContext, L: Layout) => {
    ctx.refCount++;
    for (let d = 0; d < L.devices.length; d++) {
      if (!ctx.devices[d].listed || ctx.devices[d].private) continue;
      for (const c of L.devices[d].channels) if (++ctx.channels[c].clientCount === 1) ctx.channels[c].resources = 1;
    }
    if (ctx.refCount === 1) m.dmaChannelRebalance(ctx, L);
  };
  return { ...m, dmaengineGet };
});

describe('a model with a broken rule', () => {
  it('diverges from the real 3.6 at the second user’s dmaengine_get, on client_count', async () => {
    const oracle = oracleTrees();
    if (typeof oracle === 'string') throw new Error(oracle);
    const tree = readTree(oracle.trees.find((t) => t.endsWith('linux-3.6'))!);
    const built = buildHarness(tree, buildsFor(tree, undefined)[0]);
    const [r] = await replayExport([built], {
      machine: 'system',
      scenarioName: 'chan-rules',
      scenario: HARNESS_SCENARIOS['chan-rules'],
      design: 'baseline',
      every: 20,
    });
    expect(r.failures.length).toBeGreaterThan(0);
    const first = r.failures[0];
    expect(first.event?.type).toMatch(/^net[01]\.get$/);
    // client_count shows first through the module count that follows it (one module reference
    // per client_count; devices[] are compared before channels[]).
    expect(first.key).toMatchObject({ step: 'net_dma.get', kind: 'observable', what: 'devices[].module' });
    expect([first.expected, first.actual]).toEqual([1, 2]);
    // Every failing path fails at a dmaengine_get on client_count: the planted rule, nothing else.
    expect(new Set(r.failures.map((f) => `${f.key.step} ${f.key.what}`))).toEqual(new Set(['net_dma.get devices[].module']));
  });
});
