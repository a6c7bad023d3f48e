/**
 * The property shapes the checker verifies (the shapes of machines/system/properties.ts): safety
 * predicates checked on every reachable state, and "whenever trigger, eventually goal"
 * liveness under weak fairness of threads.
 * @module
 */
import type { MachineModel, ModelView } from '../../../machines/model.ts';

/** Holds in every reachable state. */
export interface SafetyProperty<C extends object = any> {
  readonly name: string;
  readonly description?: string;
  holds(view: ModelView<C>, model: MachineModel<C>): boolean;
}

/** Whenever `trigger` holds, `goal` eventually holds (under weak fairness of threads). */
export interface LivenessProperty<C extends object = any> {
  readonly name: string;
  readonly description?: string;
  trigger(view: ModelView<C>, model: MachineModel<C>): boolean;
  goal(view: ModelView<C>, model: MachineModel<C>): boolean;
}

/** The properties of one check run. */
export interface PropertySet<C extends object = any> {
  readonly safety: readonly SafetyProperty<C>[];
  readonly liveness: readonly LivenessProperty<C>[];
}
