/**
 * Loads a user design module for `dmaspec check --design FILE`: `.ts`, `.mts`, `.js` or
 * `.mjs`, in any folder, also in a CommonJS project (no `"type": "module"`): the hooks of
 * src/cli/esm-scope-hooks.mjs load a design written with import/export as an ES module
 * there. The module exports one design model (its default export, or its one export that
 * is a design). Every mistake is a {@link DesignError} (exit status 2) naming the file or
 * the design, and a rule that throws while the design is checked names itself.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DesignModel, DesignRules } from '../../machines/system/design.ts';
import { DESIGN_MODELS } from '../designs/models.ts';
import { DesignError } from './design-error.ts';

/** The extensions a design module may have. */
export const DESIGN_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/** The built-in designs, as loaded: a user design joins DESIGN_MODELS for its run only. */
export const BUILT_IN: Readonly<Record<string, DesignModel>> = { ...DESIGN_MODELS };

const DESIGN_FIELDS: readonly [string, string][] = [
  ['name', 'string'],
  ['title', 'string'],
  ['summary', 'string'],
  ['hotPath', 'string'],
  ['ejecting', 'function'],
  ['rules', 'function'],
  ['claims', 'object'],
  ['assumptions', 'object'],
];

/** Why `v` is not a DesignModel, or null if it is one. */
function notADesign(v: unknown): string | null {
  if (v === null || typeof v !== 'object') return 'not an object';
  const o = v as Record<string, unknown>;
  for (const [k, t] of DESIGN_FIELDS) if (typeof o[k] !== t) return `field ${k} must be a ${t === 'object' ? 'list' : t}`;
  if (!['plain', 'rfc', 'tryget'].includes(o.hotPath as string)) return "field hotPath must be 'plain', 'rfc' or 'tryget'";
  if (!Array.isArray(o.claims) || !Array.isArray(o.assumptions)) return 'fields claims and assumptions must be lists';
  return null;
}

let hooked = false;
/** Registers the ES-module hooks once per thread (module hooks do not reach workers on Node 20). */
function hookOnce(): void {
  if (hooked) return;
  register(new URL('./esm-scope-hooks.mjs', import.meta.url));
  hooked = true;
}

/** `f()`, with an error it throws turned into a DesignError naming `design` and `rule`. */
function blame<T>(design: string, rule: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DesignError) throw err;
    const e = err instanceof Error ? err : new Error(String(err));
    throw new DesignError(design, `threw ${e.name}: ${e.message.split('\n')[0]}`, rule);
  }
}

/** Wraps every rule of `rules` so that a throw names the rule. */
function blameRules(design: string, rules: DesignRules): DesignRules {
  const wrap = <F extends (...a: any[]) => unknown>(kind: string, table: Readonly<Record<string, F>> | undefined) =>
    table && Object.fromEntries(Object.entries(table).map(([name, f]) => [name, ((...a: any[]) => blame(design, `${kind} ${name}`, () => f(...a))) as F]));
  return { ...rules, guards: wrap('guard', rules.guards), actions: wrap('action', rules.actions) };
}

/** `d` with its builders and rules wrapped so that whatever throws is a DesignError naming `d` and the rule. */
export function blameDesign(d: DesignModel): DesignModel {
  return {
    ...d,
    ejecting: (b) => blame(d.name, 'ejecting', () => d.ejecting(b)),
    ...(d.clientSteps ? { clientSteps: (c) => blame(d.name, 'clientSteps', () => d.clientSteps!(c)) } : {}),
    rules: (L) =>
      blameRules(
        d.name,
        blame(d.name, 'rules', () => d.rules(L)),
      ),
  };
}

/** Loads the design module `file`. @throws DesignError */
export async function loadDesign(file: string): Promise<DesignModel> {
  const path = resolve(file);
  if (!DESIGN_EXTENSIONS.some((x) => path.endsWith(x)))
    throw new DesignError(file, `a design module is a ${DESIGN_EXTENSIONS.join(', ')} file (a .cjs or .cts CommonJS module cannot export one)`);
  if (!existsSync(path)) throw new DesignError(file, `no such file: ${path}`);
  hookOnce();
  let mod: Record<string, unknown>;
  try {
    mod = await import(`${pathToFileURL(path).href}?dmaspec-esm`);
  } catch (err) {
    const why = (err as Error).message?.split('\n')[0] ?? String(err);
    // As esm-scope-hooks.mjs tells ES syntax: a module without it was loaded as CommonJS.
    const commonJs = !/^\s*(import\s*[\w{*'"]|export\s)/m.test(readFileSync(path, 'utf8'));
    const hint = commonJs ? ' (it has no import/export: a design module is an ES module; CommonJS require/module.exports designs are not supported)' : '';
    throw new DesignError(file, `cannot load the module: ${why}${hint}`);
  }
  const candidates = 'default' in mod ? [['default', mod.default] as const] : Object.entries(mod);
  const designs = candidates.filter(([, v]) => notADesign(v) === null);
  if (designs.length !== 1) {
    const why = candidates.map(([k, v]) => `  export ${k}: ${notADesign(v) ?? 'a design model'}`).join('\n');
    throw new DesignError(
      file,
      `the module must export exactly one design model (DesignModel of 'dmaspec/design': ${DESIGN_FIELDS.map(([k]) => k).join(', ')}); found ${designs.length}${why ? `:\n${why}` : ''}`,
    );
  }
  const d = designs[0]![1] as DesignModel;
  if (d.name in BUILT_IN && BUILT_IN[d.name] !== d) throw new DesignError(file, `it names its design ${d.name}, which is a built-in design; rename it`);
  const guarded = blameDesign(d);
  // The system machine looks designs up by name in the registry; a user design joins it for this run.
  (DESIGN_MODELS as Record<string, DesignModel>)[d.name] = guarded;
  return guarded;
}
