/* SPDX-License-Identifier: MIT */
/*
 * Our vsnprintf (built as svsm_vsnprintf) against glibc's on the conversions it supports: output,
 * return value and truncation must be identical.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svsm/test.h"

#include "libc_host_api.h"

#define OUT_SIZE 512

__attribute__((format(printf, 2, 0))) static void expect_same_va(int line, const char *fmt,
								 va_list ap)
{
	char ours[OUT_SIZE];
	char theirs[OUT_SIZE];
	va_list ap_ours;
	int n_ours;
	int n_theirs;

	va_copy(ap_ours, ap);
	n_theirs = vsnprintf(theirs, sizeof(theirs), fmt, ap);
	n_ours = svsm_vsnprintf(ours, sizeof(ours), fmt, ap_ours);
	va_end(ap_ours);
	if (n_ours != n_theirs || strcmp(ours, theirs) != 0) {
		test_fail_at(__FILE__, line, "format \"%s\": ours %d \"%s\", glibc %d \"%s\"", fmt,
			     n_ours, ours, n_theirs, theirs);
	}
}

__attribute__((format(printf, 2, 3))) static void expect_same(int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	expect_same_va(line, fmt, ap);
	va_end(ap);
}

#define EXPECT_SAME(...) expect_same(__LINE__, __VA_ARGS__)

/* Hides a format from the compiler's checks, for combinations it rightly warns about in code but
 * that a formatter must still handle the same way as glibc. */
static const char *unchecked(const char *fmt)
{
	const char *volatile hidden = fmt;

	return hidden;
}

TEST(libc_format, plain_text_and_percent)
{
	EXPECT_SAME("%s", "");
	EXPECT_SAME("hello, world");
	EXPECT_SAME("100%%");
	EXPECT_SAME("%%%d%%", 5);
	EXPECT_SAME("a%cb", 'x');
}

TEST(libc_format, signed_integers)
{
	EXPECT_SAME("%d %i", 0, 0);
	EXPECT_SAME("%d %d %d", 1, -1, 42);
	EXPECT_SAME("%d %d", INT_MAX, INT_MIN);
	EXPECT_SAME("%i|%5d|%-5d|%05d", -7, -7, -7, -7);
	EXPECT_SAME("%+d %+d % d % d", 3, -3, 3, -3);
	EXPECT_SAME("%+05d|% 05d|%-+6d|", 42, 42, 42);
	EXPECT_SAME("%.3d|%.0d|%.0d|%8.3d|%-8.3d|", 7, 0, 1, -7, 7);
}

