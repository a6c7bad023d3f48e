import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { EXIT } from '../../src/cli/exit-status.ts';
import { runInProcess } from '../cli/harness.ts';

const TYPO = 'test/designs/fixtures/misspelled-claim.ts';
const EXAMPLE = 'examples/designs/free-before-ack.ts';
const CLAIM_ERROR = /^design error: design typo: claim removal-complete: no property has this name \(did you mean removal-completes\?\); claim one of /;
const dir = mkdtempSync(join(tmpdir(), 'dmaspec-design-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a design file on the command line', () => {
  it('check, simulate and paths exit 2 with the one-line validation message', async () => {
    for (const argv of [
      ['check', '--design', TYPO, '--scenario', 'cooperative'],
      ['simulate', '--design', TYPO],
      ['paths', '--machine', 'system', '--design', TYPO, '--out', join(dir, 'typo.jsonl')],
    ]) {
      const r = await runInProcess(argv);
      expect(r.status, argv.join(' ')).toBe(EXIT.usage);
      const [line, rest] = r.err.split('\n');
      expect(line.replace(/^dmaspec \w+: /, ''), argv.join(' ')).toMatch(CLAIM_ERROR);
      expect(rest).toBe('');
    }
  });

  it('simulate refuses a design without a strategy, and says what runs it instead', async () => {
    const r = await runInProcess(['simulate', '--design', EXAMPLE]);
    expect(r.status).toBe(EXIT.usage);
    expect(r.err).toBe(
      `dmaspec simulate: design free-before-ack has no strategy: simulate runs the implementation (src/core); export { model, strategy }, or check the model with dmaspec check --design ${EXAMPLE}\n`,
    );
  });

  it('paths exports the system machine under the design of a file', async () => {
    const out = join(dir, 'example.jsonl');
    const scenario = join(dir, 'cooperative.json');
    writeFileSync(scenario, JSON.stringify(behaviourScenario('cooperative')));
    const r = await runInProcess(['paths', '--machine', 'system', '--design', EXAMPLE, '--scenario', scenario, '--paths', 'states', '--out', out]);
    expect(r.err).toBe('');
    expect(r.status).toBe(EXIT.ok);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ machine: 'system', model: 'system:free-before-ack' });
    expect(lines.some((l) => l.includes('"ioh0.notify"'))).toBe(true);
  });
});
