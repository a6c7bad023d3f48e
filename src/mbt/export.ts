/**
 * Exported test paths, format `dmaspec-paths/2`: JSON Lines another implementation (a C or
 * Rust harness) can replay on its own. docs/replaying-paths.md is the reader's guide;
 * schema/dmaspec-paths-2.schema.json is the JSON Schema of each line.
 *
 * ```
 * {"kind":"header", "format":"dmaspec-paths/2", generator, machine, model, description,
 *  scenario, implementation: {scenario, reduced, steps}, events: [...], observable: [...],
 *  encoding, graph: {states, transitions}, counts: "trailer", initial: {observable, enabled}}
 * {"kind":"path", "id":0, "steps":[{"event":{type,...payload}, "observable":{...}, "enabled":[...]}, ...]}
 * ...                                                       one line per path, as generated
 * {"kind":"trailer", "paths":N, "steps":M}
 * ```
 * The graph's size is known before the first path and is in the header; the path and step
 * counts are known only at the end and are in the trailer line (a file without one was cut
 * short). Each expected state is computed once per graph state and kept as a JSON fragment,
 * so memory grows with the graph, never with the file.
 * @module
 */
import { createRequire } from 'node:module';
import type { AnyMachineSnapshot } from 'xstate';
import type { StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import type { Scenario } from '../scenario.ts';
import type { BuiltTarget, ConformanceTarget, ImplementationSetup } from './adapters/index.ts';
import { eventLabel } from '../../spec/vocabulary.ts';
import { generatePaths, type PathKind } from './conformance.ts';
import { firstDifference } from './diff.ts';
import type { FieldDoc } from './fields.ts';
import { edgesAlong, indexGraph } from './graph-index.ts';
import { ConformanceError, type Adapter, type ReplayStats } from './replay.ts';
import { snapshotView } from '../../machines/xstate.ts';
import { vocabulary, type VocabularyEntry } from './vocabulary.ts';
import { exportGuards, type GuardExport, type GuardInput, type GuardNode, type JsonValue } from './guards.ts';

/** The format name every header carries. */
export const PATHS_FORMAT = 'dmaspec-paths/3';

/** This package's version (package.json), for the header. */
// The package's own package.json, by name (package.json `exports`): the same from the sources and the build.
export const PACKAGE_VERSION: string = (createRequire(import.meta.url)('dmaspec/package.json') as { version: string }).version;

/** The expected state at one point of a path. */
export interface ExpectedAt {
  /** The adapter's projection: the fields of the header's `observable` list. */
  readonly observable: Record<string, unknown>;
  /** Labels of the machine's events enabled here, sorted by UTF-16 code unit; labels are ASCII, so this is byte order (C's strcmp). */
  readonly enabled: readonly string[];
  /** The values of the guards' program inputs here (header `guards.inputs` with source `program`), by name. */
  readonly program: Readonly<Record<string, JsonValue>>;
  /** xstate internals, only with `includeInternals`: not part of the comparison. */
  readonly state?: unknown;
  readonly context?: unknown;
}

/** One exported step: the event and the state expected after it. */
export type ExportedStep = ExpectedAt & { readonly event: StepEvent };

/** How a file was generated. */
export interface GeneratorOptions {
  readonly package: 'dmaspec';
  readonly version: string;
  /** `states`: a shortest path to every state; `transitions`: walks over every edge; `both`. */
  readonly paths: PathKind;
  /** The state limit the graph had to stay under. */
  readonly limit: number;
  /** Where the state paths came from: @xstate/graph's TestModel (small graphs) or dmaspec's BFS. */
  readonly statePaths: 'xstate-graph' | 'bfs';
  readonly includeInternals: boolean;
}

/** The first line of a file. */
export interface HeaderLine {
  readonly kind: 'header';
  readonly format: typeof PATHS_FORMAT;
  readonly generator: GeneratorOptions;
  /** The machine as `dmaspec paths --machine` spells it. */
  readonly machine: string;
  /** The built model's own name (e.g. `system:rfc-wait`, `release:notifier`): informative only. */
  readonly model: string;
  /** What the observable holds and what the paths drive, in words. */
  readonly description: string;
  /** The complete scenario the machine was built from. */
  readonly scenario: Scenario;
  /** What the implementation under test is built from, and the set-up steps before the initial state. */
  readonly implementation: ImplementationSetup;
  /** Every event a path may contain, with its guard. */
  readonly events: readonly (VocabularyEntry & { readonly guard: number; readonly timer: boolean })[];
  /** The guards' inputs and decision-tree nodes (src/mbt/guards.ts). */
  readonly guards: { readonly inputs: readonly GuardInput[]; readonly nodes: readonly GuardNode[] };
  /** Every field of `observable`, with its encoding and kernel meaning. */
  readonly observable: readonly FieldDoc[];
  /** The encodings, in words. */
  readonly encoding: Readonly<Record<string, string>>;
  /** The explored state graph's size. */
  readonly graph: { readonly states: number; readonly transitions: number };
  /** Where the path and step counts are: in the trailer line. */
  readonly counts: 'trailer';
  /** The state expected after the set-up steps, before any path step. */
  readonly initial: ExpectedAt;
}

/** One path: every path starts from the initial state. */
export interface PathLine {
  readonly kind: 'path';
  readonly id: number;
  readonly steps: readonly ExportedStep[];
}

/** The last line. */
export interface TrailerLine {
  readonly kind: 'trailer';
  readonly paths: number;
  readonly steps: number;
}

/** Any line of a file. */
export type PathsLine = HeaderLine | PathLine | TrailerLine;

/** What `dmaspec paths` exports with. */
export interface ExportOptions {
  readonly paths: PathKind;
  readonly limit: number;
  readonly includeInternals: boolean;
  /**
   * Emit only the paths whose id this accepts (a replay that samples every Nth path): the
   * others are neither serialised nor yielded, and the trailer still counts every path. A
   * file written with it is not a whole export (its ids have gaps); for in-process replays.
   */
  readonly keep?: (id: number) => boolean;
}

const ENCODING = {
  boolean: 'JSON true / false, in every machine',
  integer: 'JSON number without fraction (counts, CPU numbers)',
  null: 'JSON null: no value (no channel, not in the loop)',
  enabled:
    'event labels: the type, then " field=value" per payload field in field-name order (a string value written as is); labels are ASCII and the list is sorted by byte (C strcmp; the same as by UTF-16 code unit)',
  program:
    'an object: the value of every guard input whose source is program, by its name; region inputs are the state name, slots integers (0/1 flags, -1 none)',
  guard:
    'a node index into guards.nodes; a node {input, cases} reads guards.inputs[input] and continues at node next of the case whose values hold it; {value} ends: true enabled, false not, null never reached',
  timer: 'events with timer true are enabled only when their guard holds and no event with timer false is enabled',
  event: 'a JSON object: "type" plus the payload fields of the header\'s events list',
};

/**
 * The lines of the export of `built` (`target` built from a scenario), each ending in a newline, produced one at a
 * time so a writer can stream them. Deterministic.
 * @throws StateLimitError (before the first line) when the graph exceeds `options.limit`;
 *   TargetScenarioError when the scenario lacks what the machine models.
 */
export function* exportLines(
  target: Pick<ConformanceTarget, 'name' | 'description' | 'fields'>,
  built: BuiltTarget,
  options: ExportOptions,
): Generator<string, TrailerLine> {
  const { model, adapter, implementation } = built;
  const { graph, paths, generator } = generatePaths(model, options.paths, options.limit);
  const guards = exportGuards(model, built.inputField, options.limit, built.variables);
  const fragments = new Map<number, string>();
  const expectedJson = (state: number) => {
    let f = fragments.get(state);
    if (f === undefined)
      fragments.set(state, (f = JSON.stringify(expectedAt(model, adapter, guards, graph.states[state].snapshot, options.includeInternals)).slice(1, -1)));
    return f;
  };
  const header: HeaderLine = {
    kind: 'header',
    format: PATHS_FORMAT,
    generator: {
      package: 'dmaspec',
      version: PACKAGE_VERSION,
      paths: options.paths,
      limit: options.limit,
      statePaths: generator,
      includeInternals: options.includeInternals,
    },
    machine: target.name,
    model: model.name,
    description: target.description,
    // As built: a release-<design> machine's scenario carries its design.
    scenario: model.scenario,
    implementation,
    events: vocabulary(model).map((entry, i) => ({ ...entry, guard: guards.roots[i], timer: guards.timers[i] })),
    guards: { inputs: guards.inputs, nodes: guards.nodes },
    observable: target.fields,
    encoding: ENCODING,
    graph: { states: graph.states.length, transitions: graph.edges.length },
    counts: 'trailer',
    initial: JSON.parse(`{${expectedJson(0)}}`) as ExpectedAt,
  };
  yield JSON.stringify(header) + '\n';
  const index = indexGraph(graph);
  let steps = 0;
  for (let id = 0; id < paths.length; id++) {
    const path = paths[id];
    steps += path.length;
    if (options.keep && !options.keep(id)) continue;
    const parts = edgesAlong(index, path).map((e, i) => `{"event":${JSON.stringify(path[i])},${expectedJson(graph.edges[e].to)}}`);
    yield `{"kind":"path","id":${id},"steps":[${parts.join(',')}]}\n`;
  }
  const trailer: TrailerLine = { kind: 'trailer', paths: paths.length, steps };
  yield JSON.stringify(trailer) + '\n';
  return trailer;
}

/** The expected state of a snapshot: the adapter's projection, with the enabled events listed apart for every machine. */
function expectedAt(model: MachineModel, adapter: Adapter, guards: GuardExport, snapshot: AnyMachineSnapshot, internals: boolean): ExpectedAt {
  // The system-context adapters project `enabled` too (the same labels): one place for it.
  const { enabled: _, ...observable } = adapter.expected(snapshot) as Record<string, unknown>;
  const enabled = model.enabledEvents(snapshotView(snapshot)).map(eventLabel).sort();
  const program = guards.programOf(snapshot, observable);
  return internals ? { observable, enabled, program, state: snapshot.value, context: snapshot.context } : { observable, enabled, program };
}

/**
 * Replays an exported file, line by line, on an implementation through `adapter`: the
 * adapter's observation is compared with each `observable`, and, when the adapter reports
 * `enabled` (the system-context adapters do), with each `enabled` list too.
 * @throws ConformanceError at the first difference (or when the implementation refuses a
 *   step); Error when the lines are not a whole file (no header first, no trailer, counts wrong).
 */
export function replayPathsLines(lines: Iterable<string>, adapter: Adapter): ReplayStats {
  let header: HeaderLine | undefined;
  let trailer: TrailerLine | undefined;
  let paths = 0;
  let steps = 0;
  for (const text of lines) {
    if (text.trim() === '') continue;
    const line = JSON.parse(text) as PathsLine;
    if (!header) {
      if (line.kind !== 'header' || line.format !== PATHS_FORMAT) throw new Error(`not a ${PATHS_FORMAT} file: the first line is not its header`);
      header = line;
      continue;
    }
    if (trailer) throw new Error('a line after the trailer');
    if (line.kind === 'trailer') {
      trailer = line;
      continue;
    }
    if (line.kind !== 'path') throw new Error(`unexpected line kind ${JSON.stringify(line.kind)}`);
    const events = line.steps.map((s) => s.event);
    const { machine } = header;
    const check = (want: ExpectedAt, i: number) => {
      const got = JSON.parse(JSON.stringify(adapter.observe())) as Record<string, unknown>;
      const { enabled, ...observable } = got;
      const d = firstDifference(
        enabled === undefined ? want.observable : { ...want.observable, enabled: want.enabled },
        enabled === undefined ? observable : { ...observable, enabled },
      );
      if (d) throw new ConformanceError(machine, events, i, d.path, d.expected, d.actual);
    };
    adapter.reset();
    check(header.initial, -1);
    line.steps.forEach((s, i) => {
      try {
        adapter.step(s.event);
      } catch (err) {
        throw new ConformanceError(machine, events, i, 'step', 'accepted', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
      check(s, i);
    });
    paths++;
    steps += line.steps.length;
  }
  if (!header) throw new Error('empty file');
  if (!trailer) throw new Error('no trailer line: the file was cut short');
  if (trailer.paths !== paths || trailer.steps !== steps)
    throw new Error(`trailer says ${trailer.paths} paths / ${trailer.steps} steps, the file has ${paths} / ${steps}`);
  return { paths, steps };
}
