/**
 * Reading a kernel tree (src/kernel/tree.ts): the two files the harness needs, the family
 * by what dmaengine.c has, the version from the Makefile or the folder's name.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { familyOf, mainlineDoubleIncrement, readTree, TreeError } from '../../src/kernel/tree.ts';

const OLD = 'static long dmaengine_ref_count;\nidr_pre_get(&dma_idr, GFP_KERNEL);\n';
const NEW = 'static long dmaengine_ref_count;\nkref_init(&device->ref);\n';

function tree(name: string, c: string | null, makefile?: string): string {
  const root = join(mkdtempSync(join(tmpdir(), 'dmaspec-tree-')), name);
  mkdirSync(join(root, 'drivers/dma'), { recursive: true });
  mkdirSync(join(root, 'include/linux'), { recursive: true });
  if (c !== null) writeFileSync(join(root, 'drivers/dma/dmaengine.c'), c);
  writeFileSync(join(root, 'include/linux/dmaengine.h'), '');
  if (makefile) writeFileSync(join(root, 'Makefile'), makefile);
  return root;
}

describe('readTree', () => {
  it('tells 3.x from mainline by the dma_device kref', () => {
    expect(familyOf(OLD)).toBe('3.x');
    expect(familyOf(NEW)).toBe('mainline');
    expect(familyOf('int main(void) {}')).toBeUndefined();
  });

  it('takes the version from the Makefile, else the folder name', () => {
    expect(readTree(tree('linux-3.6', OLD))).toMatchObject({ version: '3.6', family: '3.x' });
    expect(readTree(tree('src', NEW, 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 7\n'))).toMatchObject({ version: '5.10.7', family: 'mainline' });
    expect(readTree(tree('src', NEW, 'VERSION = 7\nPATCHLEVEL = 0\nSUBLEVEL = 0\n')).version).toBe('7.0');
    expect(readTree(tree('src', NEW), '6.1').version).toBe('6.1');
  });

  it('tells 5.10.7’s dma_chan_get (balance_ref_count, then out: client_count++) from 7.0’s (issue 31 M1)', () => {
    const get = (body: string) =>
      `static int dma_chan_get(struct dma_chan *chan)\n{\n${body}\n}\n\nstatic void dma_chan_put(void)\n{\nout:\n\tchan->client_count++;\n}\n`;
    const v5 = get('\tif (!dma_has_cap(DMA_PRIVATE, chan->device->cap_mask))\n\t\tbalance_ref_count(chan);\n\nout:\n\tchan->client_count++;\n\treturn 0;');
    const v7 = get('\tchan->client_count++;\n\n\tif (!dma_has_cap(DMA_PRIVATE, chan->device->cap_mask))\n\t\tbalance_ref_count(chan);\n\n\treturn 0;');
    expect(mainlineDoubleIncrement(v5)).toBe(true);
    expect(mainlineDoubleIncrement(v7)).toBe(false); // the out: in the next function is not dma_chan_get's
    expect(readTree(tree('src', NEW + v5)).doubleIncrement).toBe(true);
    expect(readTree(tree('src', NEW + v7)).doubleIncrement).toBe(false);
    expect(readTree(tree('linux-3.6', OLD)).doubleIncrement).toBeUndefined();
  });

  it('names the missing file or the unknown dmaengine', () => {
    expect(() => readTree(tree('linux-3.6', null))).toThrow(/drivers\/dma\/dmaengine\.c is missing/);
    expect(() => readTree(tree('linux-3.6', 'int x;'))).toThrow(TreeError);
    expect(() => readTree('/no/such/dir')).toThrow(/no such folder/);
  });
});