TEST(libc_format, unsigned_integers)
{
	EXPECT_SAME("%u %u %u", 0u, 1u, UINT_MAX);
	EXPECT_SAME("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0755u);
	EXPECT_SAME("%#x %#X %#o", 0x1fu, 0x1fu, 8u);
	EXPECT_SAME("%#x|%#o|%#.0o|%.0x|%#.0x", 0u, 0u, 0u, 0u, 0u);
	EXPECT_SAME("%#08x|%#-8x|%#.5o|%#3o", 0xabu, 0xabu, 7u, 0u);
}

TEST(libc_format, length_modifiers)
{
	EXPECT_SAME("%hhd %hhd %hhu %hhx", 300, -129, 511, 0x1ff);
	EXPECT_SAME("%hd %hd %hu %ho", 70000, -32769, 70000, 70000);
	EXPECT_SAME("%ld %ld %lu %lx", LONG_MIN, LONG_MAX, ULONG_MAX, ULONG_MAX);
	EXPECT_SAME("%lld %lli %llu %llX %llo", LLONG_MIN, LLONG_MAX, ULLONG_MAX, ULLONG_MAX,
		    ULLONG_MAX);
	EXPECT_SAME("%zu %zx %zd %zd", SIZE_MAX, (size_t)0x1234, (ptrdiff_t)-5, (ptrdiff_t)5);
	EXPECT_SAME("%jd %jd %ju %jx", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX, UINTMAX_MAX);
	EXPECT_SAME("%td %tx %ti", (ptrdiff_t)-7, (ptrdiff_t)255, PTRDIFF_MIN);
}

TEST(libc_format, star_width_and_precision)
{
	EXPECT_SAME("%*d|%*d|%-*d|", 6, 42, -6, 42, 6, 42);
	EXPECT_SAME("%.*d|%.*d|%*.*x|", 4, 42, -1, 42, 8, 3, 0xau);
	EXPECT_SAME("%*s|%.*s|%-*.*s|", 7, "abc", 2, "abc", 5, 1, "abc");
	EXPECT_SAME("%*c|%-*c|", 3, 'q', 3, 'q');
}

TEST(libc_format, strings_and_chars)
{
	EXPECT_SAME("%s|%10s|%-10s|%.3s|%10.2s|%.0s|", "hello", "hello", "hello", "hello", "hello",
		    "hello");
	EXPECT_SAME("%.10s", "short");
	EXPECT_SAME("%c|%5c|%-5c|%c", 'A', 'B', 'C', 0x141);
}

TEST(libc_format, null_string)
{
	const char *volatile null_string = NULL;

	/* glibc's behaviour for a NULL %s: "(null)", or nothing under a short precision. */
	EXPECT_SAME("%s|%8s|%.6s|%.3s|%-7s|", null_string, null_string, null_string, null_string,
		    null_string);
}

TEST(libc_format, pointers)
{
	int object;
	void *null_pointer = NULL;

	EXPECT_SAME("%p", (void *)&object);
	EXPECT_SAME("%p|%20p|%-20p|", (void *)0x1234, (void *)0x1234, (void *)0x1234);
	EXPECT_SAME(unchecked("%020p|%.8p|%+p|% p"), (void *)0x1234, (void *)0x1234, (void *)0x12,
		    (void *)0x12);
	EXPECT_SAME("%p|%10p|%-10p|", null_pointer, null_pointer, null_pointer);
}

/* Every combination of flags, width and precision on every integer conversion, including the
 * ones the compiler warns about in literal formats (a flag that does not apply is ignored). */
TEST(libc_format, flag_width_precision_matrix)
{
	static const char *const flags[] = {"", "-", "+", " ", "#", "0", "-0", "+0", "#0", " #-+0"};
	static const char *const widths[] = {"", "1", "7", "25"};
	static const char *const precisions[] = {"", ".", ".0", ".1", ".5", ".30"};
	static const char conversions[] = "diuxXo";
	static const long long values[] = {0,	  1,	     -1,	9,	  255,
					   -4096, 123456789, LLONG_MIN, LLONG_MAX};
	char fmt[32];

	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			for (size_t p = 0; p < sizeof(precisions) / sizeof(precisions[0]); p++) {
				for (size_t c = 0; c < sizeof(conversions) - 1; c++) {
					snprintf(fmt, sizeof(fmt), "[%%%s%s%sll%c]", flags[f],
						 widths[w], precisions[p], conversions[c]);
					for (size_t v = 0; v < sizeof(values) / sizeof(values[0]);
					     v++) {
						expect_same(__LINE__, fmt, values[v]);
					}
					if (test_current_failures() > 0) {
						return;
					}
				}
			}
		}
	}
}

TEST(libc_format, truncation_matches_glibc_for_every_size)
{
	static const char fmt[] = "%s=%08x, %-6d|%c";
	char ours[64];
	char theirs[64];

	for (size_t size = 0; size <= 40; size++) {
		int n_ours;
		int n_theirs;

		memset(ours, 0x5a, sizeof(ours));
		memset(theirs, 0x5a, sizeof(theirs));
		n_ours = svsm_snprintf(ours, size, fmt, "key", 0xbeefu, -12, 'z');
		n_theirs = snprintf(theirs, size, fmt, "key", 0xbeefu, -12, 'z');
		EXPECT_EQ(n_ours, n_theirs);
		/* Bytes past the given size must stay untouched. */
		EXPECT_MEMEQ(ours, theirs, sizeof(ours));
	}
}

