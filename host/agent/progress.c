/* SPDX-License-Identifier: MIT */
#include "progress.h"

#include <string.h>

#include "svsm/types.h"

#include "names.h"

#define RATE_SMOOTHING 0.3

void progress_init(struct progress *p, FILE *out, bool tty, uint64_t now_ns)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->tty = tty;
	p->last_sample_ns = now_ns;
}

static void format_eta(char *buf, size_t len, uint64_t bytes_left, double rate)
{
	uint64_t seconds;

	if (rate < 1.0 || bytes_left == 0) {
		snprintf(buf, len, "--:--");
		return;
	}
	seconds = (uint64_t)((double)bytes_left / rate);
	if (seconds >= 100ULL * 3600ULL) {
		snprintf(buf, len, ">99h");
		return;
	}
	if (seconds >= 3600) {
		snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)(seconds / 3600),
			 (unsigned long long)(seconds / 60 % 60),
			 (unsigned long long)(seconds % 60));
		return;
	}
	snprintf(buf, len, "%llu:%02llu", (unsigned long long)(seconds / 60),
		 (unsigned long long)(seconds % 60));
}

void progress_format(char *buf, size_t len, const struct mig_svsm_state *state,
		     double rate_bytes_per_s)
{
	const struct mig_counters *c = &state->counters;
	char eta[24];

	format_eta(eta, sizeof(eta), c->pages_remaining * PAGE_SIZE, rate_bytes_per_s);
	snprintf(buf, len, "[%s] round %llu, %llu pages sent, %llu left, %.1f MB/s, ETA %s",
		 agent_phase_name(state->status), (unsigned long long)c->round,
		 (unsigned long long)c->pages_sent, (unsigned long long)c->pages_remaining,
		 rate_bytes_per_s / 1e6, eta);
}

static void sample_rate(struct progress *p, uint64_t bytes_moved, uint64_t now_ns)
{
	double seconds = (double)(now_ns - p->last_sample_ns) / 1e9;
	double instant;

	if (seconds <= 0.0) {
		return;
	}
	instant = (double)(bytes_moved - p->last_bytes) / seconds;
	p->rate_bytes_per_s =
	    p->last_bytes == 0 && p->rate_bytes_per_s == 0.0
		? instant
		: RATE_SMOOTHING * instant + (1.0 - RATE_SMOOTHING) * p->rate_bytes_per_s;
	p->last_bytes = bytes_moved;
	p->last_sample_ns = now_ns;
}

void progress_update(struct progress *p, const struct mig_svsm_state *state, uint64_t bytes_moved,
		     uint64_t now_ns)
{
	uint64_t interval =
	    (p->tty ? PROGRESS_TTY_INTERVAL_MS : PROGRESS_PLAIN_INTERVAL_MS) * 1000000ULL;
	bool phase_changed = !p->have_phase || p->last_status != state->status;
	char line[160];

	if (!phase_changed && now_ns - p->last_draw_ns < interval) {
		return;
	}
	sample_rate(p, bytes_moved, now_ns);
	progress_format(line, sizeof(line), state, p->rate_bytes_per_s);
	if (p->tty) {
		/* \033[K clears what a longer previous line left behind. */
		fprintf(p->out, "\r%s\033[K", line);
		p->line_open = true;
	} else {
		fprintf(p->out, "%s\n", line);
	}
	fflush(p->out);
	p->have_phase = true;
	p->last_status = state->status;
	p->last_draw_ns = now_ns;
}

void progress_end_line(struct progress *p)
{
	if (p->line_open) {
		fputc('\n', p->out);
		fflush(p->out);
		p->line_open = false;
	}
}
