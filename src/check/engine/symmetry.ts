/**
 * Symmetry reduction: a state is stored as the least packed row (lexicographic Int32 order)
 * over the permutations the model declares harmless (machines/model.ts `Symmetry`):
 * renamings of threads within a thread group (their regions' leaves and their context data,
 * via `swapThreads`) and permutations of CPUs that keep each CPU's class label (via
 * `permuteCpus`). `cpus` mode keeps thread identities, which weak fairness per thread needs.
 *
 * Known limits: the declared symmetry is trusted during the search. An unsound one shows
 * when a trace is concretized (trace.ts `SymmetryUnsound`) or in the tests that compare the
 * learnt row maps with the model's functions (test/check/cpu-row-map.test.ts); a state space
 * merged wrongly with no counterexample to concretize goes unnoticed. The canonical form
 * tries every allowed permutation (no partition refinement), fine for a few CPUs and twins.
 * @module
 */
import type { CompiledMachine } from './compile.ts';
import type { Coder, Slots } from './layout.ts';
import { newRow, type Row } from './store.ts';

/** The first marker value a probe of the model's symmetry functions puts in a slot (far from any CPU, thread or state value). */
const MARKER = 1_000_003;

/** Which permutations reduce the state space. */
export type SymmetryMode = 'full' | 'cpus' | 'none';

/** A thread renaming, as the transpositions (thread indices) that produce it from identity. */
type ThreadPerm = readonly (readonly [number, number])[];

/** All permutations of `n` positions (Heap's order), identity first. */
function permutations(n: number): number[][] {
  const out: number[][] = [];
  const a = Array.from({ length: n }, (_, i) => i);
  const c = new Array(n).fill(0);
  out.push(a.slice());
  let i = 0;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [a[j], a[i]] = [a[i], a[j]];
      out.push(a.slice());
      c[i]++;
      i = 0;
    } else c[i++] = 0;
  }
  return out;
}

/** Transpositions turning identity into `perm` (selection order). */
function asSwaps(perm: readonly number[], members: readonly number[]): [number, number][] {
  const cur = members.slice();
  const swaps: [number, number][] = [];
  for (let i = 0; i < perm.length; i++) {
    const want = members[perm[i]];
    const j = cur.indexOf(want);
    if (j !== i) {
      swaps.push([cur[i], cur[j]]);
      [cur[i], cur[j]] = [cur[j], cur[i]];
    }
  }
  return swaps;
}

/**
 * A CPU permutation as a row operation: slot `j` takes the value of slot `from[j]`, mapped
 * through the permutation when `cpu[j]` (a field that holds a CPU number); `changed` lists
 * the slots for which either is so (the others keep their value).
 */
interface CpuRowMap {
  readonly from: Int32Array;
  readonly cpu: Uint8Array;
  readonly changed: Int32Array;
}

/** Replaces packed rows by their canonical representative. */
export class Canonicalizer<C extends object> {
  /** False when the mode or the model leaves nothing to permute (canon is the identity). */
  readonly active: boolean;
  private readonly threadPerms: ThreadPerm[];
  /**
   * Per thread permutation, when the model's `swapThreads` only moves values: the slot each
   * slot takes its value from (a row permutation, no decode or encode); else null.
   */
  private readonly threadSlotMaps: (Int32Array | null)[];
  /** Per thread index: its regions, in document order. */
  private readonly threadRegions: readonly (readonly number[])[];
  private readonly cpuPermCache = new Map<string, Int32Array[]>();
  /** Per CPU permutation (by identity: cpuPermCache's arrays), its row map, or null when only decoding can apply it. */
  private readonly cpuRowMaps = new Map<Int32Array, CpuRowMap | null>();
  /** Each context slot's path from the root, for probing the model's permutations. */
  private readonly slotKeys: (string | number)[][];
  private readonly noCpuPerms: Int32Array[] = [];
  private readonly work: C;
  private readonly best: Row;
  private readonly cand: Row;
  private readonly mid: Row;
  private readonly R: number;

