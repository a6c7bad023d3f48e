/**
 * The guards and actions every design shares (machines/system/index.ts `sharedRules`), as a
 * table for the design guide: each with the hot paths that have it and the steps of the
 * built-in designs that use it, in their own words. A design overrides one by name
 * (`rules().overrides`); the table is generated, so it lists exactly the names an override
 * may take today.
 * @module
 */
import { configTransitions } from '../../machines/make.ts';
import { HOT_PATH_KINDS as HOT_PATHS, type HotPathKind } from '../../machines/system/hotpaths/index.ts';
import { buildSystem, sharedRules } from '../../machines/system/index.ts';
import { layoutOf } from '../../machines/system/layout.ts';
import { rxThread } from '../../spec/vocabulary.ts';
import { DESIGN_MODELS } from '../designs/models.ts';
import { DEFAULT_SCENARIO } from '../scenario.ts';

/** The standard scenario with CPU hotplug, so that the CPU thread's steps are there too. */
const SCENARIO = { ...DEFAULT_SCENARIO, cpuHotplug: true, allocFailures: true };
/** And with the IOH hot-added, its register failing or not (`probe`, `probeFails`): not under the kref designs, which refuse hotAdd. */
const HOT_ADDED = { ...SCENARIO, hotAdd: true, registerFailures: true };

/** An event type with its thread named by role (`<net_dma>.find`), so one client stands for all of its kind. */
function roleOf(event: string, roles: ReadonlyMap<string, string>): string {
  const dot = event.indexOf('.');
  const thread = event.slice(0, dot);
  return `${roles.get(thread) ?? thread}${event.slice(dot)}`;
}

const name = (r: unknown): string => (typeof r === 'string' ? r : String((r as { type?: unknown }).type));
const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The markdown table of the shared rules (for the block `dmaspec:shared-rules`). */
export function sharedRulesTable(): string {
  const L = layoutOf(SCENARIO);
  const roles = new Map<string, string>();
  for (const c of L.clients) {
    roles.set(c.name, `<${c.kind}>`);
    roles.set(rxThread(c.name), `<${c.kind}>-rx`);
  }
  for (const h of L.iohs) roles.set(h.name, '<ioh>');
  // name → kind, hot paths, and uses (role event → first description).
  const rules = new Map<string, { kind: 'guard' | 'action'; hot: Set<HotPathKind>; uses: Map<string, string> }>();
  for (const hp of HOT_PATHS) {
    const shared = sharedRules(L, hp);
    for (const [kind, names] of [
      ['guard', Object.keys(shared.guards)],
      ['action', Object.keys(shared.actions)],
    ] as const)
      for (const n of names) {
        const r = rules.get(n) ?? { kind, hot: new Set<HotPathKind>(), uses: new Map<string, string>() };
        r.hot.add(hp);
        rules.set(n, r);
      }
  }
  for (const design of Object.values(DESIGN_MODELS)) {
    const m = buildSystem(design.deviceKref ? SCENARIO : HOT_ADDED, design);
    for (const { event, t } of configTransitions(m.config)) {
      const refs = [...(t.guard === undefined ? [] : [t.guard]), ...(t.actions === undefined ? [] : Array.isArray(t.actions) ? t.actions : [t.actions])];
      for (const ref of refs) {
        const r = rules.get(name(ref));
        const use = roleOf(event, roles);
        if (r && !r.uses.has(use)) r.uses.set(use, String(t.description ?? ''));
      }
    }
  }
  const rows = [...rules]
    .sort(([a, x], [b, y]) => x.kind.localeCompare(y.kind) || a.localeCompare(b))
    .map(([n, r]) => {
      const hot = r.hot.size === HOT_PATHS.length ? 'all' : [...r.hot].join(', ');
      const uses = [...r.uses].map(([e, d]) => `\`${e}\`: ${cell(d)}`).join('<br>') || '(no built-in step)';
      return `| \`${n}\` | ${r.kind} | ${hot} | ${uses} |`;
    });
  return ['| rule | kind | hot paths | steps that use it (built-in designs, standard scenario with CPU hotplug) |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
