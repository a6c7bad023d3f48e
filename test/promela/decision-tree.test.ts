import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionTree, evaluateTree, inputsOf, mapTree, TreeTable, TreeTooLarge, type Value } from '../../src/check/engine/rules/decision-tree.ts';

/** All assignments of `domains`. */
function* assignments(domains: readonly (readonly Value[])[], prefix: Value[] = []): Generator<Value[]> {
  if (prefix.length === domains.length) yield prefix;
  else for (const v of domains[prefix.length]) yield* assignments(domains, [...prefix, v]);
}

describe('decision trees of functions of bounded inputs', () => {
  it('the tree is the function on every assignment of the ranges (random affine guards and sums)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: -3, max: 3 }),
        (sizes, coef, bound) => {
          const domains = sizes.map((n) => Array.from({ length: n }, (_, i) => i));
          // Short-circuiting like a rule: reads inputs in order while the running sum stays under the bound.
          const fn = (read: (i: number) => Value) => {
            let sum = 0;
            for (let i = 0; i < domains.length; i++) {
              sum += coef[i] * (read(i) as number);
              if (sum > bound) return `over at ${i}`;
            }
            return `sum ${sum}`;
          };
          const tree = decisionTree(fn, domains, new TreeTable<string>(String));
          for (const a of assignments(domains)) expect(evaluateTree(tree, (i) => a[i])).toBe(fn((i) => a[i]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('values leading to the same subtree are one group: x === 0 on 0..9 is two branches', () => {
    const tree = decisionTree((read) => read(0) === 0, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]], new TreeTable<boolean>(String));
    expect(tree.kind === 'branch' && tree.groups.map((g) => g.values)).toEqual([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  it('an input the function ignores on every value is no node', () => {
    const tree = decisionTree(
      (read) => (read(0) === null ? 1 : 2) + 0 * (read(1) as number),
      [
        [null, 1],
        [0, 1, 2],
      ],
      new TreeTable<number>(String),
    );
    expect([...inputsOf(tree)]).toEqual([0]);
  });

  it('mapTree keeps only what the mapped value depends on', () => {
    const table = new TreeTable<string>(String);
    const tree = decisionTree(
      (read) => `${read(0)}-${read(1)}`,
      [
        [0, 1],
        [0, 1],
      ],
      table,
    );
    const first = mapTree(tree, (s) => s[0], new TreeTable<string>(String));
    expect([...inputsOf(first)]).toEqual([0]);
    expect(evaluateTree(first, (i) => [1, 0][i])).toBe('1');
  });

  it('refuses a function whose tree passes the run limit', () => {
    const domains = Array.from({ length: 6 }, () => [0, 1, 2, 3]);
    expect(() => decisionTree((read) => domains.map((_, i) => read(i)).join(), domains, new TreeTable<string>(String), 1000)).toThrow(TreeTooLarge);
  });
});
