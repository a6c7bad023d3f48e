/**
 * Which models the parallel search can rebuild in its workers: the system machine of a
 * scenario under a built-in design or a design module file (machines/system), with
 * spec/properties.ts's safety properties and the reachability witnesses `dmaspec check`
 * explores beside them. Any other model (a small machine of machines/index.ts, a design
 * object made in code) is explored in the calling thread.
 * @module
 */
import type { MachineModel } from '../../../machines/model.ts';
import type { SystemModel } from '../../../machines/system/index.ts';
import { SAFETY } from '../../../spec/properties.ts';
import { buildSystem } from '../../../machines/system/index.ts';
import { designSourceOf, loadDesignFile } from '../../designs/load.ts';
import { designOf, isDesignName } from '../../designs/registry.ts';
import type { Scenario } from '../../scenario.ts';
import type { SafetyProperty } from '../properties.ts';
import { WITNESSES } from '../witness.ts';
import type { ModelRecipe } from './protocol.ts';

/** Every safety property a worker can name: spec/properties.ts's, then the witnesses (src/check/witness.ts). */
export const SEARCH_SAFETY: readonly SafetyProperty[] = [...(SAFETY as unknown as SafetyProperty[]), ...(WITNESSES as unknown as SafetyProperty[])];

/** The system machine of `scenario` under the design module `file`, loaded and validated as `check --design FILE` loads it. */
export async function systemForFile(scenario: Scenario, file: string): Promise<SystemModel> {
  return buildSystem(scenario, (await loadDesignFile(file, scenario)).model);
}

/** The recipe of `model` with `safety`, or undefined when a worker could not rebuild them. */
export function recipeOf(model: MachineModel, safety: readonly SafetyProperty[]): ModelRecipe | undefined {
  const m = model as Partial<SystemModel>;
  if (!m.design || !m.layout || model.name !== `system:${m.design.name}`) return undefined;
  if (!safety.every((p) => SEARCH_SAFETY.includes(p))) return undefined;
  const properties = { safetyModule: import.meta.url, safetyExport: 'SEARCH_SAFETY' };
  // A built-in design by name: the registry gives every worker the same design object.
  if (isDesignName(m.design.name) && designOf(m.design.name).model === m.design)
    return {
      // The registry in the same form as this file: .ts in the sources, .js in the build.
      module: new URL(`../../designs/registry${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url).href,
      export: 'systemFor',
      args: [{ ...model.scenario, design: m.design.name }],
      ...properties,
    };
  // A design module: each worker loads the file again (the fingerprint then checks it built the same machine).
  const file = designSourceOf(m.design);
  if (file) return { module: import.meta.url, export: 'systemForFile', args: [model.scenario, file], ...properties };
  return undefined;
}
