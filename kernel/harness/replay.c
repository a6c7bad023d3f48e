/* The replay driver: reads a dmaspec-paths export on standard input and replays every path
 * on the real kernel, each in a fresh child process (the kernel file's statics start
 * pristine), comparing the export's `observable` with the kernel's after every step.
 *
 *   dmaspec-kernel < export.jsonl
 *
 * Writes one JSON line per path: {"path":ID,"steps":N,"ok":true} or, at the first divergence,
 * {"path":ID,"steps":N,"ok":false,"step":I,"event":{...},"kind":K,"field":F,"expected":E,
 * "actual":A,"message":M,"file":F,"line":L,"trace":[...],"faults":[...],"warnings":W,...};
 * then {"kind":"summary","paths":P,"steps":S}. Exit 0, or 2 for an input it cannot read.
 * src/kernel/replay.ts drives it and reads the lines; docs/kernel-replay.md explains them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "json.h"
#include "world.h"

static long path_id;
static int step_index;
static const struct jnode *step_event;
static char uncompared[1024];

/* JSON string body of s (quotes and backslashes escaped, control characters dropped). */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	fputc('"', f);
}

static void head(long steps)
{
	printf("{\"path\":%ld,\"steps\":%ld,\"ok\":false,\"step\":%d,\"event\":", path_id, steps, step_index);
	if (step_event)
		printf("%.*s", step_event->len, step_event->text);
	else
		printf("null");
}

static void tail(void)
{
	static char report[16384];
	world_report(report, sizeof report);
	printf(",%s", report);
	if (uncompared[0])
		printf(",\"uncompared\":[%s]", uncompared);
	printf("}\n");
	fflush(stdout);
}

static long total_steps;

static void report_div(const struct world_div *d)
{
	head(total_steps);
	printf(",\"kind\":");
	put_str(stdout, d->kind);
	printf(",\"message\":");
	put_str(stdout, d->message);
	if (d->file) {
		printf(",\"file\":");
		put_str(stdout, d->file);
		printf(",\"line\":%d", d->line);
	}
	tail();
}

static void on_fatal(const char *msg, uintptr_t pc)
{
	struct world_div d = { .file = NULL };
	snprintf(d.kind, sizeof d.kind, "oops");
	snprintf(d.message, sizeof d.message, "%s at pc 0x%lx", msg, (unsigned long)pc);
	head(total_steps);
	printf(",\"kind\":\"oops\",\"message\":");
	put_str(stdout, d.message);
	printf(",\"pc\":\"0x%lx\"", (unsigned long)pc);
	tail();
	_exit(0);
}

/* Records a field the harness does not render (compared nowhere; listed once). */
static void note_uncompared(const char *path)
{
	char q[160];
	snprintf(q, sizeof q, "\"%s\"", path);
	if (strstr(uncompared, q))
		return;
	size_t n = strlen(uncompared);
	snprintf(uncompared + n, sizeof uncompared - n, "%s%s", n ? "," : "", q);
}

/* The first difference of `want` (the export's) against `got` (the kernel's): 1 and its path,
 * or 0. Fields the kernel side does not render are noted, not compared. */
static int diff(int want, int got, char *path, size_t size, int *dw, int *dg)
{
	struct jnode *w = json_node(want), *g = json_node(got);
	if (w->type == J_OBJ && g->type == J_OBJ) {
		size_t n = strlen(path);
		for (int k = w->first; k >= 0; k = json_node(k)->next) {
			struct jnode *kn = json_node(k);
			snprintf(path + n, size - n, "%s%.*s", n ? "." : "", kn->keylen, kn->key);
			char key[64];
			snprintf(key, sizeof key, "%.*s", kn->keylen, kn->key);
			int gk = json_get(got, key);
			if (gk < 0) {
				note_uncompared(path);
				continue;
			}
			if (diff(k, gk, path, size, dw, dg))
				return 1;
		}
		path[n] = 0;
		return 0;
	}
	if (w->len == g->len && !strncmp(w->text, g->text, (size_t)w->len))
		return 0;
	if (w->type == J_ARR && g->type == J_ARR && json_count(want) == json_count(got)) {
		size_t n = strlen(path);
		int i = 0;
		for (int a = w->first, b = g->first; a >= 0; a = json_node(a)->next, b = json_node(b)->next, i++) {
			snprintf(path + n, size - n, "[%d]", i);
			if (diff(a, b, path, size, dw, dg))
				return 1;
		}
		path[n] = 0;
		return 0;
	}
	if (w->len == g->len && !strncmp(w->text, g->text, (size_t)w->len))
		return 0;
	*dw = want;
	*dg = got;
	return 1;
}

