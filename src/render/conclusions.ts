/**
 * docs/conclusions.md: what to do, derived from the checker. Per design: what it claims and
 * whether every claim survives (the standard scenario and every client behaviour), under
 * which assumptions, what its hot path writes (counted from its statechart, the static half
 * of `npm run bench:hotpath`), and what mainline did. The recommendation is a rule over the
 * verdicts, so a changed verdict changes the page (and `npm run docs:check` fails until it
 * is regenerated): a design with a refuted claim is never recommended.
 * @module
 */
import type { CheckJson, DesignRunJson } from '../check/json.ts';
import { escapeCell } from './escape.ts';

/** A design's hot-path stores per find/put pair (bench/hotpath/design-costs.ts), or why they were not counted. */
export type HotPathCost =
  | { readonly design: string; readonly shared: number; readonly local: number; readonly fields: readonly string[] }
  | { readonly design: string; readonly error: string };

/** What the page is made of. */
export interface ConclusionsInput {
  readonly check: CheckJson;
  /** Each design's README title (its first heading), by design. */
  readonly titles: Readonly<Record<string, string>>;
  readonly costs: readonly HotPathCost[];
}

/**
 * What upstream did with each design: facts from the sources (spec/sources.md), not
 * verdicts. A design not listed is one this project studies that was never posted.
 */
export const UPSTREAM: Readonly<Record<string, string>> = {
  baseline: 'Linux 3.4–5.5: no hot-removal support (unregister with users is a driver bug)',
  'rfc-wait': 'posted 2012 as RFC v2 3/7 ([the RFC](../spec/sources.md#the-rfc)); never merged',
  'rfc-wait-unheld': 'the same RFC read with a base that holds no `dmaengine_get` references ([rfc-base.md](../spec/rfc-base.md))',
  kref: 'shipped in Linux 5.6 ([8ad342a86359](../spec/sources.md#logan)); unchanged in 7.0',
  'kref-fixed':
    'the two `Fixes: 8ad342a86359` patches posted in May 2026 ([Garg-1](../spec/sources.md#garg-1), [Garg-2](../spec/sources.md#garg-2)); not in 7.0',
};

/** The properties a hot-removal design must guarantee to answer the question at all. */
export const REQUIRED = ['no-use-after-free', 'removal-completes'] as const;

/**
 * Every claim the design makes that the checker refutes (`brokenClaims`), or violates only by
 * runs one of its prose assumptions may rule out (`uncheckedClaims`), with the scenarios (the
 * standard one, client behaviours) where it does.
 */
export function refutedClaims(check: CheckJson, design: string, which: 'brokenClaims' | 'uncheckedClaims' = 'brokenClaims'): string[] {
  const where = new Map<string, string[]>();
  const add = (claim: string, scenario: string) => where.set(claim, [...(where.get(claim) ?? []), scenario]);
  for (const c of check.designs.find((d) => d.design === design)?.[which] ?? []) add(c, check.scenario);
  for (const b of check.behaviours ?? []) for (const c of b.designs.find((d) => d.design === design)?.[which] ?? []) add(c, b.behaviour);
  return [...where].map(([claim, s]) => `${claim} (${s.join(', ')})`);
}

/** Why a design cannot be recommended ([] when it can): a refuted claim, an unclaimed required property, an incomplete search. */
export function disqualifiers(check: CheckJson, run: DesignRunJson): string[] {
  const why: string[] = [];
  const refuted = refutedClaims(check, run.design);
  if (refuted.length > 0) why.push(`claims refuted: ${refuted.join(', ')}`);
  // A claim violated by runs that may break an unchecked assumption is not vouched for either.
  const unchecked = refutedClaims(check, run.design, 'uncheckedClaims');
  if (unchecked.length > 0) why.push(`claims violated, assumption not checked: ${unchecked.join(', ')}`);
  const missing = REQUIRED.filter((p) => !run.results.some((r) => r.name === p && r.claimed));
  if (missing.length > 0) why.push(`does not claim ${missing.join(', ')}`);
  if (!run.complete) why.push('the search did not finish');
  return why;
}

const costText = (c: HotPathCost | undefined) =>
  !c
    ? 'not counted'
    : 'error' in c
      ? `not counted: ${c.error}`
      : `${c.shared} shared, ${c.local} CPU-local${c.fields.length > 0 ? ` (${c.fields.join(', ')})` : ''}`;
const writes = (c: HotPathCost | undefined) => (!c || 'error' in c ? Number.POSITIVE_INFINITY : c.shared * 1000 + c.local);

/** The recommendation: among designs nothing disqualifies, the one whose hot path writes least (shared writes first). */
export function recommend(input: ConclusionsInput): { design: string | undefined; candidates: string[] } {
  const candidates = input.check.designs.filter((d) => disqualifiers(input.check, d).length === 0).map((d) => d.design);
  const cost = (d: string) => writes(input.costs.find((c) => c.design === d));
  const best = [...candidates].sort((a, b) => cost(a) - cost(b))[0];
  return { design: best, candidates };
}

