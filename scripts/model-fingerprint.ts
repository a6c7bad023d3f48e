/**
 * A fingerprint of every built-in system machine, to prove a refactor of the machine
 * builders behaviour-preserving: for each built-in design × named scenario (with and
 * without CPU hotplug and alloc failures), a hash of the statechart config as built (its
 * JSON, key order included: document order is transition priority), the names of its
 * guards and actions in merge order, and the standalone client machines
 * (machines/concerns/clients.ts). Two trees give the same lines exactly when they build
 * the same machines (rule bodies are compared by the checker's counts and verdicts, not here).
 *
 * `tsx scripts/model-fingerprint.ts [--rule-source]` prints one line per machine;
 * `--rule-source` adds a hash of each rule's source text (moved code keeps its text).
 * @module
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { buildClient } from '../machines/concerns/clients.ts';
import { buildSystem } from '../machines/system/index.ts';
import { namedScenario, NAMED_SCENARIOS } from '../src/check/scenarios.ts';
import { DESIGN_MODELS } from '../src/designs/models.ts';
import { CLIENT_KINDS } from '../src/scenario.ts';

const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** A model's config, rule names and (optionally) rule sources, hashed. */
function fingerprint(m: { config: unknown; rules: { guards: object; actions: object } }, ruleSource: boolean): string {
  const names = `${Object.keys(m.rules.guards).join(',')}|${Object.keys(m.rules.actions).join(',')}`;
  const src = ruleSource ? ` src=${hash([...Object.values(m.rules.guards), ...Object.values(m.rules.actions)].map(String).join('\n'))}` : '';
  return `config=${hash(JSON.stringify(m.config))} rules=${hash(names)}${src}`;
}

/** One line per built machine: `<design> <scenario> <variant> <fingerprint>`. */
export function fingerprints(ruleSource = false): string[] {
  const lines: string[] = [];
  for (const [name, D] of Object.entries(DESIGN_MODELS))
    for (const s of NAMED_SCENARIOS) {
      const base = namedScenario(s);
      if (!base) throw new Error(`no scenario ${s}`);
      for (const [variant, scenario] of [
        ['plain', base],
        ['hotplug+allocFailures', { ...base, cpuHotplug: true, allocFailures: true }],
      ] as const)
        lines.push(`${name} ${s} ${variant} ${fingerprint(buildSystem(scenario, D), ruleSource)}`);
      for (const kind of CLIENT_KINDS) lines.push(`${name} ${s} client:${kind} ${fingerprint(buildClient(kind, base, D), ruleSource)}`);
    }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(fingerprints(process.argv.includes('--rule-source')).join('\n'));
