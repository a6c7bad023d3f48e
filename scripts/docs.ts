/**
 * `npm run docs`: regenerates docs/ — one page with SVG drawings and Mermaid source per
 * machine of the catalogue (src/catalogue.ts), the design comparison from
 * `dmaspec check --json`, and docs/index.md.
 * `npm run docs:check` (`--check`): regenerates in memory and exits 1, listing the stale
 * files, when the committed ones differ (CI runs it so that the drawings never lag the
 * machines).
 *
 * Options: `--catalogue MODULE` (a module exporting `MACHINES`; default src/catalogue.ts),
 * `--check-json FILE` (use this checker output instead of running the checker),
 * `--out DIR` (write or check DIR/docs instead of the repository's docs/).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { MachineModel } from '../machines/model.ts';
import type { DocFile, DocMachineEntry } from '../src/render/machine-page.ts';
import { ComparisonFormatError, type ExtraRun } from '../src/render/comparison.ts';
import { BlockError, fillBlocks } from '../src/render/blocks.ts';
import { renderSite, TRACES_DIR, type SourcePage } from '../src/render/site.ts';
import { DESIGN_NAMES } from '../src/scenario.ts';

/** The repository root (this file is scripts/docs.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders of generated files that `--check` and the writer own, with the file kinds in them. */
const GENERATED_DIRS: readonly { dir: string; ext: RegExp }[] = [
  { dir: 'machines', ext: /\.(md|svg)$/ },
  { dir: TRACES_DIR, ext: /\.html$/ },
];

/**
 * Further checker runs for the comparison page: scenarios a flaw needs that the standard
 * one lacks. The false-zero sum needs two migrating net_dma clients and threshold 1
 * (src/check/scenarios.ts `migrating`; spec/quiesce.md measures why).
 */
export const EXTRA_RUNS: readonly { scenario: string; design: string; why: string }[] = [
  {
    scenario: 'migrating',
    design: 'rfc-wait',
    why: "The false-zero sum, the RFC quiesce's central flaw (property no-false-zero): a client whose per-CPU increment and decrement straddle the quiescer's two reads while another holds a reference. Two migrating net_dma clients and threshold 1 show it in the fewest steps.",
  },
];
/** Pages of docs/ that are generated, so not listed as hand-written guides. */
const GENERATED_TOP = new Set(['index.md', 'comparison.md', 'conclusions.md']);

/** The generators of the blocks hand-written pages hold (src/render/blocks.ts): `verdicts-<design>` from the checker's run. */
async function blockGenerators(checkJson: unknown): Promise<ReadonlyMap<string, () => string>> {
  const { sharedRulesTable } = await import('../src/render/shared-rules.ts');
  const { ghostStateTable } = await import('../src/render/ghost-state.ts');
  const { propertySections } = await import('../src/render/property-sections.ts');
  const { designVerdicts, violationsByScenario } = await import('../src/render/design-verdicts.ts');
  const { parseComparison } = await import('../src/render/comparison.ts');
  const check = parseComparison(checkJson);
  return new Map([
    ['shared-rules', sharedRulesTable],
    ['ghost-state', ghostStateTable],
    ['properties', () => propertySections()],
    ['violations-by-scenario', () => violationsByScenario(check)],
    ...DESIGN_NAMES.map((d) => [`verdicts-${d}`, () => designVerdicts(check, d)] as const),
  ]);
}

