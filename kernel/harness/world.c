/* The scenario on the real kernel: a fake DMA driver (one struct dma_device per scenario
 * device), the model's threads as coroutines running real kernel calls (the client programs
 * of spec/threads.md), the step table that says where each model step ends in the kernel's
 * code (steps.c), and the observable state read back from the kernel's own variables. */
#include <dmaspec-shim.h>
#include <linux/dmaengine.h>

#include "harness.h"
#include "json.h"
#include "kx.h"
#include "steps.h"
#include "world.h"

#define MAXDEV 8
#define MAXCHAN 16
#define MAXHUB 4
#define MAXVIOL 64

/* ---- the fake DMA driver: like ioatdma, a device struct embedding dma_device, a channel struct
 * per channel embedding dma_chan, a descriptor ring per channel while resources are allocated ---- */

struct fring {
	struct dma_async_tx_descriptor desc;
	long submitted, issued;
};
struct fchan {
	struct dma_chan common;
	int index; /* the world's channel index */
	struct fring *ring; /* kept after free_chan_resources (like a stale driver pointer): a later prep touches freed memory */
	int resources;
	int unsynced; /* a descriptor submitted since the last device_synchronize (the device's deviceSynchronize) */
};
struct fdev {
	struct dma_device common;
	int index;
};

struct wdev {
	char name[32];
	int hub, nchan, first_chan;
	int caps[8], ncaps;
	struct fdev *inst;
	int freed;
	int registered, dev_id; /* dma_async_device_register returned 0 for inst, and the id it took */
	int unregistered;       /* dma_async_device_unregister of inst returned */
	/* Its driver and module (dma_chan_to_owner): one per scenario device, so that the module
	 * count the kernel keeps (one reference per client_count) is observed per device
	 * (devices[].module); they outlive every instance, as the PCI device's driver does. */
	struct module mod;
	struct device_driver drv;
	/* Driver quirks the scenario's device asks for (src/scenario.ts DeviceSpec): alloc_chan_resources
	 * returns 0 (allocReturnsZero); the driver has device_synchronize (deviceSynchronize). */
	int alloc_zero, sync;
	int priv; /* registered with DMA_PRIVATE set (the scenario device's `private`) */
};
struct wchan {
	char id[48];
	int dev;
	struct fchan *inst;
	struct fchan *past[8]; /* earlier instances (hot-add again) */
	int npast;
	const void *reg_local, *reg_dev; /* what the registration set chan->local and chan->dev to */
};
struct whub {
	char name[32];
	int first_dev, ndev;
	int cur; /* the device being removed, -1 none */
	int state; /* ioh machine: absent, present, online, ejecting, surpriseRemoved, removed */
	int surprise;
};

static struct wdev devs[MAXDEV];
static struct wchan chans[MAXCHAN];
static struct whub hubs[MAXHUB];
static int ndev, nchan, nhub;
static struct wthread wth[RT_MAX_THREADS];
static int clients[RT_MAX_THREADS], nclients; /* rt thread of each scenario client, in order */
static enum machine machine;
static unsigned design;
static int fail_alloc; /* allocOk=false: the next device_alloc_chan_resources fails */
static int cpu_arg;    /* the CPU of the CPU hotplug operation in progress */
static char violations[MAXVIOL][96];
static int nviol;
static struct rt_fault step_faults[32];
static int nstep_faults;
static int last_thread = -1;
static char step_warnings[1024];

/* quiesce locals, watched through the adaptation (kernel/patches/rfc-adapt.patch) */
static int *q_cpu, *q_count;
static long *q_sum;
int dmaspec_quiesce_threshold = 10;
void dmaspec_watch_quiesce(int *cpu, long *sum, int *count)
{
	q_cpu = cpu;
	q_sum = sum;
	q_count = count;
}

static int chan_index(const struct dma_chan *c)
{
	for (int i = 0; i < nchan; i++) {
		if (chans[i].inst && &chans[i].inst->common == c)
			return i;
		for (int k = 0; k < chans[i].npast; k++)
			if (&chans[i].past[k]->common == c)
				return i;
	}
	return -1;
}

static int fake_alloc_chan_resources(struct dma_chan *chan)
{
	struct fchan *fc = container_of(chan, struct fchan, common);
	if (fail_alloc) {
		fail_alloc = 0; /* the first alloc of the request fails (kernel/README.md) */
		return -ENOMEM;
	}
	fc->ring = kzalloc(sizeof *fc->ring, GFP_KERNEL);
	rt_tag(fc->ring, RT_TAG_CHAN, fc->index);
	fc->resources = 1;
	fc->unsynced = 0;
	/* The descriptors it allocated; a driver that preallocates none returns 0, also success. */
	return devs[chans[fc->index].dev].alloc_zero ? 0 : 1;
}

static void add_violation(const char *v);
static void fake_free_chan_resources(struct dma_chan *chan)
{
	struct fchan *fc = container_of(chan, struct fchan, common);
	/* A driver with device_synchronize: freeing what a submitted descriptor may still use,
	 * with no synchronize since (7.0 dmaengine.h:1153), is the client's or dmaengine's bug. */
#ifdef DMASPEC_MAINLINE /* 3.x has no device_synchronize: the option changes nothing there */
	if (fc->unsynced && devs[chans[fc->index].dev].sync) {
		char v[96];
		snprintf(v, sizeof v, "unsynchronized-free:%s", chans[fc->index].id);
		add_violation(v);
	}
#endif
	kfree(fc->ring);
	fc->resources = 0;
}

#ifdef DMASPEC_MAINLINE
/* device_synchronize (the device's deviceSynchronize): dmaengine_synchronize's driver call. */
static void fake_synchronize(struct dma_chan *chan) { container_of(chan, struct fchan, common)->unsynced = 0; }
#endif

static dma_cookie_t fake_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct fring *r = container_of(tx, struct fring, desc);
	container_of(tx->chan, struct fchan, common)->unsynced = 1;
	return (dma_cookie_t)++r->submitted;
}

static struct dma_async_tx_descriptor *fake_prep(struct dma_chan *chan)
{
	struct fchan *fc = container_of(chan, struct fchan, common);
	struct fring *r = fc->ring; /* the descriptor ring: freed memory once resources are freed */
	dma_async_tx_descriptor_init(&r->desc, chan);
	r->desc.tx_submit = fake_tx_submit;
	return &r->desc;
}

static struct dma_async_tx_descriptor *fake_prep_memcpy(struct dma_chan *chan, dma_addr_t d, dma_addr_t s, size_t len, unsigned long flags)
{
	(void)d, (void)s, (void)len, (void)flags;
	return fake_prep(chan);
}
static struct dma_async_tx_descriptor *fake_prep_xor(struct dma_chan *chan, dma_addr_t d, dma_addr_t *s, unsigned int n, size_t len, unsigned long flags)
{
	(void)d, (void)s, (void)n, (void)len, (void)flags;
	return fake_prep(chan);
}
static struct dma_async_tx_descriptor *fake_prep_pq(struct dma_chan *chan, dma_addr_t *d, dma_addr_t *s, unsigned int n, const unsigned char *scf, size_t len, unsigned long flags)
{
	(void)d, (void)s, (void)n, (void)scf, (void)len, (void)flags;
	return fake_prep(chan);
}
static struct dma_async_tx_descriptor *fake_prep_interrupt(struct dma_chan *chan, unsigned long flags)
{
	(void)flags;
	return fake_prep(chan);
}
static enum dma_status fake_tx_status(struct dma_chan *chan, dma_cookie_t c, struct dma_tx_state *st)
{
	(void)chan, (void)c, (void)st;
#ifdef DMASPEC_MAINLINE
	return DMA_COMPLETE;
#else
	return DMA_SUCCESS;
#endif
}
/* A point before it, so that a step can end between dma_issue_pending_all's client_count read
 * and this call (steps.c ISSUE). As ioat's ioat2_issue_pending, it touches no ring once
 * free_chan_resources ran (ring NULL, alloc_order 0: ioat2_ring_pending is 0), only the
 * channel's own struct (assumption issue-after-free-benign, spec/threads.md). */
