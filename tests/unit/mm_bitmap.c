/* SPDX-License-Identifier: MIT */
/* Bitmap tests, each checked against a bool-array model of the same bits. */
#include <pthread.h>

#include "svsm/test.h"

#include "mm/bitmap.h"

#define MODEL_BITS 200U

struct model {
	struct bitmap bm;
	uint64_t words[BITMAP_WORDS(MODEL_BITS)];
	bool bits[MODEL_BITS];
};

static void model_init(struct model *m)
{
	bitmap_init(&m->bm, m->words, MODEL_BITS);
	for (unsigned i = 0; i < MODEL_BITS; i++) {
		m->bits[i] = false;
	}
}

static void model_set_range(struct model *m, uint64_t start, uint64_t count, bool value)
{
	if (value) {
		bitmap_set_range(&m->bm, start, count);
	} else {
		bitmap_clear_range(&m->bm, start, count);
	}
	for (uint64_t i = start; i < start + count; i++) {
		m->bits[i] = value;
	}
}

static void expect_matches_model(const struct model *m)
{
	for (unsigned i = 0; i < MODEL_BITS; i++) {
		EXPECT_EQ(bitmap_test(&m->bm, i), m->bits[i]);
	}
}

TEST(mm_bitmap, init_clears_storage)
{
	uint64_t words[3] = {~0ULL, ~0ULL, ~0ULL};
	struct bitmap bm;

	bitmap_init(&bm, words, 130);
	EXPECT_EQ(words[0], 0ULL);
	EXPECT_EQ(words[1], 0ULL);
	EXPECT_EQ(words[2], 0ULL);
	EXPECT_EQ(bitmap_find_next_set(&bm, 0), 130ULL);
	EXPECT_EQ(bitmap_find_next_clear(&bm, 0), 0ULL);
}

TEST(mm_bitmap, single_bits_land_in_the_right_word)
{
	struct model m;

	model_init(&m);
	bitmap_set(&m.bm, 0);
	bitmap_set(&m.bm, 63);
	bitmap_set(&m.bm, 64);
	bitmap_set(&m.bm, MODEL_BITS - 1);
	EXPECT_EQ(m.words[0], 0x8000000000000001ULL);
	EXPECT_EQ(m.words[1], 1ULL);
	EXPECT_EQ(m.words[3], 1ULL << ((MODEL_BITS - 1) % 64));
	bitmap_clear(&m.bm, 63);
	EXPECT_EQ(m.words[0], 1ULL);
	EXPECT_TRUE(bitmap_test(&m.bm, 64));
	EXPECT_FALSE(bitmap_test(&m.bm, 63));
}

TEST(mm_bitmap, ranges_across_word_boundaries)
{
	static const uint64_t ranges[][2] = {
	    {0, 0}, {0, 1}, {60, 8}, {63, 2}, {64, 64}, {1, 190}, {127, 1}, {128, 72}, {5, 59},
	};
	struct model m;

	for (unsigned r = 0; r < ARRAY_SIZE(ranges); r++) {
		model_init(&m);
		model_set_range(&m, ranges[r][0], ranges[r][1], true);
		expect_matches_model(&m);
		EXPECT_EQ(bitmap_count_set(&m.bm, 0, MODEL_BITS), ranges[r][1]);
		/* Clear an inner piece so both operations cross boundaries on a mixed word. */
		model_set_range(&m, ranges[r][0] + ranges[r][1] / 3, ranges[r][1] / 3, false);
		expect_matches_model(&m);
	}
}

TEST(mm_bitmap, clear_range_leaves_neighbours)
{
	struct model m;

	model_init(&m);
	model_set_range(&m, 0, MODEL_BITS, true);
	model_set_range(&m, 62, 68, false);
	expect_matches_model(&m);
	EXPECT_EQ(m.words[0], (1ULL << 62) - 1);
	EXPECT_EQ(m.words[1], 0ULL);
	EXPECT_EQ(m.words[2], ~((1ULL << 2) - 1));
}

TEST(mm_bitmap, count_set_on_subranges)
{
	struct model m;

	model_init(&m);
	/* Every third bit set. */
	for (unsigned i = 0; i < MODEL_BITS; i += 3) {
		bitmap_set(&m.bm, i);
		m.bits[i] = true;
	}
	for (uint64_t start = 0; start < MODEL_BITS; start += 7) {
		for (uint64_t count = 0; start + count <= MODEL_BITS; count += 11) {
			uint64_t expected = 0;

			for (uint64_t i = start; i < start + count; i++) {
				expected += m.bits[i] ? 1 : 0;
			}
			EXPECT_EQ(bitmap_count_set(&m.bm, start, count), expected);
		}
	}
	EXPECT_EQ(bitmap_count_set(&m.bm, MODEL_BITS, 0), 0ULL);
}

