/**
 * The header consumer (test/mbt/header-consumer.ts) is generic: a guard changed in a
 * test-only copy of a machine changes the exported guard, and the consumer, which knows no
 * machine, still reproduces every enabled list; it fails on a file whose enabled list or
 * guard was tampered with. (Every catalogue machine's export is consumed in
 * test/conformance/export.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { SystemContext } from '../../machines/system/context.ts';
import { makeModel, type ConfiguredModel } from '../../machines/make.ts';
import { TARGETS } from '../../src/mbt/adapters/index.ts';
import { exportLines, type HeaderLine, type PathLine } from '../../src/mbt/export.ts';
import { consumeFromHeader, HeaderConsumerError } from './header-consumer.ts';

const OPTIONS = { paths: 'both', limit: 10_000, includeInternals: false } as const;

/** The channel machine's export, with its guard `userLeft` replaced when `userLeft` is given. */
function channelExport(userLeft?: (c: SystemContext) => boolean): string[] {
  const target = TARGETS.channel;
  const built = target.build(target.entry.smallScenario);
  const m = built.model as ConfiguredModel<SystemContext>;
  const model = userLeft
    ? makeModel<SystemContext>({
        name: m.name,
        scenario: m.scenario,
        config: m.config,
        rules: { ...m.rules, guards: { ...m.rules.guards, userLeft } },
        threads: m.threads,
        payloads: { dmaRequestChannel: [{ allocOk: true }, { allocOk: false }] },
        isFinal: m.isFinal,
      })
    : m;
  return [...exportLines(target, { ...built, model }, OPTIONS)].map((l) => l.trimEnd());
}

const guardOf = (lines: string[], type: string) => {
  const h = JSON.parse(lines[0]) as HeaderLine;
  const e = h.events.find((x) => x.event.type === type)!;
  // The tree spelled out from its root, so two headers compare by meaning, not node numbering.
  const spell = (n: number): unknown => {
    const node = h.guards.nodes[n];
    return 'value' in node ? node.value : { input: h.guards.inputs[node.input].name, cases: node.cases.map((c) => [c.values, spell(c.next)]) };
  };
  return spell(e.guard);
};

describe('the header consumer', () => {
  const original = channelExport();
  // A test-only copy: dmaengine_get offered while fewer than 1 user holds, instead of the scenario's bound.
  const changed = channelExport((c) => c.refCount < 1);

  it('follows a changed guard: the exported tree changes, and the consumer agrees with both files', () => {
    expect(guardOf(changed, 'env.dmaengineGet')).not.toEqual(guardOf(original, 'env.dmaengineGet'));
    const n = (lines: string[]) => lines.filter((l) => l.startsWith('{"kind":"path"')).length;
    expect(consumeFromHeader(original).paths).toBe(n(original));
    expect(consumeFromHeader(changed).paths).toBe(n(changed));
    // The change shows in the enabled lists the consumer reproduced: with the new guard no state lists two users.
    expect(changed.some((l) => l.includes('"refCount":2'))).toBe(false);
    expect(original.some((l) => l.includes('"refCount":2'))).toBe(true);
  });

  it("fails on an enabled list the header's guards do not give", () => {
    const lines = [...original];
    const at = lines.findIndex((l) => l.startsWith('{"kind":"path"'));
    const path = JSON.parse(lines[at]) as PathLine;
    (path.steps[0].enabled as string[]).pop();
    lines[at] = JSON.stringify(path);
    expect(() => consumeFromHeader(lines)).toThrow(HeaderConsumerError);
  });

  it('fails when a guard in the header is changed and the file is not', () => {
    const h = JSON.parse(original[0]) as HeaderLine;
    const nodes = h.guards.nodes;
    const e = h.events.find((x) => x.event.type === 'env.dmaengineGet')!;
    const always = nodes.findIndex((n) => 'value' in n && n.value === true);
    const tampered = { ...h, events: h.events.map((x) => (x === e ? { ...x, guard: always } : x)) };
    expect(() => consumeFromHeader([JSON.stringify(tampered), ...original.slice(1)])).toThrow(/the guards enable/);
  });
});
