/**
 * The shape of `dmaspec check --json`, declared once: src/render/report.ts produces it (its
 * `runJson`, `traceJson` and `timingsJson` return these types) and src/render/* consumes it
 * (the comparison page, the sequence diagrams, the trace viewer). Types only, so that the
 * renderer reads the checker's output without importing the checker.
 * @module
 */
import type { SpecEvent } from '../../spec/vocabulary.ts';

/** The verdict on one property; `n/a`: the property does not apply. */
export type VerdictJson = 'holds' | 'violated' | 'unknown' | 'n/a';

/** One variable a step changed. */
export interface TraceChangeJson {
  readonly name: string;
  readonly from: unknown;
  readonly to: unknown;
}

/**
 * One step of a counterexample. The checker writes every field; the renderer draws a step
 * without `transition`, `rule` and `active` too (hand-made traces in tests).
 */
export interface TraceStepJson {
  readonly thread: string;
  /** The CPU the thread ran on when it took the step, or null. */
  readonly cpu: number | null;
  readonly event: SpecEvent;
  /** The transition taken, `<source state id>#<event>[i]`. */
  readonly transition?: string;
  /** The transition's description: the kernel function the step follows ('' if none). */
  readonly rule?: string;
  /** Active state id of every region after the step. */
  readonly active?: Readonly<Record<string, string>>;
  readonly changes: readonly TraceChangeJson[];
}

/** A counterexample: a lasso when `loopStart` is set. */
export interface TraceJson {
  readonly end: 'violation' | 'deadlock' | 'cycle' | 'final';
  readonly loopStart?: number;
  /** Variables of the initial state. */
  readonly initial?: Readonly<Record<string, unknown>>;
  /** Active state id of every region in the initial state. */
  readonly initialActive?: Readonly<Record<string, string>>;
  readonly steps: readonly TraceStepJson[];
  /** A hang or lasso only: the steps closed in the last state, each with its guard and the fields that guard read. */
  readonly blocked?: readonly BlockedStepJson[];
}

/** A step closed at the end of a hang or lasso (src/check/engine/blocked.ts). */
export interface BlockedStepJson {
  readonly thread: string;
  readonly event: string;
  readonly guard: string;
  readonly reads: Readonly<Record<string, unknown>>;
}

/** A counterexample replayed on the implementation (src/core), or why it could not be. */
export type ReplayJson =
  | { readonly reproduced: true; readonly steps: number }
  | {
      readonly reproduced: false;
      readonly divergence: { readonly step: number; readonly event?: SpecEvent; readonly differences: readonly string[] };
    }
  | { readonly unavailable: string };

/** One property's result in one design's run. */
export interface PropertyVerdictJson {
  readonly name: string;
  readonly kind: 'safety' | 'liveness' | 'deadlock';
  readonly verdict: VerdictJson;
  /** The design claims this property (a violated claim fails `dmaspec check`). */
  readonly claimed: boolean;
  /** It holds only because its trigger (machines/system/properties.ts) is never reached. */
  readonly vacuous?: boolean;
  /** Steps of the shortest path to the trigger, when it was reached. */
  readonly witnessSteps?: number;
  readonly unknownBecause?: string;
  /** A `holds` from a lossy search (`--hash-compact`, `--bitstate`): no violation found, up to this omission estimate. */
  readonly omission?: OmissionJson;
  /** Claimed and violated, but the counterexample takes a step these prose assumptions are about (src/check/run.ts). */
  readonly assumptionsNotChecked?: readonly string[];
  /** The trace is the shortest run that takes none of these events (a prose assumption's steps): it meets that assumption. */
  readonly avoiding?: readonly string[];
  readonly trace?: TraceJson;
  readonly replay?: ReplayJson;
}

/** What a lossy search may have skipped (src/check/engine/lossy-store.ts `Omission`). */
export interface OmissionJson {
  readonly mode: 'hash-compact' | 'bitstate';
  readonly expectedOmissions: number;
  readonly probability: number;
  readonly tableBytes: number;
}

