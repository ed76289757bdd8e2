/* SPDX-License-Identifier: MIT */
/*
 * Our string and memory functions (built as svsm_*) against glibc's, over every alignment and a
 * range of lengths, with guard bytes around each destination to catch overruns that the
 * sanitizers cannot see (memcpy/memset are inline assembly).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "svsm/test.h"

#include "libc_host_api.h"

#define AREA   320
#define GUARD  0xa5
#define MAX_N  200
#define ALIGNS 16

static void fill_pattern(unsigned char *p, size_t n, size_t seed)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 3));
	}
}

TEST(libc_string, memcpy_every_alignment_and_length)
{
	unsigned char src[AREA];
	unsigned char ours[AREA];
	unsigned char expected[AREA];

	fill_pattern(src, sizeof(src), 1);
	for (size_t dst_off = 0; dst_off < ALIGNS; dst_off++) {
		for (size_t src_off = 0; src_off < ALIGNS; src_off++) {
			for (size_t n = 0; n <= MAX_N; n += (n < 40 ? 1 : 13)) {
				memset(ours, GUARD, sizeof(ours));
				memset(expected, GUARD, sizeof(expected));
				memcpy(expected + dst_off, src + src_off, n);
				EXPECT_TRUE(svsm_memcpy(ours + dst_off, src + src_off, n) ==
					    ours + dst_off);
				ASSERT_MEMEQ(ours, expected, sizeof(ours));
			}
		}
	}
}

TEST(libc_string, memset_every_alignment_and_length)
{
	unsigned char ours[AREA];
	unsigned char expected[AREA];

	for (size_t off = 0; off < ALIGNS; off++) {
		for (size_t n = 0; n <= MAX_N; n++) {
			memset(ours, GUARD, sizeof(ours));
			memset(expected, GUARD, sizeof(expected));
			memset(expected + off, 0x34, n);
			/* Only the low byte of the fill value counts. */
			EXPECT_TRUE(svsm_memset(ours + off, 0x1234, n) == ours + off);
			ASSERT_MEMEQ(ours, expected, sizeof(ours));
		}
	}
}

/* Overlapping moves in both directions, from one buffer into itself. */
TEST(libc_string, memmove_overlapping_both_ways)
{
	unsigned char ours[AREA];
	unsigned char expected[AREA];

	for (size_t src_off = 0; src_off < 40; src_off++) {
		for (size_t dst_off = 0; dst_off < 40; dst_off++) {
			for (size_t n = 0; n <= 150; n += (n < 20 ? 1 : 7)) {
				fill_pattern(ours, sizeof(ours), 3);
				fill_pattern(expected, sizeof(expected), 3);
				memmove(expected + dst_off, expected + src_off, n);
				EXPECT_TRUE(svsm_memmove(ours + dst_off, ours + src_off, n) ==
					    ours + dst_off);
				ASSERT_MEMEQ(ours, expected, sizeof(ours));
			}
		}
	}
}

static int sign_of(int v)
{
	return (v > 0) - (v < 0);
}

TEST(libc_string, memcmp_sign_and_unsigned_bytes)
{
	unsigned char a[64];
	unsigned char b[64];

	fill_pattern(a, sizeof(a), 5);
	memcpy(b, a, sizeof(b));
	EXPECT_EQ(svsm_memcmp(a, b, sizeof(a)), 0);
	EXPECT_EQ(svsm_memcmp(a, b, 0), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		b[i] = (unsigned char)(a[i] + 0x80); /* crosses the signed-char boundary */
		EXPECT_EQ(sign_of(svsm_memcmp(a, b, sizeof(a))), sign_of(memcmp(a, b, sizeof(a))));
		EXPECT_EQ(sign_of(svsm_memcmp(b, a, sizeof(a))), sign_of(memcmp(b, a, sizeof(a))));
		EXPECT_EQ(svsm_memcmp(a, b, i), 0);
		b[i] = a[i];
	}
}

TEST(libc_string, memchr_finds_first_and_respects_length)
{
	static const unsigned char data[] = {1, 2, 0xff, 3, 0xff, 0};

	EXPECT_TRUE(svsm_memchr(data, 0xff, sizeof(data)) == data + 2);
	EXPECT_TRUE(svsm_memchr(data, -1, sizeof(data)) == data + 2);
	EXPECT_TRUE(svsm_memchr(data, 0, sizeof(data)) == data + 5);
	EXPECT_TRUE(svsm_memchr(data, 0xff, 2) == NULL);
	EXPECT_TRUE(svsm_memchr(data, 9, sizeof(data)) == NULL);
	EXPECT_TRUE(svsm_memchr(NULL, 1, 0) == NULL);
}

