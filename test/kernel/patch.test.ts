/**
 * The patch applier of the kernel builds (src/kernel/patch.ts): exact hunks, hunks whose
 * context the file has differently (kept as the file has it, and reported), hunks that
 * cannot be placed, the last raw copy of a patch on a mailing-list page, and line origins.
 */
import { describe, expect, it } from 'vitest';
import { applyPatch, PatchError, parsePatch } from '../../src/kernel/patch.ts';

const FILE = ['int a;', 'static long count;', '', 'void f(void)', '{', '\tg();', '\treturn;', '}', ''].join('\n');

const patch = (body: string) => `--- a/x.c\n+++ b/x.c\n${body}`;

describe('parsePatch', () => {
  it('reads files and hunks, an empty line as blank context', () => {
    const [f] = parsePatch(patch('@@ -4,4 +4,5 @@\n void f(void)\n {\n+\th();\n \tg();\n\n'));
    expect(f.path).toBe('x.c');
    expect(f.hunks[0]).toMatchObject({ oldStart: 4, oldLines: 4 });
    expect(f.hunks[0].lines.map((l) => l.op).join('')).toBe('  +  ');
  });

  it('takes the last raw copy from a page that also quotes the patch', () => {
    const raw = 'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -6,1 +6,1 @@\n-\tg();\n+\th();\n';
    const page = `Subject: patch\n> ${raw.split('\n').join('\n> ')}\nreply text\n\n${raw.replace('h()', 'k()')}\n${raw}`;
    const [f] = parsePatch(page);
    expect(f.hunks[0].lines.map((l) => l.text)).toEqual(['\tg();', '\th();']);
  });

  it('refuses text without a diff', () => {
    expect(() => parsePatch('no diff here')).toThrow(PatchError);
  });
});

describe('applyPatch', () => {
  it('applies an exact hunk where its header says', () => {
    const r = applyPatch(FILE, parsePatch(patch('@@ -6,2 +6,3 @@\n \tg();\n+\th();\n \treturn;\n'))[0]);
    expect(r.text.split('\n').slice(5, 8)).toEqual(['\tg();', '\th();', '\treturn;']);
    expect(r.placements[0]).toMatchObject({ line: 6, offset: 0, fuzzed: [] });
  });

  it('keeps a context line the file has differently, and reports it', () => {
    // The patch's base renamed the variable (as 3/7's base renamed dmaengine_ref_count).
    const r = applyPatch(FILE, parsePatch(patch('@@ -1,4 +1,5 @@\n int a;\n static long other;\n+int b;\n \n void f(void)\n'))[0]);
    expect(r.text.split('\n').slice(0, 3)).toEqual(['int a;', 'static long count;', 'int b;']);
    expect(r.placements[0].fuzzed).toEqual([{ patch: 'static long other;', file: 'static long count;' }]);
  });

  it('finds a hunk away from its header line, nearest first', () => {
    const r = applyPatch(FILE, parsePatch(patch('@@ -40,2 +40,2 @@\n {\n-\tg();\n+\th();\n'))[0]);
    expect(r.text).toContain('\th();');
    expect(r.placements[0]).toMatchObject({ line: 5, offset: -35 });
  });

  it('refuses a hunk whose removed line is not in the file', () => {
    expect(() => applyPatch(FILE, parsePatch(patch('@@ -6,1 +6,1 @@\n-\tnothing();\n+\th();\n'))[0])).toThrow(/does not apply/);
  });

  it('refuses a hunk anchored by too little of its context', () => {
    const body = '@@ -1,4 +1,5 @@\n x1;\n x2;\n x3;\n+added;\n int a;\n';
    expect(() => applyPatch(FILE, parsePatch(patch(body))[0])).toThrow(PatchError);
  });

  it('follows where each line comes from', () => {
    const r = applyPatch(FILE, parsePatch(patch('@@ -6,2 +6,3 @@\n \tg();\n+\th();\n \treturn;\n'))[0], { label: 'P' });
    expect(r.origins.slice(5, 8)).toEqual(['x.c:6', 'P @@ -6,2 +6,3 @@ +1', 'x.c:7']);
  });
});