static void fake_issue_pending(struct dma_chan *chan)
{
	struct fchan *fc = container_of(chan, struct fchan, common);
	int t = rt_current();
	if (t >= 0) {
		wth[t].issued = chan;  /* a walk reads on from it: its device_node.next (names an oops) */
		wth[t].issuing = chan; /* which channel dma_issue_pending_all flushes next: threads[].issuing */
	}
	rt_point(RT_BEFORE, "device_issue_pending", __func__, __FILE__, __LINE__);
	if (t >= 0)
		wth[t].issuing = NULL;
	if (fc->resources)
		fc->ring->issued++;
}

static void fake_free(int d);
#ifdef DMASPEC_MAINLINE
/* 8ad342a86359's contract: the driver frees its device in device_release. */
static void fake_device_release(struct dma_device *dev) { fake_free(container_of(dev, struct fdev, common)->index); }
#endif

/* A new instance of scenario device d and its channels (probe, or hot-add again). */
static void fake_create(int d)
{
	struct wdev *w = &devs[d];
	struct fdev *f = kzalloc(sizeof *f, GFP_KERNEL);
	struct device *pdev = kzalloc(sizeof *pdev, GFP_KERNEL); /* the PCI device: outlives the DMA device */
	rt_tag(f, RT_TAG_DEVICE, d);
	w->mod.name = w->drv.name = w->name;
	w->drv.owner = &w->mod;
	pdev->driver = &w->drv;
	dev_set_name(pdev, "%s", w->name);
	f->index = d;
	struct dma_device *dd = &f->common;
	dma_cap_zero(dd->cap_mask);
	for (int k = 0; k < w->ncaps; k++)
		dma_cap_set(w->caps[k], dd->cap_mask);
	/* The ioat driver sets DMA_INTERRUPT on the devices it registers (with a prep for it:
	 * 3.6 dmaengine.c:710, 5.10.7 :1198, 7.0 :1203 check it), so device_has_all_tx_types
	 * decides on memcpy/xor/pq alone (src/table-rows.ts). */
	dma_cap_set(DMA_INTERRUPT, dd->cap_mask);
	if (w->priv)
		dma_cap_set(DMA_PRIVATE, dd->cap_mask); /* a slave-only controller (the scenario device's `private`) */
	dd->device_prep_dma_interrupt = fake_prep_interrupt;
	dd->dev = pdev;
	dd->device_alloc_chan_resources = fake_alloc_chan_resources;
	dd->device_free_chan_resources = fake_free_chan_resources;
	dd->device_prep_dma_memcpy = fake_prep_memcpy;
	dd->device_prep_dma_xor = fake_prep_xor;
	dd->device_prep_dma_pq = fake_prep_pq;
	dd->device_tx_status = fake_tx_status;
	dd->device_issue_pending = fake_issue_pending;
#ifdef DMASPEC_MAINLINE
	dd->device_release = fake_device_release;
	if (w->sync)
		dd->device_synchronize = fake_synchronize;
#endif
	INIT_LIST_HEAD(&dd->channels);
	for (int i = 0; i < w->nchan; i++) {
		struct wchan *c = &chans[w->first_chan + i];
		if (c->inst && c->npast < 8)
			c->past[c->npast++] = c->inst;
		struct fchan *fc = kzalloc(sizeof *fc, GFP_KERNEL);
		rt_tag(fc, RT_TAG_CHAN, w->first_chan + i);
		fc->index = w->first_chan + i;
		fc->common.device = dd;
		list_add_tail(&fc->common.device_node, &dd->channels);
		c->inst = fc;
	}
	w->inst = f;
	w->freed = 0;
	w->registered = 0;
	w->unregistered = 0;
}

static void add_violation(const char *v);

/* ---- accounting: what a registration leaves, and what is left of a device the driver frees ---- */

/* After dma_async_device_register returned 0: dma_idr (3.x; mainline dma_ida) holds the
 * device's id, and each channel has chan->local and a sysfs device (chan->dev, added by
 * device_register: 3.6 dmaengine.c:764, 5.10.7 :1073, 7.0 :1103) that names the channel
 * (chan_dev->chan: what each sysfs show reads through dev_to_dma_chan, 3.6 :77) and carries
 * the device's id (chan_dev->dev_id: the id 3.6's chan_dev_release gives back, :157). NULL
 * when so, else what is not. */
static const char *registration_wrong(int d)
{
	struct wdev *w = &devs[d];
	struct dma_device *dd = &w->inst->common;
	if (!kx_id_held(dd->dev_id))
		return "the device's dev_id is not held in dma_idr/dma_ida";
	for (int i = 0; i < w->nchan; i++) {
		struct dma_chan *c = &chans[w->first_chan + i].inst->common;
		if (!rt_live(c->local))
			return "chan->local is not allocated";
		if (!rt_live(c->dev) || !c->dev->device.registered)
			return "chan->dev is not a registered device";
		if (c->dev->chan != c)
			return "chan->dev->chan is not the channel";
		if (c->dev->dev_id != dd->dev_id)
			return "chan->dev->dev_id is not the device's id";
	}
	return NULL;
}

/* Once the driver has freed its device and dma_async_device_unregister has returned (3.x:
 * the driver's free after unregister; mainline: the later of the two, as the device_release
 * of the last dma_device_put runs inside the unregister, after it, or, with the shipped
 * kref's early put, before it), dmaengine must hold nothing of the device: its id
 * back in dma_idr/dma_ida (3.6 chan_dev_release :157 at the last channel's release, 7.0
 * dma_async_device_unregister :1315) unless a live device took it again, mainline's
 * chan_ida empty (:1150; read from the device's struct, freed or not: nothing of the call
 * runs after the check), and each channel's
 * chan->local freed (3.6 :851, 7.0 :1152) and its sysfs device unregistered and released
 * (3.6 :850 with chan_dev_release's kfree :162, 7.0 :1151), by the pointers the registration
 * set (no freed memory is read). NULL when so, else what is left. */
static const char *device_remains(int d)
{
	struct wdev *w = &devs[d];
	int reused = 0;
	for (int e = 0; e < ndev; e++)
		reused |= e != d && devs[e].registered && !devs[e].freed && devs[e].dev_id == w->dev_id;
	if (!reused && kx_id_held(w->dev_id))
		return "its dev_id is still in dma_idr/dma_ida";
#ifdef DMASPEC_MAINLINE
	int ids = 0, observing = rt_observing;
	/* A freed device's struct is read as world_render reads it; volatile: the fault handler
	 * reads the flag, which the compiler does not see. */
	*(volatile int *)&rt_observing = 1;
	for (size_t k = 0; k < ARRAY_SIZE(w->inst->common.chan_ida.bits); k++)
		ids |= ((volatile unsigned long *)w->inst->common.chan_ida.bits)[k] != 0;
	*(volatile int *)&rt_observing = observing;
	if (ids)
		return "a channel id is still in its chan_ida";
#endif
	for (int i = 0; i < w->nchan; i++) {
		struct wchan *c = &chans[w->first_chan + i];
		if (rt_live(c->reg_local))
			return "a channel's chan->local is still allocated";
		if (rt_live(c->reg_dev))
			return "a channel's sysfs device chan->dev is still allocated";
	}
	return NULL;
}

/* Checks device d once (device_remains): leak:<hub>:<device> when something is left. */
static void account_free(int d)
{
	struct wdev *w = &devs[d];
	if (!w->registered)
		return;
	w->registered = 0;
	const char *left = device_remains(d);
	if (left) {
		char v[96];
		snprintf(v, sizeof v, "leak:%s:%s", hubs[w->hub].name, w->name);
		add_violation(v);
		rt_warn(left, __func__, __FILE__, __LINE__);
	}
}

