/**
 * Everything `npm run docs` generates, computed in memory: one page and its drawings per
 * catalogue machine, the design comparison and the index. Writing the files and comparing
 * them with the committed ones is the script's job (scripts/docs.ts); keeping this part
 * pure is what makes `--check` a plain comparison.
 * @module
 */
import { renderComparison } from './comparison.ts';
import { renderIndex, titleOf, type PageLink } from './index-page.ts';
import { fileSafe, renderMachinePage, type DocFile, type DocMachineEntry } from './machine-page.ts';

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
    files.push({ path: 'comparison.md', content: renderComparison(input.checkJson) });
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
    }),
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
