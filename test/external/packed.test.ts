/**
 * dmaspec as a user gets it: `npm pack` of this repository (built by `prepare`), installed
 * into a plain `npm init -y` project (CommonJS) and a `"type": "module"` one under the
 * system's temporary folder (--prefer-offline: `npm ci` left the dependencies in npm's
 * cache), then `npx dmaspec check`, `paths`, `export`, design modules in .ts, .mts, .js
 * and .mjs importing 'dmaspec/design' and a local helper, the guide's example, and the
 * user's tsc on a default `tsc --init`. Needs npm and its cache (external: it takes longer
 * than a unit test should).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { ROOT } from '../cli/harness.ts';
import { designSource } from '../designs-user/design-source.ts';

const base = mkdtempSync(join(tmpdir(), 'dmaspec-packed-'));
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const KINDS = ['commonjs', 'module'] as const;
const dirs = { commonjs: join(base, 'commonjs'), module: join(base, 'module') };
let files: string[] = [];
const installLog: Record<string, string> = {};

/** `npx dmaspec argv` in `cwd`. */
const dmaspec = (cwd: string, argv: string[]) => spawnSync('npx', ['--no-install', 'dmaspec', ...argv], { cwd, encoding: 'utf8' });

beforeAll(() => {
  const pack = JSON.parse(npm(['pack', '--json', '--pack-destination', base], ROOT)) as { filename: string; files: { path: string }[] }[];
  files = pack[0]!.files.map((f) => f.path);
  for (const kind of KINDS) {
    mkdirSync(dirs[kind]);
    npm(['init', '-y'], dirs[kind]);
    if (kind === 'module') npm(['pkg', 'set', 'type=module'], dirs[kind]);
    const r = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(base, pack[0]!.filename)], {
      cwd: dirs[kind],
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`npm install failed: ${r.stderr}`);
    installLog[kind] = r.stdout + r.stderr;
    // A local helper in TypeScript, imported as TypeScript's NodeNext resolution wants it (./claims-helper.js).
    writeFileSync(
      join(dirs[kind], 'claims-helper.ts'),
      "import type { PropertyName } from 'dmaspec/design';\nexport const CLAIMS: PropertyName[] = ['table-names-listed-channels'];\n",
    );
  }
}, 600_000);

