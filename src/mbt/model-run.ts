/**
 * fast-check model-based runs with a statechart as the model: xstate's pure `transition`
 * gives the expected state, the implementation (through an {@link Adapter}) the actual one,
 * compared after every command. A command is "take the n-th enabled event": always
 * applicable, so long random runs stay long, and shrinking (fewer commands, smaller n)
 * keeps producing valid runs that end in a short readable counterexample.
 * @module
 */
import fc from 'fast-check';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import type { StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import { firstDifference } from './diff.ts';
import { ConformanceError, type Adapter } from './replay.ts';
import { snapshotView, xstateStep } from '../../machines/xstate.ts';

/** The model side of a run: the machine's current snapshot and the events so far. */
export interface MachineState {
  snapshot: AnyMachineSnapshot;
  readonly trace: StepEvent[];
}

/** One command: take the `n`-th (modulo their number) enabled event of the machine. */
export class TakeEnabled implements fc.Command<MachineState, Adapter> {
  /** The event this command took in its last run (for the counterexample's text). */
  private taken: StepEvent | null = null;
  constructor(
    private readonly model: MachineModel,
    readonly n: number,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: MachineState, real: Adapter): void {
    const enabled = this.model.enabledEvents(snapshotView(m.snapshot));
    if (enabled.length === 0) return void (this.taken = null); // a final or deadlocked state: nothing to take
    const event = enabled[this.n % enabled.length];
    this.taken = event;
    m.trace.push(event);
    m.snapshot = xstateStep(this.model.machine)(m.snapshot, event);
    try {
      real.step(event);
    } catch (err) {
      throw new ConformanceError(this.model.name, m.trace, m.trace.length - 1, 'step', 'accepted', err instanceof Error ? err.message : String(err));
    }
    compare(this.model, m, real);
  }
  toString(): string {
    return this.taken ? JSON.stringify(this.taken) : `(nothing enabled; n=${this.n})`;
  }
}

function compare(model: MachineModel, m: MachineState, real: Adapter): void {
  const d = firstDifference(real.expected(m.snapshot), JSON.parse(JSON.stringify(real.observe())));
  if (d) throw new ConformanceError(model.name, m.trace, m.trace.length - 1, d.path, d.expected, d.actual);
}

/** Commands of up to `maxCommands` steps over `model`. */
export function machineCommands(model: MachineModel, maxCommands: number): fc.Arbitrary<Iterable<fc.Command<MachineState, Adapter>>> {
  // size 'max': without it fast-check keeps generated runs to a few dozen commands.
  return fc.commands([fc.nat({ max: 1 << 16 }).map((n) => new TakeEnabled(model, n))], { maxCommands, size: 'max' });
}

/**
 * The fast-check property "the implementation follows the machine on every command
 * sequence": each run starts both sides fresh, compares the initial states, then runs the
 * commands. Failing runs throw {@link ConformanceError}; fast-check shrinks them.
 * `onRun` hears each run's number of steps taken.
 */
export function conformsOnRandomRuns(model: MachineModel, adapter: Adapter, maxCommands: number, onRun?: (steps: number) => void) {
  return fc.property(machineCommands(model, maxCommands), (cmds) => {
    adapter.reset();
    const [snapshot] = initialTransition(model.machine) as [AnyMachineSnapshot, unknown];
    const m: MachineState = { snapshot, trace: [] };
    compare(model, m, adapter);
    fc.modelRun(() => ({ model: m, real: adapter }), cmds);
    onRun?.(m.trace.length);
  });
}
