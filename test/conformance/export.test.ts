/**
 * `dmaspec paths`: the JSON Lines export (dmaspec-paths/3) of every catalogue machine is
 * valid against the shipped JSON Schema and self-describing (every observable field and
 * every event is in the header, and the header's guards reproduce every enabled list); it replays on our implementation as another
 * implementation's harness would replay it; a tampered expectation is caught at its step;
 * output is deterministic; bad arguments and bad --out files exit 2 naming what is wrong;
 * a reader that goes away (`| head`) ends the run quietly.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/paths.ts';
import { EXIT } from '../../src/cli/exit-status.ts';
import { runInProcess } from '../cli/harness.ts';
import { TARGETS } from '../../src/mbt/adapters/index.ts';
import { PACKAGE_VERSION, replayPathsLines, type HeaderLine, type PathLine, type PathsLine, type TrailerLine } from '../../src/mbt/export.ts';
import { leafPaths } from '../../src/mbt/fields.ts';
import { ConformanceError } from '../../src/mbt/replay.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { ASYNC_TX_ONLY, withDesign } from '../../machines/small-scenarios.ts';
import { consumeFromHeader } from '../mbt/header-consumer.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dmaspec-paths-'));
const scenarioFile = join(dir, 'async-tx.json');
writeFileSync(scenarioFile, JSON.stringify(withDesign(ASYNC_TX_ONLY, 'rfc-wait')));

/** Runs `dmaspec paths` with stdout and stderr captured. */
async function cli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const capture =
    (into: (s: string) => void) =>
    (s: unknown, ...rest: unknown[]) => {
      into(String(s));
      const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
      if (cb) queueMicrotask(cb);
      return true;
    };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (stdout += s)) as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)) as never);
  const status = await run(argv);
  vi.restoreAllMocks();
  return { status, stdout, stderr };
}

/** A whole file split into its lines, parsed. */
function parse(text: string): { header: HeaderLine; paths: PathLine[]; trailer: TrailerLine; lines: string[] } {
  const lines = text.split('\n').filter((l) => l !== '');
  const parsed = lines.map((l) => JSON.parse(l) as PathsLine);
  return { header: parsed[0] as HeaderLine, paths: parsed.slice(1, -1) as PathLine[], trailer: parsed.at(-1) as TrailerLine, lines };
}

afterEach(() => vi.restoreAllMocks());

