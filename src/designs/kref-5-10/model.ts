/**
 * Design `kref-5-10`: the mainline kref as Linux 5.10.7 ships it
 * (../shared/kernel/linux-5.10.7/drivers/dma/dmaengine.c): the `kref` design (7.0) with
 * 5.10.7's `dma_chan_get`, which on a public channel's first get runs `balance_ref_count`
 * (:473-474) and then `out: chan->client_count++` (:476-477), one count more than its users
 * (issue 31 M1). Built by the kref builder (src/designs/kref/model.ts); see README.md here.
 * @module
 */
import type { DesignModel } from '../../../machines/system/design.ts';
import { krefDesign } from '../kref/model.ts';

/** Mainline's kref design as 5.10.7 ships it. */
export const kref510: DesignModel = krefDesign({ name: 'kref-5-10', fixed: false, doubleIncrement: true, unregisterListDel: true });
