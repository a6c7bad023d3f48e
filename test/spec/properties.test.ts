/**
 * The properties of machines/system/properties.ts: documented, well-formed, and giving the verdicts
 * the spec pages state on the small scenarios (each checked over every reachable state).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemFor } from '../../src/designs/registry.ts';
import { ASYNC_TX_ONLY, ONE_DEVICE, TWO_DEVICES, withDesign } from '../../machines/small-scenarios.ts';
import { observe as observeMachine } from '../../machines/system/observe.ts';
import { snapshotView } from '../../machines/xstate.ts';
import { LIVENESS, PROPERTIES, SAFETY, UnknownPropertyError, propertyNamed } from '../../machines/system/properties.ts';
import { DESIGN_MODELS } from '../../src/designs/models.ts';
import { MissingSectionError, propertySections } from '../../src/render/property-sections.ts';
import { reachable } from '../machines/bfs.ts';

const page = readFileSync(new URL('../../spec/properties.md', import.meta.url), 'utf8');

describe('property list', () => {
  it('has the safety and liveness properties the brief names, each once', () => {
    const names = PROPERTIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(SAFETY.map((p) => p.name)).toEqual([
      'no-use-after-free',
      'client-count-matches-holders',
      'resources-iff-held',
      'no-ref-survives-quiesce',
      'no-false-zero',
      'ref-sum-nonnegative-when-quiescent',
      'table-names-listed-channels',
      'no-oops',
    ]);
    expect(LIVENESS.map((p) => p.name)).toEqual(['removal-completes', 'quiesce-terminates', 'waiting-client-answered']);
  });

  it('documents each property in its own section of spec/properties.md, written from its record', () => {
    const sections = [...page.matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
    // Each property, then deadlock freedom, which the checker checks for every design.
    expect(sections).toEqual([...PROPERTIES.map((p) => p.name), 'deadlock-free']);
    for (const p of PROPERTIES) {
      expect(p.description.length).toBeGreaterThan(40);
      // The section's text is the record's (npm run docs writes it; docs:check fails on a stale page).
      expect((p.section ?? []).join(' ').length, p.name).toBeGreaterThan(40);
      expect(page).toContain(`## ${p.name}\n\n*${p.kind === 'safety' ? 'Safety' : 'Liveness'}.* `);
    }
    expect(page).toMatch(/<!-- dmaspec:properties -->\n## no-use-after-free/);
    const { section: _, ...bare } = PROPERTIES[0];
    expect(() => propertySections([bare])).toThrow(MissingSectionError);
  });

  it('looks properties up by name, with a typed error for unknown names', () => {
    expect(propertyNamed('quiesce-terminates').kind).toBe('liveness');
    expect(() => propertyNamed('no-such')).toThrow(UnknownPropertyError);
  });

  it('designs claim only known properties', () => {
    const names = new Set(PROPERTIES.map((p) => p.name));
    for (const d of Object.values(DESIGN_MODELS)) for (const c of d.claims) expect(names.has(c), `${d.name}: ${c}`).toBe(true);
  });
});

describe('safety verdicts over every reachable state of small scenarios', () => {
  const verdicts = (s: typeof ASYNC_TX_ONLY) => {
    const m = systemFor(s);
    const views = reachable(m).map((r) => snapshotView(r.snapshot));
    return Object.fromEntries(SAFETY.map((p) => [p.name, views.every((v) => p.holds(v, m))]));
  };
  const sound = {
    'no-false-zero': true, // one CPU, or no second client to carry a count across the reads
    'client-count-matches-holders': true,
    'resources-iff-held': true,
    'ref-sum-nonnegative-when-quiescent': true,
    'table-names-listed-channels': true,
    'no-oops': true, // no design here takes a walked channel off device->channels
  };

  it('rfc-wait, async_tx alone: the re-get after key-off breaks the quiesce promise; nothing is freed while its reference is on the channels', () => {
    // rfc-base-kept: the dmaengine_get reference stays on the public channels, so the wait
    // never frees while async_tx is loaded.
    expect(verdicts(withDesign(ASYNC_TX_ONLY, 'rfc-wait'))).toEqual({ ...sound, 'no-use-after-free': true, 'no-ref-survives-quiesce': false });
  });
  it('rfc-wait-unheld, async_tx alone: the same re-get, and then the free, make it a use after free', () => {
    expect(verdicts(withDesign(ASYNC_TX_ONLY, 'rfc-wait-unheld'))).toEqual({ ...sound, 'no-use-after-free': false, 'no-ref-survives-quiesce': false });
  });
  it('baseline, async_tx alone: nothing to break but use after free', () => {
    expect(verdicts(withDesign(ASYNC_TX_ONLY, 'baseline'))).toEqual({ ...sound, 'no-use-after-free': false, 'no-ref-survives-quiesce': true });
  });
  it('rfc-wait-unheld, one CPU, no migration, well-behaved clients: no false zero, yet a finder preempted after its table read outlives the quiesce', () => {
    // Before the hot path was split (kernel review D1) every safety property held here.
    expect(verdicts(withDesign(ONE_DEVICE, 'rfc-wait-unheld'))).toEqual({ ...sound, 'no-use-after-free': false, 'no-ref-survives-quiesce': false });
  });
  it('the same with the releases-early misuse: the client also frees its own channel mid-round', () => {
    const sloppy = { ...ONE_DEVICE, clients: ONE_DEVICE.clients.map((c) => ({ ...c, releasesEarly: true })) };
    expect(verdicts(withDesign(sloppy, 'rfc-wait'))).toEqual({ ...sound, 'no-use-after-free': false, 'no-ref-survives-quiesce': false });
  });
});

describe('the observed form of each safety property agrees with its machine form', () => {
  // Every reachable state of small scenarios, the machine form against the observed form
  // of the same state (machines/system/observe.ts maps it onto spec/observable.ts).
  const scenarios = [
    withDesign(ASYNC_TX_ONLY, 'baseline'),
    withDesign(ASYNC_TX_ONLY, 'rfc-wait-unheld'),
    withDesign(ONE_DEVICE, 'baseline'),
    withDesign(TWO_DEVICES, 'notifier'),
    withDesign(TWO_DEVICES, 'fail-fast'),
    withDesign({ ...ONE_DEVICE, clients: ONE_DEVICE.clients.map((c) => ({ ...c, releasesEarly: true })) }, 'rfc-wait'),
    // 5.10.7's channel unregister list_del's a channel a NET_RX walk stopped at: no-oops fires.
    withDesign(ONE_DEVICE, 'kref-5-10'),
  ];
  const observedForms = SAFETY.filter((p) => p.observed);

  it('names which properties the observable can judge', () => {
    expect(observedForms.map((p) => [p.name, p.observed!.exact])).toEqual([
      ['no-use-after-free', true],
      ['client-count-matches-holders', true],
      ['resources-iff-held', true],
      ['ref-sum-nonnegative-when-quiescent', false],
      ['table-names-listed-channels', true],
      ['no-oops', true],
    ]);
  });

  it.each(scenarios.map((s) => [`${s.name} under ${s.design}`, s] as const))('%s', (_name, s) => {
    const m = systemFor(s);
    const broken = new Map<string, number>();
    for (const r of reachable(m)) {
      const v = snapshotView(r.snapshot);
      const o = observeMachine(v, m);
      for (const p of observedForms) {
        const holds = p.holds(v, m);
        const why = p.observed!.violation(o, s);
        // A weaker form never flags what the machine accepts; an exact one flags exactly that.
        if (holds) expect(why, `${p.name} flags a state its machine form accepts`).toBeNull();
        else if (p.observed!.exact) expect(why, `${p.name} misses a state its machine form rejects`).not.toBeNull();
        if (why) broken.set(p.name, (broken.get(p.name) ?? 0) + 1);
      }
    }
    // The comparison saw an observed form fire (use after free, reachable in these but the notifier's).
    if (s.design !== 'notifier' && s.design !== 'kref-5-10') expect(broken.get('no-use-after-free') ?? 0).toBeGreaterThan(0);
    if (s.design === 'kref-5-10') expect(broken.get('no-oops') ?? 0).toBeGreaterThan(0);
  });
});
