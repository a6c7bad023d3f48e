/**
 * Traces that explain themselves: what each quiesce read saw, the sentence on the key
 * steps, folded rounds, and the kernel links. Checked on small hand-made traces (each
 * number visible) and on the checker's own traces of the two headline RFC flaws.
 */
import { describe, expect, test } from 'vitest';
import { runJson } from '../../src/render/report.ts';
import { checkDesign } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { designModel } from '../../src/designs/models.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { falseZeroStep, renderComparison } from '../../src/render/comparison.ts';
import { foldRounds, quiesceRead, readText, statesOf, stepNote, type ExplainTrace } from '../../src/render/explain.ts';
import { kernelNamesIn, kernelSource, linkKernelNamesMarkdown, RFC_URL } from '../../src/render/kernel-source.ts';
import { traceTable } from '../../src/render/sequence.ts';

const initial = {
  'ref[0]': 0,
  'ref[1]': 1,
  key: true,
  dirty: 0,
  'q.quiesce.next': 0,
  'q.quiesce.sum': 0,
  'q.quiesce.count': 0,
  'dev.quiesced': false,
  'c.resources': true,
  'a.chan': 'c',
};
const read = (changes: { name: string; from: unknown; to: unknown }[]) => ({ thread: 'q', cpu: null, event: { type: 'q.read' }, changes });

/** The false zero by hand: CPU 0 read as 0, then a unit moves from CPU 1 to CPU 0, CPU 1 read as 0. */
const falseZero: ExplainTrace = {
  end: 'violation',
  initial,
  steps: [
    read([{ name: 'q.quiesce.next', from: 0, to: 1 }]),
    { thread: 'b', cpu: 0, event: { type: 'b.find' }, changes: [{ name: 'ref[0]', from: 0, to: 1 }] },
    { thread: 'b', cpu: 1, event: { type: 'b.put' }, changes: [{ name: 'ref[1]', from: 1, to: 0 }] },
    read([
      { name: 'q.quiesce.next', from: 1, to: 0 },
      { name: 'q.quiesce.count', from: 0, to: 1 },
      { name: 'dev.quiesced', from: false, to: true },
    ]),
  ],
};

