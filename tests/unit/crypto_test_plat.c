/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for the platform seam in the crypto test binaries: plat_get_entropy() from the
 * CPU's RDSEED/RDRAND (the host is x86-64), with a switch that makes it fail so that the
 * crypto_init() failure path can be tested. The tests that need the switch live here too, since
 * an in-guest suite has the real platform instead of this file.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "svsm/plat.h"
#include "svsm/test.h"

#include "arch/x86/entropy.h"
#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

static bool entropy_fails;

enum plat_status plat_get_entropy(void *buf, size_t len)
{
	if (entropy_fails) {
		crypto_wipe(buf, len);
		return PLAT_ERR_ENTROPY;
	}
	switch (x86_entropy_get(buf, len)) {
	case X86_ENTROPY_OK:
		return PLAT_OK;
	case X86_ENTROPY_UNSUPPORTED:
		return PLAT_ERR_UNSUPPORTED;
	case X86_ENTROPY_EXHAUSTED:
		return PLAT_ERR_ENTROPY;
	}
	return PLAT_ERR_ENTROPY;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++) {
		acc |= p[i];
	}
	return acc == 0;
}

TEST(crypto_init, entropy_failure_is_reported_and_leaves_crypto_unusable)
{
	uint8_t out[32];
	uint8_t pub[CRYPTO_P384_PUB_LEN];
	struct crypto_ecdh kp;

	crypto_shutdown();
	entropy_fails = true;
	EXPECT_EQ(crypto_init(), CRYPTO_ERR_ENTROPY);
	entropy_fails = false;

	for (size_t i = 0; i < sizeof(out); i++) {
		out[i] = 0xa5;
	}
	EXPECT_EQ(crypto_random(out, sizeof(out)), CRYPTO_ERR_NOT_READY);
	EXPECT_TRUE(all_zero(out, sizeof(out)));
	EXPECT_EQ(crypto_ecdh_generate(&kp, pub), CRYPTO_ERR_NOT_READY);
	crypto_ecdh_free(&kp);

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	EXPECT_EQ(crypto_random(out, sizeof(out)), CRYPTO_OK);
	EXPECT_FALSE(all_zero(out, sizeof(out)));
}

TEST(crypto_init, is_idempotent_and_outputs_differ)
{
	uint8_t a[32];
	uint8_t b[32];

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	ASSERT_EQ(crypto_random(a, sizeof(a)), CRYPTO_OK);
	ASSERT_EQ(crypto_random(b, sizeof(b)), CRYPTO_OK);
	EXPECT_FALSE(crypto_ct_equal(a, b, sizeof(a)));
}

TEST(crypto_init, long_random_request_spans_drbg_chunks)
{
	static uint8_t big[3000];
	size_t zero_tail = 0;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	ASSERT_EQ(crypto_random(big, sizeof(big)), CRYPTO_OK);
	/* A request past mbedTLS's 1024-byte cap must be filled to the very end. */
	for (size_t i = sizeof(big); i > 0 && big[i - 1] == 0; i--) {
		zero_tail++;
	}
	EXPECT_LT(zero_tail, 4u);
}

/* Host threads stand in for vCPUs: the shared DRBG must hand each caller distinct output. */
#define DRAW_THREADS 4
#define DRAWS_EACH   256

static uint8_t drawn[DRAW_THREADS][DRAWS_EACH][16];

static void *draw_many(void *arg)
{
	uint8_t(*mine)[16] = arg;

	for (unsigned i = 0; i < DRAWS_EACH; i++) {
		if (crypto_random(mine[i], sizeof(mine[i])) != CRYPTO_OK) {
			return arg;
		}
	}
	return NULL;
}

TEST(crypto_init, concurrent_random_draws_are_distinct)
{
	pthread_t threads[DRAW_THREADS];
	unsigned failures = 0;
	unsigned duplicates = 0;
	const size_t total = (size_t)DRAW_THREADS * DRAWS_EACH;
	const uint8_t(*flat)[16] = (const uint8_t(*)[16])drawn;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	for (unsigned t = 0; t < DRAW_THREADS; t++) {
		ASSERT_EQ(pthread_create(&threads[t], NULL, draw_many, drawn[t]), 0);
	}
	for (unsigned t = 0; t < DRAW_THREADS; t++) {
		void *result = NULL;

		pthread_join(threads[t], &result);
		failures += result != NULL;
	}
	EXPECT_EQ(failures, 0u);
	for (size_t i = 0; i < total; i++) {
		for (size_t j = i + 1; j < total; j++) {
			duplicates += memcmp(flat[i], flat[j], 16) == 0;
		}
	}
	EXPECT_EQ(duplicates, 0u);
}
