import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../machines/system/index.ts';
import { DESIGN_MODELS } from '../../src/designs/models.ts';
import { DESIGN_NAMES } from '../../src/scenario.ts';
import { DESIGNS, designOf, systemFor, UnknownDesignError } from '../../src/designs/registry.ts';
import { STRATEGIES } from '../../src/designs/strategies.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

describe('the design registry', () => {
  it('has one entry per name of src/scenario.ts, in that order, each filed under its model’s name', () => {
    expect(Object.keys(DESIGNS)).toEqual([...DESIGN_NAMES]);
    for (const n of DESIGN_NAMES) expect(DESIGNS[n].model.name).toBe(n);
  });

  it('is the one source of the model and strategy views', () => {
    expect(Object.keys(DESIGN_MODELS)).toEqual([...DESIGN_NAMES]);
    for (const n of DESIGN_NAMES) {
      expect(DESIGN_MODELS[n]).toBe(DESIGNS[n].model);
      expect(STRATEGIES[n]).toBe(DESIGNS[n].strategy);
    }
  });

  it('refuses an unknown name with the known ones', () => {
    expect(() => designOf('notifier-x')).toThrow(UnknownDesignError);
    expect(() => designOf('notifier-x')).toThrow(/known: baseline, rfc-wait/);
  });

  it('the views cannot be mutated to smuggle a design in', () => {
    expect(() => {
      (DESIGN_MODELS as Record<string, unknown>).mine = DESIGNS.baseline.model;
    }).toThrow(TypeError);
  });
});

describe('the design reaches the system machine as an object', () => {
  it('buildSystem builds the design it is given, whatever the scenario names', () => {
    const m = buildSystem({ ...DEFAULT_SCENARIO, design: 'rfc-wait' }, DESIGNS.notifier.model);
    expect(m.design).toBe(DESIGNS.notifier.model);
    expect(m.name).toBe('system:notifier');
    expect(m.allEvents.map((e) => e.type)).toContain('ioh0.notify');
  });

  it('systemFor builds the scenario under its named design', () => {
    expect(systemFor({ ...DEFAULT_SCENARIO, design: 'kref' }).design).toBe(DESIGNS.kref.model);
  });
});

describe('layering', () => {
  it('the system machine never looks a design up (machines/system imports nothing of src/designs)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../machines/system/', import.meta.url);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts')))
      expect(readFileSync(new URL(f, dir), 'utf8'), f).not.toMatch(/from '[./]*src\/designs\//);
  });
});
