/* SPDX-License-Identifier: MIT */
/*
 * The live progress line on stderr: phase, round, pages sent and left, MB/s, ETA. On a terminal
 * it is redrawn in place (\r) at most PROGRESS_TTY_INTERVAL_MS apart; otherwise a plain line is
 * printed when the phase changes and every PROGRESS_PLAIN_INTERVAL_MS.
 */
#ifndef AGENT_PROGRESS_H
#define AGENT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "svsm/migrate/control.h"

#define PROGRESS_TTY_INTERVAL_MS   250U
#define PROGRESS_PLAIN_INTERVAL_MS 5000U

struct progress {
	FILE *out;
	bool tty;
	bool line_open; /* a \r line is on screen and needs a newline before other output */
	bool have_phase;
	uint32_t last_status;
	uint64_t last_draw_ns;
	uint64_t last_bytes;
	uint64_t last_sample_ns;
	double rate_bytes_per_s;
};

void progress_init(struct progress *p, FILE *out, bool tty, uint64_t now_ns);
void progress_update(struct progress *p, const struct mig_svsm_state *state, uint64_t bytes_moved,
		     uint64_t now_ns);
/* Ends an in-place line so that the next message starts on its own line. */
void progress_end_line(struct progress *p);
/* The line itself, for tests. */
void progress_format(char *buf, size_t len, const struct mig_svsm_state *state,
		     double rate_bytes_per_s);

#endif
