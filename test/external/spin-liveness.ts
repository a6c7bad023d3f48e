/**
 * The SPIN liveness check, shared by the test/external/spin-liveness-*.test.ts files: for
 * every liveness property, SPIN's verdict on the exported never claim (`pan -a`, no `-f`)
 * equals dmaspec's liveness check of the same model, without symmetry so that every thread
 * keeps its identity, as in the export. vitest runs one file at a time on two cores, so a
 * file runs SPIN on as many models at once as there are cores.
 */
import { availableParallelism } from 'node:os';
import { beforeAll, expect, it } from 'vitest';
import type { DesignModel } from '../../machines/system/design.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { LIVENESS } from '../../machines/system/properties.ts';
import { checkModel, type Verdict } from '../../src/check/engine/check.ts';
import type { PropertySet } from '../../src/check/engine/properties.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runSpinLiveness } from '../../src/promela/spin.ts';
import type { Scenario } from '../../src/scenario.ts';

/** What both tools said of one model. */
export interface BothVerdicts {
  /** dmaspec's verdict per property (`n/a`: the trigger never holds, so the formula holds). */
  readonly dmaspec: Readonly<Record<string, Verdict>>;
  /** Whether dmaspec's search, and the one the export's ranges came from, were complete. */
  readonly complete: boolean;
  /** SPIN's verdict per property. */
  readonly spin: Readonly<Record<string, 'violated' | 'holds'>>;
}

const NAMES = LIVENESS.map((p) => p.name);

async function bothVerdicts(scenario: Scenario, design: DesignModel): Promise<BothVerdicts> {
  const props = { safety: [], liveness: LIVENESS } as unknown as PropertySet;
  const check = checkModel(buildSystem(scenario, design), props, { symmetry: false });
  const dmaspec = Object.fromEntries(check.results.filter((r) => r.kind === 'liveness').map((r) => [r.name, r.verdict]));
  const exported = exportPromela(scenario, design);
  const spin = await runSpinLiveness(exported.text, NAMES, { optimize: '-O0' });
  return { dmaspec, complete: check.complete && exported.complete, spin: Object.fromEntries(spin.map((r) => [r.property, r.violated ? 'violated' : 'holds'])) };
}

/** Runs `jobs` at most `width` at a time; each promise settles with its job. */
function pooled<T>(jobs: readonly (() => Promise<T>)[], width: number): Promise<T>[] {
  let free = width;
  const waiting: (() => void)[] = [];
  const slot = () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((go) => waiting.push(go)));
  const release = () => (waiting.length ? waiting.shift()!() : free++);
  return jobs.map(async (job) => {
    await slot();
    try {
      return await job();
    } finally {
      release();
    }
  });
}

/** Scenarios, each under designs (default: every built-in one). */
export type Cases = readonly { readonly scenario: Scenario; readonly designs?: readonly DesignModel[] }[];

/**
 * One test per scenario and design: SPIN's liveness verdicts equal dmaspec's. All models are
 * checked from the file's start, side by side; returns each model's verdicts for further tests.
 */
export function spinLivenessAgrees(cases: Cases): (scenario: Scenario, design: DesignModel) => Promise<BothVerdicts> {
  const all = cases.flatMap(({ scenario, designs }) => (designs ?? Object.values(DESIGNS).map((d) => d.model)).map((design) => ({ scenario, design })));
  const key = (s: Scenario, d: DesignModel) => `${s.name} under ${d.name}`;
  const results = new Map<string, Promise<BothVerdicts>>();
  beforeAll(() => {
    const jobs = all.map(
      ({ scenario, design }) =>
        () =>
          bothVerdicts(scenario, design),
    );
    const started = pooled(jobs, availableParallelism());
    all.forEach(({ scenario, design }, i) => {
      // Awaited by its test; a failure must not surface as an unhandled rejection before that.
      started[i].catch(() => {});
      results.set(key(scenario, design), started[i]);
    });
  });
  const verdicts = (s: Scenario, d: DesignModel) => {
    const p = results.get(key(s, d));
    if (!p) throw new Error(`${key(s, d)} is not among this file's cases`);
    return p;
  };
  for (const { scenario, design } of all)
    it(`${key(scenario, design)}: same liveness verdicts`, async () => {
      const { dmaspec, complete, spin } = await verdicts(scenario, design);
      expect(complete).toBe(true);
      expect(Object.keys(dmaspec).sort()).toEqual([...NAMES].sort());
      const plain = Object.fromEntries(Object.entries(dmaspec).map(([name, v]) => [name, v === 'violated' ? 'violated' : v === 'n/a' ? 'holds' : v]));
      expect(spin).toEqual(plain);
    });
  return verdicts;
}
