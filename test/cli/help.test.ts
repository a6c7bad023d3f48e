/**
 * `dmaspec check --help` tells a design author what a design module must export, where the
 * helpers come from, which files load where, what vacuous means, and what a mistake costs.
 */
import { describe, expect, it } from 'vitest';
import { runInProcess } from './harness.ts';

describe('check --help on --design FILE', () => {
  it('has the paragraph a design author needs', async () => {
    const r = await runInProcess(['check', '--help']);
    expect(r.status).toBe(0);
    const help = r.out.replace(/\s+/g, ' ');
    for (const needed of [
      'a module that exports one DesignModel',
      "from 'dmaspec/design'",
      '.ts, .mts, .js and .mjs load as ES modules, also in a CommonJS project',
      'a .cjs/.cts file cannot be a design',
      'docs/writing-a-design.md',
      '{ releasesEarly: false }',
      'is a design error: exit 2, naming the design and the rule',
      'holds (vacuous)',
      'stated, not checked',
    ])
      expect(help).toContain(needed);
    // The help stays readable on an 80-column terminal, apart from the generated name lists.
    const long = r.out.split('\n').filter((l) => l.length > 100 && !l.includes('cooperative') && !l.includes('rfc-wait'));
    expect(long).toEqual([]);
  });
});
