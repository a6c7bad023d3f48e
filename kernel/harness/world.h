/* The scenario's world on the real kernel, as the replay driver (replay.c) sees it: built from
 * a dmaspec-paths header, stepped one model event at a time, observed as the export's
 * `observable` object. Plain C: no kernel types. */
#ifndef DMASPEC_WORLD_H
#define DMASPEC_WORLD_H
#include <stddef.h>

/* Why a step diverged before any observable was compared. */
struct world_div {
	char kind[24];     /* no-kernel-step, position, blocked, bug, oops */
	char message[480];
	const char *file;  /* the kernel line involved, when known */
	int line;
};

/* Builds the world from header node `header` (a fresh process: the kernel's statics are pristine).
 * Returns NULL or a message naming what the harness cannot build. */
const char *world_build(int header);
/* Takes the model event `event` (a JSON node {"type":..., payload}). Returns 0, or 1 with `d` filled. */
int world_step(int event, struct world_div *d);
/* Writes the observable state as compact JSON (the fields the harness can see). */
void world_render(char *out, size_t size);
/* After a step (and its observation): faults become violations, freed memory is re-protected. */
void world_settle(void);
/* The violation an oops in the last step is, as the model names it: oops:<thread>:<chan>. */
void world_oops_violation(char *out, size_t size);
/* The points the last step passed, as a JSON array of strings, and its faults and warnings. */
void world_report(char *out, size_t size);

#endif
