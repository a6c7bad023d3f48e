/**
 * The export's guarantee that it translated the model it claims to: a step's decision tree
 * may end in an error leaf only for assignments no reachable state has (an index of -1 that
 * a guard rules out, say), which the printed model reports as `P_export_error` should SPIN
 * ever reach one. A reachable state that ends in an error leaf means a rule could not be run
 * on the probe (or threw there): the export would silently drop that step's guard and effect,
 * so it is refused instead, naming the design, the step and what the rule did.
 * @module
 */
import type { CompiledMachine } from '../check/engine/compile.ts';
import type { Exploration } from '../check/engine/explore.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import { evaluateTree, type Tree } from '../check/engine/rules/decision-tree.ts';
import { NULL_OF } from '../check/engine/layout.ts';
import { inputValue } from '../check/engine/rules/probe.ts';
import type { Step, StepResult } from '../check/engine/rules/translate.ts';

/** Whether some leaf of `tree` is an error (shared subtrees visited once). */
function hasErrorLeaf(tree: Tree<StepResult>, seen = new Set<number>()): boolean {
  if (seen.has(tree.id)) return false;
  seen.add(tree.id);
  if (tree.kind === 'leaf') return tree.value.kind === 'error';
  return tree.groups.some((g) => hasErrorLeaf(g.child, seen));
}

/**
 * Throws a {@link DesignError} for the first reachable state of `x` (in discovery order, so a
 * shallowest one) on which a step of `steps` evaluates to an error. Only steps whose trees
 * have an error leaf are evaluated, so a clean translation costs one pass over the trees.
 */
export function refuseUntranslatable(design: string, cm: CompiledMachine, steps: readonly Step[], x: Exploration): void {
  const suspects = steps.filter((s) => hasErrorLeaf(s.tree));
  if (suspects.length === 0) return;
  const row = x.store.newRow();
  const N = NULL_OF[x.coder.bytes];
  const read = (i: number) => inputValue(cm, i, row.slots[i], N);
  for (let id = 0; id < x.states; id++) {
    x.store.get(id, row);
    for (const s of suspects) {
      if (row.slots[s.region] !== s.leaf) continue;
      const r = evaluateTree(s.tree, read);
      if (r.kind === 'error')
        throw new DesignError(
          design,
          `step ${s.event.type} from ${cm.regions[s.region].leafIds[s.leaf]}`,
          `cannot be exported: on reachable state #${id} (in discovery order) its rule failed on the probe: ${r.message}`,
          'a rule must read and write the context only as machines/kit.ts allows (integers, booleans, null; no new fields)',
        );
    }
  }
}
