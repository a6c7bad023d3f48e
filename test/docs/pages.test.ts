/**
 * The generated pages and the docs script: machine pages (per-region sections, tables,
 * drawings), the comparison page from checker JSON (verdict table, sequence diagrams,
 * typed format errors), and `--check` finding every kind of stale file.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { main as docsMain } from '../../scripts/docs.ts';
import { chartOf } from '../../src/render/chart.ts';
import { ComparisonFormatError, parseComparison, readingDependent, renderComparison } from '../../src/render/comparison.ts';
import { READINGS } from '../../src/render/readings.ts';
import { renderMachinePage, transitionsTable } from '../../src/render/machine-page.ts';
import { changeText, traceToMermaid } from '../../src/render/sequence.ts';
import { MACHINES } from './fixtures/catalogue.ts';
import { buildFixture } from './fixtures/machines.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const checkJson = () => JSON.parse(readFileSync(join(FIXTURES, 'check.json'), 'utf8'));

describe('machine pages', () => {
  test('a machine too wide to read whole gets an overview and one section with drawing, Mermaid and tables per region', async () => {
    const files = await renderMachinePage(MACHINES[2]!);
    expect(files.map((f) => f.path)).toEqual(['machines/wide.md', 'machines/wide.svg', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `machines/wide.ioh${i}.svg`)]);
    const md = files[0]!.content;
    expect(md.match(/^## Region \w+$/gm)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `## Region ioh${i}`));
    expect(md).toContain('![Region ioh3](./wide.ioh3.svg)');
    expect(md.match(/```mermaid\nstateDiagram-v2/g)).toHaveLength(8);
    expect(md).toContain('### ioh3: Transitions');
    // The per-region list links to the section anchors.
    expect(md).toContain('- [ioh3](#region-ioh3)');
    for (const f of files.slice(1)) expect(f.content).toContain('<svg');
    // The overview leaves descriptions out; the region drawings keep them.
    expect(files[1]!.content).not.toContain('>device freed<');
    expect(files[2]!.content).toContain('>device freed<');
  });

  test('a parallel machine that fits the page is drawn whole, its regions dashed in one drawing', async () => {
    const files = await renderMachinePage(MACHINES[0]!);
    expect(files.map((f) => f.path)).toEqual(['machines/fixture.md', 'machines/fixture.svg']);
    expect(files[0]!.content).toContain('## Statechart');
    expect(files[0]!.content.match(/```mermaid/g)).toHaveLength(1);
  });

  test('the tables list every state and every transition with its description', async () => {
    const md = (await renderMachinePage(MACHINES[0]!))[0]!.content;
    for (const id of ['net0.control.idle', 'ioh0.quiesce.round', 'ioh0.freed']) expect(md).toContain(`| \`${id}\` |`);
    expect(md).toContain('| `ioh0.quiesce.round` | `ioh0.read`<br>`[refsZero]`<br>`/ bump(by=1)`<br>`→ ioh0.quiesce.round` | sum is zero: count++ |');
    const table = transitionsTable(chartOf(buildFixture().machine));
    expect(table.split('\n')).toHaveLength(2 + 8);
  });

  test('a single-region machine gets one statechart section; pipes and markup in descriptions are escaped', async () => {
    const files = await renderMachinePage(MACHINES[1]!);
    expect(files.map((f) => f.path)).toEqual(['machines/user.md', 'machines/user.svg']);
    const md = files[0]!.content;
    expect(md).toContain('## Statechart');
    expect(md).toContain('Handles \\<html\\> & "quotes" \\| pipes');
    expect(md).toContain('| `user.b-state` | *always*<br>`[ready?]`<br>`→ user.done` |');
  });
});

describe('comparison page', () => {
  test('a verdict table design × property whose VIOLATED cells link to their counterexamples', () => {
    const md = renderComparison(checkJson());
    expect(md).toContain('| property | kind | baseline | rfc-wait |');
    expect(md).toContain('| *states explored* | | 412 | 5231 |');
    expect(md).toContain(
      '| no-use-after-free | safety | ✗ **VIOLATED** [trace](#baseline-no-use-after-free) | ✗ **VIOLATED** (claimed) [trace](#rfc-wait-no-use-after-free) |',
    );
    expect(md).toContain('| quiesce-terminates | liveness | n/a | ✗ **VIOLATED** [trace](#rfc-wait-quiesce-terminates) |');
    expect(md).toContain('| deadlock | deadlock | holds | unknown |');
    const links = [...md.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links).toHaveLength(5);
    for (const l of links) expect(md).toContain(`<a id="${l}"></a>`);
  });

  test('each counterexample is a sequence diagram of threads and CPUs with its step table', () => {
    const md = renderComparison(checkJson());
    expect(md.match(/```mermaid\nsequenceDiagram/g)).toHaveLength(5);
    const seq = traceToMermaid(checkJson().designs[1].results[0].trace);
    expect(seq).toContain('participant T0 as atx0');
    expect(seq).toContain('participant C1 as CPU 1');
    expect(seq).toContain('T1->>C0: 4. net0.migrate {cpu: 1}');
    expect(seq).toContain('Note over T0: ref[1]: 0 → 1<br/>atx0.chan: null → "ioat0.1"');
    // The fixture's trace ends in the violation at this step: the row says so.
    expect(md).toContain('| 4 | net0 | 0 | `net0.migrate {cpu: 1}` | **⇒ this state breaks no-use-after-free**<br>`net0.cpu: 0 → 1` |');
  });

  test("a region's active state reads as region: from → to, other variables as JSON values", () => {
    expect(changeText({ name: 'net0.worker@', from: 'idle', to: 'found' })).toBe('net0.worker: idle → found');
    expect(changeText({ name: 'net0.chan', from: null, to: 'ioat0.0' })).toBe('net0.chan: null → "ioat0.0"');
  });

  test('a liveness lasso is a loop box, a deadlock a closing note, a thread without CPU a self-arrow', () => {
    const [, , hang, cycle] = checkJson().designs[1].results;
    const lasso = traceToMermaid(cycle.trace);
    expect(lasso).toMatch(/loop repeats forever[^\n]*\n {4}T\d->>C1: 2\. atx0\.reget/);
    expect(lasso.trimEnd().endsWith('  end')).toBe(true);
    const dead = traceToMermaid(hang.trace);
    expect(dead).toContain('T1->>T1: 2. ioh0.eject');
    expect(dead.trimEnd().split('\n').pop()).toBe('  Note over T0,T1: deadlock: no thread can take a step');
    expect(renderComparison(checkJson())).toContain('| 2 ↻ | atx0 | 1 | `atx0.reget` |');
  });

  test('JSON it cannot use is a ComparisonFormatError naming the field', () => {
    const bad = checkJson();
    bad.designs[1].results[2].verdict = 'maybe';
    expect(() => parseComparison(bad)).toThrow(ComparisonFormatError);
    expect(() => parseComparison(bad)).toThrow('$.designs[1].results[2].verdict');
    expect(() => renderComparison({ scenario: 'x' })).toThrow('$.designs');
    const noStep = checkJson();
    delete noStep.designs[0].results[0].trace.steps[2].thread;
    expect(() => parseComparison(noStep)).toThrow('$.designs[0].results[0].trace.steps[2].thread');
  });
});

describe('scripts/docs.ts', () => {
  let out: string;
  const args = () => ['--catalogue', join(FIXTURES, 'catalogue.ts'), '--check-json', join(FIXTURES, 'check.json'), '--out', out];
  const quiet = () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const std = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return { err, restore: () => (err.mockRestore(), std.mockRestore()) };
  };

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'dmaspec-docs-check-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('generates byte-identical files on every run, and --check then passes', async () => {
    const q = quiet();
    try {
      expect(await docsMain(args())).toBe(0);
      const first = readFileSync(join(out, 'docs', 'machines', 'wide.ioh0.svg'), 'utf8');
      const page = readFileSync(join(out, 'docs', 'machines', 'fixture.md'), 'utf8');
      expect(await docsMain(args())).toBe(0);
      expect(readFileSync(join(out, 'docs', 'machines', 'wide.ioh0.svg'), 'utf8')).toBe(first);
      expect(readFileSync(join(out, 'docs', 'machines', 'fixture.md'), 'utf8')).toBe(page);
      expect(await docsMain([...args(), '--check'])).toBe(0);
      // The index links every page: machines (summary cut to its first sentence), the
      // comparison and the spec.
      const index = readFileSync(join(out, 'docs', 'index.md'), 'utf8');
      expect(index).toContain('- [Fixture system](machines/fixture.md) — A per-CPU refcount toy: a net_dma-like client and an IOH quiescer.');
      expect(index).toContain('- [A user machine](machines/user.md) — Outside the kit subset: always transitions, an inline guard, characters to escape.');
      expect(index).toContain('- [Design comparison](comparison.md)');
      expect(index).toContain('- [Threads and their steps: the shared event vocabulary](../spec/threads.md)');
    } finally {
      q.restore();
    }
  });

  test('--check exits 1 listing edited, missing and no-longer-generated files', async () => {
    const q = quiet();
    try {
      expect(await docsMain(args())).toBe(0);
      appendFileSync(join(out, 'docs', 'comparison.md'), 'edited by hand\n');
      rmSync(join(out, 'docs', 'machines', 'user.svg'));
      writeFileSync(join(out, 'docs', 'machines', 'gone.md'), '# a machine no longer in the catalogue\n');
      expect(await docsMain([...args(), '--check'])).toBe(1);
      const said = q.err.mock.calls.map((c) => String(c[0])).join('');
      expect(said).toContain('comparison.md (differs)');
      expect(said).toContain('machines/user.svg (missing)');
      expect(said).toContain('machines/gone.md (no longer generated)');
      expect(said).toContain('3 stale file(s)');
      // Regenerating repairs all three.
      expect(await docsMain(args())).toBe(0);
      expect(await docsMain([...args(), '--check'])).toBe(0);
    } finally {
      q.restore();
    }
  });

  test('checker JSON of another shape exits 1 naming the field', async () => {
    const q = quiet();
    try {
      const bad = join(out, 'bad-check.json');
      writeFileSync(bad, JSON.stringify({ scenario: 'default', designs: [{ design: 'x', complete: true, results: [{ name: 'p', kind: 'safety' }] }] }));
      expect(await docsMain(['--catalogue', join(FIXTURES, 'catalogue.ts'), '--check-json', bad, '--out', out])).toBe(1);
      expect(q.err.mock.calls.map((c) => String(c[0])).join('')).toContain('$.designs[0].results[0].verdict');
    } finally {
      q.restore();
    }
  });

  test('bad arguments exit 2 with a message', async () => {
    const q = quiet();
    try {
      expect(await docsMain(['--bogus'])).toBe(2);
      expect(await docsMain(['--catalogue', join(out, 'nope.ts'), '--out', out])).toBe(2);
      expect(q.err.mock.calls.map((c) => String(c[0])).join('')).toContain('--catalogue');
    } finally {
      q.restore();
    }
  });
});

describe('shared data note', () => {
  test('the context reads as one line per variable with its shape; the drawing carries it as a note', async () => {
    const { contextLines } = await import('../../src/render/machine-page.ts');
    expect(
      contextLines({
        key: 0,
        ref: [0, 0],
        table: [
          [-1, -1],
          [-1, -1],
          [-1, -1],
        ],
        devices: [{ listed: 1, freed: 0 }],
        threads: [],
      }),
    ).toEqual(['key', 'ref[0..1]', 'table[0..2][0..1]', 'devices[0..0]: listed, freed', 'threads[] (none here)']);
    const { toDot } = await import('../../src/render/dot.ts');
    const { chartOf } = await import('../../src/render/chart.ts');
    const { createMachine } = await import('xstate');
    const dot = toDot(chartOf(createMachine({ id: 'm', initial: 'a', states: { a: {} } })), { shared: ['ref[0..1]', 'key'] });
    expect(dot).toContain('"#shared" [shape=note');
    expect(dot).toContain('shared data (context)</b><br/>ref[0..1]<br/>key');
    expect(toDot(chartOf(createMachine({ id: 'm', initial: 'a', states: { a: {} } })))).not.toContain('#shared');
  });
});

describe('machine page links', () => {
  test('each catalogue machine links the spec page that exists for it, an unknown one the spec index', async () => {
    const { existsSync } = await import('node:fs');
    const { specPageOf, SPEC_PAGES } = await import('../../src/render/machine-page.ts');
    for (const page of Object.values(SPEC_PAGES)) expect(existsSync(new URL(`../../spec/${page}`, import.meta.url)), page).toBe(true);
    expect(specPageOf('release-kref')).toBe('release-designs.md');
    expect(specPageOf('client-slave')).toBe('clients.md');
    expect(specPageOf('system')).toBe('threads.md');
    expect(specPageOf('someone-elses')).toBe('README.md');
  });
});

describe('Mermaid self-loops', () => {
  test("a state's self-loop label goes into the state's text and its arrow stays unlabelled (Mermaid draws it over the other labels)", async () => {
    const { toMermaid } = await import('../../src/render/mermaid.ts');
    const { createMachine } = await import('xstate');
    const m = createMachine({ id: 'm', initial: 'a', states: { a: { description: 'waits', on: { tick: { target: 'a' }, go: { target: 'b' } } }, b: {} } });
    const text = toMermaid(m);
    const id = /state "a" as (\S+)/.exec(text)![1]!;
    expect(text).toContain(`${id} : waits<br/>⟲ tick`);
    expect(text).toMatch(new RegExp(`\\n\\s*${id} --> ${id}\\n`));
    expect(text).toMatch(new RegExp(`${id} --> \\S+ : go`));
  });
});

describe('comparison page: readings and unchecked assumptions (issue 23)', () => {
  const reading = { name: 'test-reading', favoured: 'baseline', other: 'rfc-wait', why: 'the test says so', doc: '../spec/rfc-base.md' };

  test('the verdicts that differ between the two designs of a reading are named and marked † in the other design’s column', () => {
    const c = parseComparison(checkJson());
    // no-use-after-free is violated under both; the other three differ (n/a, holds vs violated, holds vs unknown)
    expect(readingDependent(c, reading)).toEqual(['no-ref-survives-quiesce', 'removal-completes', 'quiesce-terminates', 'deadlock']);
    const md = renderComparison(checkJson(), { readings: [reading] });
    expect(md).toContain('**The reading `test-reading`**');
    expect(md).toContain('The evidence favours `baseline`: the test says so.');
    expect(md).toContain('| removal-completes | liveness | holds | ✗ **VIOLATED** (claimed) [trace](#rfc-wait-removal-completes) † |');
    expect(md).toContain(
      '| no-use-after-free | safety | ✗ **VIOLATED** [trace](#baseline-no-use-after-free) | ✗ **VIOLATED** (claimed) [trace](#rfc-wait-no-use-after-free) |',
    );
    // without both designs, or with no readings, nothing is said
    expect(renderComparison(checkJson(), { readings: [] })).not.toContain('†');
    expect(renderComparison(checkJson(), { readings: [{ ...reading, favoured: 'notifier' }] })).not.toContain('The reading');
  });

  test('the built-in reading rfc-base favours rfc-wait-unheld', () => {
    expect(READINGS.map((r) => [r.name, r.favoured, r.other])).toEqual([['rfc-base', 'rfc-wait-unheld', 'rfc-wait']]);
  });

  test('a claim violated only through a prose assumption is labelled in its cell, listed apart, and explained at its counterexample', () => {
    const json = checkJson();
    const rfc = json.designs.find((d: { design: string }) => d.design === 'rfc-wait');
    const uaf = rfc.results.find((r: { name: string }) => r.name === 'no-use-after-free');
    uaf.assumptionsNotChecked = ['No client keeps a channel pointer past its put.'];
    const md = renderComparison(json, { readings: [] });
    expect(md).toContain('✗ **VIOLATED** (claimed; assumption not checked) [trace](#rfc-wait-no-use-after-free)');
    expect(md).toContain(
      '- `rfc-wait` violates its claim `no-use-after-free` only by runs that may break its prose assumption (not checked, no broken claim): No client keeps a channel pointer past its put.',
    );
    expect(md).toContain('Assumption not checked: the run takes a step');
  });
});
