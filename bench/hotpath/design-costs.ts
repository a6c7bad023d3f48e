/**
 * The static hot-path cost of every registered design (src/designs/models.ts): each design's
 * system machine is built for one small scenario and {@link hotPathCost} counts the stores
 * of one `net_dma` find → put pair. A design added to the registry shows up here unchanged.
 * @module
 */
import Table from 'cli-table3';
import { buildSystem } from '../../machines/system/index.ts';
import { DESIGN_MODELS } from '../../src/designs/models.ts';
import { DEFAULT_SCENARIO, type DesignName, type Scenario } from '../../src/scenario.ts';
import { hotPathCost, type PairCost } from './static-cost.ts';

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

/** One design's figure, or why it could not be counted. */
export type DesignCost = { readonly design: string; readonly cost: PairCost } | { readonly design: string; readonly error: string };

/** Counts the hot path of every registered design. */
export function designCosts(): DesignCost[] {
  return Object.keys(DESIGN_MODELS).map((design) => {
    try {
      return { design, cost: hotPathCost(buildSystem(costScenario(design)), { thread: CLIENT }) };
    } catch (err) {
      return { design, error: (err as Error).message };
    }
  });
}

/** The static-cost table: stores per find/put pair by class, and which fields they hit. */
export function designCostTable(costs: readonly DesignCost[]): string {
  const table = new Table({
    head: ['design', 'shared-line writes', 'CPU-local writes', 'shared fields', 'local fields'],
    style: { head: [], border: [] },
  });
  for (const c of costs) {
    if ('error' in c) table.push([c.design, { colSpan: 4, content: `not counted: ${c.error}` }]);
    else table.push([c.design, c.cost.sharedWrites, c.cost.localWrites, c.cost.sharedFields.join(' ') || '-', c.cost.localFields.join(' ') || '-']);
  }
  return table.toString();
}
