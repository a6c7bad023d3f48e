/**
 * The statistics and number format the benchmarks' tables share.
 * @module
 */

/** The median of `xs` (the mean of the middle two for an even count). */
export const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A rate or count rounded, with thousands separators. */
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
