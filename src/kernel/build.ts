/**
 * Building the kernel harness: the tree's dmaengine.c (patched in a temporary folder for the
 * RFC and kref-fixed builds, never in the tree or the repository) compiled with gcc against
 * the shim of kernel/shim and the harness of kernel/harness. A build is cached in the
 * system's temporary folder under a hash of everything that goes into it.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { DesignName } from '../scenario.ts';
import { applyPatch, type HunkPlacement, PatchError, parsePatch } from './patch.ts';
import type { KernelFamily, KernelTree } from './tree.ts';

/** The project's kernel/ folder (shim, harness, patches). */
export const KERNEL_DIR = `${join(PACKAGE_ROOT, 'kernel')}/`;
const EXAMPLES_C = `${join(PACKAGE_ROOT, 'examples', 'c')}/`;

/** Something the build needs is missing or fails: the CLI exits 2 with this message. */
export class BuildError extends Error {
  override readonly name = 'BuildError';
}

/** One patch a build applies, in order. */
export interface PatchStep {
  /** What the report calls it: `rfc-base.patch`, `RFC v2 3/7`. */
  readonly label: string;
  /** The patch file (a project file under kernel/patches, or the seed's mail page). */
  readonly file: string;
  /** Which of the tree's files it patches. */
  readonly target: 'drivers/dma/dmaengine.c' | 'include/linux/dmaengine.h';
}

/** A way to build the harness from a tree: its name, family, defines, patches and designs. */
export interface BuildSpec {
  /** `3.x`, `3.x+rfc`, `mainline`, `mainline+kref-fixed` (the report prefixes the tree's version). */
  readonly kind: 'plain' | 'rfc' | 'kref-fixed';
  readonly family: KernelFamily;
  readonly defines: readonly string[];
  readonly patches: readonly PatchStep[];
  /** The designs whose exports replay on this build (the designs that model this code). */
  readonly designs: readonly DesignName[];
}

const patchFile = (name: string) => join(KERNEL_DIR, 'patches', name);

/**
 * The builds of a tree: 3.x alone (baseline) and with the RFC (rfc-wait, rfc-wait-unheld) when
 * the seed patch is given; mainline alone (kref, or kref-5-10 for a `dma_chan_get` that
 * increments twice) and, without the double increment, with the kref-fixed patch (kref-fixed).
 */
export function buildsFor(tree: KernelTree, rfcPatch: string | undefined): BuildSpec[] {
  // 5.10.7's dma_chan_get (issue 31 M1) is modelled by kref-5-10; Garg's fix is written
  // against the 7.0-era function, so kref-fixed replays only on a tree without it.
  if (tree.family === 'mainline' && tree.doubleIncrement)
    return [{ kind: 'plain', family: 'mainline', defines: ['DMASPEC_MAINLINE'], patches: [], designs: ['kref-5-10'] }];
  if (tree.family === 'mainline')
    return [
      { kind: 'plain', family: 'mainline', defines: ['DMASPEC_MAINLINE'], patches: [], designs: ['kref'] },
      {
        kind: 'kref-fixed',
        family: 'mainline',
        defines: ['DMASPEC_MAINLINE'],
        patches: [{ label: 'kref-fixed.patch', file: patchFile('kref-fixed.patch'), target: 'drivers/dma/dmaengine.c' }],
        designs: ['kref-fixed'],
      },
    ];
  const plain: BuildSpec = { kind: 'plain', family: '3.x', defines: [], patches: [], designs: ['baseline'] };
  if (!rfcPatch) return [plain];
  return [
    plain,
    {
      kind: 'rfc',
      family: '3.x',
      defines: ['CONFIG_DMA_ENGINE_HOTPLUG'],
      patches: [
        { label: 'rfc-base.patch', file: patchFile('rfc-base.patch'), target: 'drivers/dma/dmaengine.c' },
        { label: 'RFC v2 3/7', file: rfcPatch, target: 'drivers/dma/dmaengine.c' },
        { label: 'rfc-after.patch', file: patchFile('rfc-after.patch'), target: 'drivers/dma/dmaengine.c' },
        { label: 'RFC v2 3/7', file: rfcPatch, target: 'include/linux/dmaengine.h' },
      ],
      designs: ['rfc-wait', 'rfc-wait-unheld'],
    },
  ];
}

