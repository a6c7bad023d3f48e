/**
 * A parallel search worker (see search.ts for the level protocol): it rebuilds the model
 * from its recipe, owns the states whose hash maps to it, expands its slice of each level,
 * looks each successor up in its owner's table, and sends those no table holds to their
 * owner through the peer channels.
 * @module
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { compileMachine, type CompiledMachine } from '../compile.ts';
import { IntColumn, SharedColumn } from '../growable.ts';
import type { Coder, SlotBytes } from '../layout.ts';
import { LimitReached, Limits } from '../limits.ts';
import type { SafetyProperty } from '../properties.ts';
import { type MemoProperties, MemoStepper, StepLeaf, type Taken } from '../memo-stepper.ts';
import { hashSlots, PackOverflow, Packer } from '../packing.ts';
import { IdTable, newRow, probeIds, type Row, RowChunks } from '../store.ts';
import { Canonicalizer } from '../symmetry.ts';
import { type Command, HEAD, type ModelRecipe, type NewChunks, fingerprintOf, ownerOf, type Reply } from './protocol.ts';

const {
  index: me,
  size: N,
  ctl,
  port,
  peers,
} = workerData as {
  index: number;
  size: number;
  ctl: Int32Array;
  port: MessagePort;
  peers: (MessagePort | undefined)[];
};

/** The next command (waits for the coordinator's round counter between looks). */
function nextCommand(): Command {
  for (;;) {
    const round = Atomics.load(ctl, 1);
    const m = receiveMessageOnPort(port);
    if (m) return m.message as Command;
    Atomics.wait(ctl, 1, round, 100);
  }
}

function reply(r: Reply): void {
  port.postMessage(r);
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}

/** Peer `p`'s successors of this level: its batch for this worker, shared, and how much of it is filled (posted before its expand reply, so present by now). */
function fromPeer(p: number): Batch {
  for (;;) {
    const m = receiveMessageOnPort(peers[p]!);
    if (m) return m.message as Batch;
    Atomics.wait(ctl, 0, -1, 1);
  }
}

/** What a peer's batch message says. */
interface Batch {
  readonly data: Int32Array;
  readonly length: number;
}

/** Drops whatever the peers sent for a level that was abandoned. */
function drainPeers(): void {
  for (let p = 0; p < N; p++) if (p !== me) while (receiveMessageOnPort(peers[p]!));
}

const models = new Map<string, { cm: CompiledMachine; props: SafetyProperty[] }>();

async function loadModel(recipe: ModelRecipe) {
  const key = JSON.stringify(recipe);
  let m = models.get(key);
  if (!m) {
    const mod = await import(recipe.module);
    const model = await mod[recipe.export](...recipe.args);
    const cm = compileMachine(model);
    // The safety export: a list, or a function of the model (properties the model brings).
    const listed = (await import(recipe.safetyModule))[recipe.safetyExport] as SafetyProperty[] | ((m: unknown) => SafetyProperty[]);
    const props = typeof listed === 'function' ? listed(model) : listed;
    models.set(key, (m = { cm, props }));
  }
  return m;
}

/** One search's part in this worker. */
class Part {
  readonly rows: RowChunks;
  readonly parent = new SharedColumn();
  readonly parentEvent = new SharedColumn();
  readonly eStart = new SharedColumn();
  readonly eTarget = new SharedColumn();
  readonly eEvent = new SharedColumn();
  /** The hash table of the states this worker owns: stored ids, and this level's pending states. */
  readonly table: IdTable;
  /** Every owner's table array, as last heard (this worker's own: `table.table`). */
  private readonly tables: Int32Array[] = [];
  /** The array of `table` the coordinator last heard of. */
  private told: Int32Array | undefined;
  private readonly W: number;
  private readonly canon: Canonicalizer<any>;
  private readonly stepper: MemoStepper<any>;
  private readonly checks: MemoProperties<any>;
  private readonly row: Row;
  private readonly out: Row;
  /** Scratch packed keys: a successor's, and the expanded state's. */
  private readonly key: Int32Array;
  private readonly parentKey: Int32Array;
  private readonly evs: Int32Array;
  private readonly taken: Taken[];
  // This level's slice [lo, hi), the first edge of each of its states, each edge's target (-1: not stored yet) and event
  // (all slice-local), and the successors no table holds, per owner.
  private lo = 0;
  private hi = 0;
  private readonly starts: IntColumn;
  private readonly targets: IntColumn;
  private readonly events: IntColumn;
  private readonly batches: IntColumn[];
  private segments: readonly number[] = [];
  private edgeBase = 0;
  private isNew: Uint8Array = new Uint8Array(0);
  private newIndex: Int32Array = new Int32Array(0);
  // States first reached in this level, before they have ids: rows, and entries `-(index + 1)` in `table` at `pendPos`
  // (valid while `table.generation` is still `pendGeneration`).
  private readonly pend: RowChunks;
  private readonly pendPos: IntColumn;
  private pendGeneration = 0;
  private readonly pendMin: IntColumn;
  private readonly pendParent: IntColumn;
  private readonly pendEvent: IntColumn;
  private readonly pendId: IntColumn;
  private pendCount = 0;
  /** Edge slot, pending state: edges to states that had no id yet. */
  private readonly fixes: IntColumn;

