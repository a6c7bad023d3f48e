/**
 * The static cost of a design's hot path, counted from its statechart rather than claimed:
 * run one client's steps from its `find` to its `put` through xstate with every action rule wrapped so
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
 * It works on any {@link ScenarioModel} in the machines/kit.ts subset, so a user's own design
 * gets the same treatment as the built-in ones. Writes are counted as stores executed (a
 * store of an unchanged value counts), not as fields whose value differs.
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { implementations, type ActionRule, type Rules, type StepEvent } from '../../machines/kit.ts';
import type { ScenarioModel } from '../../machines/make.ts';
import { snapshotView } from '../../machines/xstate.ts';

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
  /** The thread's steps between find and put (counted too: the RFC's find is several statements; the DMA use itself stores nothing shared). */
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
  model: ScenarioModel,
  machine: ScenarioModel['machine'],
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

/** Runs find → put pairs of one thread on a recording copy of a model's machine. */
class PairCounter {
  readonly machine: ScenarioModel['machine'];
  readonly initial: AnyMachineSnapshot;
  readonly findType: string;
  private readonly putType: string;
  private readonly limit: number;
  private readonly classify: (path: string, ctxBefore: any) => WriteClass;
  /** Where the recording actions append their stores; null: not recording. */
  private log: string[] | null = null;

  constructor(
    private readonly model: ScenarioModel,
    private readonly options: CostOptions,
  ) {
    const { thread } = options;
    if (!model.threads.includes(thread)) throw new HotPathCostError(`${model.name}: no thread ${thread} (threads: ${model.threads.join(', ')})`);
    this.findType = `${thread}.${options.find ?? 'find'}`;
    this.putType = `${thread}.${options.put ?? 'put'}`;
    this.limit = options.maxStates ?? 20_000;
    const threadField = options.threadField ?? 'threads';
    const threadIndex = options.threadIndex ?? model.scenario.clients.findIndex((c) => c.name === thread);
    const cpuOf = options.cpuOf ?? ((ctx: any) => ctx[threadField][threadIndex].cpu as number);

    // The same machine with every action recording its stores while `log` is set.
    const actions: Record<string, ActionRule<object>> = {};
    for (const [name, rule] of Object.entries(model.rules.actions))
      actions[name] = (draft, params, event) => rule(this.log ? recording(draft, [], this.log) : draft, params, event);
    const rules: Rules<object> = { guards: model.rules.guards, actions };
    this.machine = model.machine.provide({ actions: implementations(rules).actions } as never);
    [this.initial] = initialTransition(this.machine);

    const perCpu = new Set(options.perCpuFields ?? defaultPerCpuFields(this.initial.context, model.scenario.cpus));
    this.classify = (path, ctxBefore) => {
      const [head, index] = path.split('.');
      if (head === threadField) return Number(index) === threadIndex ? 'thread' : 'shared';
      if (perCpu.has(head) && index !== undefined) return Number(index) === cpuOf(ctxBefore) ? 'local' : 'shared';
      return 'shared';
    };
  }

  /** Takes one step, recording and classifying its stores. */
  private step(snapshot: AnyMachineSnapshot, event: StepEvent): { cost: StepCost; next: AnyMachineSnapshot } {
    const stores: string[] = [];
    this.log = stores;
    let next: AnyMachineSnapshot;
    try {
      [next] = transition(this.machine, snapshot, event as never);
    } finally {
      this.log = null;
    }
    const writes = stores.map((path) => ({ path, class: this.classify(path, snapshot.context) }));
    const count = (c: WriteClass) => writes.filter((w) => w.class === c).length;
    return { cost: { event, writes, shared: count('shared'), local: count('local'), thread: count('thread') }, next };
  }

  /** The first state (breadth first from `from`, through `allowed` events) where `goal` is enabled. */
  search(from: AnyMachineSnapshot, goal: string, allowed: (e: StepEvent) => boolean) {
    return searchFor(this.model, this.machine, from, goal, allowed, this.limit);
  }

