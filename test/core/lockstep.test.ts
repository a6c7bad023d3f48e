/**
 * Lockstep random walks: the implementation (src/core via System) and the statechart
 * (machines/system) take the same seeded random steps; after every step their observables
 * and enabled-step sets must be equal. A quick guard while the full path-based conformance
 * suite (src/mbt) replays machine paths exhaustively.
 */
import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../machines/kit.ts';
import { observe } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { snapshotView } from '../../machines/xstate.ts';
import { mulberry32 } from '../../src/system/prng.ts';
import { System } from '../../src/system/system.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { client } from './fixtures.ts';

const WALKS = 10;
const MAX_STEPS = 120;
const canon = (e: StepEvent) =>
  JSON.stringify(
    Object.keys(e)
      .sort()
      .map((k) => [k, e[k]]),
  );

function walk(sc: Scenario, seed: number): string | null {
  const model = systemFor(sc);
  const next = mulberry32(seed);
  let [snap] = initialTransition(model.machine);
  const sys = new System(sc);
  const trace: string[] = [];
  for (let i = 0; i <= MAX_STEPS; i++) {
    const view = snapshotView(snap);
    const mo = JSON.stringify(observe(view, model));
    const io = JSON.stringify(sys.observe());
    if (mo !== io) return `observables differ after [${trace.join(', ')}]\n machine ${mo}\n impl    ${io}`;
    const me = model.enabledEvents(view).map(canon).sort();
    const steps = sys.enabledSteps();
    const ie = steps.map(canon).sort();
    if (JSON.stringify(me) !== JSON.stringify(ie)) return `enabled steps differ after [${trace.join(', ')}]\n machine ${me}\n impl    ${ie}`;
    if (steps.length === 0) break;
    const e = steps[Math.floor(next() * steps.length)];
    trace.push(canon(e));
    sys.step(e);
    [snap] = transition(model.machine, snap, e);
  }
  return null;
}

const scenarios: Scenario[] = [
  DEFAULT_SCENARIO,
  {
    ...DEFAULT_SCENARIO,
    name: 'mixed',
    cpus: 3,
    quiesceThreshold: 1,
    iohs: [
      {
        name: 'ioh0',
        socketCpus: [],
        devices: [
          { name: 'ioat0', channels: 1, capabilities: ['memcpy', 'xor'] },
          { name: 'ioat1', channels: 2, capabilities: ['memcpy'] },
        ],
      },
      { name: 'ioh1', socketCpus: [2], devices: [{ name: 'ioat2', channels: 2, capabilities: ['xor'] }] },
    ],
    clients: [
      client('n0', 'net_dma', 0, { capability: 'xor', migrates: true }),
      client('b0', 'net_dma', 2, { busy: true, releases: false, migrates: true }),
      client('a0', 'async_tx', 1, { rounds: 2 }),
      client('s0', 'slave', 1, { busy: true }),
      client('s1', 'slave', 2, { releases: false }),
    ],
  },
];

describe('implementation and statechart in lockstep', () => {
  for (const sc of scenarios)
    for (const design of ['baseline', 'rfc-wait', 'notifier', 'fail-fast', 'kref', 'kref-fixed', 'percpu-ref'] as const)
      it(`${sc.name}, ${design}: ${WALKS} random walks agree step by step`, () => {
        for (let seed = 0; seed < WALKS; seed++) expect(walk({ ...sc, design }, seed), `seed ${seed}`).toBeNull();
      });
});