/** The name a report gives a build of `tree`: `3.6`, `3.6+rfc`, `7.0+kref-fixed`. */
export const buildName = (tree: KernelTree, spec: BuildSpec) => (spec.kind === 'plain' ? tree.version : `${tree.version}+${spec.kind}`);

/** How one patch went: where each hunk landed and which context lines were fuzzed. */
export interface PatchReport {
  readonly label: string;
  readonly target: string;
  readonly placements: readonly HunkPlacement[];
}

/** A built harness. */
export interface Built {
  readonly name: string;
  readonly spec: BuildSpec;
  readonly binary: string;
  /** The dmaengine.c that was compiled (the tree's, or the patched copy). */
  readonly kernelFile: string;
  readonly patches: readonly PatchReport[];
  /** For a patched file: the origin of each of its lines (`dmaengine.c:333`, `RFC v2 3/7 @@ -305,10 +313,40 @@ +4`). */
  readonly origins?: readonly string[];
  /** gcc's flags for every source of the build (includes, defines), without the kernel file's. */
  readonly flags: readonly string[];
}

/** The translation unit of the kernel file (kernel/harness/kernel.c, which #includes it). */
export const KERNEL_UNIT = join(KERNEL_DIR, 'harness/kernel.c');

/** The harness's other sources: the same for every mutant of a build (src/kernel/mutant-build.ts). */
export const HARNESS_SOURCES = [
  ...['harness/world.c', 'harness/steps.c', 'harness/rt.c', 'harness/replay.c', 'shim/shim.c'].map((s) => join(KERNEL_DIR, s)),
  join(EXAMPLES_C, 'json.c'),
];

/** What the cached build.json holds: a change here rebuilds every cached harness. */
const BUILD_FORMAT = 2;

/** Every file of a folder, recursively, sorted (for the build's hash). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** gcc is there, or a BuildError saying how to get it. */
export function checkGcc(): void {
  const r = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new BuildError("gcc not found: the kernel replay compiles the tree's dmaengine.c with gcc (apt-get install gcc, or put gcc on PATH)");
}

/**
 * Builds (or finds in the cache) the harness of `spec` on `tree`.
 * @throws BuildError when gcc is missing, a patch does not apply or the compile fails
 */
export function buildHarness(tree: KernelTree, spec: BuildSpec): Built {
  checkGcc();
  const name = buildName(tree, spec);
  const inputs = [
    ...filesUnder(KERNEL_DIR).filter((f) => !f.endsWith('.md') && !f.endsWith('.json')),
    join(EXAMPLES_C, 'json.c'),
    join(EXAMPLES_C, 'json.h'),
    tree.dmaengineC,
    tree.dmaengineH,
    ...(tree.privateH ? [tree.privateH] : []),
    ...spec.patches.map((p) => p.file),
  ];
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ spec, root: tree.root, format: BUILD_FORMAT }));
  for (const f of inputs) {
    if (!existsSync(f)) throw new BuildError(`${f} is missing (the ${name} build needs it)`);
    hash.update(f).update(readFileSync(f));
  }
  // Built in a private folder, then renamed into place: two processes building the same
  // harness at once (two test files) never see each other's half-written files.
  const root = join(tmpdir(), 'dmaspec-kernel');
  const dir = join(root, hash.digest('hex').slice(0, 16));
  const reportFile = join(dir, 'build.json');
  const cached = (): Built => ({ ...(JSON.parse(readFileSync(reportFile, 'utf8')) as Omit<Built, 'spec'>), spec });
  if (existsSync(reportFile)) return cached();
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(`${dir}.`);
  const patched = applyPatches(tree, spec, work);
  const args = [
    ...gccFlags(tree, spec, patched.include),
    `-DDMASPEC_KERNEL_C="${patched.kernelFile}"`,
    '-o',
    join(work, 'dmaspec-kernel'),
    KERNEL_UNIT,
    ...HARNESS_SOURCES,
  ];
  const cc = spawnSync('gcc', args, { encoding: 'utf8' });
  if (cc.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new BuildError(`gcc failed building the ${name} harness from ${patched.kernelFile}:\n${(cc.stderr || cc.stdout).slice(0, 4000)}`);
  }
  const built: Omit<Built, 'spec'> = {
    name,
    binary: join(dir, 'dmaspec-kernel'),
    kernelFile: patched.kernelFile.startsWith(work) ? join(dir, patched.kernelFile.slice(work.length)) : patched.kernelFile,
    patches: patched.reports,
    ...(patched.origins ? { origins: patched.origins } : {}),
    // A patched build's include/ (its patched dmaengine.h) moves with the folder.
    flags: gccFlags(tree, spec, patched.include && join(dir, patched.include.slice(work.length))),
  };
  writeFileSync(join(work, 'build.json'), JSON.stringify(built));
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another process built it first
  }
  return cached();
}

