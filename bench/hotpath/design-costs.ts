/**
 * The static hot-path cost of every registered design (src/designs/registry.ts): each design's
 * system machine is built for one small scenario; {@link hotPathCost} counts the stores of
 * one `net_dma` find → put pair in the usual case and {@link worstHotPathCost} the costliest
 * pair from any reachable state (removal under way included). A design added to the
 * registry shows up here unchanged.
 * @module
 */
import Table from 'cli-table3';
import { systemFor } from '../../src/designs/registry.ts';
import { DESIGN_MODELS } from '../../src/designs/models.ts';
import { DEFAULT_SCENARIO, type DesignName, type Scenario } from '../../src/scenario.ts';
import { hotPathCost, worstHotPathCost, type PairCost, type WorstPairCost } from './static-cost.ts';

/** The thread whose hot path is counted. */
const CLIENT = 'net0';

/**
 * The smallest scenario with a hot path: 2 CPUs, one IOH with one single-channel memcpy
 * device, one cooperative net_dma client on CPU 0.
 */
export function costScenario(design: string): Scenario {
  return {
    ...DEFAULT_SCENARIO,
    name: `hotpath-cost-${design}`,
    cpus: 2,
    iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 1, capabilities: ['memcpy'] }] }],
    clients: [{ name: CLIENT, kind: 'net_dma', cpu: 0, capability: 'memcpy', releases: true, busy: false, migrates: false, rounds: 1 }],
    design: design as DesignName,
  };
}

/** One design's figures (the usual pair and the costliest reachable one), or why it could not be counted. */
export type DesignCost =
  | { readonly design: string; readonly cost: PairCost; readonly worst: WorstPairCost }
  | { readonly design: string; readonly error: string };

/** Counts the hot path of the named designs (default: every registered one). */
export function designCosts(designs: readonly string[] = Object.keys(DESIGN_MODELS)): DesignCost[] {
  return designs.map((design) => {
    try {
      const model = systemFor(costScenario(design));
      return { design, cost: hotPathCost(model, { thread: CLIENT }), worst: worstHotPathCost(model, { thread: CLIENT }) };
    } catch (err) {
      return { design, error: (err as Error).message };
    }
  });
}

/**
 * The static-cost table: stores per find/put pair by class and the fields they hit, in the
 * usual case (nothing being removed), and the costliest pair from any reachable state.
 */
export function designCostTable(costs: readonly DesignCost[]): string {
  const table = new Table({
    head: ['design', 'shared-line writes', 'CPU-local writes', 'fields written', 'worst: shared', 'worst: local', 'pairs counted'],
    style: { head: [], border: [] },
  });
  for (const c of costs) {
    if ('error' in c) table.push([c.design, { colSpan: 6, content: `not counted: ${c.error}` }]);
    else {
      const fields = [...c.cost.sharedFields, ...c.cost.localFields].join(' ') || '-';
      table.push([c.design, c.cost.sharedWrites, c.cost.localWrites, fields, c.worst.worst.sharedWrites, c.worst.worst.localWrites, c.worst.pairs]);
    }
  }
  return table.toString();
}
