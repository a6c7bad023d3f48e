#!/usr/bin/env node
// The dmaspec command. The package ships TypeScript sources; tsx runs them without a build step.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../src/cli/worker-host.ts');
process.exitCode = await cli(process.argv.slice(2));
