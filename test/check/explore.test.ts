/**
 * The explorer on the per-CPU fixture: shortest safety counterexamples, symmetry that is
 * exact (the reduced state set is the set of canonical forms of the full one), fair-cycle
 * liveness, deadlocks, state limits, packing widths and subset rejections.
 */
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { implementations } from '../../machines/kit.ts';
import { checkModel } from '../../src/check/engine/check.ts';
import { compileMachine, RowView, SubsetError } from '../../src/check/engine/compile.ts';
import { explore } from '../../src/check/engine/explore.ts';
import { WidthOverflow } from '../../src/check/engine/layout.ts';
import { StateStore } from '../../src/check/engine/store.ts';
import { Canonicalizer } from '../../src/check/engine/symmetry.ts';
import { buildPercpu, percpuProperties } from './fixtures/percpu.ts';

const racy = { cpus: 2, clients: 2, threshold: 1, migrate: true };

describe('safety', () => {
  it('finds the false-zero sum: a use after free, with a shortest trace that replays to the violation', () => {
    const r = checkModel(buildPercpu(racy), percpuProperties);
    const uaf = r.results.find((p) => p.name === 'no-use-after-free')!;
    expect(uaf.verdict).toBe('violated');
    const steps = uaf.trace!.steps;
    expect(steps.at(-1)!.changes.some((c) => /clients\[\d\]\.uaf/.test(c.name) && c.to === true)).toBe(true);
    // The trace has a migrating client and the quiescer freeing in it.
    expect(steps.some((s) => s.event.type.endsWith('.migrate'))).toBe(true);
    expect(steps.some((s) => s.event.type === 'q.free')).toBe(true);
    // Shortest: no shorter violating path exists (the unreduced BFS agrees on the length).
    const plain = checkModel(buildPercpu(racy), percpuProperties, { symmetry: false });
    expect(plain.results.find((p) => p.name === 'no-use-after-free')!.trace!.steps.length).toBe(steps.length);
  });
  it('holds without migration (no false zero)', () => {
    const r = checkModel(buildPercpu({ ...racy, migrate: false }), percpuProperties);
    expect(r.results.find((p) => p.name === 'no-use-after-free')!.verdict).toBe('holds');
    expect(r.results.find((p) => p.name === 'deadlock-free')!.verdict).toBe('holds');
  });
});

describe('symmetry', () => {
  it('is exact: reduced states = canonical forms of all reachable states, and fewer', () => {
    const cm = compileMachine(buildPercpu({ cpus: 2, clients: 3, threshold: 1, migrate: true }));
    const all = explore(cm, { symmetry: 'none', safety: [] });
    const red = explore(cm, { symmetry: 'full', safety: [] });
    const canon = new Canonicalizer(cm, 'full', all.coder);
    const row = all.store.newRow();
    const fromAll = new Set<string>();
    for (let i = 0; i < all.states; i++) {
      all.store.get(i, row);
      canon.canon(row);
      fromAll.add(row.slots.join());
    }
    const reduced = new Set<string>();
    for (let i = 0; i < red.states; i++) {
      red.store.get(i, row);
      reduced.add(row.slots.join());
    }
    expect(reduced).toEqual(fromAll);
    expect(red.states).toBeLessThan(all.states / 3);
  });
});

describe('symmetry by slot moves', () => {
  it('a swapThreads that only moves values becomes a row permutation with the same canonical forms', () => {
    const cm = compileMachine(buildPercpu({ cpus: 2, clients: 3, threshold: 1, migrate: true }));
    const all = explore(cm, { symmetry: 'none', safety: [] });
    const fast = new Canonicalizer(cm, 'full', all.coder);
    const slow = new Canonicalizer(cm, 'full', all.coder);
    const maps = (slow as unknown as { threadSlotMaps: unknown[] }).threadSlotMaps;
    expect(maps.filter((m) => m !== null).length).toBe(5);
    maps.fill(null);
    const a = all.store.newRow();
    const b = all.store.newRow();
    for (let i = 0; i < all.states; i++) {
      all.store.get(i, a);
      all.store.get(i, b);
      expect(fast.canon(a)).toBe(slow.canon(b));
      expect([...a.slots]).toEqual([...b.slots]);
    }
  });
});

