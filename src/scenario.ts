/**
 * The Scenario: the one input every part of dmaspec is built from — the statecharts
 * (machines/), the executable core (src/core, src/ioh), the checker and the path generator.
 *
 * A scenario names the CPUs, the I/O hubs with their I/OAT devices and channels, the
 * clients (each a kernel thread program of spec/threads.md) and their behaviour flags,
 * the release-notification design and the quiesce threshold.
 *
 * @module
 */
import { excerpt, quoted } from './excerpt.ts';

/*
 * The names of the built-in designs are the one list every design name type derives from.
 * They live here, not in the registry (src/designs/registry.ts), because scenario validation
 * needs them and the registry's models import the system machine, which imports this file;
 * the registry is typed `satisfies Record<DesignName, Design>`, so a name without a design,
 * or a design without a name, fails to compile.
 */
/** Built-in release-notification designs (one folder each under src/designs/). */
export const DESIGN_NAMES = [
  'baseline',
  'rfc-wait',
  'rfc-wait-unheld',
  'notifier',
  'fail-fast',
  'kref',
  'kref-5-10',
  'kref-fixed',
  'percpu-ref',
  'percpu-ref-nogp',
] as const;

/** The name of a built-in release-notification design. */
export type DesignName = (typeof DESIGN_NAMES)[number];

/** A scenario or command line names a design that is not built in. */
export class UnknownDesignError extends Error {
  override readonly name = 'UnknownDesignError';
  constructor(readonly design: string) {
    super(`design ${design} is not a built-in design (known: ${DESIGN_NAMES.join(', ')})`);
  }
}

/** Operation capabilities that have a `channel_table` (DMA_INTERRUPT/PRIVATE/SLAVE do not). */
export const CAPABILITIES = ['memcpy', 'xor', 'pq'] as const;
/** A `dma_transaction_type` that `dma_find_channel` can be asked for. */
export type Capability = (typeof CAPABILITIES)[number];

/** The client thread programs of spec/threads.md. */
export const CLIENT_KINDS = ['net_dma', 'async_tx', 'slave'] as const;
/**
 * - `net_dma`: `dmaengine_get`, then find → use → put rounds on the public channel table.
 * - `async_tx`: like net_dma, but caches the channel pointer from `dma_find_channel` and later
 *   re-takes it with `dma_get_channel` (the "caches-pointer" behaviour).
 * - `slave`: `dma_request_channel` for an exclusive (private) channel, uses, releases.
 */
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** Client behaviour names (README, "The standard scenario"), as accepted in scenario JSON; see {@link ClientSpec}. */
export const BEHAVIOURS = ['cooperative', 'never-releases', 'busy', 'migrating', 'caches-pointer', 'releases-early'] as const;
/** A client behaviour name, as scenario JSON and `--scenario` accept it. */
export type Behaviour = (typeof BEHAVIOURS)[number];

/** One I/OAT DMA device: its channels share the capability mask. */
export interface DeviceSpec {
  readonly name: string;
  readonly channels: number;
  readonly capabilities: readonly Capability[];
  /**
   * The driver's `device_alloc_chan_resources` returns 0 on success (it preallocates no
   * descriptors, as many drivers do) instead of the descriptor count. Harness only: 0 is
   * success, `dma_chan_get` tests only for an error (3.6 `dmaengine.c:230` `desc_cnt < 0`,
   * 5.10.7 :469 and 7.0 :472 `ret < 0`) and the model counts no descriptors, so nothing the
   * model describes changes; the kernel harness's fake driver returns 0. Default false; a
   * parsed scenario has it only when true.
   */
  readonly allocReturnsZero?: boolean;
  /**
   * The driver has `device_synchronize` (mainline; 3.x has no such operation), and a channel
   * freed by `device_free_chan_resources` after a submit with no `device_synchronize` in
   * between is what the kernel-doc forbids (7.0 `dmaengine.h:1153`: synchronize "before it is
   * safe to free any memory that is accessed by previously submitted descriptors"). Harness
   * only: `dma_chan_put` synchronizes right before the free (7.0 `dmaengine.c:507`, 5.10.7
   * :504), inside the step the model already has, so nothing the model describes changes; the
   * kernel harness's fake driver reports a free without it as `unsynchronized-free:<chan>`,
   * which the model never expects. Default false; a parsed scenario has it only when true.
   */
  readonly deviceSynchronize?: boolean;
  /**
   * The driver registers the device with `DMA_PRIVATE` already in its `cap_mask` (a
   * slave-only controller): `dma_async_device_register` counts it once more in `privatecnt`
   * ("Always private", 3.6 `dmaengine.c:797-798`, 7.0 :1263-1264), so a slave's
   * `dma_release_channel` never brings it to 0 and never clears `DMA_PRIVATE` (3.6 :556-557);
   * `dmaengine_get`, the channel table and `dma_issue_pending_all` skip it from the start.
   * The model's device starts private, with `privatecnt` 1 once registered. Default false;
   * a parsed scenario has it only when true.
   */
  readonly private?: boolean;
}

