/**
 * One step of a compiled machine on packed rows: which events are enabled in a state (their
 * guards on the decoded context) and the successor row of each. Scratch contexts are
 * allocated once and overwritten, so a step allocates nothing.
 * @module
 */
import type { CompiledMachine, CompiledTransition } from './compile.ts';
import { RowView } from './compile.ts';
import type { Coder, Slots } from './layout.ts';
import { timerRule } from '../../../machines/model.ts';

/** Steps packed states of one compiled machine. Not re-entrant: one per exploration. */
export class Stepper<C extends object> {
  /** The loaded state's context (guards and properties read it). */
  readonly view: RowView<C>;
  /** The context of the last successor (valid until the next call). */
  readonly draft: C;
  private readonly R: number;
  /** Whether event index `e` is a timer step; unset when the machine has none. */
  private readonly isTimer?: (e: number) => boolean;

  constructor(
    readonly cm: CompiledMachine<C>,
    /** The slot coding of the rows this stepper reads and writes. */
    readonly coder: Coder<C>,
  ) {
    this.R = cm.regions.length;
    const timers = cm.model.timers;
    if (timers?.size) {
      const mask = cm.events.map((e) => timers.has(e.type));
      this.isTimer = (e: number) => mask[e];
    }
    this.view = new RowView(cm, cm.initialRow, cm.layout.decode(cm.initialRow, this.R));
    this.draft = cm.layout.decode(cm.initialRow, this.R);
  }

  /** Makes `row` the current state: decodes its context for guards and properties. */
  load(row: Slots): void {
    this.view.row = row;
    this.coder.decodeInto(row, this.R, this.view.context);
  }

  /**
   * Enabled events of the loaded state, in `allEvents` order: their indices into `events`
   * and the transition each takes into `taken`. Returns how many.
   */
  enabled(events: Int32Array, taken: CompiledTransition[]): number {
    const { cm } = this;
    const row = this.view.row;
    const ctx = this.view.context;
    let n = 0;
    for (let e = 0; e < cm.events.length; e++) {
      const r = cm.eventRegion[e];
      if (r < 0) continue;
      const cands = cm.candidates[e][row[r]];
      for (let i = 0; i < cands.length; i++) {
        const t = cands[i];
        if (t.guard === null || t.guard(ctx, t.guardParams, cm.events[e])) {
          events[n] = e;
          taken[n++] = t;
          break;
        }
      }
    }
    // Timer steps only when nothing else is enabled (machines/model.ts `timerRule`).
    return this.isTimer ? timerRule(n, this.isTimer, events, taken) : n;
  }

  /** Writes into `out` the state after event `e` taking transition `t` from the loaded state. */
  successor(e: number, t: CompiledTransition, out: Slots): void {
    const { cm, R } = this;
    const row = this.view.row;
    const draft = this.draft;
    // The loaded context is exact (encode/decode round-trip), so copy it rather than decode.
    cm.layout.copyInto(this.view.context, draft);
    const ev = cm.events[e];
    for (let i = 0; i < t.actions.length; i++) t.actions[i](draft, t.actionParams[i], ev);
    for (let r = 0; r < R; r++) out[r] = row[r];
    if (t.target >= 0) out[cm.eventRegion[e]] = t.target;
    this.coder.encode(draft, out, R);
  }
}