/* What dma_async_device_register allocated for each channel belongs to that channel. */
static void tag_registered(int d)
{
	struct wdev *w = &devs[d];
	w->registered = 1;
	w->dev_id = w->inst->common.dev_id;
	for (int i = 0; i < w->nchan; i++) {
		struct dma_chan *c = &chans[w->first_chan + i].inst->common;
		chans[w->first_chan + i].reg_local = c->local;
		chans[w->first_chan + i].reg_dev = c->dev;
	}
	for (int i = 0; i < w->nchan; i++) {
		struct dma_chan *c = &chans[w->first_chan + i].inst->common;
		rt_tag(c->local, RT_TAG_CHAN, w->first_chan + i);
		rt_tag(c->dev, RT_TAG_CHAN, w->first_chan + i);
#ifndef DMASPEC_MAINLINE
		if (c->dev)
			rt_tag(c->dev->idr_ref, RT_TAG_DEVICE, d);
#endif
	}
}

/* The driver's remove after unregister (3.x), or its device_release (mainline): rings, channels, device. */
static void fake_free(int d)
{
	struct wdev *w = &devs[d];
	if (w->unregistered)
		account_free(d);
	for (int i = 0; i < w->nchan; i++) {
		struct fchan *fc = chans[w->first_chan + i].inst;
		if (fc->resources) {
			kfree(fc->ring);
			fc->resources = 0;
		}
		kfree(fc);
	}
	kfree(w->inst);
	w->freed = 1;
}

/* ---- the client programs: real kernel calls, one per model step (kernel/README.md says which) ---- */

static struct wthread *W(void *a) { return a; }

static void op_nop(void *a) { (void)a; }

static void op_dmaengine_get(void *a)
{
	struct wthread *w = W(a);
#if defined(net_dmaengine_get)
	if (w->kind == K_NET) {
		net_dmaengine_get(); /* 3.x net/core/dev.c net_dma_rebalance: dmaengine_get under CONFIG_NET_DMA */
		return;
	}
#endif
	if (w->kind == K_ATX)
		async_dmaengine_get(); /* crypto/async_tx/async_tx.c async_tx_init */
	else
		dmaengine_get();
}

/* getAllocFails: the same dmaengine_get with the fake driver's next device_alloc_chan_resources
 * failing (the first alloc of the call, as the model's step says). */
static void op_dmaengine_get_alloc_fails(void *a)
{
	fail_alloc = 1;
	op_dmaengine_get(a);
	fail_alloc = 0;
}

static void op_dmaengine_put(void *a)
{
	struct wthread *w = W(a);
#if defined(net_dmaengine_put)
	if (w->kind == K_NET) {
		net_dmaengine_put();
		return;
	}
#endif
	if (w->kind == K_ATX)
		async_dmaengine_put();
	else
		dmaengine_put();
}

static void op_find(void *a)
{
	struct wthread *w = W(a);
	struct dma_chan *chan;
	w->in_find = 1;
#if defined(net_dmaengine_get)
	if (w->kind == K_NET && w->cap == DMA_MEMCPY)
		chan = net_dma_find_channel(); /* 3.x tcp_recvmsg's lookup (net/ipv4/tcp.c) */
	else
#endif
		if (w->kind == K_ATX)
		chan = async_dma_find_channel(w->cap); /* __async_tx_find_channel without a dependency */
	else
		chan = dma_find_channel(w->cap);
	w->in_find = 0;
	w->chan = chan;
	if (chan && w->kind == K_ATX)
		w->cached = chan;
}

/* net_dma's copy: 3.x iovlock.c dma_memcpy_to_iovec → dma_async_memcpy_buf_to_pg, then tcp.c's
 * dma_async_memcpy_issue_pending. Mainline has no net_dma: a dmaengine_get user's prep/submit/issue. */
static void use_memcpy(struct dma_chan *chan)
{
#ifndef DMASPEC_MAINLINE
	static char buf[64];
	static struct page pg;
	dma_async_memcpy_buf_to_pg(chan, &pg, 0, buf, sizeof buf);
	dma_async_memcpy_issue_pending(chan);
#else
	struct dma_async_tx_descriptor *tx = chan->device->device_prep_dma_memcpy(chan, 0, 0, 64, DMA_CTRL_ACK);
	if (tx)
		dmaengine_submit(tx);
	dma_async_issue_pending(chan);
#endif
}

/* async_tx's copy: crypto/async_tx/async_memcpy.c (device = chan->device, is_dma_copy_aligned,
 * device_prep_dma_memcpy, async_tx_submit → tx_submit), then async_tx_issue_pending
 * (include/linux/async_tx.h: tx->chan->device->device_issue_pending(tx->chan)). */
static void use_async_memcpy(struct dma_chan *chan)
{
	struct dma_device *device = chan->device;
	struct dma_async_tx_descriptor *tx = NULL;
	if (is_dma_copy_aligned(device, 0, 0, 64))
		tx = device->device_prep_dma_memcpy(chan, 0, 0, 64, DMA_CTRL_ACK);
	if (!tx)
		return;
	tx->tx_submit(tx);
	tx->chan->device->device_issue_pending(tx->chan);
}

/* A slave's use: dmaengine_prep + dmaengine_submit + dma_async_issue_pending (dmaengine.h). */
static void use_slave(struct dma_chan *chan)
{
	struct dma_async_tx_descriptor *tx = chan->device->device_prep_dma_memcpy(chan, 0, 0, 64, DMA_CTRL_ACK);
	if (tx)
		dmaengine_submit(tx);
	dma_async_issue_pending(chan);
}

static void op_use(void *a)
{
	struct wthread *w = W(a);
	w->opchan = w->chan;
	if (!w->chan)
		return; /* NULL: the client copies with the CPU */
	if (w->kind == K_NET)
		use_memcpy(w->chan);
	else if (w->kind == K_ATX)
		use_async_memcpy(w->chan);
	else
		use_slave(w->chan);
}

/* The end of a round: RFC dma_put_channel (net_dma only after a non-NULL net_dma_find_channel,
 * the header's rule 2; async_tx always, rule 1); 3.x and mainline: nothing. */
static void op_put_channel(void *a)
{
	struct wthread *w = W(a);
	if (kx_rfc() && (w->kind != K_NET || w->chan || w->cap != DMA_MEMCPY))
		kx_put_channel(w->chan);
	w->chan = NULL;
}

/* async_tx re-takes the channel of a dependency (3.x __async_tx_find_channel returns
 * depend_tx->chan); under the RFC through dma_get_channel. */
static void op_reget(void *a)
{
	struct wthread *w = W(a);
	w->chan = w->cached;
	w->opchan = w->cached;
	if (kx_rfc())
		w->chan = kx_get_channel(w->cached);
}

static void op_issue_all(void *a)
{
	(void)a;
	dma_issue_pending_all(); /* net_rx_action (3.x net/core/dev.c), async_tx_issue_pending_all */
}

/* A slave's filter function (its scenario `filter`): accepts the channels of its mask only.
 * Without one the request passes fn = NULL, as before. */
static unsigned filter_mask[RT_MAX_THREADS];
static int filtered[RT_MAX_THREADS];
static bool slave_filter(struct dma_chan *chan, void *param)
{
	int c = chan_index(chan);
	/* private_candidate offers a filter only channels nobody holds (the busy test first, 3.6
	 * dmaengine.c:482-486, 7.0 :641-645): a filter may write the channel it accepts (storing
	 * its parameter in chan->private is a common one), so one offered a busy channel could
	 * clobber its holder's. */
	if (chan->client_count && c >= 0) {
		char v[96];
		snprintf(v, sizeof v, "filter-offered-busy:%s", chans[c].id);
		add_violation(v);
	}
	return c >= 0 && (filter_mask[(int)(uintptr_t)param] >> c & 1);
}

#ifdef DMASPEC_MAINLINE
/* A DMA request router (the slave's scenario `routed`; 3.x has none): as of_dma_router_xlate
 * (drivers/dma/of-dma.c) the route is allocated and chan->router, chan->route_data set on the
 * channel the request got; dma_chan_put frees it (7.0 dmaengine.c:511-516, 5.10.7 :508-513).
 * A route the release leaves live is route-leak:<chan>, a route_free of no live route
 * route-free-twice:<chan> ("?" when route_data is NULL), one freed with a transfer maybe in
 * flight route-freed-in-flight:<chan>: the model expects none. */
