import { describe, expect, it } from 'vitest';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { checkDesign, type ImplementationFactory } from '../../src/check/run.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { createSystem } from '../../src/system/system.ts';
import { freeBeforeAck } from '../../examples/designs/free-before-ack.ts';

const onImplementation: ImplementationFactory = (scenario, design) => createSystem(scenario, { design });
const S = behaviourScenario('cooperative');

describe('replay of a design object', () => {
  it('a design with a strategy has its counterexamples replayed on the implementation it carries', () => {
    const run = checkDesign(S, { ...DESIGNS['rfc-wait-unheld'] }, { implementation: onImplementation });
    const r = run.results.find((p) => p.name === 'no-use-after-free')!;
    expect(r.verdict).toBe('violated');
    expect(r.replay).toMatchObject({ reproduced: true });
  });

  it('a model-only design says plainly that it was checked on the model only', () => {
    const run = checkDesign(S, { model: freeBeforeAck }, { implementation: onImplementation });
    const r = run.results.find((p) => p.name === 'no-use-after-free')!;
    expect(r.replay).toEqual({
      unavailable: 'design-unavailable: design free-before-ack has no implementation strategy: it runs on the model only (check, paths)',
    });
  });
});
