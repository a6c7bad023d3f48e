/**
 * One conformance run: build a target's machine from a scenario, explore it, generate
 * paths (a shortest path to every state, walks over every edge), replay them on the
 * implementation through the target's adapter, and measure coverage.
 *
 * Path generation: for graphs up to {@link TEST_MODEL_LIMIT} states the state paths come
 * from @xstate/graph's `createTestModel(...).getShortestPaths()`; beyond that from our own
 * BFS (machines/xstate.ts), because TestModel's prefix de-duplication is quadratic in the
 * number of paths (84 s at 4.9k states measured here) where ours sorts (n log n).
 * The edge walks are always ours.
 * @module
 */
import type { MachineModel } from '../../machines/model.ts';
import type { Scenario } from '../scenario.ts';
import type { ConformanceTarget } from './adapters/index.ts';
import { coverageRow } from './coverage.ts';
import type { ReportRow } from './coverage-table.ts';
import { exploreWithXstate, type StateGraph } from '../../machines/xstate.ts';
import { dropPrefixes, edgeCoverWalks, stateCoverPaths, testModelShortestPaths, type EventPath } from './paths.ts';
import { replayOnGraph } from './replay.ts';

/** Graphs up to this many states get their state paths from @xstate/graph's TestModel. */
export const TEST_MODEL_LIMIT = 600;

/** Which paths to generate. */
export type PathKind = 'states' | 'transitions' | 'both';

/** The machine, its graph and the generated paths. */
export interface GeneratedPaths {
  readonly model: MachineModel;
  readonly graph: StateGraph;
  readonly paths: readonly EventPath[];
  /** Where the state paths came from. */
  readonly generator: 'xstate-graph' | 'bfs';
}

/** Explores `model` and generates paths of `kind`. */
export function generatePaths(model: MachineModel, kind: PathKind = 'both', limit = 50_000): GeneratedPaths {
  const graph = exploreWithXstate(model, { limit });
  const small = graph.states.length <= TEST_MODEL_LIMIT;
  const statePaths = kind === 'transitions' ? [] : small ? testModelShortestPaths(model) : stateCoverPaths(graph);
  const walks = kind === 'states' ? [] : edgeCoverWalks(graph);
  return { model, graph, paths: dropPrefixes([...walks, ...statePaths]), generator: small ? 'xstate-graph' : 'bfs' };
}

/** Runs target `target` on `scenario`: generate, replay (throws ConformanceError), cover. */
export function runConformance(target: ConformanceTarget, scenario: Scenario, kind: PathKind = 'both', limit = 50_000): ReportRow {
  const t0 = performance.now();
  const { model, adapter } = target.build(scenario);
  const { graph, paths } = generatePaths(model, kind, limit);
  replayOnGraph(model, graph, adapter, paths);
  const row = coverageRow(model, graph, paths);
  return {
    ...row,
    machine: target.name === model.name ? row.machine : `${target.name} (${model.name})`,
    scenario: `${scenario.name}/${scenario.design}`,
    ms: performance.now() - t0,
  };
}