static int routed[RT_MAX_THREADS], route_live[MAXCHAN], route_token[MAXCHAN];
static void fake_route_free(struct device *dev, void *data)
{
	(void)dev;
	int c = data ? (int)((int *)data - route_token) : -1;
	char v[96];
	if (c < 0 || !route_live[c]) {
		snprintf(v, sizeof v, "route-free-twice:%s", c < 0 ? "?" : chans[c].id);
		add_violation(v);
	}
	/* dma_chan_put frees the route after the channel's transfers are done (dmaengine_synchronize,
	 * 7.0 :507, then the free; the route, :511): one freed while a submitted descriptor may still
	 * run through it would misroute its requests. Known only with the device's synchronize. */
	if (c >= 0 && chans[c].inst->unsynced && devs[chans[c].dev].sync) {
		snprintf(v, sizeof v, "route-freed-in-flight:%s", chans[c].id);
		add_violation(v);
	}
	if (c >= 0)
		route_live[c] = 0;
}
static struct dma_router fake_router = { .route_free = fake_route_free };
static void route(struct wthread *w, int t)
{
	int c = w->chan ? chan_index(w->chan) : -1;
	if (!routed[t] || c < 0)
		return;
	w->chan->router = &fake_router;
	w->chan->route_data = &route_token[c];
	route_live[c] = 1;
}
static void route_check(struct wthread *w, int t)
{
	int c = w->opchan ? chan_index(w->opchan) : -1;
	if (routed[t] && c >= 0 && route_live[c]) {
		char v[96];
		snprintf(v, sizeof v, "route-leak:%s", chans[c].id);
		add_violation(v);
	}
}
#else
static void route(struct wthread *w, int t) { (void)w, (void)t; }
static void route_check(struct wthread *w, int t) { (void)w, (void)t; }
#endif

static void op_request(void *a)
{
	struct wthread *w = W(a);
	int t = (int)(w - wth);
	dma_cap_mask_t mask;
	dma_cap_zero(mask);
	dma_cap_set(w->cap, mask);
	fail_alloc = !w->alloc_ok;
	w->chan = filtered[t] ? dma_request_channel(mask, slave_filter, (void *)(uintptr_t)t) : dma_request_channel(mask, NULL, NULL);
	fail_alloc = 0;
	route(w, t);
	w->opchan = w->chan;
}

/* The channel machine's request: a NULL result (no free channel) leaves the private hold as it was. */
static void op_env_request(void *a)
{
	struct wthread *w = W(a);
	struct dma_chan *held = w->chan;
	op_request(a);
	if (!w->chan)
		w->chan = held;
}

static void op_release(void *a)
{
	struct wthread *w = W(a);
	w->opchan = w->chan;
	dma_release_channel(w->chan);
	w->chan = NULL;
	route_check(w, (int)(w - wth));
}

static void op_eject(void *a)
{
	struct whub *h = &hubs[W(a)->hub];
	h->cur = h->first_dev;
	h->state = HUB_EJECTING;
}

/* dma_async_device_unregister of the hub's current device; 3.x: then the driver frees it
 * (mainline: dma_device_release → device_release frees it when the last reference goes). */
static void op_remove(void *a)
{
	struct whub *h = &hubs[W(a)->hub];
	if (h->cur < 0)
		h->cur = h->first_dev; /* after a surprise removal the driver's remove unregisters without an eject */
	int d = h->cur;
	dma_async_device_unregister(&devs[d].inst->common);
	devs[d].unregistered = 1;
#ifndef DMASPEC_MAINLINE
	fake_free(d);
#endif
	if (devs[d].freed)
		account_free(d); /* mainline: released inside the unregister, or before it (the shipped kref) */
	h->cur = d + 1 < h->first_dev + h->ndev ? d + 1 : -1;
	if (h->cur < 0)
		h->state = HUB_REMOVED;
}

static void op_hot_add(void *a)
{
	struct whub *h = &hubs[W(a)->hub];
	for (int d = h->first_dev; d < h->first_dev + h->ndev; d++)
		fake_create(d);
	h->state = HUB_PRESENT;
	h->surprise = 0;
}

static void op_probe(void *a)
{
	struct whub *h = &hubs[W(a)->hub];
	for (int d = h->first_dev; d < h->first_dev + h->ndev; d++) {
		const char *wrong = dma_async_device_register(&devs[d].inst->common) ? "it failed" : NULL;
		if (!wrong) {
			tag_registered(d);
			wrong = registration_wrong(d);
		}
		if (wrong) {
			char v[96];
			snprintf(v, sizeof v, "registration:%s:%s", h->name, devs[d].name);
			add_violation(v);
			rt_warn(wrong, __func__, __FILE__, __LINE__);
		}
	}
	h->state = HUB_ONLINE;
}

/* probeFails {alloc}: dma_async_device_register of the hub's first device with its alloc-th
 * allocation failing (in the order 3.6 dmaengine.c makes them: kmalloc of idr_ref :733,
 * get_dma_id's idr_pre_get :671, then per channel alloc_percpu :747, kzalloc of chan->dev :750,
 * device_register :764). The driver's probe fails: no later device is registered. What the
 * error path (:804-823) leaves allocated of what the call allocated, or an id it leaves in
 * dma_idr, is a leak: leak:<hub>:<device>. A call that returns 0 is registration:
 * register-succeeded:<hub>:<device> (the model's step says it fails); one that returns with
 * dma_list_mutex held, lock-held:<hub>:dma_list_mutex. */
static void op_probe_fails(void *a)
{
	struct wthread *w = W(a);
	struct whub *h = &hubs[w->hub];
	int d = h->first_dev, mark = rt_alloc_mark(), ids = kx_idr_used();
	char v[96];
	rt_fail_countdown = w->fail_alloc;
	int rc = dma_async_device_register(&devs[d].inst->common);
	rt_fail_countdown = 0;
	if (rc == 0) {
		tag_registered(d);
		snprintf(v, sizeof v, "register-succeeded:%s:%s", h->name, devs[d].name);
		add_violation(v);
	} else if (rt_live_since(mark) || kx_idr_used() != ids) {
		snprintf(v, sizeof v, "leak:%s:%s", h->name, devs[d].name);
		add_violation(v);
	}
	/* A call that returns with dma_list_mutex held (lockdep's "lock held when returning"): the
	 * model's paths need not take the mutex after every failure point to show it. */
	if (kx_list_mutex()->locked) {
		snprintf(v, sizeof v, "lock-held:%s:dma_list_mutex", h->name);
		add_violation(v);
	}
	h->state = HUB_PRESENT;
}

static void op_surprise(void *a)
{
	struct whub *h = &hubs[W(a)->hub];
	h->surprise = 1;
	h->state = HUB_SURPRISE;
}

/* kernel/cpu.c: _cpu_down between cpu_hotplug_begin and cpu_hotplug_done; the POST_DEAD
 * notifiers after; _cpu_up holds cpu_hotplug.lock until its CPU_ONLINE notifiers are done. */
static void hotplug_begin(void)
{
	if (rt_hotplug_holder >= 0 && rt_hotplug_holder != rt_current())
		rt_block("cpu_hotplug_begin: cpu_hotplug.lock held", __func__, __FILE__, __LINE__);
	rt_hotplug_holder = rt_current();
}
static void op_cpu_down(void *a)
{
	hotplug_begin();
	rt_cpu_online[W(a)->cpu_arg] = 0;
	cpu_arg = W(a)->cpu_arg;
	rt_hotplug_holder = -1;
}
static void op_cpu_post_dead(void *a)
{
	(void)a;
	if (kx_has_hotcpu())
		kx_hotcpu(CPU_POST_DEAD, cpu_arg);
}
static void op_cpu_up(void *a)
{
	hotplug_begin();
	rt_cpu_online[W(a)->cpu_arg] = 1;
	cpu_arg = W(a)->cpu_arg;
}
static void op_cpu_notify(void *a)
{
	(void)a;
	if (kx_has_hotcpu())
		kx_hotcpu(CPU_ONLINE, cpu_arg);
	rt_hotplug_holder = -1;
}

