/* The translation unit of the kernel file: the tree's drivers/dma/dmaengine.c, whole and
 * unmodified (or, for the RFC and kref-fixed builds, as the project's patches leave it in a
 * temporary build folder), compiled against the shim, followed by the accessors kx.h lists.
 * DMASPEC_KERNEL_C is the file's path (a string), set by the build. */
#include <dmaspec-shim.h>
#include DMASPEC_KERNEL_C

#include "kx.h"

#if defined(CONFIG_DMA_ENGINE_HOTPLUG)
const char *const kx_flavour = "rfc";
#elif defined(DMASPEC_MAINLINE)
const char *const kx_flavour = "mainline";
#else
const char *const kx_flavour = "3.x";
#endif

int kx_init(void)
{
	int err = dma_channel_table_init();
	return err ? err : dma_bus_init();
}

struct list_head *kx_device_list(void) { return &dma_device_list; }
long kx_ref_count(void) { return dmaengine_ref_count; }
struct dma_chan *kx_table(int cap, int cpu) { return channel_table[cap] ? per_cpu_ptr(channel_table[cap], cpu)->chan : NULL; }
struct mutex *kx_list_mutex(void) { return &dma_list_mutex; }

void kx_rebalance(void)
{
#if defined(CONFIG_DMA_ENGINE_HOTPLUG)
	dma_channel_rebalance(false);
#else
	dma_channel_rebalance();
#endif
}

void kx_chan_put(struct dma_chan *chan) { dma_chan_put(chan); }

#if defined(CONFIG_DMA_ENGINE_HOTPLUG)
int kx_rfc(void) { return 1; }
long kx_ref(int cpu) { return *per_cpu_ptr(&dmaengine_chan_ref_count, cpu); }
int kx_key(void) { return static_key_enabled(&dmaengine_quiesce); }
int kx_dirty(void) { return dmaengine_dirty.counter; }
void kx_quiesce(void) { dma_channel_quiesce(); }
void kx_key_slow(int inc)
{
	if (inc)
		static_key_slow_inc(&dmaengine_quiesce);
	else
		static_key_slow_dec(&dmaengine_quiesce);
}
struct dma_chan *kx_get_channel(struct dma_chan *chan) { return dma_get_channel(chan); }
void kx_put_channel(struct dma_chan *chan) { dma_put_channel(chan); }
int kx_has_hotcpu(void) { return 1; }
void kx_hotcpu(unsigned long action, int cpu) { hotcpu_rebalance(NULL, action, (void *)(long)cpu); }
#else
int kx_rfc(void) { return 0; }
long kx_ref(int cpu) { (void)cpu; return 0; }
int kx_key(void) { return 0; }
int kx_dirty(void) { return 0; }
void kx_quiesce(void) {}
void kx_key_slow(int inc) { (void)inc; }
struct dma_chan *kx_get_channel(struct dma_chan *chan) { return chan; }
void kx_put_channel(struct dma_chan *chan) { (void)chan; }
int kx_has_hotcpu(void) { return 0; }
void kx_hotcpu(unsigned long action, int cpu) { (void)action, (void)cpu; }
#endif

#if defined(DMASPEC_MAINLINE)
int kx_kref(struct dma_device *device) { return (int)kref_read(&device->ref); }
#else
int kx_kref(struct dma_device *device) { (void)device; return -1; }
#endif

int kx_idr_used(void)
{
#ifndef DMASPEC_MAINLINE
	int n = 0;
	for (int i = 0; i < 256; i++)
		n += test_bit(i, dma_idr.bits);
	return n;
#else
	return -1;
#endif
}

int kx_id_held(int id)
{
	if (id < 0 || id >= 256)
		return 0;
#ifndef DMASPEC_MAINLINE
	return test_bit(id, dma_idr.bits);
#else
	return test_bit(id, dma_ida.bits);
#endif
}
