/**
 * The checks `npm run lint` adds to Biome (scripts/lint/), each shown to fail on a planted
 * violation in a small tree of its own and to pass on the same tree without it: an import
 * from the checker's engine into the project, a circle between top-level parts, a function
 * over its length budget without a stated exception.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUDGET, budgetProblems, type Exception, longFunctions } from '../../scripts/lint/function-budget.ts';
import { cruiseProduct, partCircles } from '../../scripts/lint/imports.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = join(ROOT, 'node_modules/.bin/tsx');

const trees: string[] = [];
afterEach(() => {
  for (const t of trees.splice(0)) rmSync(t, { recursive: true, force: true });
});

/** A tree of `files` (repository path → text) in a fresh temporary folder. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dmaspec-lint-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A product in the repository's shape whose imports keep every rule. */
const CLEAN: Record<string, string> = {
  'spec/vocabulary.ts': 'export const eventText = (t: string) => t;\n',
  'machines/model.ts': "import { eventText } from '../spec/vocabulary.ts';\nexport const model = eventText('m');\n",
  'src/scenario.ts': 'export const DEFAULT_SCENARIO = { cpus: 2 };\n',
  'src/check/engine/explore.ts': "import { model } from '../../../machines/model.ts';\nexport const explore = () => model;\n",
  'src/check/run.ts':
    "import { DEFAULT_SCENARIO } from '../scenario.ts';\nimport { explore } from './engine/explore.ts';\nexport const run = () => [explore(), DEFAULT_SCENARIO];\n",
  'src/render/report.ts': "import { run } from '../check/run.ts';\nexport const report = () => run();\n",
};

/** `tsx scripts/lint/<script> <dir>`: its exit status and what it printed. */
function runScript(script: string, dir: string) {
  const r = spawnSync(TSX, [join(ROOT, 'scripts/lint', script), dir], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('npm run lint: imports (scripts/lint/imports.ts, .dependency-cruiser.cjs)', () => {
  it('a clean tree passes', async () => {
    const found = await cruiseProduct(tree(CLEAN));
    expect(found.modules.size).toBe(Object.keys(CLEAN).length);
    expect(found.violations).toEqual([]);
    expect(partCircles(found.modules)).toEqual([]);
  });

  it('fails on an import from the engine into the project, a type-only one too', async () => {
    const root = tree({
      ...CLEAN,
      'src/check/engine/explore.ts': "import type { DEFAULT_SCENARIO } from '../../scenario.ts';\nexport const explore = (s: typeof DEFAULT_SCENARIO) => s;\n",
    });
    const found = await cruiseProduct(root);
    expect(found.violations).toEqual(['engine-imports-the-project: src/check/engine/explore.ts → src/scenario.ts']);
    const r = runScript('imports.ts', root);
    expect(r.status).toBe(1);
    expect(r.out).toContain('engine-imports-the-project: src/check/engine/explore.ts → src/scenario.ts');
  });

  it('fails on a circle between top-level parts, naming the imports that close it', async () => {
    const root = tree({
      ...CLEAN,
      'src/scenario.ts': "import type { report } from './render/report.ts';\nexport const DEFAULT_SCENARIO = { cpus: 2 } as unknown as typeof report;\n",
    });
    const circles = partCircles((await cruiseProduct(root)).modules);
    expect(circles.map((c) => c.parts)).toEqual([['src/check', 'src/render', 'src/scenario.ts']]);
    expect(circles[0].imports).toContain('src/scenario.ts → src/render/report.ts');
    const r = runScript('imports.ts', root);
    expect(r.status).toBe(1);
    expect(r.out).toContain('circle between src/check, src/render, src/scenario.ts');
  });

  it('machines/ and spec/ are parts too: a property file in spec/ that reads the machines closes a circle', () => {
    const modules = new Map([
      ['machines/system/index.ts', ['spec/vocabulary.ts']],
      ['spec/properties.ts', ['machines/system/index.ts']],
    ]);
    expect(partCircles(modules).map((c) => c.parts)).toEqual([['machines', 'spec']]);
  });
});

/** A function of `n` lines named `name`. */
const fn = (name: string, n: number) => `export function ${name}() {\n${'  void 0;\n'.repeat(n - 2)}}\n`;

describe('npm run lint: function lengths (scripts/lint/function-budget.ts)', () => {
  it('measures a function from its first line to its last, nested functions inside it', () => {
    expect(longFunctions('a.ts', fn('short', BUDGET))).toEqual([]);
    expect(longFunctions('a.ts', fn('long', BUDGET + 1))).toEqual([{ file: 'a.ts', name: 'long', line: 1, lines: BUDGET + 1 }]);
    const arrow = `export const outer = () => {\n  const inner = () => 1;\n${'  void 0;\n'.repeat(BUDGET)}};\n`;
    expect(longFunctions('a.ts', arrow).map((f) => f.name)).toEqual(['outer']);
  });

  it('fails on a function over budget without an exception, and passes with one that states its reason', () => {
    const long = longFunctions('src/a.ts', fn('builder', 120));
    expect(budgetProblems(long, [])).toEqual([expect.stringContaining('src/a.ts:1 builder spans 120 lines (budget 75)')]);
    const stated: Exception = { file: 'src/a.ts', name: 'builder', kind: 'builder', reason: 'a statechart config literal' };
    expect(budgetProblems(long, [stated])).toEqual([]);
  });

  it('fails past an exception’s own bound, and on an exception left behind', () => {
    const long = longFunctions('src/a.ts', fn('loop', 90));
    expect(budgetProblems(long, [{ file: 'src/a.ts', name: 'loop', kind: 'algorithm', max: 85, reason: 'the hot loop' }])).toEqual([
      expect.stringContaining('past its stated bound 85'),
    ]);
    expect(budgetProblems([], [{ file: 'src/a.ts', name: 'gone', kind: 'printer', reason: 'was long' }])).toEqual([
      expect.stringContaining('exception src/a.ts gone matches no function'),
    ]);
  });

  it('the script exits 1 on a planted long function in src/, and names no function once it is split', () => {
    const planted = runScript('function-budget.ts', tree({ 'src/a.ts': fn('planted', BUDGET + 5), 'machines/m.ts': '', 'spec/s.ts': '' }));
    expect(planted.status).toBe(1);
    expect(planted.out).toContain('src/a.ts:1 planted spans 80 lines');
    // The repository's exceptions name functions this tree lacks: only those are reported once it is split.
    const split = runScript('function-budget.ts', tree({ 'src/a.ts': fn('half', 40) + fn('other', 40), 'machines/m.ts': '', 'spec/s.ts': '' }));
    expect(split.out).not.toContain('spans');
  });
});
