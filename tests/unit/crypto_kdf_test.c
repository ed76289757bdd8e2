/* SPDX-License-Identifier: MIT */
/* Hashes (FIPS 180-2 examples), HKDF (RFC 5869 vectors) and the session key schedule. */
#include "svsm/test.h"
#include "svsm/types.h"

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "crypto_test_util.h"

#define FIPS_TWO_BLOCK_MSG                                                                         \
	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr" \
	"lmnopqrsmnopqrstnopqrstu"

static bool hex_equal(const uint8_t *got, const char *hex, size_t len)
{
	static uint8_t want[256];

	return crypto_test_unhex(hex, want, sizeof(want)) == len &&
	       crypto_test_equal(got, want, len);
}

TEST(crypto_hash, sha384_fips_examples)
{
	uint8_t out[CRYPTO_SHA384_LEN];

	ASSERT_EQ(crypto_sha384("abc", 3, out), CRYPTO_OK);
	EXPECT_TRUE(hex_equal(out,
			      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
			      "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
			      sizeof(out)));
	ASSERT_EQ(crypto_sha384(FIPS_TWO_BLOCK_MSG, sizeof(FIPS_TWO_BLOCK_MSG) - 1, out),
		  CRYPTO_OK);
	EXPECT_TRUE(hex_equal(out,
			      "09330c33f71147e83d192fc782cd1b4753111b173b3b05d2"
			      "2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039",
			      sizeof(out)));
	ASSERT_EQ(crypto_sha384(NULL, 0, out), CRYPTO_OK);
	EXPECT_TRUE(hex_equal(out,
			      "38b060a751ac96384cd9327eb1b1e36a21fdb71114be0743"
			      "4c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
			      sizeof(out)));
}

TEST(crypto_hash, sha512_fips_examples)
{
	uint8_t out[CRYPTO_SHA512_LEN];

	ASSERT_EQ(crypto_sha512("abc", 3, out), CRYPTO_OK);
	EXPECT_TRUE(hex_equal(out,
			      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
			      sizeof(out)));
	ASSERT_EQ(crypto_sha512(FIPS_TWO_BLOCK_MSG, sizeof(FIPS_TWO_BLOCK_MSG) - 1, out),
		  CRYPTO_OK);
	EXPECT_TRUE(hex_equal(out,
			      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
			      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
			      sizeof(out)));
}

TEST(crypto_hash, sha384_incremental_million_a)
{
	static uint8_t chunk[1000];
	struct crypto_sha384_ctx ctx;
	uint8_t out[CRYPTO_SHA384_LEN];

	crypto_test_fill(chunk, 'a', sizeof(chunk));
	ASSERT_EQ(crypto_sha384_start(&ctx), CRYPTO_OK);
	for (unsigned i = 0; i < 1000; i++) {
		ASSERT_EQ(crypto_sha384_update(&ctx, chunk, sizeof(chunk)), CRYPTO_OK);
	}
	ASSERT_EQ(crypto_sha384_finish(&ctx, out), CRYPTO_OK);
	EXPECT_TRUE(hex_equal(out,
			      "9d0e1809716474cb086e834e310a4a1ced149e9c00f24852"
			      "7972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
			      sizeof(out)));
	EXPECT_TRUE(crypto_test_all_bytes(&ctx, 0, sizeof(ctx)));
}

TEST(crypto_hash, sha384_incremental_matches_one_shot_at_every_split)
{
	static const char msg[] = FIPS_TWO_BLOCK_MSG FIPS_TWO_BLOCK_MSG;
	uint8_t whole[CRYPTO_SHA384_LEN];
	uint8_t split[CRYPTO_SHA384_LEN];
	unsigned mismatches = 0;

	ASSERT_EQ(crypto_sha384(msg, sizeof(msg) - 1, whole), CRYPTO_OK);
	for (size_t cut = 0; cut < sizeof(msg); cut++) {
		struct crypto_sha384_ctx ctx;

		ASSERT_EQ(crypto_sha384_start(&ctx), CRYPTO_OK);
		ASSERT_EQ(crypto_sha384_update(&ctx, msg, cut), CRYPTO_OK);
		ASSERT_EQ(crypto_sha384_update(&ctx, msg + cut, sizeof(msg) - 1 - cut), CRYPTO_OK);
		ASSERT_EQ(crypto_sha384_finish(&ctx, split), CRYPTO_OK);
		mismatches += !crypto_test_equal(whole, split, sizeof(whole));
	}
	EXPECT_EQ(mismatches, 0u);
}

