/**
 * The design registry: design name → its model for the system machine. Adding a design is
 * one folder `src/designs/<name>/model.ts` and one line here.
 * @module
 */
import type { DesignModel } from '../../machines/system/design.ts';
import { baseline } from './baseline/model.ts';
import { failFast } from './fail-fast/model.ts';
import { kref } from './kref/model.ts';
import { krefFixed } from './kref-fixed/model.ts';
import { notifier } from './notifier/model.ts';
import { percpuRef } from './percpu-ref/model.ts';
import { percpuRefNoGp } from './percpu-ref-nogp/model.ts';
import { rfcWait } from './rfc-wait/model.ts';
import { rfcWaitUnheld } from './rfc-wait-unheld/model.ts';

/** Every design the system machine can be built with, by name. */
export const DESIGN_MODELS: Readonly<Record<string, DesignModel>> = {
  baseline,
  'rfc-wait': rfcWait,
  'rfc-wait-unheld': rfcWaitUnheld,
  notifier,
  'fail-fast': failFast,
  kref,
  'kref-fixed': krefFixed,
  'percpu-ref': percpuRef,
  'percpu-ref-nogp': percpuRefNoGp,
};

/** A scenario names a design that has no model yet. */
export class UnknownDesignError extends Error {
  override readonly name = 'UnknownDesignError';
  constructor(readonly design: string) {
    super(`design ${design} has no machine model (known: ${Object.keys(DESIGN_MODELS).join(', ')})`);
  }
}

/** The model of design `name`. @throws UnknownDesignError */
export function designModel(name: string): DesignModel {
  const m = DESIGN_MODELS[name];
  if (!m) throw new UnknownDesignError(name);
  return m;
}
