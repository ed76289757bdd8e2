/* SPDX-License-Identifier: MIT */
/*
 * TEST-ONLY fault injection (docs/agent.md): the agent misbehaves on purpose, the way a hostile
 * host could, so that end-to-end tests can show the SVSMs' documented reaction to each fault.
 *
 *   --inject KIND[@RECORD_TYPE][:N]
 *
 * acts on the Nth record (1-based, default 1, counted over all channels) of RECORD_TYPE (default:
 * any type) that the agent forwards in the chosen direction.
 */
#ifndef AGENT_INJECT_H
#define AGENT_INJECT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INJECT_MAX_SPECS    8U
#define INJECT_ANY_TYPE	    0U
#define INJECT_MAX_DELAY_MS 600000U

enum inject_kind {
	INJECT_FLIP,	  /* flip the last byte of the record */
	INJECT_DROP,	  /* do not forward it */
	INJECT_DUPLICATE, /* forward it twice */
	INJECT_REORDER,	  /* forward the channel's next record first */
	INJECT_REPLAY,	  /* forward it, then again after the channel's next record */
	INJECT_TRUNCATE,  /* forward only its first half (at least one byte) */
	INJECT_KILL,	  /* SIGKILL the agent instead of forwarding it */
	INJECT_DELAY,	  /* wait delay_ms, then forward it */
};

struct inject_spec {
	enum inject_kind kind;
	uint32_t record_type; /* enum mig_record_type, or INJECT_ANY_TYPE */
	uint64_t nth;	      /* 1-based */
	uint32_t delay_ms;    /* INJECT_DELAY only */
};

/* Parses one KIND[@RECORD_TYPE][:N] argument. On failure writes a message and returns false. */
bool inject_parse(const char *text, struct inject_spec *spec, char *msg, size_t msg_len);
const char *inject_kind_name(enum inject_kind kind);

/* The run-time matcher, shared by every channel thread of one direction. */
struct injector {
	pthread_mutex_t lock;
	unsigned count;
	struct inject_spec specs[INJECT_MAX_SPECS];
	uint64_t matched[INJECT_MAX_SPECS];
	bool fired[INJECT_MAX_SPECS];
};

void injector_init(struct injector *inj, const struct inject_spec *specs, unsigned count);
void injector_destroy(struct injector *inj);
/* Counts a record of record_type (INJECT_ANY_TYPE when its header does not decode) against
 * every spec; returns true and the spec to apply when one reaches its Nth match. */
bool injector_match(struct injector *inj, uint32_t record_type, struct inject_spec *fired);
/* How many specs have fired, for the statistics. */
unsigned injector_fired_count(struct injector *inj);

#endif
