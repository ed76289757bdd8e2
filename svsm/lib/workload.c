/* SPDX-License-Identifier: MIT */
#include "svsm/workload.h"

#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15ULL
/* Any fixed non-zero start; mixing in the length makes regions of different sizes differ. */
#define CHECKSUM_INIT 0x6a09e667f3bcc908ULL

/* The splitmix64 finaliser: a bijection on 64-bit values. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t next_random(struct workload *w)
{
	w->prng += SPLITMIX_GAMMA;
	return mix64(w->prng);
}

/* Maps a uniform 64-bit value onto [0, n) with a multiply instead of a division. */
static uint64_t scale_to(uint64_t random, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)random * n) >> 64);
}

void workload_init(struct workload *w, uint64_t seed)
{
	w->prng = seed;
	w->steps = 0;
}

void workload_step(struct workload *w, uint64_t *region, uint64_t words)
{
	uint64_t index;

	if (words == 0) {
		return;
	}
	index = scale_to(next_random(w), words);
	region[index] = next_random(w);
	w->steps++;
}

/*
 * h' = mix64(h ^ word) is a bijection in h for a fixed word and in the word for a fixed h, so one
 * changed word changes that step's result and, through the later bijections, the final value.
 */
uint64_t workload_checksum(const uint64_t *region, uint64_t words)
{
	uint64_t h = mix64(CHECKSUM_INIT ^ words);

	for (uint64_t i = 0; i < words; i++) {
		h = mix64(h ^ region[i]);
	}
	return h;
}

uint64_t workload_replay(uint64_t seed, uint64_t steps, uint64_t *region, uint64_t words)
{
	struct workload w;

	for (uint64_t i = 0; i < words; i++) {
		region[i] = 0;
	}
	workload_init(&w, seed);
	for (uint64_t i = 0; i < steps; i++) {
		workload_step(&w, region, words);
	}
	return workload_checksum(region, words);
}
