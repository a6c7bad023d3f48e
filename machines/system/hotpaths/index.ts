/**
 * The hot paths a design may pick (`DesignModel.hotPath`), one record each; a new hot path
 * is a file beside these, its name in {@link HotPathKind} and one line in {@link HOT_PATHS}
 * (its rules' names one line in {@link HotPathGuard}/{@link HotPathAction} if it has new ones).
 * @module
 */
import type { ActionNames, GuardNames } from '../../kit.ts';
import type { HotPath } from '../hotpath.ts';
import { plain, type plainHotPath } from './plain.ts';
import { rfc, type rfcHotPath } from './rfc.ts';
import { tryget } from './tryget.ts';

/**
 * The worker's hot path shape: 3.4's one-step find (`plain`), the RFC's split find and get
 * (`rfc`), or a find/get whose counting is a second step after a read-side section's test
 * (`tryget`, percpu_ref_tryget_live). Spelled out rather than derived from {@link HOT_PATHS}
 * so that a design author's typo reads "not assignable to type 'HotPathKind'" (the guide's
 * tsc check, test/external/packed.test.ts); `satisfies` below keeps the two in step.
 */
export type HotPathKind = 'plain' | 'rfc' | 'tryget';

/** Every hot path, by the name a design gives in `hotPath`. */
export const HOT_PATHS = { plain, rfc, tryget } as const satisfies Readonly<Record<HotPathKind, HotPath>>;

/** The names of every hot path's guards. */
export type HotPathGuard = GuardNames<ReturnType<typeof plainHotPath>> | GuardNames<ReturnType<typeof rfcHotPath>>;
/** The names of every hot path's actions. */
export type HotPathAction = ActionNames<ReturnType<typeof plainHotPath>> | ActionNames<ReturnType<typeof rfcHotPath>>;

/** The hot path names, in {@link HOT_PATHS} order. */
export const HOT_PATH_KINDS = Object.keys(HOT_PATHS) as readonly HotPathKind[];
