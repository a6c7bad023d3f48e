/**
 * The plain-C replay driver of examples/c, built with gcc, replays the exported paths of the
 * channel and quiesce machines against its own small C implementation of their rules: it
 * passes the honest build and fails on each planted bug (-DPLANT_BUG=1: balance_ref_count
 * does nothing, caught by an observable; -DPLANT_BUG=2: dmaengine_put offered at
 * dmaengine_ref_count 0, a wrong guard caught by the enabled lists). Needs gcc.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../../src/mbt/adapters/index.ts';
import { exportLines } from '../../src/mbt/export.ts';

const SRC = join(import.meta.dirname, '..', '..', 'examples', 'c');
const dir = mkdtempSync(join(tmpdir(), 'dmaspec-c-'));

/** Builds the driver (with `defines`) into dir; returns its path. */
function build(name: string, defines: string[] = []): string {
  const out = join(dir, name);
  execFileSync('gcc', [
    '-std=c11',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-O2',
    ...defines,
    '-o',
    out,
    ...['replay.c', 'json.c', 'channel.c', 'quiesce.c'].map((f) => join(SRC, f)),
  ]);
  return out;
}

/** Exports `machine`'s paths (its catalogue scenario) as `dmaspec paths` does; returns the file. */
function exported(machine: string): string {
  const target = TARGETS[machine];
  const scenario = target.entry.smallScenario;
  const file = join(dir, `${machine}.jsonl`);
  writeFileSync(file, [...exportLines(target, target.build(scenario), { paths: 'both', limit: 100_000, includeInternals: false })].join(''));
  return file;
}

const run = (driver: string, file: string) => spawnSync(driver, [file], { encoding: 'utf8' });

describe('examples/c: a plain-C replay driver', () => {
  const files: Record<string, string> = {};
  let honest = '';
  beforeAll(() => {
    for (const m of ['channel', 'quiesce']) files[m] = exported(m);
    honest = build('replay');
  });

  it('passes the honest implementation on both machines', () => {
    for (const m of ['channel', 'quiesce']) {
      const r = run(honest, files[m]);
      expect(r.stdout).toMatch(new RegExp(`^${m}: \\d+ paths, \\d+ steps: all conform\\n$`));
      expect(r.status).toBe(0);
    }
  });

  it('fails on a skipped balance_ref_count, at the observable', () => {
    const r = run(build('replay-bug1', ['-DPLANT_BUG=1']), files.channel);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL channel: path \d+, after step \d+: clientCount expected 2, got 1/);
  });

  it('fails on a wrong guard, at the enabled list', () => {
    const r = run(build('replay-bug2', ['-DPLANT_BUG=2']), files.channel);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL channel: path 0, initial state: enabled expected \[.*\], got \[.*"env\.dmaenginePut"/);
  });

  it('refuses a file cut short', () => {
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, readFileSync(files.quiesce, 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
    const r = run(honest, cut);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no trailer line/);
  });
});
