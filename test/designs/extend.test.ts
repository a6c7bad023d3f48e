/**
 * extendDesign (machines/system/extend-design.ts): a design made from a built-in one keeps
 * the base's parts it does not change, merges rules by name, and leaves the base as it was.
 * (Its typing: test/types/fixtures/misspelled.ts; a port built with it: the ack-timeout
 * fixture, checked by test/designs/timeouts.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { extendDesign, notifier } from '../../src/design.ts';
import { layoutOf } from '../../machines/system/layout.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { TWO_DEVICES } from '../../machines/small-scenarios.ts';

const L = layoutOf(TWO_DEVICES);

describe('extendDesign', () => {
  const ext = extendDesign(notifier, {
    name: 'notifier-plus',
    rules: (_L, base) => ({
      guards: { notified: (ctx, p: { t: number }) => !base.guards.notified(ctx, p), fresh: () => true },
      overrides: { guards: { slaveCanUse: () => false } },
    }),
  });

  it('merges rules by name: new ones added, one of the same name replaces the base’s own, overrides of shared rules merged', () => {
    const r = ext.rules(L);
    const b = notifier.rules(L);
    expect(Object.keys(r.guards).sort()).toEqual([...Object.keys(b.guards ?? {}), 'fresh'].sort());
    expect(r.guards.notified).not.toBe(b.guards?.notified);
    expect(Object.keys(r.actions)).toEqual(Object.keys(b.actions ?? {}));
    expect(Object.keys(r.overrides?.guards ?? {}).sort()).toEqual([...Object.keys(b.overrides?.guards ?? {}), 'slaveCanUse'].sort());
  });

  it('keeps the base’s program, claims and assumptions where it changes nothing, and leaves the base unchanged', () => {
    expect(ext.name).toBe('notifier-plus');
    expect(ext.ejecting).toBe(notifier.ejecting);
    expect(ext.clientSteps).toBe(notifier.clientSteps);
    expect(ext.claims).toBe(notifier.claims);
    expect(notifier.name).toBe('notifier');
    expect(Object.keys(notifier.rules(L).guards ?? {})).not.toContain('fresh');
  });

  it('an extension that changes nothing but the name builds the same machine as its base', () => {
    const same = extendDesign(notifier, { name: 'notifier-again', rules: () => ({}) });
    const a = buildSystem(TWO_DEVICES, notifier);
    const b = buildSystem(TWO_DEVICES, same);
    expect(b.allEvents.map((e) => e.type)).toEqual(a.allEvents.map((e) => e.type));
    expect(JSON.stringify(b.config.states)).toEqual(JSON.stringify(a.config.states));
  });
});
