/**
 * Bad input of every class the reliability list names, each with the exact message: names
 * that exist on Object.prototype, negative numbers, hostile scenario files (deep, huge,
 * endless, binary, out of range, incomplete), a design whose rules name Object.prototype's
 * members. Every one exits 2 with one short line of printable text, never an internal error.
 * (test/cli/fuzz.test.ts generates many more of each class; test/cli/outputs.test.ts covers
 * outputs and signals.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { SCENARIO_FILE_LIMIT } from '../../src/cli/args.ts';
import { runInProcess, STACK_LINE } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'dmaspec-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string | Buffer) => {
  const f = join(dir, `s${n++}.json`);
  writeFileSync(f, content);
  return f;
};

/** Runs `argv` and checks the common shape of a refusal: exit 2, one line of printable text, no stack. */
async function refused(argv: string[]): Promise<string> {
  const r = await runInProcess(argv);
  const what = `${argv.join(' ').slice(0, 200)}\n${r.err.slice(0, 400)}`;
  expect(r.status, what).toBe(EXIT.usage);
  expect(r.err, what).not.toMatch(/internal error/);
  expect(r.err, what).not.toMatch(STACK_LINE);
  expect(r.err, what).toMatch(/^[\x20-\x7e]+\n$/);
  expect(r.err.length, what).toBeLessThan(700);
  return r.err;
}

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

describe('names that exist on Object.prototype are unknown names', () => {
  it.each(PROTOTYPE_NAMES)('dmaspec %s: an unknown command', async (name) => {
    expect(await refused([name])).toBe(
      `dmaspec: unknown command "${name}"; the commands are simulate, check, paths, export, swarm, kernel-replay, kernel-mutants ('dmaspec --help' describes them)\n`,
    );
  });

  it.each(PROTOTYPE_NAMES)('paths --machine %s: an unknown machine', async (name) => {
    expect(await refused(['paths', '--machine', name])).toMatch(new RegExp(`^dmaspec paths: unknown machine "${name}" \\(known: system, `));
  });

  it.each(PROTOTYPE_NAMES)('simulate, check and export --design %s: an unknown design', async (name) => {
    expect(await refused(['simulate', '--design', name])).toMatch(
      new RegExp(`^dmaspec simulate: --design must be one of baseline, .* \\(got "${name}"\\)\\n$`),
    );
    expect(await refused(['check', '--design', name])).toMatch(new RegExp(`^dmaspec check: --design "${name}": unknown design `));
    expect(await refused(['export', '--format', 'promela', '--design', name])).toMatch(new RegExp(`^dmaspec export: --design "${name}": unknown design `));
  });

  it.each(PROTOTYPE_NAMES)('--scenario %s: not a scenario name', async (name) => {
    expect(await refused(['check', '--scenario', name])).toMatch(new RegExp(`^dmaspec check: --scenario "${name}": not a scenario name`));
  });

  it.each(['toString', 'constructor', 'hasOwnProperty'])("a design whose step names the guard %s: 'not defined', with a did-you-mean", async (guard) => {
    const design = join(dir, `guard-${guard}.ts`);
    writeFileSync(
      design,
      [
        `import { baseline } from '${join(import.meta.dirname, '../../src/designs/baseline/model.ts')}';`,
        'export default {',
        `  ...baseline, name: 'proto-${guard.toLowerCase()}',`,
        '  ejecting: (b) => {',
        '    const e = baseline.ejecting(b);',
        '    const [state] = Object.keys(e.states);',
        `    const on = Object.fromEntries(Object.entries(e.states[state].on).map(([k, t]) => [k, { ...(Array.isArray(t) ? t[0] : t), guard: '${guard}' }]));`,
        '    return { ...e, states: { ...e.states, [state]: { ...e.states[state], on } } };',
        '  },',
        '};',
      ].join('\n'),
    );
    expect(await refused(['check', '--design', design, '--scenario', 'cooperative'])).toMatch(new RegExp(`guard ${guard} is not defined`));
  });
});

