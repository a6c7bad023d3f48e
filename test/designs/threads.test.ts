import { describe, expect, it } from 'vitest';
import type { DesignModel } from '../../machines/system/design.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { checkDesign } from '../../src/check/run.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { validateDesign } from '../../src/designs/validate.ts';

const S = behaviourScenario('cooperative');
const baseline = DESIGNS.baseline.model;

/**
 * baseline plus a workqueue thread that, once the device is off the list, frees the
 * resources of its first channel on its own: wrong while a client still holds the channel.
 */
const withWorkqueue: DesignModel = {
  ...baseline,
  name: 'wq-frees-early',
  variables: { global: { ran: { initial: 0, min: 0, max: 1, description: '1 once the work item ran' } } },
  threads: () => ({
    wq0: {
      id: 'wq0',
      initial: 'idle',
      description: 'a callback workqueue',
      states: {
        idle: {
          id: 'wq0.idle',
          description: 'work queued at unregister',
          on: { 'wq0.run': { guard: 'unlisted', target: '#wq0.done', actions: ['freeEarly'], description: 'the work item frees the channel resources' } },
        },
        done: { id: 'wq0.done', description: 'ran' },
      },
    },
  }),
  rules: (L) => ({
    ...baseline.rules(L),
    guards: { ...baseline.rules(L).guards, unlisted: (ctx) => ctx.devices[0].listed === 0 },
    actions: {
      ...baseline.rules(L).actions,
      freeEarly: (ctx) => {
        ctx.channels[L.devices[0].channels[0]].resources = 0;
        ctx.design.global.ran = 1;
      },
    },
  }),
  claims: ['resources-iff-held'],
};

describe('a design thread', () => {
  it('is a region and a thread of the system machine, after the scenario’s threads', () => {
    const m = buildSystem(S, validateDesign(withWorkqueue, S).model);
    expect(m.threads).toEqual(['net0', 'slave0', 'ioh0', 'net0-rx', 'wq0']);
    expect(m.allEvents.map((e) => e.type)).toContain('wq0.run');
  });

  it('is explored with the rest, and its steps and the design’s variables appear in the trace', () => {
    const run = checkDesign(S, withWorkqueue);
    expect(run.states).toBeGreaterThan(checkDesign(S, baseline).states);
    const r = run.results.find((p) => p.name === 'resources-iff-held')!;
    expect(r.verdict).toBe('violated');
    const last = r.trace!.steps.at(-1)!;
    expect(last.event.type).toBe('wq0.run');
    expect(last.changes).toContainEqual(expect.objectContaining({ name: 'design.ran', from: false, to: true }));
  });

  it('may not take the name of a scenario thread', () => {
    const d: DesignModel = { ...withWorkqueue, threads: () => ({ ioh0: { id: 'ioh0', initial: 'x', states: { x: { id: 'ioh0.x' } } } }) };
    expect(() => buildSystem(S, d)).toThrow(DesignError);
    expect(() => buildSystem(S, d)).toThrow('design wq-frees-early: thread ioh0: is the name of a thread the system already has');
  });
});
