/**
 * A user design's mistakes end in exit status 2 ("design error") with one line naming the
 * design and, where one threw, the rule: never exit 1 (a broken claim) nor a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { runInProcess, STACK_LINE } from '../cli/harness.ts';

const fixture = (name: string) => `test/designs-user/fixtures/${name}`;
const check = (file: string) => runInProcess(['check', '--design', file, '--scenario', 'cooperative']);

describe('design errors exit 2, naming the design and the rule', () => {
  it.each([
    [
      'unknown-guard.ts',
      /^dmaspec check: design error: design unknown-guard: KitSubsetError: .*guard noHolderz has no rule.* at ioh0\.unlisted on ioh0\.free\n$/,
    ],
    ['bad-target.ts', /^dmaspec check: design error: design bad-target: Error: .*'#nowhere' does not exist.*\n$/],
    ['throwing-action.ts', /^dmaspec check: design error: design throwing-action, rule action tellDriver: threw RangeError: the driver is gone\n$/],
    [
      'no-design.ts',
      /^dmaspec check: design error: design test\/designs-user\/fixtures\/no-design\.ts: the module must export exactly one design model .*found 0:\n {2}export notADesign: field summary must be a string\n$/,
    ],
    ['missing.ts', /^dmaspec check: design error: design test\/designs-user\/fixtures\/missing\.ts: no such file: \/.*missing\.ts\n$/],
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
      /^dmaspec check: design error: design .*commonjs-design\.js: cannot load the module: .*\(it has no import\/export: a design module is an ES module; CommonJS require\/module\.exports designs are not supported\)\n$/,
    );
  });

  it('a CommonJS module (.cjs) is refused with what to write instead', async () => {
    const r = await check(fixture('design.cjs'));
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toMatch(/design error: .*a design module is a \.ts, \.mts, \.js, \.mjs file/);
  });
});
