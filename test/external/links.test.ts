/**
 * No broken link in the repository as GitHub shows it: every relative link of README,
 * spec/, docs/ (machine pages and trace viewers included) and the design READMEs names a
 * file of the checkout and, with an anchor, a heading or id there; every absolute link is
 * well formed (checked for form only: the machine has no network). Local files only, so
 * it takes well under a second. The site's own crawl is in browser.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { anchorsOf, badExternal, brokenRepositoryLinks, githubSlug } from '../../scripts/link-crawl.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('links of the repository pages', () => {
  test('every link resolves', () => {
    const { checked, broken } = brokenRepositoryLinks(ROOT);
    expect(checked).toBeGreaterThan(1000);
    expect(broken).toEqual([]);
  });

  test('the crawl fails on a missing file, a missing anchor and a relative link made absolute', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'dmaspec-links-'));
    try {
      mkdirSync(join(tmp, 'src', 'designs', 'x'), { recursive: true });
      mkdirSync(join(tmp, 'spec'));
      writeFileSync(join(tmp, 'src', 'designs', 'x', 'README.md'), '# X\n');
      writeFileSync(
        join(tmp, 'spec', 'a.md'),
        '# A page\n\n## The `dma_chan_put` rule\n\n[ok](#the-dma_chan_put-rule) [ok2](b.md) [gone](c.md) [no anchor](b.md#nope) [bad](http://threads.md) [code `x`](b.md#b)\n',
      );
      writeFileSync(join(tmp, 'spec', 'b.md'), '# B\n');
      writeFileSync(join(tmp, 'README.md'), '[spec](spec/a.md#a-page)\n');
      expect(brokenRepositoryLinks(tmp).broken).toEqual([
        'spec/a.md: c.md (no file spec/c.md)',
        'spec/a.md: b.md#nope (no anchor #nope in spec/b.md)',
        'spec/a.md: http://threads.md (host threads.md is a file name (a relative link made absolute))',
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test("GitHub's heading anchors, repeats numbered", () => {
    expect(githubSlug('`kref` — mainline 5.6 as shipped ([8ad342a86359](https://x.org/c))')).toBe('kref--mainline-56-as-shipped-8ad342a86359');
    expect([...anchorsOf('# A\n## A\n```\n# not\n```\n<a id="x"></a>\n', true)]).toEqual(['a', 'a-1', 'x']);
    expect(badExternal('https://elixir.bootlin.com/linux/v3.6/source/x.c#L1')).toBeUndefined();
    expect(badExternal('ftp://x.org')).toBe('protocol ftp:');
  });
});
