/**
 * The I/O hub: a hot-pluggable unit carrying I/OAT DMA devices (each N channels with one
 * capability mask), optionally on a CPU socket. Its lifecycle:
 * `absent → present → online → ejecting → removed → present …` (hot-add gives new device
 * instances). Surprise removal marks the hardware gone at any point while online or
 * ejecting; the orderly path then continues as the driver's remove.
 * @module
 */
import { createDevice, type DmaDevice, type DriverModule } from '../core/objects.ts';
import type { IohSpec } from '../scenario.ts';

/** Where an IOH is in its hot-plug lifecycle. */
export type IohLifecycle = 'absent' | 'present' | 'online' | 'ejecting' | 'removed';

/** One IOH and its current device instances. */
export class Ioh {
  state: IohLifecycle;
  /** The current device instances, in scenario order. */
  devices: DmaDevice[];
  /** The device orderly removal is working on (ejecting), or null. */
  current: DmaDevice | null = null;
  /** Each device's driver module, in scenario order: it outlives the instances (hot-add keeps it). */
  private readonly modules: readonly DriverModule[];

  /** Creates the IOH `present` with fresh, unregistered devices (call `probe` to register). */
  constructor(readonly spec: IohSpec) {
    this.state = 'present';
    this.modules = spec.devices.map(() => ({ refs: 0 }));
    this.devices = this.instances();
  }

  private instances(): DmaDevice[] {
    return this.spec.devices.map((d, i) => createDevice(d, this.modules[i]));
  }

  get name(): string {
    return this.spec.name;
  }

  /** The hardware of the current instance was surprise-removed. */
  get hardwareGone(): boolean {
    return this.devices.some((d) => d.hardwareGone);
  }

  /** Surprise removal is possible now: online or ejecting, hardware still there. */
  get canSurpriseRemove(): boolean {
    return (this.state === 'online' || this.state === 'ejecting') && !this.hardwareGone;
  }

  /** Hot-add after removal: the hub is present again with new device instances. */
  hotAdd(): void {
    this.devices = this.instances();
    this.current = null;
    this.state = 'present';
  }

  /** Surprise removal: every later use of this instance's channels hits missing hardware. */
  surpriseRemove(): void {
    for (const d of this.devices) d.hardwareGone = true;
  }
}
