import { describe, expect, it } from 'vitest';
import { clientBehaviours, describeScenario } from '../../src/render/scenario-text.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { client } from '../core/fixtures.ts';

describe('the scenario one-liner', () => {
  it('prints every behaviour flag of a client, releasesEarly included', () => {
    expect(clientBehaviours(client('net0', 'net_dma', 0))).toEqual([]);
    expect(clientBehaviours(client('net0', 'net_dma', 0, { releases: false, busy: true, migrates: true, releasesEarly: true }))).toEqual([
      'never releases',
      'busy',
      'migrating',
      'releases early',
    ]);
    expect(clientBehaviours(client('net0', 'net_dma', 0, { rounds: 3 }))).toEqual(['3 rounds']);
  });

  it("prints a slave's filter and router, and a DMA_PRIVATE device", () => {
    expect(clientBehaviours(client('slave0', 'slave', 0, { filter: ['ioat0.1'], routed: true }))).toEqual(['through a DMA router', 'filter accepts ioat0.1']);
    expect(clientBehaviours(client('slave0', 'slave', 0, { filter: [] }))).toEqual(['filter accepts nothing']);
    const s = behaviourScenario('cooperative');
    const priv = { ...s, iohs: s.iohs.map((h) => ({ ...h, devices: h.devices.map((d) => ({ ...d, private: true })) })) };
    expect(describeScenario(priv)).toContain(', DMA_PRIVATE)');
    expect(describeScenario(s)).not.toContain('DMA_PRIVATE');
  });

  it('tells the releases-early scenario from the cooperative one', () => {
    const text = (b: 'releases-early' | 'cooperative') => describeScenario(behaviourScenario(b));
    expect(text('releases-early')).toContain('net0 (net_dma on CPU 0, releases early)');
    expect(text('releases-early')).not.toBe(text('cooperative'));
  });
});
