/**
 * A design as the rest of dmaspec takes it: the {@link DesignModel} the system machine is
 * built with (its rules, program, claims and assumptions) and, optionally, the
 * {@link DesignStrategy} that implements it on the executable core (src/core/design.ts),
 * which `simulate`, conformance and counterexample replay need. The checker and `paths`
 * need only the model. Built-in designs are listed in src/designs/registry.ts; a user
 * design file exports one of these (or a bare model).
 * @module
 */
import type { DesignModel } from '../../machines/system/design.ts';
import type { AnyProperty } from '../../machines/system/properties.ts';
import type { DesignStrategy } from '../core/design.ts';

/** A release-notification design: its model, and its implementation if it has one. */
export interface Design {
  readonly model: DesignModel;
  readonly strategy?: DesignStrategy;
  /**
   * The module file the design was loaded from (src/designs/load.ts), absolute: the parallel
   * search's workers load it again (src/check/recipe.ts). Absent for built-in designs and
   * designs made in code.
   */
  readonly source?: string;
  /**
   * Properties checked beside the built-in ones and the design's own, not claimed by it: those
   * of `--property FILE` modules (src/designs/load-properties.ts), with the files, which the
   * parallel search's workers load again.
   */
  readonly extraProperties?: { readonly sources: readonly string[]; readonly list: readonly AnyProperty[] };
}
