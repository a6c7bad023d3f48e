/**
 * Names shared by the spec, the machines, the designs and the implementation: the event
 * vocabulary of spec/threads.md that both the machines and the implementation derive from a
 * scenario, and the kinds of recorded violation. (The property names derive from the
 * properties themselves: machines/system/properties.ts.)
 * @module
 */

/**
 * The thread name of a client's `dma_issue_pending_all` caller (`net0` → `net0-rx`): net_dma's
 * NET_RX softirq (`net_rx_action`), async_tx's `raid5d` (`async_tx_issue_pending_all`).
 */
export const rxThread = (client: string): string => `${client}-rx`;

/**
 * Whether a client comes with a `dma_issue_pending_all` caller, an RCU reader of
 * `dma_device_list` (thread {@link rxThread}): net_dma always has its `net_rx_action` (3.6
 * `net/core/dev.c`, `CONFIG_NET_DMA`); an async_tx client has its user's when the scenario
 * says `walker` (`async_tx_issue_pending_all` is `dma_issue_pending_all`, 3.6
 * `include/linux/async_tx.h:88`, called by `raid5d`, 3.6 `drivers/md/raid5.c:4687`, and in
 * mainline). The standard scenario leaves it out for its cost (spec/threads.md says why).
 * Slave clients issue on their own channel only.
 */
export const hasWalker = (c: { readonly kind: string; readonly walker?: boolean }): boolean =>
  c.kind === 'net_dma' || (c.kind === 'async_tx' && c.walker === true);

/**
 * Whether a client kind's find and re-get run with preemption disabled: the call site's
 * property, not the function's (spec/threads.md, "What is one step"). async_tx submits from
 * `raid_run_ops`, between `get_cpu()` and `put_cpu()` (3.6 `drivers/md/raid5.c:1376`), so
 * no preemption, migration or `stop_machine` (a static key flip, `_cpu_down`) lands between
 * its key test and its per-CPU increment. net_dma's `tcp_recvmsg` site (3.6
 * `net/ipv4/tcp.c:1844-1845`) is preemptible; slave clients count nothing.
 */
export const findsPreemptOff = (kind: string): boolean => kind === 'async_tx';

/**
 * An event of spec/threads.md: `<thread>.<step>` with its payload (`cpu`, `allocOk`, …).
 * Structural, so that the spec names no machine or implementation type.
 */
export interface SpecEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** `net0.find` → `{thread: 'net0', step: 'find'}`; a type without a dot is a thread with no step. */
export function splitEvent(type: string): { readonly thread: string; readonly step: string } {
  const dot = type.indexOf('.');
  return dot < 0 ? { thread: type, step: '' } : { thread: type.slice(0, dot), step: type.slice(dot + 1) };
}

/** The thread that takes `event` (`net0` of `net0.find`). */
export const eventThread = (event: SpecEvent): string => splitEvent(event.type).thread;

/** The step of `event` within its thread (`find` of `net0.find`). */
export const eventStep = (event: SpecEvent): string => splitEvent(event.type).step;

const payloadOf = (event: SpecEvent) => Object.entries(event).filter(([k]) => k !== 'type');

/**
 * `net0.migrate {cpu: 1}`: an event for a reader (logs, traces, rendered pages), payload
 * fields in the event's own order.
 */
export function eventText(event: SpecEvent): string {
  const fields = payloadOf(event).map(([k, v]) => `${k}: ${String(v)}`);
  return fields.length ? `${event.type} {${fields.join(', ')}}` : event.type;
}

/**
 * `net0.migrate cpu=1`: an event as the exported paths list it (`enabled`, the C replay
 * driver parses it): type, then `field=value` in field-name order, so that the label does
 * not depend on how the event object was built.
 */
export function eventLabel(event: SpecEvent): string {
  const fields = payloadOf(event)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${String(v)}`);
  return [event.type, ...fields].join(' ');
}

/**
 * What a KASAN report (freed memory), a machine check (removed hardware) or an oops (a
 * dereference of a poisoned or invalid pointer: `oops:<thread>:<chan>`, the channel whose
 * `list_del`-poisoned `device_node.next` the thread followed) would show.
 */
export const VIOLATION_KINDS = ['use-after-free', 'use-on-removed-hardware', 'oops'] as const;
/** A kind of recorded violation. */
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** A recorded violation: thread `thread` used channel `chan` (`ioat0.0`) when it must not (an oops: oopsed walking from it). */
export interface Violation {
  readonly kind: ViolationKind;
  readonly thread: string;
  readonly chan: string;
}

/** `use-after-free:net0:ioat0.0`, the form spec/observable.ts `violations` lists. */
export const violationText = (v: Violation): string => `${v.kind}:${v.thread}:${v.chan}`;

/** A violation text that is not `<kind>:<thread>:<chan>` with a known kind. */
export class ViolationSyntaxError extends Error {
  override readonly name = 'ViolationSyntaxError';
  constructor(readonly text: string) {
    super(`violation ${JSON.stringify(text)} is not <kind>:<thread>:<chan> with kind ${VIOLATION_KINDS.join(' or ')}`);
  }
}

/** The inverse of {@link violationText}. @throws ViolationSyntaxError */
export function parseViolation(text: string): Violation {
  const [kind, thread, chan, ...rest] = text.split(':');
  if (rest.length > 0 || !thread || !chan || !(VIOLATION_KINDS as readonly string[]).includes(kind)) throw new ViolationSyntaxError(text);
  return { kind: kind as ViolationKind, thread, chan };
}
