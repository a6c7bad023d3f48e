/**
 * Replaying one export on a built harness: the paths are generated in-process (the same
 * lines `dmaspec paths` writes) and streamed to the harness binary, which replays each path
 * in a child process of its own and writes one result line per path. Faults and the points
 * a diverging step passed are mapped to kernel lines (addr2line for a fault's address; the
 * patched copy's lines back to the tree's or the patch's).
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type BuiltTarget, targetNamed } from '../mbt/adapters/index.ts';
import { exportLines } from '../mbt/export.ts';
import type { Built } from './build.ts';
import { keyOf, type DivergenceKey, type PathResult } from './divergence.ts';
import type { ExportSpec } from './plan.ts';

/** The states a machine may have (the RFC's catalogue system machine under rfc-wait-unheld has ~30k). */
const LIMIT = 1_000_000;

/** A failed path with its class. */
export interface Failure extends PathResult {
  readonly key: DivergenceKey;
}

/** What one export's replay gave. */
export interface ExportResult {
  readonly build: string;
  readonly spec: ExportSpec;
  /** Paths in the export and paths replayed (every `spec.every`-th). */
  readonly exported: number;
  readonly paths: number;
  readonly steps: number;
  readonly passed: number;
  /** Passed paths that ended at the oops the model predicts (their later steps not replayed: the kernel is dead). */
  readonly oopses: number;
  readonly failures: readonly Failure[];
  /** Observable fields the harness cannot show (not compared). */
  readonly uncompared: readonly string[];
}

/** `dmaengine.c:NNN` of the compiled file, as the tree's or the patch's line. */
function origin(built: Built, file: string, line: number): string {
  const base = file.split('/').pop() ?? file;
  if (built.origins && base === 'dmaengine.c' && !file.includes('/include/')) return built.origins[line - 1] ?? `${base}:${line}`;
  return `${base}:${line}`;
}

/** Maps `file:line rest` entries of a trace through the build's origins. */
function mapTrace(built: Built, trace: readonly string[]): string[] {
  return trace.map((t) => {
    const m = /^([^:\s]+):(\d+) (.*)$/.exec(t);
    return m ? `${origin(built, m[1], Number(m[2]))} ${m[3]}` : t;
  });
}

/**
 * `function at file:line` of code addresses, with addr2line (binutils, beside gcc): of the
 * frames an address is inlined in, the innermost one in dmaengine.c (a fault inside a shim
 * helper or a header inline is reported at the statement of dmaengine.c that ran it).
 */
function resolvePcs(built: Built, pcs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pc of pcs) {
    const r = spawnSync('addr2line', ['-f', '-i', '-e', built.binary, pc], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const lines = r.stdout.trim().split('\n');
    const frames: { fn: string; file: string; line: number }[] = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const m = /^(.*):(\d+)/.exec(lines[i + 1]);
      if (m) frames.push({ fn: lines[i], file: m[1], line: Number(m[2]) });
    }
    const kernel = frames.find((f) => /dmaengine\.c$/.test(f.file)) ?? frames.find((f) => /include\/linux\//.test(f.file)) ?? frames[0];
    if (kernel) out.set(pc, `${kernel.fn} at ${origin(built, kernel.file, kernel.line)}`);
  }
  return out;
}

/** One harness process reading an export and writing its results. */
function harnessProcess(built: Built) {
  const child = spawn(built.binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {}); // a harness that exits early: reported when it closes
  const results: PathResult[] = [];
  let summary: { paths: number; steps: number } | undefined;
  const reading = (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      const r = JSON.parse(line) as PathResult & { kind?: string };
      if (r.kind === 'summary') summary = r as unknown as { paths: number; steps: number };
      else results.push(r);
    }
  })();
  return {
    write: async (text: string) => {
      if (!child.stdin.write(text)) await once(child.stdin, 'drain');
    },
    async finish() {
      child.stdin.end();
      const [code] = (await once(child, 'close')) as [number | null];
      await reading;
      if (code !== 0 || !summary) throw new Error(`the ${built.name} harness failed (exit ${code}): ${stderr.trim()}`);
      return { results, summary };
    },
  };
}

