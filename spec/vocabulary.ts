/**
 * Names shared by the spec, the machines, the designs and the implementation: the event
 * vocabulary of spec/threads.md that both the machines and the implementation derive from a
 * scenario, and the names of the properties of spec/properties.ts (here, not there, because
 * designs name the properties they claim without importing the properties, which read the
 * system machine).
 * @module
 */

/**
 * The property names, in the order of spec/properties.ts's `PROPERTIES` (which checks, when
 * it loads, that its list has exactly these names in this order).
 */
export const PROPERTY_NAMES = [
  'no-use-after-free',
  'client-count-matches-holders',
  'resources-iff-held',
  'no-ref-survives-quiesce',
  'no-false-zero',
  'ref-sum-nonnegative-when-quiescent',
  'table-names-listed-channels',
  'removal-completes',
  'quiesce-terminates',
  'waiting-client-answered',
] as const;

/** A property of spec/properties.ts, by name. */
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** The thread name of a net_dma client's NET_RX softirq context (`net0` → `net0-rx`). */
export const rxThread = (client: string): string => `${client}-rx`;
