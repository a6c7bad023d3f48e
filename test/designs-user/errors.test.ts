/**
 * A user design's mistakes end in exit status 2 ("design error") with one line naming the
 * design and, where one threw, the rule: never exit 1 (a broken claim) nor a stack trace.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { runInProcess, STACK_LINE } from '../cli/harness.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import { layoutOf } from '../../machines/system/layout.ts';
import { blameDesign } from '../../src/designs/blame.ts';
import { notifier } from '../../src/designs/notifier/model.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

const fixture = (name: string) => `test/designs-user/fixtures/${name}`;
const check = (file: string) => runInProcess(['check', '--design', file, '--scenario', 'cooperative']);

describe('design errors exit 2, naming the design and the rule', () => {
  it.each([
    [
      'unknown-guard.ts',
      /^dmaspec check: design error: design unknown-guard: step ioh0\.free in ioh0\.unregistered: guard noHolderz is not defined; define it in rules\(\)\.guards, or fix the name\n$/,
    ],
    ['bad-target.ts', /^dmaspec check: design error: design bad-target: step ioh0\.free in ioh0\.unregistered: target #nowhere is no state; .*\n$/],
    ['throwing-action.ts', /^dmaspec check: design error: design throwing-action: action tellDriver: throws the driver is gone on ioh0\.free; .*\n$/],
    [
      'no-design.ts',
      /^dmaspec check: design error: design test\/designs-user\/fixtures\/no-design\.ts: module: must export exactly one design .*found 0:\n {2}export notADesign: field ejecting must be a function\n$/,
    ],
    ['missing.ts', /^dmaspec check: design error: design test\/designs-user\/fixtures\/missing\.ts: module: no such file: \/.*missing\.ts\n$/],
  ])('%s', async (file, message) => {
    const r = await check(fixture(file));
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(STACK_LINE);
    expect(r.out).toBe('');
  });

  it('a CommonJS design (require/module.exports) is refused, saying a design module is an ES module', async () => {
    const r = await check(fixture('commonjs-design.js'));
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toMatch(
      /^dmaspec check: design error: design .*commonjs-design\.js: module: cannot load the module: .*\(it has no import\/export: a design module is an ES module; CommonJS require\/module\.exports designs are not supported\)\n$/,
    );
  });

  it('a CommonJS module (.cjs) is refused with what to write instead', async () => {
    const r = await check(fixture('design.cjs'));
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toMatch(/design error: .*module: not a \.ts, \.mts, \.js, \.mjs file; a \.cjs or \.cts CommonJS module cannot export a design/);
  });
});

describe('blameDesign: a rule that throws past validation (beyond its dry run) names itself', () => {
  it('turns the throw of a guard into a DesignError naming the design and the guard', () => {
    const wrapped = blameDesign({
      ...notifier,
      name: 'late-thrower',
      rules: (L) => ({
        ...notifier.rules(L),
        guards: {
          ...notifier.rules(L).guards,
          notified: () => {
            throw new RangeError('deep state');
          },
        },
      }),
    });
    const L = layoutOf(DEFAULT_SCENARIO);
    const guard = wrapped.rules(L).guards!.notified!;
    expect(() => guard({} as never, { t: 0 } as never, { type: 'net0.ack' })).toThrow(
      new DesignError('late-thrower', 'guard notified', 'threw RangeError: deep state', ''),
    );
    expect(() => guard({} as never, { t: 0 } as never, { type: 'net0.ack' })).toThrow(
      /^design error: design late-thrower: guard notified: threw RangeError: deep state$/,
    );
  });
});

describe('a design file in a folder where dmaspec is not installed', () => {
  it("says to install dmaspec there (its import of 'dmaspec/design' cannot resolve)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmaspec-lone-'));
    copyFileSync('examples/designs/free-before-ack.ts', join(dir, 'free-before-ack.ts'));
    const r = await check(join(dir, 'free-before-ack.ts'));
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toMatch(
      /Cannot find package 'dmaspec(\/design)?'.*; install dmaspec in the design's folder \(npm init -y && npm install <a dmaspec clone or tarball>\)/,
    );
    expect(r.err).not.toMatch(STACK_LINE);
  });
});
