/**
 * `dmaspec check --workers N`: the same report on 1 and 2 workers (a spawned run, so the
 * search workers boot as they do for a user), a bad count named with exit status 2, and a
 * time limit that stops the workers with the run's own message.
 */
import { describe, expect, it } from 'vitest';
import { BIG_SCENARIO, runInProcess, spawnCli } from './harness.ts';

/** The JSON report without its timings. */
const report = (out: string) => {
  const doc = JSON.parse(out);
  delete doc.timings;
  return doc;
};

describe('check --workers', () => {
  it('2 workers print the report 1 worker prints', async () => {
    // migrating under rfc-wait has 8 BFS levels of 2,000 states or more: the workers explore them.
    const argv = ['check', '--design', 'rfc-wait', '--scenario', 'migrating', '--json'];
    const [one, two] = await Promise.all([spawnCli([...argv, '--workers', '1']), spawnCli([...argv, '--workers', '2'])]);
    expect(one.status, one.err).toBe(1);
    expect(two.status, two.err).toBe(1);
    expect(report(two.out)).toEqual(report(one.out));
    // The timings say how many threads the main search ran on: the workers join once they have loaded the model.
    expect(JSON.parse(one.out).timings.designs['rfc-wait'].workers).toBe(1);
    expect([1, 2]).toContain(JSON.parse(two.out).timings.designs['rfc-wait'].workers);
  });

  it('a bad worker count is a usage error naming the option', async () => {
    const r = await runInProcess(['check', '--workers', '0']);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/--workers/);
  });

  it('--max-seconds stops a search running on workers with the run-wide message', async () => {
    const r = await spawnCli(['check', '--scenario', BIG_SCENARIO, '--design', 'notifier', '--workers', '2', '--max-seconds', '3', '--json']);
    expect(r.status, r.err).toBe(3);
    const doc = JSON.parse(r.out);
    expect(doc.partial.stop.message).toBe('the time limit of 3 s was reached (--max-seconds N to raise it)');
    expect(doc.designs[0].states).toBeGreaterThan(0);
  });
});
