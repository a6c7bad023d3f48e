/**
 * dmaspec as a user gets it: `npm pack` of this repository installed into a plain
 * `npm init -y` project under the system's temporary folder (offline: `npm ci` left the
 * dependencies in npm's cache), design modules there in .ts, .mts, .js and .mjs importing
 * 'dmaspec/design', checked with `npx dmaspec check --design FILE`. Needs npm and its cache
 * (external: it takes longer than a unit test should).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { ROOT } from '../cli/harness.ts';
import { designSource, HELPER_SOURCE } from '../designs-user/design-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'dmaspec-packed-'));
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  const tarball = npm(['pack', '--silent', '--pack-destination', dir], ROOT).trim().split('\n').pop()!;
  npm(['init', '-y'], dir);
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], dir);
  writeFileSync(join(dir, 'claims-helper.js'), HELPER_SOURCE);
}, 300_000);

describe("a design importing 'dmaspec/design' in a project that installed dmaspec", () => {
  it.each(['.ts', '.mts', '.js', '.mjs'])('%s: npx dmaspec check --design FILE checks it and exits 0', (ext) => {
    const name = `packed-${ext.slice(1)}`;
    writeFileSync(join(dir, `${name}${ext}`), designSource(name, 'dmaspec/design', ext.endsWith('ts')));
    const r = spawnSync('npx', ['--no-install', 'dmaspec', 'check', '--design', `${name}${ext}`, '--scenario', 'cooperative', '--json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(EXIT.ok);
    const doc = JSON.parse(r.stdout);
    expect(doc.designs[0].design).toBe(name);
    expect(doc.designs[0].results.find((p: { name: string }) => p.name === 'table-names-listed-channels')).toMatchObject({ verdict: 'holds', claimed: true });
  });

  it("the guide's example (docs/writing-a-design.md), copied into the project, is flagged with its trace", () => {
    copyFileSync(join(ROOT, 'examples/designs/free-before-ack.ts'), join(dir, 'free-before-ack.ts'));
    const r = spawnSync('npx', ['--no-install', 'dmaspec', 'check', '--design', 'free-before-ack.ts', '--scenario', 'cooperative', '--json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(EXIT.violated);
    const uaf = JSON.parse(r.stdout).designs[0].results.find((p: { name: string }) => p.name === 'no-use-after-free');
    expect(uaf).toMatchObject({ verdict: 'violated', claimed: true });
    expect(uaf.trace.steps.length).toBeGreaterThan(0);
    expect(uaf.trace.steps.some((s: { changes: { name: string }[] }) => s.changes.some((c) => c.name === 'net0.told'))).toBe(true);
  });

  it("the types resolve: tsc sees dmaspec/design's DesignModel in the user's project", () => {
    writeFileSync(
      join(dir, 'types.ts'),
      "import type { DesignModel } from 'dmaspec/design';\nexport const ok: DesignModel['hotPath'] = 'plain';\nexport const wrong: DesignModel['hotPath'] = 'fast';\n",
    );
    const options = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, allowImportingTsExtensions: true, strict: true };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['types.ts'] }));
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: dir, encoding: 'utf8' });
    // Exactly the one planted mistake: the import resolved to the real type.
    expect(r.stdout.trim()).toBe(`types.ts(3,14): error TS2322: Type '"fast"' is not assignable to type 'HotPathKind'.`);
  });
});
