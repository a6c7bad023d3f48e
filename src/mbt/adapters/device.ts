/**
 * Adapter of the `device` machine (machines/concerns/device.ts): the life of one DMA
 * device on a kernel of src/core under the scenario's design — `dma_async_device_register`,
 * `dma_request_channel` / `dma_release_channel` by private clients, and unregister as the
 * design's removal program (src/designs/<name>/strategy.ts) stepped to the machine's
 * abstraction: `quiesced` runs the whole RFC quiesce loop (nobody holds a per-CPU
 * reference here); the other phase steps of the design (machines/concerns/device.ts reads
 * them off the design model) are the program's own steps of the same names.
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { DeviceContext } from '../../../machines/concerns/device.ts';
import type { MachineModel } from '../../../machines/model.ts';
import { DmaEngine } from '../../core/dmaengine.ts';
import { createDevice, type DmaChan, type DmaDevice } from '../../core/objects.ts';
import type { Point, ThreadProgram } from '../../core/thread.ts';
import { designModel } from '../../designs/models.ts';
import { strategyFor } from '../../designs/strategies.ts';
import type { Scenario } from '../../scenario.ts';
import type { FieldDoc } from '../fields.ts';
import type { Adapter } from '../replay.ts';
import { snapshotView } from '../../../machines/xstate.ts';

/** What the device adapter compares. */
export interface DeviceProjection {
  /** `unregistered`, `registered.public`, `registered.private`, `unregistering.<step>` or `freed`. */
  readonly state: string;
  readonly listed: boolean;
  readonly private: boolean;
  readonly privatecnt: number;
  /** Channels with clients (only private clients take references here). */
  readonly holders: number;
  readonly freed: boolean;
}

/** The fields of {@link DeviceProjection} for the export header. */
export const DEVICE_FIELDS: readonly FieldDoc[] = [
  {
    path: 'state',
    type: 'string',
    meaning:
      "derived, not a kernel variable: unregistered; registered.public / registered.private (on dma_device_list, DMA_PRIVATE clear / set); unregistering.<phase> (dma_async_device_unregister called, the design's wait is at <phase>, see the event list); freed",
  },
  { path: 'listed', type: 'boolean', meaning: 'the device is on dma_device_list' },
  { path: 'private', type: 'boolean', meaning: 'DMA_PRIVATE set in the device cap_mask' },
  { path: 'privatecnt', type: 'integer', meaning: 'device->privatecnt' },
  { path: 'holders', type: 'integer', meaning: 'channels of the device with chan->client_count > 0 (only private holders take references here)' },
  { path: 'freed', type: 'boolean', meaning: "the device and its channels are freed (the driver's kfree after unregister, or device_release)" },
];

/** The implementation side of the device machine: the first device of the first IOH, no clients. */
export function deviceScenario(scenario: Scenario): Scenario {
  const ioh = scenario.iohs[0];
  return { ...scenario, iohs: [{ ...ioh, devices: [ioh.devices[0]] }], clients: [] };
}

/** Removal-program steps that belong to the RFC quiesce loop (the machine's `quiesced`). */
const QUIESCE_STEPS = new Set(['keyOn', 'clearDirty', 'tick', 'read', 'keyOff']);

/**
 * Machine phase steps the implementation's removal program does not yield because they
 * are conditions, not code: notifier's `acked` is the wait for acknowledgements, which the
 * program folds into the guard of its `putRefs` (with no client threads, it holds at once).
 */
const CONDITION_STEPS = new Set(['acked']);