/** An I/O hub carrying DMA devices, optionally tied to a CPU socket. */
export interface IohSpec {
  readonly name: string;
  readonly devices: readonly DeviceSpec[];
  /** CPUs of the socket this IOH sits on; they go offline with a socket removal. Empty: none. */
  readonly socketCpus: readonly number[];
}

/** One client thread. `kind` picks its program; the flags pick its behaviour. */
export interface ClientSpec {
  readonly name: string;
  readonly kind: ClientKind;
  /** The CPU the thread starts on. */
  readonly cpu: number;
  /** The capability it asks `dma_find_channel` / `dma_request_channel` for. */
  readonly capability: Capability;
  /** false: the "never-releases" behaviour (no `dmaengine_put` / `dma_release_channel`, ever). */
  readonly releases: boolean;
  /** true: the "busy" behaviour (find → use → put forever instead of `rounds` times). */
  readonly busy: boolean;
  /** true: the "migrating" behaviour (may change CPU between get and put). */
  readonly migrates: boolean;
  /** find → use → put rounds (slave: uses) before the client releases; ignored when busy. */
  readonly rounds: number;
  /**
   * true: the "releases-early" misuse: `dmaengine_put` while the client's own round is in
   * flight, and (async_tx) `dma_get_channel` of the cached pointer after its own
   * `dmaengine_put`. Both break every design without any hot-removal, so a well-behaved
   * client (the default) releases only between rounds and re-gets only while it holds
   * its `dmaengine_get`.
   */
  readonly releasesEarly?: boolean;
  /**
   * async_tx only: its user's `dma_issue_pending_all` caller (`raid5d`'s
   * `async_tx_issue_pending_all`) is a thread, `<client>-rx` (spec/vocabulary.ts `hasWalker`).
   * Default false; a parsed scenario has it only when true. net_dma always has its NET_RX one.
   */
  readonly walker?: boolean;
  /**
   * slave only: its `dma_request_channel` passes a filter function (`dma_filter_fn`) that
   * accepts exactly these channels (ids `<device>.<index>`) and rejects every other:
   * `private_candidate` skips a rejected channel as it skips a busy one (3.6
   * `dmaengine.c:487-491`, 7.0 :646-650), so the request takes the first free accepted
   * channel of the first device that has one, or NULL. Absent: no filter (`fn` NULL), the
   * first free channel. A parsed scenario has it only when given.
   */
  readonly filter?: readonly string[];
  /**
   * slave only: its channel comes through a DMA request router (mainline `of_dma_router_xlate`,
   * drivers/dma/of-dma.c: the router's `route_allocate`, then `chan->router` and
   * `chan->route_data` set on the channel it got), which `dma_chan_put` frees
   * (`route_free`, 7.0 `dmaengine.c:511-516`, 5.10.7 :508-513). Harness only: the route is
   * freed inside the release step the model already has and the model keeps no route, so
   * nothing it describes changes; the kernel harness (mainline builds; 3.x has no routers)
   * reports a route its release leaves allocated as `route-leak:<chan>`, a `route_free` with
   * no live route as `route-free-twice:<chan>`, and (on a device with `deviceSynchronize`) one
   * before the synchronize that ends the channel's submitted transfers as
   * `route-freed-in-flight:<chan>`, none of which the model expects. Default
   * false; a parsed scenario has it only when true.
   */
  readonly routed?: boolean;
}

