import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { ROOT, runInProcess } from '../cli/harness.ts';

const GUIDE = readFileSync(join(ROOT, 'docs/writing-a-design.md'), 'utf8');
const EXAMPLE = 'examples/designs/free-before-ack.ts';

/** Output lines that vary from run to run (the time). */
const stable = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/│ time /.test(l))
    .join('\n')
    .trim();

describe('docs/writing-a-design.md', () => {
  it('shows the output of the command it gives, from a real run of the example', async () => {
    const block = GUIDE.split('```console\n')[1].split('```')[0];
    const [command, ...output] = block.split('\n');
    expect(command).toBe(`$ npm run dmaspec -- check --design ${EXAMPLE} --scenario cooperative`);
    const r = await runInProcess(['check', '--design', EXAMPLE, '--scenario', 'cooperative']);
    expect(r.status).toBe(EXIT.violated);
    expect(stable(output.join('\n'))).toBe(stable(r.out));
  });

  it('gives the example’s line counts', () => {
    const lines = readFileSync(join(ROOT, EXAMPLE), 'utf8').trimEnd().split('\n');
    const code = lines.filter((l) => !/^\s*(\/\/|\/\*\*|\*|$)/.test(l));
    expect(GUIDE).toContain(`(${lines.length} lines, ${code.length}\nwithout comments and blank lines)`);
  });

  it('links only files that exist (a folder link is broken on the docs site)', () => {
    const links = [...GUIDE.matchAll(/\]\((\.\.\/[^)#]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const l of links) expect(existsSync(join(ROOT, 'docs', l)) && statSync(join(ROOT, 'docs', l)).isFile(), l).toBe(true);
  });
});
