/**
 * What a command runs in: where its output goes, where progress is drawn, and the flag
 * that says SIGINT/SIGTERM arrived. In-process (tests, `main()`), output goes to the
 * process's streams and nothing interrupts; the CLI's entry point runs `check` in a worker
 * thread (src/cli/worker-host.ts) so that its main thread stays free to take signals and
 * draw progress while the search runs.
 * @module
 */
import cliProgress from 'cli-progress';

/** Progress of a search, as the checker reports it. */
export interface Progress {
  readonly phase: string;
  readonly states: number;
  readonly queue: number;
  readonly transitions: number;
  readonly seconds: number;
}

/** Where progress goes: a terminal bar, a message to the main thread, or nowhere. */
export interface ProgressSink {
  label(s: string): void;
  update(p: Progress): void;
  /** Clears the bar and restores the terminal (cursor, line wrap). */
  stop(): void;
}

/** The surroundings of one command run. */
export interface CommandEnv {
  out(s: string): void;
  err(s: string): void;
  /** Non-zero (the signal number) once SIGINT or SIGTERM arrived. */
  readonly interrupt?: Int32Array;
  readonly progress: ProgressSink;
  /** `--debug`: internal errors print their stack trace. */
  readonly debug: boolean;
}

const NO_PROGRESS: ProgressSink = { label() {}, update() {}, stop() {} };

/** A progress bar on stderr while it is a terminal; nothing when piped. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (!stream.isTTY) return NO_PROGRESS;
  const bar = new cliProgress.SingleBar(
    { stream, format: '{label} {phase}: {states} states, {rate} states/s, queue {queue}', clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.legacy,
  );
  let label = '';
  let running = true;
  bar.start(1, 0, { label, phase: '', states: 0, rate: 0, queue: 0 });
  return {
    label(s) {
      label = s;
      if (running) bar.update(0, { label, phase: '', states: 0, rate: 0, queue: 0 });
    },
    update(p) {
      if (running) bar.update(0, { label, phase: p.phase, states: p.states, rate: Math.round(p.states / Math.max(p.seconds, 1e-3)), queue: p.queue });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** The process's own streams; progress on stderr when it is a terminal (created on first use). */
export function processEnv(over: Partial<CommandEnv> = {}): CommandEnv {
  let progress: ProgressSink | undefined;
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    debug: false,
    get progress() {
      return (progress ??= terminalProgress());
    },
    ...over,
  };
}
