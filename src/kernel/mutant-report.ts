/**
 * The kernel mutants in words: one line per mutant as it finishes, then per build the table
 * (generated, killed, survived, equivalent, stillborn), the paths the mutants were replayed
 * on, and every survivor with what would kill it when the list says.
 * @module
 */
import type { BaselineExport, Kill } from './mutant-run.ts';
import { type MutantStatus, type MutantVerdict, SAME_CODE } from './mutant-verdict.ts';
import { mutantKey } from './mutants.ts';
import { exportName } from './plan.ts';

const json = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** The first failing path of a killed mutant, on one line. */
export function killText(k: Kill): string {
  const what = k.kind === 'observable' ? `${k.what}: expected ${json(k.expected)}, kernel ${json(k.actual)}` : `${k.kind} ${k.what}: ${k.message ?? ''}`.trim();
  return `${k.export} path ${k.path}, step ${k.step} (${k.event}): ${what}`;
}

/** One mutant's line: status, name, and the kill, the reason or the gap. */
export function verdictLine(v: MutantVerdict): string {
  const tail = v.status === 'killed' ? `by ${killText(v.kill!)}` : v.status === 'survived' ? (v.gap ? `known gap: ${v.gap}` : 'NOT LISTED') : (v.reason ?? '');
  return `${v.status.padEnd(10)} ${v.build}  ${mutantKey(v.mutant)}\n           ${tail}`;
}

/** One build's mutants and the paths they were replayed on. */
export interface BuildMutants {
  readonly build: string;
  readonly exports: readonly BaselineExport[];
  readonly verdicts: readonly MutantVerdict[];
}

const STATUSES: readonly MutantStatus[] = ['killed', 'survived', 'equivalent', 'stillborn'];

/** How many of each status. */
export function counts(verdicts: readonly MutantVerdict[]): Record<MutantStatus | 'generated', number> {
  const out = { generated: verdicts.length, killed: 0, survived: 0, equivalent: 0, stillborn: 0 };
  for (const v of verdicts) out[v.status]++;
  return out;
}

/**
 * Mutants grouped by their list text (a survivor's gap, an equivalent's reason), each text
 * once with its class, then the mutants; those with no text (unlisted survivors) first.
 */
function groupLines(title: string, verdicts: readonly MutantVerdict[], textOf: (v: MutantVerdict) => string | undefined, none: string): string[] {
  if (!verdicts.length) return [];
  const groups = new Map<string, MutantVerdict[]>();
  for (const v of [...verdicts].sort((a, b) => Number(textOf(a) !== undefined) - Number(textOf(b) !== undefined))) {
    const key = textOf(v) ?? '';
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const out = [`  ${title} (${verdicts.length}):`];
  for (const [text, vs] of groups) {
    const head = text ? `${vs[0].class ? `${vs[0].class}: ` : ''}${text}` : none;
    out.push(`  - ${vs.length} × ${head}`, ...vs.map((v) => `      ${mutantKey(v.mutant)}`));
  }
  return out;
}

/** The table of every build, then each build's exports and survivors. */
export function mutantsReport(builds: readonly BuildMutants[]): string {
  const header = ['build', 'generated', ...STATUSES, 'same code', 'killed of non-equivalent'];
  const rows = builds.map((b) => {
    const c = counts(b.verdicts);
    const score = c.killed + c.survived ? `${((100 * c.killed) / (c.killed + c.survived)).toFixed(1)} %` : '—';
    return [b.build, c.generated, ...STATUSES.map((s) => c[s]), b.verdicts.filter((v) => v.reason === SAME_CODE).length, score].map(String);
  });
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  const out = [line(header), ...rows.map(line)];
  out.push(
    '(equivalent: listed in kernel/equivalent-mutants.json with why, or "same code": gcc compiled the change away; the last column is killed / (killed + survived))',
  );
  for (const b of builds) {
    const replayed = b.exports.reduce((n, e) => n + e.replayed, 0);
    const passing = b.exports.reduce((n, e) => n + e.passing, 0);
    out.push('', `${b.build}: replayed on ${passing} paths of ${b.exports.length} exports (those of ${replayed} that pass on the unmutated build)`);
    for (const e of b.exports)
      out.push(
        `  ${exportName(e.spec).padEnd(36)} ${String(e.passing).padStart(5)} of ${e.replayed}${e.replayed < e.exported ? ` (1 in ${e.spec.every} of ${e.exported})` : ''}`,
      );
    const of = (status: MutantStatus) => b.verdicts.filter((v) => v.status === status);
    out.push(...groupLines('survivors, by what would kill them', of('survived'), (v) => v.gap, 'NOT LISTED in kernel/surviving-mutants.json'));
    out.push(...groupLines('equivalent, by why', of('equivalent'), (v) => v.reason, ''));
    const stillborn = b.verdicts.filter((v) => v.status === 'stillborn');
    if (stillborn.length) out.push(`  stillborn (${stillborn.length}):`);
    for (const v of stillborn) out.push(`  - ${mutantKey(v.mutant)}: ${v.reason}`);
  }
  return out.join('\n');
}
