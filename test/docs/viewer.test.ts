/**
 * The trace viewer page without a browser: every state a frame lights up exists as an
 * element of the inlined statecharts, the frames follow the trace, and the kernel rules
 * carry their source links. test/external/viewer.test.ts clicks through it in Chromium.
 */
import { describe, expect, test } from 'vitest';
import { systemFor } from '../../src/designs/registry.ts';
import { runJson } from '../../src/render/report.ts';
import { checkDesign } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { designModel } from '../../src/designs/models.ts';
import { chartOf, regionsOf, subChart } from '../../src/render/chart.ts';
import type { TraceJson } from '../../src/check/json.ts';
import { drawChart } from '../../src/render/svg.ts';
import { activeStateIds, framesOf, renderViewer, ruleHtml } from '../../src/render/viewer.ts';

const scenario = behaviourScenario('migrating');

async function falseZeroViewer() {
  const run = runJson(checkDesign(scenario, designModel('rfc-wait')));
  const trace = run.results.find((r) => r.name === 'no-false-zero')!.trace! as unknown as TraceJson;
  const chart = chartOf(systemFor({ ...scenario, design: 'rfc-wait' }).machine);
  const regions = [];
  for (const r of regionsOf(chart)) regions.push({ key: r.key, svg: (await drawChart(subChart(chart, r.id))).svg });
  const html = renderViewer({ design: 'rfc-wait', property: 'no-false-zero', scenario: 'migrating', trace, regions, chart, back: '../comparison.md#x' });
  return { trace, html };
}

describe('trace viewer page', () => {
  test('every state a frame lights up is an element of the inlined statecharts', async () => {
    const { trace, html } = await falseZeroViewer();
    // Graphviz writes '-' in ids as &#45;.
    const ids = new Set([...html.matchAll(/<g id="([^"]+)"/g)].map((m) => m[1]!.replace(/&#45;/g, '-')));
    // Every region's active leaf, in every frame, is a box of the drawing.
    const leaves = [trace.initialActive!, ...trace.steps.map((s) => s.active!)];
    for (const [k, a] of leaves.entries()) {
      expect(Object.keys(a)).toEqual(['net0.control', 'net0.worker', 'net0.softirq', 'net1.control', 'net1.worker', 'net1.softirq', 'ioh0']);
      for (const id of Object.values(a)) expect(ids.has(`s-${id}`), `frame ${k}: ${id} is drawn`).toBe(true);
    }
    // The page lights up only what is drawn: each frame's embedded ids are drawn ones.
    const data = JSON.parse(/<script type="application\/json" id="trace-data">(.*?)<\/script>/s.exec(html)![1]!) as { active: string[] }[];
    for (const f of data) for (const id of f.active) expect(ids.has(`s-${id}`)).toBe(true);
    expect(data[data.length - 1]!.active).toEqual(expect.arrayContaining(['ioh0.quiesce', 'ioh0.quiesce.ended', 'net1.worker.found']));
    // Each step lights the arrow it took: one drawn arrow leaving the step's source state.
    const arrows = new Set([...html.matchAll(/<g id="(e[^"]+)"/g)].map((m) => m[1]!.replace(/&#45;/g, '-').replace(/&gt;/g, '>')));
    const edges = (data as unknown as { edge: string | null }[]).map((f) => f.edge);
    expect(edges[0]).toBeNull();
    trace.steps.forEach((s, i) => {
      const source = s.transition!.slice(0, s.transition!.indexOf('#'));
      expect(edges[i + 1], `step ${i + 1}`).toMatch(new RegExp(`^e-${source.replace(/\./g, '\\.')}->`));
      expect(arrows.has(edges[i + 1]!), `${edges[i + 1]} is drawn`).toBe(true);
    });
    expect(edges.at(-1)).toBe('e-ioh0.quiesce.reading->ioh0.quiesce.ended');
    // The IOH's leaf after each step is the one the trace says.
    const last = trace.steps.at(-1)!;
    expect(activeStateIds(trace, trace.steps.length)).toContain(`s-${last.active!.ioh0}`);
    expect(last.active!.ioh0).toBe('ioh0.quiesce.ended');
  });

  test('frames follow the trace: the state after each step, what it changed, its rule and why it matters', async () => {
    const { trace, html } = await falseZeroViewer();
    const frames = framesOf(trace, 'no-ref-survives-quiesce');
    expect(frames).toHaveLength(trace.steps.length + 1);
    expect(frames[0]!.label).toBe('initial state');
    const k = trace.steps.length;
    expect(frames[k]!.label).toBe(`${k}. ioh0: ioh0.read`);
    expect(frames[k]!.note).toContain('FALSE ZERO');
    expect(frames[k]!.changed).toContain('ioat0.quiesced');
    expect(frames[k]!.vars['ioat0.quiesced']).toBe(true);
    expect(frames[k - 1]!.vars['ioat0.quiesced']).toBe(false);
    // The page embeds the frames and a control per direction; no external resource.
    expect(html).toContain('<script type="application/json" id="trace-data">');
    for (const id of ['first', 'prev', 'next', 'last']) expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });

  test('kernel names in a rule link to the pinned source; other text is escaped', () => {
    expect(ruleHtml('dmaengine_get: ref++ <now>')).toBe(
      `<a href="https://elixir.bootlin.com/linux/v3.6/source/drivers/dma/dmaengine.c#L565" title="v3.6 dmaengine.c:565"><code>dmaengine_get</code></a>: ref++ &lt;now&gt;`,
    );
  });
});

describe('rule text per design', () => {
  test("the RFC's remark in a shared step's text is left out under a design that is not the RFC", async () => {
    const { designRule } = await import('../../src/render/viewer.ts');
    const rule = 'dma_release_channel: dma_chan_put, privatecnt-- (RFC: wake the unregister wait queue)';
    expect(designRule(rule, 'kref')).toBe('dma_release_channel: dma_chan_put, privatecnt--');
    expect(designRule(rule, 'rfc-wait')).toBe(rule);
  });
});
