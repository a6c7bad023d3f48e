import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../machines/system/index.ts';
import type { DesignModel } from '../../machines/system/design.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import { initialContext } from '../../machines/system/context.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

const notifier = DESIGNS.notifier.model;
const build = (d: DesignModel) => () => buildSystem(DEFAULT_SCENARIO, d);

describe('explicit overrides', () => {
  it('a design replaces a shared rule only through overrides (notifier’s canFind)', () => {
    const m = buildSystem(DEFAULT_SCENARIO, notifier);
    const shared = buildSystem(DEFAULT_SCENARIO, DESIGNS.baseline.model).rules.guards.canFind;
    const ctx = initialContext(m.layout);
    ctx.threads[0].got = 1; // after dmaengine_get: the shared rule lets net0 find
    const e = { type: 'net0.find' };
    expect(shared(ctx, { t: 0 }, e)).toBe(true);
    expect(m.rules.guards.canFind(ctx, { t: 0 }, e)).toBe(true);
    ctx.design.threads[0].told = 1; // asked to release: notifier's override holds the round back
    expect(shared(ctx, { t: 0 }, e)).toBe(true);
    expect(m.rules.guards.canFind(ctx, { t: 0 }, e)).toBe(false);
  });

  it('a new rule named like a shared one is an error, not a silent override', () => {
    const d: DesignModel = { ...notifier, rules: (L) => ({ guards: { canFind: notifier.rules(L).overrides!.guards!.canFind } }) };
    expect(build(d)).toThrow(DesignError);
    expect(build(d)).toThrow('design notifier: guard canFind: a new guard named like a shared one; move it to rules().overrides.guards');
  });

  it('an override of a rule that does not exist is an error with the nearest name', () => {
    const r = notifier.rules;
    const d: DesignModel = { ...notifier, rules: (L) => ({ ...r(L), overrides: { guards: { canFnd: () => true } } }) };
    expect(build(d)).toThrow('design notifier: guard canFnd: overrides a shared guard that does not exist (did you mean canFind?)');
  });
});

describe('client reactions', () => {
  const step = (c: { name: string; index: number }) => ({
    [`${c.name}.peek`]: { target: `#${c.name}.worker.found`, description: 'test step' },
  });

  it('may leave any client state the design names', () => {
    const d: DesignModel = { ...DESIGNS.baseline.model, clientSteps: (c) => (c.kind === 'slave' ? {} : { 'worker.found': step(c) }) };
    const types = buildSystem(DEFAULT_SCENARIO, d).allEvents.map((e) => e.type);
    expect(types).toContain('net0.peek');
    expect(types).toContain('atx0.peek');
  });

  it('an unknown state is an error listing the client’s states', () => {
    const d: DesignModel = { ...DESIGNS.baseline.model, clientSteps: (c) => ({ 'worker.idel': step(c) }) };
    expect(build(d)).toThrow(
      /design baseline: clientSteps worker\.idel: client net0 \(net_dma\) has no state worker\.idel \(did you mean worker\.idle\?\); use one of .*worker\.found/,
    );
  });

  it('a step on another thread, or one the state has, is an error', () => {
    const other: DesignModel = { ...DESIGNS.baseline.model, clientSteps: () => ({ 'worker.idle': { 'ioh0.peek': { target: '#ioh0.online' } } }) };
    expect(build(other)).toThrow('step ioh0.peek is not on thread net0; name it net0.<step>');
    const twice: DesignModel = {
      ...DESIGNS.baseline.model,
      clientSteps: (c) => ({ 'worker.idle': { [`${c.name}.find`]: { target: `#${c.name}.worker.found` } } }),
    };
    expect(build(twice)).toThrow('state worker.idle already has step net0.find');
  });
});
