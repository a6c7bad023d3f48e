/**
 * Standalone machine: the RFC's `dma_channel_quiesce` loop of one IOH (the system's own
 * quiesce region and rules) against an abstract hot path: `env.find {cpu}`,
 * `env.get {cpu}` and `env.put {cpu}` inc/dec the per-CPU counts at any moment, a put
 * possibly on another CPU than its inc. Counts are bounded (|ref[cpu]| ≤ 2, at most two
 * references in flight) to keep the machine finite.
 * @module
 */
import type { Scenario } from '../../src/scenario.ts';
import type { Rules } from '../kit.ts';
import { makeModel, type ConfiguredModel, type StateConfig } from '../make.ts';
import { initialContext, type SystemContext } from '../system/context.ts';
import { iohBuild } from '../system/ioh.ts';
import { layoutOf } from '../system/layout.ts';
import { lockGuards } from '../system/locks.ts';
import { quiesceRules, quiesceState } from '../system/quiesce.ts';

/** The bound on the per-CPU counts and on the references in flight that keeps the machine finite. */
export const QUIESCE_BOUND = 2;
const BOUND = QUIESCE_BOUND;

/** The quiesce loop of the scenario's first IOH, for its first device. */
export function buildQuiesce(scenario: Scenario): ConfiguredModel<SystemContext> {
  const L = layoutOf({ ...scenario, clients: [] });
  const b = iohBuild(L, 0);
  const inFlight = (c: SystemContext) => c.ref.reduce((a, x) => a + x, 0);
  const env = (step: string, action: string, guard: string, description: string) => ({
    [`env.${step}`]: { guard, actions: [action], description },
  });
  const context = initialContext(L);
  context.iohs[0].cur = L.iohs[0].devices[0];
  context.devices[context.iohs[0].cur].listed = 0;
  const config: StateConfig = {
    id: b.info.name,
    initial: 'quiesce',
    description: 'RFC dma_channel_quiesce against find/get/put on any CPU',
    context,
    on: {
      ...env('find', 'envFind', 'canInc', 'dma_find_channel on this CPU: this_cpu_inc (returns NULL while the key is on)'),
      ...env('get', 'envGet', 'canInc', 'dma_get_channel on this CPU: dirty++ if the key is on, this_cpu_inc'),
      ...env('put', 'envPut', 'canDec', 'dma_put_channel on this CPU (maybe not the CPU of the inc): this_cpu_dec'),
    },
    states: {
      quiesce: quiesceState(b, b.id('done')),
      done: { id: b.id('done'), description: 'dma_channel_quiesce returned' },
    },
  };
  const q = quiesceRules(L);
  const rules: Rules<SystemContext> = {
    guards: {
      ...lockGuards, // no CPU hotplug here: get_online_cpus() never blocks
      ...q.guards,
      canInc: (c, _p, e) => c.ref[e.cpu as number] < BOUND && inFlight(c) < BOUND,
      canDec: (c, _p, e) => c.ref[e.cpu as number] > -BOUND && inFlight(c) > 0,
    },
    actions: {
      ...q.actions,
      envFind: (c, _p, e) => {
        c.ref[e.cpu as number]++;
      },
      envGet: (c, _p, e) => {
        if (c.key) c.dirty = 1; // saturated: the loop only asks "was it bumped"
        c.ref[e.cpu as number]++;
      },
      envPut: (c, _p, e) => {
        c.ref[e.cpu as number]--;
      },
    },
  };
  const perCpu = Array.from({ length: L.cpus }, (_, cpu) => ({ cpu }));
  return makeModel({
    name: 'quiesce',
    scenario,
    config,
    rules,
    threads: [b.info.name],
    payloads: { find: perCpu, get: perCpu, put: perCpu },
    isFinal: (v) => v.active(b.id('done')),
  });
}
