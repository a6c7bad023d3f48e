/**
 * One exit-status table: `--help` prints src/cli/exit-status.ts, the README's table says
 * the same, and an internal error gets its own status with one line (the stack with --debug).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_TABLE } from '../../src/cli/exit-status.ts';
import { main } from '../../src/cli/main.ts';
import { ROOT, runInProcess, STACK_LINE } from './harness.ts';

const THROWING = 'test/cli/fixtures/throwing-design.ts';

describe('exit statuses', () => {
  it('dmaspec --help and every command --help print the table', async () => {
    for (const argv of [['--help'], ['check', '--help'], ['simulate', '--help'], ['export', '--help']]) {
      const r = await runInProcess(argv);
      expect(r.status).toBe(0);
      expect(r.out).toContain(EXIT_TABLE);
    }
  });

  it("the README's table has one row per status, with the same meaning", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // Cells may be padded to the column width.
    const rows = [...readme.matchAll(/^\| (\d) +\| (.+?) *\|$/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(rows.map(([n]) => n)).toEqual(Object.values(EXIT));
    // The first words of each meaning agree with the --help table.
    for (const [n, meaning] of rows) {
      const line = EXIT_TABLE.split('\n').find((l) => l.startsWith(`  ${n}  `))!;
      const words = (s: string) =>
        s
          .replace(/[`,:()]/g, '')
          .split(/\s+/)
          .filter(Boolean)
          .slice(0, 2)
          .join(' ');
      expect(words(meaning), `status ${n}`).toBe(words(line.slice(5)));
    }
  });

  it('an internal error exits 4 with one line; --debug adds the stack trace', async () => {
    // A failure inside dmaspec itself: here the output channel breaks under a built-in design.
    const broken = (argv: string[]) => {
      let err = '';
      const status = main(argv, {
        out: () => {
          throw new TypeError('stdout exploded');
        },
        err: (s) => void (err += s),
        progress: { label() {}, update() {}, stop() {} },
      });
      return status.then((s) => ({ status: s, err }));
    };
    const r = await broken(['check', '--design', 'baseline', '--scenario', 'cooperative']);
    expect(r.status).toBe(EXIT.internal);
    expect(r.err).toMatch(/^dmaspec check: internal error \(a dmaspec bug, please report it\): TypeError: stdout exploded .*--debug prints the stack\n$/);
    expect(r.err.split('\n').length).toBe(2);
    expect(r.err).not.toMatch(STACK_LINE);
    const d = await broken(['check', '--design', 'baseline', '--scenario', 'cooperative', '--debug']);
    expect(d.status).toBe(EXIT.internal);
    expect(d.err).toMatch(STACK_LINE);
  });

  it("a user design's throwing rule builder is a design error: exit 2, one line naming the design and the rule", async () => {
    const r = await runInProcess(['check', '--design', THROWING, '--scenario', 'cooperative']);
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toBe(
      'dmaspec check: design error: design broken-rules: rules(): throws rules exploded; it must return plain data for every scenario shape\n',
    );
  });

  it('npm start (check --exit-zero) does not claim exit status 1 in its legend, and its hint runs in a clone', async () => {
    // npm start's run (every design, every behaviour) on the small cooperative scenario: the
    // legend and hints do not depend on the scenario, and the standard one costs a minute.
    const r = await runInProcess(['check', '--exit-zero', '--scenario', 'cooperative']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/\(exit status 1 without --exit-zero, which npm start passes\)/);
    expect(r.out).toMatch(/\(npm run dmaspec -- check --design rfc-wait shows the counterexamples\)/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.dmaspec).toBe('tsx src/cli/main.ts');
    const plain = await runInProcess(['check', '--scenario', 'caches-pointer', '--design', 'rfc-wait']);
    expect(plain.status).toBe(1);
    expect(plain.out).toMatch(/violated in a scenario that meets the design's assumptions \(exit status 1\)$/m);
  });
});
