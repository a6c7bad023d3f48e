/**
 * Generated blocks in hand-written pages (src/render/blocks.ts): a block's body is its
 * generator's output and the text around it is kept byte for byte; an unknown generator or an
 * unclosed block is an error naming the page. The shared-rules table lists exactly the rules
 * a design may override.
 */
import { describe, expect, it } from 'vitest';
import { layoutOf } from '../../machines/system/layout.ts';
import { sharedRules } from '../../machines/system/index.ts';
import { BlockError, fillBlocks } from '../../src/render/blocks.ts';
import { sharedRulesTable } from '../../src/render/shared-rules.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

const gens = new Map([['answer', () => '42\n']]);

describe('generated blocks', () => {
  it('rewrites the body between the marks and keeps everything else', () => {
    const page = 'a\n<!-- dmaspec:answer -->\nstale\nlines\n<!-- /dmaspec:answer -->\nb\n';
    expect(fillBlocks(page, gens, 'p.md')).toBe('a\n<!-- dmaspec:answer -->\n42\n<!-- /dmaspec:answer -->\nb\n');
    expect(fillBlocks('no blocks\n', gens, 'p.md')).toBe('no blocks\n');
  });

  it('an unknown generator or a block left open is an error naming the page', () => {
    expect(() => fillBlocks('<!-- dmaspec:nope -->\n<!-- /dmaspec:nope -->', gens, 'p.md')).toThrow(BlockError);
    expect(() => fillBlocks('<!-- dmaspec:answer -->\nx\n', gens, 'p.md')).toThrow(/p\.md: block dmaspec:answer has no closing line/);
  });

  it('the shared-rules table lists every shared guard and action of every hot path, and nothing else', () => {
    const L = layoutOf(DEFAULT_SCENARIO);
    const names = new Set(
      (['plain', 'rfc', 'tryget'] as const).flatMap((h) => [...Object.keys(sharedRules(L, h).guards), ...Object.keys(sharedRules(L, h).actions)]),
    );
    const listed = [...sharedRulesTable().matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(names);
    expect(listed.length).toBe(names.size);
  });
});
