/**
 * `--property FILE`: a module of properties to check beside the built-in ones and the
 * design's own (not claimed by the design: they are the reader's questions). The module
 * loads as a design module does (src/designs/load.ts: any folder, TypeScript or JavaScript)
 * and exports {@link defineProperty} records: as its default export (one, or a list), or as
 * named exports (each one, or a list). They are validated against the design they are
 * checked with (src/designs/validate-properties.ts).
 * @module
 */
import { resolve } from 'node:path';
import type { DesignModel } from '../../machines/system/design.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import type { AnyProperty } from '../../machines/system/properties.ts';
import type { Scenario } from '../scenario.ts';
import type { Design } from './design.ts';
import { importModule } from './load.ts';
import { validateProperties } from './validate.ts';

/** Whether `v` looks like a property record (its kind says so; the validation checks the rest). */
const isPropertyLike = (v: unknown) =>
  v !== null && typeof v === 'object' && ((v as { kind?: unknown }).kind === 'safety' || (v as { kind?: unknown }).kind === 'liveness');

/** The properties a module exports: its default export, else every named export that is a property or a list of them. */
function exported(mod: Record<string, unknown>): unknown[] {
  const values = 'default' in mod ? [mod.default] : Object.values(mod);
  return values.flatMap((v) => (Array.isArray(v) ? v : isPropertyLike(v) ? [v] : []));
}

/** The properties of the modules `files`, validated against `design` on `scenario`. @throws DesignError */
export async function loadPropertyFiles(files: readonly string[], scenario: Scenario, design: DesignModel): Promise<AnyProperty[]> {
  const all: AnyProperty[] = [];
  for (const file of files) {
    const list = exported(await importModule(file));
    if (list.length === 0)
      throw new DesignError(
        `${design.name} (--property ${file})`,
        'module',
        'exports no property',
        "export defineProperty(…) records of 'dmaspec/design', as the default export (one or a list) or as named exports",
      );
    // Names must be new beside the design's own and the files before.
    all.push(...validateProperties(file, list, scenario, { ...design, properties: [...(design.properties ?? []), ...all] }));
  }
  return all;
}

/** `design` with the properties of `files` to check beside its own (not claimed). @throws DesignError */
export async function withPropertyFiles(design: Design, files: readonly string[], scenario: Scenario): Promise<Design> {
  if (files.length === 0) return design;
  const list = await loadPropertyFiles(files, scenario, design.model);
  return { ...design, extraProperties: { sources: files.map((f) => resolve(f)), list } };
}
