/**
 * The `dying` mark two designs put on a device at unregister: fail-fast makes every prep on
 * it return NULL, percpu-ref kills its reference (`percpu_ref_kill`). A design variable per
 * device, with the step that sets it, shared by the designs that use it.
 * @module
 */
import type { SystemContext } from '../../machines/system/context.ts';
import type { DesignVariable } from '../../machines/system/design.ts';

/** `ctx.design.devices[d].dying`: 1 once unregister marked the device as going away. */
export const dying: DesignVariable = {
  initial: 0,
  min: 0,
  max: 1,
  description: '1 once unregister marked the device as going away (fail-fast: prep returns NULL; percpu-ref: its ref is killed)',
};

/** Whether device `d` is marked dying. */
export const isDying = (ctx: SystemContext, d: number): boolean => ctx.design.devices[d].dying === 1;

/** The IOH step's action: marks the device it removes as dying. */
export const markDying = (ctx: SystemContext, { h }: { h: number }): void => {
  ctx.design.devices[ctx.iohs[h].cur].dying = 1;
};
