/**
 * A SPIN trail as a dmaspec trace: the exported steps a swarm run's trail took are run on
 * dmaspec's own compiled machine from its initial state, each one checked enabled, and the
 * state it ends in judged by dmaspec's properties. A violation a swarm reports is therefore
 * one dmaspec reproduces, never only SPIN's word.
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';
import { type AnyProperty, propertiesWith } from '../../machines/system/properties.ts';
import { buildSystem, type SystemContext } from '../../machines/system/index.ts';
import type { DesignModel } from '../../machines/system/design.ts';
import { type CompiledMachine, type CompiledTransition, compileMachine } from '../check/engine/compile.ts';
import { Stepper } from '../check/engine/stepper.ts';
import { copyRow, newRow, type Row } from '../check/engine/store.ts';
import { describeRun, type Trace } from '../check/engine/trace.ts';
import { systemLens } from '../check/system-lens.ts';
import type { Scenario } from '../scenario.ts';

/** The trail does not run on dmaspec's machine: a step not enabled, or a different model. */
export class TrailReplayError extends Error {
  override readonly name = 'TrailReplayError';
}

/** What a replayed trail shows. */
export interface ReplayedTrail {
  readonly trace: Trace;
  /** The checks the last state fails by dmaspec's judgement (`deadlock-free` included). */
  readonly violated: readonly string[];
}

/** dmaspec's machine of a swarm's model, ready to replay its trails. */
export class TrailReplayer {
  private readonly cm: CompiledMachine<SystemContext>;
  private readonly model: ReturnType<typeof buildSystem>;
  private readonly safety: ReturnType<typeof propertiesWith>['safety'];

  /** @throws TrailReplayError when the exported steps' events are not this machine's (the design or dmaspec changed since the export). */
  constructor(scenario: Scenario, design: DesignModel, properties: readonly AnyProperty[], stepEvents: readonly number[], events: readonly StepEvent[]) {
    this.model = buildSystem(scenario, design);
    this.cm = compileMachine(this.model);
    this.safety = propertiesWith([...(design.properties ?? []), ...properties]).safety;
    stepEvents.forEach((e, k) => {
      if (JSON.stringify(this.cm.events[e]) !== JSON.stringify(events[k]))
        throw new TrailReplayError(
          `exported step ${k} was ${JSON.stringify(events[k])}, this machine's event ${e} is ${JSON.stringify(this.cm.events[e])}: the model changed since the export; export again`,
        );
    });
    this.stepEvents = stepEvents;
  }

  private readonly stepEvents: readonly number[];

  /** Runs exported steps `steps` (indices k of `EN_<k>`) from the initial state. */
  replay(steps: readonly number[]): ReplayedTrail {
    const { cm } = this;
    const coder = cm.layout.coder(4);
    const stepper = new Stepper(cm, coder);
    const evs = new Int32Array(cm.events.length);
    const taken: CompiledTransition[] = new Array(cm.events.length);
    const start = newRow(cm.initialRow.length, 4);
    start.slots.set(cm.initialRow);
    const events: number[] = [];
    const rows: Row[] = [];
    let cur = start;
    steps.forEach((k, i) => {
      const e = this.stepEvents[k];
      if (e === undefined) throw new TrailReplayError(`trail step ${i + 1} is exported step ${k}, which the model does not have`);
      stepper.load(cur.slots);
      const n = stepper.enabled(evs, taken);
      const at = evs.subarray(0, n).indexOf(e);
      if (at < 0) throw new TrailReplayError(`trail step ${i + 1} (${cm.events[e].type}) is not enabled in dmaspec's state before it`);
      const out = copyRow(cur);
      stepper.successor(e, taken[at], out.slots);
      events.push(e);
      rows.push(out);
      cur = out;
    });
    stepper.load(cur.slots);
    const violated = this.safety.filter((p) => !p.holds(stepper.view, this.model)).map((p) => p.name);
    const deadlock = stepper.enabled(evs, taken) === 0 && !this.model.isFinal(stepper.view);
    if (deadlock) violated.push('deadlock-free');
    const trace = describeRun(cm, coder, systemLens(this.model, cm), start, events, rows, deadlock && violated.length === 1 ? 'deadlock' : 'violation');
    return { trace, violated };
  }
}
