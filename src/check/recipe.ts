/**
 * How the parallel search's workers rebuild a model of dmaspec's own: the system machine of
 * a scenario under a built-in design (by name, from the registry) or under a design module
 * file (loaded again in each worker, as `check --design FILE` loads it), with the safety
 * properties of the search: machines/system/properties.ts's, the design's own and those of
 * `--property FILE` modules (loaded again too), and the reachability witnesses `dmaspec
 * check` explores beside them. The caller that builds the model ({@link checkDesign}) hands
 * the recipe to the engine (src/check/engine/check.ts `CheckOptions.recipe`); a design made
 * in code has none, and its search stays on the calling thread.
 * @module
 */
import type { SystemContext, SystemModel } from '../../machines/system/index.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { type AnyProperty, propertiesWith } from '../../machines/system/properties.ts';
import type { Design } from '../designs/design.ts';
import { loadDesignFile } from '../designs/load.ts';
import { loadPropertyFiles } from '../designs/load-properties.ts';
import { designOf, isDesignName } from '../designs/registry.ts';
import type { Scenario } from '../scenario.ts';
import type { ModelRecipe } from './engine/parallel/protocol.ts';
import type { SafetyProperty } from './engine/properties.ts';
import { WITNESSES, witnessProperties } from './witness.ts';

/** The properties a check of `design` adds to the built-in ones: the design's own, then its `--property` files'. */
export const ownProperties = (design: Design): readonly AnyProperty[] => [...(design.model.properties ?? []), ...(design.extraProperties?.list ?? [])];

/** Every safety property a search names: the built-in ones and `own`, then the witnesses of all (src/check/witness.ts). */
export function searchSafety(own: readonly AnyProperty[]): SafetyProperty<SystemContext>[] {
  return [...propertiesWith(own).safety, ...WITNESSES, ...witnessProperties(own)];
}

/** The search's safety properties for a design with none of its own (the built-in designs). */
export const SEARCH_SAFETY: readonly SafetyProperty<SystemContext>[] = searchSafety([]);

/** A worker's safety properties for the model its recipe built: those of the model's design (with any property files folded in, {@link systemWith}). */
export const searchSafetyOf = (model: SystemModel): SafetyProperty<SystemContext>[] => searchSafety(model.design.properties ?? []);

/** The system machine of `scenario` under the design module `file`, loaded and validated as `check --design FILE` loads it. */
export async function systemForFile(scenario: Scenario, file: string): Promise<SystemModel> {
  return buildSystem(scenario, (await loadDesignFile(file, scenario)).model);
}

/**
 * The system machine of `scenario` under a built-in design or a design file, with the
 * properties of `propertyFiles` folded into its design's (for {@link searchSafetyOf} only:
 * the machine does not read them, and which are claimed is the caller's business).
 */
export async function systemWith(scenario: Scenario, design: { name: string } | { file: string }, propertyFiles: readonly string[]): Promise<SystemModel> {
  const model = 'file' in design ? (await loadDesignFile(design.file, scenario)).model : designOf(design.name).model;
  const extra = await loadPropertyFiles(propertyFiles, scenario, model);
  return buildSystem(scenario, { ...model, properties: [...(model.properties ?? []), ...extra] });
}

/** How a worker rebuilds the system machine of `scenario` under `design`, or undefined when it cannot (a design made in code). */
export function systemRecipe(scenario: Scenario, design: Design): ModelRecipe | undefined {
  const properties = { safetyModule: import.meta.url, safetyExport: 'searchSafetyOf' };
  const { name } = design.model;
  const builtIn = isDesignName(name) && designOf(name).model === design.model;
  if (!builtIn && !design.source) return undefined;
  // Property files: each worker loads them again, with the design.
  const files = design.extraProperties?.sources ?? [];
  if (files.length)
    return { module: import.meta.url, export: 'systemWith', args: [scenario, builtIn ? { name } : { file: design.source }, files], ...properties };
  // A built-in design: the registry gives every worker the same design object.
  if (builtIn)
    return {
      // The registry in the same form as this file: .ts in the sources, .js in the build.
      module: new URL(`../designs/registry${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url).href,
      export: 'systemFor',
      args: [{ ...scenario, design: name }],
      ...properties,
    };
  // A design module: each worker loads the file again (the fingerprint then checks it built the same machine).
  return { module: import.meta.url, export: 'systemForFile', args: [scenario, design.source], ...properties };
}
