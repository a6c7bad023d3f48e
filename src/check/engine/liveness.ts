/**
 * Liveness: "whenever `trigger`, eventually `goal`" under weak fairness of threads (a thread
 * continuously enabled eventually steps). A counterexample is a path to a state where the
 * trigger holds and the goal does not, continued through goal-free states to either a state
 * with no successor (a deadlock, or a final state the goal never reached) or a weakly fair
 * cycle: a strongly connected set of goal-free states in which every thread either steps or
 * is disabled somewhere. A thread's steps are its own events; scheduler actions on it
 * (`migrate`: the model's `schedulerSteps`) neither count as its progress nor make it enabled. For weak fairness one check per SCC suffices: a thread enabled in
 * every state of an SCC and never stepping inside it is unfair for every cycle in it too.
 *
 * Needs the exploration's edge lists, made without thread symmetry (CPU symmetry keeps
 * thread identities, so fairness per thread survives the quotient).
 *
 * Known limits: weak fairness only (no strong fairness: a thread enabled infinitely often
 * but not continuously may starve, and the search reports it, as the mutual exclusion test
 * of test/check/engine/foreign.test.ts shows); the cycle search runs on one thread after the
 * exploration, over edge lists held whole in memory; one property at a time.
 * @module
 */
import type { MachineModel } from '../../../machines/model.ts';
import { RowView } from './compile.ts';
import type { EdgeLists, Exploration } from './explore.ts';
import type { LivenessProperty } from './properties.ts';
import { sameRow } from './store.ts';
import { Concretizer, describeRun, storedPath, type Trace, type TraceLens } from './trace.ts';

/** Where a liveness counterexample ends, in stored ids. */
interface BadEnd {
  readonly prefix: number[];
  readonly prefer: number[];
  readonly cycle?: { ids: number[]; events: number[] };
  readonly kind: 'deadlock' | 'final' | 'cycle';
}

/** The outcome of a liveness check: a counterexample, or none; `triggered` false when the trigger never holds (vacuous). */
export interface LivenessOutcome {
  readonly trace: Trace | null;
  readonly triggered: boolean;
}

/** Checks one liveness property: a lasso (or dead-end) counterexample, or none when it holds. */
export function checkLiveness<C extends object>(x: Exploration<C>, prop: LivenessProperty<C>, lens: TraceLens<C>): LivenessOutcome {
  const found = findBadEnd(x, prop);
  if (found === 'untriggered') return { trace: null, triggered: false };
  return { trace: found && concreteLasso(x, found, lens), triggered: true };
}

function concreteLasso<C extends object>(x: Exploration<C>, bad: BadEnd, lens: TraceLens<C>): Trace {
  const c = new Concretizer(x);
  const start = x.initial;
  const pre = c.follow(start, bad.prefix, bad.prefer);
  const entry = pre.rows.length ? pre.rows[pre.rows.length - 1] : start;
  const events = pre.events.slice();
  const rows = pre.rows.slice();
  if (!bad.cycle) return describeRun(x.cm, x.coder, lens, start, events, rows, bad.kind);
  // Repeat the stored cycle until the concrete state comes back (symmetry may permute it).
  let cur = entry;
  for (let rep = 0; rep < 720; rep++) {
    const loop = c.follow(cur, bad.cycle.ids, [-1, ...bad.cycle.events]);
    events.push(...loop.events);
    rows.push(...loop.rows);
    cur = loop.rows[loop.rows.length - 1];
    if (sameRow(cur, entry)) break;
  }
  return describeRun(x.cm, x.coder, lens, start, events, rows, 'cycle', pre.events.length);
}

/** Each stored state of `x` labelled for `prop`: goal states, the trigger states that are not goals (in id order), and the final dead ends. */
function labelStates<C extends object>(x: Exploration<C>, prop: LivenessProperty<C>, edges: EdgeLists) {
  const { cm, store } = x;
  const model: MachineModel<C> = cm.model;
  const N = x.states;
  const R = cm.regions.length;
  const row = store.newRow();
  const view = new RowView(cm, row.slots, x.coder.decode(row.slots, R));
  const goal = new Uint8Array(N);
  const source: number[] = [];
  const final = new Uint8Array(N);
  for (let s = 0; s < N; s++) {
    store.get(s, row);
    x.coder.decodeInto(row.slots, R, view.context);
    goal[s] = prop.goal(view, model) ? 1 : 0;
    if (!goal[s] && prop.trigger(view, model)) source.push(s);
    if (edges.start[s] === edges.start[s + 1]) final[s] = model.isFinal(view) ? 1 : 0;
  }
  return { goal, source, final };
}

