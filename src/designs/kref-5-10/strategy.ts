/**
 * Design `kref-5-10` on src/core: the kref strategy of src/designs/kref/strategy.ts with
 * 5.10.7's double increment in `dma_chan_get` (dmaengine.c:473-477).
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import { krefStrategyOf } from '../kref/strategy.ts';

/** Mainline kref as 5.10.7 ships it. */
export const kref510Strategy: DesignStrategy = krefStrategyOf({ name: 'kref-5-10', fixed: false, doubleIncrement: true, unregisterListDel: true });
