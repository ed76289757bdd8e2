/* SPDX-License-Identifier: MIT */
/* The shared workload: determinism, sensitivity of the checksum, and resumption after a stop. */
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"
#include "svsm/workload.h"

#define MAX_WORDS (64ULL * 1024)

static uint64_t region_a[MAX_WORDS];
static uint64_t region_b[MAX_WORDS];

/* Region sizes as the guest sees them (bytes, multiples of 4 KiB) plus odd word counts. */
static const uint64_t sizes_in_words[] = {1, 3, 512, 513, 4096, 8ULL * 512, MAX_WORDS};

TEST(workload, replay_is_deterministic)
{
	for (unsigned s = 0; s < ARRAY_SIZE(sizes_in_words); s++) {
		uint64_t words = sizes_in_words[s];
		uint64_t first = workload_replay(42, 10000, region_a, words);
		uint64_t second = workload_replay(42, 10000, region_b, words);

		EXPECT_EQ(first, second);
		EXPECT_MEMEQ(region_a, region_b, words * sizeof(uint64_t));
	}
}

TEST(workload, replay_zeroes_the_region_first)
{
	uint64_t clean = workload_replay(7, 100, region_a, 512);

	memset(region_a, 0xA5, 512 * sizeof(uint64_t));
	EXPECT_EQ(workload_replay(7, 100, region_a, 512), clean);
}

TEST(workload, steps_write_the_region)
{
	struct workload w;
	uint64_t nonzero = 0;

	memset(region_a, 0, 4096 * sizeof(uint64_t));
	workload_init(&w, 1);
	for (unsigned i = 0; i < 4096; i++) {
		workload_step(&w, region_a, 4096);
	}
	EXPECT_EQ(w.steps, 4096ULL);
	for (unsigned i = 0; i < 4096; i++) {
		nonzero += region_a[i] != 0 ? 1 : 0;
	}
	/* 4096 random picks of 4096 words touch about 1 - 1/e of them. */
	EXPECT_GT(nonzero, 2300ULL);
	EXPECT_LT(nonzero, 2900ULL);
}

TEST(workload, zero_words_is_a_no_op)
{
	struct workload w;

	workload_init(&w, 5);
	workload_step(&w, NULL, 0);
	EXPECT_EQ(w.steps, 0ULL);
	EXPECT_EQ(w.prng, 5ULL);
}

TEST(workload, seeds_differ)
{
	for (unsigned s = 0; s < ARRAY_SIZE(sizes_in_words); s++) {
		uint64_t words = sizes_in_words[s];

		if (words < 512) {
			continue;
		}
		EXPECT_NE(workload_replay(1, 1000, region_a, words),
			  workload_replay(2, 1000, region_b, words));
		EXPECT_NE(workload_replay(0, 1000, region_a, words),
			  workload_replay(1, 1000, region_b, words));
	}
}

TEST(workload, step_counts_differ)
{
	EXPECT_NE(workload_replay(9, 1000, region_a, 512), workload_replay(9, 1001, region_b, 512));
	EXPECT_NE(workload_replay(9, 0, region_a, 512), workload_replay(9, 1, region_b, 512));
}

TEST(workload, sizes_differ_even_when_zero)
{
	EXPECT_NE(workload_replay(3, 0, region_a, 512), workload_replay(3, 0, region_b, 1024));
}

TEST(workload, every_single_changed_word_changes_the_checksum)
{
	const uint64_t words = 1024;
	const uint64_t flips[] = {1, 1ULL << 63, ~0ULL, 0x5555};
	uint64_t reference = workload_replay(11, 3000, region_a, words);

	for (uint64_t i = 0; i < words && test_current_failures() == 0; i++) {
		for (unsigned f = 0; f < ARRAY_SIZE(flips); f++) {
			region_a[i] ^= flips[f];
			EXPECT_NE(workload_checksum(region_a, words), reference);
			region_a[i] ^= flips[f];
		}
	}
	EXPECT_EQ(workload_checksum(region_a, words), reference);
}

TEST(workload, checksum_depends_on_position)
{
	const uint64_t words = 512;
	uint64_t reference = workload_replay(12, 2000, region_a, words);

	for (uint64_t i = 0; i + 1 < words && test_current_failures() == 0; i++) {
		uint64_t saved = region_a[i];

		if (region_a[i] == region_a[i + 1]) {
			continue;
		}
		region_a[i] = region_a[i + 1];
		region_a[i + 1] = saved;
		EXPECT_NE(workload_checksum(region_a, words), reference);
		region_a[i + 1] = region_a[i];
		region_a[i] = saved;
	}
}

/*
 * The guest loop as the payload runs it (step, publish heartbeat), stopped at arbitrary points:
 * the state struct and the region are copied away and the run continues from the copies, as after
 * a migration. The result must equal an uninterrupted replay.
 */
TEST(workload, resumed_runs_equal_whole_runs)
{
	const uint64_t total = 20000;
	const uint64_t stops[] = {0, 1, 137, 5000, 19999, 20000};

	for (unsigned s = 0; s < ARRAY_SIZE(sizes_in_words); s++) {
		uint64_t words = sizes_in_words[s];
		uint64_t expected = workload_replay(0xfeed + s, total, region_a, words);

		for (unsigned p = 0; p < ARRAY_SIZE(stops); p++) {
			struct workload before;
			struct workload after;
			uint64_t heartbeat = 0;

			memset(region_b, 0, words * sizeof(uint64_t));
			workload_init(&before, 0xfeed + s);
			while (before.steps < stops[p]) {
				workload_step(&before, region_b, words);
				heartbeat = before.steps;
			}
			memcpy(&after, &before, sizeof(after));
			memset(&before, 0xCC, sizeof(before));
			while (after.steps < total) {
				workload_step(&after, region_b, words);
				heartbeat = after.steps;
			}
			EXPECT_EQ(heartbeat, total);
			EXPECT_EQ(workload_checksum(region_b, words), expected);
			EXPECT_MEMEQ(region_a, region_b, words * sizeof(uint64_t));
		}
	}
}

TEST(workload, split_in_many_pieces)
{
	const uint64_t words = 4096;
	uint64_t expected = workload_replay(77, 10000, region_a, words);
	struct workload w;
	uint64_t rng = 1;

	memset(region_b, 0, words * sizeof(uint64_t));
	workload_init(&w, 77);
	while (w.steps < 10000) {
		struct workload saved = w;
		uint64_t chunk;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		chunk = MIN((rng >> 40) % 300, 10000 - w.steps);
		for (uint64_t i = 0; i < chunk; i++) {
			workload_step(&saved, region_b, words);
		}
		w = saved;
	}
	EXPECT_EQ(workload_checksum(region_b, words), expected);
}
