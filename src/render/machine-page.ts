/**
 * One Markdown page (plus its SVG files) per machine of the catalogue: title, summary, the
 * scenario drawn, the Graphviz drawing, the Mermaid source and tables of the states and
 * transitions with their descriptions (the kernel rule each one models).
 *
 * A machine with several regions (the system machine: one per thread) that is too big to
 * read at page width gets an overview drawing of the whole and then one section per
 * region with its own drawing and tables: the whole system at page width is too small to
 * read, a single thread is not.
 * @module
 */
import type { ScenarioModel } from '../../machines/make.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../scenario.ts';
import { allStates, chartOf, regionsOf, subChart, type Chart } from './chart.ts';
import { codeCell, escapeCell } from './escape.ts';
import { linkKernelNamesMarkdown } from './kernel-source.ts';
import { designKernelTree, type KernelTreeName } from './kernel-symbols.ts';
import { toMermaid } from './mermaid.ts';
import { describeScenario } from './scenario-text.ts';
import { drawChart, type DrawnChart } from './svg.ts';

/** What the docs need of a catalogue entry (src/catalogue.ts `MachineEntry` has these). */
export interface DocMachineEntry {
  /** File-name-safe name: the page is `machines/<name>.md`. */
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  /** Builds the machine for a scenario (the catalogue entry's factory). */
  build(scenario: Scenario): ScenarioModel;
  /** A scenario small enough to draw, used when the default one is too big. */
  readonly smallScenario: Scenario;
}

/** A generated file: path relative to the docs folder, and its text. */
export interface DocFile {
  readonly path: string;
  readonly content: string;
}

/** Above this many state nodes a drawing is unreadable even split by region. */
export const MAX_DRAWN_STATES = 120;

/** File-name-safe form of a region key. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Builds the entry for the default scenario, or for its `smallScenario` when the default
 * does not build for it or gives more than {@link MAX_DRAWN_STATES} state nodes.
 */
export function chooseScenario(entry: DocMachineEntry): { scenario: Scenario; model: ScenarioModel; chart: Chart } {
  try {
    const model = entry.build(DEFAULT_SCENARIO);
    const chart = chartOf(model.machine);
    if (allStates(chart).length <= MAX_DRAWN_STATES) return { scenario: DEFAULT_SCENARIO, model, chart };
  } catch {
    // Some standalone machines need a scenario shape the default lacks: fall through.
  }
  const model = entry.build(entry.smallScenario);
  return { scenario: entry.smallScenario, model, chart: chartOf(model.machine) };
}

/**
 * The context of a machine as short lines, one per top-level variable with its shape:
 * `ref[0..1]`, `table[0..2][0..1]`, `devices[0..0]: listed, private, …`. Drawn as the
 * "shared data" note: the variables through which the regions interact.
 */
export function contextLines(context: unknown): string[] {
  if (typeof context !== 'object' || context === null) return [];
  const dims = (v: unknown): string => (!Array.isArray(v) ? '' : v.length === 0 ? '[] (none here)' : `[0..${v.length - 1}]${dims(v[0])}`);
  const leaf = (v: unknown): unknown => (Array.isArray(v) ? leaf(v[0]) : v);
  return Object.entries(context as Record<string, unknown>).map(([k, v]) => {
    const inner = leaf(v);
    const fields = typeof inner === 'object' && inner !== null ? `: ${Object.keys(inner).join(', ')}` : '';
    return `${k}${dims(v)}${fields}`;
  });
}

/**
 * The spec page (spec/) that writes up a catalogue machine's rules, by name (a trailing
 * `-*` matches a family: `release-kref`), and the spec's own index for a machine not
 * listed here.
 */
export const SPEC_PAGES: Readonly<Record<string, string>> = {
  system: 'threads.md',
  device: 'device-lifecycle.md',
  ioh: 'ioh.md',
  channel: 'client-count.md',
  quiesce: 'quiesce.md',
  'release-*': 'release-designs.md',
  'client-*': 'clients.md',
};

/** The spec page of machine `name`: see {@link SPEC_PAGES}. */
export function specPageOf(name: string): string {
  const hit = Object.entries(SPEC_PAGES).find(([k]) => (k.endsWith('-*') ? name.startsWith(k.slice(0, -1)) : name === k));
  return hit ? hit[1] : 'README.md';
}

