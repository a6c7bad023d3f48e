/**
 * Issue 23, "assumptions and labels": a claim refuted only by runs that may break one of the
 * design's prose (unchecked) assumptions is no broken claim. A prose assumption names the
 * client steps that could break it (`steps`); a counterexample that takes one is searched for
 * again without those steps (src/check/run.ts weighProse).
 */
import { describe, expect, it } from 'vitest';
import type { DesignModel } from '../../machines/system/design.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { checkDesign, proseAssumptionsTouched } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { designModel } from '../../src/designs/models.ts';
import { validateDesign } from '../../src/designs/validate.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';

const result = (r: ReturnType<typeof checkDesign>, name: string) => r.results.find((p) => p.name === name)!;
const types = (r: ReturnType<typeof result>) => r.trace!.steps.map((s) => s.event.type);
/** Two clients, one round, threshold 1: every RFC flaw in a few thousand states. */
const SMALL: Scenario = { ...DEFAULT_SCENARIO, quiesceThreshold: 1, clients: [{ ...DEFAULT_SCENARIO.clients[0], rounds: 1 }, DEFAULT_SCENARIO.clients[1]] };

describe('a claim violated only through a prose assumption', () => {
  it('percpu-ref: no-use-after-free needs async_tx to re-take its cached pointer, which its assumption forbids: "?", not a broken claim', () => {
    const r = checkDesign(behaviourScenario('caches-pointer'), designModel('percpu-ref'));
    const uaf = result(r, 'no-use-after-free');
    expect(uaf.verdict).toBe('violated');
    expect(types(uaf)).toContain('atx0.reget');
    expect(uaf.assumptionsNotChecked).toEqual([expect.stringMatching(/^No client keeps a channel pointer past its put/)]);
    expect(r.brokenClaims).not.toContain('no-use-after-free');
    expect(r.uncheckedClaims).toEqual(['no-use-after-free']);
  });

  it('the same design with its assumption as bare prose (no steps) is judged as before: a broken claim', () => {
    const base = designModel('percpu-ref');
    const bare: DesignModel = { ...base, assumptions: base.assumptions.map(({ steps: _, ...a }) => a) };
    const r = checkDesign(behaviourScenario('caches-pointer'), bare);
    expect(r.brokenClaims).toContain('no-use-after-free');
    expect(r.uncheckedClaims).toEqual([]);
  });

  it('rfc-wait: the hang needs no re-get, so removal-completes stays a broken claim beside the "?" ones', () => {
    const r = checkDesign(behaviourScenario('caches-pointer'), designModel('rfc-wait'));
    expect(r.brokenClaims).toEqual(expect.arrayContaining(['removal-completes', 'waiting-client-answered']));
    expect(r.uncheckedClaims).toEqual(expect.arrayContaining(['no-ref-survives-quiesce']));
    expect(types(result(r, 'removal-completes'))).not.toContain('atx0.reget');
  });

  it('a violation found again without the steps is a broken claim, with that run (which avoids them) as its counterexample', () => {
    const base = designModel('rfc-wait-unheld');
    const plain = result(checkDesign(SMALL, base), 'no-ref-survives-quiesce');
    expect(types(plain)[0]).toBe('net0.get'); // the shortest run of all is net0's
    const D: DesignModel = { ...base, assumptions: [...base.assumptions, { text: 'test: net_dma never gets', kinds: ['net_dma'], flags: {}, steps: ['get'] }] };
    const r = checkDesign(SMALL, D);
    const p = result(r, 'no-ref-survives-quiesce');
    expect(r.brokenClaims).toContain('no-ref-survives-quiesce');
    expect(p.avoiding).toEqual(['net0.get']);
    expect(p.assumptionsNotChecked).toBeUndefined();
    expect(types(p)).not.toContain('net0.get');
    expect(types(p).length).toBeGreaterThan(types(plain).length);
  });

  it('proseAssumptionsTouched: only the assumptions whose steps a client of their kinds takes', () => {
    const D = designModel('rfc-wait');
    const trace = (events: string[]) => ({
      steps: events.map((type) => ({
        thread: type.slice(0, type.indexOf('.')),
        cpu: null,
        event: { type },
        transition: '',
        rule: '',
        active: {},
        changes: [],
      })),
      end: 'violation' as const,
      initial: {},
      initialActive: {},
    });
    expect(proseAssumptionsTouched(D, DEFAULT_SCENARIO, trace(['net0.get', 'atx0.get', 'atx0.reget']))).toEqual([
      'A client re-takes a cached channel pointer with dma_get_channel only while the channel is still registered.',
    ]);
    expect(proseAssumptionsTouched(D, DEFAULT_SCENARIO, trace(['net0.get', 'atx0.get', 'atx0.find']))).toEqual([]);
    // a step of that name by a client of another kind does not count
    const netRegets = { ...DEFAULT_SCENARIO, clients: [{ ...DEFAULT_SCENARIO.clients[0], name: 'atx0' }] };
    expect(proseAssumptionsTouched(D, netRegets, trace(['atx0.reget']))).toEqual([]);
  });

  it('buildSystem withoutEvents leaves those steps out and nothing else', () => {
    const all = buildSystem(DEFAULT_SCENARIO, designModel('rfc-wait'));
    const cut = buildSystem(DEFAULT_SCENARIO, designModel('rfc-wait'), { withoutEvents: ['atx0.reget'] });
    expect(JSON.stringify(all.config)).toContain('"atx0.reget"');
    expect(JSON.stringify(cut.config)).not.toContain('"atx0.reget"');
    expect(JSON.stringify(cut.config)).toContain('"atx0.find"');
  });

  it('validation refuses steps that are not a list of names', () => {
    const base = designModel('percpu-ref');
    const bad = { ...base, assumptions: [{ text: 'x', flags: {}, steps: 'reget' }] } as unknown as DesignModel;
    expect(() => validateDesign(bad, DEFAULT_SCENARIO)).toThrow(/steps/);
  });
});