  constructor(
    readonly cm: CompiledMachine,
    readonly coder: Coder<any>,
    symmetry: 'full' | 'cpus' | 'none',
    readonly keepEdges: boolean,
    readonly props: readonly SafetyProperty[],
    readonly limits: Limits,
    /** The coordinator's packing of stored rows (store.ts, packing.ts). */
    readonly packer: Packer,
  ) {
    this.W = packer.words;
    this.rows = new RowChunks(this.W);
    this.table = new IdTable(1 << 14, limits, true);
    this.stepper = new MemoStepper(cm, coder);
    this.canon = new Canonicalizer(cm, symmetry, coder, this.stepper.cpuClasses());
    this.checks = this.stepper.properties(props);
    this.row = newRow(cm.width, coder.bytes);
    this.out = newRow(cm.width, coder.bytes);
    this.key = new Int32Array(this.W);
    this.parentKey = new Int32Array(this.W);
    this.evs = new Int32Array(cm.events.length);
    this.taken = new Array(cm.events.length);
    this.starts = new IntColumn(1 << 12, limits);
    this.targets = new IntColumn(1 << 12, limits);
    this.events = new IntColumn(1 << 12, limits);
    // Shared and kept from level to level: a level's message names the batch, so no buffer is made or moved per level.
    this.batches = Array.from({ length: N }, () => new IntColumn(1 << 12, limits, true));
    this.pend = new RowChunks(this.W, limits);
    this.pendPos = new IntColumn(1 << 12, limits);
    this.pendMin = new IntColumn(1 << 12, limits);
    this.pendParent = new IntColumn(1 << 12, limits);
    this.pendEvent = new IntColumn(1 << 12, limits);
    this.pendId = new IntColumn(1 << 12, limits);
    this.fixes = new IntColumn(1 << 12, limits);
  }

  attach(c: NewChunks): void {
    this.rows.attach(c.rows);
    this.parent.attach(c.parent);
    this.parentEvent.attach(c.parentEvent);
    this.eStart.attach(c.eStart);
    this.eTarget.attach(c.eTarget);
    this.eEvent.attach(c.eEvent);
  }

  /** Indexes the stored states this worker owns. */
  index(size: number): void {
    for (let id = 0; id < size; id++) {
      const h = this.rows.hashOf(id);
      if (ownerOf(h, N) === me) this.table.add(id, h);
    }
  }

  /** This worker's table array, if the coordinator has not heard of it yet. */
  newTable(): Int32Array | undefined {
    if (this.told === this.table.table) return undefined;
    return (this.told = this.table.table);
  }

  /** Adopts the owners' tables that were replaced. */
  hear(tables: readonly (Int32Array | undefined)[]): void {
    tables.forEach((t, o) => {
      if (t) this.tables[o] = t;
    });
  }