/* The channel machine's env: the dmaengine API calls on the one channel. */
static void op_rebalance(void *a)
{
	(void)a;
	mutex_lock(kx_list_mutex());
	kx_rebalance(); /* dma_channel_rebalance is static: the harness calls it as the file's callers do */
	mutex_unlock(kx_list_mutex());
}
static void op_key_on(void *a) { (void)a, kx_key_slow(1); }
static void op_key_off(void *a) { (void)a, kx_key_slow(0); }
static void op_quiesce(void *a) { (void)a, kx_quiesce(); }
/* The quiesce machine's env: the hot path on a CPU, whole. */
static void op_q_find(void *a) { (void)dma_find_channel(W(a)->cap); }
static void op_q_get(void *a) { (void)kx_get_channel(&chans[0].inst->common); }
static void op_q_put(void *a) { (void)a, kx_put_channel(NULL); }

/* rfc-base-unheld (spec/rfc-base.md): at the wait, public channels hold no dmaengine_get
 * reference; modelled as the model's putRefs does it: dma_chan_put each public channel to 0. */
static int unheld;
void dmaspec_rfc_base_put_refs(struct dma_device *device)
{
	struct dma_chan *chan;
	if (!unheld)
		return;
	mutex_lock(kx_list_mutex());
	if (!dma_has_cap(DMA_PRIVATE, device->cap_mask))
		list_for_each_entry(chan, &device->channels, device_node)
			while (chan->client_count)
				kx_chan_put(chan);
	mutex_unlock(kx_list_mutex());
}

const op_fn OPS[OP_END] = {
	[OP_NOP] = op_nop, [OP_GET] = op_dmaengine_get, [OP_GET_ALLOC_FAILS] = op_dmaengine_get_alloc_fails, [OP_PUT] = op_dmaengine_put, [OP_FIND] = op_find,
	[OP_USE] = op_use, [OP_PUTCHAN] = op_put_channel, [OP_REGET] = op_reget, [OP_ISSUE_ALL] = op_issue_all,
	[OP_REQUEST] = op_request, [OP_RELEASE] = op_release, [OP_EJECT] = op_eject, [OP_REMOVE] = op_remove,
	[OP_HOTADD] = op_hot_add, [OP_PROBE] = op_probe, [OP_SURPRISE] = op_surprise, [OP_CPU_DOWN] = op_cpu_down,
	[OP_CPU_POSTDEAD] = op_cpu_post_dead, [OP_CPU_UP] = op_cpu_up, [OP_CPU_NOTIFY] = op_cpu_notify,
	[OP_ENV_GET] = op_dmaengine_get, [OP_ENV_PUT] = op_dmaengine_put, [OP_ENV_REQUEST] = op_env_request,
	[OP_ENV_RELEASE] = op_release, [OP_ENV_REBALANCE] = op_rebalance, [OP_KEY_ON] = op_key_on,
	[OP_KEY_OFF] = op_key_off, [OP_QUIESCE] = op_quiesce, [OP_Q_FIND] = op_q_find, [OP_Q_GET] = op_q_get,
	[OP_Q_PUT] = op_q_put, [OP_PROBE_FAILS] = op_probe_fails,
};

/* ---- lock discipline: what dma_list_mutex protects changes only while it is held ----
 * 3.6's LOCKING comment (dmaengine.c:32-35) and its "Must be called under dma_list_mutex"
 * (dev_to_dma_chan :77, balance_ref_count :194, dma_chan_get :210, dma_chan_put :245,
 * dma_channel_rebalance :422; 7.0 the same, with dma_device_put's lockdep_assert_held :438)
 * say which state the mutex guards: dma_device_list, dmaengine_ref_count, channel_table, each listed device's
 * DMA_PRIVATE, privatecnt, chancnt and channels on its list, each channel's client_count and table_count while its device
 * is listed or its sysfs device registered (show_in_use reads client_count under the mutex,
 * 3.6 :133), chan_dev->chan of a registered sysfs device (dev_to_dma_chan, :77), and 3.x's
 * dma_idr (get_dma_id :673, chan_dev_release :157; mainline's ida locks itself). A lockdep
 * of the harness: whenever dma_list_mutex is free (at every point of kernel code and at each
 * step's end), that state must be what it was when the mutex was last released; a change
 * is the violation unlocked:<thread>:dma_list_mutex of the thread that ran. A write while
 * another thread holds the mutex is not seen. Entries that appear or go (a device listed, a
 * sysfs device added) are compared only while present on both sides. */
#define LK_ABSENT LONG_MIN
#define LK_ROWS 7
#define LK_N (1 + LK_ROWS * 64 + MAXDEV * 5 + MAXCHAN * 3 + 4)
static long lk_base[LK_N];
static int lk_have; /* 0: the next check takes the base */
static const int LK_CAPS[LK_ROWS] = { DMA_MEMCPY, DMA_XOR, DMA_PQ, DMA_XOR_VAL, DMA_PQ_VAL, DMA_MEMSET, DMA_ASYNC_TX };

/* Which scenario devices are on dma_device_list, read without touching freed memory. */
static void lk_listed(int *on)
{
	memset(on, 0, MAXDEV * sizeof *on);
	struct list_head *head = kx_device_list(), *p = head->next;
	for (int guard = 0; p != head && guard < 64; guard++) {
		if (!rt_live(p))
			return;
		struct dma_device *dd = list_entry(p, struct dma_device, global_node);
		for (int d = 0; d < ndev; d++)
			if (devs[d].inst && &devs[d].inst->common == dd)
				on[d] = 1;
		p = p->next;
	}
}

static void lk_snap(long *s)
{
	int n = 0, on[MAXDEV];
	s[n++] = kx_ref_count();
	for (int r = 0; r < LK_ROWS; r++)
		for (int c = 0; c < 64; c++)
			s[n++] = c < rt_nr_cpus ? (long)(uintptr_t)kx_table(LK_CAPS[r], c) : 0;
	lk_listed(on);
	for (int d = 0; d < MAXDEV; d++) {
		int live = d < ndev && devs[d].inst && rt_live(devs[d].inst);
		struct dma_device *dd = live ? &devs[d].inst->common : NULL;
		s[n++] = on[d];
		s[n++] = on[d] && dd ? dma_has_cap(DMA_PRIVATE, dd->cap_mask) : LK_ABSENT;
		s[n++] = on[d] && dd ? dd->privatecnt : LK_ABSENT;
		s[n++] = on[d] && dd ? (long)dd->chancnt : LK_ABSENT;
		long onlist = 0; /* channels on device->channels (mainline list_dels them under the mutex, 5.10.7 :1113) */
		if (on[d] && dd)
			for (struct list_head *p = dd->channels.next; p != &dd->channels && rt_live(p) && onlist < 64; p = p->next)
				onlist++;
		s[n++] = on[d] && dd ? onlist : LK_ABSENT;
	}
	for (int c = 0; c < MAXCHAN; c++) {
		struct fchan *fc = c < nchan ? chans[c].inst : NULL;
		struct dma_chan *ch = fc && rt_live(fc) ? &fc->common : NULL;
		int sysfs = ch && rt_live(ch->dev) && ch->dev->device.registered;
		int tracked = ch && (sysfs || on[chans[c].dev]);
		s[n++] = tracked ? ch->client_count : LK_ABSENT;
		s[n++] = tracked ? ch->table_count : LK_ABSENT;
		s[n++] = sysfs ? (long)(uintptr_t)ch->dev->chan : LK_ABSENT;
	}
	for (int i = 0; i < 4; i++)
		s[n++] = LK_ABSENT;
#ifndef DMASPEC_MAINLINE
	n -= 4;
	for (int i = 0; i < 4; i++)
		s[n++] = 0;
	for (int id = 0; id < 256; id++)
		if (kx_id_held(id))
			s[n - 4 + id / 64] |= 1L << (id % 64);
#endif
}

