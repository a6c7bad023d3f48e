/**
 * A one-client machine in the machines/kit.ts subset with a swappable hot path, for testing
 * the static cost counter on known answers: `plain` stores nothing shared, `percpu` stores
 * to its own CPU's slot, `atomic` to one shared count, `remote` to CPU 0's slot from CPU 1.
 * @module
 */
import { setup, type AnyStateMachine } from 'xstate';
import { implementations, type Rules, type StepEvent } from '../../machines/kit.ts';
import type { ScenarioModel } from '../../machines/make.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';

export type FixtureHotPath = 'plain' | 'percpu' | 'atomic' | 'remote';

interface Ctx {
  ref: number[];
  count: number;
  table: number[][];
  threads: { cpu: number; chan: number; inFlight: number }[];
}

const found = (ctx: Ctx, t: number) => {
  ctx.threads[t].chan = ctx.table[0][ctx.threads[t].cpu];
  ctx.threads[t].inFlight = 1;
};
const done = (ctx: Ctx, t: number) => {
  ctx.threads[t].chan = -1;
  ctx.threads[t].inFlight = 0;
};

const HOT_PATHS: Record<FixtureHotPath, Rules<Ctx>['actions']> = {
  plain: { find: (c, { t }) => found(c, t), put: (c, { t }) => done(c, t) },
  percpu: {
    find: (c, { t }) => (c.ref[c.threads[t].cpu]++, found(c, t)),
    put: (c, { t }) => (c.ref[c.threads[t].cpu]--, done(c, t)),
  },
  atomic: { find: (c, { t }) => (c.count++, found(c, t)), put: (c, { t }) => (c.count--, done(c, t)) },
  remote: { find: (c, { t }) => (c.ref[0]++, found(c, t)), put: (c, { t }) => (c.ref[0]--, done(c, t)) },
};

/** The fixture with hot path `kind`; the client starts on `cpu` (of 2). */
export function fixtureModel(kind: FixtureHotPath, cpu = 0): ScenarioModel<Ctx> {
  const scenario: Scenario = { ...DEFAULT_SCENARIO, cpus: 2, clients: [{ ...DEFAULT_SCENARIO.clients[0], name: 'net0', cpu }] };
  const rules: Rules<Ctx> = { guards: {}, actions: { ...HOT_PATHS[kind], get: () => {} } };
  const p = { t: 0 };
  const machine = setup(implementations(rules) as any).createMachine({
    id: 'fx',
    type: 'parallel',
    context: { ref: [0, 0], count: 0, table: [[7, 8]], threads: [{ cpu, chan: -1, inFlight: 0 }] },
    states: {
      net0: {
        initial: 'start',
        description: 'the client',
        states: {
          start: {
            id: 'fx.start',
            description: 'before dmaengine_get',
            on: { 'net0.get': { target: 'idle', actions: [{ type: 'get', params: p }], description: 'dmaengine_get' } },
          },
          idle: {
            id: 'fx.idle',
            description: 'worker idle',
            on: { 'net0.find': { target: 'found', actions: [{ type: 'find', params: p }], description: 'dma_find_channel' } },
          },
          found: { id: 'fx.found', description: 'channel found', on: { 'net0.use': { target: 'used', description: 'submit' } } },
          used: {
            id: 'fx.used',
            description: 'channel used',
            on: { 'net0.put': { target: 'idle', actions: [{ type: 'put', params: p }], description: 'dma_put_channel' } },
          },
        },
      },
    },
  } as any) as unknown as AnyStateMachine;
  const byState: [string, StepEvent][] = [
    ['fx.start', { type: 'net0.get' }],
    ['fx.idle', { type: 'net0.find' }],
    ['fx.found', { type: 'net0.use' }],
    ['fx.used', { type: 'net0.put' }],
  ];
  return {
    name: `fixture-${kind}`,
    scenario,
    machine,
    rules,
    threads: ['net0'],
    allEvents: byState.map(([, e]) => e),
    enabledEvents: (view) => byState.filter(([id]) => view.active(id)).map(([, e]) => e),
    isFinal: () => false,
  };
}
