/**
 * Readings of unseen kernel code that the designs take as named switches, for the comparison
 * page: which two designs differ only in the reading, which one the evidence favours and why.
 * The verdicts that differ between the two columns are the ones that depend on the reading;
 * the page marks them in the column of the other reading (src/render/comparison.ts).
 * @module
 */

/** One switch between two designs that read an unseen source two ways. */
export interface Reading {
  /** The switch's name (spec/rfc-base.md). */
  readonly name: string;
  /** The design that takes the reading the evidence favours. */
  readonly favoured: string;
  /** The design that takes the other reading. */
  readonly other: string;
  /** Why the evidence favours it (markdown, one sentence or two). */
  readonly why: string;
  /** Where the switch is written up, relative to docs/. */
  readonly doc: string;
}

/**
 * `rfc-base`: how RFC v2 1/7 (not found) accounts `dmaengine_get` users on public channels at
 * unregister's wait. 3/7's hunk headers `@@ -546,7 +627,7 @@` and `@@ -559,7 +640,7 @@` put
 * `dmaengine_get`'s and `dmaengine_put`'s context lines (`if (++dmaengine_client_count == 1)`,
 * `if (--dmaengine_client_count == 0)`) where 3.4's per-channel `dma_chan_get`/`dma_chan_put`
 * loops would have to be (kernel review D5): the base no longer takes those references.
 */
export const RFC_BASE: Reading = {
  name: 'rfc-base',
  favoured: 'rfc-wait-unheld',
  other: 'rfc-wait',
  why: 'the line arithmetic of 3/7’s hunk headers `@@ -546,7 +627,7 @@` and `@@ -559,7 +640,7 @@` leaves no room in the base’s `dmaengine_get`/`dmaengine_put` for 3.4’s per-channel `dma_chan_get`/`dma_chan_put` loops (kernel review D5), and its counter is renamed `dmaengine_client_count`: the base no longer keeps `dmaengine_get` references on the channels, so unregister’s wait waits only for the holders of private channels',
  doc: '../spec/rfc-base.md',
};

/** The readings the comparison page explains. */
export const READINGS: readonly Reading[] = [RFC_BASE];
