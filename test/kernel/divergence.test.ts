/**
 * Divergence classes (src/kernel/divergence.ts): a stable key by thread kind and field
 * without indices, and the gate's two directions (an unknown class; a known one gone).
 */
import { describe, expect, it } from 'vitest';
import { TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { compareWithExpected, type ExpectedDivergence, keyOf, keyText, readExpected, threadKind } from '../../src/kernel/divergence.ts';

const ctx = { build: '3.6', machine: 'system', design: 'baseline', scenario: TWO_DEVICES };

describe('divergence keys', () => {
  it('names threads by kind and drops indices and path ids', () => {
    expect(['net0', 'net0-rx', 'slave0', 'ioh0', 'cpu'].map((t) => threadKind(TWO_DEVICES, t))).toEqual(['net_dma', 'net_dma-rx', 'slave', 'ioh', 'cpu']);
    const a = keyOf({ path: 3, steps: 9, ok: false, step: 4, event: { type: 'net0-rx.issue' }, kind: 'observable', field: 'channels[1].clientCount' }, ctx);
    const b = keyOf({ path: 77, steps: 12, ok: false, step: 8, event: { type: 'net0-rx.issue' }, kind: 'observable', field: 'channels[0].clientCount' }, ctx);
    expect(a).toEqual({ ...ctx, scenario: undefined, step: 'net_dma-rx.issue', kind: 'observable', what: 'channels[].clientCount' } as never);
    expect(keyText(a)).toBe(keyText(b));
  });

  it('keys a blocked step by what blocked, a position by the kernel point', () => {
    const blocked = keyOf(
      { path: 1, steps: 2, ok: false, step: 1, event: { type: 'ioh0.free' }, kind: 'blocked', message: 'kernel blocks at free: synchronize_rcu: a walk' },
      ctx,
    );
    expect(blocked.what).toBe('synchronize_rcu');
    const position = keyOf(
      {
        path: 1,
        steps: 2,
        ok: false,
        step: 1,
        event: { type: 'net0.inc' },
        kind: 'position',
        message: 'the model takes step inc; the kernel thread is stopped at after:this_cpu_read@dma_find_channel',
      },
      ctx,
    );
    expect(position.what).toBe('after:this_cpu_read@dma_find_channel');
  });
});

describe('the gate against kernel/expected-divergences.json', () => {
  // The file may be empty (issue 23's grace period removed its last two classes); the gate's
  // two directions are shown on it plus one sample class.
  const sample: ExpectedDivergence = {
    build: '3.6+rfc',
    machine: 'system',
    design: 'rfc-wait',
    step: 'ioh.free',
    kind: 'blocked',
    what: 'synchronize_rcu',
    reason: 'new (a sample class for this test): 3/7 hunk @@ -788,6 +877,9 @@',
  };
  const listed = readExpected();
  const expected = [...listed, sample];
  const builds = new Set(expected.map((e) => e.build));

  it('lists every known class with a reason citing a kernel line and an issue item', () => {
    for (const e of expected) expect(e.reason, keyText(e)).toMatch(/^(23|31 M\d|new)\b.*(dmaengine\.[ch]:\d+|hunk @@)/);
    expect(new Set(expected.map(keyText)).size).toBe(expected.length);
  });

  it('passes exactly the known classes, and fails in both directions', () => {
    expect(compareWithExpected(expected, expected, builds)).toEqual({ unknown: [], gone: [] });
    const [first, ...rest] = expected;
    expect(compareWithExpected(rest, expected, builds).gone).toEqual([keyText(first)]);
    const stray = { ...first, what: 'devices[].freed' };
    expect(compareWithExpected([...expected, stray], expected, builds).unknown).toEqual([keyText(stray)]);
    // A build not replayed cannot make its classes "gone".
    expect(compareWithExpected(rest, expected, new Set(['7.0'])).gone).not.toContain(keyText(first));
  });
});
