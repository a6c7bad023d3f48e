import { describe, expect, it } from 'vitest';
import { designCosts, designCostTable } from '../../bench/hotpath/design-costs.ts';

// The static cost counted from the real system machine of each registered design.
describe('design hot-path costs', () => {
  it('baseline stores nothing outside the thread; rfc-wait stores twice to its own per-CPU slot and never to a shared line, in any reachable state', () => {
    const costs = designCosts(['baseline', 'rfc-wait', 'no-such-design']);
    const byName = Object.fromEntries(costs.map((c) => [c.design, c]));
    for (const name of ['baseline', 'rfc-wait']) expect(byName[name], name).toHaveProperty('cost');
    const figure = (name: string) => {
      const c = byName[name];
      if (!('cost' in c)) throw new Error(c.error);
      return [c.cost.sharedWrites, c.cost.localWrites, c.cost.localFields, c.worst.worst.sharedWrites, c.worst.worst.localWrites];
    };
    expect(figure('baseline')).toEqual([0, 0, [], 0, 0]);
    expect(figure('rfc-wait')).toEqual([0, 2, ['ref.0'], 0, 2]);
    expect(byName['no-such-design']).toMatchObject({ error: expect.stringMatching(/no-such-design is not a built-in design/) });
    expect(designCostTable(costs)).toMatch(/no-such-design.*not counted/);
  });
});
