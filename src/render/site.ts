/**
 * Everything `npm run docs` generates, computed in memory: one page and its drawings per
 * catalogue machine, the design comparison and the index. Writing the files and comparing
 * them with the committed ones is the script's job (scripts/docs.ts); keeping this part
 * pure is what makes `--check` a plain comparison.
 * @module
 */
import type { MachineModel } from '../../machines/model.ts';
import { chartOf, regionsOf, subChart, type Chart } from './chart.ts';
import { extraAnchor, parseComparison, renderComparison, traceAnchor, type ExtraRun } from './comparison.ts';
import type { CheckJson } from '../check/json.ts';
import { renderIndex, titleOf, type PageLink } from './index-page.ts';
import { fileSafe, renderMachinePage, type DocFile, type DocMachineEntry } from './machine-page.ts';
import { drawChart } from './svg.ts';
import { renderViewer, type ViewerRegion } from './viewer.ts';

/** A Markdown page that is not generated (spec/*.md, hand-written docs/*.md). */
export interface SourcePage {
  /** Path relative to the docs folder, e.g. `../spec/threads.md`. */
  readonly path: string;
  readonly markdown: string;
}

/** The inputs of the docs. */
export interface SiteInput {
  readonly machines: readonly DocMachineEntry[];
  /** `dmaspec check --json` output, or undefined when the checker is not available. */
  readonly checkJson?: unknown;
  readonly spec: readonly SourcePage[];
  readonly guides: readonly SourcePage[];
  /** Each design's README (`../src/designs/<name>/README.md`); the comparison links its columns to them. */
  readonly designs?: readonly SourcePage[];
  /** Further checker runs the comparison page shows (scenarios a flaw needs). */
  readonly extra?: readonly ExtraRun[];
  /**
   * The machine a counterexample ran on (scenario name and design as the checker's JSON
   * names them), for its trace viewer; undefined (or no function) for no viewer.
   */
  readonly traceMachine?: (scenario: string, design: string) => MachineModel | undefined;
}

/** Folder of the trace viewer pages, relative to the docs folder. */
export const TRACES_DIR = 'traces';

/** The viewer page of a counterexample, relative to the docs folder. */
export function viewerFile(scenario: string, design: string, property: string): string {
  return `${TRACES_DIR}/${fileSafe(scenario)}-${fileSafe(design)}-${fileSafe(property)}.html`;
}

/** One viewer page per counterexample of `runs` whose machine `build` gives. */
async function viewerPages(
  runs: readonly CheckJson[],
  build: NonNullable<SiteInput['traceMachine']>,
  anchor: (c: CheckJson, design: string, property: string) => string,
): Promise<DocFile[]> {
  const files: DocFile[] = [];
  const drawn = new Map<string, { regions: ViewerRegion[]; chart: Chart } | undefined>();
  for (const c of runs)
    for (const d of c.designs) {
      const key = `${c.scenario}\u0000${d.design}`;
      if (!drawn.has(key)) {
        const model = build(c.scenario, d.design);
        let drawing: { regions: ViewerRegion[]; chart: Chart } | undefined;
        if (model) {
          const chart = chartOf(model.machine);
          const regions: ViewerRegion[] = [];
          for (const r of regionsOf(chart)) regions.push({ key: r.key, svg: (await drawChart(subChart(chart, r.id))).svg });
          drawing = { regions, chart };
        }
        drawn.set(key, drawing);
      }
      const drawing = drawn.get(key);
      if (!drawing) continue;
      for (const r of d.results) {
        if (r.verdict !== 'violated' || !r.trace) continue;
        files.push({
          path: viewerFile(c.scenario, d.design, r.name),
          content: renderViewer({
            design: d.design,
            property: r.name,
            scenario: c.scenario,
            ...(c.scenarioText ? { scenarioText: c.scenarioText } : {}),
            trace: r.trace,
            regions: drawing.regions,
            chart: drawing.chart,
            back: `../comparison.md#${anchor(c, d.design, r.name)}`,
          }),
        });
      }
    }
  return files;
}

/** The first sentence of a summary, for the index (the machine page has it whole). */
export function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(?:\s|$)/s.exec(text.trim());
  return (m ? m[1]! : text.trim()).replace(/\s+/g, ' ');
}

/** The generated files, paths relative to the docs folder, sorted by path. */
export async function renderSite(input: SiteInput): Promise<DocFile[]> {
  const files: DocFile[] = [];
  const names = new Set<string>();
  for (const m of input.machines) {
    const name = fileSafe(m.name);
    if (names.has(name)) throw new Error(`renderSite: two catalogue machines are named ${name}`);
    names.add(name);
    files.push(...(await renderMachinePage(m)));
  }
  let comparison: PageLink | undefined;
  if (input.checkJson !== undefined) {
    const build = input.traceMachine;
    const main = parseComparison(input.checkJson);
    const extra = (input.extra ?? []).map((e) => parseComparison(e.json));
    const viewers = build ? await viewerPages([main, ...extra], build, (c, d, p) => (c === main ? traceAnchor(d, p) : extraAnchor(c.scenario, d, p))) : [];
    const have = new Set(viewers.map((f) => f.path));
    files.push(...viewers);
    const viewerPath = (scenario: string, design: string, property: string) => {
      const f = viewerFile(scenario, design, property);
      return have.has(f) ? f : undefined;
    };
    const designDoc = (design: string) => input.designs?.find((p) => p.path === `../src/designs/${design}/README.md`)?.path;
    files.push({
      path: 'comparison.md',
      content: renderComparison(input.checkJson, { ...(input.extra ? { extra: input.extra } : {}), viewerPath, designDoc }),
    });
    comparison = { path: 'comparison.md', title: 'Design comparison', summary: 'verdicts of every design on every property, with counterexamples' };
  }
  const link = (p: SourcePage): PageLink => ({ path: p.path, title: titleOf(p.markdown, p.path) });
  files.push({
    path: 'index.md',
    content: renderIndex({
      machines: input.machines.map((m) => ({ path: `machines/${fileSafe(m.name)}.md`, title: m.title, summary: firstSentence(m.summary) })),
      ...(comparison ? { comparison } : {}),
      spec: input.spec.map(link),
      guides: input.guides.map(link),
      designs: (input.designs ?? []).map(link),
    }),
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
