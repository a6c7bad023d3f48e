/**
 * `dmaspec swarm` with the real SPIN: on scenarios whose exact search fits, a small swarm
 * finds every safety check the exact search finds violated, and no other; each one is
 * replayed on dmaspec's machine to a state dmaspec judges failed, and on the implementation. The --print workflow (the
 * folder's script run elsewhere, then --merge) finds the same. Needs spin and gcc.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedScenario } from '../../src/check/scenarios.ts';
import { designOf } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runInProcess } from '../cli/harness.ts';

interface Report {
  readonly found: readonly { check: string; trace?: { steps: unknown[] }; problems?: string[]; replay?: { reproduced?: boolean } }[];
  readonly runs: readonly { summary?: { states: number } }[];
}

/** The exact search's violated safety checks (deadlock freedom included). */
const exact = (scenario: string, design: string) => [...exportPromela(namedScenario(scenario)!, designOf(design).model).violated].sort();

const swarmArgs = (scenario: string, design: string, dir: string) => [
  'swarm',
  '--scenario',
  scenario,
  '--design',
  design,
  '--runs',
  '4',
  '--bits',
  '22',
  '--jobs',
  '2',
  '--out',
  dir,
  '--json',
];

describe('dmaspec swarm finds what the exact search finds', () => {
  for (const [scenario, design] of [
    ['caches-pointer', 'rfc-wait'],
    ['caches-pointer', 'rfc-wait-unheld'],
    ['never-releases', 'percpu-ref-nogp'],
    ['never-releases', 'notifier'],
  ] as const)
    it(`${scenario} under ${design}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dmaspec-swarm-test-'));
      const r = await runInProcess(swarmArgs(scenario, design, dir));
      const report = JSON.parse(r.out) as Report;
      for (const f of report.found) expect({ check: f.check, problems: f.problems ?? [] }).toEqual({ check: f.check, problems: [] });
      for (const f of report.found) expect(f.trace!.steps.length).toBeGreaterThan(0);
      // and on the implementation (src/core), as check replays its counterexamples
      for (const f of report.found) expect({ check: f.check, reproduced: f.replay?.reproduced }).toEqual({ check: f.check, reproduced: true });
      expect(report.found.map((f) => f.check).sort()).toEqual(exact(scenario, design));
      expect(report.runs.every((x) => (x.summary?.states ?? 0) > 0)).toBe(true);
      // Exit 1 exactly when something the design answers for was found.
      expect(r.status).toBe(report.found.some((f) => designOf(design).model.claims.includes(f.check as never) || f.check === 'deadlock-free') ? 1 : 0);
    });

  it('--print, the script run as another machine would, then --merge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaspec-swarm-print-'));
    const printed = await runInProcess([...swarmArgs('caches-pointer', 'rfc-wait-unheld', dir).filter((a) => a !== '--json'), '--print']);
    expect(printed.status).toBe(0);
    expect(printed.out).toContain(`dmaspec swarm --merge ${dir}`);
    expect(spawnSync('sh', [join(dir, 'run.sh')], { encoding: 'utf8' }).status).toBe(0);
    const merged = await runInProcess(['swarm', '--merge', dir, '--json']);
    const report = JSON.parse(merged.out) as Report;
    expect(report.found.map((f) => f.check).sort()).toEqual(exact('caches-pointer', 'rfc-wait-unheld'));
  });
});