TEST(crypto_hash, null_data_with_length_is_refused)
{
	uint8_t out[CRYPTO_SHA512_LEN];
	struct crypto_sha384_ctx ctx;

	EXPECT_EQ(crypto_sha384(NULL, 1, out), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_sha512(NULL, 1, out), CRYPTO_ERR_INPUT);
	ASSERT_EQ(crypto_sha384_start(&ctx), CRYPTO_OK);
	EXPECT_EQ(crypto_sha384_update(&ctx, NULL, 1), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_sha384_finish(&ctx, out), CRYPTO_OK);
}

/* --- HKDF ---------------------------------------------------------------------------------- */

struct hkdf_vector {
	const char *name;
	const char *ikm;
	const char *salt;
	const char *info;
	const char *okm;
};

/* RFC 5869 appendix A.1-A.3 (the SHA-256 cases). */
static const struct hkdf_vector rfc5869_sha256[] = {
    {"A.1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
     "f0f1f2f3f4f5f6f7f8f9",
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
    {"A.2",
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
     "404142434445464748494a4b4c4d4e4f",
     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
     "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
    {"A.3", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
};

TEST(crypto_hkdf, rfc5869_sha256_vectors)
{
	static uint8_t ikm[128];
	static uint8_t salt[128];
	static uint8_t info[128];
	static uint8_t okm[128];
	static uint8_t out[128];

	for (size_t i = 0; i < ARRAY_SIZE(rfc5869_sha256); i++) {
		const struct hkdf_vector *v = &rfc5869_sha256[i];
		size_t ikm_len = crypto_test_unhex(v->ikm, ikm, sizeof(ikm));
		size_t salt_len = crypto_test_unhex(v->salt, salt, sizeof(salt));
		size_t info_len = crypto_test_unhex(v->info, info, sizeof(info));
		size_t okm_len = crypto_test_unhex(v->okm, okm, sizeof(okm));

		test_log("  RFC 5869 %s\n", v->name);
		ASSERT_TRUE(ikm_len <= sizeof(ikm) && salt_len <= sizeof(salt));
		ASSERT_TRUE(info_len <= sizeof(info) && okm_len <= sizeof(okm));
		/* A.3 has no salt and no info: pass NULL as a caller would. */
		ASSERT_EQ(crypto_hkdf(CRYPTO_HASH_SHA256, salt_len ? salt : NULL, salt_len, ikm,
				      ikm_len, info_len ? info : NULL, info_len, out, okm_len),
			  CRYPTO_OK);
		EXPECT_MEMEQ(out, okm, okm_len);
	}
}

TEST(crypto_hkdf, sha384_output_limits)
{
	static uint8_t out[255 * CRYPTO_SHA384_LEN + 1];
	static const uint8_t ikm[16] = {1};

	EXPECT_EQ(crypto_hkdf_sha384(NULL, 0, ikm, sizeof(ikm), NULL, 0, out, sizeof(out) - 1),
		  CRYPTO_OK);
	crypto_test_fill(out, 0x77, sizeof(out));
	EXPECT_EQ(crypto_hkdf_sha384(NULL, 0, ikm, sizeof(ikm), NULL, 0, out, sizeof(out)),
		  CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_hkdf_sha384(NULL, 0, ikm, sizeof(ikm), NULL, 0, out, 0), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_hkdf_sha384(NULL, 4, ikm, sizeof(ikm), NULL, 0, out, 32),
		  CRYPTO_ERR_INPUT);
	EXPECT_TRUE(crypto_test_all_bytes(out, 0, 32));
	EXPECT_EQ(crypto_hkdf_sha384(NULL, 0, NULL, 3, NULL, 0, out, 32), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_hkdf_sha384(NULL, 0, ikm, sizeof(ikm), NULL, 2, out, 32),
		  CRYPTO_ERR_INPUT);
}

TEST(crypto_hkdf, sha384_prefix_property_and_info_separation)
{
	static const uint8_t ikm[48] = {0x42};
	static const uint8_t info_a[] = "label a";
	static const uint8_t info_b[] = "label b";
	uint8_t long_out[100];
	uint8_t short_out[40];
	uint8_t other[40];

	ASSERT_EQ(
	    crypto_hkdf_sha384(NULL, 0, ikm, sizeof(ikm), info_a, 7, long_out, sizeof(long_out)),
	    CRYPTO_OK);
	ASSERT_EQ(
	    crypto_hkdf_sha384(NULL, 0, ikm, sizeof(ikm), info_a, 7, short_out, sizeof(short_out)),
	    CRYPTO_OK);
	/* HKDF-Expand output of length L is the prefix of any longer output. */
	EXPECT_MEMEQ(long_out, short_out, sizeof(short_out));
	ASSERT_EQ(crypto_hkdf_sha384(NULL, 0, ikm, sizeof(ikm), info_b, 7, other, sizeof(other)),
		  CRYPTO_OK);
	EXPECT_FALSE(crypto_test_equal(short_out, other, sizeof(other)));
}

/* --- Key schedule -------------------------------------------------------------------------- */

static struct crypto_session_keys keys_a;
static struct crypto_session_keys keys_b;

static void fill_pattern(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++) {
		p[i] = (uint8_t)(seed + 31 * i);
	}
}

/* Every derived key and confirmation value, as a list of (pointer, length). */
static size_t list_outputs(const struct crypto_session_keys *k, const uint8_t **out, size_t *lens)
{
	size_t n = 0;

	for (uint32_t c = 0; c < k->channels; c++) {
		out[n] = k->source_to_target[c];
		lens[n++] = CRYPTO_AEAD_KEY_LEN;
		out[n] = k->target_to_source[c];
		lens[n++] = CRYPTO_AEAD_KEY_LEN;
	}
	out[n] = k->confirm_source;
	lens[n++] = CRYPTO_SHA384_LEN;
	out[n] = k->confirm_target;
	lens[n++] = CRYPTO_SHA384_LEN;
	return n;
}

TEST(crypto_keys, all_outputs_distinct)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];
	const uint8_t *outputs[2 * CRYPTO_MAX_CHANNELS + 2];
	size_t lens[2 * CRYPTO_MAX_CHANNELS + 2];
	unsigned equal_pairs = 0;
	size_t n;

	fill_pattern(secret, sizeof(secret), 1);
	fill_pattern(transcript, sizeof(transcript), 2);
	ASSERT_EQ(crypto_key_schedule(secret, transcript, CRYPTO_MAX_CHANNELS, &keys_a), CRYPTO_OK);
	EXPECT_EQ(keys_a.channels, (uint32_t)CRYPTO_MAX_CHANNELS);
	n = list_outputs(&keys_a, outputs, lens);
	EXPECT_EQ(n, (size_t)(2 * CRYPTO_MAX_CHANNELS + 2));
	for (size_t i = 0; i < n; i++) {
		EXPECT_FALSE(crypto_test_all_bytes(outputs[i], 0, lens[i]));
		for (size_t j = i + 1; j < n; j++) {
			/* Compare the common 32-byte prefix so keys and confirm values are checked
			 * against each other too. */
			equal_pairs +=
			    crypto_test_equal(outputs[i], outputs[j], CRYPTO_AEAD_KEY_LEN);
		}
	}
	EXPECT_EQ(equal_pairs, 0u);
	crypto_session_keys_wipe(&keys_a);
}

