/**
 * `npm run docs`: regenerates docs/ — one page with SVG drawings and Mermaid source per
 * machine of the catalogue (machines/index.ts), the design comparison from
 * `dmaspec check --json`, and docs/index.md.
 * `npm run docs:check` (`--check`): regenerates in memory and exits 1, listing the stale
 * files, when the committed ones differ (CI runs it so that the drawings never lag the
 * machines).
 *
 * Options: `--catalogue MODULE` (a module exporting `MACHINES`; default machines/index.ts),
 * `--check-json FILE` (use this checker output instead of running the checker),
 * `--out DIR` (write or check DIR/docs instead of the repository's docs/).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DocFile, DocMachineEntry } from '../src/render/machine-page.ts';
import { ComparisonFormatError } from '../src/render/comparison.ts';
import { renderSite, type SourcePage } from '../src/render/site.ts';

/** The repository root (this file is scripts/docs.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Generated pages of the docs folder that `--check` and the writer own. */
const GENERATED_DIR = 'machines';
/** Pages of docs/ that are generated, so not listed as hand-written guides. */
const GENERATED_TOP = new Set(['index.md', 'comparison.md']);

/** Bad arguments or inputs; exit status 2. */
export class DocsUsageError extends Error {
  override readonly name = 'DocsUsageError';
}

/** Loads `MACHINES` from a catalogue module, or undefined when the default one is absent. */
export async function loadCatalogue(modulePath?: string): Promise<DocMachineEntry[] | undefined> {
  const path = modulePath ? resolve(modulePath) : join(ROOT, 'machines', 'index.ts');
  if (!existsSync(path)) {
    if (modulePath) throw new DocsUsageError(`--catalogue ${modulePath}: no such file`);
    return undefined;
  }
  const mod = (await import(pathToFileURL(path).href)) as { MACHINES?: unknown };
  if (!Array.isArray(mod.MACHINES)) throw new DocsUsageError(`${relative(ROOT, path)} does not export a MACHINES list`);
  return mod.MACHINES as DocMachineEntry[];
}

/**
 * The checker's JSON: from `--check-json FILE`, else by running `dmaspec check --json`
 * when the checker exists (exit 0 all claims hold, 1 a claim is violated — both are
 * verdicts to show), else undefined.
 */
export function loadCheckJson(file?: string): unknown {
  if (file) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new DocsUsageError(`--check-json ${file}: ${(err as Error).message}`);
    }
  }
  if (!existsSync(join(ROOT, 'src', 'cli', 'check.ts'))) return undefined;
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'check', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`dmaspec check --json exited ${run.status}: ${(run.stderr || '').trim().slice(0, 2000)}`);
  return JSON.parse(run.stdout);
}

/** Markdown pages that are not generated: spec/*.md and hand-written docs/*.md. */
export function sourcePages(docsDir: string): { spec: SourcePage[]; guides: SourcePage[] } {
  const md = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : []);
  const spec = md(join(ROOT, 'spec')).map((f) => ({ path: `../spec/${f}`, markdown: readFileSync(join(ROOT, 'spec', f), 'utf8') }));
  const guides = md(docsDir)
    .filter((f) => !GENERATED_TOP.has(f))
    .map((f) => ({ path: f, markdown: readFileSync(join(docsDir, f), 'utf8') }));
  return { spec, guides };
}

/** Files under docs/machines now (relative to docs/), for finding pages no longer generated. */
function existingGenerated(docsDir: string): string[] {
  const dir = join(docsDir, GENERATED_DIR);
  return existsSync(dir) ? readdirSync(dir).filter((f) => /\.(md|svg)$/.test(f)).map((f) => `${GENERATED_DIR}/${f}`).sort() : [];
}

/** What differs between the generated files and the docs folder. */
export function staleFiles(docsDir: string, files: readonly DocFile[], catalogueLoaded: boolean): string[] {
  const stale: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const p = join(docsDir, f.path);
    if (!existsSync(p)) stale.push(`${f.path} (missing)`);
    else if (readFileSync(p, 'utf8') !== f.content) stale.push(`${f.path} (differs)`);
  }
  if (catalogueLoaded) for (const f of existingGenerated(docsDir)) if (!wanted.has(f)) stale.push(`${f} (no longer generated)`);
  return stale;
}

/** Writes the generated files (only those that changed) and removes pages no longer generated. */
export function writeFiles(docsDir: string, files: readonly DocFile[], catalogueLoaded: boolean): string[] {
  const changed: string[] = [];
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const p = join(docsDir, f.path);
    if (existsSync(p) && readFileSync(p, 'utf8') === f.content) continue;
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    changed.push(f.path);
  }
  if (catalogueLoaded)
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
    if (!machines) process.stderr.write('docs: machines/index.ts is not there yet: no statechart pages\n');
    const checkJson = loadCheckJson(values['check-json']);
    if (checkJson === undefined) process.stderr.write('docs: no checker (src/cli/check.ts) yet: comparison page not generated\n');
    const { spec, guides } = sourcePages(docsDir);
    const files = await renderSite({ machines: machines ?? [], checkJson, spec, guides });
    const where = relative(process.cwd(), docsDir) || '.';
    if (values.check) {
      const stale = staleFiles(docsDir, files, machines !== undefined);
      if (stale.length > 0) {
        process.stderr.write(`docs: ${stale.length} stale file(s) in ${where}; run \`npm run docs\`:\n${stale.map((s) => `  ${s}`).join('\n')}\n`);
        return 1;
      }
      process.stdout.write(`docs: ${files.length} generated files in ${where} are up to date\n`);
      return 0;
    }
    const changed = writeFiles(docsDir, files, machines !== undefined);
    process.stdout.write(`docs: ${files.length} files generated in ${where}, ${changed.length} changed\n${changed.map((c) => `  ${c}\n`).join('')}`);
    return 0;
  } catch (err) {
    if (err instanceof DocsUsageError) {
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