/** docs/conclusions.md from the checker's run, the design READMEs' titles and the hot-path store counts of `npm run bench:hotpath`. */
async function conclusionsPage(checkJson: unknown, designs: readonly SourcePage[]): Promise<string> {
  const { renderConclusions } = await import('../src/render/conclusions.ts');
  const { parseComparison } = await import('../src/render/comparison.ts');
  const { designCosts } = await import('../bench/hotpath/design-costs.ts');
  const titles = Object.fromEntries(designs.map((p) => [p.path.split('/').at(-2)!, (/^# (.+)$/m.exec(p.markdown)?.[1] ?? '').replace(/`/g, '')] as const));
  const costs = designCosts().map((c) =>
    'error' in c ? c : { design: c.design, shared: c.cost.sharedWrites, local: c.cost.localWrites, fields: [...c.cost.sharedFields, ...c.cost.localFields] },
  );
  return renderConclusions({ check: parseComparison(checkJson), titles, costs });
}

/** Bad arguments or inputs; exit status 2. */
export class DocsUsageError extends Error {
  override readonly name = 'DocsUsageError';
}

/** Loads `MACHINES` from a catalogue module (default src/catalogue.ts). @throws DocsUsageError */
export async function loadCatalogue(modulePath?: string): Promise<DocMachineEntry[]> {
  const path = modulePath ? resolve(modulePath) : join(ROOT, 'src', 'catalogue.ts');
  if (!existsSync(path)) throw new DocsUsageError(`--catalogue ${modulePath}: no such file`);
  const mod = (await import(pathToFileURL(path).href)) as { MACHINES?: unknown };
  if (!Array.isArray(mod.MACHINES)) throw new DocsUsageError(`${relative(ROOT, path)} does not export a MACHINES list`);
  return mod.MACHINES as DocMachineEntry[];
}

/**
 * The checker's JSON: from `--check-json FILE`, else by running `dmaspec check --json`
 * (exit 0 all claims hold, 1 a claim is violated — both are verdicts to show).
 */
export function loadCheckJson(file?: string, args: readonly string[] = []): unknown {
  if (file) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new DocsUsageError(`--check-json ${file}: ${(err as Error).message}`);
    }
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'check', '--json', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`dmaspec check --json exited ${run.status}: ${(run.stderr || '').trim().slice(0, 2000)}`);
  return JSON.parse(run.stdout);
}

/** Markdown pages that are not generated: spec/*.md, hand-written docs/*.md, and each design's README. */
export function sourcePages(docsDir: string): { spec: SourcePage[]; guides: SourcePage[]; designs: SourcePage[] } {
  const md = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.md'))
          .sort()
      : [];
  const spec = md(join(ROOT, 'spec')).map((f) => ({ path: `../spec/${f}`, markdown: readFileSync(join(ROOT, 'spec', f), 'utf8') }));
  const guides = md(docsDir)
    .filter((f) => !GENERATED_TOP.has(f))
    .map((f) => ({ path: f, markdown: readFileSync(join(docsDir, f), 'utf8') }));
  // Relative to the docs folder: a docs folder outside the checkout (--out) has no designs beside it.
  const designsDir = join(docsDir, '..', 'src', 'designs');
  const designs = existsSync(designsDir)
    ? readdirSync(designsDir)
        .filter((d) => existsSync(join(designsDir, d, 'README.md')))
        .sort()
        .map((d) => ({ path: `../src/designs/${d}/README.md`, markdown: readFileSync(join(designsDir, d, 'README.md'), 'utf8') }))
    : [];
  return { spec, guides, designs };
}

/** Generated files in the docs folder now (relative to docs/), for finding pages no longer generated. */
function existingGenerated(docsDir: string): string[] {
  return GENERATED_DIRS.flatMap(({ dir, ext }) => {
    const p = join(docsDir, dir);
    return existsSync(p)
      ? readdirSync(p)
          .filter((f) => ext.test(f))
          .map((f) => `${dir}/${f}`)
      : [];
  }).sort();
}

/**
 * The system machine a counterexample ran on, for its viewer: the named scenario under the
 * design, built as the checker builds it; undefined for a scenario or design unknown here.
 */
export async function traceMachineBuilder(): Promise<(scenario: string, design: string) => MachineModel | undefined> {
  const { namedScenario } = await import('../src/check/scenarios.ts');
  const { DESIGN_MODELS } = await import('../src/designs/models.ts');
  const { buildSystem } = await import('../machines/system/index.ts');
  return (scenario, design) => {
    const s = namedScenario(scenario);
    const d = (DESIGN_MODELS as Readonly<Record<string, (typeof DESIGN_MODELS)[keyof typeof DESIGN_MODELS] | undefined>>)[design];
    if (!s || !d) return undefined;
    return buildSystem(s, d);
  };
}

/** What differs between the generated files and the docs folder. */
export function staleFiles(docsDir: string, files: readonly DocFile[]): string[] {
  const stale: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const p = join(docsDir, f.path);
    if (!existsSync(p)) stale.push(`${f.path} (missing)`);
    else if (readFileSync(p, 'utf8') !== f.content) stale.push(`${f.path} (differs)`);
  }
  for (const f of existingGenerated(docsDir)) if (!wanted.has(f)) stale.push(`${f} (no longer generated)`);
  return stale;
}

/** Writes the generated files (only those that changed) and removes pages no longer generated. */
export function writeFiles(docsDir: string, files: readonly DocFile[]): string[] {
  const changed: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const p = join(docsDir, f.path);
    if (existsSync(p) && readFileSync(p, 'utf8') === f.content) continue;
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    changed.push(f.path);
  }
  for (const f of existingGenerated(docsDir))
    if (!wanted.has(f)) {
      rmSync(join(docsDir, f));
      changed.push(`${f} (removed)`);
    }
  return changed;
}