  constructor(
    private readonly cm: CompiledMachine<C>,
    readonly mode: SymmetryMode,
    /** The slot coding of the rows to canonicalize. */
    private readonly coder: Coder<C>,
    /** The model's `cpuClasses` of a row without decoding it, where known (src/check/engine/memo-stepper.ts). */
    private readonly classesOf?: (row: Slots) => readonly number[] | undefined,
  ) {
    const sym = cm.model.symmetry;
    this.R = cm.regions.length;
    this.threadRegions = cm.model.threads.map((t) => cm.regions.flatMap((r, i) => (r.thread === t ? [i] : [])));
    const shape = (t: number) => JSON.stringify(this.threadRegions[t].map((r) => cm.regions[r].leafPaths));
    let perms: ThreadPerm[] = [[]];
    if (sym && mode === 'full') {
      for (const group of sym.threadGroups) {
        if (group.length < 2) continue;
        const members = group.map((t) => {
          const i = cm.model.threads.indexOf(t);
          if (i < 0) throw new Error(`${cm.model.name}: symmetry group names unknown thread ${t}`);
          if (this.threadRegions[i].length === 0 || shape(i) !== shape(cm.model.threads.indexOf(group[0])))
            throw new Error(`${cm.model.name}: threads ${group[0]} and ${t} are grouped but their regions differ`);
          return i;
        });
        const groupPerms = permutations(members.length).map((p) => asSwaps(p, members));
        perms = perms.flatMap((p) => groupPerms.map((g) => [...p, ...g]));
      }
    }
    this.slotKeys = cm.layout.slots.map((sl) =>
      sl.path
        .split(/\.|\[|\]/)
        .filter(Boolean)
        .map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
    );
    this.threadPerms = perms;
    this.threadSlotMaps = perms.map((swaps) => (swaps.length && sym ? this.slotMap(swaps) : null));
    this.active = !!sym && mode !== 'none' && (perms.length > 1 || sym.cpus > 1);
    this.work = cm.layout.decode(cm.initialRow, this.R);
    this.best = newRow(cm.width, coder.bytes);
    this.cand = newRow(cm.width, coder.bytes);
    this.mid = newRow(cm.width, coder.bytes);
  }

  /** A context of the model's shape with slot `i` set to `value(i)` (a probe for the symmetry functions). */
  private probeContext(value: (i: number) => unknown): C {
    const probe = this.cm.layout.decode(this.cm.initialRow, this.R);
    this.slotKeys.forEach((k, i) => (this.holder(probe, k)[k[k.length - 1]] = value(i)));
    return probe;
  }

  /** Slot `i`'s value in a probed context. */
  private probeValue(probe: C, i: number): unknown {
    const k = this.slotKeys[i];
    return this.holder(probe, k)[k[k.length - 1]];
  }

  private holder(probe: C, k: readonly (string | number)[]): Record<string | number, unknown> {
    return k.slice(0, -1).reduce((o: any, x) => o[x], probe);
  }

  /**
   * Probes `swapThreads` on a context whose every leaf holds a distinct marker: if the swaps
   * leave each marker exactly once, they are the slot permutation returned; if they change
   * values (or throw), null and the canonicalizer decodes and encodes instead.
   */
  private slotMap(swaps: ThreadPerm): Int32Array | null {
    const { cm, R } = this;
    const W = cm.width;
    const S = this.slotKeys.length;
    const probe = this.probeContext((i) => MARKER + i);
    const regions = Array.from({ length: R }, (_, r) => r);
    try {
      for (const [a, b] of swaps) {
        cm.model.symmetry!.swapThreads(probe, a, b);
        const ra = this.threadRegions[a];
        const rb = this.threadRegions[b];
        for (let k = 0; k < ra.length; k++) [regions[ra[k]], regions[rb[k]]] = [regions[rb[k]], regions[ra[k]]];
      }
    } catch {
      return null;
    }
    const map = new Int32Array(W);
    const seen = new Uint8Array(W);
    for (let r = 0; r < R; r++) {
      map[r] = regions[r];
      seen[regions[r]] = 1;
    }
    for (let i = 0; i < S; i++) {
      const v = this.probeValue(probe, i);
      const from = typeof v === 'number' ? v - MARKER : -1;
      if (from < 0 || from >= S || seen[R + from]) return null;
      seen[R + from] = 1;
      map[R + i] = R + from;
    }
    return map;
  }

