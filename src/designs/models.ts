/**
 * The built-in design models by name, a view of the registry (src/designs/registry.ts) for
 * code that needs only models (the concern machines, the docs).
 * @module
 */
import type { DesignModel } from '../../machines/system/design.ts';
import type { DesignName } from '../scenario.ts';
import { DESIGNS, designOf, UnknownDesignError } from './registry.ts';

export { UnknownDesignError };

/** Every built-in design model, by name. */
export const DESIGN_MODELS: Readonly<Record<DesignName, DesignModel>> = Object.freeze(
  Object.fromEntries(Object.entries(DESIGNS).map(([n, d]) => [n, d.model])) as Record<DesignName, DesignModel>,
);

/** The model of built-in design `name`. @throws UnknownDesignError */
export function designModel(name: string): DesignModel {
  return designOf(name).model;
}
