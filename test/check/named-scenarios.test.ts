/**
 * The named scenarios `--scenario` accepts: every name resolves to a scenario of that name
 * that builds a system, and the kernel-parameter ones differ from the standard scenario in
 * exactly what they are named for (threshold 10; 4 CPUs; a second net_dma client).
 */
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../machines/system/index.ts';
import { KERNEL_THRESHOLD, NAMED_SCENARIOS, namedScenario } from '../../src/check/scenarios.ts';
import { designOf } from '../../src/designs/registry.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

describe('named scenarios', () => {
  it('each name gives a scenario of that name that builds under its design; an unknown name gives none', () => {
    for (const name of NAMED_SCENARIOS) {
      const s = namedScenario(name)!;
      expect(s.name).toBe(name);
      expect(buildSystem(s, designOf(s.design).model).name).toBeTruthy();
    }
    expect(namedScenario('toString')).toBeUndefined();
    expect(namedScenario('kernel')).toBeUndefined();
  });

  it("the kernel's parameters: the RFC's threshold of ten, then 4 CPUs, then a second net_dma client", () => {
    const base = { ...DEFAULT_SCENARIO, name: '' };
    const minus = (n: string) => ({ ...namedScenario(n)!, name: '' });
    expect(KERNEL_THRESHOLD).toBe(10);
    expect(minus('kernel-threshold')).toEqual({ ...base, quiesceThreshold: 10 });
    expect(minus('kernel-threshold-4cpu')).toEqual({ ...base, quiesceThreshold: 10, cpus: 4 });
    const twin = namedScenario('kernel-threshold-twin')!;
    expect(twin.clients.map((c) => `${c.name}:${c.kind}`)).toEqual([...DEFAULT_SCENARIO.clients.map((c) => `${c.name}:${c.kind}`), 'net1:net_dma']);
    expect(twin.quiesceThreshold).toBe(10);
  });
});
