/**
 * Standalone machines: one client thread of each kind alone with a registered device —
 * net_dma (find → use → put, migration, dmaengine_get/put), async_tx (plus the cached
 * pointer's re-get) and slave (request → use → release, the alloc failure path). The
 * regions and rules are the system machine's own.
 * @module
 */
import type { ClientKind, ClientSpec, Scenario } from '../../src/scenario.ts';
import { makeModel, threadPayloads, type ConfiguredModel, type StateConfig } from '../make.ts';
import { publicClientRegion, slaveRegion } from '../system/clients.ts';
import { initialContext, type SystemContext } from '../system/context.ts';
import type { DesignModel } from '../system/design.ts';
import { systemRules } from '../system/index.ts';
import { layoutOf } from '../system/layout.ts';

const DEFAULTS: Record<ClientKind, ClientSpec> = {
  net_dma: { name: 'net0', kind: 'net_dma', cpu: 0, capability: 'memcpy', releases: true, busy: false, migrates: true, rounds: 1 },
  async_tx: { name: 'atx0', kind: 'async_tx', cpu: 0, capability: 'memcpy', releases: true, busy: false, migrates: false, rounds: 1 },
  slave: { name: 'slave0', kind: 'slave', cpu: 0, capability: 'memcpy', releases: true, busy: false, migrates: false, rounds: 1 },
};

/** The environment's key flips (see {@link buildClient}), by event type. */
export const KEY_FLIPS = {
  'env.keyOn': { guard: 'keyIsOff', actions: ['envKeyOn'], description: 'the quiescer: static_key_slow_inc(&dmaengine_quiesce)' },
  'env.keyOff': { guard: 'keyIsOn', actions: ['envKeyOff'], description: 'the quiescer: static_key_slow_dec(&dmaengine_quiesce)' },
} as const;

/** The machine of the scenario's first client of `kind` (or a cooperative default one) under `D`, the scenario's design. */
export function buildClient(kind: ClientKind, scenario: Scenario, D: DesignModel): ConfiguredModel<SystemContext> {
  const spec = scenario.clients.find((c) => c.kind === kind) ?? DEFAULTS[kind];
  const L = layoutOf({ ...scenario, iohs: [scenario.iohs[0]], clients: [spec] });
  const c = L.clients[0];
  // Under the RFC hot path the quiesce key may flip at any moment (no IOH here): `env.keyOn`
  // and `env.keyOff` stand for the quiescer's static_key_slow_inc/dec, so both outcomes of
  // every key test are reachable.
  const keyFlips = kind !== 'slave' && D.hotPath === 'rfc';
  const region = kind === 'slave' ? slaveRegion(c) : publicClientRegion(c, {}, D.hotPath, L.scenario.allocFailures, D.putRebalances === true);
  // The key flips are a region of their own beside the thread's regions (machines/kit.ts
  // rule 3: a parallel state does not handle events itself), so the checker's engine and
  // the guard export (src/mbt/guards.ts) compile this machine too.
  const env = {
    env: {
      id: 'env',
      initial: 'any',
      description: 'the quiescer of an absent IOH: flips the key at any moment',
      states: { any: { id: 'env.any', description: 'the key may go on or off', on: KEY_FLIPS } },
    },
  };
  const config: StateConfig = {
    ...region,
    ...(keyFlips ? { states: { ...region.states, ...env } } : {}),
    context: initialContext(L, D.variables),
  };
  const base = systemRules(L, D);
  return makeModel({
    name: `client:${kind}`,
    scenario,
    config,
    rules: keyFlips
      ? {
          guards: { ...base.guards, keyIsOff: (ctx) => ctx.key === 0, keyIsOn: (ctx) => ctx.key === 1 },
          actions: { ...base.actions, envKeyOn: (ctx) => void (ctx.key = 1), envKeyOff: (ctx) => void (ctx.key = 0) },
        }
      : base,
    threads: [c.name],
    payloads: threadPayloads(L.cpus),
    isFinal: (v) => v.context.threads[0].inFlight === 0,
  });
}
