/**
 * CPU permutations as row maps (src/check/engine/symmetry.ts `cpuRowMap`): the model's
 * `permuteCpus`, learnt by probing, gives on every reachable state the canonical form that
 * decoding, permuting and encoding gives; a permutation the probes cannot explain is
 * applied by decoding, as before.
 */
import { describe, expect, it } from 'vitest';
import { systemFor } from '../../src/designs/registry.ts';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { explore } from '../../src/check/engine/explore.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { Canonicalizer, type SymmetryMode } from '../../src/check/engine/symmetry.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { buildPercpu } from './fixtures/percpu.ts';
import type { MachineModel } from '../../machines/model.ts';
import type { SystemContext } from '../../machines/system/index.ts';

type Internals = { cpuRowMap(perm: Int32Array): unknown; cpuRowMaps: Map<Int32Array, unknown> };

/** Canonical forms of every reachable state of `model`, with row maps and by decoding; and how many row maps were learnt. */
function bothWays(model: MachineModel, mode: SymmetryMode, maxStates = 200_000) {
  const cm = compileMachine(model);
  const all = explore(cm, { symmetry: 'none', safety: [], maxStates });
  const fast = new Canonicalizer(cm, mode, all.coder);
  const slow = new Canonicalizer(cm, mode, all.coder);
  (slow as unknown as Internals).cpuRowMap = () => null;
  const a = all.store.newRow();
  const b = all.store.newRow();
  let differ = 0;
  let permuted = 0;
  for (let i = 0; i < all.states; i++) {
    all.store.get(i, a);
    all.store.get(i, b);
    const changed = fast.canon(a);
    if (changed !== slow.canon(b) || a.words.some((w, k) => w !== b.words[k])) differ++;
    if (changed) permuted++;
  }
  const maps = [...(fast as unknown as Internals).cpuRowMaps.values()];
  return { states: all.states, differ, permuted, learnt: maps.filter((m) => m !== null).length, refused: maps.filter((m) => m === null).length };
}

const twin: Scenario = { ...DEFAULT_SCENARIO, clients: [...DEFAULT_SCENARIO.clients, { ...DEFAULT_SCENARIO.clients[0], name: 'net1', cpu: 1 }] };
const threeCpus: Scenario = { ...DEFAULT_SCENARIO, name: 'three', cpus: 3 };

describe('CPU permutations as row maps', () => {
  for (const [name, scenario, mode] of [
    ['migrating, rfc-wait (CPU symmetry)', behaviourScenario('migrating'), 'cpus'],
    ['default with a twin net_dma client, notifier (full symmetry: threads and CPUs; first 200,000 states)', { ...twin, design: 'notifier' }, 'full'],
    ['default on three CPUs, kref (first 200,000 states)', { ...threeCpus, design: 'kref' }, 'cpus'],
  ] as const)
    it(`${name}: the same canonical form as decoding gives, on every state`, () => {
      const r = bothWays(systemFor(scenario), mode);
      expect(r.learnt).toBeGreaterThan(0);
      expect(r.refused).toBe(0);
      expect(r.permuted).toBeGreaterThan(0);
      expect(r.differ).toBe(0);
    });

  it('the per-CPU fixture (a permutation that moves per-CPU arrays and relabels CPU fields) agrees too', () => {
    const r = bothWays(buildPercpu({ cpus: 3, clients: 2, threshold: 1, migrate: true }), 'full');
    expect(r.permuted).toBeGreaterThan(0);
    expect(r.differ).toBe(0);
  });

  it('a permuteCpus that does more than move and relabel is refused and applied by decoding', () => {
    const model = systemFor(behaviourScenario('migrating'));
    const sym = model.symmetry!;
    // Also clears CPU 0's count: no row map says that.
    const clearing = {
      ...model,
      symmetry: {
        ...sym,
        permuteCpus: (d: SystemContext, p: readonly number[]) => {
          sym.permuteCpus(d, p);
          d.ref[0] = 0;
        },
      },
    };
    const cm = compileMachine(clearing);
    const canon = new Canonicalizer(cm, 'cpus', cm.layout.coder(4));
    expect((canon as unknown as Internals).cpuRowMap(Int32Array.from([1, 0]))).toBeNull();
    const honest = new Canonicalizer(compileMachine(model), 'cpus', cm.layout.coder(4));
    expect((honest as unknown as Internals).cpuRowMap(Int32Array.from([1, 0]))).not.toBeNull();
  });
});
