/**
 * Why a thread cannot step at the end of a hang or a lasso: each step its current state has,
 * with the guard that keeps it closed and the context fields that guard read, with their
 * values (issue 25: a quiesce waiting on another thread's `inFlight` names that field). The
 * guard runs on a read-recording view of the state's context, so what is shown is exactly
 * what the guard looked at, shared fields included, not a hand-kept list.
 * @module
 */
import { eventThread } from '../../../spec/vocabulary.ts';
import type { CompiledMachine } from './compile.ts';

/** One closed step of a state: its event, the guard that closed it and what that guard read. */
export interface BlockedStep {
  readonly thread: string;
  readonly event: string;
  /** The guard's name (`guard.type` in the machine), or '' for an inline guard. */
  readonly guard: string;
  /** The context fields the guard read, by path (`threads[1].inFlight`), with their values. */
  readonly reads: Readonly<Record<string, unknown>>;
}

/** `ctx` behind a proxy that records the path and value of every leaf read into `reads`. */
function recording(ctx: object, reads: Record<string, unknown>): object {
  const wrap = (o: object, path: string): object =>
    new Proxy(o, {
      get(t, k, receiver) {
        const v = Reflect.get(t, k, receiver);
        if (typeof k !== 'string' || typeof v === 'function') return v;
        const p = Array.isArray(t) && /^\d+$/.test(k) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
        if (Array.isArray(t) && k === 'length') return v;
        if (v !== null && typeof v === 'object') return wrap(v, p);
        reads[p] = v;
        return v;
      },
    });
  return wrap(ctx, '');
}

/** The guard name of transition `id` (`<source id>#<event>[i]`) in the xstate machine, or ''. */
function guardName(cm: CompiledMachine, id: string): string {
  const m = /^(.*)#([^#]*)\[(\d+)\]$/.exec(id);
  if (!m) return '';
  const node = cm.model.machine.getStateNodeById(m[1]!) as { transitions: Map<string, readonly { guard?: unknown }[]> };
  const g = node.transitions.get(m[2]!)?.[Number(m[3])]?.guard;
  if (typeof g === 'string') return g;
  return g && typeof g === 'object' && typeof (g as { type?: unknown }).type === 'string' ? (g as { type: string }).type : '';
}

/**
 * The closed steps of every thread in the state (`row` the region leaves, `ctx` its decoded
 * context): for each event its region's current leaf handles and whose every candidate guard
 * is false, the first candidate's guard and reads. Events with an open candidate are left out.
 */
export function blockedSteps<C extends object>(cm: CompiledMachine<C>, row: ArrayLike<number>, ctx: C): BlockedStep[] {
  const out: BlockedStep[] = [];
  for (let e = 0; e < cm.events.length; e++) {
    const r = cm.eventRegion[e];
    if (r < 0) continue;
    const cands = cm.candidates[e][row[r]];
    if (cands.length === 0) continue;
    const reads: Record<string, unknown> = {};
    const view = recording(ctx, reads) as C;
    const open = cands.some((t) => t.guard === null || t.guard(view, t.guardParams, cm.events[e]));
    if (open) continue;
    out.push({ thread: eventThread(cm.events[e]), event: cm.events[e].type, guard: guardName(cm, cands[0].id), reads });
  }
  return out;
}
