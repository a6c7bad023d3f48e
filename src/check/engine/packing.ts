/**
 * Bit-packed keys of the visited set: each slot of a row (layout.ts) stored in the bits its
 * values need, so the store holds a standard-scenario state (77 slots, 20 words unpacked)
 * in 4 words.
 *
 * A field holds the values `lo .. lo + 2^bits - 1` as codes from 0; a field that has met
 * null (the width's marker, layout.ts `NULL_OF`) keeps code 0 for it and the values from
 * code 1. Fields never straddle a 32-bit word, and a field needing more than
 * {@link MAX_FIELD_BITS} bits is stored raw, a whole word holding the slot as it is.
 *
 * Ranges are not known before a search (the export's range analysis, src/promela/ranges.ts,
 * is itself a search), so they are learned: region slots range over their leaves and
 * boolean slots over false and true from the start, integer slots start as 0-bit fields
 * holding their initial value. A value outside its field stops {@link Packer.pack} (or
 * {@link Packer.step}); the store then widens that field to twice the room its values need
 * (so a slot widens a few times at most, most of them in the first levels) and moves it in
 * every stored row (store.ts `StateStore.widen`). Packing is a bijection on the values each
 * field holds, so ids, equality and every result are those of the unpacked rows
 * (test/check/packing.test.ts compares them).
 *
 * States hash by their slots' values, not their keys ({@link share}), so a widening keeps
 * every hash, and a successor is packed and hashed from its parent's key and hash and the
 * slots its step writes, without its row.
 *
 * The whole-row encoder and decoder are generated per packing as straight-line code (as
 * layout.ts does for contexts); the one-field accessors are not, so they stay warm across
 * widenings.
 * @module
 */
import type { CompiledMachine } from './compile.ts';
import type { Slots } from './layout.ts';

/**
 * One slot's field: the values `lo .. lo + 2^bits - 1` (codes from 0), or with `nul` the
 * code 0 for null and the values `lo .. lo + 2^bits - 2` (codes from 1); raw when `bits`
 * is 32 (the value as it is). A 0-bit field holds one value (a slot constant so far) in no bits.
 */
export interface Field {
  readonly lo: number;
  readonly bits: number;
  readonly nul: boolean;
}

/** Fields wider than this are stored raw, one word each. */
export const MAX_FIELD_BITS = 24;
/** Bits a widened field gets beyond those its values need (each widening at least doubles its room). */
export const HEADROOM_BITS = 1;

/** Values a field holds besides null. */
const room = (f: Field): number => 2 ** f.bits - (f.nul ? 1 : 0);

/** A slot's value does not fit its field: the store widens the field and packs again. */
export class PackOverflow extends Error {
  override readonly name = 'PackOverflow';
  constructor(
    readonly slot: number,
    readonly value: number,
  ) {
    super(`slot ${slot} = ${value} does not fit its packed field`);
  }
}

/** Bits for `n` codes. */
const bitsFor = (n: number): number => Math.ceil(Math.log2(Math.max(1, n)));

/**
 * A slot's share of a state's hash. A state hashes as the XOR of its slots' shares
 * (Zobrist hashing), so a successor is hashed from its parent's hash and the few slots the
 * step writes ({@link Packer.step}), and a packing that widens leaves every hash as it was
 * (the store keeps its hash table). Each share is a full 32-bit mix, so the low bits (the
 * table's) and the high ones (the parallel owner's) are both spread.
 */