describe('what a trace means', () => {
  test('states before every step follow from the initial state and the changes', () => {
    const s = statesOf(falseZero);
    expect(s).toHaveLength(5);
    expect(s[2]!['ref[0]']).toBe(1);
    expect(s[3]!['ref[1]']).toBe(0);
    expect(s[4]!['dev.quiesced']).toBe(true);
    // Older JSON without `initial`: the first `from` of each variable stands in.
    const { initial: _, ...old } = falseZero;
    expect(statesOf(old)[0]).toEqual({ 'q.quiesce.next': 0, 'ref[0]': 0, 'ref[1]': 1, 'q.quiesce.count': 0, 'dev.quiesced': false });
  });

  test('a quiesce read names the CPU read, the count it read and the running sum; the judged read spots the false zero', () => {
    const s = statesOf(falseZero);
    const first = quiesceRead(falseZero.steps[0]!, s[0]!, s[1]!)!;
    expect(first).toEqual({ cpu: 0, value: 0, sum: 0, last: false });
    const last = quiesceRead(falseZero.steps[3]!, s[3]!, s[4]!)!;
    expect(last).toEqual({ cpu: 1, value: 0, sum: 0, last: true, count: 1, actual: 1 });
    expect(readText(last)).toBe(
      'reads CPU 1: ref[1] = 0, sum 0 + 0 = 0; zero sum: count → 1; FALSE ZERO: the counts sum to 1 right now, they moved between the reads',
    );
    expect(quiesceRead(falseZero.steps[1]!, s[1]!, s[2]!)).toBeUndefined();
    expect(falseZeroStep(falseZero as never)).toBe(3);
    // Had the counts not moved, the same zero is true and no false zero is claimed.
    const honest: ExplainTrace = { ...falseZero, initial: { ...initial, 'ref[1]': 0 }, steps: [falseZero.steps[0]!, falseZero.steps[3]!] };
    expect(readText(quiesceRead(honest.steps[1]!, statesOf(honest)[1]!, statesOf(honest)[2]!)!)).not.toContain('FALSE ZERO');
    expect(falseZeroStep(honest as never)).toBeUndefined();
  });

  test('the key steps get a sentence: the quiesce ending with a reference in flight, a free under a holder, the use, the broken property', () => {
    const s = statesOf(falseZero);
    expect(stepNote(falseZero, 3, s, 'no-ref-survives-quiesce')).toContain(
      'the quiesce of dev ends while Σ ref[] = 1: a reference is still in flight; this state breaks no-ref-survives-quiesce',
    );
    expect(stepNote(falseZero, 1, s)).toBe('');
    const uaf: ExplainTrace = {
      end: 'violation',
      initial: { ...initial, 'dev.quiesced': true, violations: [] },
      steps: [
        { thread: 'a', cpu: 1, event: { type: 'a.reget' }, changes: [{ name: 'ref[1]', from: 1, to: 2 }] },
        { thread: 'q', cpu: null, event: { type: 'q.putRefs' }, changes: [{ name: 'c.resources', from: true, to: false }] },
        { thread: 'a', cpu: 1, event: { type: 'a.use' }, changes: [{ name: 'violations', from: [], to: ['use-after-free:a:c'] }] },
      ],
    };
    const u = statesOf(uaf);
    expect(stepNote(uaf, 0, u)).toBe('takes a per-CPU reference after the quiesce of dev ended; nothing marks it dirty, and nothing waits for it');
    expect(stepNote(uaf, 1, u)).toBe("frees c's resources while a still holds it");
    expect(stepNote(uaf, 2, u, 'no-use-after-free')).toBe('a uses c, whose resources step 2 freed: use after free; this state breaks no-use-after-free');
  });

  test('a use names the frees in force: the last free of the resources (not one undone since), and the free of the device', () => {
    const use = { thread: 'a', cpu: 1, event: { type: 'a.use' }, changes: [{ name: 'violations', from: [], to: ['use-after-free:a:dev.0'] }] };
    const free = (to: boolean) => ({ thread: 'q', cpu: null, event: { type: 'q.x' }, changes: [{ name: 'dev.0.resources', from: !to, to }] });
    const again: ExplainTrace = {
      end: 'violation',
      initial: { ...initial, 'dev.0.resources': true, 'dev.freed': false, violations: [] },
      steps: [free(false), free(true), free(false), use],
    };
    expect(stepNote(again, 3, statesOf(again))).toBe('a uses dev.0, whose resources step 3 freed: use after free; this state breaks the property');
    const device: ExplainTrace = {
      ...again,
      steps: [free(false), free(true), { thread: 'q', cpu: null, event: { type: 'q.free' }, changes: [{ name: 'dev.freed', from: false, to: true }] }, use],
    };
    expect(stepNote(device, 3, statesOf(device))).toBe('a uses dev.0, whose device step 3 freed: use after free; this state breaks the property');
  });

  test('rounds a thread repeats back to back fold into one row that keeps what each round read', () => {
    const round = (count: number) => [
      { thread: 'q', cpu: null, event: { type: 'q.clearDirty' }, changes: [] },
      { thread: 'q', cpu: null, event: { type: 'q.tick' }, changes: [] },
      read([{ name: 'q.quiesce.next', from: 0, to: 1 }]),
      read([
        { name: 'q.quiesce.next', from: 1, to: 0 },
        { name: 'q.quiesce.count', from: count - 1, to: count },
      ]),
    ];
    const trace: ExplainTrace = {
      end: 'violation',
      initial: { ...initial, 'ref[1]': 0 },
      steps: [...round(1), ...round(2), ...round(3), { thread: 'a', cpu: 0, event: { type: 'a.use' }, changes: [] }],
    };
    expect(foldRounds(trace)).toEqual([
      { kind: 'rounds', first: 0, length: 4, count: 3 },
      { kind: 'step', index: 12 },
    ]);
    const md = traceTable(trace, 'p');
    expect(md).toContain(
      '| 1–12 | q |  | 3 × ( `q.clearDirty` → `q.tick` → `q.read` → `q.read` ) | **⇒ 3 rounds of the same 4 steps: round 1: reads CPU 0 = 0, CPU 1 = 0, sum 0, count → 1; round 2',
    );
    expect(md).toContain('`q.quiesce.count: 0 → 3`');
    expect(md.split('\n')).toHaveLength(4);
    // Two rounds of two steps are too short to fold; another thread's step in between breaks a run.
    expect(foldRounds({ ...trace, steps: trace.steps.slice(0, 3) }).every((r) => r.kind === 'step')).toBe(true);
    const interleaved = [...round(1).slice(0, 2), { thread: 'b', cpu: 0, event: { type: 'b.find' }, changes: [] }, ...round(1), ...round(2)];
    expect(foldRounds({ ...trace, steps: [...interleaved, trace.steps[12]!] })[0]).toEqual({ kind: 'step', index: 0 });
  });
});

