/**
 * What the prose says about the checker's traces, checked against the checker: the false
 * zero of one migrating client (spec/quiesce.md, README.md) and the false zero the
 * comparison page states for the `migrating` scenario. A number quoted in the prose that
 * the checker no longer gives fails here, naming the sentence.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runJson } from '../../src/render/report.ts';
import { checkDesign } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { designModel } from '../../src/designs/models.ts';
import { falseZeroStep } from '../../src/render/comparison.ts';
import { quiesceRead, statesOf, type ExplainTrace } from '../../src/render/explain.ts';
import { DEFAULT_SCENARIO, parseScenario } from '../../src/scenario.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8').replace(/\s+/g, ' ');

/** net0 migrating on CPU 0 with `rounds` find → put rounds, net1 holding on CPU 1, threshold 2. */
function oneMigrating(rounds: number) {
  const s = parseScenario({
    name: `one-migrating-${rounds}`,
    quiesceThreshold: 2,
    clients: [
      { name: 'net0', kind: 'net_dma', cpu: 0, capability: 'memcpy', behaviour: ['migrating'], rounds },
      { name: 'net1', kind: 'net_dma', cpu: 1, capability: 'memcpy', rounds: 1 },
    ],
  });
  const run = runJson(checkDesign(s, designModel('rfc-wait')));
  return { run, refq: run.results.find((r) => r.name === 'no-ref-survives-quiesce')! };
}

/** Judged quiesce reads of a trace that are false zeros. */
function falseZeros(t: ExplainTrace): number[] {
  const s = statesOf(t);
  return t.steps.flatMap((x, i) => {
    const q = quiesceRead(x, s[i]!, s[i + 1]!);
    return q?.last && q.sum === 0 && (q.actual ?? 0) !== 0 ? [i] : [];
  });
}

describe('prose claims about traces', () => {
  test('spec/quiesce.md: one migrating client with 3 rounds fakes a zero round: no-false-zero breaks through a migration', () => {
    const three = oneMigrating(3);
    const r = three.run.results.find((x) => x.name === 'no-false-zero')!;
    expect(r.verdict).toBe('violated');
    const t = r.trace! as unknown as ExplainTrace;
    expect(falseZeros(t).length).toBeGreaterThanOrEqual(1);
    expect(read('spec/quiesce.md')).toContain('The property that names it is `no-false-zero`');
  });

  test('the comparison page names the false-zero step of the migrating scenario, and that step is one', () => {
    const md = readFileSync(join(ROOT, 'docs', 'comparison.md'), 'utf8');
    const m = /## Scenario migrating[\s\S]*?### ✗ migrating × rfc-wait: no-false-zero[\s\S]*?Step (\d+) is a \*\*false zero\*\*/.exec(md);
    expect(m, 'the comparison page states the false zero').not.toBeNull();
    const s = behaviourScenario('migrating');
    const t = runJson(checkDesign(s, designModel('rfc-wait'))).results.find((r) => r.name === 'no-false-zero')!.trace!;
    expect(falseZeroStep(t as never)! + 1).toBe(Number(m![1]));
  });

  test('spec/properties.md and README: the standard scenario’s shortest no-ref-survives-quiesce trace is a finder preempted between its table read and its inc, with no migration', () => {
    const run = runJson(checkDesign(DEFAULT_SCENARIO, designModel('rfc-wait')));
    const steps = run.results.find((r) => r.name === 'no-ref-survives-quiesce')!.trace!.steps;
    const types = steps.map((s) => s.event.type);
    const finder = steps.find((s) => s.event.type.endsWith('.find'))!.thread;
    expect(types.indexOf(`${finder}.find`)).toBeLessThan(types.indexOf('ioh0.keyOn'));
    expect(types).not.toContain(`${finder}.inc`);
    expect(types.some((t) => t.endsWith('.migrate'))).toBe(false);
    expect(read('spec/properties.md')).toContain(
      "the finder preempted between its table read and its inc for the whole quiesce (the checker's shortest trace, no migration needed)",
    );
    expect(read('README.md')).toContain("it is the standard scenario's shortest `no-ref-survives-quiesce` trace");
  });
});
