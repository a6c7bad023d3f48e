/* The replay driver: reads a dmaspec-paths export on standard input and replays every path
 * on the real kernel, each in a fresh child process (the kernel file's statics start
 * pristine), comparing the export's `observable` with the kernel's after every step.
 *
 *   dmaspec-kernel [--first-failure] [--path-cpu-seconds N] < export.jsonl
 *
 * --first-failure stops after the first path that fails (a mutant is killed by one path);
 * --path-cpu-seconds N bounds each path's child to N seconds of CPU time (and 2 GiB of address
 * space): a mutant whose loop never ends is a failing path ("crash"), not a hung replay.
 *
 * Writes one JSON line per path: {"path":ID,"steps":N,"ok":true} (with "oops":{"step":I,"violation":V}
 * when the path ended at an oops the model predicts, V in the step's violations), or, at the first divergence,
 * {"path":ID,"steps":N,"ok":false,"step":I,"event":{...},"kind":K,"field":F,"expected":E,
 * "actual":A,"message":M,"file":F,"line":L,"trace":[...],"faults":[...],"warnings":W,...};
 * then {"kind":"summary","paths":P,"steps":S}. Exit 0, or 2 for an input it cannot read.
 * src/kernel/replay.ts drives it and reads the lines; docs/kernel-replay.md explains them. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "json.h"
#include "world.h"

/* A path's child exits 0 when the path passes, PATH_FAILED when it reported a divergence. */
enum { PATH_FAILED = 10 };

static long path_id;
static int step_index;
static const struct jnode *step_event;
static int step_node = -1; /* the step being replayed (its expected state), -1 before the first */
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

/* Whether the expected state node `expected` lists violation `v`. */
static int expects_violation(int expected, const char *v)
{
	int list = json_get(json_get(expected, "observable"), "violations");
	if (list < 0)
		return 0;
	for (int e = json_node(list)->first; e >= 0; e = json_node(e)->next)
		if (json_is(e, v))
			return 1;
	return 0;
}

static void on_fatal(const char *msg, uintptr_t pc)
{
	/* The model says this step oopses (a walk following a list_del-poisoned next,
	 * spec/threads.md oops-ends-thread): the kernel agrees. Nothing after an oops can be replayed
	 * (the process is dead), so the path ends here, passed, with the step and the violation. */
	char v[96];
	world_oops_violation(v, sizeof v);
	if (step_node >= 0 && expects_violation(step_node, v)) {
		printf("{\"path\":%ld,\"steps\":%ld,\"ok\":true,\"oops\":{\"step\":%d,\"violation\":", path_id, total_steps, step_index);
		put_str(stdout, v);
		printf("}}\n");
		fflush(stdout);
		_exit(0);
	}
	struct world_div d = { .file = NULL };
	snprintf(d.kind, sizeof d.kind, "oops");
	snprintf(d.message, sizeof d.message, "%s at pc 0x%lx", msg, (unsigned long)pc);
	head(total_steps);
	printf(",\"kind\":\"oops\",\"message\":");
	put_str(stdout, d.message);
	printf(",\"pc\":\"0x%lx\"", (unsigned long)pc);
	tail();
	_exit(PATH_FAILED);
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

/* Replays one path; 1 when it passes (its result line written either way). */
static int replay_path(int header, int root)
{
	int steps = json_get(root, "steps");
	total_steps = json_count(steps);
	rt_fatal = on_fatal;
	step_index = -1;
	step_event = NULL;
	step_node = -1;
	const char *err = world_build(header);
	if (err) {
		struct world_div d = { .file = NULL };
		snprintf(d.kind, sizeof d.kind, "setup");
		snprintf(d.message, sizeof d.message, "%s", err);
		report_div(&d);
		return 0;
	}
	if (compare(json_get(header, "initial")))
		return 0;
	for (int s = json_node(steps)->first; s >= 0; s = json_node(s)->next) {
		step_index++;
		int ev = json_get(s, "event");
		step_event = json_node(ev);
		step_node = s;
		struct world_div d = { .file = NULL };
		if (world_step(ev, &d)) {
			report_div(&d);
			return 0;
		}
		if (compare(s))
			return 0;
	}
	printf("{\"path\":%ld,\"steps\":%ld,\"ok\":true", path_id, total_steps);
	if (uncompared[0])
		printf(",\"uncompared\":[%s]", uncompared);
	printf("}\n");
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	char *line = NULL, *keep;
	size_t size = 0;
	long paths = 0, steps = 0;
	int first_failure = 0;
	long cpu_seconds = 0;
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--first-failure"))
			first_failure = 1;
		else if (!strcmp(argv[a], "--path-cpu-seconds") && a + 1 < argc && atol(argv[a + 1]) > 0)
			cpu_seconds = atol(argv[++a]);
		else {
			fprintf(stderr, "dmaspec kernel harness: unknown option %s (usage: dmaspec-kernel [--first-failure] [--path-cpu-seconds N] < export.jsonl)\n", argv[a]);
			return 2;
		}
	}
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
			if (cpu_seconds) {
				struct rlimit cpu = { (rlim_t)cpu_seconds, (rlim_t)cpu_seconds + 1 }, as = { 2UL << 30, 2UL << 30 };
				setrlimit(RLIMIT_CPU, &cpu);
				setrlimit(RLIMIT_AS, &as);
			}
			int ok = replay_path(header, root);
			fflush(stdout);
			_exit(ok ? 0 : PATH_FAILED);
		}
		int status;
		waitpid(pid, &status, 0);
		int failed = !WIFEXITED(status) || WEXITSTATUS(status);
		if (failed && !(WIFEXITED(status) && WEXITSTATUS(status) == PATH_FAILED)) {
			char why[96];
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
				snprintf(why, sizeof why, "ran out of its %ld CPU seconds: the kernel code loops", cpu_seconds);
			else
				snprintf(why, sizeof why, "died (%s %d)", WIFSIGNALED(status) ? "signal" : "exit status", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			printf("{\"path\":%ld,\"steps\":%d,\"ok\":false,\"step\":-1,\"event\":null,\"kind\":\"crash\",\"message\":\"the replay process %s\"}\n", path_id,
			       json_count(json_get(root, "steps")), why);
		}
		paths++;
		steps += json_count(json_get(root, "steps"));
		json_release(mark);
		if (failed && first_failure)
			break;
	}
	printf("{\"kind\":\"summary\",\"paths\":%ld,\"steps\":%ld}\n", paths, steps);
	return 0;
}