export function share(slot: number, value: number): number {
  let h = Math.imul(slot + 1, 0x9e3779b1) ^ value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Per slot `i` and 8-bit value `v`, {@link share} at `(i << 8) | (v & 255)`: rows of 8-bit slots (the usual width) look shares up. */
const byteShares = new Map<number, Int32Array>();
function sharesOf(width: number): Int32Array {
  let t = byteShares.get(width);
  if (!t) {
    t = new Int32Array(width << 8);
    for (let i = 0; i < width; i++) for (let v = -128; v < 128; v++) t[(i << 8) | (v & 255)] = share(i, v);
    byteShares.set(width, t);
  }
  return t;
}

/** The hash of a row's first `n` slots (see {@link share}); `shares` for 8-bit slots ({@link Packer.shares}). */
export function hashSlots(slots: Slots, n: number, shares?: Int32Array): number {
  let h = 0;
  if (shares) for (let i = 0; i < n; i++) h ^= shares[(i << 8) | (slots[i] & 255)];
  else for (let i = 0; i < n; i++) h ^= share(i, slots[i]);
  return h;
}

/**
 * What a step writes (memo-stepper.ts `StepLeaf`): its region's new leaf (-1: unchanged),
 * each slot it writes (each once) and the value, and the XOR of the {@link share}s of those
 * new values ({@link stepShares}).
 */
export interface Step {
  readonly target: number;
  readonly at: Int32Array;
  readonly to: Int32Array;
  readonly shares: number;
}

/** The XOR of the shares of the values a step writes: its new leaf `target` in `region` (when >= 0), `to` in slots `at`. */
export function stepShares(region: number, target: number, at: Int32Array, to: Int32Array): number {
  let h = target >= 0 ? share(region, target) : 0;
  for (let k = 0; k < at.length; k++) h ^= share(at[k], to[k]);
  return h;
}

/** Where a field sits: word and shift. */
export interface Place {
  readonly word: number;
  readonly shift: number;
}

/** Per word, the bits its fields take. */
function occupancy(fields: readonly Field[], places: readonly Place[], skip = -1): number[] {
  const occ: number[] = [];
  places.forEach((p, i) => {
    while (occ.length <= p.word) occ.push(0);
    if (i !== skip) occ[p.word] |= fieldMask(fields[i].bits) << p.shift;
  });
  return occ;
}

const fieldMask = (bits: number): number => (bits >= 32 ? -1 : 2 ** bits - 1);

/** The first free run of `bits` bits in `occ` (a new word when none has one); `occ` updated. */
function firstFree(occ: number[], bits: number): Place {
  const m = fieldMask(bits);
  if (bits > 0)
    for (let w = 0; w < occ.length; w++)
      for (let sh = 0; sh + bits <= 32; sh++)
        if (((occ[w] >>> sh) & m) === 0) {
          occ[w] |= m << sh;
          return { word: w, shift: sh };
        }
  if (bits === 0) return { word: 0, shift: 0 };
  occ.push(m);
  return { word: occ.length - 1, shift: 0 };
}

/** Places fields first-fit in slot order. */
function placeAll(fields: readonly Field[]): Place[] {
  const occ: number[] = [];
  return fields.map((f) => firstFree(occ, Math.min(32, f.bits)));
}

/** Whole-row codings a packing serves before its coder is generated. */
export const GENERATE_AFTER = 4096;

/** The straight-line source of the encoder (`s` slots to `o` key) and decoder (`k` key to `s` slots) of a packing. */
function coderSource(fields: readonly Field[], places: readonly Place[], words: number, N: number): { enc: string; dec: string } {
  const enc: string[] = [];
  const dec: string[] = [];
  for (let w = 0; w < words; w++) {
    enc.push('w=0;');
    dec.push(`w=k[${w}];`);
    fields.forEach((f, i) => {
      if (places[i].word !== w) return;
      if (f.bits >= 32) {
        enc.push(`w=s[${i}];`);
        dec.push(`s[${i}]=w;`);
        return;
      }
      const M = 2 ** f.bits - 1;
      const hi = f.lo + room(f) - 1;
      const sh = places[i].shift;
      const inRange = `if(v<(${f.lo})||v>(${hi}))return ${i};`;
      if (f.nul) {
        enc.push(`v=s[${i}];if(v===${N})v=0;else{${inRange}v-=(${f.lo - 1});w|=v<<${sh};}`);
        dec.push(`v=(w>>>${sh})&${M};s[${i}]=v===0?${N}:v+(${f.lo - 1});`);
      } else if (f.bits === 0) {
        enc.push(`if(s[${i}]!==(${f.lo}))return ${i};`);
        dec.push(`s[${i}]=(${f.lo});`);
      } else {
        enc.push(`v=s[${i}];${inRange}w|=(v-(${f.lo}))<<${sh};`);
        dec.push(`s[${i}]=((w>>>${sh})&${M})+(${f.lo});`);
      }
    });
    enc.push(`o[${w}]=w;`);
  }
  return { enc: enc.join('\n'), dec: dec.join('\n') };
}

/** The packing of rows of one width: fields, their places, and the generated coder. */
export class Packer {
  /** 32-bit words of a packed key. */
  readonly words: number;
  /** The generated whole-row coder, once this packing has been used {@link GENERATE_AFTER} times. */
  private packFn: ((slots: Slots, out: Int32Array) => number) | undefined;
  private unpackFn: ((key: Int32Array, slots: Slots) => void) | undefined;
  private uses = 0;
  // Per slot, for the one-field accessors (not generated: they stay warm across widenings):
  // its word, shift, mask (-1: raw), least and greatest value, the code of `lo` (1 with null, else 0).
  private readonly wordOf: Int32Array;
  private readonly shiftOf: Int32Array;
  private readonly maskOf: Int32Array;
  private readonly loOf: Int32Array;
  private readonly hiOf: Int32Array;
  private readonly nulOf: Uint8Array;

  constructor(
    readonly fields: readonly Field[],
    /** The row's null marker (layout.ts `NULL_OF` of its width). */
    readonly N: number,
    /** Where each field sits (default: first-fit in slot order). */
    readonly places: readonly Place[] = placeAll(fields),
  ) {
    const words = Math.max(1, ...places.map((p) => p.word + 1));
    this.words = words;
    this.wordOf = Int32Array.from(places, (p) => p.word);
    this.shiftOf = Int32Array.from(places, (p) => p.shift);
    this.maskOf = Int32Array.from(fields, (f) => (f.bits >= 32 ? -1 : 2 ** f.bits - 1));
    this.loOf = Int32Array.from(fields, (f) => f.lo);
    this.hiOf = Int32Array.from(fields, (f) => Math.min(2147483647, f.lo + room(f) - 1));
    this.nulOf = Uint8Array.from(fields, (f) => (f.nul ? 1 : 0));
    this.shares = N === -128 ? sharesOf(fields.length) : undefined;
  }

  /** Writes the packed key of `slots` into `out`; returns -1, or the first slot whose value does not fit. */
  pack(slots: Slots, out: Int32Array): number {
    if (this.packFn || this.used()) return this.packFn!(slots, out);
    out.fill(0);
    for (let i = 0; i < this.fields.length; i++) if (!this.set(out, i, slots[i])) return i;
    return -1;
  }

  /** Writes the slots of the packed `key` into `slots`. */
  unpack(key: Int32Array, slots: Slots): void {
    if (this.unpackFn || this.used()) this.unpackFn!(key, slots);
    else for (let i = 0; i < this.fields.length; i++) slots[i] = this.get(key, i);
  }

  /**
   * Counts a use; true once the coder is generated. A search widens its packing most often
   * in its first levels, so a packing gets straight-line code (which the JIT must then warm
   * up) only once it has lasted; until then the one-field accessors, warm already, serve.
   */
  private used(): boolean {
    if (++this.uses < GENERATE_AFTER) return false;
    const { enc, dec } = coderSource(this.fields, this.places, this.words, this.N);
    this.packFn = new Function(`return function pack(s,o){let v,w;\n${enc}\nreturn -1;}`)();
    this.unpackFn = new Function(`return function unpack(k,s){let v,w;\n${dec}\n}`)();
    return true;
  }

  /**
   * Writes `value` into `slot`'s field of `key`, the other fields as they are: false (the
   * key unchanged) when it does not fit. A successor differs from its parent in a few slots,
   * so the store packs it from the parent's key with this (store.ts `StateStore.addStep`).
   */
  set(key: Int32Array, slot: number, value: number): boolean {
    const w = this.wordOf[slot];
    const m = this.maskOf[slot];
    if (m === -1) {
      key[w] = value;
      return true;
    }
    let code: number;
    if (value === this.N) {
      if (this.nulOf[slot] === 0) return false;
      code = 0;
    } else {
      if (value < this.loOf[slot] || value > this.hiOf[slot]) return false;
      code = value - this.loOf[slot] + this.nulOf[slot];
    }
    const sh = this.shiftOf[slot];
    key[w] = (key[w] & ~(m << sh)) | (code << sh);
    return true;
  }

  /** The successor's hash after a {@link step} that returned true. */
  hash = 0;
  /** {@link share} of every slot and 8-bit value, for rows of 8-bit slots (else undefined). */
  readonly shares: Int32Array | undefined;

  /**
   * Packs into `out` the successor of the state packed in `key` (hash `h`, slots `parent`)
   * that differs from it by `step`: region slot `region` now `step.target` (when that is
   * >= 0), slots `step.at` now `step.to`; its hash into {@link hash}. False when a value
   * does not fit (`out` is then junk).
   */
  step(key: Int32Array, h: number, parent: Slots, region: number, step: Step, out: Int32Array): boolean {
    for (let i = 0; i < key.length; i++) out[i] = key[i];
    const z = this.shares;
    const { target, at, to } = step;
    // The new values' shares are the step's own; the old ones are the parent's.
    h ^= step.shares;
    if (target >= 0) {
      h ^= z ? z[(region << 8) | (parent[region] & 255)] : share(region, parent[region]);
      if (!this.set(out, region, target)) return false;
    }
    for (let k = 0; k < at.length; k++) {
      const i = at[k];
      h ^= z ? z[(i << 8) | (parent[i] & 255)] : share(i, parent[i]);
      if (!this.set(out, i, to[k])) return false;
    }
    this.hash = h;
    return true;
  }

  /** The value of `slot` in the packed `key`. */
  get(key: Int32Array, slot: number): number {
    const m = this.maskOf[slot];
    const w = key[this.wordOf[slot]];
    if (m === -1) return w;
    const code = (w >>> this.shiftOf[slot]) & m;
    const nul = this.nulOf[slot];
    return nul === 1 && code === 0 ? this.N : code + this.loOf[slot] - nul;
  }

  /** Raw fields for `width` slots: no packing (tests, and rows of unknown ranges). */
  static raw(width: number, N: number): Packer {
    return new Packer(
      Array.from({ length: width }, () => ({ lo: 0, bits: 32, nul: true })),
      N,
    );
  }

  /** The first packing of `cm`'s rows in a width with null marker `N`, from its initial row `initial` (see the module comment). */
  static initial(cm: CompiledMachine, initial: Slots, N: number): Packer {
    const R = cm.regions.length;
    const fields: Field[] = [];
    for (let i = 0; i < cm.width; i++) {
      const v = initial[i];
      if (i < R) fields.push({ lo: 0, bits: bitsFor(cm.regions[i].leafIds.length), nul: false });
      else if (cm.layout.slots[i - R].kind === 'bool') fields.push(v === N ? { lo: 0, bits: 2, nul: true } : { lo: 0, bits: 1, nul: false });
      else fields.push(v === N ? { lo: 0, bits: 0, nul: true } : { lo: v, bits: 0, nul: false });
    }
    return new Packer(fields, N);
  }

  /**
   * This packing with `slot`'s field grown to hold `value` (a value or null), with
   * {@link HEADROOM_BITS} to spare. Every other field keeps its place, so a key is packed
   * again by moving one field ({@link repack}); the grown field takes the first free run
   * of bits wide enough (its own, if that is), else a new word.
   */
  widen(slot: number, value: number): Packer {
    const f = this.fields[slot];
    const N = this.N;
    const nul = f.nul || value === N;
    let lo = f.lo;
    let hi = f.lo + room(f) - 1;
    if (value !== N) {
      lo = Math.min(lo, value);
      hi = Math.max(hi, value);
    }
    const bits = bitsFor(hi - lo + 1 + (nul ? 1 : 0)) + HEADROOM_BITS;
    // The room to spare lies the way the field grew; never down to the null marker.
    if (value !== N && value < f.lo) lo = Math.max(N + 1, hi - (2 ** bits - (nul ? 1 : 0)) + 1);
    const field: Field = bits > MAX_FIELD_BITS ? { lo: 0, bits: 32, nul: true } : { lo, bits, nul };
    const fields = this.fields.map((g, i) => (i === slot ? field : g));
    const places = this.places.slice();
    places[slot] = firstFree(occupancy(this.fields, this.places, slot), Math.min(32, field.bits));
    return new Packer(fields, N, places);
  }

  /**
   * Writes into `to` (of `wider`'s words) the key `from` of this packing in `wider`,
   * this packing widened at `slot`: the other fields' bits copied, `slot`'s value moved.
   * @returns false if `wider` cannot hold the value (never, for a packing {@link widen} made).
   */
  repack(from: Int32Array, wider: Packer, slot: number, to: Int32Array): boolean {
    for (let i = 0; i < to.length; i++) to[i] = i < from.length ? from[i] : 0;
    const v = this.get(from, slot);
    const m = this.maskOf[slot];
    if (m !== 0) to[this.wordOf[slot]] &= ~(m << this.shiftOf[slot]);
    return wider.set(to, slot, v);
  }
}
