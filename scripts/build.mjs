// `npm run build` (run by `prepare`, so `npm ci` in a clone and `npm pack` build it): the
// package's JavaScript and declaration files in dist/, compiled by tsc (tsconfig.build.json)
// from src/, machines/ and spec/. Plain JavaScript so that it runs before anything is built.
// tsc rewrites `./x.ts` imports to `./x.js` in the JavaScript but not in the declaration
// files; those are rewritten here, so that a user's project needs no allowImportingTsExtensions.
// The module hooks for user design files (.mjs) are copied as they are.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** The .mjs files the build uses at run time, copied to the same place under dist/. */
const COPIED = ['src/designs/esm-scope-hooks.mjs'];

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const f of COPIED) copyFileSync(join(root, f), join(dist, f));

/** Every file under `dir`. */
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const TS_SPECIFIER = /(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g;
for (const f of walk(dist).filter((x) => x.endsWith('.d.ts'))) {
  const text = readFileSync(f, 'utf8');
  const fixed = text.replace(TS_SPECIFIER, (_, head, q, path) => `${head}${q}${path}.js${q}`);
  if (fixed !== text) writeFileSync(f, fixed);
}
