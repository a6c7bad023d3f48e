/* The `quiesce` machine's rules in C: the RFC's dma_channel_quiesce (CONFIG_DMA_ENGINE_HOTPLUG
 * patch) one preemption point per step, against dma_find_channel / dma_get_channel /
 * dma_put_channel on any CPU. */
#include "impl.h"
#include "json.h"
#include <stdio.h>
#include <string.h>

#define MAXCPU 64
#define BOUND 2 /* the machine's bound on in-flight references (its "reduced" text) */

static int cpus, threshold;
static int ref[MAXCPU]; /* per_cpu(dmaengine_chan_ref_count, cpu) */
static int key;         /* static_key_enabled(&dmaengine_quiesce) */
static int dirty;       /* atomic_read(&dmaengine_dirty) */
static enum { STARTING, ROUND_START, SLEEPING, READING, ENDED, DONE } phase;
static int count, next, sum;
static const char *const PHASE[] = { "starting", "roundStart", "sleeping", "reading", "ended", "done" };
static const char *const STEP[] = { "keyOn", "clearDirty", "tick", "read", "keyOff", "" };

static void reset(int header)
{
	int s = json_get(json_get(header, "implementation"), "scenario");
	cpus = (int)json_node(json_get(s, "cpus"))->num;
	threshold = (int)json_node(json_get(s, "quiesceThreshold"))->num;
	memset(ref, 0, sizeof ref);
	key = dirty = count = next = sum = 0;
	phase = STARTING;
}

static int in_flight(void)
{
	int n = 0;
	for (int c = 0; c < cpus; c++)
		n += ref[c];
	return n;
}

static int enabled(int ev)
{
	int cpu = (int)payload(ev, "cpu");
	if (event_is(ev, "find") || event_is(ev, "get"))
		return ref[cpu] < BOUND && in_flight() < BOUND;
	if (event_is(ev, "put"))
		return ref[cpu] > -BOUND && in_flight() > 0;
	return phase != DONE && event_is(ev, STEP[phase]);
}

static void step(int ev)
{
	int cpu = (int)payload(ev, "cpu");
	if (event_is(ev, "find")) { /* RFC: this_cpu_inc, then NULL while the key is on */
		ref[cpu]++;
	} else if (event_is(ev, "get")) {
		if (key)
			dirty++; /* atomic_inc(&dmaengine_dirty) */
		ref[cpu]++;
	} else if (event_is(ev, "put")) {
		ref[cpu]--;
	} else if (phase == STARTING) { /* static_key_slow_inc */
		key = 1;
		count = 0;
		phase = ROUND_START;
	} else if (phase == ROUND_START) { /* atomic_set(&dmaengine_dirty, 0) */
		dirty = 0;
		sum = next = 0;
		phase = SLEEPING;
	} else if (phase == SLEEPING) { /* the tick; a bumped dirty restarts the count */
		if (dirty) {
			count = 0;
			phase = ROUND_START;
		} else {
			phase = READING;
		}
	} else if (phase == READING) { /* one CPU of for_each_possible_cpu */
		sum += ref[next];
		if (next < cpus - 1) {
			next++;
			return;
		}
		count = sum == 0 ? count + 1 : 0;
		sum = next = 0;
		phase = count >= threshold ? ENDED : ROUND_START;
	} else if (phase == ENDED) { /* static_key_slow_dec */
		key = 0;
		phase = DONE;
	}
}

static int field(const char *name, char *out, size_t size)
{
	int loop = phase != STARTING && phase != DONE;
	if (!strcmp(name, "phase")) {
		snprintf(out, size, "\"%s\"", PHASE[phase]);
	} else if (!strcmp(name, "ref")) {
		size_t n = (size_t)snprintf(out, size, "[");
		for (int c = 0; c < cpus && n < size; c++)
			n += (size_t)snprintf(out + n, size - n, "%s%d", c ? "," : "", ref[c]);
		if (n < size)
			snprintf(out + n, size - n, "]");
	} else if (!strcmp(name, "key")) {
		snprintf(out, size, "%s", key ? "true" : "false");
	} else if (!strcmp(name, "dirtySet")) {
		snprintf(out, size, "%s", dirty ? "true" : "false");
	} else if (!strcmp(name, "count")) {
		loop ? snprintf(out, size, "%d", count) : snprintf(out, size, "null");
	} else if (!strcmp(name, "readingNext")) {
		phase == READING ? snprintf(out, size, "%d", next) : snprintf(out, size, "null");
	} else if (!strcmp(name, "readingSum")) {
		phase == READING ? snprintf(out, size, "%d", sum) : snprintf(out, size, "null");
	} else {
		return 0;
	}
	return 1;
}

const struct impl quiesce_impl = { "quiesce", reset, enabled, step, field };
