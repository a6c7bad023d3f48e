/**
 * The worker threads of the parallel search: started once per worker count and kept for
 * the process's life (unref'd, so they never hold it open), with a message channel from
 * each worker to every other for the successors a level sends to their owners.
 * @module
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Command, Reply } from './protocol.ts';
import { WORKER_CODE_RANGE_MB } from '../limits.ts';

/** A worker's entry: the build's JavaScript, or (from the TypeScript sources) a boot file that registers tsx first. */
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './boot.mjs' : './worker.js', import.meta.url);

/** Control words: replies posted in the current round, and the command round. */
const DONE = 0;
const ROUND = 1;

/** How long a round may take to answer before the workers count as lost (the first loads the sources). */
const START_MS = 120_000;

/** A worker's answer was an error: its name and message, as thrown there. */
export class WorkerError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly workerStack?: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

export class Pool {
  private readonly ports: MessagePort[] = [];
  private readonly workers: Worker[] = [];
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8));

  constructor(readonly size: number) {
    const peers: (MessagePort | undefined)[][] = Array.from({ length: size }, () => new Array(size).fill(undefined));
    for (let i = 0; i < size; i++)
      for (let j = i + 1; j < size; j++) {
        const ch = new MessageChannel();
        peers[i][j] = ch.port1;
        peers[j][i] = ch.port2;
      }
    for (let w = 0; w < size; w++) {
      const ch = new MessageChannel();
      this.ports.push(ch.port1);
      const mine = peers[w].filter((p): p is MessagePort => p !== undefined);
      const worker = new Worker(WORKER_ENTRY, {
        resourceLimits: { codeRangeSizeMb: WORKER_CODE_RANGE_MB },
        workerData: { index: w, size, ctl: this.ctl, port: ch.port2, peers: peers[w] },
        transferList: [ch.port2, ...mine],
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Whether a command was posted whose replies were not collected yet. */
  private outstanding = false;

  /**
   * Sends each worker its command without waiting ({@link ready}, {@link collect}). Replies
   * to an earlier command still outstanding are waited for and dropped first.
   */
  post(command: (w: number) => Command): void {
    if (this.outstanding) this.collect();
    const { ctl, size } = this;
    Atomics.store(ctl, DONE, 0);
    for (let w = 0; w < size; w++) this.ports[w].postMessage(command(w));
    this.outstanding = true;
    Atomics.add(ctl, ROUND, 1);
    Atomics.notify(ctl, ROUND);
  }

  /** Whether every worker has answered the posted command (never waits). */
  ready(): boolean {
    return Atomics.load(this.ctl, DONE) >= this.size;
  }

  /** Waits for every reply to the posted command, in worker order. @throws Error if they stop answering */
  collect(): Reply[] {
    const { ctl, size } = this;
    const deadline = Date.now() + START_MS;
    for (let v = Atomics.load(ctl, DONE); v < size; v = Atomics.load(ctl, DONE)) {
      if (Date.now() > deadline) throw new Error(`the parallel search's workers did not answer in ${START_MS / 1000} s`);
      Atomics.wait(ctl, DONE, v, 100);
    }
    this.outstanding = false;
    return this.ports.map((p) => {
      for (;;) {
        const m = receiveMessageOnPort(p);
        if (m) return m.message as Reply;
        Atomics.wait(ctl, DONE, size, 1);
      }
    });
  }

  /** Sends each worker its command and waits for every reply, in worker order. @throws Error if they stop answering */
  round(command: (w: number) => Command): Reply[] {
    this.post(command);
    return this.collect();
  }

  /** Stops the workers (they are unref'd, so only tests and benchmarks need this). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const p of this.ports) p.close();
  }
}

const pools = new Map<number, Pool>();

/** The pool of `size` workers, started on first use. */
export function pool(size: number): Pool {
  let p = pools.get(size);
  if (!p) pools.set(size, (p = new Pool(size)));
  return p;
}

/** Stops every pool. */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}
