/* SPDX-License-Identifier: MIT */
/* P-384 ECDH and ECDSA through the crypto API: agreement, point validation, tamper rejection. */
#include "svsm/test.h"
#include "svsm/types.h"

#include "crypto/crypto.h"
#include "crypto_test_util.h"

#define P384_ORDER_HEX                                                                             \
	"ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196a" \
	"ccc52973"
#define P384_PRIME_HEX                                                                             \
	"fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000" \
	"ffffffff"

struct ecdh_pair {
	struct crypto_ecdh kp;
	uint8_t pub[CRYPTO_P384_PUB_LEN];
};

static struct ecdh_pair alice;
static struct ecdh_pair bob;
static struct ecdh_pair carol;

static bool make_pair(struct ecdh_pair *p)
{
	return crypto_init() == CRYPTO_OK && crypto_ecdh_generate(&p->kp, p->pub) == CRYPTO_OK;
}

static void free_pairs(void)
{
	crypto_ecdh_free(&alice.kp);
	crypto_ecdh_free(&bob.kp);
	crypto_ecdh_free(&carol.kp);
}

TEST(crypto_ecdh, both_sides_agree)
{
	uint8_t s_ab[CRYPTO_ECDH_SECRET_LEN];
	uint8_t s_ba[CRYPTO_ECDH_SECRET_LEN];

	ASSERT_TRUE(make_pair(&alice));
	ASSERT_TRUE(make_pair(&bob));
	EXPECT_EQ(alice.pub[0], 0x04);
	EXPECT_FALSE(crypto_test_equal(alice.pub, bob.pub, sizeof(alice.pub)));
	ASSERT_EQ(crypto_ecdh_shared(&alice.kp, bob.pub, s_ab), CRYPTO_OK);
	ASSERT_EQ(crypto_ecdh_shared(&bob.kp, alice.pub, s_ba), CRYPTO_OK);
	EXPECT_MEMEQ(s_ab, s_ba, sizeof(s_ab));
	EXPECT_FALSE(crypto_test_all_bytes(s_ab, 0, sizeof(s_ab)));
	free_pairs();
}

TEST(crypto_ecdh, secrets_differ_per_key_pair)
{
	uint8_t s_ab[CRYPTO_ECDH_SECRET_LEN];
	uint8_t s_ac[CRYPTO_ECDH_SECRET_LEN];
	uint8_t s_bc[CRYPTO_ECDH_SECRET_LEN];

	ASSERT_TRUE(make_pair(&alice));
	ASSERT_TRUE(make_pair(&bob));
	ASSERT_TRUE(make_pair(&carol));
	ASSERT_EQ(crypto_ecdh_shared(&alice.kp, bob.pub, s_ab), CRYPTO_OK);
	ASSERT_EQ(crypto_ecdh_shared(&alice.kp, carol.pub, s_ac), CRYPTO_OK);
	ASSERT_EQ(crypto_ecdh_shared(&bob.kp, carol.pub, s_bc), CRYPTO_OK);
	EXPECT_FALSE(crypto_test_equal(s_ab, s_ac, sizeof(s_ab)));
	EXPECT_FALSE(crypto_test_equal(s_ab, s_bc, sizeof(s_ab)));
	EXPECT_FALSE(crypto_test_equal(s_ac, s_bc, sizeof(s_ac)));
	free_pairs();
}

static void expect_peer_rejected(const uint8_t peer[CRYPTO_P384_PUB_LEN], const char *what)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];

	crypto_test_fill(secret, 0xee, sizeof(secret));
	test_log("  invalid peer: %s\n", what);
	EXPECT_EQ(crypto_ecdh_shared(&alice.kp, peer, secret), CRYPTO_ERR_INPUT);
	EXPECT_TRUE(crypto_test_all_bytes(secret, 0, sizeof(secret)));
}

