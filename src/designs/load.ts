/**
 * A design from the command line: a built-in name, or a module file exporting a
 * {@link Design} (`{ model, strategy? }`) or a bare model, validated against the scenario
 * (src/designs/validate.ts) before anything runs it. Used by `simulate` and `paths`.
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../scenario.ts';
import type { Design } from './design.ts';
import { DESIGN_NAMES } from './names.ts';
import { isDesignName } from './registry.ts';
import { asDesign, validateDesign } from './validate.ts';

/** A design argument that cannot be loaded: the message says why and what to do. */
export class DesignFileError extends Error {
  override readonly name = 'DesignFileError';
}

/** Whether a `--design` value names a module file rather than a built-in design. */
export const isDesignFile = (arg: string): boolean => /\.(ts|mts|cts|js|mjs|cjs)$/.test(arg);

/** Whether an export looks like a design (so a module's helpers are not mistaken for one). */
const looksLikeDesign = (v: unknown): boolean => v !== null && typeof v === 'object' && ('model' in v || ('ejecting' in v && 'rules' in v));

/**
 * Loads and validates the design module `file` for `scenario`: its default export, or its
 * one export that is a design.
 * @throws DesignFileError when it cannot be imported or exports no single design;
 *   DesignError (src/designs/validate.ts) when the design is wrong.
 */
export async function loadDesignFile(file: string, scenario: Scenario): Promise<Design> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    throw new DesignFileError(`cannot load design module ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const candidates = 'default' in mod ? [mod.default] : Object.values(mod).filter(looksLikeDesign);
  if (candidates.length !== 1)
    throw new DesignFileError(`design module ${file} must export one design (export default { model, strategy } or a DesignModel); found ${candidates.length}`);
  const design = asDesign(candidates[0]);
  const name = design.model?.name;
  if (typeof name === 'string' && isDesignName(name))
    throw new DesignFileError(`design module ${file} names its design ${name}, which is a built-in design (${DESIGN_NAMES.join(', ')}); rename it`);
  return validateDesign(design, scenario);
}
