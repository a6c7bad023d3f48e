/**
 * The package's own folder: where its non-JavaScript parts (kernel/, examples/, schema/)
 * are, from the sources (src/…) and from the build (dist/src/…) alike, found through the
 * package's own package.json (package.json `exports`).
 * @module
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The folder holding dmaspec's package.json. */
export const PACKAGE_ROOT: string = dirname(createRequire(import.meta.url).resolve('dmaspec/package.json'));
