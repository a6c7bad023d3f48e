/**
 * What the prose says about the checker's traces, checked against the checker: the false
 * zero of one migrating client (spec/quiesce.md, README.md) and the false zero the
 * comparison page states for the `migrating` scenario. A number quoted in the prose that
 * the checker no longer gives fails here, naming the sentence.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runJson } from '../../src/check/format.ts';
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
    return q && q.last && q.sum === 0 && (q.actual ?? 0) !== 0 ? [i] : [];
  });
}

describe('prose claims about traces', () => {
  test('spec/quiesce.md and the README: one migrating client with 2N − 1 rounds fakes N = 2 zero sums in a row, with 2 rounds it cannot', () => {
    const three = oneMigrating(3);
    expect(three.refq.verdict).toBe('violated');
    const t = three.refq.trace! as unknown as ExplainTrace;
    // Both judged rounds of the quiesce are false zeros: the loop ends on the second.
    expect(falseZeros(t)).toHaveLength(2);
    const quiesce = read('spec/quiesce.md');
    expect(quiesce).toContain(`violated with 3 rounds (net0 migrating with 3 rounds on CPU 0, net1 holding on CPU 1: ${three.run.states.toLocaleString('en-US')} states, a ${t.steps.length}-step trace)`);
    expect(read('README.md')).toContain(`(threshold 2: 3 rounds, a ${t.steps.length}-step trace with a holder on CPU 1)`);
    const two = oneMigrating(2);
    expect(two.refq.verdict).toBe('holds');
    expect(quiesce).toContain('one migrating client, threshold 2 — holds with 1 or 2 rounds');
  });

  test('the comparison page names the false-zero step of the migrating scenario, and that step is one', () => {
    const md = readFileSync(join(ROOT, 'docs', 'comparison.md'), 'utf8');
    const m = /## Scenario migrating[\s\S]*?### rfc-wait: no-ref-survives-quiesce[\s\S]*?Step (\d+) is a \*\*false zero\*\*/.exec(md);
    expect(m, 'the comparison page states the false zero').not.toBeNull();
    const s = behaviourScenario('migrating');
    const t = runJson(checkDesign(s, designModel('rfc-wait'))).results.find((r) => r.name === 'no-ref-survives-quiesce')!.trace!;
    expect(falseZeroStep(t as never)! + 1).toBe(Number(m![1]));
  });

  test('spec/properties.md: in the shortest use-after-quiesce trace the re-get comes after the loop ended and before key-off', () => {
    const run = runJson(checkDesign(DEFAULT_SCENARIO, designModel('rfc-wait')));
    const steps = run.results.find((r) => r.name === 'no-use-after-free')!.trace!.steps;
    const ended = steps.findIndex((s) => s.changes.some((c) => c.name.endsWith('.quiesced') && c.to === true));
    const reget = steps.findIndex((s) => s.event.type.endsWith('.reget'));
    const keyOff = steps.findIndex((s) => s.event.type.endsWith('.keyOff'));
    expect(ended).toBeGreaterThanOrEqual(0);
    expect(reget).toBeGreaterThan(ended);
    expect(keyOff).toBeGreaterThan(reget);
    // The re-get marks dirty, but nothing reads it any more.
    expect(steps[reget]!.changes.some((c) => c.name === 'dirty' && c.to === 1)).toBe(true);
    expect(read('spec/properties.md')).toContain('once the loop has ended: before key-off its `dirty` mark comes too late (the checker\'s shortest trace), after key-off it marks nothing');
  });
});
