/**
 * Ctrl-C at a real terminal: `check` runs under a pseudo-terminal (util-linux `script`), so
 * the progress bar hides the cursor and turns line wrap off; a ^C typed into the terminal
 * must stop the search with the partial report, exit 3, and both settings restored before
 * the report is printed.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIG_SCENARIO, ROOT } from '../cli/harness.ts';

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const WRAP_OFF = '\x1b[?7l';
const WRAP_ON = '\x1b[?7h';

/**
 * Runs `command` under a pseudo-terminal and types ^C once its output matches `ready` (the
 * progress bar showing a search under way: by then the signal handlers are in place and the
 * search has begun; a fixed delay lost the race on a loaded machine, where building the
 * machine alone took longer, and the ^C landed before the first search); its exit status
 * and output. `script` runs the command through `$SHELL -c` (dash when SHELL is unset, as on
 * CI), and dash, waiting on its child, dies of the SIGINT itself (exit 130): the command
 * therefore starts with `exec`, so that dmaspec is the process the terminal signals.
 */
function underTerminal(command: string, ready: RegExp): Promise<{ status: number | null; out: string }> {
  return new Promise((done, fail) => {
    const c = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let typed = false;
    c.stdout.on('data', (d) => {
      out += d;
      if (!typed && ready.test(out)) {
        typed = true;
        c.stdin.write('\x03');
      }
    });
    c.on('error', (err) => fail(new Error(`util-linux script is needed for this test: ${err.message}`)));
    c.on('close', (status) => {
      done({ status, out });
    });
  });
}

describe('Ctrl-C during a check at a terminal', () => {
  it('restores the cursor and line wrap, then prints the partial report; exit 3', async () => {
    // ^C once the bar counts states of the first search (the big scenario runs for minutes).
    const r = await underTerminal(`exec node bin/dmaspec.js check --scenario ${BIG_SCENARIO} --design notifier`, /big × notifier safety: [1-9]\d* states/);
    expect(r.status).toBe(3);
    const report = r.out.indexOf('stopped early (exit status 3): interrupted by SIGINT');
    expect(report).toBeGreaterThan(0);
    // The bar was drawn (cursor hidden, wrap off), and both came back before the report.
    expect(r.out.indexOf(HIDE_CURSOR)).toBeGreaterThanOrEqual(0);
    expect(r.out.indexOf(WRAP_OFF)).toBeGreaterThanOrEqual(0);
    expect(r.out.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(r.out.lastIndexOf(HIDE_CURSOR));
    expect(r.out.lastIndexOf(WRAP_ON)).toBeGreaterThan(r.out.lastIndexOf(WRAP_OFF));
    expect(r.out.lastIndexOf(SHOW_CURSOR)).toBeLessThan(report);
    expect(r.out).toMatch(/stopped: big × notifier: the safety BFS stopped after [1-9]\d* states: interrupted by SIGINT/);
  });
});
