/**
 * The spec pages stay in step with the machines: every state id or event a page names in
 * backticks exists in a catalogue machine (default thread names), and every page is linked
 * from spec/README.md and links threads.md.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MACHINES } from '../../machines/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { DEFAULT_SCENARIO, DESIGN_NAMES } from '../../src/scenario.ts';
import type { MachineModel } from '../../machines/model.ts';

const dir = new URL('../../spec/', import.meta.url);
const pages = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'threads.md');

/** State ids and event types of every catalogue machine and of the default system under each design. */
function vocabulary(): Set<string> {
  const names = new Set<string>();
  const models: MachineModel[] = [
    ...MACHINES.map((m) => m.build({ ...m.smallScenario, ...(m.name === 'system' ? DEFAULT_SCENARIO : {}) })),
    ...DESIGN_NAMES.map((design) => systemFor({ ...DEFAULT_SCENARIO, design })),
    systemFor(DEFAULT_SCENARIO, { cpuHotplug: true }),
  ];
  for (const m of models) {
    for (const e of m.allEvents) names.add(e.type);
    const walk = (n: { id: string; states: Record<string, unknown> }) => {
      names.add(n.id);
      for (const c of Object.values(n.states)) walk(c as typeof n);
    };
    walk(m.machine.root as never);
  }
  return names;
}

describe('spec pages', () => {
  const known = vocabulary();
  const ID = /^(net0|atx0|slave0|ioh0|ioat0|chan|cpu|env|holder)\.[A-Za-z.]+$/;

  it('has the pages the brief asks for', () => {
    for (const p of ['device-lifecycle.md', 'client-count.md', 'quiesce.md', 'release-designs.md', 'clients.md', 'ioh.md', 'properties.md'])
      expect(pages).toContain(p);
  });

  for (const page of pages)
    it(`${page}: every backticked state id and event exists in a machine`, () => {
      const text = readFileSync(new URL(page, dir), 'utf8');
      const tokens = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1].split(' ')[0]).filter((t) => ID.test(t));
      const unknown = tokens.filter((t) => !known.has(t));
      expect(unknown).toEqual([]);
      if (page !== 'README.md') {
        expect(tokens.length + (page === 'properties.md' ? 1 : 0)).toBeGreaterThan(0);
        expect(readFileSync(new URL('README.md', dir), 'utf8')).toContain(`(${page})`);
      }
    });

  it('the behaviour pages link the vocabulary', () => {
    for (const p of ['device-lifecycle.md', 'client-count.md', 'quiesce.md', 'clients.md', 'README.md'])
      expect(readFileSync(new URL(p, dir), 'utf8')).toContain('(threads.md)');
  });
});
