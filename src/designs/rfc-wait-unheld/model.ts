/**
 * Design `rfc-wait-unheld`: the RFC (design `rfc-wait`) under the assumption
 * `rfc-base-unheld`: its unseen base keeps no `dmaengine_get` reference on public channels
 * at unregister's wait (spec/rfc-base.md says why this is a reading, not a fact).
 * @module
 */
import { rfcWaitDesign } from '../rfc-wait/model.ts';

/** The RFC with public channels unheld at the wait. */
export const rfcWaitUnheld = rfcWaitDesign('unheld');