  /** Phase 1: expands ids [lo, hi); returns the edge count and the first deadlock. */
  expand(lo: number, hi: number): Reply {
    const { stepper, canon, evs, taken, out, row, W, starts, targets, events, batches, cm, rows, tables, packer, key, parentKey } = this;
    this.lo = lo;
    this.hi = hi;
    starts.length = targets.length = events.length = 0;
    for (const b of batches) b.length = 0;
    tables[me] = this.table.table;
    let slot = 0;
    let deadlock = -1;
    for (let g = lo; g < hi; g++) {
      if (((g - lo) & 1023) === 0) {
        const stop = this.limits.poll();
        if (stop) return { t: 'stop', stop };
      }
      starts.push(slot);
      rows.get(g, parentKey);
      const ph = rows.hashOf(g);
      packer.unpack(parentKey, row.slots);
      stepper.load(row);
      const n = stepper.enabled(evs, taken);
      if (n === 0 && deadlock < 0 && !cm.model.isFinal(stepper.view)) deadlock = g;
      targets.reserve(n);
      events.reserve(n);
      for (let k = 0; k < n; k++) {
        const t = taken[k];
        const draft = stepper.successor(evs[k], t, out);
        const permuted = canon.canon(out, draft);
        // As store.ts StateStore.addStep: a trie's step, not permuted, packed and hashed from the parent's key.
        let h: number;
        if (t instanceof StepLeaf && !permuted && packer.step(parentKey, ph, row.slots, cm.eventRegion[evs[k]], t, key)) h = packer.hash;
        else {
          const bad = packer.pack(out.slots, key);
          // The coordinator widens the packing and takes the level again.
          if (bad >= 0) throw new PackOverflow(bad, out.slots[bad]);
          h = hashSlots(out.slots, cm.width, packer.shares);
        }
        const o = ownerOf(h, N);
        const id = probeIds(tables[o], rows, key, h);
        targets.data[slot] = id < 0 ? -1 : id;
        events.data[slot] = evs[k];
        if (id < 0) {
          const b = batches[o];
          b.reserve(HEAD + W);
          const d = b.data;
          const at = b.length;
          d[at] = slot;
          d[at + 1] = g;
          d[at + 2] = evs[k];
          d[at + 3] = h;
          for (let i = 0; i < W; i++) d[at + HEAD + i] = key[i];
          b.length = at + HEAD + W;
        }
        slot++;
      }
      targets.length = events.length = slot;
    }
    // Each peer reads its batch in phase 2; this worker writes it again only in the next level's phase 1.
    for (let p = 0; p < N; p++) if (p !== me) peers[p]!.postMessage({ data: batches[p].data, length: batches[p].length } satisfies Batch);
    return { t: 'ok', n: slot, deadlock };
  }

  /**
   * Phase 2: writes this slice's edges, then enters every successor sent here as a pending
   * entry of the table; a new one keeps its least edge slot, which is marked.
   */
  dedup(segments: readonly number[], edgeBase: number, isNew: Uint8Array): Reply {
    const { W, key, table, pend, pendPos, pendMin, pendParent, pendEvent, fixes, keepEdges, eTarget, eEvent } = this;
    this.segments = segments;
    this.edgeBase = edgeBase;
    this.isNew = isNew;
    if (keepEdges) {
      const base = edgeBase + segments[me];
      for (let g = this.lo; g < this.hi; g++) this.eStart.set(g, base + this.starts.data[g - this.lo]);
      const { targets, events } = this;
      // Targets of successors not stored yet (-1 here) are written by their owners in phase 4.
      eTarget.setAll(base, targets.data.subarray(0, targets.length));
      eEvent.setAll(base, events.data.subarray(0, events.length));
    }
    this.pendGeneration = table.generation;
    const S = HEAD + W;
    for (let p = 0; p < N; p++) {
      const { data, length: len } = p === me ? this.batches[me] : fromPeer(p);
      const seg = segments[p];
      for (let off = 0; off < len; off += S) {
        const slot = seg + data[off];
        const g = data[off + 1];
        const ev = data[off + 2];
        const h = data[off + 3];
        for (let i = 0; i < W; i++) key[i] = data[off + HEAD + i];
        let pi = table.findPending(pend, key, h);
        if (pi >= 0) {
          if (slot < pendMin.data[pi]) {
            pendMin.data[pi] = slot;
            pendParent.data[pi] = g;
            pendEvent.data[pi] = ev;
          }
        } else {
          const f = pi;
          pi = this.pendCount++;
          pend.ensure(pi + 1);
          pend.write(pi, key, h);
          pendPos.set(pi, table.place(f, -(pi + 1), h));
          pendMin.set(pi, slot);
          pendParent.set(pi, g);
          pendEvent.set(pi, ev);
        }
        if (keepEdges) {
          fixes.push(slot);
          fixes.push(pi);
        }
      }
    }
    for (let pi = 0; pi < this.pendCount; pi++) isNew[pendMin.data[pi]] = 1;
    return { t: 'ok', n: this.pendCount };
  }

  /** Phase 3: numbers the new states first reached through this worker's slice from 0, in slot order (and clears the marks for the next level). */
  number(newIndex: Int32Array): Reply {
    const { isNew } = this;
    this.newIndex = newIndex;
    let next = 0;
    for (let s = this.segments[me]; s < this.segments[me + 1]; s++)
      if (isNew[s]) {
        newIndex[s] = next++;
        isNew[s] = 0;
      }
    return { t: 'ok', n: next };
  }