describe('liveness', () => {
  it('a never-putting client hangs the quiesce: a fair cycle (or a stuck end) after key on', () => {
    const r = checkModel(buildPercpu({ cpus: 2, clients: 2, threshold: 1, migrate: false, stuck: true }), percpuProperties);
    const live = r.results.find((p) => p.name === 'quiesce-completes')!;
    expect(live.verdict).toBe('violated');
    const t = live.trace!;
    expect(t.end).toBe('cycle');
    expect(t.loopStart).toBeGreaterThan(0);
    // The cycle is the quiescer re-reading a nonzero sum; the key was turned on in the prefix.
    expect(t.steps.slice(0, t.loopStart).some((s) => s.event.type === 'q.keyOn')).toBe(true);
    expect(t.steps.slice(t.loopStart).every((s) => s.thread === 'q')).toBe(true);
  });
  it('unfair cycles do not count: the quiescer re-reading while a client could finish', () => {
    // Without migration the only goal-free cycle is the quiescer re-reading a nonzero sum
    // while a client holding a ref is continuously enabled and never steps: unfair.
    const r = checkModel(buildPercpu({ cpus: 2, clients: 2, threshold: 2, migrate: false }), percpuProperties);
    expect(r.results.find((p) => p.name === 'quiesce-completes')!.verdict).toBe('holds');
  });
  it('endless migration does not count as progress: moving a thread is the scheduler, not the thread', () => {
    // One client holding a ref and migrating forever while the quiescer re-reads: the client
    // can always use its channel and never does, which weak fairness excludes.
    const r = checkModel(buildPercpu({ cpus: 2, clients: 1, threshold: 1, migrate: true }), percpuProperties);
    expect(r.results.find((p) => p.name === 'quiesce-completes')!.verdict).toBe('holds');
  });
  it('reports a deadlock: the stuck client never finishes', () => {
    const r = checkModel(buildPercpu({ cpus: 2, clients: 1, threshold: 1, migrate: false, stuck: true }), percpuProperties);
    const d = r.results.find((p) => p.kind === 'deadlock')!;
    expect(d.verdict).toBe('violated');
    expect(d.trace!.end).toBe('deadlock');
  });
});

describe('limits and packing', () => {
  it('a state limit stops cleanly with unknown verdicts', () => {
    const r = checkModel(buildPercpu({ ...racy, migrate: false }), percpuProperties, { maxStates: 20 });
    expect(r.complete).toBe(false);
    expect(r.results.every((p) => p.verdict === 'unknown')).toBe(true);
  });
  it('codes contexts narrowly, refuses values that do not fit, and stores rows by value', () => {
    const cm = compileMachine(buildPercpu(racy));
    const narrow = cm.layout.coder(1);
    const s = new StateStore(cm.width, 1);
    const row = s.newRow();
    const ctx = cm.layout.decode(cm.initialRow, cm.regions.length);
    narrow.encode(ctx, row.slots, cm.regions.length);
    expect(s.add(row)).toBe(0);
    expect(s.add(row)).toBe(-1);
    ctx.sum = 300;
    expect(() => narrow.encode(ctx, row.slots, cm.regions.length)).toThrow(WidthOverflow);
    const wide = cm.layout.coder(2);
    const w = new StateStore(cm.width, 2);
    const wrow = w.newRow();
    wide.encode(ctx, wrow.slots, cm.regions.length);
    expect(w.add(wrow)).toBe(0);
    const back = w.newRow();
    w.get(0, back);
    expect(wide.decode(back.slots, cm.regions.length)).toEqual(ctx);
    // null and booleans survive every width.
    expect(ctx.clients[0].chan).toBeNull();
    (ctx as { sum: unknown }).sum = 'x';
    expect(() => wide.encode(ctx, wrow.slots, cm.regions.length)).toThrow(/context leaf sum became "x"/);
  });
  it('a counter above 8 bits is explored with wider slots', () => {
    const m = setup({
      ...implementations<{ n: number }>({ guards: { below: (c) => c.n < 1000 }, actions: { inc: (d) => void (d.n += 100) } }),
    } as any).createMachine({ id: 'm', initial: 'a', context: { n: 0 }, states: { a: { on: { 't.inc': { guard: 'below', actions: 'inc' } } } } } as any);
    const model = {
      name: 'counter',
      machine: m,
      rules: { guards: { below: (c: { n: number }) => c.n < 1000 }, actions: { inc: (d: { n: number }) => void (d.n += 100) } },
      threads: ['t'],
      allEvents: [{ type: 't.inc' }],
      enabledEvents: (v: any) => (v.context.n < 1000 ? [{ type: 't.inc' }] : []),
      isFinal: () => true,
    };
    const x = explore(compileMachine(model), { symmetry: 'none', safety: [] });
    expect(x.states).toBe(11);
    const row = x.store.newRow();
    x.store.get(10, row);
    expect(x.coder.bytes).toBe(2);
    expect(new RowView(x.cm, row.slots, x.coder.decode(row.slots, 1)).context).toEqual({ n: 1000 });
  });
});

describe('subset', () => {
  const base = {
    name: 'bad',
    rules: { guards: {}, actions: {} },
    threads: ['t'],
    allEvents: [],
    enabledEvents: () => [],
    isFinal: () => true,
  };
  it('rejects entry actions', () => {
    const machine = setup({}).createMachine({ id: 'm', initial: 'a', context: {}, states: { a: { entry: [{ type: 'x' }] as any } } } as any);
    expect(() => compileMachine({ ...base, machine })).toThrow(/rule 2.*|uses entry/);
    expect(() => compileMachine({ ...base, machine })).toThrow(SubsetError);
  });
  it('rejects guards that are not rules', () => {
    const machine = setup({ guards: { g: () => true } }).createMachine({
      id: 'm',
      initial: 'a',
      context: {},
      states: { a: { on: { 't.x': { guard: 'g' } } } },
    } as any);
    expect(() => compileMachine({ ...base, machine, allEvents: [{ type: 't.x' }] })).toThrow(/guard g .* not in model.rules/);
  });
  it('rejects string context', () => {
    const machine = setup({}).createMachine({ id: 'm', initial: 'a', context: { s: 'x' }, states: { a: {} } } as any);
    expect(() => compileMachine({ ...base, machine })).toThrow(/context leaf s/);
  });
});
