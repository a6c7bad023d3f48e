/**
 * A kernel tree the replay compiles from: where its files are and which dmaengine it has.
 * A full tree (its top Makefile names the version) or a folder laid out like one with only
 * the files the harness needs (../shared/kernel/linux-3.6/: drivers/dma/dmaengine.c and
 * include/linux/dmaengine.h). The family decides the build: `3.x` (module refcounts only,
 * the RFC's base) or `mainline` (the dma_device kref of 8ad342a86359, 5.6 and later).
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The two dmaengine generations the harness replays. */
export type KernelFamily = '3.x' | 'mainline';

/** A tree's files, version and family. */
export interface KernelTree {
  readonly root: string;
  /** `3.6`, `5.10.7`, `7.0`: from the Makefile, else the folder's name (`linux-3.6`), else `--version`. */
  readonly version: string;
  readonly family: KernelFamily;
  /** drivers/dma/dmaengine.c */
  readonly dmaengineC: string;
  /** include/linux/dmaengine.h */
  readonly dmaengineH: string;
  /** drivers/dma/dmaengine.h, mainline's private header, when the tree has it. */
  readonly privateH?: string;
  /**
   * Mainline only: the tree's `dma_chan_get` runs `balance_ref_count` and then
   * `out: chan->client_count++` (5.10.7 dmaengine.c:473-477), counting a public channel's
   * first get twice (issue 31 M1); 7.0 increments first (:476-479). Decides which kref
   * design models the file ({@link mainlineDoubleIncrement}).
   */
  readonly doubleIncrement?: boolean;
}

/** A tree that lacks a file the harness needs, or whose dmaengine it does not know. */
export class TreeError extends Error {
  override readonly name = 'TreeError';
}

const DMAENGINE_C = 'drivers/dma/dmaengine.c';
const DMAENGINE_H = 'include/linux/dmaengine.h';

/** `VERSION.PATCHLEVEL[.SUBLEVEL]` of a kernel Makefile (SUBLEVEL 0 left out), or undefined. */
function makefileVersion(root: string): string | undefined {
  const file = join(root, 'Makefile');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const field = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\d+)`, 'm').exec(text)?.[1];
  const [v, p, s] = [field('VERSION'), field('PATCHLEVEL'), field('SUBLEVEL')];
  if (v === undefined || p === undefined) return undefined;
  return s && s !== '0' ? `${v}.${p}.${s}` : `${v}.${p}`;
}

/** The family of a dmaengine.c by what it has: the kref of 8ad342a86359, or 3.x's idr and no kref. */
export function familyOf(source: string): KernelFamily | undefined {
  if (/kref_init\(&device->ref\)/.test(source)) return 'mainline';
  if (/static long dmaengine_ref_count;/.test(source) && /idr_pre_get|idr_alloc|ida_get_new/.test(source) && !/struct kref/.test(source)) return '3.x';
  return undefined;
}

/**
 * Whether a mainline dmaengine.c's `dma_chan_get` increments after `balance_ref_count` at an
 * `out:` label (5.10.7 :473-477) rather than before it (7.0 :476-479): read off the
 * function's body, so a user's tree of any version gets the design that models its code.
 */
export function mainlineDoubleIncrement(source: string): boolean {
  const start = source.search(/^static int dma_chan_get\(struct dma_chan \*chan\)$/m);
  if (start < 0) return false;
  const body = source.slice(start, source.indexOf('\n}\n', start));
  return /balance_ref_count\(chan\);\s*out:\s*chan->client_count\+\+;/.test(body);
}

/**
 * Reads tree `dir`. `version` overrides the detected version.
 * @throws TreeError naming the missing file, or saying the dmaengine is neither 3.x nor mainline
 */
export function readTree(dir: string, version?: string): KernelTree {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new TreeError(`--tree ${dir}: no such folder`);
  const need = (rel: string) => {
    const file = join(root, rel);
    if (!existsSync(file)) throw new TreeError(`--tree ${dir}: ${rel} is missing (the harness compiles it)`);
    return file;
  };
  const dmaengineC = need(DMAENGINE_C);
  const dmaengineH = need(DMAENGINE_H);
  const source = readFileSync(dmaengineC, 'utf8');
  const family = familyOf(source);
  if (!family)
    throw new TreeError(
      `--tree ${dir}: ${DMAENGINE_C} is neither a 3.x dmaengine (dmaengine_ref_count, idr, no kref) nor a mainline one with the dma_device kref (kref_init(&device->ref), 5.6 and later)`,
    );
  const detected = makefileVersion(root) ?? /^linux-(\d+\.\d+(?:\.\d+)?)$/.exec(basename(root))?.[1];
  const privateH = join(root, 'drivers/dma/dmaengine.h');
  return {
    root,
    version: version ?? detected ?? (family === '3.x' ? '3.x' : 'mainline'),
    family,
    dmaengineC,
    dmaengineH,
    ...(existsSync(privateH) ? { privateH } : {}),
    ...(family === 'mainline' ? { doubleIncrement: mainlineDoubleIncrement(source) } : {}),
  };
}

/**
 * The project's shared folder `../shared/<sub>` beside the checkout (CI: the checkout's
 * sibling; a git worktree one level deeper: its parent's sibling), or undefined.
 */
export function sharedFolder(sub: string, root = PACKAGE_ROOT): string | undefined {
  for (const up of ['..', '../..']) {
    const dir = resolve(root, up, 'shared', sub);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

/** The RFC v2 3/7 seed patch beside the package (../shared/seeds/002_*.txt), if there. */
export function defaultRfcPatch(): string | undefined {
  const seeds = sharedFolder('seeds');
  const seed = seeds ? readdirSync(seeds).find((f) => /^002_.*\.txt$/.test(f)) : undefined;
  return seeds && seed ? join(seeds, seed) : undefined;
}