/** Everything the model, the core and the checker are built from. */
export interface Scenario {
  readonly name: string;
  /** CPUs 0..cpus-1; all online at the start. */
  readonly cpus: number;
  readonly iohs: readonly IohSpec[];
  readonly clients: readonly ClientSpec[];
  readonly design: DesignName;
  /** Consecutive zero sums `dma_channel_quiesce` needs (10 in the RFC). */
  readonly quiesceThreshold: number;
  /** Adds the `cpu` thread: CPUs go offline and online (with rebalance). Default false. */
  readonly cpuHotplug?: boolean;
  /**
   * Adds `<client>.getAllocFails` to every net_dma/async_tx client: `dmaengine_get` whose
   * first `device_alloc_chan_resources` fails (a public multi-channel device then has some
   * channels in use and some not). Default false; a parsed scenario has it only when true.
   */
  readonly allocFailures?: boolean;
  /**
   * `CONFIG_ASYNC_TX_ENABLE_CHANNEL_SWITCH` (src/table-rows.ts): true, async_tx finds
   * in its capability's row (`dma_find_channel(type)`); false, the default (x86 ioat: only the
   * IOP/FSL/MV_XOR/PPC440SPe drivers select it), in the `DMA_ASYNC_TX` row, which only a
   * device with memcpy, xor and pq fills. A parsed scenario has it only when true.
   */
  readonly asyncTxChannelSwitch?: boolean;
  /**
   * Every IOH is hot-added after boot: it starts `present`, its devices allocated by the
   * driver but not registered, and the IOH thread's first step `<ioh>.probe` registers them
   * (`dma_async_device_register`), so that clients may have called `dmaengine_get` before
   * and the register takes references for them (3.6 `dmaengine.c:781-795`). IOHs probe in
   * scenario order (assumption probe-in-order, spec/threads.md). Default false; a parsed
   * scenario has it only when true.
   */
  readonly hotAdd?: boolean;
  /**
   * With `hotAdd` and one IOH: adds `<ioh>.probeFails {alloc}` beside `probe`, the IOH's
   * first device's `dma_async_device_register` with its `alloc`-th allocation failing (1:
   * the kmalloc of `idr_ref`, 2: `get_dma_id`'s `idr_pre_get`, then per channel 3k+3:
   * `alloc_percpu` of `chan->local`, 3k+4: the kzalloc of `chan->dev`, 3k+5:
   * `device_register`; 3.6 `dmaengine.c:733-771`). The register returns the error with
   * nothing listed and everything it allocated freed (its `err_out`, :804-823); the driver's
   * probe fails and the IOH stays unregistered. Default false; a parsed scenario has it only
   * when true.
   */
  readonly registerFailures?: boolean;
}

/** A scenario file or argument broke a rule; `field` is the JSON path of the culprit. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`scenario field ${field}: ${rule}`);
  }
}

/**
 * The default (standard) scenario: 2 CPUs; one IOH with one I/OAT device of 2 channels that
 * can memcpy, xor and pq (so `device_has_all_tx_types` puts it in the `DMA_ASYNC_TX` row the
 * async_tx client reads on x86 ioat kernels: src/table-rows.ts); a net_dma client that migrates and runs 3 find → use → put rounds, an async_tx
 * client that caches its channel pointer, and a slave client; design `rfc-wait`; quiesce
 * threshold 2.
 *
 * Threshold 2 instead of the kernel's 10 keeps the state space exhaustively explorable and
 * still meaningful: the false-zero sum needs the migrating client to move its unit of count
 * between the quiescer's two per-CPU reads once per round, so it persists through N
 * consecutive rounds when the client has N + 1 rounds (1 to line up, then 1 per round). Two
 * rounds already show that "consecutive zero sums" makes the flaw rarer, not impossible;
 * each further round of the threshold costs the adversary exactly one more round.
 */
