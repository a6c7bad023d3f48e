/**
 * The state of one client thread: what spec/observable.ts shows (`cpu`, `chan`) and what
 * its program needs to know where it is (got / released, the worker's position, rounds).
 * @module
 */
import type { ClientSpec } from '../scenario.ts';
import type { TableRow } from '../table-rows.ts';
import type { DmaChan } from './objects.ts';
import { findsPreemptOff } from '../../spec/vocabulary.ts';

/** Where a client's worker is in its find → use → put round. */
export type WorkerPosition = 'idle' | 'fetched' | 'counted' | 'regetting' | 'dirtied' | 'found' | 'used';

/** The worker positions between the first and the last statement of a split find or re-get. */
const INSIDE_FIND: ReadonlySet<WorkerPosition> = new Set(['fetched', 'counted', 'regetting', 'dirtied']);

/** One client thread's state. Programs mutate it; the system observes it. */
export class ClientState {
  /** The CPU the thread runs on now. */
  cpu: number;
  /** The channel the thread is using now (found, re-got or requested), or null. */
  chan: DmaChan | null = null;
  /** `dmaengine_get` done (net_dma, async_tx). */
  got = false;
  /** `dmaengine_put` done (net_dma, async_tx). */
  released = false;
  worker: WorkerPosition = 'idle';
  /** Completed find → use → put rounds (slave: uses). */
  roundsDone = 0;
  /** async_tx: the channel pointer kept in its descriptors. */
  cached: DmaChan | null = null;
  /** async_tx: `dma_get_channel` on the cached pointer done (once per client). */
  regot = false;

  /**
   * @param row the `channel_table` row its finds read (src/table-rows.ts
   *   `tableRowOf`): async_tx's is `DMA_ASYNC_TX` without the channel-switch config.
   */
  constructor(
    readonly spec: ClientSpec,
    readonly row: TableRow = spec.capability,
  ) {
    this.cpu = spec.cpu;
  }

  get name(): string {
    return this.spec.name;
  }

  /**
   * Preemption is off: the worker is inside a find or re-get whose call site holds
   * `get_cpu()` (async_tx, spec/vocabulary.ts `findsPreemptOff`), between its first
   * statement and its last. No migration or `stop_machine` lands then.
   */
  get preemptOff(): boolean {
    return findsPreemptOff(this.spec.kind) && INSIDE_FIND.has(this.worker);
  }

  /** The scheduler may move the thread: it migrates, its worker holds a round open, preemption is on. */
  get migratable(): boolean {
    return this.spec.migrates && this.worker !== 'idle' && !this.preemptOff;
  }

  /** Rounds (slave: uses) left before the client may release; always some when busy. */
  get roundsLeft(): boolean {
    return this.spec.busy || this.roundsDone < this.spec.rounds;
  }
}
