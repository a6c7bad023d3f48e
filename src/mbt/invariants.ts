/**
 * The safety properties of spec/properties.ts that can be judged from the observable state
 * alone (spec/observable.ts), so that runs of the implementation — with no machine beside
 * it — are checked after every step. Each carries the property's name; the machine-side
 * definitions in spec/properties.ts stay the reference.
 * @module
 */
import type { PropertyName } from '../../spec/properties.ts';
import type { Observable } from '../../spec/observable.ts';
import type { Scenario } from '../scenario.ts';

/** A safety property over the observable state; returns null when it holds, else why not. */
export interface ObservableInvariant {
  readonly name: PropertyName;
  violation(o: Observable, scenario: Scenario): string | null;
}

const deviceOf = (o: Observable, chan: string) => o.devices.find((d) => chan.startsWith(`${d.name}.`))!;

/** The observable forms of the safety properties. */
export const OBSERVABLE_INVARIANTS: readonly ObservableInvariant[] = [
  {
    name: 'no-use-after-free',
    violation: (o) => o.violations.find((v) => v.startsWith('use-after-free:')) ?? null,
  },
  {
    name: 'client-count-matches-holders',
    violation(o, scenario) {
      for (const c of o.channels) {
        const dev = deviceOf(o, c.id);
        if (!dev.listed || dev.freed) continue;
        const holders = o.threads.filter((t, i) => scenario.clients[i].kind === 'slave' && t.chan === c.id).length;
        const ok = dev.private ? c.clientCount === holders : holders === 0 && (c.clientCount === 0 || c.clientCount === o.dmaengineRefCount);
        if (!ok) return `${c.id}: client_count ${c.clientCount} with ${holders} slave holder(s), dmaengine_ref_count ${o.dmaengineRefCount}`;
      }
      return null;
    },
  },
  {
    name: 'resources-iff-held',
    violation(o) {
      const bad = o.channels.find((c) => !deviceOf(o, c.id).freed && c.resources !== c.clientCount > 0);
      return bad ? `${bad.id}: resources ${bad.resources} with client_count ${bad.clientCount}` : null;
    },
  },
  {
    name: 'table-names-listed-channels',
    violation(o) {
      for (const [cap, row] of Object.entries(o.table))
        for (const c of row) if (c !== null && !deviceOf(o, c).listed) return `channel_table[${cap}] names ${c} of an unlisted device`;
      return null;
    },
  },
  {
    name: 'ref-sum-nonnegative-when-quiescent',
    violation(o) {
      const sum = o.ref.reduce((a, b) => a + b, 0);
      return sum < 0 ? `per-CPU counts sum to ${sum}` : null;
    },
  },
];

/** The first invariant the observable breaks, as `<property>: <why>`, or null. */
export function brokenInvariant(o: Observable, scenario: Scenario): string | null {
  for (const inv of OBSERVABLE_INVARIANTS) {
    const why = inv.violation(o, scenario);
    if (why) return `${inv.name}: ${why}`;
  }
  return null;
}
