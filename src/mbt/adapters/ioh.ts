/**
 * Adapter of the `ioh` machine (machines/concerns/ioh.ts): one I/O hub of src/ioh on a
 * kernel of src/core (3.4 design: the machine leaves release notification to the
 * `release` machines). The machine starts with the hub absent; `hotAdd` creates or
 * re-creates it (new device instances), `probe` registers its devices, then the IOH
 * thread program (src/ioh/ioh-thread.ts) runs `eject` and, per machine `unregister`, the
 * program's `unregister` and `free` of the next device. `surpriseRemove` pulls the
 * hardware; the machine then goes on with `unregister` as the driver's remove, which in
 * the implementation is the same program (its `eject` step runs first if still due).
 * `cpu.offline/online {cpu}` are the dmaengine CPU notifier (`setCpuOnline`).
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { IohContext } from '../../../machines/concerns/ioh.ts';
import type { MachineModel } from '../../../machines/model.ts';
import { DmaEngine } from '../../core/dmaengine.ts';
import type { Point, ThreadProgram } from '../../core/thread.ts';
import { baselineStrategy } from '../../designs/baseline/strategy.ts';
import { Ioh } from '../../ioh/ioh.ts';
import { iohProgram, probe } from '../../ioh/ioh-thread.ts';
import type { Scenario } from '../../scenario.ts';
import type { FieldDoc } from '../fields.ts';
import type { InputField } from '../guards.ts';
import type { Adapter } from '../replay.ts';

/** What the IOH adapter compares. */
export interface IohProjection {
  /** `absent`, `present`, `online`, `ejecting`, `surpriseRemoved` or `removed`. */
  readonly state: string;
  /** Devices of the hub on `dma_device_list`. */
  readonly registered: number;
  readonly cpuOnline: readonly boolean[];
}

/** Where the IOH projection shows a slot of the machine's context: the CPUs' online bits. */
export const iohInputField: InputField = (slot) => (/^cpuOnline\[\d+\]$/.test(slot) ? { path: slot, decode: (v) => v === 1 || v === true } : undefined);

/** The fields of {@link IohProjection} for the export header. */
export const IOH_FIELDS: readonly FieldDoc[] = [
  {
    path: 'state',
    type: 'string',
    meaning:
      "the hub's ACPI hot-plug state, driver level: absent (not yet hot-added), present (hot-added, devices not probed), online (devices registered), ejecting (eject request, devices being unregistered), surpriseRemoved (hardware gone, not yet torn down), removed",
  },
  { path: 'registered', type: 'integer', meaning: 'devices of the hub on dma_device_list' },
  { path: 'cpuOnline[]', type: 'boolean', meaning: 'cpu_online(cpu), by CPU number' },
];

/** The implementation side of the ioh machine: the scenario's first IOH, no clients. */
export function iohScenario(scenario: Scenario): Scenario {
  return { ...scenario, iohs: [scenario.iohs[0]], clients: [] };
}

/** The IOH adapter for `model`, built from `scenario` like the machine. */
export function iohAdapter(model: MachineModel<IohContext>, scenario: Scenario): Adapter<IohProjection> {
  const spec = scenario.iohs[0];
  const n = spec.name;
  let k!: DmaEngine;
  let ioh: Ioh | null = null;
  let program: ThreadProgram | null = null;
  let point: Point | null = null;
  const reset = () => {
    ready = true;
    k = new DmaEngine({ cpus: scenario.cpus, strategy: baselineStrategy, quiesceThreshold: scenario.quiesceThreshold });
    ioh = program = point = null;
  };
  // Built on first use, so that an adapter can serve exports of designs without an implementation.
  let ready = false;
  const ensure = () => void (ready || reset());
  const resume = (step: string) => {
    const o = point?.offers.find((x) => x.step === step);
    if (!program || !o || o.variants().length === 0) throw new Error(`ioh adapter: ${step} is not enabled in the IOH program`);
    const r = program.next({ step, payload: {} });
    point = r.done ? null : r.value;
  };
  return {
    machine: model.name,
    reset,
    step(event) {
      ensure();
      if (event.type === 'cpu.offline' || event.type === 'cpu.online') return k.setCpuOnline(event.cpu as number, event.type === 'cpu.online');
      switch (event.type.slice(n.length + 1)) {
        case 'hotAdd':
          // The first hot-add creates the hub; later ones are the program's (fresh instances).
          if (!ioh) return void (ioh = new Ioh(spec));
          return resume('hotAdd');
        case 'probe':
          if (!program) {
            probe(k, ioh!);
            program = iohProgram(k, ioh!, true);
            const r = program.next();
            point = r.done ? null : r.value;
            return;
          }
          return resume('probe');
        case 'eject':
          return resume('eject');
        case 'unregister':
          if (point?.offers.some((o) => o.step === 'eject')) resume('eject');
          resume('unregister');
          // baseline's unregister channel loop (3.6 dmaengine.c:843-852), a step per channel, then the free.
          while (point?.offers.some((o) => o.step === 'chanUnregister')) resume('chanUnregister');
          return resume('free');
        case 'surpriseRemove':
          return ioh!.surpriseRemove();
        default:
          throw new Error(`ioh adapter: no operation for ${event.type}`);
      }
    },
    observe: () => (
      ensure(),
      {
        state: !ioh ? 'absent' : ioh.hardwareGone && ioh.state !== 'removed' ? 'surpriseRemoved' : ioh.state,
        registered: ioh ? ioh.devices.filter((d) => d.listed).length : 0,
        cpuOnline: [...k.cpuOnline],
      }
    ),
    expected: (s: AnyMachineSnapshot) => {
      const c = s.context as IohContext;
      return { state: String(s.value), registered: c.registered, cpuOnline: c.cpuOnline.map((x) => x === 1) };
    },
  };
}
