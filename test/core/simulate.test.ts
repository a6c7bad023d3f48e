import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimulateArgs, simulate, type SimulateOptions } from '../../src/cli/simulate.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

const opts = (argv: string[]) => parseSimulateArgs(argv) as SimulateOptions;

describe('dmaspec simulate', () => {
  it('prints the same log for the same seed, and a completed verdict on the default scenario', () => {
    const a = simulate(opts(['--seed', '1']));
    expect(simulate(opts(['--seed', '1']))).toBe(a);
    expect(simulate(opts(['--seed', '2']))).not.toBe(a);
    expect(a).toMatch(/^scenario default: 2 CPU\(s\), design rfc-wait, quiesce threshold 2$/m);
    expect(a).toMatch(/^ {3}1 {2}\S+ +\S+ {2}\S/m);
    // rfc-wait (base kept, D5): the RFC drops no dmaengine_get reference, so with net0 and
    // atx0 loaded at unregister the wait never ends: seed 1 hangs.
    expect(a).toMatch(/^HANG after \d+ steps: no step is enabled/m);
    expect(a).toMatch(/ioh0 is blocked: dmaengine_wait_queue: ioat0\.0 clientCount 2, ioat0\.1 clientCount 2 never drops to 0/);
    // The completed verdict on the default scenario needs the unheld assumption.
    const u = simulate(opts(['--seed', '1', '--design', 'rfc-wait-unheld']));
    expect(simulate(opts(['--seed', '1', '--design', 'rfc-wait-unheld']))).toBe(u);
    expect(u).toMatch(/^scenario default: 2 CPU\(s\), design rfc-wait-unheld, quiesce threshold 2$/m);
    expect(u).toMatch(/ioh0 +- {2}free +ioat0\.freed false→true/);
    expect(u).toMatch(/^Run completed: every thread finished after \d+ steps\.$/m);
  });

  it('reports a hang plainly, naming the blocked thread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaspec-'));
    const file = join(dir, 'hang.json');
    writeFileSync(file, JSON.stringify({ name: 'hang', clients: [{ name: 'slave0', kind: 'slave', behaviour: ['never-releases'] }] }));
    const out = simulate(opts(['--scenario', file, '--seed', '3']));
    expect(out).toMatch(/^HANG after \d+ steps: no step is enabled/m);
    expect(out).toMatch(/ioh0 is blocked: dmaengine_wait_queue: ioat0\.0 clientCount 1 never drops to 0/);
  });

  it('reports violations with the step that recorded them', () => {
    const found = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
      .map((seed) => simulate(opts(['--design', 'baseline', '--seed', String(seed)])))
      .find((out) => out.includes('VIOLATIONS'));
    expect(found).toMatch(/^ {2}use-after-free:[\w-]+:ioat0\.\d \(step \d+\)$/m); // a thread name: net0, net0-rx, slave0
  });

  it('stops at the step limit', () => {
    expect(simulate(opts(['--steps', '3']))).toMatch(/^Stopped at the step limit \(3 steps\)/m);
  });

  it('answers bad arguments with usage errors', () => {
    expect(() => parseSimulateArgs(['--seed', '-1'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['--steps', '0'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['--design', 'nonsense'])).toThrow(UsageError);
    expect((parseSimulateArgs(['--design', 'kref']) as SimulateOptions).scenario.design).toBe('kref');
    expect(() => parseSimulateArgs(['--what'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['extra'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['--scenario', '/nonexistent/x.json'])).toThrow(UsageError);
    const dir = mkdtempSync(join(tmpdir(), 'dmaspec-'));
    writeFileSync(join(dir, 'bad.json'), '{"cpus": 99}');
    expect(() => parseSimulateArgs(['--scenario', join(dir, 'bad.json')])).toThrow(/scenario file .*bad\.json: scenario field cpus: must be an integer/);
    expect(parseSimulateArgs(['--help'])).toBe('help');
  });
});