  /** Phase 4: stores this worker's new states under their ids, checks `pending` safety properties on them. */
  assign(next: number, firsts: readonly number[], pending: readonly number[]): Reply {
    const { key, pend, rows, table, pendId, pendPos, checks, segments } = this;
    const first = pending.map(() => -1);
    // The table grew while pending entries went in: find them where they stand now.
    if (table.generation !== this.pendGeneration) {
      const t = table.table;
      for (let q = 0; q < t.length; q += 2) if (t[q] < 0) pendPos.data[-t[q] - 1] = q >>> 1;
    }
    const t = table.table;
    for (let pi = 0; pi < this.pendCount; pi++) {
      const slot = this.pendMin.data[pi];
      // The slice holding the slot: the last whose start is at or before it.
      let lo = 0;
      let hi = N - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segments[mid] <= slot) lo = mid;
        else hi = mid - 1;
      }
      const id = next + firsts[lo] + this.newIndex[slot];
      pend.get(pi, key);
      const h = pend.hashOf(pi);
      rows.write(id, key, h);
      t[2 * pendPos.data[pi]] = id + 1;
      this.parent.set(id, this.pendParent.data[pi]);
      this.parentEvent.set(id, this.pendEvent.data[pi]);
      pendId.set(pi, id);
      if (pending.length) {
        this.packer.unpack(key, this.row.slots);
        for (let j = 0; j < pending.length; j++) if ((first[j] < 0 || id < first[j]) && !checks.holds(pending[j], this.row.slots)) first[j] = id;
      }
    }
    if (this.keepEdges) {
      const f = this.fixes.data;
      for (let i = 0; i < this.fixes.length; i += 2) this.eTarget.set(this.edgeBase + f[i], pendId.data[f[i + 1]]);
    }
    this.pendCount = 0;
    this.fixes.length = 0;
    return { t: 'ok', n: 0, violations: pending.flatMap((j, k) => (first[k] >= 0 ? [[j, first[k]] as const] : [])), table: this.newTable() };
  }
}

let part: Part | undefined;
/** The loaded model and search settings: each 'start' makes a new {@link Part} of them. */
let loaded: ((packer: Packer) => Part) | undefined;

async function handle(c: Command): Promise<Reply> {
  switch (c.t) {
    case 'load': {
      part = loaded = undefined;
      const { cm, props } = await loadModel(c.recipe);
      if (fingerprintOf(cm) !== c.fingerprint) throw new Error('the rebuilt model differs from the one searched');
      const coder = cm.layout.coder(c.bytes as SlotBytes);
      const safety = c.safety.map((name) => {
        const p = props.find((x) => x.name === name);
        if (!p) throw new Error(`safety property ${name} is not in ${c.recipe.safetyModule}`);
        return p;
      });
      const limits = new Limits({ maxSeconds: c.maxSeconds, statedSeconds: c.statedSeconds, maxMemory: c.maxMemory, interrupt: c.interrupt });
      const { symmetry, keepEdges } = c;
      loaded = (packer) => new Part(cm, coder, symmetry, keepEdges, safety, limits, packer);
      return { t: 'ok', n: cm.width };
    }
    case 'start':
      part = loaded!(new Packer(c.packing.fields, c.packing.N, c.packing.places));
      part.attach(c.chunks);
      part.index(c.size);
      return { t: 'ok', n: 0, table: part.newTable() };
    case 'expand':
      part!.hear(c.tables);
      return part!.expand(c.lo, c.hi);
    case 'dedup':
      part!.attach(c.chunks);
      return part!.dedup(c.segments, c.edgeBase, c.isNew);
    case 'number':
      return part!.number(c.newIndex);
    case 'assign':
      part!.attach(c.chunks);
      return part!.assign(c.next, c.firsts, c.pending);
    case 'reset':
      drainPeers();
      part = undefined;
      return { t: 'ok', n: 0 };
  }
}

for (;;) {
  const c = nextCommand();
  let r: Reply;
  try {
    r = await handle(c);
  } catch (e) {
    if (e instanceof LimitReached) r = { t: 'stop', stop: e.stop };
    else {
      const err = e as Error;
      r = {
        t: 'error',
        name: err?.name ?? 'Error',
        message: err?.message ?? String(e),
        stack: err?.stack,
        ...(e instanceof PackOverflow ? { overflow: [e.slot, e.value] as const } : {}),
      };
    }
  }
  reply(r);
}
