/**
 * Named scenarios for `dmaspec check`: the standard scenario, and one variant of it per
 * client behaviour (README, "The standard scenario"; same IOH, device and channels; the clients all show the
 * behaviour), so that every design gets a verdict for every behaviour.
 * @module
 */
import { BEHAVIOURS, DEFAULT_SCENARIO, parseScenario, type Behaviour, type ClientSpec, type Scenario } from '../scenario.ts';

const client = (name: string, kind: ClientSpec['kind'], cpu: number, over: Partial<ClientSpec> = {}): ClientSpec => ({
  name,
  kind,
  cpu,
  capability: 'memcpy',
  releases: true,
  busy: false,
  migrates: false,
  rounds: 1,
  ...over,
});

/** The clients of the behaviour variants picked to show each flaw with few states. */
const BEHAVIOUR_CLIENTS: Readonly<Partial<Record<Behaviour, readonly ClientSpec[]>>> = {
  // Everyone finds, uses, puts and releases once.
  cooperative: [client('net0', 'net_dma', 0), client('slave0', 'slave', 1)],
  // Nobody ever calls dmaengine_put / dma_release_channel.
  'never-releases': [client('net0', 'net_dma', 0, { releases: false }), client('slave0', 'slave', 1, { releases: false })],
  // The net_dma worker runs find → use → put forever.
  busy: [client('net0', 'net_dma', 0, { busy: true }), client('slave0', 'slave', 1)],
  // Two net_dma clients that may change CPU between find and put: the false-zero sum.
  migrating: [client('net0', 'net_dma', 0, { migrates: true }), client('net1', 'net_dma', 1, { migrates: true })],
  // async_tx keeps the channel pointer and re-takes it with dma_get_channel later.
  'caches-pointer': [client('atx0', 'async_tx', 0), client('slave0', 'slave', 1)],
  // Client bugs: dmaengine_put mid-round, and re-get of the cached pointer after it.
  'releases-early': [client('net0', 'net_dma', 0, { releasesEarly: true }), client('atx0', 'async_tx', 1, { releasesEarly: true })],
};

/** The standard scenario with the clients of `behaviour`. */
export function behaviourScenario(behaviour: Behaviour): Scenario {
  const picked = BEHAVIOUR_CLIENTS[behaviour];
  if (!picked) {
    // A behaviour without picked clients: the default scenario's clients, each showing it
    // (as scenario JSON would say it; the async_tx client stands for caches-pointer).
    return parseScenario({
      name: behaviour,
      quiesceThreshold: DEFAULT_SCENARIO.quiesceThreshold,
      clients: DEFAULT_SCENARIO.clients.map((c) => ({ name: c.name, kind: c.kind, cpu: c.cpu, capability: c.capability, behaviour: [behaviour] })),
    });
  }
  // With two clients the false-zero sum fits in one quiesce round only: each further
  // consecutive zero round needs another in-flight client repeating the pattern.
  const quiesceThreshold = behaviour === 'migrating' ? 1 : DEFAULT_SCENARIO.quiesceThreshold;
  return { ...DEFAULT_SCENARIO, name: behaviour, clients: picked, quiesceThreshold };
}

/**
 * The mainline shape: async_tx clients only (net_dma left the kernel in 3.18), with the
 * `dma_issue_pending_all` caller of its user (`raid5d`, thread `atx0-rx`): the RCU reader
 * under which a design's free must wait a grace period.
 */
export const ASYNC_TX_MAINLINE: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'async-tx-mainline',
  clients: [client('atx0', 'async_tx', 1, { walker: true })],
};

/**
 * An async_tx client that never calls `dmaengine_put` (issue 25): it keeps its cached channel
 * and re-takes it after its round, so a design that frees without its consent (a timeout) is
 * caught using the freed channel. `never-releases`' net_dma worker and slave end their rounds
 * before the timer fires, so that scenario cannot show it.
 */
export const ASYNC_TX_NEVER_RELEASES: Scenario = {
  ...DEFAULT_SCENARIO,
  name: 'async-tx-never-releases',
  clients: [client('atx0', 'async_tx', 0, { releases: false })],
};

/**
 * The RFC's own quiesce threshold: `dma_channel_quiesce` waits for ten consecutive zero sums
 * (the seed 3/7: `} while (quiesce_count < 10);` in `dma_channel_quiesce`); the standard
 * scenario uses 2 so that every design's exact search stays small.
 */
export const KERNEL_THRESHOLD = 10;

/**
 * The standard scenario at the kernel's own parameters (issue 30): threshold 10 on 2 CPUs, on 4
 * CPUs, and with a second net_dma client (the explosive axis). Each is far larger than the
 * standard one; `dmaspec check` searches them exactly when memory allows, `dmaspec swarm`
 * beyond that.
 */
const KERNEL_SCENARIOS: Readonly<Record<string, () => Scenario>> = {
  'kernel-threshold': () => ({ ...DEFAULT_SCENARIO, name: 'kernel-threshold', quiesceThreshold: KERNEL_THRESHOLD }),
  'kernel-threshold-4cpu': () => ({ ...DEFAULT_SCENARIO, name: 'kernel-threshold-4cpu', cpus: 4, quiesceThreshold: KERNEL_THRESHOLD }),
  'kernel-threshold-twin': () => ({
    ...DEFAULT_SCENARIO,
    name: 'kernel-threshold-twin',
    quiesceThreshold: KERNEL_THRESHOLD,
    clients: [...DEFAULT_SCENARIO.clients, { ...DEFAULT_SCENARIO.clients[0]!, name: 'net1', cpu: 1 }],
  }),
};

const EXTRA_SCENARIOS: Readonly<Record<string, Scenario>> = {
  [ASYNC_TX_MAINLINE.name]: ASYNC_TX_MAINLINE,
  [ASYNC_TX_NEVER_RELEASES.name]: ASYNC_TX_NEVER_RELEASES,
};

/** Scenario names `--scenario` accepts besides files: `default`, each behaviour, the async_tx-only ones, and the kernel's parameters. */
export const NAMED_SCENARIOS: readonly string[] = ['default', ...BEHAVIOURS, ...Object.keys(EXTRA_SCENARIOS), ...Object.keys(KERNEL_SCENARIOS)];

/** The named scenario, or undefined. */
export function namedScenario(name: string): Scenario | undefined {
  if (name === 'default') return DEFAULT_SCENARIO;
  if (Object.hasOwn(EXTRA_SCENARIOS, name)) return EXTRA_SCENARIOS[name]!;
  if (Object.hasOwn(KERNEL_SCENARIOS, name)) return KERNEL_SCENARIOS[name]!();
  return (BEHAVIOURS as readonly string[]).includes(name) ? behaviourScenario(name as Behaviour) : undefined;
}