/** One search of a run (safety BFS or liveness). */
export interface SearchJson {
  readonly search: 'safety' | 'liveness';
  readonly states: number;
  readonly complete: boolean;
  readonly stoppedBy?: { readonly reason: string; readonly message: string };
  /** With `--por`: what partial-order reduction did; its counterexamples are shortest in the reduced graph only. */
  readonly por?: {
    readonly reduced: number;
    readonly proviso: number;
    readonly restarts: number;
    readonly opaque: boolean;
    readonly shortest: 'in the reduced graph only';
  };
}

/** One design checked on one scenario. */
export interface DesignRunJson {
  readonly design: string;
  /** False when a limit stopped a search: "holds" then means "not refuted". */
  readonly complete: boolean;
  /** Distinct states explored (the main exploration). */
  readonly states: number;
  readonly transitions: number;
  readonly searches: readonly SearchJson[];
  /** Whether the scenario's clients behave as the design assumes; what they break if not. */
  readonly assumptionsMet: boolean;
  readonly unmetAssumptions: readonly string[];
  /** Every assumption with what the checker can say of it here (src/check/run.ts AssumptionStatus). */
  readonly assumptions: readonly { readonly text: string; readonly status: 'met' | 'not met' | 'stated, not checked' }[];
  /** Claimed properties the check found violated (under the design's assumptions). */
  readonly brokenClaims: readonly string[];
  /** Claimed properties violated only by a run that takes a step a prose assumption is about. */
  readonly uncheckedClaims?: readonly string[];
  readonly results: readonly PropertyVerdictJson[];
}

/** One design under one client behaviour (every client given that behaviour). */
export interface BehaviourRunJson {
  readonly design: string;
  readonly complete: boolean;
  readonly states: number;
  readonly searches: readonly SearchJson[];
  /** Names of the properties violated. */
  readonly violated: readonly string[];
  readonly unknown: readonly string[];
  /** Names of the properties that hold only vacuously (trigger never reached). */
  readonly vacuous: readonly string[];
  /** Claimed properties among them. */
  readonly brokenClaims: readonly string[];
  /** Claimed properties among them violated only by a run a prose assumption may rule out. */
  readonly uncheckedClaims?: readonly string[];
  /** False when the behaviour breaks one of the design's assumptions (its violations then refute no claim). */
  readonly assumptionsMet?: boolean;
}

/** The designs under one client behaviour. */
export interface BehaviourRowJson {
  readonly behaviour: string;
  readonly designs: readonly BehaviourRunJson[];
}

/** Timings of a design run (their own field: everything else is byte-for-byte deterministic). */
export interface TimingsJson {
  readonly seconds: number;
  readonly exploreSeconds: number;
  readonly statesPerSecond: number;
  /** Threads the main exploration ran on (1: the checking thread alone; the workers join once the search is large enough and they have loaded the model). */
  readonly workers: number;
}

/**
 * The whole `check --json` document. The optional fields are those the renderer does
 * without (a test's hand-made document); src/cli/check.ts always writes them.
 */
export interface CheckJson {
  readonly scenario: string;
  /** The scenario in one line. */
  readonly scenarioText?: string;
  readonly symmetry?: boolean;
  readonly designs: readonly DesignRunJson[];
  /** The same designs with every client given one behaviour, per behaviour. */
  readonly behaviours?: readonly BehaviourRowJson[];
  readonly complete?: boolean;
  /** When a limit stopped a search: what finished, what stopped and why, what never started. */
  readonly partial?: {
    readonly finished: readonly string[];
    readonly stopped: readonly { readonly label: string; readonly why: readonly string[] }[];
    readonly notStarted: readonly string[];
    readonly stop?: { readonly reason: string; readonly message: string };
  };
  readonly exitStatus?: number;
  /** One line per claim that holds only vacuously. */
  readonly warnings?: readonly string[];
  readonly timings?: {
    readonly designs: Readonly<Record<string, TimingsJson>>;
    readonly behaviours: Readonly<Record<string, Readonly<Record<string, TimingsJson>>>>;
  };
}
