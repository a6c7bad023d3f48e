/**
 * async_tx's own RCU reader (issue 23): `async_tx_issue_pending_all` is
 * `dma_issue_pending_all` (3.6 include/linux/async_tx.h:88), called by raid5d (3.6
 * drivers/md/raid5.c:4687) and in mainline. On the mainline shape (async_tx clients only,
 * scenario `async-tx-mainline`) kref-fixed's dma_device_release frees with no grace period
 * under such a walk: a use after free by `atx0-rx`. Without the walker it would hold.
 */
import { describe, expect, it } from 'vitest';
import { checkDesign } from '../../src/check/run.ts';
import { ASYNC_TX_MAINLINE, namedScenario } from '../../src/check/scenarios.ts';
import { designModel } from '../../src/designs/models.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { parseScenario, type Scenario } from '../../src/scenario.ts';
import { System } from '../../src/system/system.ts';

const uaf = (s: Scenario, design: string) => checkDesign(s, designModel(design)).results.find((r) => r.name === 'no-use-after-free')!;
const withoutWalker: Scenario = { ...ASYNC_TX_MAINLINE, clients: ASYNC_TX_MAINLINE.clients.map(({ walker: _, ...c }) => c) };

describe('async_tx with its dma_issue_pending_all caller (scenario async-tx-mainline)', () => {
  it('is a named scenario whose async_tx client has the walker thread atx0-rx', () => {
    expect(namedScenario('async-tx-mainline')).toBe(ASYNC_TX_MAINLINE);
    expect(systemFor({ ...ASYNC_TX_MAINLINE, design: 'kref-fixed' }).threads).toEqual(['atx0', 'ioh0', 'atx0-rx']);
    expect(systemFor({ ...withoutWalker, design: 'kref-fixed' }).threads).toEqual(['atx0', 'ioh0']);
  });

  it('kref-fixed: dma_device_release frees with no grace period under the walk: use after free by atx0-rx', () => {
    const r = uaf(ASYNC_TX_MAINLINE, 'kref-fixed');
    expect(r.verdict).toBe('violated');
    const steps = r.trace!.steps;
    const t = steps.map((x) => x.event.type);
    // The walk fetched the device before unregister; the last reference's put freed it.
    expect(t.indexOf('atx0-rx.walk')).toBeLessThan(t.indexOf('ioh0.unregister'));
    expect(t.at(-1)).toBe('atx0-rx.check'); // reads the freed device's cap_mask
    const v = steps.at(-1)!.changes.find((c) => c.name === 'violations')!.to as string[];
    expect(v.every((x) => x.startsWith('use-after-free:atx0-rx:'))).toBe(true);
    // The same clients without the walker: kref-fixed's verdict rests on it.
    expect(uaf(withoutWalker, 'kref-fixed').verdict).toBe('holds');
  });

  it('rfc-wait: unregister’s synchronize_rcu waits for the walk: holds', () => {
    expect(uaf(ASYNC_TX_MAINLINE, 'rfc-wait').verdict).toBe('holds');
  });

  it('the implementation replays the trace with the same violation', () => {
    const r = uaf(ASYNC_TX_MAINLINE, 'kref-fixed');
    const sys = new System({ ...ASYNC_TX_MAINLINE, design: 'kref-fixed' });
    for (const s of r.trace!.steps) sys.step(s.event);
    expect(sys.observe().violations.some((x) => x.startsWith('use-after-free:atx0-rx:'))).toBe(true);
  });

  it('walker is refused on a client that is not async_tx', () => {
    expect(() => parseScenario({ clients: [{ name: 'n', kind: 'net_dma', walker: true }] })).toThrow(/walker: is for async_tx clients/);
    expect(parseScenario({ clients: [{ name: 'a', kind: 'async_tx', walker: true }] }).clients[0].walker).toBe(true);
    expect('walker' in parseScenario({ clients: [{ name: 'a', kind: 'async_tx', walker: false }] }).clients[0]).toBe(false);
  });
});
