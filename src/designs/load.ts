/**
 * A design from the command line: a built-in name, or a module file (`.ts`, `.mts`, `.js`,
 * `.mjs`, in any folder, also a CommonJS project with no `"type": "module"`, where the hooks
 * of esm-scope-hooks.mjs load a design written with import/export as an ES module) that
 * exports a {@link Design} (`{ model, strategy? }`) or a bare model. The design is validated
 * against the scenario (src/designs/validate.ts) before anything runs it, and its rules are
 * wrapped so that a throw later names the rule. Every mistake is a {@link DesignError}
 * (exit status 2). Used by `check`, `simulate` and `paths`.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DesignError } from '../../machines/system/design-error.ts';
import { blameDesign } from './blame.ts';
import type { Design } from './design.ts';
import { DESIGN_NAMES, type Scenario } from '../scenario.ts';
import { isDesignName } from './registry.ts';
import { locateSyntaxError } from './syntax-location.ts';
import { asDesign, validateDesign } from './validate.ts';

/** The extensions a design module may have. */
export const DESIGN_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/** Whether a `--design` value names a module file rather than a built-in design. */
export const isDesignFile = (arg: string): boolean => /\.(ts|mts|cts|js|mjs|cjs)$/.test(arg) || arg.includes('/');

/** Why an export is not a design (a `{ model }` or a DesignModel), or null if it is one. */
function notADesign(v: unknown): string | null {
  if (v === null || typeof v !== 'object') return 'not an object';
  const o = ('model' in v ? (v as { model: unknown }).model : v) as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object') return 'field model is not an object';
  for (const [k, t] of [
    ['name', 'string'],
    ['ejecting', 'function'],
    ['rules', 'function'],
  ] as const)
    if (typeof o[k] !== t) return `field ${k} must be a ${t}`;
  return null;
}

let hooked = false;
/**
 * Registers the module hooks once per thread (module hooks do not reach workers on Node 20),
 * and only once a design file is loaded: a run of the built-in designs loads no TypeScript
 * loader. From the TypeScript sources (a clone), the hooks resolve `dmaspec/design` to them.
 */
function hookOnce(): void {
  if (hooked) return;
  register(new URL('./esm-scope-hooks.mjs', import.meta.url), {
    data: { source: import.meta.url.endsWith('.ts'), root: new URL('../../', import.meta.url).href },
  });
  hooked = true;
}

/**
 * The first line of a load failure of `file`, with the file, line and column of a syntax error:
 * from its stack where V8 puts them there, else from parsing the design's files (Node 20 gives
 * an ES module's syntax error no location at all).
 */
function loadFailure(err: unknown, file: string): string {
  const e = err as Error;
  const why = e?.message?.split('\n')[0] ?? String(err);
  if (e?.name !== 'SyntaxError' || /^\/\S+:\d+:\d+: /.test(why)) return why;
  const at = /^(file:\/\/\S+?):(\d+)$/m.exec(e.stack ?? '');
  return at ? `${fileURLToPath(at[1]!)}:${at[2]}: ${why}` : (locateSyntaxError(file) ?? why);
}

/** The module `file`'s exports. @throws DesignError */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  const fail = (problem: string, fix = ''): never => {
    throw new DesignError(file, 'module', problem, fix);
  };
  if (!DESIGN_EXTENSIONS.some((x) => path.endsWith(x)))
    fail(`not a ${DESIGN_EXTENSIONS.join(', ')} file`, 'a .cjs or .cts CommonJS module cannot export a design: write it with import/export');
  if (!existsSync(path)) fail(`no such file: ${path}`);
  hookOnce();
  try {
    return await import(`${pathToFileURL(path).href}?dmaspec-esm`);
  } catch (err) {
    const why = loadFailure(err, path);
    // As esm-scope-hooks.mjs tells ES syntax: a module without it was loaded as CommonJS.
    const commonJs = !/^\s*(import\s*[\w{*'"]|export\s)/m.test(readFileSync(path, 'utf8'));
    const noPackage = /Cannot find package 'dmaspec(\/design)?'/.test(why);
    return fail(
      `cannot load the module: ${why}${commonJs ? ' (it has no import/export: a design module is an ES module; CommonJS require/module.exports designs are not supported)' : ''}`,
      noPackage ? "install dmaspec in the design's folder (npm init -y && npm install <a dmaspec clone or tarball>), as docs/writing-a-design.md shows" : '',
    );
  }
}

/**
 * Loads and validates the design module `file` for `scenario`: its default export, or its
 * one export that is a design.
 * @throws DesignError when it cannot be imported, exports no single design, or the design is wrong.
 */
export async function loadDesignFile(file: string, scenario: Scenario): Promise<Design> {
  const mod = await importModule(file);
  const candidates = 'default' in mod ? [['default', mod.default] as const] : Object.entries(mod);
  const designs = candidates.filter(([, v]) => notADesign(v) === null);
  if (designs.length !== 1) {
    const why = candidates.map(([k, v]) => `  export ${k}: ${notADesign(v) ?? 'a design'}`).join('\n');
    throw new DesignError(
      file,
      'module',
      `must export exactly one design (export default { model, strategy? }, or a DesignModel of 'dmaspec/design'); found ${designs.length}${why ? `:\n${why}` : ''}`,
      '',
    );
  }
  const design = asDesign(designs[0]![1]);
  const name = design.model.name;
  if (isDesignName(name))
    throw new DesignError(file, 'module', `it names its design ${name}, which is a built-in design (${DESIGN_NAMES.join(', ')})`, 'rename it');
  const checked = validateDesign(design, scenario);
  const model = blameDesign(checked.model);
  return { ...checked, model, source: resolve(file) };
}