TEST(libc_format, size_zero_writes_nothing)
{
	char buf[4] = {'a', 'b', 'c', 'd'};

	EXPECT_EQ(svsm_snprintf(NULL, 0, "%d-%s", 1234, "xyz"), 8);
	EXPECT_EQ(svsm_snprintf(buf, 0, "%d", 99), 2);
	EXPECT_EQ(buf[0], 'a');
}

TEST(libc_format, unsupported_directives_are_shown_not_run)
{
	const char *percent_n = unchecked("a%nb");
	const char *percent_f = unchecked("x%fy");
	const char *wide = unchecked("%ls|%lc");
	const char *trailing = unchecked("end%");
	const char *huge_width = unchecked("%99999999999d");
	int sink = 7;
	char buf[32];

	EXPECT_EQ(svsm_snprintf(buf, sizeof(buf), percent_n, &sink), 4);
	EXPECT_EQ(strcmp(buf, "a%nb"), 0);
	EXPECT_EQ(sink, 7);
	EXPECT_EQ(svsm_snprintf(buf, sizeof(buf), percent_f, 1.0), 4);
	EXPECT_EQ(strcmp(buf, "x%fy"), 0);
	EXPECT_EQ(svsm_snprintf(buf, sizeof(buf), wide, "w", 'c'), 7);
	EXPECT_EQ(strcmp(buf, "%ls|%lc"), 0);
	EXPECT_EQ(svsm_snprintf(buf, sizeof(buf), trailing), 4);
	EXPECT_EQ(strcmp(buf, "end%"), 0);
	EXPECT_EQ(svsm_snprintf(buf, sizeof(buf), huge_width, 1), 13);
	EXPECT_EQ(strcmp(buf, "%99999999999d"), 0);
}

TEST(libc_format, output_longer_than_int_max_is_an_error)
{
	char buf[8];

	EXPECT_EQ(svsm_snprintf(buf, sizeof(buf), unchecked("%*d%*d"), INT_MAX, 1, INT_MAX, 2), -1);
	EXPECT_EQ(svsm_snprintf(buf, sizeof(buf), "%*d", INT_MAX, 1), INT_MAX);
	EXPECT_EQ(buf[sizeof(buf) - 1], '\0');
}

TEST(libc_format, inttypes_macros_match_glibc)
{
	static const char *const glibc_macros[] = {PRId64,  PRIi64,  PRIu64,  PRIx64,  PRIX64,
						   PRIo64,  PRId32,  PRIu32,  PRIx32,  PRIdPTR,
						   PRIuPTR, PRIxPTR, PRIdMAX, PRIuMAX, PRIxMAX};

	ASSERT_EQ(svsm_test_pri_macro_count, sizeof(glibc_macros) / sizeof(glibc_macros[0]));
	for (size_t i = 0; i < svsm_test_pri_macro_count; i++) {
		char ours[32];
		char theirs[32];

		/* The spelling may differ ("jd" vs "ld"); what they print must not. Entries 6-8
		 * are the 32-bit macros and take an int. */
		bool is_32_bit = i >= 6 && i <= 8;
		char out_ours[64];
		char out_theirs[64];

		snprintf(ours, sizeof(ours), "%%%s", svsm_test_pri_macros[i]);
		snprintf(theirs, sizeof(theirs), "%%%s", glibc_macros[i]);
		if (is_32_bit) {
			svsm_snprintf(out_ours, sizeof(out_ours), ours, -1234567);
			snprintf(out_theirs, sizeof(out_theirs), theirs, -1234567);
		} else {
			svsm_snprintf(out_ours, sizeof(out_ours), ours, -1234567890123L);
			snprintf(out_theirs, sizeof(out_theirs), theirs, -1234567890123L);
		}
		EXPECT_EQ(strcmp(out_ours, out_theirs), 0);
	}
}