describe('the tarball', () => {
  it('ships the build (JavaScript and declarations), the guide and the schema: no sources, tests or tool configs', () => {
    expect(files).toContain('dist/src/cli/bin.js');
    expect(files).toContain('dist/src/design.d.ts');
    expect(files).toContain('dist/src/designs/esm-scope-hooks.mjs');
    expect(files).toContain('docs/writing-a-design.md');
    expect(files).toContain('schema/dmaspec-paths-2.schema.json');
    expect(files).toContain('schema/dmaspec-paths-3.schema.json');
    const unwanted = files.filter((f) => /^(test|bench|scripts|src|machines|spec|bin)\//.test(f) || /stryker|vitest|biome|tsconfig|typedoc/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('installs without a dependency that has install scripts (no esbuild)', () => {
    for (const kind of KINDS) {
      expect(installLog[kind]).not.toMatch(/esbuild/);
      // npm 11 lists the packages whose install scripts it skipped; only dmaspec's own `prepare` (for a clone) may be there.
      const listed = [...installLog[kind]!.matchAll(/^npm warn install-scripts {3}(\S+)@/gm)].map((m) => m[1]);
      expect(listed.filter((p) => p !== 'dmaspec')).toEqual([]);
    }
  });
});

describe.each(KINDS)('in a %s project', (kind) => {
  const dir = () => dirs[kind];

  it('npx dmaspec check, paths and export run the built-in designs', () => {
    const check = dmaspec(dir(), ['check', '--design', 'baseline', '--scenario', 'cooperative', '--json']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(EXIT.ok);
    expect(JSON.parse(check.stdout).designs[0].design).toBe('baseline');
    const paths = dmaspec(dir(), ['paths', '--machine', 'channel', '--out', 'channel.jsonl']);
    expect(paths.status, paths.stderr).toBe(EXIT.ok);
    const lines = readFileSync(join(dir(), 'channel.jsonl'), 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!).kind).toBe('header');
    expect(JSON.parse(lines.at(-1)!).kind).toBe('trailer');
    const pml = dmaspec(dir(), ['export', '--format', 'promela', '--scenario', 'cooperative', '--design', 'baseline', '--out', 'model.pml']);
    expect(pml.status, pml.stderr).toBe(EXIT.ok);
    expect(readFileSync(join(dir(), 'model.pml'), 'utf8')).toMatch(/^active proctype /m);
  });

  it.each(['.ts', '.mts', '.js', '.mjs'])('a %s design importing dmaspec/design and a local .ts helper is checked and keeps its claim', (ext) => {
    const name = `packed-${kind}-${ext.slice(1)}`;
    writeFileSync(join(dir(), `${name}${ext}`), designSource(name, 'dmaspec/design', ext.endsWith('ts')));
    const r = dmaspec(dir(), ['check', '--design', `${name}${ext}`, '--scenario', 'cooperative', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(EXIT.ok);
    const doc = JSON.parse(r.stdout);
    expect(doc.designs[0].design).toBe(name);
    expect(doc.designs[0].results.find((p: { name: string }) => p.name === 'table-names-listed-channels')).toMatchObject({ verdict: 'holds', claimed: true });
  });

  it('under ulimit -v: a limit too small to start is refused in one line naming it; a sufficient one runs', () => {
    const bin = join(dir(), 'node_modules/dmaspec/dist/src/cli/bin.js');
    const under = (kb: number, argv: string) => spawnSync('sh', ['-c', `ulimit -v ${kb} && exec node ${bin} ${argv}`], { cwd: dir(), encoding: 'utf8' });
    const small = under(1024 * 1024, 'check --design baseline --scenario cooperative');
    expect(small.status).toBe(EXIT.usage);
    expect(small.stderr).toMatch(
      /^dmaspec check: the address-space limit \(ulimit -v\) of 1024 MB is below the \d+ MB this command needs to start its threads; raise ulimit -v\n$/,
    );
    const builtIn = under(2 * 1024 * 1024, 'check --design baseline --scenario cooperative --json');
    expect(builtIn.stderr).toBe('');
    expect(builtIn.status).toBe(EXIT.ok);
    // A design file also starts the module-hooks thread (sucrase: no WebAssembly to reserve).
    const design = under(3 * 1024 * 1024, `check --design packed-${kind}-ts.ts --scenario cooperative --json`);
    expect(design.stderr).toBe('');
    expect(design.status).toBe(EXIT.ok);
  });

  it("the guide's example (docs/writing-a-design.md), copied into the project, is flagged with its trace", () => {
    copyFileSync(join(ROOT, 'examples/designs/free-before-ack.ts'), join(dir(), 'free-before-ack.ts'));
    const r = dmaspec(dir(), ['check', '--design', 'free-before-ack.ts', '--scenario', 'cooperative', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(EXIT.violated);
    const uaf = JSON.parse(r.stdout).designs[0].results.find((p: { name: string }) => p.name === 'no-use-after-free');
    expect(uaf).toMatchObject({ verdict: 'violated', claimed: true });
    expect(uaf.trace.steps.some((s: { changes: { name: string }[] }) => s.changes.some((c) => c.name === 'net0.told'))).toBe(true);
  });

  it("tsc with a default `tsc --init` and the guide's settings type-checks the designs and finds a planted mistake", () => {
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    execFileSync(tsc, ['--init'], { cwd: dir() });
    // The settings docs/writing-a-design.md gives: noUncheckedIndexedAccess off (a design
    // indexes the context's arrays by the layout's numbers); in a CommonJS project also
    // verbatimModuleSyntax off (ES syntax in a .ts file there).
    let config = readFileSync(join(dir(), 'tsconfig.json'), 'utf8');
    expect(config).toMatch(/"noUncheckedIndexedAccess": true/);
    config = config.replace('"noUncheckedIndexedAccess": true', '"noUncheckedIndexedAccess": false');
    if (kind === 'commonjs') {
      expect(config).toMatch(/"verbatimModuleSyntax": true/);
      config = config.replace('"verbatimModuleSyntax": true', '"verbatimModuleSyntax": false');
    }
    writeFileSync(join(dir(), 'tsconfig.json'), config);
    const clean = spawnSync(tsc, ['--noEmit', '-p', '.'], { cwd: dir(), encoding: 'utf8' });
    expect(clean.stdout).toBe('');
    expect(clean.status).toBe(0);
    writeFileSync(join(dir(), 'wrong.ts'), "import type { DesignModel } from 'dmaspec/design';\nexport const wrong: DesignModel['hotPath'] = 'fast';\n");
    const wrong = spawnSync(tsc, ['--noEmit', '-p', '.'], { cwd: dir(), encoding: 'utf8' });
    // Exactly the one planted mistake: the import resolved to the real type.
    expect(wrong.stdout.trim()).toBe(`wrong.ts(2,14): error TS2322: Type '"fast"' is not assignable to type 'HotPathKind'.`);
  });
});