static void lk_check(int thread)
{
	static long now[LK_N];
	if (kx_list_mutex()->locked) {
		lk_have = 0;
		return;
	}
	lk_snap(now);
	if (lk_have)
		for (int i = 0; i < LK_N; i++)
			if (now[i] != lk_base[i] && now[i] != LK_ABSENT && lk_base[i] != LK_ABSENT) {
				char v[96];
				snprintf(v, sizeof v, "unlocked:%s:dma_list_mutex", thread >= 0 ? rt_threads[thread].vname : "?");
				add_violation(v);
				char what[96];
				snprintf(what, sizeof what, "state dma_list_mutex guards (entry %d of the harness's snapshot) changed while it was free", i);
				rt_warn(what, __func__, __FILE__, __LINE__);
				break;
			}
	memcpy(lk_base, now, sizeof now);
	lk_have = 1;
}

/* ---- building the world from the header ---- */

static void jcopy(int node, char *out, size_t size)
{
	struct jnode *n = json_node(node);
	snprintf(out, size, "%.*s", n->len - 2, n->text + 1);
}

/* Scenario capability names → dma_transaction_type. */
static int cap_of(int node)
{
	static const struct { const char *name; int cap; } CAPS[] = {
		{ "memcpy", DMA_MEMCPY }, { "xor", DMA_XOR }, { "pq", DMA_PQ }, { "xor_val", DMA_XOR_VAL },
		{ "pq_val", DMA_PQ_VAL }, { "interrupt", DMA_INTERRUPT }, { "memset", DMA_MEMSET },
	};
	for (size_t i = 0; i < ARRAY_SIZE(CAPS); i++)
		if (json_is(node, CAPS[i].name))
			return CAPS[i].cap;
	return -1;
}

static unsigned design_of(int node)
{
	static const struct { const char *name; unsigned d; } D[] = {
		{ "baseline", D_BASELINE }, { "rfc-wait", D_RFC_WAIT }, { "rfc-wait-unheld", D_RFC_UNHELD },
		{ "kref", D_KREF }, { "kref-5-10", D_KREF }, { "kref-fixed", D_KREF_FIXED },
	};
	for (size_t i = 0; i < ARRAY_SIZE(D); i++)
		if (json_is(node, D[i].name))
			return D[i].d;
	return D_OTHER;
}

static int new_thread(const char *name, const char *vname, int cpu, int kind)
{
	int t = rt_thread_new(name, vname, cpu);
	memset(&wth[t], 0, sizeof wth[t]);
	wth[t].kind = kind;
	wth[t].hub = -1;
	wth[t].alloc_ok = 1;
	return t;
}

static const char *build_scenario(int sc)
{
	static char msg[200];
	int iohs = json_get(sc, "iohs");
	for (int h = json_node(iohs)->first; h >= 0; h = json_node(h)->next) {
		if (nhub == MAXHUB)
			return "too many IOHs for the harness";
		struct whub *hub = &hubs[nhub];
		jcopy(json_get(h, "name"), hub->name, sizeof hub->name);
		hub->first_dev = ndev;
		hub->cur = -1;
		for (int d = json_node(json_get(h, "devices"))->first; d >= 0; d = json_node(d)->next) {
			if (ndev == MAXDEV)
				return "too many devices for the harness";
			struct wdev *w = &devs[ndev];
			jcopy(json_get(d, "name"), w->name, sizeof w->name);
			w->hub = nhub;
			w->nchan = (int)json_node(json_get(d, "channels"))->num;
			w->first_chan = nchan;
			if (nchan + w->nchan > MAXCHAN)
				return "too many channels for the harness";
			int zero = json_get(d, "allocReturnsZero"), sync = json_get(d, "deviceSynchronize");
			w->alloc_zero = zero >= 0 && json_node(zero)->num;
			w->sync = sync >= 0 && json_node(sync)->num;
			int priv = json_get(d, "private");
			w->priv = priv >= 0 && json_node(priv)->num;
			for (int c = json_node(json_get(d, "capabilities"))->first; c >= 0; c = json_node(c)->next) {
				int cap = cap_of(c);
				if (cap < 0) {
					snprintf(msg, sizeof msg, "device %s: a capability the harness does not know: %.*s", w->name, json_node(c)->len, json_node(c)->text);
					return msg;
				}
				w->caps[w->ncaps++] = cap;
			}
			for (int i = 0; i < w->nchan; i++) {
				snprintf(chans[nchan].id, sizeof chans[nchan].id, "%s.%d", w->name, i);
				chans[nchan++].dev = ndev;
			}
			ndev++;
			hub->ndev++;
		}
		nhub++;
	}
	int cl = json_get(sc, "clients");
	for (int c = json_node(cl)->first; c >= 0; c = json_node(c)->next) {
		char name[40], rx[48];
		jcopy(json_get(c, "name"), name, sizeof name);
		int kind = json_is(json_get(c, "kind"), "net_dma") ? K_NET : json_is(json_get(c, "kind"), "async_tx") ? K_ATX : K_SLAVE;
		int t = new_thread(name, name, (int)json_node(json_get(c, "cpu"))->num, kind);
		wth[t].cap = cap_of(json_get(c, "capability"));
		wth[t].client = nclients;
		clients[nclients++] = t;
		int filter = json_get(c, "filter"); /* slave: the channel ids its filter function accepts */
		if (filter >= 0) {
			filtered[t] = 1;
			for (int id = json_node(filter)->first; id >= 0; id = json_node(id)->next)
				for (int k = 0; k < nchan; k++)
					if (json_is(id, chans[k].id))
						filter_mask[t] |= 1u << k;
		}
#ifdef DMASPEC_MAINLINE
		int rd = json_get(c, "routed");
		routed[t] = rd >= 0 && json_node(rd)->num;
#endif
		int walker = json_get(c, "walker"); /* async_tx: only with the scenario's "walker": true */
		if (kind == K_NET || (kind == K_ATX && walker >= 0 && json_node(walker)->num)) {
			/* Its dma_issue_pending_all caller (net_dma: the NET_RX softirq; async_tx: raid5d's
			 * async_tx_issue_pending_all, 3.6 async_tx.h:88, spec/vocabulary.ts hasWalker):
			 * violations carry its own thread name, <client>-rx (spec/threads.md). */
			snprintf(rx, sizeof rx, "%s-rx", name);
			int r = new_thread(rx, rx, rt_threads[t].cpu, K_RX);
			wth[r].client = wth[t].client;
		}
	}
	for (int h = 0; h < nhub; h++)
		wth[new_thread(hubs[h].name, hubs[h].name, 0, K_IOH)].hub = h;
	new_thread("cpu", "cpu", 0, K_CPU);
	int env = new_thread("env", "env", 0, K_ENV);
	wth[env].cap = DMA_MEMCPY;
	if (ndev)
		wth[env].cap = devs[0].caps[0];
	return NULL;
}

static enum machine machine_of(int node)
{
	if (json_is(node, "system"))
		return M_SYSTEM;
	if (json_is(node, "channel"))
		return M_CHANNEL;
	if (json_is(node, "quiesce"))
		return M_QUIESCE;
	if (json_is(node, "ioh"))
		return M_IOH;
	struct jnode *n = json_node(node);
	if (n->len > 9 && !strncmp(n->text, "\"client-", 8))
		return M_SYSTEM;
	return M_OTHER;
}

