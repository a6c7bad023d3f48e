/**
 * Adapter of the `quiesce` machine (machines/concerns/quiesce.ts): the RFC's
 * `dma_channel_quiesce` (src/core/hotplug.ts) run as a thread program step by step, with
 * the hot path's per-CPU counts moved by `env.find`/`env.get`/`env.put {cpu}` through the
 * rfc-wait design's `dma_find_channel`/`dma_get_channel`/`dma_put_channel`.
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { MachineModel } from '../../../machines/model.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import { splitEvent } from '../../../spec/vocabulary.ts';
import { DmaEngine } from '../../core/dmaengine.ts';
import { dmaChannelQuiesce } from '../../core/hotplug.ts';
import { createDevice, type DmaChan } from '../../core/objects.ts';
import type { Point } from '../../core/thread.ts';
import { rfcWaitStrategy } from '../../designs/rfc-wait/strategy.ts';
import type { Scenario } from '../../scenario.ts';
import type { FieldDoc } from '../fields.ts';
import type { InputField } from '../guards.ts';
import type { Adapter } from '../replay.ts';
import { snapshotView } from '../../../machines/xstate.ts';

/** Where the quiesce loop is: the machine's state under `<ioh>.quiesce`, or `done`. */
export type QuiescePhase = 'starting' | 'roundStart' | 'sleeping' | 'reading' | 'ended' | 'done';

/** What the quiesce adapter compares. */
export interface QuiesceProjection {
  readonly phase: QuiescePhase;
  readonly ref: readonly number[];
  readonly key: boolean;
  /** Whether `dmaengine_dirty` was bumped (the machine saturates it at 1; the loop reads only that). */
  readonly dirtySet: boolean;
  /** Consecutive zero sums, inside the loop (null before key on and after key off). */
  readonly count: number | null;
  /** While reading: the next CPU to read (other phases: null). */
  readonly readingNext: number | null;
  /** While reading: the sum so far (other phases: null). */
  readonly readingSum: number | null;
}

/** The fields of {@link QuiesceProjection} for the export header. */
export const QUIESCE_FIELDS: readonly FieldDoc[] = [
  {
    path: 'phase',
    type: 'string',
    meaning:
      'where dma_channel_quiesce is: starting (before static_key_slow_inc), roundStart (before atomic_set(&dmaengine_dirty, 0)), sleeping (before the tick), reading (summing per_cpu dmaengine_chan_ref_count one CPU a step), ended (before static_key_slow_dec), done (returned)',
  },
  { path: 'ref[]', type: 'integer', meaning: 'per_cpu(dmaengine_chan_ref_count, cpu), by CPU number' },
  { path: 'key', type: 'boolean', meaning: 'static_key_enabled(&dmaengine_quiesce)' },
  { path: 'dirtySet', type: 'boolean', meaning: 'atomic_read(&dmaengine_dirty) != 0 (the loop only tests it; the count itself is not compared here)' },
  {
    path: 'count',
    type: 'integer|null',
    meaning:
      "the loop's consecutive zero sums so far; null before key on (starting) and after dma_channel_quiesce returned (done); in ended it keeps the final count",
  },
  { path: 'readingNext', type: 'integer|null', meaning: 'while summing: the next CPU whose count is read; otherwise null' },
  { path: 'readingSum', type: 'integer|null', meaning: 'while summing: the sum of the CPUs read so far; otherwise null' },
];

/** Where {@link QuiesceProjection} shows a slot of the machine's context: the per-CPU counts and the key. */
export const quiesceInputField: InputField = (slot) =>
  /^ref\[\d+\]$/.test(slot) ? { path: slot, decode: (v) => v } : slot === 'key' ? { path: 'key', decode: (v) => v === 1 || v === true } : undefined;

/** The implementation side of the quiesce machine: the first device of the first IOH, rfc-wait's hot path, no clients. */
export function quiesceScenario(scenario: Scenario): Scenario {
  const ioh = scenario.iohs[0];
  return { ...scenario, design: 'rfc-wait', iohs: [{ ...ioh, devices: [ioh.devices[0]] }], clients: [] };
}

const PHASE_OF_STEP: Record<string, QuiescePhase> = {
  keyOn: 'starting',
  clearDirty: 'roundStart',
  tick: 'sleeping',
  read: 'reading',
  keyOff: 'ended',
};

/** Between key on and key off, where the consecutive-zero count means something. */
const inLoop = (phase: QuiescePhase) => phase !== 'starting' && phase !== 'done';

/** The quiesce adapter for `model`, built from `scenario` like the machine. */
export function quiesceAdapter(model: MachineModel<SystemContext>, scenario: Scenario): Adapter<QuiesceProjection> {
  const ioh = scenario.iohs[0].name;
  const spec = scenario.iohs[0].devices[0];
  let k!: DmaEngine;
  let chan!: DmaChan;
  let program!: Generator<Point, void, { step: string; payload: Record<string, never> }>;
  let point: Point | null = null;
  const reset = () => {
    ready = true;
    k = new DmaEngine({ cpus: scenario.cpus, strategy: rfcWaitStrategy, quiesceThreshold: scenario.quiesceThreshold });
    chan = createDevice(spec).channels[0];
    program = dmaChannelQuiesce(k);
    const r = program.next();
    point = r.done ? null : r.value;
  };
  // Built on first use, so that an adapter can serve exports of designs without an implementation.
  let ready = false;
  const ensure = () => void (ready || reset());
  const nextStep = () => point?.offers[0]?.step;
  return {
    machine: model.name,
    reset,
    step(event) {
      ensure();
      const { thread, step } = splitEvent(event.type);
      const cpu = event.cpu as number;
      if (thread === 'env') {
        if (step === 'find') k.dmaFindChannel(spec.capabilities[0], cpu);
        else if (step === 'get') k.dmaGetChannel(chan, cpu);
        else if (step === 'put') k.dmaPutChannel(null, cpu);
        else throw new Error(`quiesce adapter: no operation for ${event.type}`);
        return;
      }
      if (thread !== ioh || !point || nextStep() !== step)
        throw new Error(`quiesce adapter: ${event.type} is not the loop's next step (${nextStep() ?? 'done'})`);
      const r = program.next({ step, payload: {} });
      point = r.done ? null : r.value;
    },
    observe: () => {
      ensure();
      const phase: QuiescePhase = point ? PHASE_OF_STEP[nextStep()!] : 'done';
      const q = k.quiesce;
      return {
        phase,
        ref: [...k.ref],
        key: k.key,
        dirtySet: k.dirty > 0,
        count: inLoop(phase) ? (q?.count ?? null) : null,
        readingNext: phase === 'reading' && q ? q.next : null,
        readingSum: phase === 'reading' && q ? q.sum : null,
      };
    },
    expected: (s: AnyMachineSnapshot) => {
      const v = snapshotView<SystemContext>(s);
      const phases: QuiescePhase[] = ['starting', 'roundStart', 'sleeping', 'reading', 'ended'];
      const phase = phases.find((p) => v.active(`${ioh}.quiesce.${p}`)) ?? 'done';
      const c = v.context;
      return {
        phase,
        ref: [...c.ref],
        key: c.key === 1,
        dirtySet: c.dirty > 0,
        count: inLoop(phase) ? c.iohs[0].count : null,
        readingNext: phase === 'reading' ? c.iohs[0].next : null,
        readingSum: phase === 'reading' ? c.iohs[0].sum : null,
      };
    },
  };
}
