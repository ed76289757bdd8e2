/* SPDX-License-Identifier: MIT */
/*
 * The record pump: one thread per channel moves records from the channel's out ring to its TCP
 * connection and from the connection to its in ring. Records are opaque; the pump peeks at
 * their headers only to count them per round and to pick the record a TEST-ONLY fault applies
 * to. Nothing it receives from the peer can make it write outside a ring slot: frames are
 * checked (frame.h) and the ring code (svsm/migrate/ring.h) owns slot addressing.
 */
#ifndef AGENT_PUMP_H
#define AGENT_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/migrate/control.h"
#include "svsm/migrate_abi.h"

#include "capture.h"
#include "inject.h"

#define PUMP_MESSAGE_MAX 256U
/* Rounds counted one by one; a header naming a later round counts as unattributed. */
#define PUMP_ROUNDS_MAX (MIG_ROUNDS_MAX + 1U)

struct pump_config {
	void *region; /* the MigrationPage region (MIG_REGION_SIZE bytes) */
	uint32_t channels;
	int fds[MIG_MAX_CHANNELS]; /* connected sockets, after the agents' hellos; the pump owns
				      them */
	struct capture_writer *capture; /* NULL: no capture */
	const struct inject_spec *injects;
	unsigned inject_count;
	bool inject_incoming;
};

/* In increasing order of severity. */
enum pump_health {
	PUMP_HEALTHY,
	PUMP_PEER_CLOSED,   /* end of stream or connection reset by the peer */
	PUMP_PEER_PROTOCOL, /* the peer sent a frame length out of range */
	PUMP_RING_BROKEN,   /* the SVSM's ring indices or slot lengths are out of range */
};

struct pump_round_stats {
	uint64_t records;
	uint64_t pages;
	uint64_t bytes;
};

struct pump_channel_stats {
	uint64_t records[2]; /* indexed by enum capture_dir */
	uint64_t bytes[2];
	uint64_t pages[2];   /* GPAs of PAGES records */
	uint64_t dropped[2]; /* records an injected fault removed */
};

struct pump_stats {
	uint32_t channels;
	struct pump_channel_stats channel[MIG_MAX_CHANNELS];
	struct pump_round_stats rounds[PUMP_ROUNDS_MAX];
	uint32_t rounds_seen;		      /* highest round seen + 1 */
	struct pump_round_stats unattributed; /* records without a (plausible) round */
	unsigned faults_injected;
};

struct pump;

/* Attaches the host side of every channel's rings and starts the threads. */
bool pump_start(struct pump **out, const struct pump_config *config, char *message,
		size_t message_len);
/* The worst channel's health, with its message. */
enum pump_health pump_health(struct pump *pump, char *message, size_t message_len);
/* True when every record from the peer has been consumed by the SVSM. */
bool pump_delivered(struct pump *pump);
/*
 * Draining: records the SVSM produced before pump_drain_begin() was called (and before any status
 * the caller read just before it) have all been sent to the peer once pump_drained_since(epoch)
 * is true. The epoch makes sure every channel looked at its ring after the call, so a flag from
 * an earlier look cannot pass for it.
 */
uint64_t pump_drain_begin(struct pump *pump);
bool pump_drained_since(struct pump *pump, uint64_t epoch);
/* Record bytes moved so far, both directions (for progress lines). */
uint64_t pump_bytes_moved(struct pump *pump);
/* Stops and joins the threads, closes the connections, fills stats (may be NULL) and frees. */
void pump_finish(struct pump *pump, struct pump_stats *stats);

#endif