describe('dmaspec paths --format jsonl (the default)', () => {
  it('exports system paths that replay on the implementation step by step', async () => {
    const out = join(dir, 'system.jsonl');
    const r = await cli(['--machine', 'system', '--scenario', scenarioFile, '--out', out]);
    expect(r).toMatchObject({ status: 0, stderr: '', stdout: '' });
    const text = readFileSync(out, 'utf8');
    const { header, paths, trailer, lines } = parse(text);
    expect(header).toMatchObject({ kind: 'header', format: 'dmaspec-paths/3', machine: 'system', model: 'system:rfc-wait', counts: 'trailer' });
    expect(header.generator).toEqual({
      package: 'dmaspec',
      version: PACKAGE_VERSION,
      paths: 'both',
      limit: 100000,
      statePaths: expect.any(String),
      includeInternals: false,
    });
    expect(header.scenario.name).toBe('async-tx-only');
    expect(header.implementation).toEqual({ scenario: header.scenario, reduced: null, steps: [], bounds: [] });
    expect(paths.length).toBeGreaterThan(100);
    expect(trailer).toEqual({ kind: 'trailer', paths: paths.length, steps: paths.reduce((n, p) => n + p.steps.length, 0) });
    // The enabled steps are exported apart from the observable, for every machine.
    expect(header.initial.enabled).toEqual(['atx0.get', 'ioh0.eject']);
    expect(header.initial.observable).toMatchObject({ dmaengineRefCount: 0 });
    expect(header.initial.observable).not.toHaveProperty('enabled');
    const { adapter } = TARGETS.system.build(header.scenario);
    expect(replayPathsLines(lines, adapter)).toEqual({ paths: trailer.paths, steps: trailer.steps });
  });

  it('--scenario takes a scenario name: default is the standard scenario', async () => {
    const r = await cli(['--machine', 'channel', '--scenario', 'default']);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(parse(r.stdout).header.scenario).toEqual(JSON.parse(JSON.stringify(DEFAULT_SCENARIO)));
  });

  it('catches a wrong observable at its path and step', async () => {
    const r = await cli(['--machine', 'channel']);
    expect(r.status).toBe(0);
    const { header, paths, lines } = parse(r.stdout);
    const at = paths.findIndex((p) => p.steps.length > 2);
    (paths[at].steps[2].observable as { clientCount: number }).clientCount += 5;
    lines[at + 1] = JSON.stringify(paths[at]);
    const { adapter } = TARGETS.channel.build(header.scenario);
    const caught = catching(() => replayPathsLines(lines, adapter));
    expect(caught).toBeInstanceOf(ConformanceError);
    expect(caught).toMatchObject({ stepIndex: 2, field: '$.clientCount' });
  });

  it('catches a wrong enabled list where the adapter reports one', async () => {
    const r = await cli(['--machine', 'client-slave']);
    const { header, paths, lines } = parse(r.stdout);
    const at = paths.findIndex((p) => p.steps.length > 1 && p.steps[1].enabled.length > 0);
    (paths[at].steps[1].enabled as string[]).pop();
    lines[at + 1] = JSON.stringify(paths[at]);
    const { adapter } = TARGETS['client-slave'].build(header.scenario);
    const caught = catching(() => replayPathsLines(lines, adapter)) as ConformanceError;
    expect(caught).toBeInstanceOf(ConformanceError);
    expect(caught.stepIndex).toBe(1);
    expect(caught.field).toMatch(/^\$\.enabled/);
  });

  it('refuses a file cut short (no trailer) or with wrong counts', async () => {
    const { lines } = parse((await cli(['--machine', 'release-baseline'])).stdout);
    const { adapter } = TARGETS['release-baseline'].build(TARGETS['release-baseline'].entry.smallScenario);
    expect(() => replayPathsLines(lines.slice(0, -1), adapter)).toThrow(/no trailer line/);
    expect(() => replayPathsLines([...lines.slice(0, 2), lines.at(-1)!], adapter)).toThrow(/trailer says/);
  });

  it('says how the release machine of another design is set up', async () => {
    const r = await cli(['--machine', 'release-notifier']);
    expect(r.status).toBe(0);
    const { header, paths } = parse(r.stdout);
    expect(header).toMatchObject({ machine: 'release-notifier', model: 'release:notifier' });
    expect(header.implementation.steps).toEqual([{ type: 'holder.request', allocOk: true }]);
    expect(header.implementation.reduced).toMatch(/holder/);
    expect(header.implementation.scenario.clients.map((c) => c.name)).toEqual(['holder']);
    expect(paths.length).toBeGreaterThan(0);
  });

  it('writes the same bytes for the same arguments', async () => {
    const a = await cli(['--machine', 'release-baseline']);
    const b = await cli(['--machine', 'release-baseline']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('--paths states gives a shortest path to every state, transitions the edge walks', async () => {
    const states = parse((await cli(['--machine', 'client-net_dma', '--paths', 'states'])).stdout);
    const walks = parse((await cli(['--machine', 'client-net_dma', '--paths', 'transitions'])).stdout);
    expect(states.header.generator.paths).toBe('states');
    expect(states.trailer.paths).toBeGreaterThan(0);
    expect(walks.trailer.paths).toBeGreaterThan(0);
    expect(states.trailer.steps).not.toBe(walks.trailer.steps);
  });

  it('leaves xstate internals out unless --include-internals', async () => {
    const plain = parse((await cli(['--machine', 'channel'])).stdout);
    const internals = parse((await cli(['--machine', 'channel', '--include-internals'])).stdout);
    expect(plain.paths[0].steps[0]).not.toHaveProperty('context');
    expect(internals.header.generator.includeInternals).toBe(true);
    expect(internals.paths[0].steps[0]).toHaveProperty('context');
    expect(internals.paths[0].steps[0]).toHaveProperty('state');
  });
});

describe('every catalogue machine exports a valid, self-describing file', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'dmaspec-paths-3.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
  it('the schema refuses lines that break the format', async () => {
    const { header, paths } = parse((await cli(['--machine', 'channel'])).stdout);
    const { machine: _, ...noMachine } = header;
    const step = paths[0].steps[0];
    const { enabled: __, ...noEnabled } = step;
    const { program: ___, ...noProgram } = step;
    const { guards: ____, ...noGuards } = header;
    for (const bad of [
      noMachine,
      { ...header, format: 'dmaspec-paths/1' },
      { ...paths[0], steps: [noEnabled] },
      { ...paths[0], steps: [noProgram] },
      noGuards,
      { ...header, events: header.events.map(({ guard: _g, ...e }) => e) },
      { ...paths[0], steps: [{ ...step, event: { type: 'get' } }] },
      { kind: 'trailer', paths: -1, steps: 0 },
    ])
      expect(validate(bad)).toBe(false);
  });

  for (const name of Object.keys(TARGETS))
    it(name, async () => {
      const r = await cli(['--machine', name]);
      expect(r).toMatchObject({ status: 0, stderr: '' });
      const { header, paths, trailer, lines } = parse(r.stdout);
      for (const line of lines) {
        const ok = validate(JSON.parse(line));
        expect(ok ? [] : validate.errors).toEqual([]);
      }
      expect(header.machine).toBe(name);
      expect(trailer.paths).toBe(paths.length);
      // Every observed field is documented with its one encoding.
      const documented = new Map(header.observable.map((f) => [f.path, f.type]));
      const seen = leafPaths(header.initial.observable);
      for (const p of paths) for (const s of p.steps) leafPaths(s.observable, seen);
      for (const [path, types] of seen) {
        expect(documented.has(path), `${name}: field ${path} is not in the header`).toBe(true);
        for (const t of types) expect(documented.get(path)!.split('|'), `${name}: ${path} is ${t}`).toContain(t);
      }
      // Every step is an event of the vocabulary, enabled where the path takes it.
      const labels = new Map(header.events.map((e) => [JSON.stringify(e.event), e.label]));
      const vocabulary = new Set(labels.values());
      for (const p of paths) {
        let enabled = header.initial.enabled;
        for (const s of p.steps) {
          expect(enabled).toContain(labels.get(JSON.stringify(s.event)));
          for (const l of s.enabled) expect(vocabulary.has(l)).toBe(true);
          enabled = s.enabled;
        }
      }
      // A consumer that knows only the format reproduces every enabled list from the header's guards.
      expect(consumeFromHeader(lines)).toEqual({ paths: paths.length, states: 1 + trailer.steps });
    });
});

describe('dmaspec paths --format table', () => {
  it('replays on the implementation and prints the coverage row', async () => {
    const r = await cli(['--machine', 'client-async_tx', '--format', 'table']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/client-async_tx .*client-async_tx\/rfc-wait/);
    expect(r.stdout).toContain('14/14'); // the worker states with the RFC's split find and get, and the key flips' own region
  });
});

describe('dmaspec paths usage errors exit with status 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown machine', ['--machine', 'toaster'], /unknown machine "toaster" \(known: system, ioh, .*client-slave\)/],
    ['no machine', [], /--machine is required/],
    ['unknown scenario name', ['--machine', 'system', '--scenario', 'defualt'], /not a scenario name \(did you mean default\?\)/],
    ['unreadable scenario', ['--machine', 'system', '--scenario', join(dir, 'missing.json')], /cannot read scenario file/],
    ['scenario not JSON', ['--machine', 'system', '--scenario', write('bad.json', '{ cpus: ')], /is not JSON/],
    ['scenario breaks a rule', ['--machine', 'system', '--scenario', write('rule.json', '{"cpus": 0}')], /scenario field cpus: must be an integer/],
    ['unknown design', ['--machine', 'system', '--design', 'magic'], /--design must be one of/],
    ['scenario without the client kind', ['--machine', 'client-slave', '--scenario', write('noslave.json', '{"clients": []}')], /has no slave client/],
    ['too many states', ['--machine', 'system', '--limit', '10'], /more than 10 states; raise --limit/],
    ['bad format', ['--machine', 'system', '--format', 'yaml'], /--format must be one of jsonl, table/],
    ['unknown option', ['--machine', 'system', '--colour'], /Unknown option/],
  ];
  for (const [what, argv, message] of cases)
    it(what, async () => {
      const r = await cli(argv);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^dmaspec paths: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
});

describe('dmaspec paths: an --out that cannot be written exits 5, naming it, and leaves it as it was', () => {
  mkdirSync(join(dir, 'a-folder'));
  const readOnly = join(dir, 'read-only-out.jsonl');
  writeFileSync(readOnly, 'as it was\n');
  chmodSync(readOnly, 0o444);
  // root writes through file modes: there, a sysfs file without a store method stands in.
  const unwritable = process.getuid?.() === 0 ? '/sys/kernel/uevent_seqnum' : readOnly;
  const cases: [string, string, RegExp][] = [
    ['in a missing folder', join(dir, 'no-such', 'x.jsonl'), /cannot write --out .*no-such\/x\.jsonl: ENOENT/],
    ['a folder', join(dir, 'a-folder'), /cannot write --out .*a-folder: EISDIR/],
    ['a read-only file', unwritable, new RegExp(`cannot write --out ${unwritable.replace(/[./]/g, '\\$&')}: EACCES`)],
    ['a full device', '/dev/full', /cannot write --out \/dev\/full: ENOSPC/],
  ];
  for (const [what, out, message] of cases)
    it(what, async () => {
      const r = await runInProcess(['paths', '--machine', 'channel', '--out', out]);
      expect(r.status).toBe(EXIT.output);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^dmaspec paths: /);
      expect(r.err).toMatch(message);
      expect(r.err.split('\n').length).toBe(2);
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  it('a run that fails after opening --out leaves the file as it was, and no temporary file beside it', async () => {
    const sub = join(dir, 'kept');
    mkdirSync(sub);
    const out = join(sub, 'paths.jsonl');
    writeFileSync(out, 'as it was\n');
    const r = await runInProcess(['paths', '--machine', 'system', '--limit', '10', '--out', out]);
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toMatch(/more than 10 states/);
    expect(readFileSync(out, 'utf8')).toBe('as it was\n');
    expect(readdirSync(sub)).toEqual(['paths.jsonl']);
  });
});

describe('dmaspec paths | head', () => {
  it('ends quietly with status 0 when the reader goes away', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'paths', '--machine', 'system'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    let first = '';
    // Like `head -c`: read the first chunk, then close the pipe.
    child.stdout.once('data', (d) => {
      first = String(d);
      child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(first).toMatch(/^\{"kind":"header"/);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});

function catching(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
