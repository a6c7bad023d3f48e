/* The `channel` machine's rules in C: one channel's client_count through dmaengine_get/put,
 * dma_request_channel / dma_release_channel and dma_channel_rebalance (Linux 3.4
 * drivers/dma/dmaengine.c), on a device with this one channel.
 * -DPLANT_BUG=1: balance_ref_count does nothing.  -DPLANT_BUG=2: dmaengine_put is offered
 * at dmaengine_ref_count 0 (a wrong guard: only the enabled lists can catch it). */
#include "impl.h"
#include "json.h"
#include <stdio.h>
#include <string.h>

static int cpus, users;
static int dmaengine_ref_count;
static struct { int client_count, resources, table_count; } chan;
static struct { int private_, privatecnt; } dev;

static void balance_ref_count(void)
{
#if PLANT_BUG != 1
	while (chan.client_count < dmaengine_ref_count)
		chan.client_count++;
#endif
}

static int dma_chan_get(int alloc_ok)
{
	if (++chan.client_count == 1) {
		if (!alloc_ok) { /* device_alloc_chan_resources failed */
			chan.client_count = 0;
			return 0;
		}
		chan.resources = 1;
		if (!dev.private_)
			balance_ref_count();
	}
	return 1;
}

static void dma_chan_put(void)
{
	if (!chan.client_count)
		return;
	if (--chan.client_count == 0)
		chan.resources = 0; /* device_free_chan_resources */
}

static void dma_channel_rebalance(void)
{
	if (dev.private_) /* private devices are skipped, table_count and all */
		return;
	chan.table_count = 0;
	if (dmaengine_ref_count && chan.client_count)
		chan.table_count = cpus; /* channel_table[cap][cpu] for every online CPU */
}

static void dmaengine_get(void)
{
	dmaengine_ref_count++;
	if (!dev.private_)
		dma_chan_get(1);
	if (dmaengine_ref_count == 1)
		dma_channel_rebalance();
}

static void dmaengine_put(void)
{
	dmaengine_ref_count--;
	if (!dev.private_)
		dma_chan_put();
}

static void dma_request_channel(int alloc_ok)
{
	if (chan.client_count) /* private_candidate: no free channel, NULL */
		return;
	dev.private_ = 1;
	dev.privatecnt++;
	if (!dma_chan_get(alloc_ok) && --dev.privatecnt == 0)
		dev.private_ = 0;
}

static void dma_release_channel(void)
{
	dma_chan_put();
	if (--dev.privatecnt == 0)
		dev.private_ = 0;
}

static void reset(int header)
{
	int impl = json_get(json_get(header, "implementation"), "scenario");
	int clients = json_get(json_get(header, "scenario"), "clients");
	cpus = (int)json_node(json_get(impl, "cpus"))->num;
	/* The machine's bound (its "reduced" text): one dmaengine_get user per net_dma or
	 * async_tx client of the scenario the machine was built from. */
	users = 0;
	for (int c = json_node(clients)->first; c >= 0; c = json_node(c)->next)
		users += !json_is(json_get(c, "kind"), "slave");
	if (users < 1)
		users = 1;
	dmaengine_ref_count = 0;
	memset(&chan, 0, sizeof chan);
	memset(&dev, 0, sizeof dev);
}

static int enabled(int ev)
{
	if (event_is(ev, "dmaChannelRebalance"))
		return 1;
	if (event_is(ev, "dmaengineGet"))
		return dmaengine_ref_count < users;
	if (event_is(ev, "dmaenginePut"))
#if PLANT_BUG == 2
		return 1;
#else
		return dmaengine_ref_count > 0;
#endif
	if (event_is(ev, "dmaRequestChannel")) /* NULL without a candidate; an alloc fails only on one */
		return payload(ev, "allocOk") || chan.client_count == 0;
	if (event_is(ev, "dmaReleaseChannel"))
		return dev.private_ && chan.client_count > 0;
	return 0;
}

static void step(int ev)
{
	if (event_is(ev, "dmaChannelRebalance"))
		dma_channel_rebalance();
	else if (event_is(ev, "dmaengineGet"))
		dmaengine_get();
	else if (event_is(ev, "dmaenginePut"))
		dmaengine_put();
	else if (event_is(ev, "dmaRequestChannel"))
		dma_request_channel((int)payload(ev, "allocOk"));
	else if (event_is(ev, "dmaReleaseChannel"))
		dma_release_channel();
}

#define BOOL(x) ((x) ? "true" : "false")

static int field(const char *name, char *out, size_t size)
{
	if (!strcmp(name, "refCount"))
		snprintf(out, size, "%d", dmaengine_ref_count);
	else if (!strcmp(name, "clientCount"))
		snprintf(out, size, "%d", chan.client_count);
	else if (!strcmp(name, "resources"))
		snprintf(out, size, "%s", BOOL(chan.resources));
	else if (!strcmp(name, "tableCount"))
		snprintf(out, size, "%d", chan.table_count);
	else if (!strcmp(name, "private"))
		snprintf(out, size, "%s", BOOL(dev.private_));
	else if (!strcmp(name, "state"))
		snprintf(out, size, "\"%s\"", !chan.client_count ? "free" : dev.private_ ? "heldPrivate" : "heldPublic");
	else
		return 0;
	return 1;
}

const struct impl channel_impl = { "channel", reset, enabled, step, field };