const char *world_build(int header)
{
	static char msg[200];
	machine = machine_of(json_get(header, "machine"));
	if (machine == M_OTHER) {
		struct jnode *m = json_node(json_get(header, "machine"));
		snprintf(msg, sizeof msg, "machine %.*s: the harness replays system, client-*, channel, quiesce and ioh", m->len, m->text);
		return msg;
	}
	int sc = json_get(json_get(header, "implementation"), "scenario");
	design = design_of(json_get(sc, "design"));
	unheld = design == D_RFC_UNHELD;
	dmaspec_quiesce_threshold = (int)json_node(json_get(sc, "quiesceThreshold"))->num;
	rt_init((int)json_node(json_get(sc, "cpus"))->num);
	rt_point_hook = lk_check;
	lk_have = 0;
	if (kx_init())
		return "dma_channel_table_init or dma_bus_init failed";
	const char *err = build_scenario(sc);
	if (err)
		return err;
	/* The scenario starts with every IOH online (spec/threads.md); the ioh machine's starts absent.
	 * Under the scenario's hotAdd every IOH starts present: its devices allocated by the driver,
	 * registered by the IOH thread's probe step (op_probe). */
	int ha = json_get(sc, "hotAdd"), hot_add = machine == M_SYSTEM && ha >= 0 && json_node(ha)->num;
	if (machine != M_IOH)
		for (int d = 0; d < ndev; d++) {
			fake_create(d);
			if (machine == M_QUIESCE || hot_add)
				continue; /* dma_channel_quiesce alone, or a hot-added IOH: nothing registered yet */
			if (dma_async_device_register(&devs[d].inst->common))
				return "dma_async_device_register failed";
			tag_registered(d);
			const char *wrong = registration_wrong(d);
			if (wrong) {
				snprintf(msg, sizeof msg, "dma_async_device_register of %s: %s", devs[d].name, wrong);
				return msg;
			}
		}
	for (int h = 0; h < nhub; h++)
		hubs[h].state = machine == M_IOH ? HUB_ABSENT : hot_add ? HUB_PRESENT : HUB_ONLINE;
	return NULL;
}

/* ---- a step ---- */

static void add_violation(const char *v)
{
	int i = 0;
	while (i < nviol && strcmp(violations[i], v) < 0)
		i++;
	if (i < nviol && !strcmp(violations[i], v))
		return;
	if (nviol == MAXVIOL)
		return;
	memmove(violations[i + 1], violations[i], (size_t)(nviol - i) * sizeof violations[0]);
	snprintf(violations[i], sizeof violations[i], "%s", v);
	nviol++;
}

/* Faults become the model's violations: an object of channel c → use-after-free:<thread>:<c>;
 * the device object alone → the channel the thread was operating on if it is that device's,
 * else each of its channels (kernel/README.md, "use after free"). */
static void attribute_faults(void)
{
	char v[96];
	nstep_faults = rt_take_faults(step_faults, 32);
	for (int i = 0; i < nstep_faults; i++) {
		struct rt_fault *f = &step_faults[i];
		if (f->thread < 0)
			continue;
		const char *who = rt_threads[f->thread].vname;
		if (f->kind == RT_TAG_CHAN) {
			snprintf(v, sizeof v, "use-after-free:%s:%s", who, chans[f->index].id);
			add_violation(v);
		}
	}
	for (int i = 0; i < nstep_faults; i++) {
		struct rt_fault *f = &step_faults[i];
		if (f->thread < 0 || f->kind != RT_TAG_DEVICE)
			continue;
		int d = f->index, seen = 0;
		for (int k = 0; k < nstep_faults; k++)
			if (step_faults[k].kind == RT_TAG_CHAN && step_faults[k].thread == f->thread && chans[step_faults[k].index].dev == d)
				seen = 1;
		if (seen)
			continue;
		const char *who = rt_threads[f->thread].vname;
		int oc = wth[f->thread].opchan ? chan_index(wth[f->thread].opchan) : -1;
		for (int c = devs[d].first_chan; c < devs[d].first_chan + devs[d].nchan; c++)
			if (oc < 0 || chans[oc].dev != d || oc == c) {
				snprintf(v, sizeof v, "use-after-free:%s:%s", who, chans[c].id);
				add_violation(v);
			}
	}
	rt_take_warnings(step_warnings, sizeof step_warnings);
}

/* The violation an oops of the stepping thread is: oops:<thread>:<chan>, the channel of its last
 * device_issue_pending, from which a dma_issue_pending_all walk read on through a poisoned
 * device_node.next (5.10.7 dmaengine.c:1113, :563); "?" when it issued on none. */
void world_oops_violation(char *out, size_t size)
{
	if (last_thread < 0) {
		snprintf(out, size, "oops:?:?");
		return;
	}
	int c = wth[last_thread].issued ? chan_index(wth[last_thread].issued) : -1;
	snprintf(out, size, "oops:%s:%s", rt_threads[last_thread].vname, c < 0 ? "?" : chans[c].id);
}

static void step_name(int event, char *thread, size_t tsize, char *step, size_t ssize)
{
	struct jnode *t = json_node(json_get(event, "type"));
	const char *s = t->text + 1, *end = t->text + t->len - 1, *dot = end;
	for (const char *p = s; p < end; p++)
		if (*p == '.')
			dot = p;
	snprintf(thread, tsize, "%.*s", (int)(dot - s), s);
	snprintf(step, ssize, "%.*s", dot < end ? (int)(end - dot - 1) : 0, dot < end ? dot + 1 : "");
}

int world_step(int event, struct world_div *d)
{
	char thread[48], step[48];
	step_name(event, thread, sizeof thread, step, sizeof step);
	int t = rt_thread_named(thread);
	last_thread = t;
	nstep_faults = 0;
	if (t < 0) {
		snprintf(d->kind, sizeof d->kind, "no-kernel-step");
		snprintf(d->message, sizeof d->message, "no thread %s in the harness", thread);
		return 1;
	}
	struct wthread *w = &wth[t];
	struct rt_thread *r = &rt_threads[t];
	int cpu = json_get(event, "cpu"), alloc = json_get(event, "allocOk"), fails = json_get(event, "alloc");
	if (alloc >= 0)
		w->alloc_ok = (int)json_node(alloc)->num;
	if (fails >= 0)
		w->fail_alloc = (int)json_node(fails)->num;
	if (cpu >= 0 && !strcmp(step, "migrate")) {
		r->cpu = (int)json_node(cpu)->num; /* the scheduler moves it, maybe mid-call */
		attribute_faults();
		return 0;
	}
	if (cpu >= 0) {
		w->cpu_arg = (int)json_node(cpu)->num;
		if (w->kind == K_ENV)
			r->cpu = w->cpu_arg;
	}
	const struct rule *rule = find_rule(machine, design, w->kind, step, r->status == RT_IDLE ? NULL : r->at, d);
	if (!rule) {
		d->file = r->at_file;
		d->line = r->at_line;
		return 1;
	}
	enum rt_status st = rule->resume_at ? rt_resume(t, rule->ends) : rt_start(t, OPS[rule->op], w, rule->ends);
	if (st == RT_BLOCKED || st == RT_BUGGED) {
		snprintf(d->kind, sizeof d->kind, st == RT_BLOCKED ? "blocked" : "bug");
		snprintf(d->message, sizeof d->message, "%s %s: %s", st == RT_BLOCKED ? "kernel blocks at" : "kernel BUG at", step, r->why);
		d->file = r->why_file;
		d->line = r->why_line;
		attribute_faults();
		return 1;
	}
	if (st == RT_SUSPENDED && w->in_find)
		w->chan = (struct dma_chan *)(uintptr_t)r->last_read; /* dma_find_channel's local chan */
	lk_check(t);
	attribute_faults();
	return 0;
}

/* ---- observation ---- */

struct out {
	char *p;
	size_t left;
};
static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->p, o->left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->left)
		n = o->left ? (int)o->left - 1 : 0;
	o->p += n;
	o->left -= (size_t)n;
}

static void put_chan(struct out *o, const struct dma_chan *c)
{
	int i = c ? chan_index(c) : -1;
	if (!c)
		put(o, "null");
	else if (i < 0)
		put(o, "\"(not a channel: %p)\"", (const void *)c);
	else
		put(o, "\"%s\"", chans[i].id);
}

static int listed(const struct dma_device *dd)
{
	struct dma_device *x;
	list_for_each_entry(x, kx_device_list(), global_node)
		if (x == dd)
			return 1;
	return 0;
}

static const struct { const char *name; int cap; } TABLE_ROWS[] = {
	{ "memcpy", DMA_MEMCPY }, { "xor", DMA_XOR }, { "pq", DMA_PQ }, { "xorVal", DMA_XOR_VAL },
	{ "pqVal", DMA_PQ_VAL }, { "memset", DMA_MEMSET }, { "asyncTx", DMA_ASYNC_TX },
};

