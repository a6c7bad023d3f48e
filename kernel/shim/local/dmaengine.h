/* Stand-in for a mainline tree's private drivers/dma/dmaengine.h, used only when the tree has
 * none beside dmaengine.c (the oracle copies in ../shared/kernel hold only the files the
 * harness replays). dmaengine.c uses nothing of it in a build without CONFIG_DEBUG_FS: its
 * helpers (dma_cookie_*, dmaengine_desc_callback_*) serve the DMA drivers. */
#include <linux/dmaengine.h>