TEST(crypto_ecdh, invalid_peer_points_rejected)
{
	uint8_t bad[CRYPTO_P384_PUB_LEN];
	uint8_t s_ab[CRYPTO_ECDH_SECRET_LEN];
	uint8_t s_ba[CRYPTO_ECDH_SECRET_LEN];

	ASSERT_TRUE(make_pair(&alice));
	ASSERT_TRUE(make_pair(&bob));

	for (size_t i = 0; i < sizeof(bad); i++) {
		bad[i] = bob.pub[i];
	}
	bad[CRYPTO_P384_PUB_LEN - 1] ^= 1;
	expect_peer_rejected(bad, "point off the curve");

	bad[CRYPTO_P384_PUB_LEN - 1] ^= 1;
	bad[0] = 0x02;
	expect_peer_rejected(bad, "compressed-form prefix");

	crypto_test_fill(bad, 0, sizeof(bad));
	expect_peer_rejected(bad, "all zero (infinity encoding padded)");

	bad[0] = 0x04;
	expect_peer_rejected(bad, "(0, 0)");

	ASSERT_EQ(crypto_test_unhex(P384_PRIME_HEX, bad + 1, CRYPTO_P384_SCALAR_LEN),
		  (size_t)CRYPTO_P384_SCALAR_LEN);
	expect_peer_rejected(bad, "x = p, outside the field");

	/* The key pair is still good after the rejections. */
	ASSERT_EQ(crypto_ecdh_shared(&alice.kp, bob.pub, s_ab), CRYPTO_OK);
	ASSERT_EQ(crypto_ecdh_shared(&bob.kp, alice.pub, s_ba), CRYPTO_OK);
	EXPECT_MEMEQ(s_ab, s_ba, sizeof(s_ab));
	free_pairs();
}

TEST(crypto_ecdh, free_wipes_key_pair_and_refuses_use)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];

	ASSERT_TRUE(make_pair(&alice));
	ASSERT_TRUE(make_pair(&bob));
	EXPECT_FALSE(crypto_test_all_bytes(&alice.kp, 0, sizeof(alice.kp)));
	crypto_ecdh_free(&alice.kp);
	EXPECT_TRUE(crypto_test_all_bytes(&alice.kp, 0, sizeof(alice.kp)));
	crypto_test_fill(secret, 0xee, sizeof(secret));
	EXPECT_EQ(crypto_ecdh_shared(&alice.kp, bob.pub, secret), CRYPTO_ERR_NOT_READY);
	EXPECT_TRUE(crypto_test_all_bytes(secret, 0, sizeof(secret)));
	free_pairs();
}

/* --- ECDSA --------------------------------------------------------------------------------- */

struct signed_digest {
	uint8_t priv[CRYPTO_P384_SCALAR_LEN];
	uint8_t pub[CRYPTO_P384_PUB_LEN];
	uint8_t digest[CRYPTO_SHA384_LEN];
	uint8_t r[CRYPTO_P384_SCALAR_LEN];
	uint8_t s[CRYPTO_P384_SCALAR_LEN];
};

static struct signed_digest sig;

static bool sign_message(void)
{
	static const char message[] = "attestation report body";

	return crypto_init() == CRYPTO_OK &&
	       crypto_ecdsa_p384_keygen(sig.priv, sig.pub) == CRYPTO_OK &&
	       crypto_sha384(message, sizeof(message) - 1, sig.digest) == CRYPTO_OK &&
	       crypto_ecdsa_p384_sign(sig.priv, sig.digest, sig.r, sig.s) == CRYPTO_OK;
}

static enum crypto_status verify_sig(void)
{
	return crypto_ecdsa_p384_verify(sig.pub, sig.digest, sig.r, sig.s);
}

TEST(crypto_ecdsa, sign_verify_round_trip)
{
	ASSERT_TRUE(sign_message());
	EXPECT_EQ(verify_sig(), CRYPTO_OK);
}

TEST(crypto_ecdsa, public_key_from_private_matches_keygen)
{
	uint8_t pub[CRYPTO_P384_PUB_LEN];

	ASSERT_TRUE(sign_message());
	ASSERT_EQ(crypto_ecdsa_p384_public(sig.priv, pub), CRYPTO_OK);
	EXPECT_MEMEQ(pub, sig.pub, sizeof(pub));
}

