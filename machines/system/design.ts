/**
 * What a release-notification design contributes to the system machine. A design is one
 * folder `src/designs/<name>/model.ts` exporting a {@link DesignModel}, plus one line in
 * the registry src/designs/models.ts.
 * @module
 */
import type { ClientKind } from '../../src/scenario.ts';
import type { ActionRule, GuardRule } from '../kit.ts';
import type { PropertyName } from '../../spec/vocabulary.ts';
import type { SystemContext } from './context.ts';
import type { ClientSteps, HotPathKind } from './clients.ts';
import type { EjectProgram, IohBuild } from './ioh.ts';
import type { ClientInfo, Layout } from './layout.ts';

/** A design's stated assumption about client behaviour. */
export interface ClientAssumption {
  /** Prose: what clients must do for the design's claims to hold. */
  readonly text: string;
  /** Client kinds the assumption is about (all kinds if omitted). */
  readonly kinds?: readonly ClientKind[];
  /**
   * Scenario client flags the design assumes, e.g. `{ releases: true }`, or
   * `{ releasesEarly: false }` (no client misuse). Empty: prose only, reported as stated, not checked.
   */
  readonly flags: Readonly<Partial<Record<'releases' | 'busy' | 'migrates' | 'releasesEarly', boolean>>>;
}

/** Named rules a design adds to, or overrides in, the system machine. */
export interface DesignRules {
  readonly guards?: Readonly<Record<string, GuardRule<SystemContext>>>;
  readonly actions?: Readonly<Record<string, ActionRule<SystemContext>>>;
}

/** One phase of unregister between `list_del` and the free, as the device machine shows it. */
export interface UnregisterPhase {
  /** State key in the device machine, e.g. `quiescing`. */
  readonly state: string;
  /** The step that ends the phase, e.g. `quiesced`. */
  readonly step: string;
  /** What happens in the phase (state description). */
  readonly description: string;
}

/** A release-notification design as the system machine sees it. */
export interface DesignModel {
  readonly name: string;
  /** One line for listings. */
  readonly title: string;
  /** A paragraph: what the design does at unregister and on the hot path. */
  readonly summary: string;
  /**
   * The hot path clients run: `plain` (3.4 `dma_find_channel`, one table read, nothing
   * counted; a design may override its `findChannel`/`getChannel`/`putChannel` actions) or
   * `rfc` (the RFC's per-CPU counted find/get/put and the quiesce key, each function split
   * into its preemptible statements), or `tryget` (a find or re-get that is two steps: the
   * design's `findChannel`/`getChannel` inside a read-side section, then its `refInc`).
   */
  readonly hotPath: HotPathKind;
  /** Unregister's phases after `list_del`, for the standalone device machine. */
  readonly unregisterPhases: readonly UnregisterPhase[];
  /** Whether the device is freed only once no channel has clients (else at once). */
  readonly freeWaitsForHolders: boolean;
  /** The IOH's program for one device between `unregister` and its free. */
  ejecting(b: IohBuild): EjectProgram;
  /** Steps the design adds to a client's region (e.g. answering a release request). */
  clientSteps?(c: ClientInfo): ClientSteps;
  /** Rules its program references beyond the shared ones, or overrides of them. */
  rules(L: Layout): DesignRules;
  /** Properties the design claims to satisfy (under {@link assumptions}). */
  readonly claims: readonly PropertyName[];
  /** What the claims assume about clients. */
  readonly assumptions: readonly ClientAssumption[];
}
