/**
 * Named scenarios for `dmaspec check`: the standard scenario, and one variant of it per
 * client behaviour of DESIGN.md (same IOH, device and channels; the clients all show the
 * behaviour), so that every design gets a verdict for every behaviour.
 * @module
 */
import { DEFAULT_SCENARIO, type Behaviour, type ClientSpec, type Scenario } from '../scenario.ts';

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

/** The clients of each behaviour variant. */
const BEHAVIOUR_CLIENTS: Readonly<Record<Behaviour, readonly ClientSpec[]>> = {
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
};

/** The standard scenario with the clients of `behaviour`. */
export function behaviourScenario(behaviour: Behaviour): Scenario {
  // With two clients the false-zero sum fits in one quiesce round only: each further
  // consecutive zero round needs another in-flight client repeating the pattern.
  const quiesceThreshold = behaviour === 'migrating' ? 1 : DEFAULT_SCENARIO.quiesceThreshold;
  return { ...DEFAULT_SCENARIO, name: behaviour, clients: BEHAVIOUR_CLIENTS[behaviour], quiesceThreshold };
}

/** Scenario names `--scenario` accepts besides files: `default` and each behaviour. */
export const NAMED_SCENARIOS: readonly string[] = ['default', ...Object.keys(BEHAVIOUR_CLIENTS)];

/** The named scenario, or undefined. */
export function namedScenario(name: string): Scenario | undefined {
  if (name === 'default') return DEFAULT_SCENARIO;
  return name in BEHAVIOUR_CLIENTS ? behaviourScenario(name as Behaviour) : undefined;
}