TEST(crypto_keys, deterministic_for_same_inputs)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];

	fill_pattern(secret, sizeof(secret), 3);
	fill_pattern(transcript, sizeof(transcript), 4);
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 4, &keys_a), CRYPTO_OK);
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 4, &keys_b), CRYPTO_OK);
	EXPECT_MEMEQ(&keys_a, &keys_b, sizeof(keys_a));
	crypto_session_keys_wipe(&keys_a);
	crypto_session_keys_wipe(&keys_b);
}

TEST(crypto_keys, channel_keys_do_not_depend_on_channel_count)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];

	fill_pattern(secret, sizeof(secret), 5);
	fill_pattern(transcript, sizeof(transcript), 6);
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 2, &keys_a), CRYPTO_OK);
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 8, &keys_b), CRYPTO_OK);
	EXPECT_MEMEQ(keys_a.source_to_target[1], keys_b.source_to_target[1], CRYPTO_AEAD_KEY_LEN);
	EXPECT_MEMEQ(keys_a.confirm_target, keys_b.confirm_target, CRYPTO_SHA384_LEN);
	/* Unused channel slots stay zero. */
	EXPECT_TRUE(crypto_test_all_bytes(keys_a.source_to_target[2], 0,
					  (size_t)(CRYPTO_MAX_CHANNELS - 2) * CRYPTO_AEAD_KEY_LEN));
	crypto_session_keys_wipe(&keys_a);
	crypto_session_keys_wipe(&keys_b);
}