TEST(libc_string, strlen_and_strnlen)
{
	static const char *const samples[] = {"", "a", "hello", "with\x80high", "0123456789abcdef"};

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		EXPECT_EQ(svsm_strlen(samples[i]), strlen(samples[i]));
		for (size_t max = 0; max <= 20; max++) {
			EXPECT_EQ(svsm_strnlen(samples[i], max), strnlen(samples[i], max));
		}
	}
}

/* strnlen must not read past max_len: the buffer below has no terminator at all. */
TEST(libc_string, strnlen_stops_at_limit)
{
	char unterminated[4] = {'a', 'b', 'c', 'd'};

	EXPECT_EQ(svsm_strnlen(unterminated, sizeof(unterminated)), sizeof(unterminated));
}

TEST(libc_string, strcmp_and_strncmp)
{
	static const char *const samples[] = {"",    "a",    "b",    "ab", "abc",
					      "abd", "\x80", "\x7f", "A"};
	const size_t count = sizeof(samples) / sizeof(samples[0]);

	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < count; j++) {
			EXPECT_EQ(sign_of(svsm_strcmp(samples[i], samples[j])),
				  sign_of(strcmp(samples[i], samples[j])));
			for (size_t n = 0; n <= 4; n++) {
				EXPECT_EQ(sign_of(svsm_strncmp(samples[i], samples[j], n)),
					  sign_of(strncmp(samples[i], samples[j], n)));
			}
		}
	}
}

TEST(libc_string, strchr_and_strrchr)
{
	static const char s[] = "abcabc";

	EXPECT_TRUE(svsm_strchr(s, 'b') == strchr(s, 'b'));
	EXPECT_TRUE(svsm_strrchr(s, 'b') == strrchr(s, 'b'));
	EXPECT_TRUE(svsm_strchr(s, 'z') == NULL);
	EXPECT_TRUE(svsm_strrchr(s, 'z') == NULL);
	/* The terminator itself can be searched for. */
	EXPECT_TRUE(svsm_strchr(s, '\0') == s + 6);
	EXPECT_TRUE(svsm_strrchr(s, '\0') == s + 6);
	EXPECT_TRUE(svsm_strchr(s, 'a' + 256) == s); /* converted to char */
}

TEST(libc_string, strstr_cases)
{
	static const char *const haystacks[] = {
	    "", "a", "aaab", "abcabd", "-----BEGIN CERT-----", "mississippi"};
	static const char *const needles[] = {"", "a", "ab", "abd", "BEGIN", "ssip", "issippix"};

	for (size_t h = 0; h < sizeof(haystacks) / sizeof(haystacks[0]); h++) {
		for (size_t n = 0; n < sizeof(needles) / sizeof(needles[0]); n++) {
			EXPECT_TRUE(svsm_strstr(haystacks[h], needles[n]) ==
				    strstr(haystacks[h], needles[n]));
		}
	}
}

TEST(libc_string, strncpy_pads_and_truncates)
{
	char ours[16];
	char expected[16];
	static const char *const sources[] = {"", "abc", "exactly8", "longer than the buffer"};

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		for (size_t n = 0; n <= 12; n++) {
			memset(ours, GUARD, sizeof(ours));
			memset(expected, GUARD, sizeof(expected));
			strncpy(expected, sources[i], n);
			EXPECT_TRUE(svsm_strncpy(ours, sources[i], n) == ours);
			EXPECT_MEMEQ(ours, expected, sizeof(ours));
		}
	}
}

/* Our inline ldexp() (libcbor's half-float decoding) against glibc's, including subnormals. */
TEST(libc_math, ldexp_matches_glibc)
{
	static const double values[] = {0.0,	-0.0,	  1.0,	   -1.0,     0.75,     1023.0,
					1024.0, 3.5e-300, 1.7e308, 4.9e-324, 2.2e-308, 1e10};
	static const int exps[] = {0,	  1,	 -1,   -24,  -25,   10,	  -1022,   -1023,
				   -1074, -1075, 1023, 1024, -2000, 2000, -100000, 100000};

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		for (size_t e = 0; e < sizeof(exps) / sizeof(exps[0]); e++) {
			double ours = svsm_test_ldexp(values[v], exps[e]);
			double theirs = ldexp(values[v], exps[e]);

			EXPECT_MEMEQ(&ours, &theirs, sizeof(double));
		}
	}
	EXPECT_TRUE(isinf(svsm_test_ldexp(INFINITY, -5)));
	EXPECT_TRUE(isnan(svsm_test_ldexp(NAN, 3)));
}

/* What libcbor decodes: every half-precision mantissa/exponent it can produce. */
TEST(libc_math, ldexp_half_float_range)
{
	for (int mant = 0; mant < 2048; mant += 7) {
		for (int exp = -40; exp <= 20; exp++) {
			double ours = svsm_test_ldexp(mant, exp);
			double theirs = ldexp(mant, exp);

			ASSERT_MEMEQ(&ours, &theirs, sizeof(double));
		}
	}
}
