/**
 * The static cost of a design's hot path, counted from its statechart rather than claimed:
 * run one client's `find` and `put` steps through xstate with every action rule wrapped so
 * that each store into the context is recorded, then classify each store by where the
 * kernel variable it models lives:
 *
 * - `local`: an element of a per-CPU array at the index of the CPU the thread runs on
 *   (`ref[cpu]`, the RFC's `this_cpu_inc`): a CPU-local cache line;
 * - `thread`: the thread's own record (`threads[t].chan`, its round counter): the caller's
 *   registers and stack, or model bookkeeping, never a shared line;
 * - `shared`: everything else (a global count, `dirty`, a channel's `client_count`, another
 *   CPU's per-CPU slot): a cache line other CPUs also write.
 *
 * It works on any {@link MachineModel} in the machines/kit.ts subset, so a user's own design
 * gets the same treatment as the built-in ones. Writes are counted as stores executed (a
 * store of an unchanged value counts), not as fields whose value differs.
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { implementations, type ActionRule, type Rules, type StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import { snapshotView } from '../../src/mbt/view.ts';

/** Where a store lands; see the module comment. */
export type WriteClass = 'shared' | 'local' | 'thread';

/** One store an action made: the context path (`ref.1`, `threads.0.chan`) and its class. */
export interface Write {
  readonly path: string;
  readonly class: WriteClass;
}

/** The stores of one step. */
export interface StepCost {
  readonly event: StepEvent;
  readonly writes: readonly Write[];
  readonly shared: number;
  readonly local: number;
  readonly thread: number;
}

/** The cost of one find → put pair of one thread. */
export interface PairCost {
  readonly model: string;
  readonly thread: string;
  /** Events from the initial state to the first state where the find is enabled. */
  readonly prefix: readonly StepEvent[];
  readonly find: StepCost;
  /** The thread's steps between find and put (not counted: the DMA use itself). */
  readonly between: readonly StepEvent[];
  readonly put: StepCost;
  /** Stores to shared cache lines per pair (find + put). */
  readonly sharedWrites: number;
  /** Stores to the running CPU's own per-CPU slots per pair. */
  readonly localWrites: number;
  /** Stores to the thread's own state per pair (not memory traffic). */
  readonly threadWrites: number;
  /** Distinct shared paths written, sorted. */
  readonly sharedFields: readonly string[];
  /** Distinct local paths written, sorted. */
  readonly localFields: readonly string[];
}

/** How to count; every field has a default that fits the system machine (machines/system). */
export interface CostOptions {
  /** The client thread whose hot path is counted (a name of `model.threads`). */
  readonly thread: string;
  /** Step names of the pair (default `find` and `put`: `<thread>.find`, `<thread>.put`). */
  readonly find?: string;
  readonly put?: string;
  /**
   * Top-level context fields that are per-CPU arrays. Default: every top-level array of
   * numbers whose length is the scenario's CPU count (`ref`, `cpuOnline`).
   */
  readonly perCpuFields?: readonly string[];
  /** Top-level context field holding one record per client thread (default `threads`). */
  readonly threadField?: string;
  /** Index of the thread in that field (default: its index among `model.scenario.clients`). */
  readonly threadIndex?: number;
  /** The CPU the thread runs on in a context (default `ctx[threadField][threadIndex].cpu`). */
  cpuOf?(ctx: any): number;
  /** Most states the searches for the find and the put may visit (default 20 000). */
  readonly maxStates?: number;
}

/** The model cannot run the pair: no such thread, step never enabled, or a state limit hit. */
export class HotPathCostError extends Error {
  override readonly name = 'HotPathCostError';
}

/** Wraps `target` so that every property store below it appends its dotted path to `log`. */
function recording<T extends object>(target: T, path: readonly string[], log: string[]): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      const v = Reflect.get(t, key, receiver);
      return typeof key === 'string' && v !== null && typeof v === 'object' ? recording(v, [...path, key], log) : v;
    },
    set(t, key, value, receiver) {
      log.push([...path, String(key)].join('.'));
      return Reflect.set(t, key, value, receiver);
    },
    deleteProperty(t, key) {
      log.push([...path, String(key)].join('.'));
      return Reflect.deleteProperty(t, key);
    },
  });
}

