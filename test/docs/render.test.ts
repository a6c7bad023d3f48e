/**
 * The converters on fixture machines: the state tree walk, DOT (clusters, parallel
 * regions, initial markers, always transitions, escaping, wrapping), Mermaid (composites,
 * `--` separators, clipped cross-scope edges, escaping) and determinism.
 */
import { describe, expect, test } from 'vitest';
import { MACHINES } from '../../src/catalogue.ts';
import { allStates, chartOf, regionsOf, subChart, transitionLabel } from '../../src/render/chart.ts';
import { toDot } from '../../src/render/dot.ts';
import type { DocMachineEntry } from '../../src/render/machine-page.ts';
import { escapeMermaid } from '../../src/render/escape.ts';
import { mermaidIds, toMermaid } from '../../src/render/mermaid.ts';
import { renderSvg, svgSize } from '../../src/render/svg.ts';
import { wrapText } from '../../src/render/wrap.ts';
import { buildFixture, buildUserMachine } from './fixtures/machines.ts';

const fixture = () => chartOf(buildFixture().machine);
const user = () => chartOf(buildUserMachine());

describe('chartOf', () => {
  test('walks every state node in document order with kinds, initial children and descriptions', () => {
    const c = fixture();
    expect(allStates(c).map((s) => `${s.id}:${s.type}`)).toEqual([
      'fixture:parallel',
      'net0:parallel',
      'net0.control:compound',
      'net0.control.idle:atomic',
      'net0.control.got:atomic',
      'net0.control.released:final',
      'net0.worker:compound',
      'net0.worker.idle:atomic',
      'net0.worker.found:atomic',
      'ioh0:compound',
      'ioh0.online:atomic',
      'ioh0.quiesce:compound',
      'ioh0.quiesce.round:atomic',
      'ioh0.freed:final',
    ]);
    expect(allStates(c).find((s) => s.id === 'ioh0')?.initial).toBe('ioh0.online');
    expect(allStates(c).find((s) => s.id === 'net0.worker')?.description).toBe('find → use → put');
  });

  test('formats guards and actions with their params, and keeps the candidates of one event in order', () => {
    const reads = fixture().transitions.filter((t) => t.event === 'ioh0.read');
    // The unguarded candidate after a guarded one reads as its else branch.
    expect(reads.map(transitionLabel)).toEqual(['ioh0.read [refsZero] / bump(by=1)', 'ioh0.read [else] / reset']);
    const done = fixture().transitions.find((t) => t.event === 'ioh0.done')!;
    expect(done.guard).toBe('countBelow(n=3)');
    expect(done.targets).toEqual(['ioh0.freed']);
    expect(done.description).toBe('threshold reached');
  });

  test('includes always transitions (which @xstate/graph drops) and names inline guards ƒ', () => {
    const c = user();
    const always = c.transitions.filter((t) => t.eventless);
    expect(always.map(transitionLabel)).toEqual(['always [ready?] / log "x" & <y>', 'always [ready?]']);
    expect(c.transitions.find((t) => t.event === 'go:now')?.guard).toBe('ƒ');
  });

  test('regions are the children of a parallel root; a sub-chart keeps only its own transitions', () => {
    const c = fixture();
    expect(regionsOf(c).map((r) => r.id)).toEqual(['net0', 'ioh0']);
    expect(regionsOf(user()).map((r) => r.id)).toEqual(['user']);
    const ioh = subChart(c, 'ioh0');
    expect(ioh.transitions.every((t) => t.source.startsWith('ioh0'))).toBe(true);
    expect(ioh.transitions).toHaveLength(4);
    expect(() => subChart(c, 'nope')).toThrow(/no state with id "nope"/);
  });
});