/**
 * gcc's flags for the harness of `spec` on `tree`: `-I shim/include`, the patched copy's
 * include/ (when the build patches the header), the tree's include/: the tree gives
 * linux/dmaengine.h, the shim everything else.
 */
function gccFlags(tree: KernelTree, spec: BuildSpec, patchedInclude: string | undefined): string[] {
  return [
    '-std=gnu11',
    '-g',
    '-O1',
    '-no-pie',
    '-w',
    '-I',
    join(KERNEL_DIR, 'shim/include'),
    ...(patchedInclude ? ['-I', patchedInclude] : []),
    '-I',
    join(tree.root, 'include'),
    '-I',
    join(KERNEL_DIR, 'harness'),
    '-I',
    EXAMPLES_C,
    '-iquote',
    join(KERNEL_DIR, 'shim/local'),
    ...spec.defines.map((d) => `-D${d}`),
  ];
}

/** Applies the spec's patches to copies under `dir`; the tree's own files when there are none. */
function applyPatches(tree: KernelTree, spec: BuildSpec, dir: string) {
  if (!spec.patches.length) return { kernelFile: tree.dmaengineC, reports: [] as PatchReport[] };
  const text = { 'drivers/dma/dmaengine.c': readFileSync(tree.dmaengineC, 'utf8'), 'include/linux/dmaengine.h': readFileSync(tree.dmaengineH, 'utf8') };
  let origins = text['drivers/dma/dmaengine.c'].split('\n').map((_, i) => `dmaengine.c:${i + 1}`);
  const reports: PatchReport[] = [];
  for (const p of spec.patches) {
    let files;
    try {
      files = parsePatch(readFileSync(p.file, 'utf8'));
    } catch (err) {
      throw new BuildError(`${p.label} (${p.file}): ${(err as Error).message}`);
    }
    const fp = files.find((f) => f.path === p.target);
    if (!fp) throw new BuildError(`${p.label} (${p.file}) has no hunks for ${p.target}`);
    try {
      const r = applyPatch(text[p.target], fp, p.target === 'drivers/dma/dmaengine.c' ? { origins, label: p.label } : {});
      text[p.target] = r.text;
      if (p.target === 'drivers/dma/dmaengine.c') origins = r.origins;
      reports.push({ label: p.label, target: p.target, placements: r.placements });
    } catch (err) {
      if (err instanceof PatchError) throw new BuildError(`${p.label} does not apply to ${tree.root}: ${err.message}`);
      throw err;
    }
  }
  const kernelFile = join(dir, 'src/drivers/dma/dmaengine.c');
  mkdirSync(dirname(kernelFile), { recursive: true });
  mkdirSync(join(dir, 'src/include/linux'), { recursive: true });
  writeFileSync(kernelFile, text['drivers/dma/dmaengine.c']);
  writeFileSync(join(dir, 'src/include/linux/dmaengine.h'), text['include/linux/dmaengine.h']);
  // mainline's private header sits beside dmaengine.c ("#include "dmaengine.h"").
  if (tree.privateH && statSync(tree.privateH).isFile()) copyFileSync(tree.privateH, join(dir, 'src/drivers/dma/dmaengine.h'));
  return { kernelFile, reports, include: join(dir, 'src/include'), origins };
}
