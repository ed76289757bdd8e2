/* SPDX-License-Identifier: MIT */
#include "bitmap.h"

#include "svsm/check.h"

static uint64_t word_index(uint64_t bit)
{
	return bit / BITMAP_WORD_BITS;
}

static uint64_t bit_mask(uint64_t bit)
{
	return 1ULL << (bit % BITMAP_WORD_BITS);
}

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t span_mask(uint64_t lo, uint64_t hi)
{
	uint64_t upper = hi == BITMAP_WORD_BITS ? ~0ULL : (1ULL << hi) - 1;

	return upper & ~((1ULL << lo) - 1);
}

/* Open-coded so that freestanding builds without POPCNT never call libgcc's __popcountdi2. */
static unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

static void check_bit(const struct bitmap *bm, uint64_t bit)
{
	CHECK(bit < bm->nbits);
}

static void check_range(const struct bitmap *bm, uint64_t start, uint64_t count)
{
	CHECK(start <= bm->nbits && count <= bm->nbits - start);
}

void bitmap_init(struct bitmap *bm, uint64_t *storage, uint64_t nbits)
{
	CHECK(storage != NULL || nbits == 0);
	bm->words = storage;
	bm->nbits = nbits;
	for (uint64_t i = 0; i < BITMAP_WORDS(nbits); i++) {
		storage[i] = 0;
	}
}

void bitmap_set(struct bitmap *bm, uint64_t bit)
{
	check_bit(bm, bit);
	bm->words[word_index(bit)] |= bit_mask(bit);
}

void bitmap_clear(struct bitmap *bm, uint64_t bit)
{
	check_bit(bm, bit);
	bm->words[word_index(bit)] &= ~bit_mask(bit);
}

bool bitmap_test(const struct bitmap *bm, uint64_t bit)
{
	check_bit(bm, bit);
	return (bm->words[word_index(bit)] & bit_mask(bit)) != 0;
}

struct word_span {
	uint64_t word;
	uint64_t mask;
};

/* Cuts the first piece of [*pos, end) that lies in one word, and advances *pos past it. */
static struct word_span next_span(uint64_t *pos, uint64_t end)
{
	uint64_t word = word_index(*pos);
	uint64_t lo = *pos % BITMAP_WORD_BITS;
	uint64_t hi = MIN(end - word * BITMAP_WORD_BITS, (uint64_t)BITMAP_WORD_BITS);

	*pos = word * BITMAP_WORD_BITS + hi;
	return (struct word_span){word, span_mask(lo, hi)};
}

void bitmap_set_range(struct bitmap *bm, uint64_t start, uint64_t count)
{
	check_range(bm, start, count);
	for (uint64_t pos = start; pos < start + count;) {
		struct word_span span = next_span(&pos, start + count);

		bm->words[span.word] |= span.mask;
	}
}

void bitmap_clear_range(struct bitmap *bm, uint64_t start, uint64_t count)
{
	check_range(bm, start, count);
	for (uint64_t pos = start; pos < start + count;) {
		struct word_span span = next_span(&pos, start + count);

		bm->words[span.word] &= ~span.mask;
	}
}

/* Counting and searching may run while other CPUs set or clear bits with the atomic variants
 * (write tracking marks pages dirty under the migration handler's scan): each word is read
 * once, atomically, so the result is a per-word snapshot and never a data race. */
static uint64_t load_word(const struct bitmap *bm, uint64_t w)
{
	return __atomic_load_n(&bm->words[w], __ATOMIC_RELAXED);
}

uint64_t bitmap_count_set(const struct bitmap *bm, uint64_t start, uint64_t count)
{
	uint64_t total = 0;

	check_range(bm, start, count);
	for (uint64_t pos = start; pos < start + count;) {
		struct word_span span = next_span(&pos, start + count);

		total += popcount64(load_word(bm, span.word) & span.mask);
	}
	return total;
}

/* Shared by both searches: invert = ~0 looks for clear bits. */
static uint64_t find_next(const struct bitmap *bm, uint64_t from, uint64_t invert)
{
	uint64_t w;
	uint64_t bits;

	CHECK(from <= bm->nbits);
	if (from == bm->nbits) {
		return bm->nbits;
	}
	w = word_index(from);
	bits = (load_word(bm, w) ^ invert) & ~(bit_mask(from) - 1);
	for (;;) {
		if (bits != 0) {
			uint64_t found = w * BITMAP_WORD_BITS + (uint64_t)__builtin_ctzll(bits);

			return MIN(found, bm->nbits);
		}
		w++;
		if (w >= BITMAP_WORDS(bm->nbits)) {
			return bm->nbits;
		}
		bits = load_word(bm, w) ^ invert;
	}
}

uint64_t bitmap_find_next_set(const struct bitmap *bm, uint64_t from)
{
	return find_next(bm, from, 0);
}

uint64_t bitmap_find_next_clear(const struct bitmap *bm, uint64_t from)
{
	return find_next(bm, from, ~0ULL);
}

bool bitmap_test_and_set_atomic(struct bitmap *bm, uint64_t bit)
{
	uint64_t old;

	check_bit(bm, bit);
	old = __atomic_fetch_or(&bm->words[word_index(bit)], bit_mask(bit), __ATOMIC_ACQ_REL);
	return (old & bit_mask(bit)) != 0;
}

bool bitmap_test_and_clear_atomic(struct bitmap *bm, uint64_t bit)
{
	uint64_t old;

	check_bit(bm, bit);
	old = __atomic_fetch_and(&bm->words[word_index(bit)], ~bit_mask(bit), __ATOMIC_ACQ_REL);
	return (old & bit_mask(bit)) != 0;
}

bool bitmap_test_atomic(const struct bitmap *bm, uint64_t bit)
{
	check_bit(bm, bit);
	return (__atomic_load_n(&bm->words[word_index(bit)], __ATOMIC_ACQUIRE) & bit_mask(bit)) !=
	       0;
}
