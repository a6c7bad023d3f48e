/**
 * A step's body is read as the state before the step: SPIN runs a d_step's assignments in
 * order, so no assignment may read a variable an earlier one of the same step wrote (that
 * is what the hidden temporaries are for), the region's target included. baseline's
 * channel loop is such a step: its target (the last channel or more) reads the `local` flags
 * it writes. (SPIN's count of the same export: test/external/spin.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

/** For each d_step of `text`: `<written> read after written by "<statement>"` for every stale read. */
function staleReads(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/d_step \{ EN_\d+ ->\n([\s\S]*?)\}/g)) {
    const written = new Set<string>();
    for (const raw of m[1].split(';\n')) {
      const st = raw.trim();
      const a = /^([A-Za-z_]\w*) = (.*)$/s.exec(st);
      if (!a || a[1].startsWith('T_') || a[2].startsWith(`T_${a[1]}`)) continue;
      for (const id of a[2].match(/[A-Za-z_]\w*/g) ?? []) if (written.has(id)) out.push(`${id} read after written by "${st.slice(0, 80)}"`);
      written.add(a[1]);
    }
  }
  return out;
}

describe('Promela step bodies', () => {
  it('read only the state before the step (baseline, standard scenario: the channel loop chooses its target on what it writes)', () => {
    const ex = exportPromela(DEFAULT_SCENARIO, DESIGNS.baseline.model);
    expect(ex.text).toContain('ioh0.chanUnregister');
    expect(staleReads(ex.text)).toEqual([]);
  });

  it('the check finds a stale read', () => {
    expect(staleReads('d_step { EN_1 ->\n       a = 1;\n       pc = (a == 1 -> 2 : 3);\n       CHECK }')).toEqual([
      'a read after written by "pc = (a == 1 -> 2 : 3)"',
    ]);
  });
});
