import { describe, expect, it } from 'vitest';
import type { DesignModel } from '../../machines/system/design.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { timerRule } from '../../machines/model.ts';
import { snapshotView } from '../../machines/xstate.ts';
import { behaviourScenario, namedScenario } from '../../src/check/scenarios.ts';
import { checkDesign } from '../../src/check/run.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { DesignError, validateDesign } from '../../src/designs/validate.ts';
import { initialTransition, transition } from 'xstate';
import { ackTimeout, deafAckTimeout } from './fixtures/ack-timeout.ts';

const S = behaviourScenario('cooperative');
const notifier = DESIGNS.notifier.model;

describe('bounded timeouts', () => {
  it('the timer rule: timer steps only when nothing else is enabled', () => {
    const items = ['a', 't1', 'b'];
    expect(timerRule(3, (x: string) => x.startsWith('t'), items)).toBe(2);
    expect(items.slice(0, 2)).toEqual(['a', 'b']);
    expect(timerRule(1, (x: string) => x.startsWith('t'), ['t1'])).toBe(1);
  });

  it('a timer step is data on the model, bounded by its own counter', () => {
    const m = buildSystem(S, validateDesign(ackTimeout(true), S).model);
    expect([...(m.timers ?? [])]).toEqual(['ioh0.timeout']);
    expect(m.config.context).toMatchObject({ design: { global: { timeoutFired: 0 } } });
  });

  it('fires only after the rest of the system had its chance: in the checker and in enabledEvents', () => {
    // As a plain step the timeout can free under a holder mid-round; as a timer it cannot.
    expect(checkDesign(S, ackTimeout(false)).results.find((p) => p.name === 'no-use-after-free')!.verdict).toBe('violated');
    expect(checkDesign(S, ackTimeout(true)).results.find((p) => p.name === 'no-use-after-free')!.verdict).toBe('holds');
    const m = buildSystem(S, ackTimeout(true));
    let [s] = initialTransition(m.machine);
    for (const type of ['net0.get', 'net0.find', 'ioh0.eject', 'ioh0.unregister', 'ioh0.notify']) [s] = transition(m.machine, s, { type });
    const types = m.enabledEvents(snapshotView(s)).map((e) => e.type);
    expect(types).toContain('net0.use');
    expect(types).not.toContain('ioh0.timeout');
  });

  it('fires when nothing else can run: a holder that never acks no longer hangs the removal', () => {
    // The slave gets no ack step and never releases on its own: the wait for acks hangs.
    const stuck = behaviourScenario('never-releases');
    const deadlock = (d: DesignModel) => checkDesign(stuck, d).results.find((p) => p.name === 'deadlock-free')!;
    const plain: DesignModel = { ...deafAckTimeout(false), ejecting: notifier.ejecting, name: 'deaf' };
    expect(deadlock(plain).verdict).toBe('violated');
    const timed = deadlock(deafAckTimeout(true));
    expect(timed.verdict).toBe('holds');
  });

  it('async-tx-never-releases shows a timeout freeing under a holder that never-releases cannot show', () => {
    // The guide's timeout check: acks only from clients that release, so a holder that never
    // does is freed by the timer alone.
    const d: DesignModel = { ...ackTimeout(true), name: 'ack-if-releasing', clientSteps: (c) => (c.releases ? notifier.clientSteps!(c) : {}) };
    const uaf = (name: string) => checkDesign(namedScenario(name)!, d).results.find((p) => p.name === 'no-use-after-free')!;
    // never-releases' clients end their rounds before the timer may fire: nothing is used after it.
    expect(uaf('never-releases').verdict).toBe('holds');
    const v = uaf('async-tx-never-releases');
    expect(v.verdict).toBe('violated');
    const steps = v.trace!.steps;
    const fired = steps.findIndex((s) => s.event.type === 'ioh0.timeout');
    expect(fired, 'the timer freed the device').toBeGreaterThan(-1);
    expect(
      steps.slice(fired + 1).some((s) => s.thread === 'atx0'),
      'atx0 uses its cached channel after the timeout',
    ).toBe(true);
  });

  it('a timeout that names no step is a design error', () => {
    const d: DesignModel = { ...ackTimeout(true), timeouts: { timeot: { bound: 1, description: 'x' } } };
    expect(() => validateDesign(d, S)).toThrow(DesignError);
    expect(() => validateDesign(d, S)).toThrow(/design ack-timeout: timeout timeot: no step of the program has this name \(did you mean timeout\?\)/);
  });
});