/**
 * A description as a table cell: kernel names linked, and a bare file name (`README.md`)
 * set as code, which TypeDoc would otherwise turn into a link to the host `readme.md`.
 */
function descriptionCell(text: string, prefer?: KernelTreeName): string {
  return linkKernelNamesMarkdown(text, (t) => escapeCell(t).replace(/(?<![\w/`.-])([A-Za-z][\w-]*\.md)\b/g, '`$1`'), prefer);
}

/** The states table of a chart; kernel names link into `prefer` (the design's tree). */
export function statesTable(chart: Chart, prefer?: KernelTreeName): string {
  const rows = ['| state | kind | description |', '|---|---|---|'];
  for (const s of allStates(chart)) rows.push(`| ${codeCell(s.id)} | ${s.type} | ${descriptionCell(s.description ?? '', prefer)} |`);
  return rows.join('\n');
}

/**
 * The transitions table of a chart, in document order (the order xstate tries them in).
 * Event, guard, actions and target share one cell, a line each, as on the drawing's
 * arrows, so that the description keeps room on a narrow page.
 */
export function transitionsTable(chart: Chart, prefer?: KernelTreeName): string {
  const rows = ['| from | on [guard] / actions → to | description |', '|---|---|---|'];
  for (const t of chart.transitions) {
    const on = [t.eventless ? '*always*' : codeCell(t.event)];
    if (t.guard !== undefined) on.push(codeCell(`[${t.guard}]`));
    if (t.actions.length > 0) on.push(codeCell(`/ ${t.actions.join(', ')}`));
    on.push(t.targets.length > 0 ? t.targets.map((x) => codeCell(`→ ${x}`)).join(' ') : '*(stays, no re-entry)*');
    rows.push(`| ${codeCell(t.source)} | ${on.join('<br>')} | ${descriptionCell(t.description ?? '', prefer)} |`);
  }
  return rows.join('\n');
}

/**
 * A drawing, its Mermaid source and its tables under a `##` heading; `prefix` keeps the
 * table headings unique on a page of several regions (`net0: States`), so that their
 * anchors are stable on GitHub and in TypeDoc alike.
 */
async function section(
  chart: Chart,
  svgPath: string,
  heading: string,
  prefix: string,
  files: DocFile[],
  prefer: KernelTreeName | undefined,
  drawn?: DrawnChart,
): Promise<string> {
  drawn ??= await drawChart(chart);
  files.push({ path: `machines/${svgPath}`, content: drawn.svg });
  // A link to the drawing itself: a page shrinks a wide drawing, the SVG alone does not.
  // (A plain link: TypeDoc rewrites it to the copied media file, a link around an image it leaves alone.)
  return [
    `## ${heading}`,
    '',
    chart.root.description ? `${descriptionCell(chart.root.description, prefer)}\n` : '',
    `![${heading}](./${svgPath})`,
    '',
    `[Open the full-size drawing](${svgPath})`,
    '',
    '<details>',
    '<summary>Mermaid source (GitHub and many editors draw it)</summary>',
    '',
    '```mermaid',
    toMermaid(chart).trimEnd(),
    '```',
    '',
    '</details>',
    '',
    `### ${prefix}States`,
    '',
    statesTable(chart, prefer),
    '',
    `### ${prefix}Transitions`,
    '',
    chart.transitions.length > 0 ? transitionsTable(chart, prefer) : 'None.',
    '',
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
}

/**
 * The scenario as the machine was built from it (its design included), with only the
 * clients the machine has a thread for: a release machine draws the IOH alone, its holder
 * being an event, and should not claim the scenario's clients.
 */
function drawnScenario(model: ScenarioModel): string {
  const s = model.scenario;
  const drawn = s.clients.filter((c) => model.threads.includes(c.name));
  const left = s.clients.filter((c) => !drawn.includes(c)).map((c) => `\`${c.name}\``);
  const text = describeScenario({ ...s, clients: drawn });
  return left.length > 0 && drawn.length === 0
    ? `${text.replace('; no clients', '')}; of its threads only ${model.threads.map((t) => `\`${t}\``).join(', ')} ${model.threads.length === 1 ? 'is' : 'are'} drawn (not the clients ${left.join(', ')})`
    : text;
}

/** What the rule parameters of machines/system mean (machines/system/ioh.ts `IohParams`, clients.ts). */
const PARAM_MEANING: Readonly<Record<string, string>> = {
  t: "is the client thread's index in the scenario's client list",
  h: "the IOH's index in the scenario",
};

/** How to read a drawing: only the marks this one uses. */
function legend(hasFinal: boolean, params: readonly string[]): string[] {
  const out = [
    'Reading the drawings: a box is a state (its kernel meaning under its name); a frame is a',
    'compound state, a dashed frame a region running in parallel with its siblings (‖ marks',
    'the parallel state); the black dot points at the initial state;',
  ];
  if (hasFinal) out.push('a double border is a final state;');
  out.push(
    'an arrow is labelled `event [guard] / actions`, and arrows with the same',
    'ends are stacked on one arrow, separated by ┄┄┄┄, in the order xstate tries them.',
  );
  const known = params.filter((p) => PARAM_MEANING[p]).map((p) => `\`${p}\` ${PARAM_MEANING[p]}`);
  if (known.length > 0) out.push(`A guard or action shows its parameters in parentheses: ${known.join(', ')} (\`canFind(t=0)\`: the guard for client 0).`);
  return out;
}

/** A drawing shrunk below this on the page is split into one drawing per region. */
export const MIN_READABLE_SCALE = 0.8;

/** Renders one catalogue entry: `machines/<name>.md` and its SVG files. */
export async function renderMachinePage(entry: DocMachineEntry): Promise<DocFile[]> {
  const { scenario, model, chart } = chooseScenario(entry);
  const prefer = designKernelTree(model.scenario.design); // the design the machine was built for (release-kref: kref)
  const shared = contextLines((model.machine.config as { context?: unknown }).context);
  const files: DocFile[] = [];
  const name = fileSafe(entry.name);
  const states = allStates(chart);
  const labels = chart.transitions.flatMap((t) => [t.guard ?? '', ...t.actions]);
  const parts = [
    `# ${entry.title}`,
    '',
    entry.summary,
    '',
    `Drawn for the scenario \`${scenario.name}\`: ${drawnScenario(model)}.`,
    '',
    `The rules are written up in [spec/${specPageOf(entry.name)}](../../spec/${specPageOf(entry.name)}); the checker's verdicts and counterexamples are on`,
    '[the design comparison](../comparison.md).',
    '',
    ...legend(
      states.some((x) => x.type === 'final'),
      [...new Set(labels.flatMap((l) => [...l.matchAll(/[(,] ?(\w+)=/g)].map((m) => m[1]!)))],
    ),
    '',
  ];
  const regions = regionsOf(chart);
  // Whether to split is decided on the states alone: the note may widen a drawing a little.
  const bare = await drawChart(chart);
  if (regions.length > 1 && bare.scale < MIN_READABLE_SCALE) {
    // Too big to read whole: an overview without descriptions, then each region readably.
    const overview = await drawChart(chart, { descriptions: false, shared });
    files.push({ path: `machines/${name}.svg`, content: overview.svg });
    parts.push(
      '## Overview',
      '',
      `The ${regions.length} regions side by side, without descriptions (open the full-size drawing to zoom); each region is drawn readably in its section below.`,
      '',
    );
    parts.push(`![${entry.title}: overview](./${name}.svg)`, '', `[Open the full-size drawing](${name}.svg)`, '');
    parts.push(regions.map((r) => `- [${r.key}](#${anchorOf(`Region ${r.key}`)})`).join('\n'), '');
    for (const r of regions) parts.push(await section(subChart(chart, r.id), `${name}.${fileSafe(r.key)}.svg`, `Region ${r.key}`, `${r.key}: `, files, prefer));
  } else {
    parts.push(await section(chart, `${name}.svg`, 'Statechart', '', files, prefer, await drawChart(chart, { shared })));
  }
  files.unshift({ path: `machines/${name}.md`, content: parts.join('\n').trimEnd() + '\n' });
  return files;
}

/** The anchor GitHub and TypeDoc give a heading: lower case, spaces to dashes, punctuation dropped. */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}
