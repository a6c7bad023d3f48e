/**
 * The run-wide limits inside checkModel: an interrupt stops the search at its next poll, the
 * deadline stops it, and a stop that comes while liveness properties are checked leaves the
 * properties not yet checked unknown, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../src/check/engine/check.ts';
import { Limits } from '../../src/check/engine/limits.ts';
import { buildPercpu, percpuProperties } from './fixtures/percpu.ts';

const model = () => buildPercpu({ cpus: 2, clients: 2, threshold: 2, migrate: true });

describe('run-wide limits', () => {
  it('a set interrupt flag stops the first search at once: every verdict unknown, with the reason', () => {
    const interrupt = new Int32Array(1);
    interrupt[0] = 2;
    const limits = new Limits({ interrupt });
    const r = checkModel(model(), percpuProperties, { limits });
    expect(r.complete).toBe(false);
    expect(r.explorations[0]).toMatchObject({ search: 'safety', complete: false, stoppedBy: { reason: 'interrupt', message: 'interrupted by SIGINT' } });
    for (const p of r.results) {
      expect(p.verdict).toBe('unknown');
      expect(p.unknownBecause).toMatch(/^the (safety BFS|liveness search) stopped after \d+ states: interrupted by SIGINT$/);
    }
  });

  it('without limits hit, the same check is complete', () => {
    const r = checkModel(model(), percpuProperties, { limits: new Limits({ maxSeconds: 600 }) });
    expect(r.complete).toBe(true);
    expect(r.results.some((p) => p.verdict === 'unknown')).toBe(false);
  });

  it('a stop during the liveness checks leaves the later liveness properties unknown', () => {
    const interrupt = new Int32Array(1);
    const [live] = percpuProperties.liveness;
    // The first property's check raises the interrupt (as a signal arriving then would).
    const first = { ...live, name: 'first', goal: (...a: Parameters<typeof live.goal>) => ((interrupt[0] = 15), live.goal(...a)) };
    const r = checkModel(model(), { ...percpuProperties, liveness: [first, { ...live, name: 'second' }] }, { limits: new Limits({ interrupt }) });
    expect(r.complete).toBe(false);
    expect(r.results.find((p) => p.name === 'first')!.verdict).not.toBe('unknown');
    expect(r.results.find((p) => p.name === 'second')).toMatchObject({
      verdict: 'unknown',
      unknownBecause: 'the liveness check stopped before this property: interrupted by SIGTERM',
    });
  });
});
