/**
 * Reading a swarm's pan runs back without SPIN: the summary of a bitstate run, pan's state
 * tables, a trail file mapped to the exported steps, and the plan's diversity. The inputs are
 * written here in pan's formats (SPIN 6.5); test/external/spin-swarm.test.ts runs the real pan.
 */
import { describe, expect, it } from 'vitest';
import { dStepLines, PanOutputError, parsePanOutput, trailSteps, transitionLines } from '../../src/promela/swarm-pan.ts';
import { planRuns, planScript, SWARM_FORMAT, type SwarmPlan } from '../../src/promela/swarm-plan.ts';

const summary = (extra: string) => `${extra}
State-vector 68 byte, depth reached 20, errors: 2
     4902 states, stored
    15004 transitions (= stored+matched)
hash factor: 213.908 (best if > 100.)
pan: elapsed time 0.25 seconds
`;

describe('parsePanOutput', () => {
  it('pairs each failed check with the trail pan wrote for it, by dmaspec name', () => {
    const out = summary(
      'pan:1: assertion violated P_no_use_after_free (at depth 12)\npan: wrote model.pml1.trail\npan:2: assertion violated P_deadlock_free (at depth 30)\npan: wrote model.pml2.trail\n',
    );
    const s = parsePanOutput(out, ['no-use-after-free', 'deadlock-free']);
    expect(s).toMatchObject({ states: 4902, transitions: 15004, hashFactor: 213.908, depthReached: 20, depthCut: false, seconds: 0.25 });
    expect(s.failures).toEqual([
      { check: 'no-use-after-free', depth: 12, trail: 'model.pml1.trail' },
      { check: 'deadlock-free', depth: 30, trail: 'model.pml2.trail' },
    ]);
  });

  it('says when the depth bound cut the search, and keeps an unknown flag by its name', () => {
    const s = parsePanOutput(summary('error: max search depth too small\npan:1: assertion violated P_mystery (at depth 4)\n'), ['no-use-after-free']);
    expect(s.depthCut).toBe(true);
    expect(s.failures).toEqual([{ check: 'P_mystery', depth: 4 }]);
  });

  it('refuses the output of a run that did not finish', () => {
    expect(() => parsePanOutput('pan: out of memory\n', [])).toThrow(PanOutputError);
  });
});

describe('a trail as exported steps', () => {
  const model = [
    'active proctype t_a() {',
    'end:',
    '  do',
    '  :: d_step { EN_0 ->',
    '     x = 1',
    '  }',
    '  :: d_step { timeout && EN_1 ->',
    '  }',
    '  od',
    '}',
  ].join('\n');
  const tables = [
    'proctype t_a',
    '\tstate 9 -(tr  1)-> state 9  [id  87 tp   2] [D-e-G] model.pml:4 => D_STEP4',
    '\tstate 9 -(tr  2)-> state 9  [id 165 tp   2] [D-e-G] model.pml:4 => D_STEP7',
  ].join('\n');

  it("maps pan's transition ids through the d_step lines to the steps EN_k, header lines skipped", () => {
    expect([...dStepLines(model)]).toEqual([
      [4, 0],
      [7, 1],
    ]);
    const ids = transitionLines(tables);
    expect(trailSteps('-4:-4:-4\n-5:0:0\n1:0:165\n2:0:87\n3:0:165\n', ids, dStepLines(model))).toEqual([1, 0, 1]);
  });

  it('refuses a transition that runs no exported step (a model rebuilt after the runs)', () => {
    expect(() => trailSteps('1:0:999\n', transitionLines(tables), dStepLines(model))).toThrow(/pan transition 999/);
  });
});

describe('the swarm plan', () => {
  const runs = planRuns({ runs: 6, bits: 22, depth: 5000, seed: 10 });

  it('gives every run its own seed, folder and search, and varies bits per state and direction', () => {
    expect(new Set(runs.map((r) => r.args.find((a) => a.startsWith('-RS')))).size).toBe(6);
    expect(new Set(runs.map((r) => r.dir)).size).toBe(6);
    expect(new Set(runs.map((r) => r.args.find((a) => a.startsWith('-k')))).size).toBe(3);
    expect(runs.filter((r) => r.args.includes('-t_reverse')).map((r) => r.id)).toEqual([1, 3, 5]);
    for (const r of runs) expect(r.args).toEqual(expect.arrayContaining(['-c0', '-e', '-w22', '-m5000', '-rhash']));
  });

  it('writes a script with the build and one line per run, each in its own folder', () => {
    const plan: SwarmPlan = {
      format: SWARM_FORMAT,
      scenario: 'default',
      design: 'baseline',
      properties: [],
      exportStates: 1,
      exportComplete: true,
      stepEvents: [],
      events: [],
      checks: [],
      compile: [['spin', '-a', '-o2', 'model.pml']],
      runs,
    };
    const script = planScript(plan).split('\n');
    expect(script).toContain('spin -a -o2 model.pml');
    expect(script.filter((l) => l.startsWith('mkdir -p run-'))).toHaveLength(6);
    expect(script.find((l) => l.startsWith('mkdir -p run-3'))).toMatch(/cd run-3 && \.\.\/pan .*-RS13 .*> pan\.out/);
  });
});