export const DEFAULT_SCENARIO: Scenario = Object.freeze({
  name: 'default',
  cpus: 2,
  iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 2, capabilities: ['memcpy', 'xor', 'pq'] }] }],
  clients: [
    { name: 'net0', kind: 'net_dma', cpu: 0, capability: 'memcpy', releases: true, busy: false, migrates: true, rounds: 3 },
    { name: 'atx0', kind: 'async_tx', cpu: 1, capability: 'memcpy', releases: true, busy: false, migrates: false, rounds: 1 },
    { name: 'slave0', kind: 'slave', cpu: 0, capability: 'memcpy', releases: true, busy: false, migrates: false, rounds: 1 },
  ],
  design: 'rfc-wait',
  quiesceThreshold: 2,
}) as Scenario;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The rule a value broke: `what` it must be, and what it was (a bounded excerpt), or that it is missing. */
function broken(v: unknown, field: string, what: string, got = excerpt(v)): ScenarioError {
  return new ScenarioError(field, v === undefined ? `is missing: it must be ${what}` : `must be ${what} (got ${got})`);
}
function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw broken(v, field, `an integer from ${min} to ${max}`);
  return v;
}
function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]{0,31}$/.test(v)) throw broken(v, field, 'a name of letters, digits, _ or - (at most 32)');
  return v;
}
function oneOf<T extends string>(v: unknown, field: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw broken(v, field, `one of ${allowed.join(', ')}`);
  return v as T;
}
function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw broken(v, field, 'true or false');
  return v;
}
function arr(v: unknown, field: string, min: number, max: number): unknown[] {
  if (!Array.isArray(v) || v.length < min || v.length > max)
    throw broken(v, field, `a list of ${min} to ${max} entries`, Array.isArray(v) ? `a list of ${v.length}` : excerpt(v));
  return v;
}
/** A field name as a path segment: as it is when it is a plain name, else quoted and cut. */
const segment = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(k) ? k : `[${quoted(k, 32)}]`);
function noExtra(o: Record<string, unknown>, field: string, known: readonly string[]): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new ScenarioError(`${field}.${segment(k)}`, `unknown field (known: ${known.join(', ')})`);
}

/**
 * Turns scenario JSON (as parsed from a file) into a checked {@link Scenario}.
 * Omitted fields take the defaults of {@link DEFAULT_SCENARIO} (omitted clients are placed
 * on the file's CPUs, see `defaultClientsOn`); a client may give
 * `behaviour: ["migrating", "never-releases", ...]` instead of the flags.
 * @throws ScenarioError naming the first bad field.
 */