  /**
   * The model's `permuteCpus(perm)` as a row map, learnt by probing it: once on distinct
   * markers, which the moves of per-CPU arrays carry to their new slots and which a field
   * holding a CPU number turns into no marker; then, per such field and pair of CPUs, on that
   * field holding one CPU and the other such fields the other, which tells where it went
   * and that it went through `perm`. Null (decode, permute, encode) when a probe throws or
   * shows anything else. test/check/cpu-row-map.test.ts compares both ways on every
   * reachable state.
   */
  private cpuRowMap(perm: Int32Array): CpuRowMap | null {
    const known = this.cpuRowMaps.get(perm);
    if (known !== undefined) return known;
    let map: CpuRowMap | null = null;
    try {
      map = this.learnCpuRowMap(perm);
    } catch {
      map = null;
    }
    this.cpuRowMaps.set(perm, map);
    return map;
  }

  private learnCpuRowMap(perm: Int32Array): CpuRowMap | null {
    const { cm, R } = this;
    const S = this.slotKeys.length;
    const cpus = perm.length;
    const sym = cm.model.symmetry!;
    const permute = (probe: C) => sym.permuteCpus(probe, perm);
    const from = new Int32Array(cm.width);
    const cpu = new Uint8Array(cm.width);
    for (let r = 0; r < R; r++) from[r] = r;
    const moved = this.probeContext((i) => MARKER + i);
    permute(moved);
    const seen = new Uint8Array(S);
    const cpuFields: number[] = [];
    for (let j = 0; j < S; j++) {
      const v = this.probeValue(moved, j);
      if (typeof v === 'number' && v >= MARKER && v < MARKER + S && !seen[v - MARKER]) {
        seen[v - MARKER] = 1;
        from[R + j] = R + v - MARKER;
      } else cpuFields.push(j);
    }
    // The sources no marker came from are the CPU fields' (as many, or the map is not a permutation).
    const sources = [...seen.keys()].filter((i) => !seen[i]);
    if (sources.length !== cpuFields.length) return null;
    for (const k of sources) {
      let lands = -1;
      for (let x = 0; x < cpus; x++)
        for (let y = 0; y < cpus; y++) {
          if (x === y) continue;
          // Field k holds y, the other CPU fields x: exactly one field must come out perm[y], the same for every pair.
          const probe = this.probeContext((i) => (i === k ? y : sources.includes(i) ? x : MARKER + i));
          permute(probe);
          let found = -1;
          for (let j = 0; j < S; j++) {
            const v = this.probeValue(probe, j);
            if (!cpuFields.includes(j)) {
              if (v !== MARKER + from[R + j] - R) return null;
            } else if (v === perm[y] && found < 0) found = j;
            else if (v !== perm[x]) return null;
          }
          if (found < 0 || (lands >= 0 && found !== lands)) return null;
          lands = found;
        }
      if (lands < 0 || cpu[R + lands]) return null;
      from[R + lands] = R + k;
      cpu[R + lands] = 1;
    }
    const changed = Int32Array.from(from.keys()).filter((j) => from[j] !== j || cpu[j] === 1);
    return { from, cpu, changed };
  }

  private lastLabels: number[] = [];
  private lastPerms: Int32Array[] = [];

  private cpuPerms(labels: readonly number[]): Int32Array[] {
    // Most states repeat the previous labels: compare instead of building a cache key.
    const last = this.lastLabels;
    let same = last.length === labels.length;
    for (let i = 0; same && i < labels.length; i++) same = last[i] === labels[i];
    if (same) return this.lastPerms;
    this.lastLabels = labels.slice();
    this.lastPerms = this.cpuPermsFor(labels);
    return this.lastPerms;
  }

  private cpuPermsFor(labels: readonly number[]): Int32Array[] {
    let distinct = true;
    for (let i = 1; i < labels.length && distinct; i++) for (let j = 0; j < i; j++) if (labels[i] === labels[j]) distinct = false;
    if (distinct) return this.noCpuPerms;
    const key = labels.join(',');
    let perms = this.cpuPermCache.get(key);
    if (!perms) {
      const classes = new Map<number, number[]>();
      labels.forEach((l, cpu) => classes.set(l, [...(classes.get(l) ?? []), cpu]));
      let all: number[][] = [labels.map((_, i) => i)];
      for (const members of classes.values()) {
        if (members.length < 2) continue;
        const ps = permutations(members.length);
        all = all.flatMap((base) =>
          ps.map((p) => {
            const q = base.slice();
            members.forEach((cpu, k) => (q[cpu] = members[p[k]]));
            return q;
          }),
        );
      }
      perms = all.map((p) => Int32Array.from(p));
      this.cpuPermCache.set(key, perms);
    }
    return perms;
  }

