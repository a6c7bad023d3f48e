/** `dmaspec swarm`'s command line without SPIN: help, and bad input refused with exit 2 before any work. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './harness.ts';

describe('dmaspec swarm', () => {
  it('describes itself, and is listed by dmaspec --help', async () => {
    const r = await runInProcess(['swarm', '--help']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/--merge DIR/);
    expect(r.out).toMatch(/not a proof|does not prove/);
    expect((await runInProcess(['--help'])).out).toMatch(/^\s+swarm\s/m);
  });

  it('refuses bad numbers, options beside --merge, and a folder that is no swarm', async () => {
    const runs = await runInProcess(['swarm', '--runs', '0']);
    expect([runs.status, runs.err]).toEqual([2, expect.stringContaining('--runs must be an integer from 1')]);
    const both = await runInProcess(['swarm', '--merge', '/tmp', '--runs', '3']);
    expect([both.status, both.err]).toEqual([2, expect.stringContaining('--runs cannot be given with it')]);
    const empty = mkdtempSync(join(tmpdir(), 'dmaspec-not-swarm-'));
    const merge = await runInProcess(['swarm', '--merge', empty]);
    expect([merge.status, merge.err]).toEqual([2, expect.stringContaining('holds no swarm.json')]);
  });
});