export function parseScenario(json: unknown): Scenario {
  if (!isObj(json)) throw new ScenarioError('$', 'a scenario must be a JSON object');
  noExtra(json, '$', [
    'name',
    'cpus',
    'iohs',
    'clients',
    'design',
    'quiesceThreshold',
    'cpuHotplug',
    'allocFailures',
    'asyncTxChannelSwitch',
    'hotAdd',
    'registerFailures',
  ]);
  const d = DEFAULT_SCENARIO;
  const name = json.name === undefined ? 'custom' : str(json.name, 'name');
  const cpus = json.cpus === undefined ? d.cpus : int(json.cpus, 'cpus', 1, 8);
  const design = json.design === undefined ? d.design : oneOf(json.design, 'design', DESIGN_NAMES);
  const quiesceThreshold = json.quiesceThreshold === undefined ? d.quiesceThreshold : int(json.quiesceThreshold, 'quiesceThreshold', 1, 100);
  const iohs = json.iohs === undefined ? d.iohs : arr(json.iohs, 'iohs', 1, 4).map((raw, i) => parseIoh(raw, `iohs[${i}]`, cpus));
  const clients =
    json.clients === undefined ? defaultClientsOn(cpus) : arr(json.clients, 'clients', 0, 8).map((raw, i) => parseClient(raw, `clients[${i}]`, cpus));
  const names = new Set<string>();
  const all = [
    ...iohs.map((h, i) => [h.name, `iohs[${i}].name`] as const),
    ...iohs.flatMap((h, i) => h.devices.map((dv, j) => [dv.name, `iohs[${i}].devices[${j}].name`] as const)),
    ...clients.map((c, i) => [c.name, `clients[${i}].name`] as const),
  ];
  for (const [n, f] of all) {
    if (names.has(n)) throw new ScenarioError(f, `name ${n} is used twice`);
    names.add(n);
  }
  const channelIds = new Set(iohs.flatMap((h) => h.devices.flatMap((dv) => Array.from({ length: dv.channels }, (_, k) => `${dv.name}.${k}`))));
  clients.forEach((c, i) =>
    c.filter?.forEach((id, k) => {
      if (!channelIds.has(id)) throw new ScenarioError(`clients[${i}].filter[${k}]`, `names no channel of the scenario's devices (got ${id})`);
    }),
  );
  const cpuHotplug = json.cpuHotplug === undefined ? false : bool(json.cpuHotplug, 'cpuHotplug');
  const allocFailures = json.allocFailures === undefined ? false : bool(json.allocFailures, 'allocFailures');
  const channelSwitch = json.asyncTxChannelSwitch === undefined ? false : bool(json.asyncTxChannelSwitch, 'asyncTxChannelSwitch');
  const hotAdd = json.hotAdd === undefined ? false : bool(json.hotAdd, 'hotAdd');
  const registerFailures = json.registerFailures === undefined ? false : bool(json.registerFailures, 'registerFailures');
  if (registerFailures && !(hotAdd && iohs.length === 1))
    throw new ScenarioError('registerFailures', 'a registration failure is a step of a hot-added IOH: it needs hotAdd true and exactly one IOH');
  return {
    name,
    cpus,
    iohs,
    clients,
    design,
    quiesceThreshold,
    cpuHotplug,
    ...(allocFailures ? { allocFailures } : {}),
    ...(channelSwitch ? { asyncTxChannelSwitch: true } : {}),
    ...(hotAdd ? { hotAdd: true } : {}),
    ...(registerFailures ? { registerFailures: true } : {}),
  };
}

/**
 * The default scenario's clients on a machine of `cpus` CPUs. Decision: a file that gives
 * `cpus` but no `clients` gets the default clients placed on CPUs it has (CPU c of the
 * default becomes c mod cpus), rather than being refused: the defaults must always make a
 * valid scenario, and on one CPU every client starts on CPU 0. (A client a file gives
 * itself must name an existing CPU, or the file is refused naming `clients[i].cpu`.)
 */
function defaultClientsOn(cpus: number): readonly ClientSpec[] {
  return DEFAULT_SCENARIO.clients.map((c) => (c.cpu < cpus ? c : { ...c, cpu: c.cpu % cpus }));
}

function parseIoh(raw: unknown, f: string, cpus: number): IohSpec {
  if (!isObj(raw)) throw new ScenarioError(f, 'must be an object');
  noExtra(raw, f, ['name', 'devices', 'socketCpus']);
  const devices = arr(raw.devices, `${f}.devices`, 1, 4).map((dv, j): DeviceSpec => {
    const g = `${f}.devices[${j}]`;
    if (!isObj(dv)) throw new ScenarioError(g, 'must be an object');
    noExtra(dv, g, ['name', 'channels', 'capabilities', 'allocReturnsZero', 'deviceSynchronize', 'private']);
    const caps = arr(dv.capabilities ?? ['memcpy'], `${g}.capabilities`, 1, CAPABILITIES.length).map((c, k) =>
      oneOf(c, `${g}.capabilities[${k}]`, CAPABILITIES),
    );
    const zero = dv.allocReturnsZero === undefined ? false : bool(dv.allocReturnsZero, `${g}.allocReturnsZero`);
    const sync = dv.deviceSynchronize === undefined ? false : bool(dv.deviceSynchronize, `${g}.deviceSynchronize`);
    const priv = dv.private === undefined ? false : bool(dv.private, `${g}.private`);
    return {
      name: str(dv.name, `${g}.name`),
      channels: int(dv.channels, `${g}.channels`, 1, 8),
      capabilities: caps,
      ...(zero ? { allocReturnsZero: true } : {}),
      ...(sync ? { deviceSynchronize: true } : {}),
      ...(priv ? { private: true } : {}),
    };
  });
  const socketCpus = arr(raw.socketCpus ?? [], `${f}.socketCpus`, 0, cpus).map((c, k) => int(c, `${f}.socketCpus[${k}]`, 0, cpus - 1));
  return { name: str(raw.name, `${f}.name`), devices, socketCpus };
}