/* Compares the expected state node {observable,...} with the kernel's; prints and returns 1 on a difference. */
static int compare(int expected)
{
	static char actual[1 << 16];
	world_render(actual, sizeof actual);
	int mark = json_mark();
	int got = json_parse(actual);
	if (got < 0) {
		fprintf(stderr, "dmaspec kernel harness: cannot parse its own observation: %s\n", actual);
		exit(3);
	}
	char path[256] = "";
	int dw = -1, dg = -1;
	int differs = diff(json_get(expected, "observable"), got, path, sizeof path, &dw, &dg);
	if (differs) {
		head(total_steps);
		printf(",\"kind\":\"observable\",\"field\":");
		put_str(stdout, path);
		printf(",\"expected\":%.*s,\"actual\":%.*s,\"observed\":%s", json_node(dw)->len, json_node(dw)->text, json_node(dg)->len, json_node(dg)->text, actual);
		tail();
	}
	json_release(mark);
	world_settle();
	return differs;
}

static void replay_path(int header, int root)
{
	int steps = json_get(root, "steps");
	total_steps = json_count(steps);
	rt_fatal = on_fatal;
	step_index = -1;
	step_event = NULL;
	const char *err = world_build(header);
	if (err) {
		struct world_div d = { .file = NULL };
		snprintf(d.kind, sizeof d.kind, "setup");
		snprintf(d.message, sizeof d.message, "%s", err);
		report_div(&d);
		return;
	}
	if (compare(json_get(header, "initial")))
		return;
	for (int s = json_node(steps)->first; s >= 0; s = json_node(s)->next) {
		step_index++;
		int ev = json_get(s, "event");
		step_event = json_node(ev);
		struct world_div d = { .file = NULL };
		if (world_step(ev, &d)) {
			report_div(&d);
			return;
		}
		if (compare(s))
			return;
	}
	printf("{\"path\":%ld,\"steps\":%ld,\"ok\":true", path_id, total_steps);
	if (uncompared[0])
		printf(",\"uncompared\":[%s]", uncompared);
	printf("}\n");
	fflush(stdout);
}

int main(void)
{
	char *line = NULL, *keep;
	size_t size = 0;
	long paths = 0, steps = 0;
	if (getline(&line, &size, stdin) < 0) {
		fprintf(stderr, "dmaspec kernel harness: no input (expected a dmaspec-paths export on standard input)\n");
		return 2;
	}
	keep = strdup(line);
	int header = json_parse(keep);
	struct jnode *fmt = header >= 0 ? json_node(json_get(header, "format")) : NULL;
	if (!fmt || fmt->type != J_STR || strncmp(fmt->text, "\"dmaspec-paths/", 15)) {
		fprintf(stderr, "dmaspec kernel harness: the first line is not a dmaspec-paths header\n");
		return 2;
	}
	while (getline(&line, &size, stdin) > 0) {
		int mark = json_mark(), root = json_parse(line);
		if (root < 0) {
			fprintf(stderr, "dmaspec kernel harness: a line is not JSON\n");
			return 2;
		}
		if (json_is(json_get(root, "kind"), "trailer"))
			break;
		path_id = json_node(json_get(root, "id"))->num;
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 3;
		}
		if (pid == 0) {
			replay_path(header, root);
			fflush(stdout);
			_exit(0);
		}
		int status;
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("{\"path\":%ld,\"steps\":%d,\"ok\":false,\"step\":-1,\"event\":null,\"kind\":\"crash\",\"message\":\"the replay process died (%s %d)\"}\n", path_id,
			       json_count(json_get(root, "steps")), WIFSIGNALED(status) ? "signal" : "exit status", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		}
		paths++;
		steps += json_count(json_get(root, "steps"));
		json_release(mark);
	}
	printf("{\"kind\":\"summary\",\"paths\":%ld,\"steps\":%ld}\n", paths, steps);
	return 0;
}
