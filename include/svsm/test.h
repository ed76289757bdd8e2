/* SPDX-License-Identifier: MIT */
/*
 * One test vocabulary for host and in-guest tests. TEST() places a descriptor in the linker
 * section "svsm_tests"; a runner (tests/framework/runner.c) walks the section. EXPECT_* records a
 * failure and continues; ASSERT_* records a failure and returns from the test body. Each operand is
 * evaluated exactly once.
 */
#ifndef SVSM_TEST_H
#define SVSM_TEST_H

#include <stdbool.h>
#include <stdint.h>

struct test_case {
	const char *suite;
	const char *name;
	void (*run)(void);
};

void test_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void test_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Failures recorded in the running test so far (lets helpers stop early). */
unsigned test_current_failures(void);
/* Called by each environment's test_fail_at() to count a failure against the running test. */
void test_note_failure(void);

struct test_totals {
	unsigned passed;
	unsigned failed;
};

/* Runs every registered test whose "suite.name" starts with prefix (NULL: all). */
struct test_totals test_run_all(const char *prefix);
unsigned test_count(const char *prefix);

#define TEST(suite, name)                                                                          \
	static void test_fn_##suite##_##name(void);                                                \
	static const struct test_case test_desc_##suite##_##name                                   \
	    __attribute__((used, section("svsm_tests"), aligned(8))) = {#suite, #name,             \
									test_fn_##suite##_##name}; \
	static void test_fn_##suite##_##name(void)

#define TEST_CMP_(a, b, op, on_fail)                                                               \
	do {                                                                                       \
		__typeof__(a) test_a_ = (a);                                                       \
		__typeof__(b) test_b_ = (b);                                                       \
		/* Enum constants are int while enum objects may be unsigned: compare values. */   \
		_Pragma("GCC diagnostic push");                                                    \
		_Pragma("GCC diagnostic ignored \"-Wsign-compare\"");                              \
		bool test_ok_ = test_a_ op test_b_;                                                \
		_Pragma("GCC diagnostic pop");                                                     \
		if (!test_ok_) {                                                                   \
			test_fail_at(__FILE__, __LINE__, "%s %s %s (0x%llx vs 0x%llx)", #a, #op,   \
				     #b, (unsigned long long)test_a_,                              \
				     (unsigned long long)test_b_);                                 \
			on_fail;                                                                   \
		}                                                                                  \
	} while (0)

#define TEST_TRUE_(c, on_fail)                                                                     \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			test_fail_at(__FILE__, __LINE__, "expected %s", #c);                       \
			on_fail;                                                                   \
		}                                                                                  \
	} while (0)

#define TEST_MEMEQ_(a, b, n, on_fail)                                                              \
	do {                                                                                       \
		const unsigned char *test_pa_ = (const unsigned char *)(a);                        \
		const unsigned char *test_pb_ = (const unsigned char *)(b);                        \
		unsigned long test_n_ = (unsigned long)(n);                                        \
		for (unsigned long test_i_ = 0; test_i_ < test_n_; test_i_++) {                    \
			if (test_pa_[test_i_] != test_pb_[test_i_]) {                              \
				test_fail_at(__FILE__, __LINE__,                                   \
					     "%s and %s differ at byte %lu of %lu", #a, #b,        \
					     test_i_, test_n_);                                    \
				on_fail;                                                           \
				break;                                                             \
			}                                                                          \
		}                                                                                  \
	} while (0)

#define EXPECT_TRUE(c)	      TEST_TRUE_((c), (void)0)
#define EXPECT_FALSE(c)	      TEST_TRUE_(!(c), (void)0)
#define EXPECT_EQ(a, b)	      TEST_CMP_(a, b, ==, (void)0)
#define EXPECT_NE(a, b)	      TEST_CMP_(a, b, !=, (void)0)
#define EXPECT_LT(a, b)	      TEST_CMP_(a, b, <, (void)0)
#define EXPECT_LE(a, b)	      TEST_CMP_(a, b, <=, (void)0)
#define EXPECT_GT(a, b)	      TEST_CMP_(a, b, >, (void)0)
#define EXPECT_GE(a, b)	      TEST_CMP_(a, b, >=, (void)0)
#define EXPECT_MEMEQ(a, b, n) TEST_MEMEQ_(a, b, n, (void)0)

#define ASSERT_TRUE(c)	      TEST_TRUE_((c), return )
#define ASSERT_FALSE(c)	      TEST_TRUE_(!(c), return )
#define ASSERT_EQ(a, b)	      TEST_CMP_(a, b, ==, return )
#define ASSERT_NE(a, b)	      TEST_CMP_(a, b, !=, return )
#define ASSERT_LT(a, b)	      TEST_CMP_(a, b, <, return )
#define ASSERT_LE(a, b)	      TEST_CMP_(a, b, <=, return )
#define ASSERT_GT(a, b)	      TEST_CMP_(a, b, >, return )
#define ASSERT_GE(a, b)	      TEST_CMP_(a, b, >=, return )
#define ASSERT_MEMEQ(a, b, n) TEST_MEMEQ_(a, b, n, return )

#endif
