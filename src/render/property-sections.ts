/**
 * The per-property sections of spec/properties.md (block `dmaspec:properties`), written from
 * the records of machines/system/properties.ts: a property's name, kind and the `section`
 * its record gives, so that a new property is one `defineProperty` and one list entry.
 * @module
 */
import { PROPERTIES } from '../../machines/system/properties.ts';

/** A built-in property whose record has no section text. */
export class MissingSectionError extends Error {
  override readonly name = 'MissingSectionError';
  constructor(readonly property: string) {
    super(`property ${property} has no section: give its defineProperty record (machines/system/properties.ts) a section, its spec/properties.md text`);
  }
}

/** The sections, one `## <name>` each, in the order of {@link PROPERTIES}. @throws MissingSectionError */
export function propertySections(properties: readonly { name: string; kind: 'safety' | 'liveness'; section?: readonly string[] }[] = PROPERTIES): string {
  return properties
    .map((p) => {
      const [first, ...rest] = p.section ?? [];
      if (!first) throw new MissingSectionError(p.name);
      return [`## ${p.name}`, '', `*${p.kind === 'safety' ? 'Safety' : 'Liveness'}.* ${first}`, ...rest].join('\n');
    })
    .join('\n\n');
}
