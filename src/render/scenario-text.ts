/**
 * One readable line for a scenario, so that a page says which instance a drawing shows
 * (the statecharts are built per scenario: one region per client and per IOH).
 * @module
 */
import type { ClientSpec, Scenario } from '../scenario.ts';

/** The boolean fields of a client: its behaviour flags. */
type BehaviourFlag = { [K in keyof ClientSpec]-?: NonNullable<ClientSpec[K]> extends boolean ? K : never }[keyof ClientSpec];

/**
 * What each flag prints, for every flag (a flag added to {@link ClientSpec} fails to compile
 * here until it has its text): an absent optional flag is false.
 */
const FLAG_TEXT: { readonly [K in BehaviourFlag]: (on: boolean) => string | null } = {
  releases: (on) => (on ? null : 'never releases'),
  busy: (on) => (on ? 'busy' : null),
  migrates: (on) => (on ? 'migrating' : null),
  releasesEarly: (on) => (on ? 'releases early' : null),
  walker: (on) => (on ? 'with raid5d (dma_issue_pending_all)' : null),
  routed: (on) => (on ? 'through a DMA router' : null),
};

/** A client's behaviours in words (`never releases`, `busy`, `migrating`, `releases early`, `3 rounds`). */
export function clientBehaviours(c: ClientSpec): string[] {
  const out = (Object.keys(FLAG_TEXT) as BehaviourFlag[]).map((f) => FLAG_TEXT[f](c[f] ?? false)).filter((x) => x !== null);
  if (c.filter) out.push(`filter accepts ${c.filter.length ? c.filter.join(', ') : 'nothing'}`);
  if (!c.busy && c.rounds !== 1) out.push(`${c.rounds} rounds`);
  return out;
}

/**
 * `2 CPUs; ioh0: ioat0 (2 memcpy channels); clients net0 (net_dma on CPU 0, migrating), …;
 * design rfc-wait; quiesce threshold 2`. `design: false` leaves the design out (`check` runs
 * the scenario under several).
 */
export function describeScenario(s: Scenario, options: { readonly design?: boolean } = {}): string {
  const iohs = s.iohs.map((h) => {
    const devs = h.devices.map(
      (d) => `${d.name} (${d.channels} ${d.capabilities.join('/')} channel${d.channels === 1 ? '' : 's'}${d.private ? ', DMA_PRIVATE' : ''})`,
    );
    const socket = h.socketCpus.length > 0 ? ` on the socket of CPU ${h.socketCpus.join(', ')}` : '';
    return `${h.name}${socket}: ${devs.join(', ')}`;
  });
  const clients = s.clients.map((c) => `${c.name} (${[`${c.kind} on CPU ${c.cpu}`, ...clientBehaviours(c)].join(', ')})`);
  return [
    `${s.cpus} CPU${s.cpus === 1 ? '' : 's'}`,
    iohs.join('; '),
    clients.length > 0 ? `clients ${clients.join(', ')}` : 'no clients',
    ...(s.asyncTxChannelSwitch ? ['async_tx finds by type (CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH)'] : []),
    ...(s.hotAdd ? ['IOHs hot-added (probed after boot)'] : []),
    ...(options.design === false ? [] : [`design ${s.design}`]),
    `quiesce threshold ${s.quiesceThreshold}`,
  ].join('; ');
}
