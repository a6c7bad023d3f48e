/**
 * Reachability witnesses: a property holds non-vacuously only when its trigger
 * (machines/system/properties.ts) is reached in the explored space; otherwise the report says
 * `holds (vacuous)`, the JSON `"vacuous": true`, and a claim gets a warning line.
 */
import { describe, expect, it } from 'vitest';
import type { PropertyResult } from '../../src/check/engine/check.ts';
import { checkDesign } from '../../src/check/run.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { weighWitness } from '../../src/check/witness.ts';
import { designModel } from '../../src/designs/models.ts';
import { EXIT } from '../../src/cli/exit-status.ts';
import { runInProcess } from './harness.ts';

const cooperative = behaviourScenario('cooperative');
const verdict = (r: ReturnType<typeof checkDesign>, name: string) => r.results.find((p) => p.name === name)!;

describe('witnesses', () => {
  it('percpu-ref claims quiesce-terminates yet never quiesces: holds (vacuous), with a warning; rfc-wait quiesces: holds', async () => {
    const r = await runInProcess(['check', '--design', 'percpu-ref', '--scenario', 'cooperative']);
    expect(r.out).toMatch(/│ quiesce-terminates +│ holds \(vacuous\) \* +│/);
    expect(r.out).toMatch(
      /^warning: percpu-ref claims quiesce-terminates, which holds only vacuously in scenario cooperative: its trigger is never reached: an IOH runs dma_channel_quiesce/m,
    );
    const j = JSON.parse((await runInProcess(['check', '--design', 'percpu-ref', '--scenario', 'cooperative', '--json'])).out);
    expect(j.designs[0].results.find((p: { name: string }) => p.name === 'quiesce-terminates')).toMatchObject({
      verdict: 'holds',
      claimed: true,
      vacuous: true,
    });
    expect(j.warnings).toHaveLength(1);
    const rfc = await runInProcess(['check', '--design', 'rfc-wait-unheld', '--scenario', 'cooperative']);
    expect(rfc.out).toMatch(/│ quiesce-terminates +│ holds \* +│/);
    expect(rfc.out).not.toMatch(/^warning: rfc-wait-unheld claims quiesce-terminates/m);
  });

  it('a reached trigger has the shortest trace to it: no-false-zero under the RFC ends on the read that ends the quiesce loop', () => {
    const r = checkDesign(cooperative, designModel('rfc-wait-unheld'));
    const nfz = verdict(r, 'no-false-zero');
    expect(nfz).toMatchObject({ verdict: 'holds', vacuous: false });
    expect(nfz.witness!.steps.at(-1)!.event.type).toBe('ioh0.read');
    // The witness is the first "violation" of "the trigger never holds": it ends in the trigger state.
    expect(nfz.witness!.end).toBe('violation');
    // Baseline has no quiesce: the same property holds only vacuously there, and has no witness.
    const base = verdict(checkDesign(cooperative, designModel('baseline')), 'no-false-zero');
    expect(base).toMatchObject({ verdict: 'holds', vacuous: true });
    expect(base.witness).toBeUndefined();
  });

  it('a limit leaves vacuity unknown; a violation is never called vacuous', () => {
    const r = checkDesign(cooperative, designModel('rfc-wait-unheld'), { maxStates: 20 });
    for (const p of r.results) expect(p.vacuous === true && p.verdict !== 'holds', p.name).toBe(false);
    expect(verdict(r, 'quiesce-terminates').vacuous).toBeUndefined();
    const held: PropertyResult = { name: 'x', kind: 'liveness', verdict: 'n/a' };
    expect(weighWitness(held, { reached: false })).toMatchObject({ verdict: 'holds', vacuous: true });
    expect(weighWitness({ ...held, verdict: 'violated' }, { reached: false })).not.toHaveProperty('vacuous');
    expect(weighWitness({ ...held, verdict: 'holds' }, { reached: undefined })).not.toHaveProperty('vacuous');
  });

  it('the behaviour runs list their vacuous properties in the JSON', async () => {
    const j = JSON.parse((await runInProcess(['check', '--design', 'baseline', '--json'])).out);
    const rows = j.behaviours as { behaviour: string; designs: { vacuous: string[] }[] }[];
    expect(rows.map((b) => b.behaviour)).toContain('never-releases');
    // Baseline has no quiesce and no per-CPU counts, under every client behaviour.
    for (const b of rows)
      expect(b.designs[0]!.vacuous, b.behaviour).toEqual(expect.arrayContaining(['no-false-zero', 'quiesce-terminates', 'ref-sum-nonnegative-when-quiescent']));
  });

  it('vacuity does not change the exit status: a vacuous claim is reported, not a failure', async () => {
    const r = await runInProcess(['check', '--design', 'percpu-ref', '--scenario', 'cooperative']);
    expect(r.status).toBe(EXIT.ok);
  });
});
