/**
 * `dmaspec export --format promela`: the model on standard output or in --out, its header
 * naming dmaspec's counts and verdicts, and the exit statuses of a bad command line and of
 * a limit. (SPIN's run of the model: test/external/spin*.test.ts.)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess, STACK_LINE } from './harness.ts';

describe('dmaspec export', () => {
  it('writes the model with one process per thread and dmaspec’s figures in its header', async () => {
    const r = await runInProcess(['export', '--format', 'promela', '--design', 'baseline']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^\/\* dmaspec export --format promela: scenario default, design baseline\. \*\//);
    expect(r.out).toContain('dmaspec (no symmetry) found 122064 states and 476857 transitions.');
    expect(r.out).toContain("dmaspec's safety verdicts: violated no-use-after-free.");
    expect(r.out).toMatch(
      /^\/\* Ghost variables \(history the properties read.*\): uaf\[\]\[\], iohs\[\]\.uaf, iohs\[\]\.missed, threads\[\]\.held, devices\[\]\.quiesced\. \*\/$/m,
    );
    for (const thread of ['net0', 'atx0', 'slave0', 'ioh0']) expect(r.out).toContain(`active proctype t_${thread}()`);
    expect(r.out.match(/:: d_step \{/g)?.length).toBeGreaterThan(20);
    expect(r.err).toMatch(/default under baseline: \d+ steps, \d+ tree nodes; dmaspec found 122064 states/);
  });

  it('--out writes the file and names it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dmaspec-export-')), 'm.pml');
    const r = await runInProcess(['export', '--format', 'promela', '--design', 'kref', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('design kref.');
    expect(r.err).toContain(`wrote ${out}`);
  });

  it('a limit stops the search for the ranges: the model says so, exit 3', async () => {
    const r = await runInProcess(['export', '--format', 'promela', '--max-states', '500']);
    expect(r.status).toBe(3);
    expect(r.out).toContain('before a limit stopped it (the ranges below are of those states, of seeded random runs, and one step beyond)');
  });

  it.each([
    [['export'], /--format promela is required \(got none\)/],
    [['export', '--format', 'xml'], /--format promela is required \(got "xml"\)/],
    [['export', '--format', 'promela', '--design', 'nope'], /--design "nope": unknown design/],
    [['export', '--format', 'promela', '--max-states', '0'], /--max-states/],
  ])('%j is a usage error, exit 2, no stack', async (argv, message) => {
    const r = await runInProcess(argv);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(STACK_LINE);
    expect(r.out).toBe('');
  });
});
