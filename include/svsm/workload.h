/* SPDX-License-Identifier: MIT */
/*
 * The workload every guest vCPU runs, shared by the ring-3 payload, the SVSM and host tools so
 * that a result can be recomputed anywhere. It is pure C without libc.
 *
 * Each step draws two numbers from a splitmix64 generator: the first picks a 64-bit word of the
 * region, the second is written there. The whole state is struct workload, so a run stopped
 * after N1 steps and continued (even on another machine) for N2 steps leaves the region exactly as
 * N1 + N2 uninterrupted steps from the same seed over a zeroed region would.
 */
#ifndef SVSM_WORKLOAD_H
#define SVSM_WORKLOAD_H

#include "svsm/types.h"

#define WORKLOAD_WORD_SIZE sizeof(uint64_t)

struct workload {
	uint64_t prng;	/* splitmix64 state */
	uint64_t steps; /* steps done since workload_init() */
};

void workload_init(struct workload *w, uint64_t seed);

/* One step over region[0 .. words). words == 0 does nothing (there is nowhere to write). */
void workload_step(struct workload *w, uint64_t *region, uint64_t words);

/* A 64-bit hash of region[0 .. words) that changes whenever exactly one word changes, and in
 * practice whenever words move. */
uint64_t workload_checksum(const uint64_t *region, uint64_t words);

/* Zeroes region[0 .. words) (as PVALIDATE leaves a fresh page), runs `steps` steps from `seed`
 * and returns the checksum. */
uint64_t workload_replay(uint64_t seed, uint64_t steps, uint64_t *region, uint64_t words);

#endif