describe('negative numbers get the range message', () => {
  it.each([
    [['check', '--threshold', '-1'], /^dmaspec check: --threshold must be an integer from 1 to 100 \(got "-1"\)\n$/],
    [['check', '--max-states', '-5'], /^dmaspec check: --max-states must be an integer from 1 to 2147483647 \(got "-5"\)\n$/],
    [['check', '--max-seconds', '-1'], /^dmaspec check: --max-seconds must be an integer >= 1 \(got "-1"\)\n$/],
    [['check', '--max-memory', '-1'], /^dmaspec check: --max-memory must be an integer from 1 to 1073741824 \(got "-1"\)\n$/],
    [['check', '--workers', '-2'], /^dmaspec check: --workers must be an integer from 1 to 256 \(got "-2"\)\n$/],
    [['simulate', '--seed', '-1'], /^dmaspec simulate: --seed must be an integer >= 0 \(got "-1"\)\n$/],
    [['simulate', '--steps', '-3'], /^dmaspec simulate: --steps must be an integer >= 1 \(got "-3"\)\n$/],
    [['paths', '--machine', 'channel', '--limit', '-1'], /^dmaspec paths: --limit must be an integer >= 1 \(got "-1"\)\n$/],
    [['export', '--format', 'promela', '--max-states', '-1'], /^dmaspec export: --max-states must be an integer from 1 to 2147483647 \(got "-1"\)\n$/],
  ])('%j', async (argv, message) => {
    expect(await refused(argv)).toMatch(message);
  });

  it('--max-memory 1 is refused up front: below the resident size', async () => {
    expect(await refused(['check', '--max-memory', '1'])).toMatch(
      /^dmaspec check: --max-memory 1 is below the resident size: dmaspec already holds \d+ MB before any search; give more than \d+\n$/,
    );
  });
});

describe('hostile scenario files', () => {
  const check = (f: string) => refused(['check', '--scenario', f, '--design', 'baseline']);

  it('a value nested 200,000 deep: a bounded excerpt of it', async () => {
    const deep = `{"cpus": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const err = await check(file(deep));
    expect(err).toMatch(/: scenario field cpus: must be an integer from 1 to 8 \(got \[\[\[\[.*...\)\n$/);
  });

  it(`a file larger than the limit (${SCENARIO_FILE_LIMIT / 2 ** 20} MiB), such as a 50 MB value, is not read past it`, async () => {
    const err = await check(file(`{"name": "${'x'.repeat(50 * 2 ** 20)}"}`));
    expect(err).toMatch(/ is larger than 1 MiB, the limit for a scenario file \(a valid scenario is a few KB\)\n$/);
  });

  it('a long value under the limit is echoed as a bounded excerpt', async () => {
    const err = await check(file(`{"name": "${'x'.repeat(900_000)}"}`));
    expect(err).toMatch(/: scenario field name: must be a name of letters, digits, _ or - \(at most 32\) \(got "x{60}"...\)\n$/);
  });

  it('--scenario /dev/zero (a device without end) stops at the limit', async () => {
    // Not a .json name, so it is taken for a scenario name: through a symlink-free alias it is read.
    const err = await refused(['paths', '--machine', 'system', '--scenario', '/dev/zero']);
    expect(err).toBe('dmaspec paths: scenario file /dev/zero is larger than 1 MiB, the limit for a scenario file (a valid scenario is a few KB)\n');
  });

  it('binary bytes: not UTF-8, or escaped where they are valid UTF-8 (a NUL)', async () => {
    expect(await check(file(Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x32, 0x4a])))).toMatch(
      /is not UTF-8 text \(a binary file\?\): it begins "\{\\u00ff\\u00fe\\u0000\\u001b\[2J"\n$/,
    );
    expect(await check(file('{"name": \u0000\u001b[2J}'))).toMatch(
      /is not JSON: Unexpected token '\\u0000', "\{"name": \\u0000\\u001b\[2J\}" is not valid JSON\n$/,
    );
  });

  it('{"cpus": 1e400}: the number as JSON reads it (Infinity), not null', async () => {
    expect(await check(file('{"cpus": 1e400}'))).toMatch(/: scenario field cpus: must be an integer from 1 to 8 \(got Infinity\)\n$/);
  });

  it('a client without name or kind: "is missing", not "(got undefined)"', async () => {
    expect(await check(file('{"clients": [{"kind": "net_dma"}]}'))).toMatch(
      /: scenario field clients\[0\]\.name: is missing: it must be a name of letters, digits, _ or - \(at most 32\)\n$/,
    );
    expect(await check(file('{"clients": [{"name": "a"}]}'))).toMatch(
      /: scenario field clients\[0\]\.kind: is missing: it must be one of net_dma, async_tx, slave\n$/,
    );
  });

  it('an unknown field with a hostile name is quoted and cut', async () => {
    expect(await check(file(`{"${'\\u001b[2J'.repeat(40)}": 1}`))).toMatch(/: scenario field \$\.\["\\u001b\[2J.*...\]: unknown field \(known: /);
  });
});
