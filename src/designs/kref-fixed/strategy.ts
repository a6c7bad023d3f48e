/**
 * Design `kref-fixed` on src/core: the kref strategy of src/designs/kref/strategy.ts with
 * Garg's fixes (the device reference dropped on a channel's →0 put; nothing read after it).
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import { krefStrategyOf } from '../kref/strategy.ts';

/** Mainline kref, fixed. */
export const krefFixedStrategy: DesignStrategy = krefStrategyOf({ name: 'kref-fixed', fixed: true, doubleIncrement: false, unregisterListDel: false });
