/**
 * `dmaspec paths`: the JSON export replays on our implementation (as another
 * implementation's harness would replay it), a tampered expectation is caught at its step,
 * output is deterministic, and bad arguments get a message and exit status 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/paths.ts';
import { TARGETS } from '../../src/mbt/adapters/index.ts';
import { replayPathsFile, type PathsFile } from '../../src/mbt/export.ts';
import { ConformanceError } from '../../src/mbt/replay.ts';
import { ASYNC_TX_ONLY, withDesign } from '../../machines/small-scenarios.ts';

const dir = mkdtempSync(join(tmpdir(), 'dmaspec-paths-'));
const scenarioFile = join(dir, 'async-tx.json');
writeFileSync(scenarioFile, JSON.stringify(withDesign(ASYNC_TX_ONLY, 'rfc-wait')));

/** Runs `dmaspec paths` with stdout and stderr captured. */
async function cli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const status = await run(argv);
  vi.restoreAllMocks();
  return { status, stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

describe('dmaspec paths --format json', () => {
  it('exports system paths that replay on the implementation step by step', async () => {
    const out = join(dir, 'system.json');
    const r = await cli(['--machine', 'system', '--scenario', scenarioFile, '--format', 'json', '--out', out]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const file = JSON.parse(readFileSync(out, 'utf8')) as PathsFile;
    expect(file.schema).toBe('dmaspec-paths/1');
    expect(file.machine).toBe('system:rfc-wait');
    expect(file.scenario.name).toBe('async-tx-only');
    const steps = file.paths.reduce((n, p) => n + p.steps.length, 0);
    expect(file.paths.length).toBeGreaterThan(100);
    // Expected states carry the observable and the enabled steps, as the adapter compares them.
    expect(file.initial.observable).toMatchObject({ dmaengineRefCount: 0, enabled: ['atx0.get', 'ioh0.eject'] });
    const { adapter } = TARGETS.system.build(file.scenario);
    expect(replayPathsFile(file, adapter)).toEqual({ paths: file.paths.length, steps });
  });

  it('catches a wrong expectation at its path and step', async () => {
    const r = await cli(['--machine', 'device']);
    expect(r.status).toBe(0);
    const file = JSON.parse(r.stdout) as PathsFile;
    const path = file.paths.find((p) => p.steps.length > 2)!;
    const step = path.steps[2] as { observable: { privatecnt: number } };
    step.observable.privatecnt += 5;
    const { adapter } = TARGETS.device.build(file.scenario);
    let caught: unknown;
    try {
      replayPathsFile(file, adapter);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConformanceError);
    expect((caught as ConformanceError).stepIndex).toBe(2);
    expect((caught as ConformanceError).field).toBe('$.privatecnt');
  });

  it('exports the release machine of another design', async () => {
    const r = await cli(['--machine', 'release-notifier']);
    expect(r.status).toBe(0);
    const file = JSON.parse(r.stdout) as PathsFile;
    expect(file.machine).toBe('release:notifier');
    expect(file.paths.length).toBeGreaterThan(0);
    expect(file.paths.every((p) => p.steps.every((s) => s.observable !== undefined))).toBe(true);
  });

  it('writes the same bytes for the same arguments', async () => {
    const a = await cli(['--machine', 'release-baseline']);
    const b = await cli(['--machine', 'release-baseline']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).machine).toBe('release:baseline');
  });

  it('--paths states gives a shortest path to every state, transitions the edge walks', async () => {
    const states = JSON.parse((await cli(['--machine', 'client-net_dma', '--paths', 'states'])).stdout) as PathsFile;
    const walks = JSON.parse((await cli(['--machine', 'client-net_dma', '--paths', 'transitions'])).stdout) as PathsFile;
    const steps = (f: PathsFile) => f.paths.reduce((n, p) => n + p.steps.length, 0);
    expect(states.paths.length).toBeGreaterThan(0);
    expect(walks.paths.length).toBeGreaterThan(0);
    expect(steps(states)).not.toBe(steps(walks));
  });
});

describe('dmaspec paths --format table', () => {
  it('replays on the implementation and prints the coverage row', async () => {
    const r = await cli(['--machine', 'client-async_tx', '--format', 'table']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/client-async_tx .*client-async_tx\/rfc-wait/);
    expect(r.stdout).toContain('12/12'); // worker states with the RFC's split find and get
  });
});

describe('dmaspec paths usage errors exit with status 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown machine', ['--machine', 'toaster'], /unknown machine "toaster" \(known: system, device, .*client-slave\)/],
    ['no machine', [], /--machine is required/],
    ['unreadable scenario', ['--machine', 'system', '--scenario', join(dir, 'missing.json')], /cannot read scenario file/],
    ['scenario not JSON', ['--machine', 'system', '--scenario', write('bad.json', '{ cpus: ')], /is not JSON/],
    ['scenario breaks a rule', ['--machine', 'system', '--scenario', write('rule.json', '{"cpus": 0}')], /scenario field cpus: must be an integer/],
    ['unknown design', ['--machine', 'system', '--design', 'magic'], /--design must be one of/],
    ['scenario without the client kind', ['--machine', 'client-slave', '--scenario', write('noslave.json', '{"clients": []}')], /has no slave client/],
    ['too many states', ['--machine', 'system', '--limit', '10'], /more than 10 states; raise --limit/],
    ['bad format', ['--machine', 'system', '--format', 'yaml'], /--format must be one of json, table/],
    ['unknown option', ['--machine', 'system', '--colour'], /Unknown option/],
  ];
  for (const [what, argv, message] of cases)
    it(what, async () => {
      const r = await cli(argv);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^dmaspec paths: /);
      expect(r.stderr).toMatch(message);
    });
});

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
