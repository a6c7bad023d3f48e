/**
 * Compiles a {@link MachineModel} written in the machines/kit.ts subset into tables the
 * explorer steps without xstate: a packed state is one Int32 row holding the active leaf of
 * every region, then the context in the {@link Layout} of the initial context.
 *
 * One step follows xstate's selection rule restricted to the subset: the region handling the
 * event type; from that region's active leaf upwards, the first transition for the type
 * whose guard holds (document order); its actions run in order on a draft of the context;
 * the region enters the target's initial leaf (a targetless transition keeps the leaf).
 * test/check/faithful.test.ts proves this equals xstate's own `transition`.
 * @module
 */
import { initialTransition, type AnyStateNode } from 'xstate';
import type { ActionRule, GuardRule, StepEvent } from '../../../machines/kit.ts';
import type { MachineModel, ModelView } from '../../../machines/model.ts';
import { activeLeaves, ruleRef as readRuleRef, RuleRefError, type RuleRef } from '../../../machines/xstate.ts';
import { eventStep, eventThread as threadOf } from '../../../spec/vocabulary.ts';
import { compileLayout, type Layout, type Slots } from './layout.ts';

/** The machine uses something outside the kit subset; `rule` names the subset rule. */
export class SubsetError extends Error {
  override readonly name = 'SubsetError';
  constructor(
    readonly machine: string,
    readonly rule: string,
    detail: string,
  ) {
    super(`${machine}: ${detail} (machines/kit.ts subset: ${rule})`);
  }
}

/** One transition, resolved to rule functions and a target leaf index. */
export interface CompiledTransition {
  readonly guard: GuardRule<any> | null;
  readonly guardParams: unknown;
  readonly actions: readonly ActionRule<any>[];
  readonly actionParams: readonly unknown[];
  /** Leaf index in the region after the step, or -1 to keep the current leaf. */
  readonly target: number;
  /** `<source id>#<event type>[i]`, as src/mbt names transitions. */
  readonly id: string;
}

/** A region: a compound state whose parent is parallel (or the compound root). */
export interface Region {
  readonly id: string;
  /** Path of the region from the root, dot-separated (`net0.worker`): names it in traces. */
  readonly key: string;
  /** The thread owning the region: the key of its ancestor directly under the root. */
  readonly thread: string;
  /** Active leaf candidates, in document order, as ids. */
  readonly leafIds: readonly string[];
  /** Leaf paths relative to the region (`a.b`), for comparing regions of symmetric threads. */
  readonly leafPaths: readonly string[];
}

/** The compiled machine: what the explorer needs to step packed states. */
export interface CompiledMachine<C extends object = any> {
  readonly model: MachineModel<C>;
  readonly regions: readonly Region[];
  readonly layout: Layout<C>;
  /** Row width: one slot per region, then the context slots. */
  readonly width: number;
  /** The initial state in 32-bit slots (explorations re-encode it in their width). */
  readonly initialRow: Int32Array;
  /** `model.allEvents`, the edge labels. */
  readonly events: readonly StepEvent[];
  /** Per event: the region handling it. */
  readonly eventRegion: Int32Array;
  /** Per event: its thread index in `model.threads` (the event type's prefix), or -1. */
  readonly eventThread: Int32Array;
  /**
   * Per event: the thread whose own progress it is, for weak fairness, or -1 for a
   * scheduler action (machines/model.ts `schedulerSteps`): moving a thread is not the thread stepping.
   */
  readonly fairThread: Int32Array;
  /** Per event, per leaf of its region: candidate transitions from the leaf upwards. */
  readonly candidates: readonly (readonly (readonly CompiledTransition[])[])[];
  /** Per state id: [region, leaf mask] when the node lies in a region; absent ids are always active. */
  readonly activeIn: ReadonlyMap<string, { readonly region: number; readonly leaves: Uint8Array }>;
  readonly allIds: ReadonlySet<string>;
}

const FORBIDDEN = ['invoke', 'after', 'always', 'entry', 'exit', 'onDone', 'history'] as const;

