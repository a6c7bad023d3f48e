/* The implementation under test, as the replay driver sees it: one per dmaspec machine. */
#ifndef DMASPEC_IMPL_H
#define DMASPEC_IMPL_H
#include <stddef.h>

struct impl {
	const char *machine; /* the header's "machine" it replays */
	/* A fresh implementation built from the header (node index), set-up steps done. */
	void (*reset)(int header);
	/* Whether the implementation would take this event (a node {"type":..., payload}) now. */
	int (*enabled)(int event);
	void (*step)(int event);
	/* Writes observable field `name` as compact JSON into out; returns 0 for an unknown field. */
	int (*field)(const char *name, char *out, size_t size);
};

extern const struct impl channel_impl, quiesce_impl;

/* Helpers on event nodes: the step name after the thread's dot, and an integer/boolean payload field. */
int event_is(int event, const char *step);
long payload(int event, const char *field);

#endif