/** The device adapter for `model`, built from `scenario` like the machine. */
export function deviceAdapter(model: MachineModel<DeviceContext>, scenario: Scenario): Adapter<DeviceProjection> {
  const spec = scenario.iohs[0].devices[0];
  const n = spec.name;
  let k!: DmaEngine;
  let device!: DmaDevice;
  let held: DmaChan[] = [];
  let removal: ThreadProgram | null = null;
  let point: Point | null = null;
  const reset = () => {
    ready = true;
    k = new DmaEngine({ cpus: scenario.cpus, strategy: strategyFor(scenario.design), quiesceThreshold: scenario.quiesceThreshold });
    device = createDevice(spec);
    held = [];
    removal = point = null;
  };
  // Built on first use, so that an adapter can serve exports of designs without an implementation.
  let ready = false;
  const ensure = () => void (ready || reset());
  const offered = () => point?.offers.find((o) => o.variants().length > 0)?.step;
  // The design's unregister phases as the device machine lists them, then the free.
  const D = designModel(scenario.design);
  const phases = [...D.unregisterPhases, { state: D.freeWaitsForHolders ? 'waiting' : 'unlisted', step: 'free' }];
  /** Machine phase steps done since unregister (to place condition-only phases). */
  let phaseSteps = 0;
  /** The phase the implementation's removal program is in, read off the step it waits at. */
  const implPhase = (): string => {
    const next = point?.offers[0]?.step;
    let i = next === undefined ? phases.length - 1 : phases.findIndex((p) => p.step === next || (p.step === 'quiesced' && QUIESCE_STEPS.has(next)));
    if (i < 0) return `(at ${next})`;
    const condition = phases.findIndex((p, j) => j >= phaseSteps && CONDITION_STEPS.has(p.step));
    if (condition >= 0 && condition < i) i = condition;
    return phases[i].state;
  };
  const resume = (step: string) => {
    if (!removal || offered() !== step) throw new Error(`device adapter: ${step} is not the removal program's next step (${offered() ?? 'none'})`);
    const r = removal.next({ step, payload: {} });
    point = r.done ? null : r.value;
  };
  return {
    machine: model.name,
    reset,
    step(event) {
      ensure();
      switch (event.type.slice(n.length + 1)) {
        case 'register':
          return k.dmaAsyncDeviceRegister(device);
        case 'request': {
          const chan = k.dmaRequestChannel(spec.capabilities[0]);
          if (!chan) throw new Error('device adapter: dma_request_channel returned NULL');
          held.push(chan);
          return;
        }
        case 'release':
          return k.dmaReleaseChannel(held.pop()!, 'holder');
        case 'unregister': {
          phaseSteps = 0;
          k.dmaAsyncDeviceUnregister(device);
          // No client threads here, only the machine's abstract holders. (Called through a
          // widened type: the seam is gaining a clients parameter.)
          const removeDevice = k.design.removeDevice as (d: DmaDevice, clients: readonly never[]) => ThreadProgram;
          removal = removeDevice.call(k.design, device, []);
          const r = removal.next();
          point = r.done ? null : r.value;
          return;
        }
        default: {
          const step = event.type.slice(n.length + 1);
          if (!phases.some((p) => p.step === step)) throw new Error(`device adapter: no operation for ${event.type}`);
          phaseSteps++;
          if (step === 'quiesced') while (point && QUIESCE_STEPS.has(point.offers[0].step)) resume(point.offers[0].step);
          else if (!CONDITION_STEPS.has(step)) resume(step);
          return;
        }
      }
    },
    observe: () => {
      ensure();
      const state = device.freed
        ? 'freed'
        : device.listed
          ? `registered.${device.private ? 'private' : 'public'}`
          : removal
            ? `unregistering.${implPhase()}`
            : 'unregistered';
      return {
        state,
        listed: device.listed,
        private: device.private,
        privatecnt: device.privatecnt,
        holders: device.channels.filter((c) => c.clientCount > 0).length,
        freed: device.freed,
      };
    },
    expected: (s: AnyMachineSnapshot) => {
      const v = snapshotView<DeviceContext>(s);
      const state = leafPath(s.value);
      return {
        state,
        listed: v.active(`${n}.registered`),
        private: v.context.privatecnt > 0,
        privatecnt: v.context.privatecnt,
        holders: v.context.holders,
        freed: v.active(`${n}.freed`),
      };
    },
  };
}

/** `{ registered: 'public' }` → `registered.public`. */
export function leafPath(value: unknown): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value as Record<string, unknown>)[0];
  return `${k}.${leafPath(v)}`;
}
