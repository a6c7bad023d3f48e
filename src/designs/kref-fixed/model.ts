/**
 * Design `kref-fixed`: the mainline kref with Shivank Garg's 2026 fixes
 * (`Fixes: 8ad342a86359`): `dma_chan_put` drops the device reference only when
 * `client_count` reaches 0, and `dma_chan_put` / `dma_release_channel` read the owner and
 * `privatecnt` before the put that may free the device. Built by the kref builder
 * (src/designs/kref/model.ts); see README.md here.
 * @module
 */
import type { DesignModel } from '../../../machines/system/design.ts';
import { krefDesign } from '../kref/model.ts';

/** Mainline's kref design with the device-reference balance and the read-before-put order fixed. */
export const krefFixed: DesignModel = krefDesign({ name: 'kref-fixed', fixed: true, doubleIncrement: false, unregisterListDel: false });
