/**
 * Ghost state (machines/system/context.ts GHOST_STATE) can never change behaviour. In every
 * state the checker explores of every built-in design, in two small scenarios (caches-pointer
 * reaches a freed channel's use, the walker, a finished quiesce and the RFC's false zero;
 * THREE_GETTERS, for the kref designs, the IOH's unregister of a device the puts freed), every guard and every
 * step is run on the engine's probe (src/check/engine/rules/probe.ts, the reads the memo
 * stepper's read tries are built from), and each ghost slot it read is given another value:
 * - every guard gives the same answer (no built-in guard reads a ghost but kref-5-10's
 *   walkingGuard, which copies a device record whole to hide it: a read, not a dependence);
 * - every step takes the same transition, to the same leaf, with the same writes to every
 *   non-ghost slot.
 * And the list is not stale: each ghost is read somewhere (a property, or a step that feeds
 * another ghost) and written by some step.
 */
import { describe, expect, it } from 'vitest';
import { GHOST_STATE, isGhostSlot } from '../../machines/system/context.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { propertiesWith } from '../../machines/system/properties.ts';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { explore } from '../../src/check/engine/explore.ts';
import { NULL_OF } from '../../src/check/engine/layout.ts';
import type { Value } from '../../src/check/engine/rules/decision-tree.ts';
import { inputValue, probeOf } from '../../src/check/engine/rules/probe.ts';
import { type StepResult, stepFunction } from '../../src/check/engine/rules/translate.ts';
import { namedScenario } from '../../src/check/scenarios.ts';
import { DESIGN_MODELS } from '../../src/designs/models.ts';
import { THREE_GETTERS } from '../../src/mbt/coverage-scenarios.ts';
import type { DesignName, Scenario } from '../../src/scenario.ts';
import type { DesignModel } from '../../machines/system/design.ts';

const CACHES_POINTER = namedScenario('caches-pointer');
if (!CACHES_POINTER) throw new Error('no scenario caches-pointer');
const SCENARIOS: readonly Scenario[] = [CACHES_POINTER, THREE_GETTERS];

/** Another value of a ghost slot: a flag or bit set cleared, a clear one set. */
const other = (v: Value): Value => (typeof v === 'boolean' ? !v : v === 0 ? 1 : 0);

/** A step's result without its writes to ghost slots. */
function visible(r: StepResult, ghost: ReadonlySet<number>): unknown {
  return r.kind === 'on' ? { ...r, writes: r.writes.filter(([i]) => !ghost.has(i)) } : r;
}

/** What the probe runs over one design's explored states found. */
interface Audit {
  states: number;
  /** Guards whose answer changed with a ghost slot's value. */
  guardLeaks: string[];
  /** Steps whose visible result changed with a ghost slot's value. */
  leaks: string[];
  /** Steps that read a ghost slot (and were perturbed). */
  perturbed: number;
  /** Generic ghost paths read by a step or a safety property, and written by a step. */
  read: Set<string>;
  written: Set<string>;
}

const generic = (path: string) => path.replace(/\[\d+\]/g, '[]');

/** Adds to `a` what the probe runs over design `D`'s explored states in `scenario` find. */
function audit(D: DesignModel, scenario: Scenario, a: Audit): void {
  const model = buildSystem(scenario, D);
  const cm = compileMachine(model);
  const props = propertiesWith(D.properties ?? []);
  const x = explore(cm, { symmetry: 'full', safety: [] });
  expect(x.complete).toBe(true);
  const R = cm.regions.length;
  const ghost = new Set(cm.layout.slots.flatMap((s, i) => (isGhostSlot(s.path) ? [R + i] : [])));
  const name = (i: number) => cm.layout.slots[i - R].path;
  const N = NULL_OF[x.coder.bytes];
  const probe = probeOf(cm);
  const row = x.store.newRow();
  a.states += x.states;
  for (let id = 0; id < x.states; id++) {
    x.store.get(id, row);
    const value = (i: number): Value => inputValue(cm, i, row.slots[i], N);
    let reads = new Set<number>();
    const recording = (i: number): Value => {
      reads.add(i);
      return value(i);
    };
    const ghostReads = () => [...reads].filter((i) => ghost.has(i));
    const flip = (touched: readonly number[]) => (i: number) => (touched.includes(i) ? other(value(i)) : value(i));
    for (const p of props.safety) {
      reads = new Set();
      probe.start(recording);
      p.holds(probe.view, model);
      for (const i of ghostReads()) a.read.add(generic(name(i)));
    }
    cm.events.forEach((event, e) => {
      const leaf = row.slots[cm.eventRegion[e]];
      const cands = cm.eventRegion[e] < 0 ? [] : (cm.candidates[e][leaf] ?? []);
      if (cands.length === 0) return;
      for (const t of cands) {
        if (t.guard === null) continue;
        reads = new Set();
        probe.start(recording);
        const real = t.guard(probe.context, t.guardParams, event);
        const touched = ghostReads();
        if (touched.length === 0) continue;
        probe.start(flip(touched));
        if (t.guard(probe.context, t.guardParams, event) !== real) a.guardLeaks.push(`${t.id} in state ${id}: ${touched.map(name).join(', ')}`);
      }
      const step = stepFunction(cm, probe, e, leaf);
      reads = new Set();
      const real = step(recording);
      if (real.kind === 'on') for (const [i] of real.writes) if (ghost.has(i)) a.written.add(generic(name(i)));
      const touched = ghostReads();
      if (touched.length === 0) return;
      a.perturbed++;
      for (const i of touched) a.read.add(generic(name(i)));
      const flipped = step(flip(touched));
      if (JSON.stringify(visible(flipped, ghost)) !== JSON.stringify(visible(real, ghost)))
        a.leaks.push(`${event.type} from ${cm.regions[cm.eventRegion[e]].leafIds[leaf]} in state ${id}: ${touched.map(name).join(', ')}`);
    });
  }
}

describe('ghost state never changes behaviour', () => {
  const audits = new Map<string, Audit>();
  for (const design of Object.keys(DESIGN_MODELS))
    it(`${design}: no guard's answer and no step's non-ghost effect depends on a ghost slot`, () => {
      const a: Audit = { states: 0, guardLeaks: [], leaks: [], perturbed: 0, read: new Set(), written: new Set() };
      const D = DESIGN_MODELS[design as DesignName];
      for (const s of D.deviceKref ? SCENARIOS : SCENARIOS.slice(0, 1)) audit(D, s, a);
      audits.set(design, a);
      expect(a.states).toBeGreaterThan(200);
      expect(a.guardLeaks).toEqual([]);
      expect(a.leaks).toEqual([]);
    });

  it('every ghost is written by a step and read by a property or a step, in some design (the list is not stale)', () => {
    expect(audits.size).toBe(Object.keys(DESIGN_MODELS).length);
    const read = new Set([...audits.values()].flatMap((a) => [...a.read]));
    const written = new Set([...audits.values()].flatMap((a) => [...a.written]));
    for (const g of GHOST_STATE) {
      expect(read, g.path).toContain(g.path);
      expect(written, g.path).toContain(g.path);
    }
    // The perturbation ran: steps that read a ghost exist (a |= on uaf, the quiesce's read of held).
    expect([...audits.values()].reduce((n, a) => n + a.perturbed, 0)).toBeGreaterThan(0);
  });
});
