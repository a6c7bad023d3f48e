/**
 * Every catalogue machine: every state node reachable on its small scenario, enabledEvents
 * equal to xstate's snapshot.can there, and a config that is plain JSON naming only rules
 * the machine has.
 */
import { describe, expect, it } from 'vitest';
import { MACHINES, machineNamed } from '../../src/catalogue.ts';
import type { ConfiguredModel } from '../../machines/make.ts';
import { ruleRefs, snapshotView } from '../../machines/xstate.ts';
import { DESIGN_MODELS } from '../../src/designs/models.ts';
import { reachable } from './bfs.ts';

const stateIds = (config: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: Record<string, unknown>) => {
    if (typeof n.id === 'string') out.push(n.id);
    for (const c of Object.values((n.states ?? {}) as Record<string, Record<string, unknown>>)) walk(c);
  };
  walk(config as Record<string, unknown>);
  return out;
};

describe('machine catalogue', () => {
  it('has the system, the per-concern machines and one release machine per design', () => {
    const names = MACHINES.map((m) => m.name);
    expect(names[0]).toBe('system');
    for (const n of ['ioh', 'channel', 'quiesce', 'client-net_dma', 'client-async_tx', 'client-slave']) expect(names).toContain(n);
    for (const d of Object.keys(DESIGN_MODELS)) expect(names).toContain(`release-${d}`);
    expect(new Set(names).size).toBe(names.length);
    expect(machineNamed('quiesce')?.title).toMatch(/quiesce/);
    expect(machineNamed('nope')).toBeUndefined();
  });

  for (const entry of MACHINES)
    describe(entry.name, () => {
      const model = entry.build(entry.smallScenario) as ConfiguredModel<object>;
      const states = reachable(model, 20_000);

      it('reaches every state node on its small scenario', () => {
        const seen = new Set<string>();
        for (const r of states) for (const n of r.snapshot._nodes as { id: string }[]) seen.add(n.id);
        const ids = stateIds(model.config);
        expect(ids.length).toBeGreaterThan(2);
        expect(ids.filter((id) => !seen.has(id))).toEqual([]);
      });

      it('enabledEvents agrees with snapshot.can on every reachable state', () => {
        for (const r of states) {
          const enabled = model.enabledEvents(snapshotView(r.snapshot)).map((e) => JSON.stringify(e));
          const can = model.allEvents.filter((e) => r.snapshot.can(e)).map((e) => JSON.stringify(e));
          expect(enabled, r.path.map((e) => e.type).join(' ')).toEqual(can);
        }
      });

      it('has a plain JSON config naming only its own rules, every state and transition described', () => {
        const copy = JSON.parse(JSON.stringify(model.config));
        expect(copy).toEqual(model.config);
        const refs = ruleRefs(copy);
        for (const g of refs.guards) expect(model.rules.guards, g).toHaveProperty(g);
        for (const a of refs.actions) expect(model.rules.actions, a).toHaveProperty(a);
        const undescribed: string[] = [];
        const walk = (n: Record<string, unknown>, path: string) => {
          if (typeof n.description !== 'string' || !n.description) undescribed.push(path);
          for (const [type, t] of Object.entries((n.on ?? {}) as Record<string, unknown>))
            for (const tr of (Array.isArray(t) ? t : [t]) as Record<string, unknown>[])
              if (typeof tr.description !== 'string' || !tr.description) undescribed.push(`${path} on ${type}`);
          for (const [k, c] of Object.entries((n.states ?? {}) as Record<string, Record<string, unknown>>)) walk(c, `${path}.${k}`);
        };
        walk(copy, entry.name);
        expect(undescribed).toEqual([]);
      });
    });
});