/** The adapter's reading of a rule reference, as a subset error of machine `machine`. */
function ruleRef(machine: string, what: string, ref: unknown): RuleRef {
  try {
    return readRuleRef(ref, what);
  } catch (err) {
    if (err instanceof RuleRefError) throw new SubsetError(machine, 'rule 1', err.message);
    throw err;
  }
}

function descendants(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap(descendants)];
}

function initialLeaf(node: AnyStateNode): AnyStateNode {
  if (node.type === 'atomic' || node.type === 'final') return node;
  const target = node.initial?.target?.[0] as AnyStateNode | undefined;
  if (!target) throw new Error(`state ${node.id} has no initial state`);
  return initialLeaf(target);
}

function findRegions(machine: string, node: AnyStateNode, out: AnyStateNode[]): void {
  if (node.type === 'parallel') {
    if (node.transitions.size > 0) throw new SubsetError(machine, 'rule 3', `parallel state ${node.id} handles events itself`);
    for (const child of Object.values(node.states as Record<string, AnyStateNode>)) findRegions(machine, child, out);
  } else {
    for (const d of descendants(node)) {
      if (d.type === 'parallel') throw new SubsetError(machine, 'rule 3', `parallel state ${d.id} nested inside region ${node.id}`);
      if (d.type === 'history') throw new SubsetError(machine, 'rule 2', `history state ${d.id}`);
    }
    out.push(node);
  }
}

/**
 * Compiles `model` for exploration.
 * @throws SubsetError when the machine leaves the machines/kit.ts subset.
 */