/** The designs claiming what hot removal needs with the fewest refuted claims (a sentence), for when none is recommendable. */
function closest(input: ConclusionsInput): string {
  const claimsAll = input.check.designs.filter((d) => REQUIRED.every((p) => d.results.some((r) => r.name === p && r.claimed)));
  const n = (d: DesignRunJson) => refutedClaims(input.check, d.design).length;
  const fewest = Math.min(...claimsAll.map(n));
  const best = claimsAll.filter((d) => n(d) === fewest);
  if (best.length === 0) return '';
  return ` Closest: ${best.map((d) => `[\`${d.design}\`](../src/designs/${d.design}/README.md) (refuted: ${refutedClaims(input.check, d.design).join('; ')})`).join(', ')} — the fewest refuted claims among the designs that claim both.`;
}

/** One design's section. */
function designSection(input: ConclusionsInput, run: DesignRunJson): string[] {
  const claims = run.results.filter((r) => r.claimed);
  const refuted = refutedClaims(input.check, run.design);
  const unchecked = refutedClaims(input.check, run.design, 'uncheckedClaims');
  const why = disqualifiers(input.check, run);
  const title = input.titles[run.design] ?? run.design;
  return [
    `### ${run.design}`,
    '',
    `[${escapeCell(title)}](../src/designs/${run.design}/README.md)`,
    '',
    `- **Guarantees** (claims that hold in every scenario checked): ${
      claims
        .filter((c) => ![...refuted, ...unchecked].some((r) => r.startsWith(`${c.name} (`)))
        .map((c) => `\`${c.name}\``)
        .join(', ') || 'none'
    }.`,
    `- **Refuted claims**: ${refuted.length > 0 ? refuted.map((r) => `✗ \`${r}\``).join(', ') : 'none'}.`,
    ...(unchecked.length > 0
      ? [
          `- **Violated, assumption not checked** (no violating run avoids the steps a prose assumption is about): ${unchecked.map((r) => `? \`${r}\``).join(', ')}.`,
        ]
      : []),
    `- **Assumptions**: ${(run.assumptions ?? []).map((a) => `${escapeCell(a.text)} (${a.status})`).join('; ') || 'none'}.`,
    `- **Hot path** (stores per \`dma_find_channel\` → put pair, from the statechart): ${costText(input.costs.find((c) => c.design === run.design))}.`,
    `- **Upstream**: ${UPSTREAM[run.design] ?? 'not posted upstream; a design this project studies'}.`,
    `- **Recommendable**: ${why.length === 0 ? 'yes' : `no — ${why.join('; ')}`}.`,
    '',
  ];
}

/** The page. */
export function renderConclusions(input: ConclusionsInput): string {
  const { design, candidates } = recommend(input);
  const c = input.check;
  const out = [
    '# Conclusions: which hot-removal design to use',
    '',
    `Generated by \`npm run docs\` from \`dmaspec check --json\` (scenario \`${c.scenario}\`, then every client given each behaviour: ${(c.behaviours ?? []).map((b) => `\`${b.behaviour}\``).join(', ') || 'none'}); a changed verdict changes this page, and \`npm run docs:check\` fails until it is regenerated. Verdicts per property are in [the comparison](comparison.md); the designs in [spec/release-designs.md](../spec/release-designs.md).`,
    '',
    '## Recommendation',
    '',
    `The rule: a design is recommendable only if it claims ${REQUIRED.map((p) => `\`${p}\``).join(' and ')}, the checker refutes none of its claims in any scenario checked, and its search finished; among those, the one whose hot path writes least (shared cache lines first, then CPU-local) is recommended.`,
    '',
    design
      ? `**Recommended: [\`${design}\`](../src/designs/${design}/README.md).** Recommendable: ${candidates.map((d) => `\`${d}\``).join(', ')}.`
      : `**No design can be recommended**: every one has a refuted claim or does not claim what hot removal needs (below).${closest(input)}`,
    '',
    `Mainline today ([\`kref\`](../src/designs/kref/README.md)) is ${candidates.includes('kref') ? 'recommendable' : 'not recommendable'}; the posted fix ([\`kref-fixed\`](../src/designs/kref-fixed/README.md)) is ${candidates.includes('kref-fixed') ? 'recommendable' : 'not recommendable'}.`,
    '',
    '## Hot-path cost',
    '',
    "Counted from each design's statechart by `npm run bench:hotpath` (its static table; the measured timings of the same command vary with the machine, see [bench/hotpath/README.md](../bench/hotpath/README.md)): the stores one find/put pair makes, into lines other CPUs write (shared) or into the running CPU's own slot (CPU-local). The count sees a per-CPU array only when it is one-dimensional: a per-device per-CPU count (percpu-ref's design variable `pref`, `design.deviceCpus[d][cpu]`) shows as shared.",
    '',
    '| design | shared writes | CPU-local writes | fields |',
    '|---|---|---|---|',
    ...c.designs.map((d) => {
      const k = input.costs.find((x) => x.design === d.design);
      return !k || 'error' in k
        ? `| ${d.design} | – | – | ${escapeCell(k && 'error' in k ? k.error : 'not counted')} |`
        : `| ${d.design} | ${k.shared} | ${k.local} | ${k.fields.join(', ') || '–'} |`;
    }),
    '',
    '## Per design',
    '',
    ...c.designs.flatMap((d) => designSection(input, d)),
  ];
  return out.join('\n').trimEnd() + '\n';
}
