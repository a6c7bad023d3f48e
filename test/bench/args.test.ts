import { describe, expect, it } from 'vitest';
import { parseHotpathArgs } from '../../bench/hotpath/args.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

describe('bench:hotpath arguments', () => {
  it('defaults', () => {
    const o = parseHotpathArgs([]);
    expect(o).toMatchObject({ runs: 15, ms: 120, json: 'reports/hotpath.json', pin: true, help: false });
    expect(o.workers).toBeGreaterThanOrEqual(1);
  });
  it('reads every option', () => {
    expect(parseHotpathArgs(['--workers', '3', '--runs', '7', '--ms', '40', '--json', 'x.json', '--no-pin'])).toMatchObject({
      workers: 3,
      runs: 7,
      ms: 40,
      json: 'x.json',
      pin: false,
    });
  });
  it.each([
    [['--workers', '0'], /--workers must be an integer from 1 to 64/],
    [['--runs', 'two'], /--runs must be an integer/],
    [['--ms', '1.5'], /--ms must be an integer/],
    [['--json', ''], /--json needs a file name/],
    [['--colour'], /Unknown option '--colour'/],
    [['extra'], /positional/],
  ])('rejects %j with a UsageError', (argv, message) => {
    expect(() => parseHotpathArgs(argv)).toThrow(UsageError);
    expect(() => parseHotpathArgs(argv)).toThrow(message);
  });
});