function findBadEnd<C extends object>(x: Exploration<C>, prop: LivenessProperty<C>): BadEnd | null | 'untriggered' {
  const { edges } = x;
  if (!edges) throw new Error('liveness needs an exploration with keepEdges');
  const N = x.states;
  const { goal, source, final } = labelStates(x, prop, edges);
  if (source.length === 0) return 'untriggered';

  // H: goal-free states reachable from a source through goal-free states. The search runs
  // by total length (path to the source + steps inside H), each source joining when the
  // frontier reaches its BFS depth, so the first dead end or fair component found lies at
  // the end of a shortest prefix. Ids are in BFS order, so `source` is sorted by depth.
  const depth = new Int32Array(N);
  for (let s = 1; s < N; s++) depth[s] = depth[x.parent[s]] + 1;
  const hParent = new Int32Array(N).fill(-2);
  const hEvent = new Int32Array(N).fill(-1);
  const cost = new Int32Array(N);
  const queue: number[] = [];
  let qi = 0;
  let next = 0;
  while (qi < queue.length || next < source.length) {
    const c = qi < queue.length ? cost[queue[qi]] : Infinity;
    if (next < source.length && depth[source[next]] <= c) {
      const s = source[next++];
      if (hParent[s] !== -2) continue;
      hParent[s] = -1;
      cost[s] = depth[s];
      queue.push(s);
      continue;
    }
    const s = queue[qi++];
    for (let k = edges.start[s]; k < edges.start[s + 1]; k++) {
      const t = edges.target[k];
      if (goal[t] || hParent[t] !== -2) continue;
      hParent[t] = s;
      hEvent[t] = edges.event[k];
      cost[t] = cost[s] + 1;
      queue.push(t);
    }
  }
  const inH = (s: number) => hParent[s] !== -2;

  const scc = tarjan(N, edges, inH);
  const fairScc = fairComponents(x, scc, inH);
  let best = -1;
  for (const s of queue) {
    const dead = edges.start[s] === edges.start[s + 1];
    if ((dead || fairScc.has(scc.comp[s])) && (best < 0 || cost[s] < cost[best])) best = s;
  }
  if (best < 0) return null;

  const tail: number[] = [];
  const tailEv: number[] = [];
  let s = best;
  for (; hParent[s] !== -1; s = hParent[s]) {
    tail.push(s);
    tailEv.push(hEvent[s]);
  }
  const head = storedPath(x, s);
  const prefix = [...head, ...tail.reverse()];
  const prefer = [-1, ...head.slice(1).map((id) => x.parentEvent[id]), ...tailEv.reverse()];
  if (edges.start[best] === edges.start[best + 1]) return { prefix, prefer, kind: final[best] ? 'final' : 'deadlock' };
  return { prefix, prefer, kind: 'cycle', cycle: fairCycle(x, scc, best) };
}

interface Sccs {
  /** Component index per state (-1 outside H). */
  readonly comp: Int32Array;
  readonly count: number;
}

/** Tarjan's strongly connected components of the subgraph induced by `inH`, iteratively. */
function tarjan(N: number, edges: NonNullable<Exploration['edges']>, inH: (s: number) => boolean): Sccs {
  const index = new Int32Array(N).fill(-1);
  const low = new Int32Array(N);
  const comp = new Int32Array(N).fill(-1);
  const onStack = new Uint8Array(N);
  const stack: number[] = [];
  const callS: number[] = [];
  const callK: number[] = [];
  let next = 0;
  let count = 0;
  for (let root = 0; root < N; root++) {
    if (!inH(root) || index[root] >= 0) continue;
    callS.push(root);
    callK.push(edges.start[root]);
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (callS.length) {
      const v = callS[callS.length - 1];
      const k = callK[callK.length - 1];
      if (k < edges.start[v + 1]) {
        callK[callK.length - 1] = k + 1;
        const w = edges.target[k];
        if (!inH(w)) continue;
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          callS.push(w);
          callK.push(edges.start[w]);
        } else if (onStack[w] && index[w] < low[v]) low[v] = index[w];
        continue;
      }
      callS.pop();
      callK.pop();
      if (callS.length) {
        const u = callS[callS.length - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = count;
        } while (w !== v);
        count++;
      }
    }
  }
  return { comp, count };
}

