/** check-mermaid's overlap rule on label boxes (the browser part needs mermaid and Chromium). */
import { describe, expect, test } from 'vitest';
import { overlappingLabels } from '../../scripts/check-mermaid.ts';

describe('overlapping Mermaid labels', () => {
  test('two labels drawn over each other are named; touching or distant ones are not', () => {
    const box = (text: string, x: number, y: number) => ({ text, x, y, width: 60, height: 14 });
    expect(overlappingLabels([box('[readMore]', 100, 100), box('[readEndsLoop]', 130, 105), box('far', 400, 100)])).toEqual([
      '"[readMore]" over "[readEndsLoop]"',
    ]);
    // Edges that meet at a pixel, or graze by a sliver of anti-aliasing, are fine.
    expect(overlappingLabels([box('a', 0, 0), box('b', 60, 0), box('c', 0, 13.95)])).toEqual([]);
  });
});
