/**
 * Every early stop ends the same way: a partial report naming what finished, how many
 * states were explored, which verdicts are unknown and why; exit status 3; `--json` still
 * valid JSON with the same facts. Signals need the real program (its worker thread keeps
 * the main thread free to take them), so those runs are spawned.
 */
import { DESIGN_NAMES } from '../../src/scenario.ts';
import { memoryUsage } from 'node:process';
import { describe, expect, it } from 'vitest';
import { BIG_SCENARIO, runInProcess, spawnCli, spawnWith, STACK_LINE } from './harness.ts';

/** The facts every partial text report gives. */
function expectPartialText(out: string, reason: RegExp) {
  expect(out).toMatch(new RegExp(`^stopped early \\(exit status 3\\): ${reason.source}`, 'm'));
  expect(out).toMatch(/^ {2}finished \(\d+\): /m);
  expect(out).toMatch(/^ {2}stopped: big × \S+: the (safety BFS|liveness search) stopped after \d+ states: .*; unknown: /m);
  expect(out).toMatch(/│ states\s+│ \d+ \(limit\)/);
}

/** The same facts in the JSON document. */
function expectPartialJson(out: string, reason: string) {
  const doc = JSON.parse(out);
  expect(doc.complete).toBe(false);
  expect(doc.exitStatus).toBe(3);
  expect(doc.partial.stop.reason).toBe(reason);
  expect(doc.partial.stopped.length).toBe(1);
  const stopped = doc.designs.find((d: { complete: boolean }) => !d.complete);
  expect(stopped.searches[0]).toMatchObject({ search: 'safety', complete: false, stoppedBy: { reason } });
  expect(stopped.states).toBeGreaterThan(0);
  const unknown = stopped.results.filter((p: { verdict: string }) => p.verdict === 'unknown');
  expect(unknown.length).toBeGreaterThan(0);
  for (const p of unknown) expect(p.unknownBecause).toMatch(/^the (safety BFS|liveness search) stopped after \d+ states: /);
  return doc;
}

/** Runs the check with `sig` sent once it has done a few seconds of CPU work: inside the search, whatever the load. */
const signalDuringSearch = (argv: string[], sig: NodeJS.Signals) =>
  spawnWith(argv, {
    node: ['--import', new URL('./fixtures/signal-after-work.mjs', import.meta.url).pathname],
    env: { DMASPEC_TEST_SIGNAL: sig, DMASPEC_TEST_AFTER_CPU_MS: '4000' },
  });

describe('stopping a check early', () => {
  it.concurrent('SIGINT during a long check: the partial report, exit 3, no stack trace', async () => {
    const r = await signalDuringSearch(['check', '--scenario', BIG_SCENARIO, '--design', 'notifier'], 'SIGINT');
    expect(r.status, r.err).toBe(3);
    expectPartialText(r.out, /interrupted by SIGINT/);
    expect(r.err).toMatch(/^dmaspec: SIGINT: stopping the search for a partial report/);
    expect(r.err).not.toMatch(STACK_LINE);
  });

  it.concurrent('SIGTERM with --json: valid JSON carrying the same facts, exit 3', async () => {
    // notifier: no claim of it breaks within the first seconds, so the stop decides the status.
    const r = await signalDuringSearch(['check', '--scenario', BIG_SCENARIO, '--design', 'notifier', '--json'], 'SIGTERM');
    expect(r.status, r.err).toBe(3);
    const doc = expectPartialJson(r.out, 'interrupt');
    expect(doc.partial.stop.message).toBe('interrupted by SIGTERM');
  });

  it.concurrent('--max-seconds 1 on a large scenario: the designs after the stop are listed as not started', async () => {
    const r = await spawnCli(['check', '--scenario', BIG_SCENARIO, '--max-seconds', '1']);
    expect(r.status, r.err).toBe(3);
    expectPartialText(r.out, /the time limit of 1 s was reached \(--max-seconds N to raise it\)/);
    const rest = DESIGN_NAMES.slice(1).map((d) => `big × ${d}`);
    // The report names the first eight and counts the rest (src/cli/check.ts).
    const named = rest.length > 8 ? `${rest.slice(0, 8).join(', ')} and ${rest.length - 8} more` : rest.join(', ');
    expect(r.out).toContain(`  not started (${rest.length}): ${named}\n`);
  });

  it('a --max-memory below what the process already holds is refused up front, naming the resident size', async () => {
    for (const mb of ['1', '8', String(Math.floor(memoryUsage.rss() / 2 ** 20) - 1)]) {
      const r = await runInProcess(['check', '--scenario', BIG_SCENARIO, '--design', 'rfc-wait', '--max-memory', mb]);
      expect(r.status, r.err).toBe(2);
      expect(r.err).toMatch(
        new RegExp(`^dmaspec check: --max-memory ${mb} is below the resident size: dmaspec already holds \\d+ MB before any search; give more than \\d+\n$`),
      );
      expect(r.out).toBe('');
    }
  });

  it('a memory budget met by the store or a column while it grows stops there, with the states so far', async () => {
    // A budget 64 MB above what this process holds now: the big scenario's search passes it.
    const mb = Math.ceil(memoryUsage.rss() / 2 ** 20) + 64;
    // One worker: booting search workers would spend the 64 MB before the store grows.
    const r = await runInProcess(['check', '--scenario', BIG_SCENARIO, '--design', 'notifier', '--max-memory', String(mb), '--workers', '1', '--json']);
    expect(r.status, r.err).toBe(3);
    const doc = expectPartialJson(r.out, 'memory');
    expect(doc.partial.stop.message).toMatch(/needed \d+ MB more with \d+ MB resident/);
    expect(doc.designs[0].states).toBeGreaterThan(65_536);
  });

  it('--max-states 10000 on the default run prints the line explaining the limit, naming the search that hit it', async () => {
    const r = await runInProcess(['check', '--max-states', '10000']);
    // kref (as mainline shipped it) breaks no-use-after-free within 10000 states: exit 1
    // even though limits were hit.
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^a limit stopped a search: verdicts marked unknown are open \(exit status 3\)$/m);
    expect(r.out).toMatch(/the safety BFS stopped after \d+ states: the state limit of 10000 was reached/);
    const doc = JSON.parse((await runInProcess(['check', '--max-states', '10000', '--json'])).out);
    // 10000: the migrating run of kref-fixed finishes its safety BFS below it (8,823 states,
    // since mainline's channel loop is a step per channel) and its liveness search above it (10,348).
    // Runs whose safety BFS finished but whose liveness search (CPU symmetry only) hit the
    // limit: the report blames the liveness search with its own count, never the safety BFS.
    const runs = doc.behaviours.flatMap(
      (b: { behaviour: string; designs: { design: string; searches: { search: string; states: number; complete: boolean }[] }[] }) =>
        b.designs.map((d) => ({ label: `${b.behaviour} × ${d.design}`, searches: d.searches })),
    );
    const live = runs.filter((x: { searches: { complete: boolean }[] }) => x.searches[0].complete && x.searches[1] && !x.searches[1].complete);
    expect(live.length).toBeGreaterThan(0);
    for (const x of live)
      expect(r.out).toMatch(
        new RegExp(`^  stopped: ${x.label}: the liveness search stopped after ${x.searches[1].states} states: the state limit of 10000`, 'm'),
      );
  });
});