static uint64_t model_find(const struct model *m, uint64_t from, bool value)
{
	for (uint64_t i = from; i < MODEL_BITS; i++) {
		if (m->bits[i] == value) {
			return i;
		}
	}
	return MODEL_BITS;
}

TEST(mm_bitmap, find_next_matches_model_everywhere)
{
	static const uint64_t set_bits[] = {0, 1, 63, 64, 65, 127, 128, 190, MODEL_BITS - 1};
	struct model m;

	model_init(&m);
	for (unsigned i = 0; i < ARRAY_SIZE(set_bits); i++) {
		bitmap_set(&m.bm, set_bits[i]);
		m.bits[set_bits[i]] = true;
	}
	for (uint64_t from = 0; from <= MODEL_BITS; from++) {
		EXPECT_EQ(bitmap_find_next_set(&m.bm, from), model_find(&m, from, true));
		EXPECT_EQ(bitmap_find_next_clear(&m.bm, from), model_find(&m, from, false));
	}
}

TEST(mm_bitmap, find_next_ignores_storage_past_the_end)
{
	uint64_t words[2];
	struct bitmap bm;

	bitmap_init(&bm, words, 70);
	bitmap_set_range(&bm, 0, 70);
	/* The tail of the last word is outside the bitmap: a search must not report it. */
	EXPECT_EQ(bitmap_find_next_clear(&bm, 0), 70ULL);
	EXPECT_EQ(bitmap_find_next_clear(&bm, 69), 70ULL);
	words[1] |= 1ULL << 20;
	bitmap_clear_range(&bm, 0, 70);
	EXPECT_EQ(bitmap_find_next_set(&bm, 0), 70ULL);
	EXPECT_EQ(bitmap_find_next_set(&bm, 70), 70ULL);
}

TEST(mm_bitmap, full_and_empty_maps)
{
	struct model m;

	model_init(&m);
	EXPECT_EQ(bitmap_find_next_set(&m.bm, 0), (uint64_t)MODEL_BITS);
	model_set_range(&m, 0, MODEL_BITS, true);
	EXPECT_EQ(bitmap_find_next_clear(&m.bm, 0), (uint64_t)MODEL_BITS);
	EXPECT_EQ(bitmap_count_set(&m.bm, 0, MODEL_BITS), (uint64_t)MODEL_BITS);
	EXPECT_EQ(bitmap_count_set(&m.bm, 1, MODEL_BITS - 2), (uint64_t)MODEL_BITS - 2);
}

TEST(mm_bitmap, atomic_test_and_set_and_clear)
{
	struct model m;

	model_init(&m);
	EXPECT_FALSE(bitmap_test_and_set_atomic(&m.bm, 70));
	EXPECT_TRUE(bitmap_test_and_set_atomic(&m.bm, 70));
	EXPECT_TRUE(bitmap_test_atomic(&m.bm, 70));
	EXPECT_FALSE(bitmap_test_atomic(&m.bm, 71));
	EXPECT_EQ(m.words[1], 1ULL << 6);
	EXPECT_TRUE(bitmap_test_and_clear_atomic(&m.bm, 70));
	EXPECT_FALSE(bitmap_test_and_clear_atomic(&m.bm, 70));
	EXPECT_EQ(m.words[1], 0ULL);
}

#define RACE_THREADS 4U
#define RACE_BITS    4096U

struct race {
	struct bitmap bm;
	uint64_t words[BITMAP_WORDS(RACE_BITS)];
	unsigned wins[RACE_THREADS];
};

static struct race race;

/* arg: this thread's own counter in race.wins. */
static void *race_claim_all(void *arg)
{
	unsigned *wins = arg;

	for (unsigned i = 0; i < RACE_BITS; i++) {
		if (!bitmap_test_and_set_atomic(&race.bm, i)) {
			(*wins)++;
		}
	}
	return NULL;
}

TEST(mm_bitmap, atomic_set_from_threads_claims_each_bit_once)
{
	pthread_t threads[RACE_THREADS];
	unsigned total = 0;

	bitmap_init(&race.bm, race.words, RACE_BITS);
	for (unsigned t = 0; t < RACE_THREADS; t++) {
		race.wins[t] = 0;
		ASSERT_EQ(pthread_create(&threads[t], NULL, race_claim_all, &race.wins[t]), 0);
	}
	for (unsigned t = 0; t < RACE_THREADS; t++) {
		pthread_join(threads[t], NULL);
		total += race.wins[t];
	}
	EXPECT_EQ(total, RACE_BITS);
	EXPECT_EQ(bitmap_count_set(&race.bm, 0, RACE_BITS), (uint64_t)RACE_BITS);
}