describe('kernel source links', () => {
  test('3.x functions link to their definition line at v3.6, mainline-only names to v7.0, RFC names to the RFC post, others to nothing', () => {
    expect(kernelSource('dmaengine_get')).toEqual({
      url: 'https://elixir.bootlin.com/linux/v3.6/source/drivers/dma/dmaengine.c#L565',
      label: 'v3.6 dmaengine.c:565',
    });
    expect(kernelSource('dmaengine_get', 'linux-7.0')).toEqual({
      url: 'https://elixir.bootlin.com/linux/v7.0/source/drivers/dma/dmaengine.c#L962',
      label: 'v7.0 dmaengine.c:962',
    });
    expect(kernelSource('dma_device_put')?.label).toBe('v7.0 dmaengine.c:436');
    expect(kernelSource('synchronize_rcu')).toEqual({ url: 'https://elixir.bootlin.com/linux/v3.6/A/ident/synchronize_rcu', label: 'v3.6: synchronize_rcu' });
    expect(kernelSource('dma_get_channel')).toEqual({ url: RFC_URL, label: 'RFC v2 3/7' });
    expect(kernelSource('schedule_timeout')).toBeUndefined();
    expect(kernelNamesIn('dmaengine_get: dma_chan_get on every channel; dmaengine_get again')).toEqual(['dmaengine_get', 'dma_chan_get']);
    expect(linkKernelNamesMarkdown('RFC dma_put_channel: this_cpu_dec', (t) => t.replace(/_/g, '\\_'))).toBe(
      `RFC [dma\\_put\\_channel](${RFC_URL} "RFC v2 3/7"): [this\\_cpu\\_dec](https://elixir.bootlin.com/linux/v3.6/A/ident/this_cpu_dec "v3.6: this_cpu_dec")`,
    );
  });

  test('every step of the system machine that names a 3.x or RFC function in its rule links it in the table', async () => {
    const run = checkDesign(DEFAULT_SCENARIO, designModel('rfc-wait-unheld'));
    const trace = runJson(run).results.find((r) => r.name === 'no-use-after-free')!.trace!;
    const md = traceTable(trace as never, 'no-use-after-free');
    for (const s of trace.steps) expect(s.rule, `${s.event.type} has a rule`).not.toBe('');
    const named = [...new Set(trace.steps.flatMap((s) => kernelNamesIn(s.rule!)))];
    expect(named).toEqual(expect.arrayContaining(['dmaengine_get', 'dma_find_channel', 'dma_async_device_unregister', 'dma_chan_put', 'dma_channel_quiesce']));
    for (const n of named) expect(md).toContain(`](${kernelSource(n)!.url} "${kernelSource(n)!.label}")`);
  });
});

describe('the headline flaws, as the checker finds them', () => {
  test('the migrating scenario shows the false zero: the judged read sums to 0 while a reference is counted', () => {
    const run = checkDesign(behaviourScenario('migrating'), designModel('rfc-wait'));
    const json = runJson(run);
    const r = json.results.find((x) => x.name === 'no-false-zero')!;
    expect(r.verdict).toBe('violated');
    const t = r.trace! as never as ExplainTrace;
    const k = falseZeroStep(t as never)!;
    expect(k).toBeDefined();
    const s = statesOf(t);
    const q = quiesceRead(t.steps[k]!, s[k]!, s[k + 1]!)!;
    expect(q.sum).toBe(0);
    expect(q.actual).toBeGreaterThan(0);
    // Between the round's two reads a thread moved its count: an inc on the CPU read first, a dec on the other.
    const firstRead = t.steps.findIndex((x, i) => i < k && quiesceRead(x, s[i]!, s[i + 1]!) !== undefined);
    const between = t.steps.slice(firstRead + 1, k);
    expect(
      between.some((x) =>
        x.changes.some(
          (c) => c.name === `ref[${quiesceRead(t.steps[firstRead]!, s[firstRead]!, s[firstRead + 1]!)!.cpu}]` && (c.to as number) > (c.from as number),
        ),
      ),
    ).toBe(true);
    expect(between.some((x) => x.event.type.endsWith('.migrate'))).toBe(true);
    const md = renderComparison({ scenario: 'default', designs: [] }, { extra: [{ why: 'Why.', json: { scenario: 'migrating', designs: [json] } }] });
    expect(md).toContain('## Scenario migrating');
    expect(md).toContain(`Step ${k + 1} is a **false zero**`);
    expect(md).toContain('FALSE ZERO: the counts sum to');
  });
});
