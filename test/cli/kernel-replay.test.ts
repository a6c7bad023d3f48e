/**
 * `dmaspec kernel-replay` without a compiler run: its help, and exit 2 with one line naming
 * what is missing (the option, a file of the tree, gcc). The replays themselves need gcc:
 * test/external/kernel-replay*.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './harness.ts';

describe('dmaspec kernel-replay', () => {
  it('explains itself', async () => {
    const r = await runInProcess(['kernel-replay', '--help']);
    expect(r.status).toBe(0);
    for (const needed of ['--tree DIR', '--rfc-patch FILE', 'docs/kernel-replay.md', 'kernel/expected-divergences.json', 'Exit status 0', 'no gcc'])
      expect(r.out).toContain(needed);
    expect(r.out.split('\n').filter((l) => l.length > 100)).toEqual([]);
    expect((await runInProcess(['--help'])).out).toContain('kernel-replay');
  });

  it('exits 2 naming what is missing', async () => {
    const noTree = await runInProcess(['kernel-replay']);
    expect([noTree.status, noTree.err.split('\n')[0]]).toEqual([2, 'dmaspec kernel-replay: --tree is required']);
    const root = mkdtempSync(join(tmpdir(), 'dmaspec-tree-'));
    mkdirSync(join(root, 'include/linux'), { recursive: true });
    writeFileSync(join(root, 'include/linux/dmaengine.h'), '');
    const noFile = await runInProcess(['kernel-replay', '--tree', root]);
    expect(noFile.status).toBe(2);
    expect(noFile.err).toMatch(/drivers\/dma\/dmaengine\.c is missing/);
    const bad = await runInProcess(['kernel-replay', '--tree', root, '--machine', 'nope']);
    expect([bad.status, bad.err]).toEqual([2, expect.stringContaining('--machine must be one of')]);
  });

  it('exits 2 on a scenario with asyncTxChannelSwitch: the harness is built without CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dmaspec-tree-'));
    mkdirSync(join(root, 'drivers/dma'), { recursive: true });
    mkdirSync(join(root, 'include/linux'), { recursive: true });
    writeFileSync(join(root, 'drivers/dma/dmaengine.c'), 'static long dmaengine_ref_count;\nidr_pre_get(&dma_idr, GFP_KERNEL);\n');
    writeFileSync(join(root, 'include/linux/dmaengine.h'), '');
    const file = join(root, 'switch.json');
    writeFileSync(file, JSON.stringify({ design: 'baseline', asyncTxChannelSwitch: true }));
    const r = await runInProcess(['kernel-replay', '--tree', root, '--design', 'baseline', '--scenario', file]);
    expect([r.status, r.err]).toEqual([2, expect.stringContaining('asyncTxChannelSwitch (CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH) is not the harness')]);
  });

  it('exits 2 when gcc is not there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dmaspec-tree-'));
    mkdirSync(join(root, 'drivers/dma'), { recursive: true });
    mkdirSync(join(root, 'include/linux'), { recursive: true });
    writeFileSync(join(root, 'drivers/dma/dmaengine.c'), 'static long dmaengine_ref_count;\nidr_pre_get(&dma_idr, GFP_KERNEL);\n');
    writeFileSync(join(root, 'include/linux/dmaengine.h'), '');
    const path = process.env.PATH;
    process.env.PATH = root; // no gcc on it
    try {
      const r = await runInProcess(['kernel-replay', '--tree', root, '--design', 'baseline']);
      expect(r.status).toBe(2);
      expect(r.err).toMatch(/^dmaspec kernel-replay: gcc not found/);
    } finally {
      process.env.PATH = path;
    }
  });
});
