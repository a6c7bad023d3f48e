/**
 * The kernel replay's report in words: per export, paths and steps replayed, passed and
 * failed; the first failures in full (the diverging step, the field with expected and
 * actual, the kernel lines involved); then every failure counted by class, each class
 * marked known (kernel/expected-divergences.json, with its reason) or new.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Built } from './build.ts';
import { expectedFor, keyText, type ExpectedDivergence } from './divergence.ts';
import type { ExportResult, Failure } from './run.ts';

/** The compiled file's line `origin` (`dmaengine.c:NNN`), read from the file that was compiled. */
function sourceLine(built: Built | undefined, at: string): string {
  if (!built) return '';
  const m = /^dmaengine\.c:(\d+)$/.exec(at);
  const lines = readFileSync(built.kernelFile, 'utf8').split('\n');
  // A patched build's origins name the tree's line; the compiled copy is searched by origin.
  const index = built.origins ? built.origins.indexOf(at) : m ? Number(m[1]) - 1 : -1;
  return index >= 0 ? (lines[index]?.trim() ?? '') : '';
}

const json = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** The kernel lines of a failure: where it stopped or blocked, each fault, the points of the step. */
export function kernelLines(f: Failure, built?: Built): string[] {
  const out: string[] = [];
  if (f.at) {
    const text = sourceLine(built, f.at);
    out.push(`at ${f.at}${text ? `: ${text}` : ''}`);
  }
  for (const fault of f.faults ?? []) {
    const at = fault.where?.split(' at ')[1];
    const text = at ? sourceLine(built, at) : '';
    out.push(`${fault.thread} touched freed ${fault.object} in ${fault.where ?? fault.pc}${text ? `: ${text}` : ''}`);
  }
  // The kernel functions and lines the step passed, in order (the harness's own left out).
  const points = (f.trace ?? [])
    .map((t) => /^(.*) before:\S+@(\S+)$/.exec(t))
    .filter((m): m is RegExpExecArray => m !== null && !/^(world|shim|rt)\.c:/.test(m[1]))
    .map((m) => `${m[1]} ${m[2]}`);
  const path = points.filter((p, i) => p !== points[i - 1]);
  if (path.length) out.push(`the step ran: ${path.join(' → ')}`);
  if (f.warnings) out.push(`warnings: ${f.warnings}`);
  return out;
}

/** One failure in a few lines. */
export function describeFailure(f: Failure, built?: Built): string {
  const event = f.event
    ? Object.entries(f.event)
        .map(([k, v]) => (k === 'type' ? v : `${k}=${String(v)}`))
        .join(' ')
    : 'the initial state';
  const what = f.kind === 'observable' ? `${f.field}: expected ${json(f.expected)}, kernel ${json(f.actual)}` : `${f.kind}: ${f.message ?? ''}`;
  return [`path ${f.path}, step ${f.step} (${event}): ${what}`, ...kernelLines(f, built).map((l) => `    ${l}`)].join('\n');
}

/** The report of one export. */
export function exportReport(r: ExportResult, expected: readonly ExpectedDivergence[], options: { built?: Built; first: number }): string {
  const s = r.spec;
  const sampled = r.paths < r.exported ? ` (every ${s.every}th of ${r.exported})` : '';
  const lines = [
    `${r.build}  ${s.machine}  ${s.scenarioName}  ${s.design}: ${r.paths} paths${sampled}, ${r.steps} steps: ${r.passed} passed, ${r.failures.length} failed`,
  ];
  if (r.oopses) lines.push(`  ${r.oopses} of the passed paths end at the oops the model predicts (the kernel oopses there too; later steps not replayed)`);
  if (r.uncompared.length) lines.push(`  not compared (the kernel has no such variable the harness can show): ${r.uncompared.join(', ')}`);
  if (!r.failures.length) return lines.join('\n');
  const classes = new Map<string, Failure[]>();
  for (const f of r.failures) classes.set(keyText(f.key), [...(classes.get(keyText(f.key)) ?? []), f]);
  lines.push('  first divergences:');
  for (const f of r.failures.slice(0, options.first)) lines.push(`  - ${describeFailure(f, options.built).replace(/\n/g, '\n  ')}`);
  lines.push('  by class (first diverging step, kind, what):');
  for (const [, fs] of [...classes].sort((a, b) => b[1].length - a[1].length)) {
    const k = fs[0].key;
    const known = expectedFor(k, expected);
    lines.push(`    ${String(fs.length).padStart(5)}  ${k.step} ${k.kind} ${k.what}`);
    lines.push(`           ${known ? `known: ${known.reason}` : 'NEW: not in kernel/expected-divergences.json'}`);
  }
  return lines.join('\n');
}
