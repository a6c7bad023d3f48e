/**
 * The symmetry the system machine declares is a symmetry of its transition relation: on
 * every reachable state, an allowed CPU swap or a swap of two identical clients commutes with
 * every step (what the checker's reduction needs to be sound).
 */
import { describe, expect, it } from 'vitest';
import { transition, type AnyMachineSnapshot, type StateValue } from 'xstate';
import { cloneContext, type StepEvent } from '../../machines/kit.ts';
import type { SystemContext } from '../../machines/system/index.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { reachable } from './bfs.ts';
import { snapshotKey } from '../../machines/xstate.ts';

const [net0] = DEFAULT_SCENARIO.clients;
const TWINS: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'twins',
  quiesceThreshold: 1,
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 1, capabilities: ['memcpy'] }] }],
  // One round each: every step kind and every interleaving of the twins is there, in a
  // space xstate explores within CI's budget (three rounds: about 90 CPU-s for this file, with a sample of the states).
  clients: [
    { ...net0, migrates: false, rounds: 1 },
    { ...net0, name: 'net1', cpu: 1, migrates: false, rounds: 1 },
  ],
};

describe('system symmetry (twins: two identical net_dma clients, 2 CPUs, rfc-wait)', () => {
  const m = systemFor(TWINS);
  const sym = m.symmetry!;
  const states = reachable(m);
  const keys = new Set(states.map((r) => snapshotKey(r.snapshot)));

  it('groups the identical clients', () => {
    expect(sym.threadGroups).toEqual([['net0', 'net1']]);
  });

  /** A state's image: the CPU swap if `cpus`, the twin swap if `twins`. */
  const image = (snap: AnyMachineSnapshot, cpus: boolean, twins: boolean) => {
    const draft = cloneContext(snap.context as SystemContext);
    const value = { ...(snap.value as Record<string, unknown>) };
    if (twins) {
      sym.swapThreads(draft, 0, 1);
      [value.net0, value.net1] = [value.net1, value.net0];
    }
    if (cpus) sym.permuteCpus(draft, [1, 0]);
    return m.machine.resolveState({ value: value as StateValue, context: draft });
  };
  const imageEvent = (e: StepEvent, cpus: boolean, twins: boolean): StepEvent => {
    let type = e.type;
    // A twin's softirq thread (`net0-rx`) is renamed with it.
    if (twins) type = type.replace(/^net([01])(-rx)?\./, (_, n: string, rx = '') => `net${1 - Number(n)}${rx}.`);
    return { ...e, type, ...(cpus && typeof e.cpu === 'number' ? { cpu: 1 - e.cpu } : {}) };
  };
  /** Every step commutes with the image: enabled alike, and the successor's image is the image's successor. */
  const commutes = (snap: AnyMachineSnapshot, cpus: boolean, twins: boolean, where: string) => {
    const img = image(snap, cpus, twins);
    // expect() only on a difference: it costs more than the steps (every comparison still made).
    for (const e of m.allEvents) {
      const f = imageEvent(e, cpus, twins);
      const can = snap.can(e);
      if (img.can(f) !== can) expect(img.can(f), `${where} / ${e.type}`).toBe(can);
      if (!can) continue;
      const [next] = transition(m.machine, snap, e);
      const [imgNext] = transition(m.machine, img, f);
      const want = snapshotKey(image(next, cpus, twins));
      if (snapshotKey(imgNext) !== want) expect(snapshotKey(imgNext), `${where} / ${e.type}`).toBe(want);
    }
  };

  it('CPU swaps allowed by cpuClasses commute with every step, and some are allowed', () => {
    let allowed = 0;
    for (const r of states) {
      const cls = sym.cpuClasses(r.snapshot.context as SystemContext);
      if (cls[0] !== cls[1]) continue;
      allowed++;
      commutes(r.snapshot, true, false, r.path.map((e) => e.type).join(' '));
    }
    expect(allowed).toBeGreaterThan(10);
  });

  it('while a device is listed, every CPU has its own class', () => {
    const listed = states.filter((r) => (r.snapshot.context as SystemContext).devices[0].listed === 1);
    expect(listed.length).toBeGreaterThan(0);
    for (const r of listed) expect(new Set(sym.cpuClasses(r.snapshot.context as SystemContext)).size).toBe(2);
  });

  // Only where cpuClasses lets the CPUs swap: while a quiesce may still read them in order,
  // the image of a half-read round is not reachable (the reader never starts at CPU 1).
  it('the reachable states where the CPUs may swap are closed under swapping the twins together with their CPUs', () => {
    const swappable = states.filter((r) => new Set(sym.cpuClasses(r.snapshot.context as SystemContext)).size === 1);
    expect(swappable.length).toBeGreaterThan(0);
    for (const r of swappable) expect(keys.has(snapshotKey(image(r.snapshot, true, true))), r.path.map((e) => e.type).join(' ')).toBe(true);
  });

  it('some state with CPUs told apart has no reachable image (e.g. a quiesce round read from CPU 0)', () => {
    const lost = states.filter((r) => !keys.has(snapshotKey(image(r.snapshot, true, true))));
    expect(lost.length).toBeGreaterThan(0);
    for (const r of lost) expect(new Set(sym.cpuClasses(r.snapshot.context as SystemContext)).size, r.path.map((e) => e.type).join(' ')).toBe(2);
  });

  it('swapping the twins commutes with every step', () => {
    for (const r of states.filter((_, i) => i % 2 === 0)) commutes(r.snapshot, false, true, r.path.map((e) => e.type).join(' '));
  });

  it('an unlabelled CPU swap would not commute where the classes tell CPUs apart (the quiesce reads CPU 0 first)', () => {
    const broken = states.some((r) => {
      const cls = sym.cpuClasses(r.snapshot.context as SystemContext);
      if (cls[0] === cls[1] || !r.snapshot.matches({ ioh0: { quiesce: 'reading' } })) return false;
      const img = image(r.snapshot, true, false);
      return m.allEvents.some((e) => {
        const f = imageEvent(e, true, false);
        if (img.can(f) !== r.snapshot.can(e)) return true;
        if (!r.snapshot.can(e)) return false;
        return snapshotKey(transition(m.machine, img, f)[0]) !== snapshotKey(image(transition(m.machine, r.snapshot, e)[0], true, false));
      });
    });
    expect(broken).toBe(true);
  });
});
