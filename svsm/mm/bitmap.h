/* SPDX-License-Identifier: MIT */
/*
 * Bitmaps over caller storage (64-bit words, bit i is bit i%64 of word i/64). Used for the
 * per-page "validated" state of guest memory and by the page allocator. Indices outside the
 * bitmap are bugs: every function CHECK()s them. The plain functions are not atomic; the
 * *_atomic ones may race with each other on any CPU, but not with the plain writers.
 */
#ifndef SVSM_MM_BITMAP_H
#define SVSM_MM_BITMAP_H

#include "svsm/types.h"

#define BITMAP_WORD_BITS    64U
#define BITMAP_WORDS(nbits) (((nbits) + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS)

struct bitmap {
	uint64_t *words;
	uint64_t nbits;
};

/* Uses storage (BITMAP_WORDS(nbits) words) and clears every bit. */
void bitmap_init(struct bitmap *bm, uint64_t *storage, uint64_t nbits);

void bitmap_set(struct bitmap *bm, uint64_t bit);
void bitmap_clear(struct bitmap *bm, uint64_t bit);
bool bitmap_test(const struct bitmap *bm, uint64_t bit);

/* [start, start + count) must lie inside the bitmap; count may be 0. */
void bitmap_set_range(struct bitmap *bm, uint64_t start, uint64_t count);
void bitmap_clear_range(struct bitmap *bm, uint64_t start, uint64_t count);
uint64_t bitmap_count_set(const struct bitmap *bm, uint64_t start, uint64_t count);

/* First set (clear) bit at or after `from`; bm->nbits if there is none. `from` may equal nbits. */
uint64_t bitmap_find_next_set(const struct bitmap *bm, uint64_t from);
uint64_t bitmap_find_next_clear(const struct bitmap *bm, uint64_t from);

/* Atomic read-modify-write of one bit; they return the bit's previous value. */
bool bitmap_test_and_set_atomic(struct bitmap *bm, uint64_t bit);
bool bitmap_test_and_clear_atomic(struct bitmap *bm, uint64_t bit);
/* Atomic read, for bits other CPUs change with the functions above. */
bool bitmap_test_atomic(const struct bitmap *bm, uint64_t bit);

#endif
