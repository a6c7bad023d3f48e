/**
 * The spec pages stay in step with the machines: every state id or event a page names in
 * backticks exists in a catalogue machine (default thread names), and every page is linked
 * from spec/README.md and links threads.md.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MACHINES } from '../../src/catalogue.ts';
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

/** A link of a spec page into the machines or the core: [`name`](../machines/system/x.ts). */
interface CodeLink {
  readonly page: string;
  readonly name: string;
  readonly file: string;
}
const LINK = /\[`([^`]+)`\]\(\.\.\/((?:machines\/system|src\/core)\/[\w/-]+\.ts)\)/g;
const codeLinks = (page: string, text: string): CodeLink[] => [...text.matchAll(LINK)].map((m) => ({ page, name: m[1]!, file: m[2]! }));
const root = new URL('../../', import.meta.url);
const source = (file: string) => readFileSync(new URL(file, root), 'utf8');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `file` defines function, method or rule `name` (`function name(`, `  name(`, `name: (`, `name = (`). */
const definesFunction = (text: string, name: string) =>
  new RegExp(`(function\\*?\\s+${escapeRe(name)}\\s*[(<]|^\\s+${escapeRe(name)}\\s*\\(|\\b${escapeRe(name)}\\s*[:=]\\s*\\()`, 'm').test(text);
/** `file` declares the state whose id ends in `leaf` (`leaf: {` as a state key, or an id built with it). */
const definesState = (text: string, leaf: string) =>
  new RegExp(`(^\\s+${escapeRe(leaf)}: \\{|\\('${escapeRe(leaf)}'\\)|\\.${escapeRe(leaf)}\`)`, 'm').test(text);

/** A rule item of a page: a numbered paragraph of a rules section. */
const ruleItems = (text: string) => text.split(/\n(?=\d+\. \*\*)/).filter((b) => /^\d+\. \*\*/.test(b));

describe('spec rules link their machine state and their src/core function', () => {
  const known = vocabulary();
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .flatMap((p) => codeLinks(p, readFileSync(new URL(p, dir), 'utf8')));

  it('every link into machines/system or src/core names something its target defines', () => {
    expect(all.length).toBeGreaterThan(30);
    const broken = all.filter(({ name, file }) => {
      const text = source(file);
      // A dotted name is a state id of the system machine; the file declares its last segment.
      if (name.includes('.')) return !known.has(name) || !definesState(text, name.split('.').at(-1)!);
      return !definesFunction(text, name);
    });
    expect(broken).toEqual([]);
  });

  it('the link check can fail: a missing name, state or file is caught', () => {
    expect(definesFunction(source('src/core/dmaengine.ts'), 'dmaChanPut')).toBe(true);
    expect(definesFunction(source('src/core/dmaengine.ts'), 'dmaChanPutt')).toBe(false);
    expect(definesState(source('machines/system/quiesce.ts'), 'sleeping')).toBe(true);
    expect(definesState(source('machines/system/quiesce.ts'), 'napping')).toBe(false);
    expect(() => source('src/core/nope.ts')).toThrow();
  });

  for (const page of ['client-count.md', 'quiesce.md'])
    it(`${page}: every rule links a machine state and a src/core function`, () => {
      const items = ruleItems(readFileSync(new URL(page, dir), 'utf8'));
      expect(items.length).toBeGreaterThan(2);
      for (const item of items) {
        const links = codeLinks(page, item);
        const head = item.slice(0, 40);
        expect(
          links.some((l) => l.file.startsWith('machines/') && l.name.includes('.')),
          `${head}: no machine state`,
        ).toBe(true);
        expect(
          links.some((l) => l.file.startsWith('src/core/')),
          `${head}: no src/core function`,
        ).toBe(true);
      }
    });

  it('the three rules of issue 11: dma_chan_put frees at 0, balance_ref_count, the quiesce dirty reset', () => {
    const has = (page: string, name: string, file: string) => all.some((l) => l.page === page && l.name === name && l.file === file);
    const items = ruleItems(readFileSync(new URL('client-count.md', dir), 'utf8'));
    const put = codeLinks('client-count.md', items.find((i) => /^2\. \*\*\[?`dma_chan_put`/.test(i))!);
    expect(put.map((l) => `${l.name} ${l.file}`)).toEqual(
      expect.arrayContaining(['slave0.holding machines/system/clients.ts', 'dmaChanPut machines/system/dmaengine.ts', 'dmaChanPut src/core/dmaengine.ts']),
    );
    const get = codeLinks('client-count.md', items.find((i) => /^1\. \*\*\[?`dma_chan_get`/.test(i))!);
    expect(get.map((l) => `${l.name} ${l.file}`)).toEqual(
      expect.arrayContaining(['dmaChanGet machines/system/dmaengine.ts', 'balanceRefCount src/core/dmaengine.ts']),
    );
    expect(has('quiesce.md', 'ioh0.quiesce.sleeping', 'machines/system/quiesce.ts')).toBe(true);
    expect(has('quiesce.md', 'dmaChannelQuiesce', 'src/core/hotplug.ts')).toBe(true);
  });
});
