/**
 * Which program a client thread runs, by its scenario kind.
 * @module
 */
import type { DmaEngine } from '../core/dmaengine.ts';
import type { ThreadProgram } from '../core/thread.ts';
import type { ClientState } from '../core/client-state.ts';
import { NET_DMA_STEPS, netDmaProgram } from './net-dma.ts';
import { SLAVE_STEPS, slaveProgram } from './slave.ts';

/** Starts the program of client `c` (not yet advanced to its first point). */
export function clientProgram(k: DmaEngine, c: ClientState, allocFailures = false): ThreadProgram {
  switch (c.spec.kind) {
    case 'net_dma':
      return netDmaProgram(k, c, false, allocFailures);
    case 'async_tx':
      return netDmaProgram(k, c, true, allocFailures);
    case 'slave':
      return slaveProgram(k, c);
  }
}

/** The step names of a client kind, in spec/threads.md order. */
export function clientSteps(c: ClientState): readonly string[] {
  return c.spec.kind === 'slave' ? SLAVE_STEPS : NET_DMA_STEPS;
}
