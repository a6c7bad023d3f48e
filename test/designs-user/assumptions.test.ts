/**
 * Assumptions can exclude client misuse: a design that assumes no client releases early
 * exits 0 on `check --design FILE` with no scenario (every client behaviour is checked, and
 * the releases-early run is "assumption not met", its violation still shown), where the same
 * design without the assumption exits 1. Prose-only assumptions are reported as stated, not
 * checked, never silently met.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { assumptionResults } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { designModel } from '../../src/designs/models.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { runInProcess } from '../cli/harness.ts';

const FIXTURE = 'test/designs-user/fixtures/notifier-no-misuse.ts';
type Row = { behaviour: string; designs: { design: string; violated: string[]; brokenClaims: string[] }[] };

describe('an assumption that excludes the releasesEarly misuse', () => {
  it('a correct design assuming no misuse exits 0 with no --scenario; releases-early is shown, not a broken claim', async () => {
    const r = await runInProcess(['check', '--design', FIXTURE, '--json']);
    expect(r.err).toBe('');
    expect(r.status).toBe(EXIT.ok);
    const doc = JSON.parse(r.out);
    const early = (doc.behaviours as Row[]).find((b) => b.behaviour === 'releases-early')!.designs[0]!;
    expect(early.violated).toContain('no-use-after-free');
    expect(early.brokenClaims).toEqual([]);
    const text = await runInProcess(['check', '--design', FIXTURE]);
    expect(text.status).toBe(EXIT.ok);
    expect(text.out).toMatch(/│ releases-early +│ no-use-after-free +│\n│ +│ \(assumption not met\) +│/);
  });

  it('the same design without the assumption (the built-in notifier) exits 1: releases-early breaks its claim', async () => {
    const r = await runInProcess(['check', '--design', 'notifier', '--json']);
    expect(r.status).toBe(EXIT.violated);
    const early = (JSON.parse(r.out).behaviours as Row[]).find((b) => b.behaviour === 'releases-early')!.designs[0]!;
    expect(early.brokenClaims).toEqual(['no-use-after-free']);
  });

  it('kref states that a cached pointer is used only while held: the async_tx misuse does not meet it', () => {
    const kref = designModel('kref');
    const statuses = (s: ReturnType<typeof behaviourScenario>) => assumptionResults(kref, s).map((a) => a.status);
    expect(statuses(behaviourScenario('releases-early'))).toEqual(['stated, not checked', 'not met']);
    expect(statuses(behaviourScenario('caches-pointer'))).toEqual(['stated, not checked', 'met']);
  });
});

describe('prose-only assumptions', () => {
  it('are stated, not checked (not met silently); flagged ones are met or not', () => {
    expect(assumptionResults(designModel('notifier'), DEFAULT_SCENARIO).map((a) => a.status)).toEqual(['stated, not checked', 'stated, not checked']);
    const never = behaviourScenario('never-releases');
    expect(assumptionResults(designModel('fail-fast'), never).map((a) => a.status)).toEqual(['not met', 'stated, not checked']);
    expect(assumptionResults(designModel('fail-fast'), DEFAULT_SCENARIO).map((a) => a.status)).toEqual(['met', 'stated, not checked']);
  });

  it('the report lists them and the JSON gives every status', async () => {
    const r = await runInProcess(['check', '--design', 'notifier', '--scenario', 'cooperative']);
    expect(r.out).toMatch(
      /assumptions stated, not checked \(no client flag expresses them: judge them yourself\):\n {2}Every client answers the release request/,
    );
    const j = await runInProcess(['check', '--design', 'notifier', '--scenario', 'cooperative', '--json']);
    expect(JSON.parse(j.out).designs[0].assumptions).toEqual(designModel('notifier').assumptions.map((a) => ({ text: a.text, status: 'stated, not checked' })));
  });
});