static void render_system(struct out *o)
{
	put(o, "{\"dmaengineRefCount\":%ld,\"cpuOnline\":[", kx_ref_count());
	for (int c = 0; c < rt_nr_cpus; c++)
		put(o, "%s%s", c ? "," : "", rt_cpu_online[c] ? "true" : "false");
	put(o, "],\"ref\":[");
	for (int c = 0; c < rt_nr_cpus; c++)
		put(o, "%s%ld", c ? "," : "", kx_ref(c));
	put(o, "],\"key\":%s,\"dirty\":%d,\"table\":{", kx_key() ? "true" : "false", kx_dirty());
	for (size_t r = 0; r < ARRAY_SIZE(TABLE_ROWS); r++) {
		put(o, "%s\"%s\":[", r ? "," : "", TABLE_ROWS[r].name);
		for (int c = 0; c < rt_nr_cpus; c++) {
			put(o, "%s", c ? "," : "");
			put_chan(o, kx_table(TABLE_ROWS[r].cap, c));
		}
		put(o, "]");
	}
	put(o, "},\"devices\":[");
	for (int d = 0; d < ndev; d++) {
		struct dma_device *dd = devs[d].inst ? &devs[d].inst->common : NULL;
		put(o, "%s{\"name\":\"%s\",\"listed\":%s,\"private\":%s,\"privatecnt\":%d,\"freed\":%s", d ? "," : "", devs[d].name,
		    dd && listed(dd) ? "true" : "false", dd && dma_has_cap(DMA_PRIVATE, dd->cap_mask) ? "true" : "false", dd ? dd->privatecnt : 0,
		    devs[d].freed ? "true" : "false");
		if (dd && kx_kref(dd) >= 0)
			put(o, ",\"kref\":%d", kx_kref(dd));
		put(o, ",\"module\":%d}", devs[d].mod.refs);
	}
	put(o, "],\"channels\":[");
	for (int c = 0; c < nchan; c++) {
		struct fchan *fc = chans[c].inst;
		put(o, "%s{\"id\":\"%s\",\"clientCount\":%d,\"tableCount\":%d,\"resources\":%s}", c ? "," : "", chans[c].id, fc ? fc->common.client_count : 0,
		    fc ? fc->common.table_count : 0, fc && fc->resources ? "true" : "false");
	}
	put(o, "],\"threads\":[");
	for (int i = 0; i < nclients; i++) {
		int t = clients[i];
		put(o, "%s{\"name\":\"%s\",\"cpu\":%d,\"chan\":", i ? "," : "", rt_threads[t].name, rt_threads[t].cpu);
		put_chan(o, wth[t].chan);
		/* its dma_issue_pending_all caller (<client>-rx), stopped before a device_issue_pending */
		struct dma_chan *issuing = NULL;
		for (int r = 0; r < RT_MAX_THREADS; r++)
			if (wth[r].kind == K_RX && wth[r].client == wth[t].client && wth[r].issuing)
				issuing = wth[r].issuing;
		put(o, ",\"issuing\":");
		put_chan(o, issuing);
		put(o, "}");
	}
	put(o, "],\"violations\":[");
	for (int i = 0; i < nviol; i++)
		put(o, "%s\"%s\"", i ? "," : "", violations[i]);
	put(o, "]}");
}

static void render_channel(struct out *o)
{
	struct fchan *fc = chans[0].inst;
	int cc = fc->common.client_count, priv = dma_has_cap(DMA_PRIVATE, devs[0].inst->common.cap_mask);
	put(o, "{\"refCount\":%ld,\"clientCount\":%d,\"resources\":%s,\"tableCount\":%d,\"private\":%s,\"state\":\"%s\"}", kx_ref_count(), cc,
	    fc->resources ? "true" : "false", fc->common.table_count, priv ? "true" : "false", !cc ? "free" : priv ? "heldPrivate" : "heldPublic");
}

/* Where dma_channel_quiesce is, from the point its thread is stopped at. */
static const char *quiesce_phase(int t)
{
	struct rt_thread *r = &rt_threads[t];
	if (r->status == RT_IDLE)
		return r->fn ? "done" : "starting";
	static const struct { const char *at, *phase; } P[] = {
		{ "before:atomic_set@dma_channel_quiesce", "roundStart" },
		{ "before:schedule_timeout@dma_channel_quiesce", "sleeping" },
		{ "before:per_cpu@dma_channel_quiesce", "reading" },
		{ "before:static_key_slow_dec@dma_channel_quiesce", "ended" },
		{ "after:static_key_slow_dec@dma_channel_quiesce", "done" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(P); i++)
		if (!strcmp(r->at, P[i].at))
			return P[i].phase;
	return "(elsewhere)";
}

static void render_quiesce(struct out *o)
{
	const char *phase = quiesce_phase(rt_thread_named(hubs[0].name));
	int in_loop = strcmp(phase, "starting") && strcmp(phase, "done"), reading = !strcmp(phase, "reading");
	put(o, "{\"phase\":\"%s\",\"ref\":[", phase);
	for (int c = 0; c < rt_nr_cpus; c++)
		put(o, "%s%ld", c ? "," : "", kx_ref(c));
	put(o, "],\"key\":%s,\"dirtySet\":%s,\"count\":", kx_key() ? "true" : "false", kx_dirty() ? "true" : "false");
	if (in_loop && q_count)
		put(o, "%d", *q_count);
	else
		put(o, "null");
	if (reading && q_cpu)
		put(o, ",\"readingNext\":%d,\"readingSum\":%ld}", *q_cpu, *q_sum);
	else
		put(o, ",\"readingNext\":null,\"readingSum\":null}");
}

static void render_ioh(struct out *o)
{
	static const char *const STATE[] = { "absent", "present", "online", "ejecting", "surpriseRemoved", "removed" };
	struct whub *h = &hubs[0];
	int reg = 0;
	for (int d = h->first_dev; d < h->first_dev + h->ndev; d++)
		reg += devs[d].inst && !devs[d].freed && listed(&devs[d].inst->common);
	put(o, "{\"state\":\"%s\",\"registered\":%d,\"cpuOnline\":[", STATE[h->state], reg);
	for (int c = 0; c < rt_nr_cpus; c++)
		put(o, "%s%s", c ? "," : "", rt_cpu_online[c] ? "true" : "false");
	put(o, "]}");
}

void world_render(char *out, size_t size)
{
	struct out o = { out, size };
	rt_observing = 1;
	switch (machine) {
	case M_SYSTEM: render_system(&o); break;
	case M_CHANNEL: render_channel(&o); break;
	case M_QUIESCE: render_quiesce(&o); break;
	case M_IOH: render_ioh(&o); break;
	default: put(&o, "{}");
	}
	rt_observing = 0;
}

void world_settle(void) { rt_reprotect(); }

void world_report(char *out, size_t size)
{
	struct out o = { out, size };
	put(&o, "\"trace\":[");
	if (last_thread >= 0) {
		struct rt_thread *r = &rt_threads[last_thread];
		for (int i = 0; i < r->ntrace; i++) {
			const char *base = strrchr(r->trace[i].file, '/');
			put(&o, "%s\"%s:%d %s:%s@%s\"", i ? "," : "", base ? base + 1 : r->trace[i].file, r->trace[i].line, r->trace[i].when == RT_BEFORE ? "before" : "after",
			    r->trace[i].label_prim, r->trace[i].func);
		}
	}
	put(&o, "],\"faults\":[");
	for (int i = 0; i < nstep_faults; i++)
		put(&o, "%s{\"thread\":\"%s\",\"object\":\"%s\",\"pc\":\"0x%lx\"}", i ? "," : "", step_faults[i].thread >= 0 ? rt_threads[step_faults[i].thread].name : "",
		    step_faults[i].kind == RT_TAG_CHAN ? chans[step_faults[i].index].id : step_faults[i].kind == RT_TAG_DEVICE ? devs[step_faults[i].index].name : "?",
		    (unsigned long)step_faults[i].pc);
	put(&o, "],\"warnings\":\"");
	for (const char *p = step_warnings; *p; p++)
		put(&o, "%c", *p == '"' ? '\'' : *p);
	put(&o, "\"");
}