function parseClient(raw: unknown, f: string, cpus: number): ClientSpec {
  if (!isObj(raw)) throw new ScenarioError(f, 'must be an object');
  noExtra(raw, f, ['name', 'kind', 'cpu', 'capability', 'releases', 'busy', 'migrates', 'rounds', 'releasesEarly', 'walker', 'filter', 'routed', 'behaviour']);
  const kind = oneOf(raw.kind, `${f}.kind`, CLIENT_KINDS);
  const behaviour =
    raw.behaviour === undefined ? [] : arr(raw.behaviour, `${f}.behaviour`, 0, BEHAVIOURS.length).map((b, k) => oneOf(b, `${f}.behaviour[${k}]`, BEHAVIOURS));
  if (behaviour.includes('caches-pointer') && kind !== 'async_tx')
    throw new ScenarioError(`${f}.behaviour`, 'caches-pointer is the async_tx kind; set kind to async_tx');
  const flag = (key: 'releases' | 'busy' | 'migrates' | 'releasesEarly', fromBehaviour: boolean, dflt: boolean) =>
    raw[key] === undefined ? (fromBehaviour ? !dflt : dflt) : bool(raw[key], `${f}.${key}`);
  return {
    name: str(raw.name, `${f}.name`),
    kind,
    cpu: raw.cpu === undefined ? 0 : int(raw.cpu, `${f}.cpu`, 0, cpus - 1),
    capability: raw.capability === undefined ? 'memcpy' : oneOf(raw.capability, `${f}.capability`, CAPABILITIES),
    releases: flag('releases', behaviour.includes('never-releases'), true),
    busy: flag('busy', behaviour.includes('busy'), false),
    migrates: flag('migrates', behaviour.includes('migrating'), false),
    rounds: raw.rounds === undefined ? 1 : int(raw.rounds, `${f}.rounds`, 1, 8),
    releasesEarly: flag('releasesEarly', behaviour.includes('releases-early'), false),
    ...(walkerOf(raw.walker, f, kind) ? { walker: true } : {}),
    ...(raw.filter === undefined ? {} : { filter: filterOf(raw.filter, f, kind) }),
    ...(routedOf(raw.routed, f, kind) ? { routed: true } : {}),
  };
}

/** A slave's `routed`. */
function routedOf(v: unknown, f: string, kind: ClientSpec['kind']): boolean {
  if (v === undefined) return false;
  const on = bool(v, `${f}.routed`);
  if (on && kind !== 'slave') throw new ScenarioError(`${f}.routed`, 'is for slave clients (a DMA router routes a slave request)');
  return on;
}

/** A slave's `filter`: the channel ids its filter function accepts (checked against the IOHs in parseScenario). */
function filterOf(v: unknown, f: string, kind: ClientSpec['kind']): readonly string[] {
  if (kind !== 'slave') throw new ScenarioError(`${f}.filter`, 'is for slave clients (only dma_request_channel takes a filter function)');
  return arr(v, `${f}.filter`, 0, 32).map((id, k) => {
    if (typeof id !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]{0,31}\.[0-9]$/.test(id)) throw broken(id, `${f}.filter[${k}]`, 'a channel id <device>.<index>');
    return id;
  });
}

/** A client's `walker` field: async_tx only (net_dma always has its NET_RX walker, a slave none). */
function walkerOf(v: unknown, f: string, kind: ClientSpec['kind']): boolean {
  if (v === undefined) return false;
  const on = bool(v, `${f}.walker`);
  if (on && kind !== 'async_tx') throw new ScenarioError(`${f}.walker`, 'is for async_tx clients (net_dma always has its NET_RX walker; a slave has none)');
  return on;
}