export function compileMachine<C extends object>(model: MachineModel<C>): CompiledMachine<C> {
  const name = model.name;
  const root = model.machine.root as AnyStateNode;
  for (const n of descendants(root)) {
    for (const key of FORBIDDEN) {
      const v = (n.config as Record<string, unknown>)[key];
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) throw new SubsetError(name, 'rule 2', `state ${n.id} uses ${key}`);
    }
    if (n.type === 'history') throw new SubsetError(name, 'rule 2', `history state ${n.id}`);
  }
  const regionNodes: AnyStateNode[] = [];
  findRegions(name, root, regionNodes);

  const [snapshot] = initialTransition(model.machine);
  const layout = compileLayout(snapshot.context as C);
  const R = regionNodes.length;
  const width = R + layout.slots.length;

  const regions: Region[] = [];
  const leafIndex = new Map<AnyStateNode, [number, number]>();
  const activeIn = new Map<string, { region: number; leaves: Uint8Array }>();
  const allIds = new Set<string>(descendants(root).map((n) => n.id));
  regionNodes.forEach((rn, r) => {
    const nodes = descendants(rn);
    const leaves = nodes.filter((n) => n.type === 'atomic' || n.type === 'final');
    leaves.forEach((l, i) => leafIndex.set(l, [r, i]));
    regions.push({
      id: rn.id,
      key: rn.path.join('.') || rn.key,
      thread: rn.path[0] ?? rn.key,
      leafIds: leaves.map((l) => l.id),
      leafPaths: leaves.map((l) => l.path.slice(rn.path.length).join('.')),
    });
    for (const n of nodes) {
      const mask = new Uint8Array(leaves.length);
      leaves.forEach((l, i) => {
        for (let a: AnyStateNode | undefined = l; a; a = a.parent) if (a === n) mask[i] = 1;
      });
      activeIn.set(n.id, { region: r, leaves: mask });
    }
  });

  // Which region handles which event type: exactly one (rule 3).
  const typeRegion = new Map<string, number>();
  regionNodes.forEach((rn, r) => {
    for (const n of descendants(rn))
      for (const type of n.transitions.keys()) {
        if (type.includes('*')) throw new SubsetError(name, 'rule 3', `wildcard event descriptor ${type} on ${n.id}`);
        const prev = typeRegion.get(type);
        if (prev !== undefined && prev !== r)
          throw new SubsetError(name, 'rule 3', `event ${type} handled by regions ${regions[prev].id} and ${regions[r].id}`);
        typeRegion.set(type, r);
      }
  });

  const compileTransition = (n: AnyStateNode, type: string, i: number, t: any, r: number): CompiledTransition => {
    const id = `${n.id}#${type}[${i}]`;
    let guard: GuardRule<any> | null = null;
    let guardParams: unknown;
    if (t.guard !== undefined) {
      const g = ruleRef(name, `guard of ${id}`, t.guard);
      guard = Object.hasOwn(model.rules.guards, g.type) ? model.rules.guards[g.type]! : null;
      if (!guard) throw new SubsetError(name, 'rule 5', `guard ${g.type} of ${id} is not in model.rules`);
      guardParams = g.params;
    }
    const actions: ActionRule<any>[] = [];
    const actionParams: unknown[] = [];
    for (const a of t.actions ?? []) {
      const ref = ruleRef(name, `action of ${id}`, a);
      const rule = Object.hasOwn(model.rules.actions, ref.type) ? model.rules.actions[ref.type] : undefined;
      if (!rule) throw new SubsetError(name, 'rule 5', `action ${ref.type} of ${id} is not in model.rules`);
      actions.push(rule);
      actionParams.push(ref.params);
    }
    let target = -1;
    const targets = (t.target ?? []) as AnyStateNode[];
    if (targets.length > 1) throw new SubsetError(name, 'rule 3', `${id} has several targets`);
    if (targets.length === 1) {
      const li = leafIndex.get(initialLeaf(targets[0]));
      if (!li || li[0] !== r) throw new SubsetError(name, 'rule 3', `${id} targets ${targets[0].id} outside its region`);
      target = li[1];
    }
    return { guard, guardParams, actions, actionParams, target, id };
  };

  const events = model.allEvents;
  const eventRegion = new Int32Array(events.length);
  const eventThread = new Int32Array(events.length);
  const fairThread = new Int32Array(events.length);
  const candidates: CompiledTransition[][][] = [];
  const leafNodes = regionNodes.map((rn) => descendants(rn).filter((n) => n.type === 'atomic' || n.type === 'final'));
  events.forEach((ev, e) => {
    const r = typeRegion.get(ev.type);
    eventThread[e] = model.threads.indexOf(threadOf(ev));
    fairThread[e] = model.schedulerSteps?.has(eventStep(ev)) ? -1 : eventThread[e];
    if (r === undefined) {
      eventRegion[e] = -1;
      candidates.push([]);
      return;
    }
    eventRegion[e] = r;
    candidates.push(
      leafNodes[r].map((leaf) => {
        const list: CompiledTransition[] = [];
        for (let n: AnyStateNode | undefined = leaf; n && n !== regionNodes[r].parent; n = n.parent)
          (n.transitions.get(ev.type) ?? []).forEach((t: unknown, i: number) => list.push(compileTransition(n!, ev.type, i, t, r)));
        return list;
      }),
    );
  });

  const initialRow = new Int32Array(width);
  const active = new Set(activeLeaves(snapshot));
  regionNodes.forEach((_, r) => {
    const i = leafNodes[r].findIndex((l) => active.has(l));
    if (i < 0) throw new Error(`${name}: region ${regions[r].id} has no active leaf initially`);
    initialRow[r] = i;
  });
  layout.encode(snapshot.context as C, initialRow, R);

  return { model, regions, layout, width, initialRow, events, eventRegion, eventThread, fairThread, candidates, activeIn, allIds };
}

/** A {@link ModelView} over a packed row and its decoded context (reused, not copied). */
export class RowView<C extends object> implements ModelView<C> {
  row: Slots;
  context: C;
  constructor(
    private readonly cm: CompiledMachine<C>,
    row: Slots,
    context: C,
  ) {
    this.row = row;
    this.context = context;
  }
  active(stateId: string): boolean {
    const a = this.cm.activeIn.get(stateId);
    if (a) return a.leaves[this.row[a.region]] === 1;
    // Unknown ids are inactive, as in an xstate snapshot (a design may lack a state).
    return this.cm.allIds.has(stateId);
  }
}
