/**
 * What the parallel search's coordinator (search.ts) and its workers (worker.ts) say to
 * each other, and how a worker finds its model again. Commands and replies go through
 * one MessagePort per worker, read synchronously (`receiveMessageOnPort`), with a shared
 * counter the workers bump when a reply is posted: the coordinator waits on it with
 * `Atomics.wait`, so the search stays a plain synchronous function.
 * @module
 */
import type { SlotBytes } from '../layout.ts';
import type { Stop } from '../limits.ts';
import type { SymmetryMode } from '../symmetry.ts';
import type { Field, Place } from '../packing.ts';

/**
 * How a worker rebuilds the model and the safety properties of the search: a module URL,
 * the export to call with `args` (the model factory), and the export listing every safety
 * property a search may name (a list, or a function of the model the factory built, for
 * models that bring properties of their own). Models are functions, which cannot
 * cross threads.
 */
export interface ModelRecipe {
  readonly module: string;
  readonly export: string;
  readonly args: readonly unknown[];
  readonly safetyModule: string;
  readonly safetyExport: string;
}

/** Chunks of the shared columns allocated since the previous command. */
export interface NewChunks {
  readonly rows: Int32Array[];
  readonly parent: Int32Array[];
  readonly parentEvent: Int32Array[];
  readonly eStart: Int32Array[];
  readonly eTarget: Int32Array[];
  readonly eEvent: Int32Array[];
}

/** The coordinator's commands: `load` and `start` once per search, then four per BFS level (see search.ts). */
export type Command =
  | {
      readonly t: 'load';
      readonly recipe: ModelRecipe;
      /** The compiled machine's width, events and initial row: the rebuilt one must match. */
      readonly fingerprint: string;
      readonly bytes: SlotBytes;
      readonly symmetry: SymmetryMode;
      readonly keepEdges: boolean;
      /** Names of the search's safety properties, in its order. */
      readonly safety: readonly string[];
      readonly maxSeconds?: number;
      readonly statedSeconds?: number;
      readonly maxMemory: number;
      readonly interrupt?: Int32Array;
    }
  | {
      readonly t: 'start';
      /** States stored so far (ids below it): each worker indexes those it owns. */
      readonly size: number;
      readonly chunks: NewChunks;
      /** The store's packing (packing.ts `Packer`): fields, their places, the null marker. */
      readonly packing: { readonly fields: readonly Field[]; readonly places: readonly Place[]; readonly N: number };
    }
  | {
      readonly t: 'expand';
      readonly lo: number;
      readonly hi: number;
      /** The hash tables of the owners whose table was replaced (grown) since the previous level, by owner. */
      readonly tables: readonly (Int32Array | undefined)[];
    }
  | { readonly t: 'dedup'; readonly segments: readonly number[]; readonly edgeBase: number; readonly isNew: Uint8Array; readonly chunks: NewChunks }
  | { readonly t: 'number'; readonly newIndex: Int32Array }
  | {
      readonly t: 'assign';
      readonly next: number;
      /** Per expander's slice of the slots, the new states first reached through earlier slices. */
      readonly firsts: readonly number[];
      readonly pending: readonly number[];
      readonly chunks: NewChunks;
    }
  | { readonly t: 'reset' };

/** A worker's answer to a command. */
export type Reply =
  | {
      readonly t: 'ok';
      readonly n: number;
      readonly deadlock?: number;
      readonly violations?: readonly (readonly [number, number])[];
      /** The worker's hash table, when it is new (first started, or grown) since it last said. */
      readonly table?: Int32Array;
    }
  | { readonly t: 'stop'; readonly stop: Stop }
  | {
      readonly t: 'error';
      readonly name: string;
      readonly message: string;
      readonly stack?: string;
      /** A packing.ts `PackOverflow`'s slot and value. */
      readonly overflow?: readonly [number, number];
    };

/** What must agree between the coordinator's compiled machine and a worker's. */
export const fingerprintOf = (cm: { width: number; events: readonly { type: string }[]; initialRow: Int32Array }): string =>
  JSON.stringify([cm.width, cm.events, [...cm.initialRow]]);

/** Words of a successor message before the row: level-local edge slot, source id, event, hash. */
export const HEAD = 4;

/** The worker owning a state of hash `h` among `n` (its high bits: the hash table uses the low ones). */
export const ownerOf = (h: number, n: number): number => ((h >>> 16) * n) >>> 16;
