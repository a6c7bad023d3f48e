/**
 * Kept for src/cli/paths.ts, which imports StateLimitError from here: the explorer on
 * xstate is machines/xstate.ts. (When paths.ts imports it from there, this file goes.)
 * @module
 */
export { StateLimitError } from '../../machines/xstate.ts';
