/**
 * Kernel mutant verdicts and the gate (src/kernel/mutant-verdict.ts): an outcome read with the
 * two reviewed lists, and what the gate objects to. The replays themselves need gcc
 * (test/external/kernel-gates.test.ts); here the outcomes are given.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Kill, type MutantRun, sampleMutants } from '../../src/kernel/mutant-run.ts';
import { gateProblems, MutantListError, type MutantLists, readMutantLists, SAME_CODE, staleEntries, verdictOf } from '../../src/kernel/mutant-verdict.ts';
import type { Mutant } from '../../src/kernel/mutants.ts';

const mutant = (description: string): Mutant => ({ function: 'dma_chan_put', operator: 'drop', line: 'dmaengine.c:252', description, edits: [] });
const kill: Kill = {
  export: 'channel/catalogue/baseline',
  path: 0,
  step: 5,
  event: 'env.dmaenginePut',
  kind: 'observable',
  what: 'clientCount',
  expected: 1,
  actual: 2,
};
const entry = (description: string) => ({ build: '3.6', function: 'dma_chan_put', operator: 'drop' as const, line: 'dmaengine.c:252', description });

describe('mutant verdicts', () => {
  const lists: MutantLists = {
    equivalent: [{ ...entry('"eq;"'), reason: 'no path can tell' }],
    survivors: [{ ...entry('"gap;"'), gap: 'a third getter' }],
  };
  const run = (description: string, outcome: MutantRun['outcome']) => verdictOf('3.6', { mutant: mutant(description), outcome }, lists);

  it('reads an outcome with the lists', () => {
    expect(run('"k;"', { kind: 'killed', kill })).toMatchObject({ status: 'killed', kill });
    expect(run('"eq;"', { kind: 'survived' })).toMatchObject({ status: 'equivalent', reason: 'no path can tell' });
    expect(run('"gap;"', { kind: 'survived' })).toMatchObject({ status: 'survived', gap: 'a third getter' });
    const unlisted = run('"new;"', { kind: 'survived' });
    expect(unlisted).toEqual({
      build: '3.6',
      mutant: { function: 'dma_chan_put', operator: 'drop', line: 'dmaengine.c:252', description: '"new;"' },
      status: 'survived',
    });
    expect(run('"same;"', { kind: 'identical' })).toMatchObject({ status: 'equivalent', reason: SAME_CODE });
    expect(run('"bad;"', { kind: 'stillborn', error: 'dmaengine.c:252: error: x' })).toMatchObject({
      status: 'stillborn',
      reason: 'dmaengine.c:252: error: x',
    });
  });

  it('passes killed, listed and equivalent mutants, and fails on an unlisted survivor', () => {
    const ok = [
      run('"k;"', { kind: 'killed', kill }),
      run('"eq;"', { kind: 'survived' }),
      run('"gap;"', { kind: 'survived' }),
      run('"same;"', { kind: 'identical' }),
    ];
    expect(gateProblems(ok)).toEqual([]);
    expect(staleEntries(ok, lists)).toEqual([]);
    const problems = gateProblems([...ok, run('"new;"', { kind: 'survived' })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^survives, listed nowhere: 3\.6 dma_chan_put drop dmaengine\.c:252 "new;"/);
  });

  it('fails on an entry the run contradicts or no longer finds', () => {
    const killed = [run('"eq;"', { kind: 'killed', kill }), run('"gap;"', { kind: 'killed', kill })];
    expect(gateProblems(killed)).toEqual([
      'listed in kernel/equivalent-mutants.json but killed: 3.6 dma_chan_put drop dmaengine.c:252 "eq;" by channel/catalogue/baseline path 0: remove its entry',
      'listed in kernel/surviving-mutants.json but killed: 3.6 dma_chan_put drop dmaengine.c:252 "gap;" by channel/catalogue/baseline path 0: remove its entry',
    ]);
    // Entries of a function the run covered that name no mutant: the file changed.
    expect(staleEntries([run('"k;"', { kind: 'killed', kill })], lists)).toEqual([
      'kernel/equivalent-mutants.json names no mutant of this run: 3.6 dma_chan_put drop dmaengine.c:252 "eq;"',
      'kernel/surviving-mutants.json names no mutant of this run: 3.6 dma_chan_put drop dmaengine.c:252 "gap;"',
    ]);
    // A function the run did not cover: its entries are not judged.
    expect(staleEntries([verdictOf('3.6', { mutant: { ...mutant('"k;"'), function: 'nth_chan' }, outcome: { kind: 'killed', kill } }, lists)], lists)).toEqual(
      [],
    );
  });

  it('judges a sample’s list entries against every mutant generated, replayed or not', () => {
    const generated = ['"k;"', '"eq;"', '"gap;"'].map((d) => ({ build: '3.6', mutant: mutant(d) }));
    // Only "k;" was replayed: the entries of the other two still name mutants of the file.
    expect(staleEntries(generated, lists)).toEqual([]);
    expect(staleEntries(generated.slice(0, 2), lists)).toEqual([
      'kernel/surviving-mutants.json names no mutant of this run: 3.6 dma_chan_put drop dmaengine.c:252 "gap;"',
    ]);
  });

  it('samples every k-th mutant, at most n, the same every time', () => {
    const all = Array.from({ length: 50 }, (_, i) => i);
    expect(sampleMutants(all, 24)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48]);
    expect(sampleMutants(all, 50)).toEqual(all);
    expect(sampleMutants(all, 1)).toEqual([0]);
    expect(sampleMutants(all.slice(0, 5), 24)).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads a class’s text once for all its entries, and refuses an entry without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaspec-lists-'));
    try {
      const file = (name: string, json: unknown) => {
        writeFileSync(join(dir, name), JSON.stringify(json));
        return join(dir, name);
      };
      const eq = file('eq.json', { classes: { same: 'two stores no one reads between' }, mutants: [{ ...entry('"eq;"'), class: 'same' }] });
      const sv = file('sv.json', { mutants: [{ ...entry('"gap;"'), gap: 'its own text' }] });
      const lists = readMutantLists(eq, sv);
      expect(lists.equivalent).toEqual([{ ...entry('"eq;"'), class: 'same', reason: 'two stores no one reads between' }]);
      expect(lists.survivors).toEqual([{ ...entry('"gap;"'), gap: 'its own text' }]);
      expect(verdictOf('3.6', { mutant: mutant('"eq;"'), outcome: { kind: 'survived' } }, lists)).toMatchObject({ status: 'equivalent', class: 'same' });
      const orphan = file('orphan.json', { classes: {}, mutants: [{ ...entry('"x;"'), class: 'nowhere' }] });
      expect(() => readMutantLists(orphan, sv)).toThrow(MutantListError);
      expect(() => readMutantLists(orphan, sv)).toThrow(/"x;" has no reason \(its class "nowhere" is not in "classes"\)/);
      expect(() => readMutantLists(file('bad.json', { mutant: [] }), sv)).toThrow(/no "mutants" list/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the project’s lists give a reason or a gap for every entry, each named once', () => {
    const { equivalent, survivors } = readMutantLists();
    for (const e of equivalent) expect(e.reason.length, JSON.stringify(e)).toBeGreaterThan(20);
    for (const e of survivors) expect(e.gap.length, JSON.stringify(e)).toBeGreaterThan(20);
    const names = [...equivalent, ...survivors].map((e) => `${e.build} ${e.function} ${e.operator} ${e.line} ${e.description}`);
    expect(new Set(names).size).toBe(names.length);
  });
});
