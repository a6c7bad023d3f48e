/**
 * A design module loads whatever its extension (.ts, .mts, .js, .mjs) and whatever its
 * folder's package.json says: a plain `npm init -y` project (CommonJS) and a
 * `"type": "module"` one. Each runs the real program (bin/dmaspec.js: the worker thread and
 * its module hooks). The packed-package version, importing 'dmaspec/design', is
 * test/external/packed.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { ROOT, spawnCli } from '../cli/harness.ts';
import { designSource, HELPER_SOURCE } from './design-source.ts';

const DESIGN_API = pathToFileURL(join(ROOT, 'src/design.ts')).href;
const base = mkdtempSync(join(tmpdir(), 'dmaspec-load-'));

/** A project folder: package.json without `type` (CommonJS) or with `"type": "module"`. */
function project(kind: 'commonjs' | 'module'): string {
  const dir = join(base, kind);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `user-${kind}`, version: '1.0.0', ...(kind === 'module' ? { type: 'module' } : {}) }));
  writeFileSync(join(dir, 'claims-helper.js'), HELPER_SOURCE);
  return dir;
}

const CASES = [
  ['commonjs', '.ts'],
  ['commonjs', '.mts'],
  ['commonjs', '.js'],
  ['commonjs', '.mjs'],
  ['module', '.ts'],
  ['module', '.js'],
  ['module', '.mts'],
  ['module', '.mjs'],
] as const;

describe('a design module loads in any project', () => {
  it('every extension in a CommonJS and an ES-module project: the design is checked and keeps its claim', async () => {
    const dirs = { commonjs: project('commonjs'), module: project('module') };
    const runs = CASES.map(async ([kind, ext]) => {
      const name = `mine-${kind}-${ext.slice(1)}`;
      const file = join(dirs[kind], `${name}${ext}`);
      writeFileSync(file, designSource(name, DESIGN_API, ext.endsWith('ts')));
      const r = await spawnCli(['check', '--design', file, '--scenario', 'cooperative', '--json']);
      return { kind, ext, name, r };
    });
    for (const { kind, ext, name, r } of await Promise.all(runs)) {
      expect(r.err, `${kind} ${ext}`).toBe('');
      expect(r.status, `${kind} ${ext}`).toBe(EXIT.ok);
      const doc = JSON.parse(r.out);
      expect(doc.designs.map((d: { design: string }) => d.design)).toEqual([name]);
      const claim = doc.designs[0].results.find((p: { name: string }) => p.name === 'table-names-listed-channels');
      expect(claim).toMatchObject({ verdict: 'holds', claimed: true });
    }
  });

  it('a .js design next to a .ts one of the same name loads the .js file named (tsx would pick the .ts)', async () => {
    const dir = project('commonjs');
    writeFileSync(join(dir, 'twin.ts'), designSource('twin-ts', DESIGN_API, true));
    writeFileSync(join(dir, 'twin.js'), designSource('twin-js', DESIGN_API, false));
    const r = await spawnCli(['check', '--design', join(dir, 'twin.js'), '--scenario', 'cooperative', '--json']);
    expect(r.status).toBe(EXIT.ok);
    expect(JSON.parse(r.out).designs[0].design).toBe('twin-js');
  });
});
