/**
 * A two-thread toy in the kit subset: a client takes and drops a per-CPU reference and may
 * migrate in between; a reader sums the per-CPU counts one CPU per step. Small enough for
 * @xstate/graph, rich enough to have guards, params, payloads and parallel regions.
 */
import { setup, type AnyStateMachine } from 'xstate';
import { implementations, type Rules, type StepEvent } from '../../machines/kit.ts';
import type { ModelView } from '../../machines/model.ts';
import type { ScenarioModel } from '../../machines/make.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

export interface ToyContext {
  ref: number[];
  cpu: number;
  next: number;
  sum: number;
  zeros: number;
}

export const toyRules: Rules<ToyContext> = {
  guards: {
    otherCpu: (c, _p, e) => e.cpu !== c.cpu,
    lastCpu: (c) => c.next === c.ref.length - 1,
  },
  actions: {
    inc: (d) => void d.ref[d.cpu]++,
    dec: (d) => void d.ref[d.cpu]--,
    migrate: (d, _p, e) => void (d.cpu = e.cpu as number),
    read: (d) => void ((d.sum += d.ref[d.next]), d.next++),
    finishRound: (d) => {
      d.zeros = d.sum === 0 ? Math.min(d.zeros + 1, 2) : 0;
      d.sum = 0;
      d.next = 0;
    },
  },
};

export function toyMachine(): AnyStateMachine {
  return setup({ types: { context: {} as ToyContext, events: {} as StepEvent }, ...implementations(toyRules) } as never).createMachine({
    id: 'toy',
    type: 'parallel',
    context: { ref: [0, 0], cpu: 0, next: 0, sum: 0, zeros: 0 },
    states: {
      c: {
        id: 'c',
        initial: 'idle',
        states: {
          idle: { id: 'c.idle', on: { 'c.get': { target: 'held', actions: 'inc' } } },
          held: {
            id: 'c.held',
            on: {
              'c.put': { target: 'idle', actions: 'dec' },
              'c.migrate': { guard: 'otherCpu', actions: 'migrate' },
            },
          },
        },
      },
      r: {
        id: 'r',
        initial: 'reading',
        states: {
          reading: {
            id: 'r.reading',
            on: {
              'r.read': [{ guard: 'lastCpu', actions: ['read', 'finishRound'] }, { actions: 'read' }],
            },
          },
        },
      },
    },
  } as never) as unknown as AnyStateMachine;
}

export const toyEvents: StepEvent[] = [{ type: 'c.get' }, { type: 'c.put' }, { type: 'c.migrate', cpu: 0 }, { type: 'c.migrate', cpu: 1 }, { type: 'r.read' }];

export function toyModel(): ScenarioModel<ToyContext> {
  const machine = toyMachine();
  const model: ScenarioModel<ToyContext> = {
    name: 'toy',
    scenario: DEFAULT_SCENARIO,
    machine,
    rules: toyRules,
    threads: ['c', 'r'],
    allEvents: toyEvents,
    enabledEvents(view: ModelView<ToyContext>) {
      const held = view.active('c.held');
      return toyEvents.filter((e) =>
        e.type === 'c.get' ? !held : e.type === 'c.put' ? held : e.type === 'c.migrate' ? held && e.cpu !== view.context.cpu : true,
      );
    },
    isFinal: () => false,
    observe: (view) => ({ ref: view.context.ref, cpu: view.context.cpu, zeros: view.context.zeros }),
  };
  return model;
}

/** An independent implementation of the toy, with an optional planted bug. */
export class ToyImpl {
  ref = [0, 0];
  cpu = 0;
  private next = 0;
  private sum = 0;
  zeros = 0;
  constructor(private readonly bug: 'none' | 'dec-on-first-cpu' = 'none') {}
  step(e: StepEvent): void {
    if (e.type === 'c.get') this.ref[this.cpu]++;
    else if (e.type === 'c.put') this.ref[this.bug === 'dec-on-first-cpu' ? 0 : this.cpu]--;
    else if (e.type === 'c.migrate') this.cpu = e.cpu as number;
    else if (e.type === 'r.read') {
      this.sum += this.ref[this.next++];
      if (this.next === this.ref.length) {
        this.zeros = this.sum === 0 ? Math.min(this.zeros + 1, 2) : 0;
        this.sum = this.next = 0;
      }
    }
  }
}
