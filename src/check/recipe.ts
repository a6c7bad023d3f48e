/**
 * How the parallel search's workers rebuild a model of dmaspec's own: the system machine of
 * a scenario under a built-in design (by name, from the registry) or under a design module
 * file (loaded again in each worker, as `check --design FILE` loads it), with
 * machines/system/properties.ts's safety properties and the reachability witnesses `dmaspec check`
 * explores beside them. The caller that builds the model ({@link checkDesign}) hands the
 * recipe to the engine (src/check/engine/check.ts `CheckOptions.recipe`); a design made in
 * code has none, and its search stays on the calling thread.
 * @module
 */
import type { SystemContext, SystemModel } from '../../machines/system/index.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { SAFETY } from '../../machines/system/properties.ts';
import type { Design } from '../designs/design.ts';
import { loadDesignFile } from '../designs/load.ts';
import { designOf, isDesignName } from '../designs/registry.ts';
import type { Scenario } from '../scenario.ts';
import type { ModelRecipe } from './engine/parallel/protocol.ts';
import type { SafetyProperty } from './engine/properties.ts';
import { WITNESSES } from './witness.ts';

/** Every safety property a worker can name: machines/system/properties.ts's, then the witnesses (src/check/witness.ts). */
export const SEARCH_SAFETY: readonly SafetyProperty<SystemContext>[] = [...SAFETY, ...WITNESSES];

/** The system machine of `scenario` under the design module `file`, loaded and validated as `check --design FILE` loads it. */
export async function systemForFile(scenario: Scenario, file: string): Promise<SystemModel> {
  return buildSystem(scenario, (await loadDesignFile(file, scenario)).model);
}

/** How a worker rebuilds the system machine of `scenario` under `design`, or undefined when it cannot (a design made in code). */
export function systemRecipe(scenario: Scenario, design: Design): ModelRecipe | undefined {
  const properties = { safetyModule: import.meta.url, safetyExport: 'SEARCH_SAFETY' };
  const { name } = design.model;
  // A built-in design: the registry gives every worker the same design object.
  if (isDesignName(name) && designOf(name).model === design.model)
    return {
      // The registry in the same form as this file: .ts in the sources, .js in the build.
      module: new URL(`../designs/registry${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url).href,
      export: 'systemFor',
      args: [{ ...scenario, design: name }],
      ...properties,
    };
  // A design module: each worker loads the file again (the fingerprint then checks it built the same machine).
  if (design.source) return { module: import.meta.url, export: 'systemForFile', args: [scenario, design.source], ...properties };
  return undefined;
}
