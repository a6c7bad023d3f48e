/**
 * Design `rfc-wait-unheld`: the RFC's strategy under the assumption `rfc-base-unheld`
 * (see its model.ts and spec/rfc-base.md).
 * @module
 */
import { rfcWaitStrategyFor } from '../rfc-wait/strategy.ts';

/** The RFC with public channels unheld at the wait. */
export const rfcWaitUnheldStrategy = rfcWaitStrategyFor('unheld');
