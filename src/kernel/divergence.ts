/**
 * Divergences between the model and the kernel, as the harness reports them, and their
 * classes: a stable key (build, machine, design, the step by thread kind, the kind of
 * divergence and what diverged) that does not depend on path ids, so that a file of known
 * divergences (kernel/expected-divergences.json) can say which are expected and why.
 * @module
 */
import { hasWalker } from '../../spec/vocabulary.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenario.ts';
import { KERNEL_DIR } from './build.ts';

/** One path's result, as the harness binary writes it (kernel/harness/replay.c). */
export interface PathResult {
  readonly path: number;
  readonly steps: number;
  readonly ok: boolean;
  /** The step that diverged (-1: the initial state). */
  readonly step?: number;
  readonly event?: { readonly type: string } & Record<string, unknown>;
  /** observable | blocked | position | no-kernel-step | bug | oops | setup | crash */
  readonly kind?: string;
  readonly field?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly message?: string;
  /** The compiled file and line the thread blocked or stopped at (the harness's). */
  readonly file?: string;
  readonly line?: number;
  /** The same as the tree's line (`dmaengine.c:959`) or the patch's (`RFC v2 3/7 @@ -788,6 +877,9 @@ +3`): added by run.ts. */
  readonly at?: string;
  /** The points the step passed: `dmaengine.c:838 before:mutex_lock@dma_async_device_unregister`. */
  readonly trace?: readonly string[];
  /** Accesses to freed memory in the step, with the kernel line of each (`where`, added by run.ts). */
  readonly faults?: readonly { readonly thread: string; readonly object: string; readonly pc: string; where?: string }[];
  readonly warnings?: string;
  readonly uncompared?: readonly string[];
  readonly observed?: unknown;
  readonly pc?: string;
  /** A passed path that ended at step `step` in the oops the model predicts there (`violation`, `oops:<thread>:<chan>`): its later steps are not replayed. */
  readonly oops?: { readonly step: number; readonly violation: string };
}

/** What identifies a class of divergences. */
export interface DivergenceKey {
  readonly build: string;
  readonly machine: string;
  readonly design: string;
  /** `<thread kind>.<step>`: net_dma.test, net_dma-rx.issue, slave.request, ioh.free, cpu.postDead; `initial` before any step. */
  readonly step: string;
  readonly kind: string;
  /** The observable field with indices as `[]` (channels[].clientCount), or what blocked (synchronize_rcu), or the point (position). */
  readonly what: string;
}

/** A known divergence class, with why (kernel/expected-divergences.json). */
export interface ExpectedDivergence extends DivergenceKey {
  /** The kernel line(s) and the issue item it belongs to. */
  readonly reason: string;
}

/** The thread kind of a model thread name in `scenario`: net_dma, async_tx, slave, net_dma-rx, async_tx-rx, ioh, cpu, env. */
export function threadKind(scenario: Scenario, thread: string): string {
  const client = scenario.clients.find((c) => c.name === thread);
  if (client) return client.kind;
  const walker = scenario.clients.find((c) => hasWalker(c) && `${c.name}-rx` === thread); // its dma_issue_pending_all caller
  if (walker) return `${walker.kind}-rx`;
  if (scenario.iohs.some((h) => h.name === thread)) return 'ioh';
  return thread;
}

/** What diverged, in the words of the key: the field without indices, the blocking primitive, the point. */
function whatOf(r: PathResult): string {
  if (r.kind === 'observable') return (r.field ?? '').replace(/\[\d+\]/g, '[]');
  const m = r.message ?? '';
  if (r.kind === 'blocked' || r.kind === 'bug') return /^kernel (?:blocks|BUG) at [^:]+: ([a-zA-Z_]+)/.exec(m)?.[1] ?? m;
  if (r.kind === 'position') return /stopped at (\S+)/.exec(m)?.[1] ?? 'idle';
  if (r.kind === 'oops') return 'oops';
  return '';
}

/** The class of a failed path of an export. */
export function keyOf(r: PathResult, ctx: { build: string; machine: string; design: string; scenario: Scenario }): DivergenceKey {
  const type = r.event?.type;
  const step = type ? `${threadKind(ctx.scenario, type.slice(0, type.lastIndexOf('.')))}.${type.slice(type.lastIndexOf('.') + 1)}` : 'initial';
  return { build: ctx.build, machine: ctx.machine, design: ctx.design, step, kind: r.kind ?? 'unknown', what: whatOf(r) };
}

/** A key as one string (for maps and messages). */
export const keyText = (k: DivergenceKey) => `${k.build} ${k.machine} ${k.design} ${k.step} ${k.kind} ${k.what}`;

/** The known divergences file of the project. */
export const EXPECTED_FILE = join(KERNEL_DIR, 'expected-divergences.json');

/** Reads a known-divergences file: `{ "divergences": [ExpectedDivergence, ...] }`. */
export function readExpected(file = EXPECTED_FILE): ExpectedDivergence[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { divergences: ExpectedDivergence[] };
  return json.divergences;
}

/** The known entry of a class, if any. */
export function expectedFor(key: DivergenceKey, expected: readonly ExpectedDivergence[]): ExpectedDivergence | undefined {
  return expected.find((e) => keyText(e) === keyText(key));
}

/**
 * The found classes that no known entry lists (`unknown`), and the known entries of `builds`
 * that no longer occur (`gone`): a CI gate fails on either.
 */
export function compareWithExpected(
  found: readonly DivergenceKey[],
  expected: readonly ExpectedDivergence[],
  builds: ReadonlySet<string>,
): { unknown: string[]; gone: string[] } {
  const seen = new Set(found.map(keyText));
  const known = new Set(expected.map(keyText));
  return {
    unknown: [...seen].filter((k) => !known.has(k)).sort(),
    gone: expected.filter((e) => builds.has(e.build) && !seen.has(keyText(e))).map(keyText),
  };
}