/** Breadth-first search from `start` for the first snapshot where `goal` is enabled, through `allowed` events. */
function searchFor(
  model: MachineModel,
  machine: MachineModel['machine'],
  start: AnyMachineSnapshot,
  goal: string,
  allowed: (e: StepEvent) => boolean,
  limit: number,
): { path: StepEvent[]; snapshot: AnyMachineSnapshot; event: StepEvent } {
  const key = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);
  const queue: { snapshot: AnyMachineSnapshot; path: StepEvent[] }[] = [{ snapshot: start, path: [] }];
  const seen = new Set([key(start)]);
  for (let i = 0; i < queue.length; i++) {
    const { snapshot, path } = queue[i];
    const enabled = model.enabledEvents(snapshotView(snapshot));
    const hit = enabled.find((e) => e.type === goal);
    if (hit) return { path, snapshot, event: hit };
    for (const e of enabled) {
      if (!allowed(e)) continue;
      const [next] = transition(machine, snapshot, e as never);
      const k = key(next);
      if (seen.has(k)) continue;
      if (seen.size >= limit) throw new HotPathCostError(`${model.name}: ${goal} not enabled within ${limit} states`);
      seen.add(k);
      queue.push({ snapshot: next, path: [...path, e] });
    }
  }
  throw new HotPathCostError(`${model.name}: ${goal} is never enabled`);
}

/** Per-CPU fields by default: top-level number arrays as long as the CPU count. */
function defaultPerCpuFields(ctx: Record<string, unknown>, cpus: number): string[] {
  return Object.keys(ctx).filter((k) => {
    const v = ctx[k];
    return Array.isArray(v) && v.length === cpus && v.every((x) => typeof x === 'number');
  });
}

/**
 * Counts the stores of one find → put pair of `options.thread`: the shortest way to a state
 * where its find is enabled, the find, the thread's shortest way on to its put (its `use`),
 * and the put; only the find and the put are counted.
 * @throws HotPathCostError if the thread or its steps cannot be reached.
 */
export function hotPathCost(model: MachineModel, options: CostOptions): PairCost {
  const { thread } = options;
  if (!model.threads.includes(thread)) throw new HotPathCostError(`${model.name}: no thread ${thread} (threads: ${model.threads.join(', ')})`);
  const findType = `${thread}.${options.find ?? 'find'}`;
  const putType = `${thread}.${options.put ?? 'put'}`;
  const limit = options.maxStates ?? 20_000;
  const threadField = options.threadField ?? 'threads';
  const threadIndex = options.threadIndex ?? model.scenario.clients.findIndex((c) => c.name === thread);
  const cpuOf = options.cpuOf ?? ((ctx: any) => ctx[threadField][threadIndex].cpu as number);

  // The same machine with every action recording its stores while `log` is set.
  let log: string[] | null = null;
  const actions: Record<string, ActionRule<object>> = {};
  for (const [name, rule] of Object.entries(model.rules.actions))
    actions[name] = (draft, params, event) => rule(log ? recording(draft, [], log) : draft, params, event);
  const rules: Rules<object> = { guards: model.rules.guards, actions };
  const machine = model.machine.provide({ actions: implementations(rules).actions } as never);

  const [initial] = initialTransition(machine);
  const perCpu = new Set(options.perCpuFields ?? defaultPerCpuFields(initial.context, model.scenario.cpus));
  const classify = (path: string, ctxBefore: any): WriteClass => {
    const [head, index] = path.split('.');
    if (head === threadField) return Number(index) === threadIndex ? 'thread' : 'shared';
    if (perCpu.has(head) && index !== undefined) return Number(index) === cpuOf(ctxBefore) ? 'local' : 'shared';
    return 'shared';
  };
  const step = (snapshot: AnyMachineSnapshot, event: StepEvent): { cost: StepCost; next: AnyMachineSnapshot } => {
    const stores: string[] = [];
    log = stores;
    let next: AnyMachineSnapshot;
    try {
      [next] = transition(machine, snapshot, event as never);
    } finally {
      log = null;
    }
    const writes = stores.map((path) => ({ path, class: classify(path, snapshot.context) }));
    const count = (c: WriteClass) => writes.filter((w) => w.class === c).length;
    return { cost: { event, writes, shared: count('shared'), local: count('local'), thread: count('thread') }, next };
  };

  const toFind = searchFor(model, machine, initial, findType, () => true, limit);
  const find = step(toFind.snapshot, toFind.event);
  const toPut = searchFor(model, machine, find.next, putType, (e) => e.type.startsWith(`${thread}.`) && e.type !== findType, limit);
  const put = step(toPut.snapshot, toPut.event);
  const all = [...find.cost.writes, ...put.cost.writes];
  const fields = (c: WriteClass) => [...new Set(all.filter((w) => w.class === c).map((w) => w.path))].sort();
  return {
    model: model.name,
    thread,
    prefix: toFind.path,
    find: find.cost,
    between: toPut.path,
    put: put.cost,
    sharedWrites: find.cost.shared + put.cost.shared,
    localWrites: find.cost.local + put.cost.local,
    threadWrites: find.cost.thread + put.cost.thread,
    sharedFields: fields('shared'),
    localFields: fields('local'),
  };
}
