/**
 * The generated verdict blocks of the design READMEs and spec/release-designs.md
 * (src/render/design-verdicts.ts) say what the checker's JSON says, cell for cell.
 */
import { describe, expect, it } from 'vitest';
import type { CheckJson } from '../../src/check/json.ts';
import { designVerdicts, violationsByScenario } from '../../src/render/design-verdicts.ts';

const result = (name: string, verdict: string, claimed: boolean, vacuous?: boolean) => ({
  name,
  kind: 'safety',
  verdict,
  claimed,
  ...(vacuous === undefined ? {} : { vacuous }),
});
const check = {
  scenario: 'default',
  designs: [
    {
      design: 'd',
      complete: true,
      states: 1,
      transitions: 0,
      searches: [],
      assumptionsMet: true,
      unmetAssumptions: [],
      assumptions: [{ text: 'prose', status: 'stated, not checked' }],
      brokenClaims: ['a'],
      results: [result('a', 'violated', true), result('b', 'holds', false, true), result('c', 'holds', true, false)],
    },
  ],
  behaviours: [
    { behaviour: 'busy', designs: [{ design: 'd', complete: true, states: 1, searches: [], violated: ['b'], unknown: [], vacuous: [], brokenClaims: [] }] },
    { behaviour: 'late', designs: [{ design: 'd', complete: false, states: 1, searches: [], violated: [], unknown: ['a'], vacuous: ['c'], brokenClaims: [] }] },
  ],
} as unknown as CheckJson;

describe('design verdict blocks', () => {
  it("a design's table: claims, broken claims marked !, vacuous holds, unknowns and limits, the unchecked assumptions", () => {
    const md = designVerdicts(check, 'd');
    expect(md).toContain('| property | claimed | default | busy | late |');
    expect(md).toContain('| `a` | yes | **VIOLATED** ! | holds | unknown |');
    expect(md).toContain('| `b` |  | holds (vacuous) | **VIOLATED** | not refuted |');
    expect(md).toContain('| `c` | yes | holds | holds | not refuted |');
    expect(md).toContain('- Assumption stated, not checked on default: prose');
    expect(designVerdicts(check, 'nope')).toMatch(/has no design nope/);
  });

  it('the scenario table lists what is violated, claims marked, — when all hold', () => {
    const md = violationsByScenario(check);
    expect(md).toContain('| default | **a** ! |');
    expect(md).toContain('| busy | b |');
    expect(md).toContain('| late | — (limit) |');
  });
});
