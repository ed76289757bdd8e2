/* SPDX-License-Identifier: MIT */
/* x86 entropy: retry bounds, RDRAND fallback and the failure path, driven by scripted draws. */
#include "svsm/test.h"
#include "svsm/types.h"

#include "arch/x86/entropy.h"
#include "crypto_test_util.h"

/* Scripted instruction: fails `failures_left` times, then yields an incrementing counter. */
struct scripted_draw {
	unsigned calls;
	unsigned failures_left;
	uint64_t next_value;
};

static struct scripted_draw fake_seed;
static struct scripted_draw fake_rand;

static bool scripted(struct scripted_draw *d, uint64_t *out)
{
	d->calls++;
	if (d->failures_left > 0) {
		d->failures_left--;
		*out = 0;
		return false;
	}
	*out = d->next_value++;
	return true;
}

static bool fake_rdseed(uint64_t *out)
{
	return scripted(&fake_seed, out);
}

static bool fake_rdrand(uint64_t *out)
{
	return scripted(&fake_rand, out);
}

static void script(unsigned seed_failures, unsigned rand_failures)
{
	fake_seed = (struct scripted_draw){0, seed_failures, 0x1111111111111111ull};
	fake_rand = (struct scripted_draw){0, rand_failures, 0x2222222222222222ull};
}

static const struct x86_entropy_source both = {fake_rdseed, fake_rdrand, 4, 3};

TEST(x86_entropy, rdseed_used_when_it_delivers)
{
	uint8_t buf[16];

	script(0, 0);
	ASSERT_EQ(x86_entropy_fill(&both, buf, sizeof(buf)), X86_ENTROPY_OK);
	EXPECT_EQ(fake_seed.calls, 2u);
	EXPECT_EQ(fake_rand.calls, 0u);
	EXPECT_EQ(buf[0], 0x11);
	EXPECT_EQ(buf[8], 0x12);
}

TEST(x86_entropy, rdseed_retried_within_bound)
{
	uint8_t buf[8];

	script(3, 0);
	ASSERT_EQ(x86_entropy_fill(&both, buf, sizeof(buf)), X86_ENTROPY_OK);
	EXPECT_EQ(fake_seed.calls, 4u);
	EXPECT_EQ(fake_rand.calls, 0u);
}

TEST(x86_entropy, falls_back_to_rdrand_after_rdseed_bound)
{
	uint8_t buf[8];

	script(100, 0);
	ASSERT_EQ(x86_entropy_fill(&both, buf, sizeof(buf)), X86_ENTROPY_OK);
	EXPECT_EQ(fake_seed.calls, 4u);
	EXPECT_EQ(fake_rand.calls, 1u);
	EXPECT_EQ(buf[0], 0x22);
}

TEST(x86_entropy, fails_and_zeroes_when_both_exhausted)
{
	uint8_t buf[24];

	script(100, 100);
	crypto_test_fill(buf, 0xaa, sizeof(buf));
	EXPECT_EQ(x86_entropy_fill(&both, buf, sizeof(buf)), X86_ENTROPY_EXHAUSTED);
	EXPECT_TRUE(crypto_test_all_bytes(buf, 0, sizeof(buf)));
	/* Bounded: exactly the configured attempts of each instruction, then it gave up. */
	EXPECT_EQ(fake_seed.calls, 4u);
	EXPECT_EQ(fake_rand.calls, 3u);
}

TEST(x86_entropy, partial_failure_after_good_words_wipes_everything)
{
	uint8_t buf[32];
	const struct x86_entropy_source rand_only = {NULL, fake_rdrand, 0, 2};

	script(0, 0);
	crypto_test_fill(buf, 0xaa, sizeof(buf));
	fake_rand.failures_left = 0;
	/* Two good words, then RDRAND breaks for good. */
	ASSERT_EQ(x86_entropy_fill(&rand_only, buf, 16), X86_ENTROPY_OK);
	EXPECT_FALSE(crypto_test_all_bytes(buf, 0, 16));
	fake_rand.failures_left = 1000;
	EXPECT_EQ(x86_entropy_fill(&rand_only, buf, sizeof(buf)), X86_ENTROPY_EXHAUSTED);
	EXPECT_TRUE(crypto_test_all_bytes(buf, 0, sizeof(buf)));
}

TEST(x86_entropy, no_instruction_is_unsupported)
{
	uint8_t buf[8] = {1, 2, 3};
	const struct x86_entropy_source none = {NULL, NULL, 10, 10};

	EXPECT_EQ(x86_entropy_fill(&none, buf, sizeof(buf)), X86_ENTROPY_UNSUPPORTED);
	EXPECT_TRUE(crypto_test_all_bytes(buf, 0, sizeof(buf)));
}

TEST(x86_entropy, odd_lengths_filled_exactly)
{
	uint8_t buf[13];

	script(0, 0);
	crypto_test_fill(buf, 0, sizeof(buf));
	ASSERT_EQ(x86_entropy_fill(&both, buf, 11), X86_ENTROPY_OK);
	EXPECT_EQ(fake_seed.calls, 2u);
	/* Words land little-endian: the second word 0x1111111111111112 starts at byte 8. */
	EXPECT_EQ(buf[8], 0x12);
	EXPECT_EQ(buf[10], 0x11);
	EXPECT_EQ(buf[11], 0);
	EXPECT_EQ(buf[12], 0);
}

TEST(x86_entropy, hardware_source_delivers_varied_bytes)
{
	uint8_t a[32];
	uint8_t b[32];

	ASSERT_EQ(x86_entropy_get(a, sizeof(a)), X86_ENTROPY_OK);
	ASSERT_EQ(x86_entropy_get(b, sizeof(b)), X86_ENTROPY_OK);
	EXPECT_FALSE(crypto_test_equal(a, b, sizeof(a)));
}
