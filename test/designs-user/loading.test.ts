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

  it('local imports at any depth, in TypeScript and in JavaScript, in a CommonJS project', async () => {
    const dir = project('commonjs');
    for (const ext of ['ts', 'js']) {
      // design -> claims-mid -> claims-leaf, each written as nodenext wants it (`./x.js` for x.ts).
      writeFileSync(join(dir, `claims-leaf-${ext}.${ext}`), "export const LEAF = ['table-names-listed-channels'];\n");
      writeFileSync(join(dir, `claims-mid-${ext}.${ext}`), `import { LEAF } from './claims-leaf-${ext}.js';\nexport const CLAIMS = LEAF;\n`);
      const source = designSource(`deep-${ext}`, DESIGN_API, ext === 'ts').replace("'./claims-helper.js'", `'./claims-mid-${ext}.js'`);
      writeFileSync(join(dir, `deep.${ext}`), source);
      const r = await spawnCli(['check', '--design', join(dir, `deep.${ext}`), '--scenario', 'cooperative', '--json']);
      expect(r.err, ext).toBe('');
      expect(r.status, ext).toBe(EXIT.ok);
      const claim = JSON.parse(r.out).designs[0].results.find((p: { name: string }) => p.name === 'table-names-listed-channels');
      expect(claim, ext).toMatchObject({ verdict: 'holds', claimed: true });
    }
  });
});

describe('a syntax error is reported at its file, line and column, once, with exit status 2', () => {
  const BROKEN = "export const CLAIMS = [\n  'table-names-listed-channels'\n  'deadlock-free'];\n";
  it.each(['ts', 'js'])('in a .%s design, and in a local file the design imports', async (ext) => {
    const dir = project('commonjs');
    writeFileSync(join(dir, `broken-helper.${ext}`), BROKEN);
    writeFileSync(join(dir, `broken.${ext}`), `${designSource('broken', DESIGN_API, ext === 'ts')}\nconst x = {\n  a: 1\n  b: 2 };\n`);
    const importer = designSource('imports-broken', DESIGN_API, ext === 'ts').replace("'./claims-helper.js'", "'./broken-helper.js'");
    writeFileSync(join(dir, `imports-broken.${ext}`), importer);
    const own = await spawnCli(['check', '--design', join(dir, `broken.${ext}`)]);
    const deep = await spawnCli(['check', '--design', join(dir, `imports-broken.${ext}`)]);
    const lines = designSource('broken', DESIGN_API, ext === 'ts').split('\n').length;
    for (const [r, file, line] of [
      [own, `broken.${ext}`, lines + 3],
      [deep, `broken-helper.${ext}`, 3],
    ] as const) {
      expect(r.status).toBe(EXIT.usage);
      expect(r.out).toBe('');
      const where = `${join(dir, file)}:${line}:`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(r.err).toMatch(new RegExp(`^dmaspec check: design error: design .*: module: cannot load the module: ${where}\\d+: .+\n$`));
    }
  });
});
