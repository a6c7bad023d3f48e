/**
 * The design comparison page from the checker's JSON (`dmaspec check --json`): a verdict
 * table design × property, then every counterexample as a Mermaid sequence diagram and a
 * step table. Timings are left out: the page is committed and checked byte for byte.
 *
 * The JSON's types are src/check/json.ts's (the checker produces them); it is read through {@link parseComparison}, which names the first field it cannot
 * use, so a change of the checker's output shows up as a clear error in `npm run docs`
 * rather than as a half-empty page.
 * @module
 */
import { codeCell, escapeCell } from './escape.ts';
import { quiesceRead, statesOf } from './explain.ts';
import { RFC_URL } from './kernel-source.ts';
import { traceTable, traceToMermaid } from './sequence.ts';
import type { BehaviourRowJson, CheckJson, DesignRunJson, PropertyVerdictJson, ReplayJson, TraceJson } from '../check/json.ts';
import { READINGS, type Reading } from './readings.ts';

/** The checker's JSON lacks a field this page needs; `path` is the JSON path. */
export class ComparisonFormatError extends Error {
  override readonly name = 'ComparisonFormatError';
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(`check JSON ${path}: ${rule}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need<T>(ok: boolean, value: unknown, path: string, rule: string): T {
  if (!ok) throw new ComparisonFormatError(path, `${rule} (got ${JSON.stringify(value)?.slice(0, 60)})`);
  return value as T;
}

function parseTrace(v: unknown, path: string): TraceJson {
  need(isObj(v), v, path, 'must be an object');
  const t = v as Record<string, unknown>;
  const steps = need<unknown[]>(Array.isArray(t.steps), t.steps, `${path}.steps`, 'must be a list');
  steps.forEach((s, i) => {
    const p = `${path}.steps[${i}]`;
    need(isObj(s), s, p, 'must be an object');
    const st = s as Record<string, unknown>;
    need(typeof st.thread === 'string', st.thread, `${p}.thread`, 'must be a string');
    need(st.cpu === null || Number.isInteger(st.cpu), st.cpu, `${p}.cpu`, 'must be an integer or null');
    need(isObj(st.event) && typeof (st.event as Record<string, unknown>).type === 'string', st.event, `${p}.event`, 'must be an event with a type');
    need(Array.isArray(st.changes), st.changes, `${p}.changes`, 'must be a list');
  });
  need(['violation', 'deadlock', 'cycle', 'final'].includes(t.end as string), t.end, `${path}.end`, 'must be violation, deadlock, cycle or final');
  need(t.loopStart === undefined || Number.isInteger(t.loopStart), t.loopStart, `${path}.loopStart`, 'must be an integer');
  if (t.blocked !== undefined)
    need<unknown[]>(Array.isArray(t.blocked), t.blocked, `${path}.blocked`, 'must be a list').forEach((b, i) =>
      need(
        isObj(b) && typeof b.thread === 'string' && typeof b.event === 'string' && typeof b.guard === 'string' && isObj(b.reads),
        b,
        `${path}.blocked[${i}]`,
        'must be a closed step: thread, event, guard and reads',
      ),
    );
  return v as TraceJson;
}

/** Checks the shape of the checker's JSON and returns it typed. */
export function parseComparison(json: unknown): CheckJson {
  need(isObj(json), json, '$', 'must be an object');
  const j = json as Record<string, unknown>;
  need(typeof j.scenario === 'string', j.scenario, '$.scenario', 'must be the scenario name');
  const designs = need<unknown[]>(Array.isArray(j.designs), j.designs, '$.designs', 'must be a list');
  designs.forEach((d, i) => {
    const p = `$.designs[${i}]`;
    need(isObj(d), d, p, 'must be an object');
    const dr = d as Record<string, unknown>;
    need(typeof dr.design === 'string', dr.design, `${p}.design`, 'must be the design name');
    need(typeof dr.complete === 'boolean', dr.complete, `${p}.complete`, 'must be true or false');
    const results = need<unknown[]>(Array.isArray(dr.results), dr.results, `${p}.results`, 'must be a list');
    results.forEach((r, k) => {
      const q = `${p}.results[${k}]`;
      need(isObj(r), r, q, 'must be an object');
      const rr = r as Record<string, unknown>;
      need(typeof rr.name === 'string', rr.name, `${q}.name`, 'must be the property name');
      need(['safety', 'liveness', 'deadlock'].includes(rr.kind as string), rr.kind, `${q}.kind`, 'must be safety, liveness or deadlock');
      need(['holds', 'violated', 'unknown', 'n/a'].includes(rr.verdict as string), rr.verdict, `${q}.verdict`, 'must be holds, violated, unknown or n/a');
      if (rr.trace !== undefined) parseTrace(rr.trace, `${q}.trace`);
    });
  });
  if (j.behaviours !== undefined) {
    const rows = need<unknown[]>(Array.isArray(j.behaviours), j.behaviours, '$.behaviours', 'must be a list');
    rows.forEach((row, i) => {
      const p = `$.behaviours[${i}]`;
      need(isObj(row) && typeof row.behaviour === 'string', row, p, 'must name its behaviour');
      const runs = need<unknown[]>(
        Array.isArray((row as Record<string, unknown>).designs),
        (row as Record<string, unknown>).designs,
        `${p}.designs`,
        'must be a list',
      );
      runs.forEach((run, k) => {
        const q = `${p}.designs[${k}]`;
        need(isObj(run) && typeof run.design === 'string', run, q, 'must name its design');
        const r = run as Record<string, unknown>;
        need(Array.isArray(r.violated), r.violated, `${q}.violated`, 'must be a list of property names');
        need(Array.isArray(r.brokenClaims), r.brokenClaims, `${q}.brokenClaims`, 'must be a list of property names');
      });
    });
  }
  return json as CheckJson;
}

/** One sentence on a replay outcome. */
export function replayText(r: ReplayJson | undefined): string {
  if (!r) return 'Not replayed on the implementation.';
  if ('unavailable' in r) return `Not replayed on the implementation: ${r.unavailable}.`;
  if (r.reproduced) return `Reproduced on the implementation (src/core): the same ${r.steps} steps give the same observable state after each.`;
  const d = r.divergence;
  return `The implementation diverges at step ${d.step}${d.event ? ` (\`${d.event.type}\`)` : ''}: ${d.differences.join('; ')}.`;
}

/** The behaviour table: one row per client behaviour, one column per design. */
/** Design columns per verdict table: more are split over several tables (one page wide each). */
const TABLE_DESIGNS = 5;

function behaviourTable(rows: readonly BehaviourRowJson[]): string[] {
  const designs: string[] = [];
  for (const r of rows) for (const d of r.designs) if (!designs.includes(d.design)) designs.push(d.design);
  const out = [
    '## By client behaviour',
    '',
    'The same check with every client of the scenario given one behaviour. A cell lists the',
    'properties violated; a **bold** one is claimed by the design. *(assumption not met)*: the',
    "behaviour breaks one of the design's stated assumptions (releases-early: a client misuse), so",
    'what it violates there refutes no claim; the verdicts are shown all the same.',
    '',
  ];
  for (let from = 0; from < designs.length; from += TABLE_DESIGNS) {
    const ds = designs.slice(from, from + TABLE_DESIGNS);
    out.push(`| behaviour | ${ds.map(escapeCell).join(' | ')} |`, `|---|${ds.map(() => '---').join('|')}|`);
    for (const r of rows) {
      const cells = ds.map((name) => {
        const d = r.designs.find((x) => x.design === name);
        if (!d) return 'n/a';
        const names = d.violated.map((v) =>
          d.brokenClaims.includes(v)
            ? `**${escapeCell(v)}**`
            : (d.uncheckedClaims ?? []).includes(v)
              ? `${escapeCell(v)} *(assumption not checked)*`
              : escapeCell(v),
        );
        const cell = names.length === 0 ? (d.complete ? 'all hold' : 'none refuted (limit)') : names.join(', ');
        return d.assumptionsMet === false ? `${cell} *(assumption not met)*` : cell;
      });
      out.push(`| ${escapeCell(r.behaviour)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out;
}

/** A table cell for a verdict: VIOLATED stands out, a claim is marked. */
function verdictCell(r: PropertyVerdictJson | undefined, complete: boolean, anchor: string): string {
  if (!r) return 'n/a';
  const claim = r.claimed ? (r.verdict === 'violated' && r.assumptionsNotChecked ? ' (claimed; assumption not checked)' : ' (claimed)') : '';
  switch (r.verdict) {
    case 'violated':
      return `✗ **VIOLATED**${claim}${r.trace ? ` [trace](#${anchor})` : ''}`;
    case 'holds':
      return complete ? `holds${r.vacuous ? ' (vacuous)' : ''}${claim}` : `not refuted${claim}`;
    default:
      return `${r.verdict}${claim}`;
  }
}

/** The anchor of a counterexample's heading `design × property`. */
export function traceAnchor(design: string, property: string): string {
  return `${design}-${property}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}

/** Properties in order of first appearance across the designs. */
function propertyOrder(c: CheckJson): string[] {
  const names: string[] = [];
  for (const d of c.designs) for (const r of d.results) if (!names.includes(r.name)) names.push(r.name);
  return names;
}

/** A readable sentence for how a counterexample ends. */
function endText(t: TraceJson, kind: string): string {
  const n = t.steps.length;
  switch (t.end) {
    case 'deadlock':
      return `After ${n} steps no thread can take a step and some thread has not finished: a deadlock.`;
    case 'cycle':
      return `After ${t.loopStart ?? 0} steps the run enters a cycle (steps ${(t.loopStart ?? 0) + 1}–${n}) that every thread keeps taking fairly and in which the goal never holds.`;
    case 'final':
      return `After ${n} steps the run ends with the ${kind} property unmet.`;
    default:
      return `After ${n} steps the property fails (shortest such run: breadth-first search).`;
  }
}

/** A further checker run shown on the page: one scenario a flaw needs that the main one lacks. */
export interface ExtraRun {
  /** Why this scenario is shown (a sentence for the reader). */
  readonly why: string;
  /** `dmaspec check --json --scenario <name> --design <design>` output. */
  readonly json: unknown;
}

/** How the page links out: the trace viewer of each counterexample, if there is one. */
export interface ComparisonOptions {
  readonly extra?: readonly ExtraRun[];
  /** Path (relative to the page) of the viewer of a counterexample, or undefined for none. */
  readonly viewerPath?: (scenario: string, design: string, property: string) => string | undefined;
  /** Path (relative to the page) of a design's README, or undefined. */
  readonly designDoc?: (design: string) => string | undefined;
  /** Readings of unseen code that pairs of designs take (default src/render/readings.ts READINGS). */
  readonly readings?: readonly Reading[];
}

/** The properties whose verdicts differ between the two designs of `r` (both must be in `c`). */
export function readingDependent(c: CheckJson, r: Reading): string[] {
  const a = c.designs.find((d) => d.design === r.favoured);
  const b = c.designs.find((d) => d.design === r.other);
  if (!a || !b) return [];
  const verdict = (d: DesignRunJson, p: string) => d.results.find((x) => x.name === p)?.verdict;
  return b.results.map((x) => x.name).filter((p) => verdict(a, p) !== verdict(b, p));
}

/** A bullet per design that breaks claims, violates claims only by runs a prose assumption may rule out, or whose assumptions the scenario breaks. */
function claimNotes(c: CheckJson): string[] {
  const out: string[] = [];
  for (const d of c.designs) {
    if (d.brokenClaims && d.brokenClaims.length > 0) out.push(`- ${codeCell(d.design)} claims and violates: ${d.brokenClaims.map(codeCell).join(', ')}.`);
    for (const r of d.results.filter((x) => x.verdict === 'violated' && x.claimed && x.assumptionsNotChecked))
      out.push(
        `- ${codeCell(d.design)} violates its claim ${codeCell(r.name)} only by runs that may break its prose assumption (not checked, no broken claim): ${(r.assumptionsNotChecked ?? []).map(escapeCell).join('; ')}`,
      );
    if (d.assumptionsMet === false)
      out.push(`- ${codeCell(d.design)}: the scenario breaks the design's assumptions (${(d.unmetAssumptions ?? []).map(escapeCell).join('; ')}).`);
  }
  if (out.length) out.push('');
  return out;
}

/** A paragraph per reading both of whose designs the check has: which one the evidence favours, and what depends on it. */
function readingNotes(c: CheckJson, readings: readonly Reading[]): string[] {
  const out: string[] = [];
  for (const r of readings) {
    if (!c.designs.some((d) => d.design === r.favoured) || !c.designs.some((d) => d.design === r.other)) continue;
    const dep = readingDependent(c, r);
    out.push(
      `**The reading \`${r.name}\`** ([${r.doc.replace(/^.*\//, '')}](${r.doc})): ${codeCell(r.favoured)} and ${codeCell(r.other)} are one design read two ways. ` +
        `The evidence favours ${codeCell(r.favoured)}: ${r.why}. ` +
        (dep.length
          ? `The verdicts that depend on the reading (they differ between the two columns) are ${dep.map(codeCell).join(', ')}; † marks them in the ${codeCell(r.other)} column, whose reading the evidence does not favour.`
          : 'No verdict depends on it here: the two columns agree.'),
      '',
    );
  }
  return out;
}

/** The anchor of a counterexample of an extra scenario. */
export function extraAnchor(scenario: string, design: string, property: string): string {
  return traceAnchor(`${scenario}-${design}`, property);
}

/** The counterexamples of one run, each with its heading, diagram (collapsed), table and viewer link. */
function counterexamples(
  c: CheckJson,
  options: ComparisonOptions,
  anchor: (design: string, property: string) => string,
  heading: string,
  printed: Map<string, string>,
): string[] {
  const out: string[] = [];
  const violations = c.designs.flatMap((d) => d.results.flatMap((r) => (r.verdict === 'violated' && r.trace ? [{ d, r, t: r.trace }] : [])));
  for (const { d, r, t } of violations) {
    out.push(`<a id="${anchor(d.design, r.name)}"></a>`, '');
    out.push(`${heading} ${d.design}: ${r.name}`, '');
    out.push(
      `${r.kind === 'deadlock' ? 'Deadlock freedom' : `The ${r.kind} property ${codeCell(r.name)}`} fails under ${codeCell(d.design)} on the scenario ${codeCell(c.scenario)}. ${endText(t, r.kind)}`,
      '',
    );
    if (r.avoiding)
      out.push(
        `It is the shortest run that takes none of ${r.avoiding.map(codeCell).join(', ')}: the shortest run of all took such a step, which one of the design's prose assumptions is about; this one meets that assumption.`,
        '',
      );
    if (r.claimed && r.assumptionsNotChecked)
      out.push(
        `Assumption not checked: the run takes a step that the design's prose assumption is about (${r.assumptionsNotChecked.map(escapeCell).join('; ')}), and the checker found no violating run without such steps: it is no broken claim.`,
        '',
      );
    // Two properties refuted by one run, or by the same hang reached in another order, print its steps once.
    const key = runKey(c.scenario, d.design, t);
    const first = printed.get(key);
    if (first) {
      const viewer = options.viewerPath?.(c.scenario, d.design, r.name);
      out.push(
        `${t.end === 'deadlock' ? 'It ends in the same hang (the same final state, no step enabled) as' : 'The shortest counterexample is the same run as'} [${first}](#${first}): its steps are shown there${viewer ? `; [step through this property's own run](${viewer})` : ''}.`,
        '',
      );
      continue;
    }
    printed.set(key, anchor(d.design, r.name));
    const falseZero = falseZeroStep(t);
    if (falseZero !== undefined)
      out.push(`Step ${falseZero + 1} is a **false zero**: the quiescer's per-CPU reads add up to 0 while the counts, read at one moment, do not.`, '');
    const viewer = options.viewerPath?.(c.scenario, d.design, r.name);
    if (viewer) out.push(`[Step through this trace on the statecharts](${viewer}) (the regions light up their states; the shared variables beside them).`, '');
    out.push(traceTable(t, r.name, d.design), '');
    out.push('<details>', '<summary>Sequence diagram (Mermaid source; GitHub draws it)</summary>', '');
    out.push('```mermaid', traceToMermaid(t, r.name).trimEnd(), '```', '', '</details>', '');
    if (r.replay !== undefined) out.push(replayText(r.replay), '');
  }
  return out;
}

/** What makes two counterexamples one for the page: the same steps, or for a hang the same final state. */
function runKey(scenario: string, design: string, t: TraceJson): string {
  const body =
    t.end === 'deadlock'
      ? JSON.stringify([t.steps.length, t.steps.at(-1)?.active, statesOf(t).at(-1)])
      : JSON.stringify(t.steps.map((s) => [s.event, s.thread, s.transition]));
  return `${scenario}\n${design}\n${t.end}\n${body}`;
}

/** The first step of `t` whose judged quiesce read is a false zero, or undefined. */
export function falseZeroStep(t: TraceJson): number | undefined {
  const states = statesOf(t);
  const i = t.steps.findIndex((s, k) => {
    const q = quiesceRead(s, states[k]!, states[k + 1]!);
    return q?.last && q.sum === 0 && q.actual !== undefined && q.actual !== 0;
  });
  return i < 0 ? undefined : i;
}

/** Renders the comparison page (Markdown). Throws {@link ComparisonFormatError} on bad JSON. */
export function renderComparison(json: unknown, options: ComparisonOptions = {}): string {
  const c = parseComparison(json);
  const extra = (options.extra ?? []).map((e) => ({ why: e.why, c: parseComparison(e.json) }));
  const props = propertyOrder(c);
  const readings = options.readings ?? READINGS;
  const out: string[] = ['# Design comparison', ''];
  out.push(
    `Every release-notification design checked exhaustively on the scenario \`${c.scenario}\`${c.scenarioText ? ` (${c.scenarioText})` : ''},`,
    'with `dmaspec check`. Each cell is the verdict of one property (row) for one design (column); a violated',
    'property links to its shortest counterexample below. *(claimed)* marks a property the design',
    'claims: a violated claim makes `dmaspec check` exit 1.',
    '',
    'Regenerate with `npm run docs` (it runs `dmaspec check --json`). The properties are defined in',
    '[spec/properties.md](../spec/properties.md), the designs in [spec/release-designs.md](../spec/release-designs.md);',
    'each step of a trace names the kernel function it follows, linked to its line in Linux 3.6 (the 3.4 logic),',
    `mainline 7.0 (the \`dma_device\` kref) or 5.10.7 (\`percpu_ref\`), or to [the RFC](${RFC_URL}); [spec/sources.md](../spec/sources.md) gives each source.`,
    '',
  );
  if (extra.length > 0) {
    out.push('Further scenarios, for flaws the standard one cannot show:', '');
    for (const e of extra)
      for (const d of e.c.designs)
        for (const r of d.results.filter((x) => x.verdict === 'violated' && x.trace))
          out.push(`- [${escapeCell(`${e.c.scenario} × ${d.design}: ${r.name}`)}](#${extraAnchor(e.c.scenario, d.design, r.name)})`);
    out.push('');
  }
  // One row per property, one column per design: properties outnumber designs and their
  // names are long, so this way the table fits a page.
  const kindOf = (p: string) => c.designs.flatMap((d) => d.results).find((r) => r.name === p)?.kind ?? '';
  const head = (d: string) => {
    const doc = options.designDoc?.(d);
    return doc ? `[${escapeCell(d)}](${doc})` : escapeCell(d);
  };
  // At most TABLE_DESIGNS design columns per table, so each fits a page without scrolling.
  for (let from = 0; from < c.designs.length; from += TABLE_DESIGNS) {
    const ds = c.designs.slice(from, from + TABLE_DESIGNS);
    out.push(`| property | kind | ${ds.map((d) => head(d.design)).join(' | ')} |`);
    out.push(`|---|---|${ds.map(() => '---').join('|')}|`);
    out.push(`| *states explored* | | ${ds.map((d) => `${d.states ?? ''}${d.complete ? '' : ' (limit)'}`).join(' | ')} |`);
    for (const p of props) {
      const cells = ds.map(
        (d) =>
          verdictCell(
            d.results.find((x) => x.name === p),
            d.complete,
            traceAnchor(d.design, p),
          ) + (readings.some((r) => r.other === d.design && readingDependent(c, r).includes(p)) ? ' †' : ''),
      );
      out.push(`| ${escapeCell(p)} | ${kindOf(p)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push(...claimNotes(c));
  out.push(...readingNotes(c, readings));
  if (c.behaviours && c.behaviours.length > 0) out.push(...behaviourTable(c.behaviours));
  const anyViolation = c.designs.some((d) => d.results.some((r) => r.verdict === 'violated' && r.trace));
  // Each run's steps are printed once; a second property refuted by the same run points there.
  const printed = new Map<string, string>();
  if (!anyViolation) out.push('No property is violated.', '');
  else out.push('## Counterexamples', '', ...counterexamples(c, options, traceAnchor, '### ✗', printed));
  for (const e of extra) {
    out.push(`## Scenario ${e.c.scenario}`, '');
    out.push(`${escapeCell(e.why)} The scenario \`${e.c.scenario}\`${e.c.scenarioText ? `: ${e.c.scenarioText}` : ''}.`, '');
    // Headings name the scenario: "On This Page" lists each counterexample once.
    out.push(...counterexamples(e.c, options, (d, p) => extraAnchor(e.c.scenario, d, p), `### ✗ ${e.c.scenario} ×`, printed));
  }
  return out.join('\n').trimEnd() + '\n';
}
