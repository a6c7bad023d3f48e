/**
 * Building kernel mutants: the harness of a build with one mutant planted in a temporary copy
 * of its dmaengine.c (never the tree's file, never the repository). The harness's other
 * objects are compiled once per build and linked to each mutant's kernel.o, so a mutant costs
 * one compile of the kernel file.
 *
 * A mutant whose object code is the original's is equivalent without a replay (trivial
 * compiler equivalence): the compiler proved that the change does nothing (code compiled out
 * by an #ifdef, a condition it had already folded). To compare, every copy is compiled from a
 * folder of its own with its path mapped to one name (`-fmacro-prefix-map`: `__FILE__` is
 * the same), and the objects are compared without their debug sections.
 * @module
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type Built, HARNESS_SOURCES, KERNEL_UNIT } from './build.ts';

const run = promisify(execFile);

/** What building one mutant gave. */
export type MutantBuild =
  | { readonly kind: 'stillborn'; readonly error: string }
  | { readonly kind: 'identical' }
  | { readonly kind: 'built'; readonly binary: string; readonly dir: string };

/** Builds mutants of one build; `close()` removes its temporary folder. */
export interface MutantBuilder {
  readonly built: Built;
  /** The kernel file every mutant is a copy of (the build's compiled file). */
  readonly source: string;
  build(source: string): Promise<MutantBuild>;
  close(): void;
}

/** The name every copy's folder is mapped to, so that `__FILE__` does not tell mutants apart. */
const MAPPED = '/dmaspec-mutant';

/** The harness's objects other than the kernel file's, compiled once per build (cached beside it). */
async function harnessObjects(built: Built): Promise<string[]> {
  const dir = join(dirname(built.binary), 'objects');
  const objects = HARNESS_SOURCES.map((s) => join(dir, `${basename(s, '.c')}.o`));
  if (objects.every(existsSync)) return objects;
  const work = mkdtempSync(`${dir}.`);
  await Promise.all(HARNESS_SOURCES.map((s) => run('gcc', [...built.flags, '-c', '-o', join(work, `${basename(s, '.c')}.o`), s])));
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another process compiled them first
  }
  return objects;
}

/**
 * The build's flags with a read of an uninitialized variable made an error: a mutant that
 * drops or moves a variable's only store before its use (3.6 dma_channel_rebalance without
 * `n = 0;`, :450) is undefined behaviour whose result is whatever the stack holds, so it is
 * rejected as invalid (stillborn), not replayed. `-w` would silence these too, so it goes;
 * the unmutated file (the reference) must compile under the same flags.
 */
function mutantFlags(flags: readonly string[]): string[] {
  return [...flags.filter((f) => f !== '-w'), '-Werror=uninitialized', '-Werror=maybe-uninitialized'];
}

/** The kernel unit compiled from `source`, written as `<dir>/src/drivers/dma/dmaengine.c`; the object or gcc's error. */
async function compileKernel(built: Built, dir: string, source: string): Promise<{ object: string } | { error: string }> {
  const file = join(dir, 'src/drivers/dma/dmaengine.c');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  // mainline's private header sits beside dmaengine.c ("#include "dmaengine.h"").
  const privateH = join(dirname(built.kernelFile), 'dmaengine.h');
  if (existsSync(privateH)) copyFileSync(privateH, join(dirname(file), 'dmaengine.h'));
  const object = join(dir, 'kernel.o');
  try {
    await run('gcc', [...mutantFlags(built.flags), `-fmacro-prefix-map=${dir}=${MAPPED}`, `-DDMASPEC_KERNEL_C="${file}"`, '-c', '-o', object, KERNEL_UNIT], {
      maxBuffer: 1 << 24,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { error: firstError(e.stderr || e.message) };
  }
  return { object };
}

/** gcc's first `error:` line, without the folder. */
function firstError(stderr: string): string {
  const line = stderr.split('\n').find((l) => / error: /.test(l)) ?? stderr.split('\n')[0] ?? '';
  return line.replace(/^.*\/(dmaengine\.c:)/, '$1').trim();
}

/** An object's bytes without its debug sections (line numbers, paths). */
async function codeOf(object: string): Promise<Buffer> {
  const stripped = `${object}.code`;
  await run('objcopy', ['--strip-debug', object, stripped]);
  return readFileSync(stripped);
}

/**
 * A builder of mutants of `built` (its kernel file as compiled: the tree's, or the patched
 * copy). Compiles the harness's objects (once per build) and the unmutated kernel file (the
 * reference the mutants' code is compared with).
 * @throws Error when the unmutated file does not compile as a mutant would be compiled
 */
export async function mutantBuilder(built: Built): Promise<MutantBuilder> {
  const work = mkdtempSync(join(tmpdir(), 'dmaspec-mutants-'));
  const source = readFileSync(built.kernelFile, 'utf8');
  const [objects, reference] = await Promise.all([harnessObjects(built), compileKernel(built, join(work, 'reference'), source)]);
  if ('error' in reference) throw new Error(`the unmutated ${built.name} kernel file does not compile as a mutant: ${reference.error}`);
  const referenceCode = await codeOf(reference.object);
  let next = 0;
  return {
    built,
    source,
    async build(mutated) {
      const dir = join(work, `m${next++}`);
      const kernel = await compileKernel(built, dir, mutated);
      if ('error' in kernel) {
        rmSync(dir, { recursive: true, force: true });
        return { kind: 'stillborn', error: kernel.error };
      }
      if ((await codeOf(kernel.object)).equals(referenceCode)) {
        rmSync(dir, { recursive: true, force: true });
        return { kind: 'identical' };
      }
      const binary = join(dir, 'dmaspec-kernel');
      await run('gcc', ['-no-pie', '-o', binary, kernel.object, ...objects]);
      return { kind: 'built', binary, dir };
    },
    close() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