TEST(crypto_ecdsa, tampered_digest_r_or_s_rejected)
{
	ASSERT_TRUE(sign_message());
	sig.digest[5] ^= 0x10;
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_AUTH);
	sig.digest[5] ^= 0x10;
	sig.r[47] ^= 0x01;
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_AUTH);
	sig.r[47] ^= 0x01;
	sig.s[0] ^= 0x01;
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_AUTH);
	sig.s[0] ^= 0x01;
	EXPECT_EQ(verify_sig(), CRYPTO_OK);
}

TEST(crypto_ecdsa, out_of_range_r_s_rejected)
{
	uint8_t saved_r[CRYPTO_P384_SCALAR_LEN];

	ASSERT_TRUE(sign_message());
	for (size_t i = 0; i < sizeof(saved_r); i++) {
		saved_r[i] = sig.r[i];
	}
	crypto_test_fill(sig.r, 0, sizeof(sig.r));
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_AUTH);
	ASSERT_EQ(crypto_test_unhex(P384_ORDER_HEX, sig.r, sizeof(sig.r)), sizeof(sig.r));
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_AUTH);
	for (size_t i = 0; i < sizeof(saved_r); i++) {
		sig.r[i] = saved_r[i];
	}
	crypto_test_fill(sig.s, 0xff, sizeof(sig.s));
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_AUTH);
}

TEST(crypto_ecdsa, signature_by_other_key_rejected)
{
	uint8_t other_priv[CRYPTO_P384_SCALAR_LEN];

	ASSERT_TRUE(sign_message());
	ASSERT_EQ(crypto_ecdsa_p384_keygen(other_priv, sig.pub), CRYPTO_OK);
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_AUTH);
	crypto_wipe(other_priv, sizeof(other_priv));
}

TEST(crypto_ecdsa, malformed_public_key_is_input_error)
{
	ASSERT_TRUE(sign_message());
	sig.pub[60] ^= 0x04;
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_INPUT);
	sig.pub[60] ^= 0x04;
	sig.pub[0] = 0x03;
	EXPECT_EQ(verify_sig(), CRYPTO_ERR_INPUT);
}

TEST(crypto_ecdsa, invalid_private_scalars_refused)
{
	uint8_t priv[CRYPTO_P384_SCALAR_LEN];
	uint8_t digest[CRYPTO_SHA384_LEN] = {1};
	uint8_t r[CRYPTO_P384_SCALAR_LEN];
	uint8_t s[CRYPTO_P384_SCALAR_LEN];
	uint8_t pub[CRYPTO_P384_PUB_LEN];

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	crypto_test_fill(priv, 0, sizeof(priv));
	EXPECT_EQ(crypto_ecdsa_p384_sign(priv, digest, r, s), CRYPTO_ERR_INPUT);
	EXPECT_TRUE(crypto_test_all_bytes(r, 0, sizeof(r)));
	EXPECT_EQ(crypto_ecdsa_p384_public(priv, pub), CRYPTO_ERR_INPUT);
	ASSERT_EQ(crypto_test_unhex(P384_ORDER_HEX, priv, sizeof(priv)), sizeof(priv));
	EXPECT_EQ(crypto_ecdsa_p384_sign(priv, digest, r, s), CRYPTO_ERR_INPUT);
	crypto_test_fill(priv, 0xff, sizeof(priv));
	EXPECT_EQ(crypto_ecdsa_p384_sign(priv, digest, r, s), CRYPTO_ERR_INPUT);
	EXPECT_TRUE(crypto_test_all_bytes(s, 0, sizeof(s)));
}

TEST(crypto_ecdsa, signatures_are_randomised_but_both_verify)
{
	uint8_t r2[CRYPTO_P384_SCALAR_LEN];
	uint8_t s2[CRYPTO_P384_SCALAR_LEN];

	ASSERT_TRUE(sign_message());
	ASSERT_EQ(crypto_ecdsa_p384_sign(sig.priv, sig.digest, r2, s2), CRYPTO_OK);
	EXPECT_FALSE(crypto_test_equal(sig.r, r2, sizeof(r2)));
	EXPECT_EQ(crypto_ecdsa_p384_verify(sig.pub, sig.digest, r2, s2), CRYPTO_OK);
}