describe('toDot', () => {
  test('draws compound and parallel states as clusters, parallel regions dashed, the parallel state marked', () => {
    const dot = toDot(fixture());
    // Composites below the root: net0, net0.control, net0.worker, ioh0, ioh0.quiesce.
    expect(dot.match(/subgraph "cluster_\d+"/g)).toHaveLength(5);
    expect(dot).toMatch(/label=<<b>control<\/b>[^;]*; style="dashed,rounded"/);
    expect(dot).toMatch(/label=<<b>quiesce<\/b>[^;]*; style="rounded"/);
    expect(dot).toContain('<b>net0</b> ‖');
  });

  test('gives every compound state an initial dot pointing at its initial child', () => {
    const dot = toDot(fixture());
    for (const [compound, initial] of [
      ['net0.control', 'net0.control.idle'],
      ['net0.worker', 'net0.worker.idle'],
      ['ioh0', 'ioh0.online'],
      ['ioh0.quiesce', 'ioh0.quiesce.round'],
    ])
      expect(dot).toContain(`"${compound}#initial" -> "${initial}"`);
    expect(dot).toMatch(/"net0\.control\.released" \[[^\]]*peripheries=2/);
  });

  test('ends an edge into a compound state at its border and labels edges event [guard] / actions', () => {
    const dot = toDot(fixture());
    expect(dot).toMatch(/"ioh0\.online" -> "ioh0\.quiesce#initial" \[label=<ioh0\.eject>, lhead="cluster_\d+"/);
    expect(dot).toContain('label=<ioh0.done<br/>[countBelow(n=3)]>');
  });

  test('stacks the candidates of one source and target on one edge, or draws them apart on request', () => {
    const merged = toDot(fixture());
    expect(merged.match(/"ioh0\.quiesce\.round" -> "ioh0\.quiesce\.round"/g)).toHaveLength(1);
    expect(merged).toContain('ioh0.read<br/>[refsZero]<br/>/ bump(by=1)<br/>┄┄┄┄<br/>ioh0.read<br/>[else]<br/>/ reset');
    const apart = toDot(fixture(), { mergeParallelEdges: false });
    expect(apart.match(/"ioh0\.quiesce\.round" -> "ioh0\.quiesce\.round"/g)).toHaveLength(2);
  });

  test('puts the loops a compound state declares for all its substates on an "in any state" box', () => {
    const dot = toDot(user());
    expect(dot).toContain('"user#any" [label=<<i>in any state of user</i>>');
    expect(dot).toMatch(/"user#any" -> "user#any" \[label=<ping<br\/>\/ log/);
    expect(dot).not.toContain('"user#initial" -> "user#initial"');
  });

  test('draws always transitions dashed', () => {
    const dot = toDot(user());
    expect(dot).toMatch(/"user\.b-state" -> "user\.done" \[label=<always<br\/>\[ready\?\]>, style=dashed[,\]]/);
  });

  test('escapes quotes, backslashes and markup in ids, labels and tooltips', () => {
    const dot = toDot(user());
    expect(dot).toContain('"user.a \\"quoted\\" state" [label=<<b>a &quot;quoted&quot; state</b>');
    expect(dot).toContain('tooltip="first: with \\"quotes\\"; and \\\\backslash"');
    expect(dot).toContain('/ log &quot;x&quot; &amp; &lt;y&gt;');
    expect(dot).not.toMatch(/<y>/);
  });

  test('wraps long labels', () => {
    const dot = toDot(user(), { width: 20 });
    const label = /label=<(a\.really.*?)>[,\]]/.exec(dot.replace(/&[a-z]+;/g, 'X'))![1]!;
    for (const line of label.split('<br/>')) expect(line.length).toBeLessThanOrEqual(20);
  });

  test('is deterministic across separately built machines, and Graphviz lays it out', async () => {
    expect(toDot(chartOf(buildFixture().machine))).toBe(toDot(chartOf(buildFixture().machine)));
    for (const c of [fixture(), user()]) {
      const svg = await renderSvg(toDot(c));
      expect(svg).toMatch(/^<\?xml|<svg/);
      expect(svgSize(svg).width).toBeGreaterThan(0);
      // Graphviz writes text with character references (`-` as `&#45;`): decode, then
      // every state's name is a text node of the drawing.
      const text = svg
        .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
      for (const s of allStates(c).filter((s) => s !== c.root && s.type !== 'parallel')) expect(text).toContain(`>${s.key}<`);
    }
    await expect(renderSvg('digraph { a -> }')).rejects.toThrow();
  });
});

describe('toMermaid', () => {
  test('writes composites, a [*] arrow per compound state and -- between parallel regions', () => {
    const m = toMermaid(fixture());
    expect(m.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(m).toContain('state "fixture ‖" as fixture {');
    // Root regions net0|ioh0 and net0's control|worker.
    expect(m.match(/^\s+--$/gm)).toHaveLength(2);
    expect(m.match(/\[\*\] --> /g)).toHaveLength(4);
    expect(m).toContain('net0_control_released --> [*]');
    // Braces balance.
    expect(m.match(/\{$/gm)?.length).toBe(m.match(/^\s*\}$/gm)?.length);
  });

  test('declares an edge leaving a nested state at the composite holding it, naming the real source', () => {
    const m = toMermaid(fixture());
    expect(m).toContain('ioh0_quiesce --> ioh0_freed : round: ioh0.done<br/>[countBelow(n=3)]');
    // Two candidates of one self-loop are one edge with both labels.
    expect(m.match(/ioh0_quiesce_round --> ioh0_quiesce_round/g)).toHaveLength(1);
  });

  test('includes always transitions and replaces the characters Mermaid breaks on by look-alikes', () => {
    const m = toMermaid(user());
    expect(m).toContain('user_b_state --> user_done : always [ready?]');
    expect(m).toContain('state "a \'quoted\' state" as user_a__quoted__state');
    expect(m).toContain('go:now [ƒ]');
    expect(m.replace(/<br\/>/g, ' ')).toContain('log "x" & ‹y›');
    // No raw semicolon survives, and the only angle brackets are the <br/> line breaks.
    expect(m).not.toContain(';');
    expect(m.replace(/<br\/>|-->/g, '')).not.toMatch(/[<>]/);
    // Quotes appear only as the delimiters of state names.
    expect(m.replace(/state "[^"]*" as/g, '').replace(/: .*$/gm, '')).not.toContain('"');
    expect(escapeMermaid('a;b<c>d')).toBe('a,b‹c›d');
    expect(m).toContain('first: with "quotes", and');
  });

  test('shows the loops of a compound root as a note, since the root is the top level', () => {
    const m = toMermaid(user());
    expect(m).toContain('note right of user_a__quoted__state : (in any state) ping / log');
    // Mermaid ends a note's text at a colon: none inside it.
    expect(
      m
        .split('\n')
        .find((l) => l.includes('note right of'))!
        .split(' : ')[1],
    ).not.toContain(':');
    expect(m).not.toMatch(/^\s*user --> user/m);
  });

  test('derives unique plain-word ids, never a Mermaid keyword', () => {
    const ids = [...mermaidIds(user()).values()];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    const c = chartOf(buildUserMachine());
    const end = { ...c, root: { ...c.root, id: 'end', children: [] }, transitions: [] };
    expect(mermaidIds(end).get('end')).toBe('s_end');
  });

  test('is deterministic', () => {
    expect(toMermaid(chartOf(buildFixture().machine))).toBe(toMermaid(chartOf(buildFixture().machine)));
  });
});

describe('wrapText', () => {
  test('keeps lines within the width and breaks long dotted names at their dots', () => {
    const text = 'a.really.long.event.name.that.needs.wrapping and some short words after it';
    const lines = wrapText(text, 16);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(16);
    expect(lines[0]).toBe('a.really.long.');
    expect(lines.join(' ').replace(/\. /g, '.')).toBe(text.replace(/\. /g, '.'));
  });

  test('cuts a word with no punctuation at the width and keeps explicit line breaks', () => {
    expect(wrapText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(wrapText('one\ntwo', 40)).toEqual(['one', 'two']);
  });
});

describe('the machine catalogue (src/catalogue.ts)', () => {
  // Typed as the docs read it: a catalogue entry that stops fitting fails type-checking here.
  const entries: readonly DocMachineEntry[] = MACHINES;

  test.each(entries.map((e) => [e.name, e] as const))('%s draws with Graphviz and writes as Mermaid', async (_, entry) => {
    const chart = chartOf(entry.build(entry.smallScenario).machine);
    const svg = await renderSvg(toDot(chart));
    const text = svg.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
    for (const s of allStates(chart).filter((s) => s !== chart.root && s.type !== 'parallel')) expect(text).toContain(`>${s.key}<`);
    const m = toMermaid(chart);
    expect(m.match(/\{$/gm)?.length ?? 0).toBe(m.match(/^\s*\}$/gm)?.length ?? 0);
    expect(m).not.toContain(';');
  });
});
