/**
 * The search asks a safety property of a new state only when the step that reached it writes
 * a slot the property's trie has read (memo-stepper.ts `MemoProperties.affectedBy`): the
 * others held at the parent and hold at the successor. These tests check that shortcut
 * against every property asked of every state, and that it does skip.
 */
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../machines/system/index.ts';
import { NET_AND_SLAVE, TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { SAFETY } from '../../machines/system/properties.ts';
import { compileMachine, type CompiledMachine, RowView } from '../../src/check/engine/compile.ts';
import { explore } from '../../src/check/engine/explore.ts';
import { MemoStepper, StepLeaf } from '../../src/check/engine/memo-stepper.ts';
import type { SafetyProperty } from '../../src/check/engine/properties.ts';
import { Stepper } from '../../src/check/engine/stepper.ts';
import { DESIGNS } from '../../src/designs/registry.ts';

const safety = SAFETY as unknown as SafetyProperty[];

/** Per property, the first state (in id order, the order the search stores them) the classic stepper's decoded view violates. */
function firstViolations(cm: CompiledMachine): { found: Map<string, number>; states: number } {
  const x = explore(cm, { symmetry: 'none', safety: [] });
  const classic = new Stepper(cm, x.coder);
  const row = x.store.newRow();
  const found = new Map<string, number>();
  for (let id = 0; id < x.states; id++) {
    x.store.get(id, row);
    classic.load(row.slots);
    for (const p of safety) if (!found.has(p.name) && !p.holds(classic.view, cm.model)) found.set(p.name, id);
  }
  return { found, states: x.states };
}

describe('safety properties skipped where the step cannot change them', () => {
  const cases = [...Object.values(DESIGNS).map((d) => [TWO_DEVICES, d.model] as const), [NET_AND_SLAVE, DESIGNS['rfc-wait'].model] as const];
  for (const [scenario, design] of cases)
    it(`finds the first violation of each property that asking every state finds: ${scenario.name} under ${design.name}`, () => {
      const cm = compileMachine(buildSystem(scenario, design));
      const want = firstViolations(cm);
      const x = explore(cm, { symmetry: 'none', safety });
      expect(x.states).toBe(want.states);
      expect(new Map(x.violations)).toEqual(want.found);
    });

  it('a step that writes no slot a property read leaves it out; one that writes such a slot does not', () => {
    const cm = compileMachine(buildSystem(TWO_DEVICES, DESIGNS['rfc-wait'].model));
    const x = explore(cm, { symmetry: 'none', safety: [] });
    const stepper = new MemoStepper(cm, x.coder);
    const props = stepper.properties(safety);
    const row = x.store.newRow();
    // The properties that read any slot (one that reads none is constant on this scenario: no-oops without a walker).
    let reading = 0;
    props.observeLearning((k, reads) => {
      if (reads.length > 0) reading |= 1 << k;
    });
    // Learn every property's paths on every state, then look at every step of every state.
    for (let id = 0; id < x.states; id++) {
      x.store.get(id, row);
      safety.forEach((_, k) => props.holds(k, row.slots));
    }
    const evs = new Int32Array(cm.events.length);
    const taken: StepLeaf[] = [];
    let skips = 0;
    let asks = 0;
    for (let id = 0; id < x.states; id++) {
      x.store.get(id, row);
      stepper.load(row);
      const n = stepper.enabled(evs, taken);
      for (let k = 0; k < n; k++) {
        const mask = props.affectedBy(taken[k], cm.eventRegion[evs[k]]);
        for (let j = 0; j < safety.length; j++) (mask & (1 << j)) === 0 ? skips++ : asks++;
      }
    }
    // Both happen: the shortcut is neither everything nor nothing.
    expect(skips).toBeGreaterThan(0);
    expect(asks).toBeGreaterThan(0);
    // A step that writes every slot affects every property that reads one; one that writes none, none.
    expect(reading).toBeGreaterThan(0);
    const all = new StepLeaf(
      true,
      false,
      -1,
      Int32Array.from({ length: cm.width }, (_, i) => i),
      new Int32Array(cm.width),
    );
    expect(props.affectedBy(all, 0)).toBe(reading);
    const none = new StepLeaf(true, false, -1, new Int32Array(0), new Int32Array(0));
    expect(props.affectedBy(none, 0)).toBe(0);
  });

  it('a property whose trie asked the decoded state is asked after every step', () => {
    const cm = compileMachine(buildSystem(TWO_DEVICES, DESIGNS['rfc-wait'].model));
    const x = explore(cm, { symmetry: 'none', safety: [] });
    const stepper = new MemoStepper(cm, x.coder);
    // Throws on the probe's view (the trie then answers undefined: ask the decoded state), holds on the decoded one.
    const odd = {
      name: 'odd',
      holds: (v: unknown) => {
        if (!(v instanceof RowView)) throw new Error('only on a decoded state');
        return true;
      },
    } as unknown as SafetyProperty;
    const props = stepper.properties([odd]);
    const none = new StepLeaf(true, false, -1, new Int32Array(0), new Int32Array(0));
    expect(props.affectedBy(none, 0)).toBe(0);
    const row = x.store.newRow();
    x.store.get(0, row);
    expect(props.holds(0, row.slots)).toBe(true);
    expect(props.affectedBy(none, 0)).toBe(1);
  });
});
