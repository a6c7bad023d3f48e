/* A minimal dmaspec-paths/3 replay driver in plain C (libc only).
 *
 *   replay FILE.jsonl      exit 0: every path conforms; 1: a divergence (printed); 2: bad file
 *
 * For each path: a fresh implementation (set-up steps included), then after every step the
 * file's "observable" fields are compared with the implementation's, and its "enabled" list
 * with the events the implementation would take (so a wrong guard is caught too). */
#define _POSIX_C_SOURCE 200809L
#include "impl.h"
#include "json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct impl *const IMPLS[] = { &channel_impl, &quiesce_impl };
static const struct impl *impl;
static int header, events;
static long path_id;

int event_is(int event, const char *step)
{
	struct jnode *t = json_node(json_get(event, "type"));
	const char *dot = memchr(t->text + 1, '.', (size_t)t->len - 2);
	size_t len = strlen(step);
	return dot && (size_t)(t->text + t->len - 1 - (dot + 1)) == len && !strncmp(dot + 1, step, len);
}

long payload(int event, const char *field)
{
	int f = json_get(event, field);
	return f < 0 ? 0 : json_node(f)->num;
}

static int fail(int step, const char *what, const char *want, int wantlen, const char *got)
{
	char where[32] = "initial state";
	if (step >= 0)
		snprintf(where, sizeof where, "after step %d", step);
	printf("FAIL %s: path %ld, %s: %s expected %.*s, got %s\n", impl->machine, path_id, where, what, wantlen, want, got);
	return 1;
}

static int by_strcmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Compares the implementation with an expected state {"observable":{...},"enabled":[...]}. */
static int check(int expected, int step)
{
	static char got[1 << 16];
	int obs = json_get(expected, "observable"), en = json_get(expected, "enabled");
	for (int f = json_node(obs)->first; f >= 0; f = json_node(f)->next) {
		struct jnode *n = json_node(f);
		char name[128];
		snprintf(name, sizeof name, "%.*s", n->keylen, n->key);
		if (!impl->field(name, got, sizeof got))
			return fail(step, name, n->text, n->len, "(no such field)");
		if ((int)strlen(got) != n->len || strncmp(got, n->text, (size_t)n->len))
			return fail(step, name, n->text, n->len, got);
	}
	/* Our enabled list: the labels of the header's events the implementation would take, sorted. */
	const char *labels[512];
	int k = 0;
	for (int e = json_node(events)->first; e >= 0 && k < 512; e = json_node(e)->next)
		if (impl->enabled(json_get(e, "event"))) {
			struct jnode *l = json_node(json_get(e, "label"));
			labels[k++] = strndup(l->text, (size_t)l->len);
		}
	qsort(labels, (size_t)k, sizeof *labels, by_strcmp);
	size_t n = (size_t)snprintf(got, sizeof got, "[");
	for (int i = 0; i < k; i++) {
		n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", i ? "," : "", labels[i]);
		free((void *)labels[i]);
	}
	snprintf(got + n, sizeof got - n, "]");
	struct jnode *want = json_node(en);
	if ((int)strlen(got) != want->len || strncmp(got, want->text, (size_t)want->len))
		return fail(step, "enabled", want->text, want->len, got);
	return 0;
}

int main(int argc, char **argv)
{
	FILE *in = argc == 2 ? fopen(argv[1], "r") : NULL;
	char *line = NULL, *head = NULL;
	size_t size = 0;
	long paths = 0, steps = 0;
	if (!in) {
		fprintf(stderr, "usage: replay FILE.jsonl (a dmaspec-paths/3 file)\n");
		return 2;
	}
	if (getline(&line, &size, in) < 0 || (header = json_parse(head = strdup(line))) < 0 || !json_is(json_get(header, "format"), "dmaspec-paths/3")) {
		fprintf(stderr, "%s: the first line is not a dmaspec-paths/3 header\n", argv[1]);
		return 2;
	}
	for (size_t i = 0; i < sizeof IMPLS / sizeof *IMPLS; i++)
		if (json_is(json_get(header, "machine"), IMPLS[i]->machine))
			impl = IMPLS[i];
	if (!impl) {
		struct jnode *m = json_node(json_get(header, "machine"));
		fprintf(stderr, "%s: no implementation here for machine %.*s\n", argv[1], m->len, m->text);
		return 2;
	}
	events = json_get(header, "events");
	while (getline(&line, &size, in) > 0) {
		int mark = json_mark(), root = json_parse(line);
		int kind = json_get(root, "kind");
		if (root < 0) {
			fprintf(stderr, "%s: a line is not JSON\n", argv[1]);
			return 2;
		}
		if (json_is(kind, "trailer")) {
			if (json_node(json_get(root, "paths"))->num != paths || json_node(json_get(root, "steps"))->num != steps) {
				fprintf(stderr, "%s: the trailer's counts do not match the file\n", argv[1]);
				return 2;
			}
			printf("%s: %ld paths, %ld steps: all conform\n", impl->machine, paths, steps);
			return 0;
		}
		path_id = json_node(json_get(root, "id"))->num;
		impl->reset(header);
		if (check(json_get(header, "initial"), -1))
			return 1;
		int i = 0;
		for (int s = json_node(json_get(root, "steps"))->first; s >= 0; s = json_node(s)->next, i++) {
			int ev = json_get(s, "event");
			if (!impl->enabled(ev)) {
				struct jnode *e = json_node(ev);
				return fail(i, "event", e->text, e->len, "refused by the implementation");
			}
			impl->step(ev);
			if (check(s, i))
				return 1;
		}
		paths++;
		steps += i;
		json_release(mark);
	}
	fprintf(stderr, "%s: no trailer line: the file was cut short\n", argv[1]);
	return 2;
}
