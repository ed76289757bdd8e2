/* SPDX-License-Identifier: MIT */
/* --stats-json: one JSON object per run (schema in docs/agent.md), written atomically. */
#ifndef AGENT_STATS_H
#define AGENT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "svsm/migrate/control.h"

#include "pump.h"

#define AGENT_RESULT_MESSAGE_MAX 512U

struct agent_result {
	const char *role; /* "send" or "receive" */
	int exit_code;
	char message[AGENT_RESULT_MESSAGE_MAX];
	bool have_state; /* state holds the SVSM's last published state */
	struct mig_svsm_state state;
	uint64_t started_ns;
	uint64_t ended_ns;
	uint32_t channels;
};

/* Writes the JSON document to out. */
void agent_stats_print(FILE *out, const struct agent_result *result, const struct pump_stats *ps);
/* Writes it to path through a temporary file in the same directory and rename(). */
bool agent_stats_write(const char *path, const struct agent_result *result,
		       const struct pump_stats *ps, char *message, size_t message_len);

#endif