/** Components holding a cycle in which every thread steps or is somewhere disabled. */
function fairComponents(x: Exploration, scc: Sccs, inH: (s: number) => boolean): Set<number> {
  const { edges, cm } = x;
  const T = cm.model.threads.length;
  const steps = new Uint8Array(scc.count * T);
  const disabled = new Uint8Array(scc.count * T);
  const hasEdge = new Uint8Array(scc.count);
  const enabled = new Uint8Array(T);
  for (let s = 0; s < x.states; s++) {
    if (!inH(s)) continue;
    const c = scc.comp[s];
    enabled.fill(0);
    for (let k = edges!.start[s]; k < edges!.start[s + 1]; k++) {
      const t = cm.fairThread[edges!.event[k]];
      if (t >= 0) enabled[t] = 1;
      if (scc.comp[edges!.target[k]] === c) {
        hasEdge[c] = 1;
        if (t >= 0) steps[c * T + t] = 1;
      }
    }
    for (let t = 0; t < T; t++) if (!enabled[t]) disabled[c * T + t] = 1;
  }
  const fair = new Set<number>();
  for (let c = 0; c < scc.count; c++) {
    if (!hasEdge[c]) continue;
    let ok = true;
    for (let t = 0; t < T && ok; t++) ok = steps[c * T + t] === 1 || disabled[c * T + t] === 1;
    if (ok) fair.add(c);
  }
  return fair;
}

/** A cycle from `entry` through its component that lets every thread step or be disabled. */
function fairCycle(x: Exploration, scc: Sccs, entry: number): { ids: number[]; events: number[] } {
  const { edges, cm } = x;
  const c = scc.comp[entry];
  const T = cm.model.threads.length;
  const threadEnabled = (s: number, t: number) => {
    for (let k = edges!.start[s]; k < edges!.start[s + 1]; k++) if (cm.fairThread[edges!.event[k]] === t) return true;
    return false;
  };
  // Shortest walk inside the component from `from` to a state satisfying `stop` (maybe `from`).
  const walk = (from: number, stop: (s: number) => boolean, ids: number[], evs: number[]): number => {
    if (stop(from)) return from;
    const prev = new Map<number, [number, number]>([[from, [-1, -1]]]);
    const q = [from];
    for (let i = 0; i < q.length; i++) {
      const s = q[i];
      if (s !== from && stop(s)) {
        const path: [number, number][] = [];
        for (let u = s; u !== from; u = prev.get(u)![0]) path.push([u, prev.get(u)![1]]);
        for (const [u, e] of path.reverse()) {
          ids.push(u);
          evs.push(e);
        }
        return s;
      }
      for (let k = edges!.start[s]; k < edges!.start[s + 1]; k++) {
        const t = edges!.target[k];
        if (scc.comp[t] !== c || prev.has(t)) continue;
        prev.set(t, [s, edges!.event[k]]);
        q.push(t);
      }
    }
    throw new Error('fairCycle: component is not strongly connected');
  };
  const ids = [entry];
  const evs: number[] = [];
  let cur = entry;
  for (let t = 0; t < T; t++) {
    const needStep = !scanComponent(x, scc, c, (s) => !threadEnabled(s, t));
    if (!needStep) {
      if (!threadEnabled(cur, t)) continue;
      cur = walk(cur, (s) => !threadEnabled(s, t), ids, evs);
      continue;
    }
    // Go to a state with an in-component edge of thread t, then take it.
    cur = walk(cur, (s) => inComponentEdge(x, scc, c, s, t) >= 0, ids, evs);
    const k = inComponentEdge(x, scc, c, cur, t);
    ids.push(edges!.target[k]);
    evs.push(edges!.event[k]);
    cur = edges!.target[k];
  }
  if (cur !== entry || ids.length === 1) {
    if (cur === entry) {
      // Take any in-component edge so the cycle is not empty.
      for (let k = edges!.start[cur]; k < edges!.start[cur + 1]; k++)
        if (scc.comp[edges!.target[k]] === c) {
          ids.push(edges!.target[k]);
          evs.push(edges!.event[k]);
          cur = edges!.target[k];
          break;
        }
    }
    if (cur !== entry) walk(cur, (s) => s === entry, ids, evs);
  }
  return { ids, events: evs };
}

function scanComponent(x: Exploration, scc: Sccs, c: number, pred: (s: number) => boolean): boolean {
  for (let s = 0; s < x.states; s++) if (scc.comp[s] === c && pred(s)) return true;
  return false;
}

function inComponentEdge(x: Exploration, scc: Sccs, c: number, s: number, t: number): number {
  const { edges, cm } = x;
  for (let k = edges!.start[s]; k < edges!.start[s + 1]; k++) if (scc.comp[edges!.target[k]] === c && cm.fairThread[edges!.event[k]] === t) return k;
  return -1;
}
