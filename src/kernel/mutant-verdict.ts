/**
 * A kernel mutant's verdict, from its outcome and the project's two reviewed lists:
 * kernel/equivalent-mutants.json (mutants no path can kill because they do not change what
 * the kernel does, each with why) and kernel/surviving-mutants.json (mutants the exports CI
 * replays do not kill today: coverage gaps, each with the scenario or event that would kill
 * it, issue 29). The gate (test/external/kernel-gates.test.ts) fails on a survivor neither
 * lists, on an entry the run contradicts (a listed mutant that is killed now), and on an
 * entry that names no mutant.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNEL_DIR } from './build.ts';
import type { Kill, MutantRun } from './mutant-run.ts';
import { type Mutant, mutantKey } from './mutants.ts';

/** A mutant as the lists name it: the build and the mutant's stable name. */
export interface ListedMutant {
  /** `3.6`, `3.6+rfc`, `5.10.7`, `7.0`. */
  readonly build: string;
  readonly function: string;
  readonly operator: Mutant['operator'];
  readonly line: string;
  readonly description: string;
  /** A short name of the reason or gap, the same for every entry that shares it (`module`, `hot-add`). */
  readonly class?: string;
}

/** An equivalent mutant, with why no path can kill it. */
export interface EquivalentEntry extends ListedMutant {
  readonly reason: string;
}

/** A known survivor, with the scenario or event that would kill it. */
export interface SurvivorEntry extends ListedMutant {
  readonly gap: string;
}

export interface MutantLists {
  readonly equivalent: readonly EquivalentEntry[];
  readonly survivors: readonly SurvivorEntry[];
}

export const EQUIVALENT_FILE = join(KERNEL_DIR, 'equivalent-mutants.json');
export const SURVIVORS_FILE = join(KERNEL_DIR, 'surviving-mutants.json');

/** A list file that does not read: bad JSON, a missing field, a class it does not define. */
export class MutantListError extends Error {
  override readonly name = 'MutantListError';
}

/**
 * Reads one list: `{ "classes": { name: text }, "mutants": [...] }`. An entry names its
 * class, whose text (the reason, or the gap) is written once for all its mutants.
 * @throws MutantListError naming the file and the entry
 */
function readList<K extends 'reason' | 'gap'>(file: string, text: K): (ListedMutant & Record<K, string>)[] {
  let json: { classes?: Record<string, string>; mutants?: (ListedMutant & Partial<Record<K, string>>)[] };
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MutantListError(`${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(json.mutants)) throw new MutantListError(`${file}: no "mutants" list`);
  const classes = json.classes ?? {};
  return json.mutants.map((e) => {
    const said = e[text] ?? (e.class !== undefined && Object.hasOwn(classes, e.class) ? classes[e.class] : undefined);
    if (typeof said !== 'string') throw new MutantListError(`${file}: ${listedKey(e)} has no ${text} (its class "${e.class}" is not in "classes")`);
    return { ...e, [text]: said } as ListedMutant & Record<K, string>;
  });
}

/** Reads the two lists. @throws MutantListError when one does not read */
export function readMutantLists(equivalentFile = EQUIVALENT_FILE, survivorsFile = SURVIVORS_FILE): MutantLists {
  return { equivalent: readList(equivalentFile, 'reason'), survivors: readList(survivorsFile, 'gap') };
}

/** A listed mutant's name, as mutantKey with its build. */
export const listedKey = (m: ListedMutant) => `${m.build} ${mutantKey(m)}`;

export type MutantStatus = 'killed' | 'survived' | 'equivalent' | 'stillborn';

/** What a mutant is, all said. */
export interface MutantVerdict {
  readonly build: string;
  readonly mutant: Omit<Mutant, 'edits'>;
  readonly status: MutantStatus;
  /** Killed: the first path that failed. */
  readonly kill?: Kill;
  /** Equivalent: why (the list's reason, or the same object code); stillborn: gcc's error. */
  readonly reason?: string;
  /** Survived and listed: what would kill it. */
  readonly gap?: string;
  /** The list entry's class, when it names one. */
  readonly class?: string;
  /** The list entry the outcome contradicts (listed equivalent or survivor, yet killed). */
  readonly contradicts?: 'equivalent' | 'survivor';
}

/** Equivalent by the compiler: the mutant's object code is the original's. */
export const SAME_CODE = 'same object code as the original (gcc compiled the change away)';

const classOf = (e: ListedMutant) => (e.class === undefined ? {} : { class: e.class });

/** The verdict of one mutant run of `build`. */
export function verdictOf(build: string, run: MutantRun, lists: MutantLists): MutantVerdict {
  const { edits: _, ...mutant } = run.mutant;
  const key = `${build} ${mutantKey(mutant)}`;
  const equivalent = lists.equivalent.find((e) => listedKey(e) === key);
  const survivor = lists.survivors.find((e) => listedKey(e) === key);
  const o = run.outcome;
  switch (o.kind) {
    case 'stillborn':
      return { build, mutant, status: 'stillborn', reason: o.error };
    case 'identical':
      return { build, mutant, status: 'equivalent', reason: SAME_CODE };
    case 'killed':
      return { build, mutant, status: 'killed', kill: o.kill, ...(equivalent ? { contradicts: 'equivalent' } : survivor ? { contradicts: 'survivor' } : {}) };
    case 'survived':
      if (equivalent) return { build, mutant, status: 'equivalent', reason: equivalent.reason, ...classOf(equivalent) };
      return { build, mutant, status: 'survived', ...(survivor ? { gap: survivor.gap, ...classOf(survivor) } : {}) };
  }
}

/**
 * What the gate objects to in `verdicts`: a survivor neither list names, and a listed mutant
 * that is killed now.
 */
export function gateProblems(verdicts: readonly MutantVerdict[]): string[] {
  const out: string[] = [];
  const name = (v: MutantVerdict) => `${v.build} ${mutantKey(v.mutant)}`;
  for (const v of verdicts) {
    if (v.status === 'survived' && v.gap === undefined)
      out.push(
        `survives, listed nowhere: ${name(v)} (no path of the exports CI replays kills it: add the scenario or event that does, or list it in kernel/surviving-mutants.json with what would kill it, or in kernel/equivalent-mutants.json with why it is equivalent)`,
      );
    if (v.contradicts)
      out.push(
        `listed in kernel/${v.contradicts === 'equivalent' ? 'equivalent' : 'surviving'}-mutants.json but killed: ${name(v)} by ${v.kill?.export} path ${v.kill?.path}: remove its entry`,
      );
  }
  return out;
}

/**
 * The list entries that name no mutant of `generated` (every mutant generated for the builds
 * and functions run, replayed or not: a sample is judged against the whole set), for the
 * builds and functions it covers: the file changed, or the entry is mistyped.
 */
export function staleEntries(generated: readonly Pick<MutantVerdict, 'build' | 'mutant'>[], lists: MutantLists): string[] {
  const covered = new Set(generated.map((v) => `${v.build} ${v.mutant.function}`));
  const names = new Set(generated.map((v) => `${v.build} ${mutantKey(v.mutant)}`));
  const out: string[] = [];
  for (const [file, entries] of [
    ['equivalent-mutants.json', lists.equivalent],
    ['surviving-mutants.json', lists.survivors],
  ] as const)
    for (const e of entries)
      if (covered.has(`${e.build} ${e.function}`) && !names.has(listedKey(e))) out.push(`kernel/${file} names no mutant of this run: ${listedKey(e)}`);
  return out;
}
