/* What kernel.c (the translation unit that #includes the tree's drivers/dma/dmaengine.c)
 * gives the rest of the harness: the file's static state and static functions, which only
 * code in the same translation unit can reach. Kernel types: include after the shim. */
#ifndef DMASPEC_KX_H
#define DMASPEC_KX_H
#include <linux/dmaengine.h>

/* Which file this binary was built from (kernel.c sets them from the build's defines). */
extern const char *const kx_flavour; /* "3.x", "rfc", "mainline" */

/* arch_initcall dma_channel_table_init, then dma_bus_init, as the kernel boots. */
int kx_init(void);
/* dma_device_list, dmaengine_ref_count, channel_table[cap] of a CPU. */
struct list_head *kx_device_list(void);
long kx_ref_count(void);
struct dma_chan *kx_table(int cap, int cpu);
/* dma_list_mutex, for the harness's own calls of static functions under it. */
struct mutex *kx_list_mutex(void);
/* Static dma_channel_rebalance (the RFC's with quiesce false) and dma_chan_put. */
void kx_rebalance(void);
void kx_chan_put(struct dma_chan *chan);

/* The RFC (CONFIG_DMA_ENGINE_HOTPLUG): 0 when the build has none. */
int kx_rfc(void);
long kx_ref(int cpu);
int kx_key(void);
int kx_dirty(void);
void kx_quiesce(void);
void kx_key_slow(int inc);
struct dma_chan *kx_get_channel(struct dma_chan *chan);
void kx_put_channel(struct dma_chan *chan);
/* The RFC base's CPU notifier hotcpu_rebalance (0 when the build has none). */
int kx_has_hotcpu(void);
void kx_hotcpu(unsigned long action, int cpu);

/* 3.x: how many ids dma_idr holds (-1 when the build has none: mainline's dma_ida). */
int kx_idr_used(void);

/* Whether dma_idr (3.x) or dma_ida (mainline) holds id. */
int kx_id_held(int id);

/* Mainline: the dma_device kref count (-1 when the build has none). */
int kx_kref(struct dma_device *device);

/* The harness's hooks the adapted kernel sources call (kernel/patches/rfc-adapt.patch). */
extern int dmaspec_quiesce_threshold;
void dmaspec_watch_quiesce(int *cpu, long *sum, int *count);
void dmaspec_rfc_base_put_refs(struct dma_device *device);

#endif
