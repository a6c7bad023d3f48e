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

/** The table of every build, then each build's exports and survivors. */
export function mutantsReport(builds: readonly BuildMutants[]): string {
  const header = ['build', 'generated', ...STATUSES, 'same code'];
  const rows = builds.map((b) => {
    const c = counts(b.verdicts);
    return [b.build, c.generated, ...STATUSES.map((s) => c[s]), b.verdicts.filter((v) => v.reason === SAME_CODE).length].map(String);
  });
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  const out = [line(header), ...rows.map(line)];
  out.push('(equivalent: listed in kernel/equivalent-mutants.json with why, or "same code": gcc compiled the change away)');
  for (const b of builds) {
    const replayed = b.exports.reduce((n, e) => n + e.replayed, 0);
    const passing = b.exports.reduce((n, e) => n + e.passing, 0);
    out.push('', `${b.build}: replayed on ${passing} paths of ${b.exports.length} exports (those of ${replayed} that pass on the unmutated build)`);
    for (const e of b.exports)
      out.push(
        `  ${exportName(e.spec).padEnd(36)} ${String(e.passing).padStart(5)} of ${e.replayed}${e.replayed < e.exported ? ` (every ${e.spec.every}th of ${e.exported})` : ''}`,
      );
    const survivors = b.verdicts.filter((v) => v.status === 'survived');
    if (survivors.length) out.push(`  survivors (${survivors.length}):`);
    for (const v of survivors)
      out.push(`  - ${mutantKey(v.mutant)}`, `      ${v.gap ? `would be killed by: ${v.gap}` : 'NOT LISTED in kernel/surviving-mutants.json'}`);
    const stillborn = b.verdicts.filter((v) => v.status === 'stillborn');
    if (stillborn.length) out.push(`  stillborn (${stillborn.length}):`);
    for (const v of stillborn) out.push(`  - ${mutantKey(v.mutant)}: ${v.reason}`);
  }
  return out.join('\n');
}