  /**
   * Writes `perm` applied to row `src` into row `out` through its row map; false without
   * one, or when a CPU field holds no CPU (then `out` is to be written the slow way).
   */
  private mapCpus(perm: Int32Array, src: Row, out: Row): boolean {
    const m = this.cpuRowMap(perm);
    if (!m) return false;
    const { from, cpu, changed } = m;
    const n = perm.length;
    const a = src.slots;
    const b = out.slots;
    out.words.set(src.words);
    for (let k = 0; k < changed.length; k++) {
      const j = changed[k];
      const v = a[from[j]];
      if (cpu[j]) {
        if (v < 0 || v >= n) return false;
        b[j] = perm[v];
      } else b[j] = v;
    }
    return true;
  }

  private static less(a: Slots, b: Slots): boolean {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
  }

  /**
   * Overwrites `row` with the least row of its orbit. `ctx`, if given, is `row`'s context
   * already decoded (the stepper's draft), saving a decode; it is not modified. Returns
   * whether the row changed (it was not its orbit's representative).
   */
  canon(row: Row, ctx?: C): boolean {
    if (!this.active) return false;
    const { cm, R, work, coder } = this;
    const best = this.best.slots;
    const cand = this.cand.slots;
    const mid = this.mid.slots;
    const sym = cm.model.symmetry!;
    let cpuPerms = this.noCpuPerms;
    if (sym.cpus > 1) {
      let labels = ctx ? sym.cpuClasses(ctx) : this.classesOf?.(row.slots);
      if (!labels) {
        coder.decodeInto(row.slots, R, work);
        labels = sym.cpuClasses(work);
      }
      cpuPerms = this.cpuPerms(labels);
    }
    if (this.threadPerms.length === 1 && cpuPerms.length <= 1) return false;
    this.best.words.set(row.words);
    let changed = false;
    const withCpus = cpuPerms.length > 1;
    for (let t = 0; t < this.threadPerms.length; t++) {
      const swaps = this.threadPerms[t];
      const map = this.threadSlotMaps[t];
      if (map && !withCpus) {
        // Only the permuted row's order against the best matters: compare as it is read, build it only if it wins.
        const src = row.slots;
        let j = 0;
        while (j < map.length && src[map[j]] === best[j]) j++;
        if (j < map.length && src[map[j]] < best[j]) {
          for (; j < map.length; j++) best[j] = src[map[j]];
          changed = true;
        }
        continue;
      }
      if (swaps.length === 0 && !withCpus) continue;
      this.mid.words.set(row.words);
      if (map) {
        const src = row.slots;
        for (let j = 0; j < map.length; j++) mid[j] = src[map[j]];
        if (Canonicalizer.less(mid, best)) {
          this.best.words.set(this.mid.words);
          changed = true;
        }
      } else if (swaps.length > 0) {
        coder.decodeInto(row.slots, R, work);
        for (const [a, b] of swaps) {
          sym.swapThreads(work, a, b);
          const ra = this.threadRegions[a];
          const rb = this.threadRegions[b];
          for (let k = 0; k < ra.length; k++) {
            const l = mid[ra[k]];
            mid[ra[k]] = mid[rb[k]];
            mid[rb[k]] = l;
          }
        }
        coder.encode(work, mid, R);
        if (Canonicalizer.less(mid, best)) {
          this.best.words.set(this.mid.words);
          changed = true;
        }
      }
      for (let p = 1; p < cpuPerms.length; p++) {
        if (!this.mapCpus(cpuPerms[p], this.mid, this.cand)) {
          // Without a thread swap `mid` is `row`, whose context the caller may have handed over.
          if (swaps.length === 0 && ctx) cm.layout.copyInto(ctx, work);
          else coder.decodeInto(mid, R, work);
          sym.permuteCpus(work, cpuPerms[p]);
          this.cand.words.set(this.mid.words);
          coder.encode(work, cand, R);
        }
        if (Canonicalizer.less(cand, best)) {
          this.best.words.set(this.cand.words);
          changed = true;
        }
      }
    }
    if (changed) row.words.set(this.best.words);
    return changed;
  }
}