/**
 * Replays `spec` on each of `builts` (the export is generated once and streamed to all).
 * `model`: the machine to export instead of the catalogue's (a design object, a test's
 * deliberately broken rule). `copyTo`: a file that receives the lines sent, so that a later
 * run (the mutants' baseline, src/kernel/mutant-run.ts) reads them instead of exporting again.
 * Deterministic: the same paths, in the same order.
 * @throws Error when a harness cannot read the export or dies
 */
export async function replayExport(builts: readonly Built[], spec: ExportSpec, model?: BuiltTarget, copyTo?: string): Promise<ExportResult[]> {
  const procs = builts.map(harnessProcess);
  const lines = sampledLines(spec, model);
  const copy = copyTo === undefined ? undefined : openSync(copyTo, 'w');
  try {
    for (const line of lines) {
      if (copy !== undefined) writeSync(copy, line); // each line ends with its newline
      for (const p of procs) await p.write(line);
    }
  } finally {
    if (copy !== undefined) closeSync(copy);
  }
  const out: ExportResult[] = [];
  for (const [i, p] of procs.entries()) {
    const { results, summary } = await p.finish();
    out.push(collect(builts[i], spec, { ...spec.scenario, design: spec.design }, results, summary, lines.exported));
  }
  return out;
}

/**
 * The lines of `spec`'s export a harness replays: the header, then every `spec.every`-th
 * path (the trailer left out: each harness counts what it was sent). `exported` counts the
 * export's paths once the lines have been read.
 */
export function sampledLines(spec: ExportSpec, model?: BuiltTarget): Iterable<string> & { readonly exported: number } {
  const target = targetNamed(spec.machine);
  const scenario = { ...spec.scenario, design: spec.design };
  // The paths left out are not even serialised (exporting chan-rules whole costs 10x its sample).
  const keep = spec.every > 1 ? (id: number) => id % spec.every === 0 : undefined;
  const built = model ?? target.build(scenario);
  let exported = 0;
  return {
    get exported() {
      return exported;
    },
    *[Symbol.iterator]() {
      const lines = exportLines(target, built, { paths: 'both', limit: LIMIT, includeInternals: false, ...(keep ? { keep } : {}) });
      for (;;) {
        const next = lines.next();
        if (next.done) {
          exported = next.value.paths;
          return;
        }
        // The trailer is left out: each harness counts what it was sent.
        if (!next.value.startsWith('{"kind":"trailer"')) yield next.value;
      }
    },
  };
}

/** A harness's results as an ExportResult: failures classified, kernel lines resolved. */
function collect(
  built: Built,
  spec: ExportSpec,
  scenario: ExportSpec['scenario'],
  results: readonly PathResult[],
  summary: { paths: number; steps: number },
  exported: number,
): ExportResult {
  const failed = results.filter((r) => !r.ok);
  const pcs = [...new Set(failed.flatMap((r) => [...(r.faults ?? []).map((f) => f.pc), ...(r.pc ? [r.pc] : [])]))];
  const where = resolvePcs(built, pcs);
  const ctx = { build: built.name, machine: spec.machine, design: spec.design, scenario };
  const failures: Failure[] = failed.map((r) => {
    const mapped: PathResult = {
      ...r,
      ...(r.trace ? { trace: mapTrace(built, r.trace) } : {}),
      ...(r.file && r.line ? { at: origin(built, r.file, r.line) } : {}),
      ...(r.faults ? { faults: r.faults.map((f) => ({ ...f, where: where.get(f.pc) ?? f.pc })) } : {}),
      ...(r.pc ? { message: `${r.message ?? ''} (${where.get(r.pc) ?? r.pc})` } : {}),
    };
    return { ...mapped, key: keyOf(mapped, ctx) };
  });
  return {
    build: built.name,
    spec,
    exported,
    paths: summary.paths,
    steps: summary.steps,
    passed: results.length - failed.length,
    oopses: results.filter((r) => r.ok && r.oops).length,
    failures,
    uncompared: [...new Set(results.flatMap((r) => r.uncompared ?? []))].sort(),
  };
}
