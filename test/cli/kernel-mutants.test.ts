/**
 * `dmaspec kernel-mutants` without a compiler run: its help, and exit 2 with one line naming
 * what is wrong (an option, the tree, a function the file does not define, gcc). The mutant
 * runs need gcc: test/external/kernel-gates.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './harness.ts';

/** A 3.x tree of one small file: enough to be read, not to be built. */
function smallTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'dmaspec-tree-'));
  mkdirSync(join(root, 'drivers/dma'), { recursive: true });
  mkdirSync(join(root, 'include/linux'), { recursive: true });
  writeFileSync(
    join(root, 'drivers/dma/dmaengine.c'),
    'static long dmaengine_ref_count;\nidr_pre_get(&dma_idr, GFP_KERNEL);\nstatic void dma_chan_put(struct dma_chan *chan)\n{\n\tchan->client_count--;\n}\n',
  );
  writeFileSync(join(root, 'include/linux/dmaengine.h'), '');
  return root;
}

describe('dmaspec kernel-mutants', () => {
  it('explains itself', async () => {
    const r = await runInProcess(['kernel-mutants', '--help']);
    expect(r.status).toBe(0);
    for (const needed of ['--tree DIR', '--sample N', '--function NAME', 'kernel/surviving-mutants.json', 'kernel/equivalent-mutants.json', 'Exit status 0'])
      expect(r.out).toContain(needed);
    expect(r.out.split('\n').filter((l) => l.length > 100)).toEqual([]);
    expect((await runInProcess(['--help'])).out).toContain('kernel-mutants');
  });

  it('exits 2 naming what is wrong', async () => {
    const noTree = await runInProcess(['kernel-mutants']);
    expect([noTree.status, noTree.err.split('\n')[0]]).toEqual([2, 'dmaspec kernel-mutants: --tree is required']);
    const root = smallTree();
    const twoVersions = await runInProcess(['kernel-mutants', '--tree', root, '--tree', root, '--version', '3.6']);
    expect([twoVersions.status, twoVersions.err]).toEqual([2, 'dmaspec kernel-mutants: --version names one tree: give it with a single --tree\n']);
    const sample = await runInProcess(['kernel-mutants', '--tree', root, '--sample', '0']);
    expect([sample.status, sample.err]).toEqual([2, expect.stringContaining('--sample')]);
    const unknown = await runInProcess(['kernel-mutants', '--tree', root, '--function', 'no_such_function']);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toMatch(/^dmaspec kernel-mutants: --function no_such_function: .*dmaengine\.c defines no such function\n$/);
  });

  it('exits 2 when gcc is not there', async () => {
    const root = smallTree();
    const path = process.env.PATH;
    process.env.PATH = root; // no gcc on it
    try {
      const r = await runInProcess(['kernel-mutants', '--tree', root, '--function', 'dma_chan_put']);
      expect(r.status).toBe(2);
      expect(r.err).toMatch(/^dmaspec kernel-mutants: gcc not found/);
    } finally {
      process.env.PATH = path;
    }
  });
});