  /** The pair that starts with `find` in `snapshot` (reached by `prefix`). */
  pairFrom(snapshot: AnyMachineSnapshot, prefix: readonly StepEvent[], find: StepEvent): PairCost {
    const { thread } = this.options;
    const found = this.step(snapshot, find);
    const toPut = this.search(found.next, this.putType, (e) => e.type.startsWith(`${thread}.`) && e.type !== this.findType);
    // The steps between belong to the pair too when the design's find is several
    // statements (the RFC's this_cpu_inc is the step after the table read).
    let at = found.next;
    const between: StepCost[] = [];
    for (const e of toPut.path) {
      const s = this.step(at, e);
      between.push(s.cost);
      at = s.next;
    }
    const put = this.step(toPut.snapshot, toPut.event);
    const all = [...found.cost.writes, ...between.flatMap((b) => b.writes), ...put.cost.writes];
    const sum = (k: 'shared' | 'local' | 'thread') => found.cost[k] + between.reduce((a, b) => a + b[k], 0) + put.cost[k];
    const fields = (c: WriteClass) => [...new Set(all.filter((w) => w.class === c).map((w) => w.path))].sort();
    return {
      model: this.model.name,
      thread,
      prefix,
      find: found.cost,
      between: toPut.path,
      put: put.cost,
      sharedWrites: sum('shared'),
      localWrites: sum('local'),
      threadWrites: sum('thread'),
      sharedFields: fields('shared'),
      localFields: fields('local'),
    };
  }
}

/**
 * Counts the stores of one find → put pair of `options.thread`: the shortest way to a state
 * where its find is enabled, the find, the thread's shortest way on to its put (its `use`),
 * and the put; only the find and the put are counted. This is the common case: nothing is
 * being removed.
 * @throws HotPathCostError if the thread or its steps cannot be reached.
 */
export function hotPathCost(model: ScenarioModel, options: CostOptions): PairCost {
  const counter = new PairCounter(model, options);
  const toFind = counter.search(counter.initial, counter.findType, () => true);
  return counter.pairFrom(toFind.snapshot, toFind.path, toFind.event);
}

/** The costliest pair over every reachable state, and how many pairs were counted. */
export interface WorstPairCost {
  /** Most shared-line writes, then most local writes; the earliest such state breadth first. */
  readonly worst: PairCost;
  /** Reachable states where the find is enabled (one pair counted from each). */
  readonly pairs: number;
  readonly states: number;
}

/**
 * Counts a find → put pair from every reachable state where the thread's find is enabled
 * (during a removal, after a percpu_ref is killed, ...) and returns the costliest: what a
 * design's hot path can cost, not just what it usually costs.
 * @throws HotPathCostError if more than `options.maxStates` states are reachable.
 */
export function worstHotPathCost(model: ScenarioModel, options: CostOptions): WorstPairCost {
  const counter = new PairCounter(model, options);
  const limit = options.maxStates ?? 20_000;
  const key = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);
  const states: { snapshot: AnyMachineSnapshot; parent: number; via: StepEvent | null }[] = [{ snapshot: counter.initial, parent: -1, via: null }];
  const seen = new Set([key(counter.initial)]);
  const pathTo = (i: number): StepEvent[] => {
    const out: StepEvent[] = [];
    for (let s = states[i]; s.parent >= 0; s = states[s.parent]) out.push(s.via!);
    return out.reverse();
  };
  let worst: PairCost | undefined;
  let pairs = 0;
  for (let i = 0; i < states.length; i++) {
    const { snapshot } = states[i];
    const enabled = model.enabledEvents(snapshotView(snapshot));
    const find = enabled.find((e) => e.type === counter.findType);
    if (find) {
      pairs++;
      const pair = counter.pairFrom(snapshot, [], find);
      if (!worst || pair.sharedWrites > worst.sharedWrites || (pair.sharedWrites === worst.sharedWrites && pair.localWrites > worst.localWrites))
        worst = { ...pair, prefix: pathTo(i) };
    }
    for (const e of enabled) {
      const [next] = transition(counter.machine, snapshot, e as never);
      const k = key(next);
      if (seen.has(k)) continue;
      if (seen.size >= limit) throw new HotPathCostError(`${model.name}: more than ${limit} reachable states`);
      seen.add(k);
      states.push({ snapshot: next, parent: i, via: e });
    }
  }
  if (!worst) throw new HotPathCostError(`${model.name}: ${counter.findType} is never enabled`);
  return { worst, pairs, states: states.length };
}
