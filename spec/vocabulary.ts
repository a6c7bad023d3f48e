/**
 * Names of the shared event vocabulary of spec/threads.md that both the machines and the
 * implementation derive from a scenario.
 * @module
 */

/** The thread name of a net_dma client's NET_RX softirq context (`net0` → `net0-rx`). */
export const rxThread = (client: string): string => `${client}-rx`;