/** Runs the docs command; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        check: { type: 'boolean', default: false },
        catalogue: { type: 'string' },
        'check-json': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`docs: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('usage: tsx scripts/docs.ts [--check] [--catalogue MODULE] [--check-json FILE] [--out DIR]\n');
    return 0;
  }
  try {
    const docsDir = join(values.out ? resolve(values.out) : ROOT, 'docs');
    const machines = await loadCatalogue(values.catalogue);
    const checkJson = loadCheckJson(values['check-json']);
    const { spec, guides, designs } = sourcePages(docsDir);
    // With a given checker output (tests, CI caches) the extra scenarios are not run either.
    const extra: ExtraRun[] = [];
    if (values['check-json'] === undefined)
      for (const r of EXTRA_RUNS) {
        try {
          extra.push({ why: r.why, json: loadCheckJson(undefined, ['--scenario', r.scenario, '--design', r.design]) });
        } catch (err) {
          // A renamed scenario or design: say so, and leave the section out (test/docs/claims.test.ts misses it).
          process.stderr.write(`docs: scenario ${r.scenario} under ${r.design} not shown: ${(err as Error).message.split('\n')[0]}\n`);
        }
      }
    const traceMachine = await traceMachineBuilder();
    const blocks = await blockGenerators(checkJson);
    const { linkCitations } = await import('../src/render/link-citations.ts');
    // Blocks filled, then every kernel name and citation linked (src/render/link-citations.ts).
    const fromRoot = (p: string) => relative(join(docsDir, '..'), join(docsDir, p));
    const fill = (pages: SourcePage[]) => pages.map((p) => ({ ...p, markdown: linkCitations(fillBlocks(p.markdown, blocks, p.path), fromRoot(p.path)) }));
    const hand = { spec: fill(spec), guides: fill(guides), designs: fill(designs) };
    const readme = fill([{ path: relative(docsDir, join(ROOT, 'README.md')), markdown: readFileSync(join(ROOT, 'README.md'), 'utf8') }]);
    const site = await renderSite({ machines, checkJson, ...hand, extra, traceMachine });
    site.push({ path: 'conclusions.md', content: await conclusionsPage(checkJson, designs) });
    // Hand-written pages are generated files too, as far as their blocks and links go.
    const handPages = [...hand.spec, ...hand.guides, ...hand.designs, ...readme];
    const files = [...site, ...handPages.map((p) => ({ path: p.path, content: p.markdown }))];
    const where = relative(process.cwd(), docsDir) || '.';
    if (values.check) {
      const stale = staleFiles(docsDir, files);
      if (stale.length > 0) {
        process.stderr.write(`docs: ${stale.length} stale file(s) in ${where}; run \`npm run docs\`:\n${stale.map((s) => `  ${s}`).join('\n')}\n`);
        return 1;
      }
      process.stdout.write(`docs: ${files.length} generated files in ${where} are up to date\n`);
      return 0;
    }
    const changed = writeFiles(docsDir, files);
    process.stdout.write(`docs: ${files.length} files generated in ${where}, ${changed.length} changed\n${changed.map((c) => `  ${c}\n`).join('')}`);
    return 0;
  } catch (err) {
    if (err instanceof DocsUsageError || err instanceof BlockError) {
      process.stderr.write(`docs: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ComparisonFormatError) {
      // The checker's output changed shape: say which field, not a stack trace.
      process.stderr.write(`docs: the checker's JSON does not fit the comparison page: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
