/**
 * The I/O hub: a hot-pluggable unit carrying I/OAT DMA devices (each N channels with one
 * capability mask), optionally on a CPU socket. Its lifecycle:
 * `absent → present → online → ejecting → removed → present …` (hot-add gives new device
 * instances). Surprise removal marks the hardware gone at any point while online or
 * ejecting; the orderly path then continues as the driver's remove.
 * @module
 */
import { createDevice, type DmaDevice } from '../core/objects.ts';
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

  /** Creates the IOH `present` with fresh, unregistered devices (call `probe` to register). */
  constructor(readonly spec: IohSpec) {
    this.state = 'present';
    this.devices = spec.devices.map(createDevice);
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
    this.devices = this.spec.devices.map(createDevice);
    this.current = null;
    this.state = 'present';
  }

  /** Surprise removal: every later use of this instance's channels hits missing hardware. */
  surpriseRemove(): void {
    for (const d of this.devices) d.hardwareGone = true;
  }
}
