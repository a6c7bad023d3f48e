/**
 * Kept for bench/hotpath/static-cost.ts, which imports snapshotView from here: the view of
 * an xstate snapshot is machines/xstate.ts. (When the bench imports it from there, this file goes.)
 * @module
 */
export { snapshotView } from '../../machines/xstate.ts';
