/**
 * `npm run bench:hotpath`: measures the find→put hot path of every scheme on worker threads
 * (one per simulated CPU), prints the medians and the ratios to the 3.4 baseline, and the
 * static hot-path cost of each design counted from its statechart. See README.md here.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../src/cli/usage-error.ts';
import { parseHotpathArgs, USAGE } from './args.ts';
import { measurePass } from './measure.ts';
import { jsonReport, measuredTable, passNotes, schemeLegend } from './report.ts';
import { designCostTable, designCosts } from './design-costs.ts';

function progress(label: string) {
  return (done: number, total: number) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${label}: run ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/** Runs the benchmark with command line `argv`; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseHotpathArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench:hotpath: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const { workers, runs, ms } = options;
  const contended = await measurePass(workers, runs, ms, options.pin, progress(`${workers} workers`));
  const solo = workers === 1 ? contended : await measurePass(1, runs, ms, options.pin, progress('1 worker'));

  const pinning = contended.pinned ? 'worker i pinned to CPU i' : 'workers not pinned';
  process.stdout.write(`hot path: dma_find_channel -> dma_put_channel, ${workers} workers (${pinning}), ${runs} runs x ${ms} ms per scheme (medians)\n`);
  process.stdout.write(measuredTable(contended, solo) + '\n' + schemeLegend() + '\n');
  for (const note of passNotes(contended)) process.stdout.write(`note: ${note}\n`);
  process.stdout.write('\n');
  const costs = designCosts();
  process.stdout.write('static hot-path cost per find/put pair, counted from each design statechart\n');
  process.stdout.write(designCostTable(costs) + '\n');

  const environment = { node: process.version, v8: process.versions.v8, cpu: cpus()[0]?.model ?? 'unknown', availableParallelism: availableParallelism() };
  const report = jsonReport({ workers, runs, ms, pin: options.pin, pinned: contended.pinned }, environment, contended, solo, costs);
  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(options.json, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`JSON report: ${options.json}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
