/**
 * The recommendation is a rule over the verdicts: a design with a refuted claim is never
 * recommended, the cheapest hot path wins among the rest, and a changed verdict changes the
 * page. Checked on hand-made checker output whose every verdict is visible here.
 */
import { describe, expect, test } from 'vitest';
import type { CheckJson } from '../../src/check/json.ts';
import { type HotPathCost, recommend, refutedClaims, renderConclusions } from '../../src/render/conclusions.ts';

const result = (name: string, claimed: boolean) => ({ name, kind: 'safety', verdict: 'holds', claimed }) as const;
const design = (name: string, broken: string[] = [], claims = ['no-use-after-free', 'removal-completes']) => ({
  design: name,
  complete: true,
  states: 1,
  transitions: 1,
  searches: [],
  assumptionsMet: true,
  unmetAssumptions: [],
  assumptions: [{ text: `${name} assumes x`, status: 'stated, not checked' as const }],
  brokenClaims: broken,
  results: ['no-use-after-free', 'removal-completes'].map((p) => result(p, claims.includes(p))),
});
const check = (designs: ReturnType<typeof design>[], behaviours: CheckJson['behaviours'] = []): CheckJson =>
  ({ scenario: 'default', designs, behaviours }) as unknown as CheckJson;
const costs: HotPathCost[] = [
  { design: 'cheap', shared: 0, local: 0, fields: [] },
  { design: 'dear', shared: 0, local: 2, fields: ['ref.0'] },
  { design: 'shared', shared: 1, local: 0, fields: ['count'] },
];
const input = (c: CheckJson) => ({ check: c, titles: {}, costs });

describe('the recommendation', () => {
  test('the cheapest design whose claims all hold, shared writes weighing most', () => {
    expect(recommend(input(check([design('dear'), design('shared'), design('cheap')]))).design).toBe('cheap');
    expect(recommend(input(check([design('dear'), design('shared')]))).design).toBe('dear');
  });

  test('a refuted claim, in the standard scenario or under a behaviour, disqualifies; so does not claiming what removal needs', () => {
    const c = check([design('cheap', ['no-use-after-free']), design('dear'), design('shared', [], ['no-use-after-free'])]);
    expect(recommend(input(c))).toEqual({ design: 'dear', candidates: ['dear'] });
    const b = check([design('cheap'), design('dear')], [{ behaviour: 'busy', designs: [{ design: 'cheap', brokenClaims: ['removal-completes'] }] }] as never);
    expect(refutedClaims(b, 'cheap')).toEqual(['removal-completes (busy)']);
    expect(recommend(input(b)).design).toBe('dear');
  });

  test('a changed verdict changes the page; with none recommendable the page says so and names the closest', () => {
    const ok = renderConclusions(input(check([design('cheap'), design('dear')])));
    expect(ok).toContain('**Recommended: [`cheap`]');
    const broken = renderConclusions(input(check([design('cheap', ['no-use-after-free']), design('dear', ['no-use-after-free', 'removal-completes'])])));
    expect(broken).not.toBe(ok);
    expect(broken).toContain('**No design can be recommended**');
    expect(broken).toContain('Closest: [`cheap`]');
    expect(broken).toContain('✗ `no-use-after-free (default)`');
  });
});
