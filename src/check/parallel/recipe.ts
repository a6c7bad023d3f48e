/**
 * Which models the parallel search can rebuild in its workers: the system machine of a
 * scenario under a built-in design (machines/system), with spec/properties.ts's safety
 * properties and the reachability witnesses `dmaspec check` explores beside them. Any other model (a small machine of machines/index.ts, a design module only
 * the calling thread loaded) is explored in the calling thread.
 * @module
 */
import type { MachineModel } from '../../../machines/model.ts';
import type { SystemModel } from '../../../machines/system/index.ts';
import { SAFETY } from '../../../spec/properties.ts';
import { designOf, isDesignName } from '../../designs/registry.ts';
import type { SafetyProperty } from '../properties.ts';
import { WITNESSES } from '../witness.ts';
import type { ModelRecipe } from './protocol.ts';

/** Every safety property a worker can name: spec/properties.ts's, then the witnesses (src/check/witness.ts). */
export const SEARCH_SAFETY: readonly SafetyProperty[] = [...(SAFETY as unknown as SafetyProperty[]), ...(WITNESSES as unknown as SafetyProperty[])];

/** The recipe of `model` with `safety`, or undefined when a worker could not rebuild them. */
export function recipeOf(model: MachineModel, safety: readonly SafetyProperty[]): ModelRecipe | undefined {
  const m = model as Partial<SystemModel>;
  // Only a built-in design is in every worker's registry (a design module loaded from a file is not).
  if (!m.design || !m.layout || !isDesignName(m.design.name) || designOf(m.design.name).model !== m.design || model.name !== `system:${m.design.name}`)
    return undefined;
  if (!safety.every((p) => SEARCH_SAFETY.includes(p))) return undefined;
  return {
    module: new URL('../../designs/registry.ts', import.meta.url).href,
    export: 'systemFor',
    // The model's design by name: the registry gives every worker the same design object.
    args: [{ ...model.scenario, design: m.design.name }],
    safetyModule: import.meta.url,
    safetyExport: 'SEARCH_SAFETY',
  };
}