TEST(crypto_keys, different_transcript_or_secret_gives_different_keys)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];

	fill_pattern(secret, sizeof(secret), 7);
	fill_pattern(transcript, sizeof(transcript), 8);
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 1, &keys_a), CRYPTO_OK);
	transcript[CRYPTO_SHA384_LEN - 1] ^= 1;
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 1, &keys_b), CRYPTO_OK);
	EXPECT_FALSE(crypto_test_equal(keys_a.source_to_target[0], keys_b.source_to_target[0],
				       CRYPTO_AEAD_KEY_LEN));
	EXPECT_FALSE(crypto_test_equal(keys_a.target_to_source[0], keys_b.target_to_source[0],
				       CRYPTO_AEAD_KEY_LEN));
	EXPECT_FALSE(
	    crypto_test_equal(keys_a.confirm_source, keys_b.confirm_source, CRYPTO_SHA384_LEN));
	transcript[CRYPTO_SHA384_LEN - 1] ^= 1;
	secret[0] ^= 1;
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 1, &keys_b), CRYPTO_OK);
	EXPECT_FALSE(crypto_test_equal(keys_a.source_to_target[0], keys_b.source_to_target[0],
				       CRYPTO_AEAD_KEY_LEN));
	EXPECT_FALSE(
	    crypto_test_equal(keys_a.confirm_target, keys_b.confirm_target, CRYPTO_SHA384_LEN));
	crypto_session_keys_wipe(&keys_a);
	crypto_session_keys_wipe(&keys_b);
}

TEST(crypto_keys, bad_channel_count_refused_and_output_zeroed)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN] = {1};
	uint8_t transcript[CRYPTO_SHA384_LEN] = {2};

	crypto_test_fill(&keys_a, 0x33, sizeof(keys_a));
	EXPECT_EQ(crypto_key_schedule(secret, transcript, 0, &keys_a), CRYPTO_ERR_INPUT);
	EXPECT_TRUE(crypto_test_all_bytes(&keys_a, 0, sizeof(keys_a)));
	EXPECT_EQ(crypto_key_schedule(secret, transcript, CRYPTO_MAX_CHANNELS + 1, &keys_a),
		  CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_key_schedule(NULL, transcript, 1, &keys_a), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_key_schedule(secret, NULL, 1, &keys_a), CRYPTO_ERR_INPUT);
}

TEST(crypto_keys, wipe_zeroes_every_byte)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN] = {9};
	uint8_t transcript[CRYPTO_SHA384_LEN] = {10};

	ASSERT_EQ(crypto_key_schedule(secret, transcript, CRYPTO_MAX_CHANNELS, &keys_a), CRYPTO_OK);
	EXPECT_FALSE(crypto_test_all_bytes(&keys_a, 0, sizeof(keys_a)));
	crypto_session_keys_wipe(&keys_a);
	EXPECT_TRUE(crypto_test_all_bytes(&keys_a, 0, sizeof(keys_a)));
}

TEST(crypto_util, ct_equal_and_wipe)
{
	uint8_t a[40];
	uint8_t b[40];

	crypto_test_fill(a, 0x3c, sizeof(a));
	crypto_test_fill(b, 0x3c, sizeof(b));
	EXPECT_TRUE(crypto_ct_equal(a, b, sizeof(a)));
	b[39] ^= 1;
	EXPECT_FALSE(crypto_ct_equal(a, b, sizeof(a)));
	EXPECT_TRUE(crypto_ct_equal(a, b, 39));
	crypto_wipe(a, sizeof(a));
	EXPECT_TRUE(crypto_test_all_bytes(a, 0, sizeof(a)));
}

TEST(crypto_util, status_strings_are_distinct)
{
	static const enum crypto_status all[] = {
	    CRYPTO_OK,		CRYPTO_ERR_AUTH,      CRYPTO_ERR_INPUT,	  CRYPTO_ERR_NONCE,
	    CRYPTO_ERR_ENTROPY, CRYPTO_ERR_NOT_READY, CRYPTO_ERR_INTERNAL};

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		for (size_t j = i + 1; j < ARRAY_SIZE(all); j++) {
			EXPECT_TRUE(crypto_status_str(all[i]) != crypto_status_str(all[j]));
		}
	}
}
