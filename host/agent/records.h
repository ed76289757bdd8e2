/* SPDX-License-Identifier: MIT */
/*
 * What the agent may learn from a record: its header fields, for progress, statistics, captures
 * and fault injection. The body is never looked at (sealed records are opaque to the host), and
 * a record whose header does not decode is still forwarded untouched.
 */
#ifndef AGENT_RECORDS_H
#define AGENT_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct agent_record_info {
	uint32_t type; /* enum mig_record_type */
	uint32_t channel;
	uint64_t seq;
	bool has_round;
	uint64_t round;
	uint32_t gpa_count; /* PAGES only */
};

/* False when the header does not decode; info is then zeroed. */
bool agent_record_peek(const uint8_t *record, size_t len, struct agent_record_info *info);
/* "PAGES" etc.; NULL for a type the stream does not define. */
const char *agent_record_type_name(uint32_t type);
/* Case-insensitive reverse of agent_record_type_name(); 0 when unknown. */
uint32_t agent_record_type_from_name(const char *name);

#endif
