/* SPDX-License-Identifier: MIT */
/*
 * svsm/crypto against an independent implementation: OpenSSL's libcrypto. Random inputs of many
 * lengths go through both; outputs must match byte for byte, and each side must accept what the
 * other produced (GCM records, ECDSA signatures, ECDH agreement). The key schedule is recomputed
 * here from its documented labels with OpenSSL's HKDF.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <string.h>

#include "svsm/check.h"
#include "svsm/test.h"
#include "svsm/types.h"

#include "crypto/crypto.h"

#define ORACLE_MAX_RECORD 5000

static uint32_t random_below(uint32_t bound)
{
	uint32_t v = 0;

	CHECK(crypto_random(&v, sizeof(v)) == CRYPTO_OK);
	return v % bound;
}

/* --- HKDF ---------------------------------------------------------------------------------- */

/* mode: "EXTRACT_AND_EXPAND", "EXTRACT_ONLY" or "EXPAND_ONLY". */
static bool ossl_hkdf384(const char *mode, const uint8_t *salt, size_t salt_len, const uint8_t *key,
			 size_t key_len, const uint8_t *info, size_t info_len, uint8_t *out,
			 size_t out_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[6];
	OSSL_PARAM *p = params;
	bool ok;

	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA384", 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, (char *)mode, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
	if (salt_len > 0) {
		*p++ =
		    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
	}
	if (info_len > 0) {
		*p++ =
		    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
	}
	*p = OSSL_PARAM_construct_end();
	ok = ctx != NULL && EVP_KDF_derive(ctx, out, out_len, params) == 1;
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return ok;
}

TEST(crypto_oracle, hkdf_sha384_matches_openssl)
{
	static uint8_t salt[200];
	static uint8_t ikm[200];
	static uint8_t info[200];
	static uint8_t ours[255 * CRYPTO_SHA384_LEN];
	static uint8_t theirs[255 * CRYPTO_SHA384_LEN];
	static const size_t fixed_lengths[] = {1, 32, 47, 48, 49, 96, sizeof(ours)};
	unsigned mismatches = 0;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	for (unsigned i = 0; i < 300; i++) {
		size_t salt_len = random_below(sizeof(salt) + 1);
		size_t ikm_len = 1 + random_below(sizeof(ikm));
		size_t info_len = random_below(sizeof(info) + 1);
		size_t out_len =
		    i < ARRAY_SIZE(fixed_lengths) ? fixed_lengths[i] : 1 + random_below(600);

		ASSERT_EQ(crypto_random(salt, salt_len), CRYPTO_OK);
		ASSERT_EQ(crypto_random(ikm, ikm_len), CRYPTO_OK);
		ASSERT_EQ(crypto_random(info, info_len), CRYPTO_OK);
		ASSERT_EQ(
		    crypto_hkdf_sha384(salt, salt_len, ikm, ikm_len, info, info_len, ours, out_len),
		    CRYPTO_OK);
		ASSERT_TRUE(ossl_hkdf384("EXTRACT_AND_EXPAND", salt, salt_len, ikm, ikm_len, info,
					 info_len, theirs, out_len));
		mismatches += memcmp(ours, theirs, out_len) != 0;
	}
	EXPECT_EQ(mismatches, 0u);
}

static bool expand_label(const uint8_t prk[CRYPTO_SHA384_LEN], const char *label,
			 const uint32_t *channel, uint8_t *out, size_t out_len)
{
	uint8_t info[64];
	size_t len = 0;

	for (; label[len] != '\0'; len++) {
		info[len] = (uint8_t)label[len];
	}
	if (channel != NULL) {
		info[len++] = (uint8_t)(*channel >> 24);
		info[len++] = (uint8_t)(*channel >> 16);
		info[len++] = (uint8_t)(*channel >> 8);
		info[len++] = (uint8_t)*channel;
	}
	return ossl_hkdf384("EXPAND_ONLY", NULL, 0, prk, CRYPTO_SHA384_LEN, info, len, out,
			    out_len);
}

TEST(crypto_oracle, key_schedule_matches_documented_labels)
{
	static struct crypto_session_keys keys;
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];
	uint8_t prk[CRYPTO_SHA384_LEN];
	uint8_t expect[CRYPTO_SHA384_LEN];

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	ASSERT_EQ(crypto_random(secret, sizeof(secret)), CRYPTO_OK);
	ASSERT_EQ(crypto_random(transcript, sizeof(transcript)), CRYPTO_OK);
	ASSERT_EQ(crypto_key_schedule(secret, transcript, 5, &keys), CRYPTO_OK);
	ASSERT_TRUE(ossl_hkdf384("EXTRACT_ONLY", transcript, sizeof(transcript), secret,
				 sizeof(secret), NULL, 0, prk, sizeof(prk)));
	for (uint32_t c = 0; c < 5; c++) {
		ASSERT_TRUE(
		    expand_label(prk, "svsm-migrate v1 s2t key", &c, expect, CRYPTO_AEAD_KEY_LEN));
		EXPECT_MEMEQ(keys.source_to_target[c], expect, CRYPTO_AEAD_KEY_LEN);
		ASSERT_TRUE(
		    expand_label(prk, "svsm-migrate v1 t2s key", &c, expect, CRYPTO_AEAD_KEY_LEN));
		EXPECT_MEMEQ(keys.target_to_source[c], expect, CRYPTO_AEAD_KEY_LEN);
	}
	ASSERT_TRUE(
	    expand_label(prk, "svsm-migrate v1 confirm source", NULL, expect, CRYPTO_SHA384_LEN));
	EXPECT_MEMEQ(keys.confirm_source, expect, CRYPTO_SHA384_LEN);
	ASSERT_TRUE(
	    expand_label(prk, "svsm-migrate v1 confirm target", NULL, expect, CRYPTO_SHA384_LEN));
	EXPECT_MEMEQ(keys.confirm_target, expect, CRYPTO_SHA384_LEN);
	crypto_session_keys_wipe(&keys);
}

/* --- AES-256-GCM --------------------------------------------------------------------------- */

struct gcm_case {
	uint8_t key[CRYPTO_AEAD_KEY_LEN];
	uint8_t nonce[CRYPTO_AEAD_NONCE_LEN];
	uint8_t ad[80];
	uint8_t plaintext[ORACLE_MAX_RECORD];
	uint8_t ciphertext[ORACLE_MAX_RECORD];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	uint8_t ours[ORACLE_MAX_RECORD];
	uint8_t our_tag[CRYPTO_AEAD_TAG_LEN];
	size_t ad_len;
	size_t len;
	uint32_t channel;
	uint64_t seq;
};

static struct gcm_case gc;

static bool ossl_gcm_seal(struct gcm_case *c)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0;
	bool ok =
	    ctx != NULL &&
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, c->key, c->nonce) == 1 &&
	    (c->ad_len == 0 || EVP_EncryptUpdate(ctx, NULL, &n, c->ad, (int)c->ad_len) == 1) &&
	    (c->len == 0 ||
	     EVP_EncryptUpdate(ctx, c->ciphertext, &n, c->plaintext, (int)c->len) == 1) &&
	    EVP_EncryptFinal_ex(ctx, c->ciphertext + (c->len > 0 ? n : 0), &n) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPTO_AEAD_TAG_LEN, c->tag) == 1;

	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

static bool random_gcm_case(size_t len)
{
	gc.len = len;
	gc.ad_len = random_below(sizeof(gc.ad) + 1);
	return crypto_random(gc.key, sizeof(gc.key)) == CRYPTO_OK &&
	       crypto_random(&gc.channel, sizeof(gc.channel)) == CRYPTO_OK &&
	       crypto_random(&gc.seq, sizeof(gc.seq)) == CRYPTO_OK &&
	       crypto_random(gc.ad, gc.ad_len) == CRYPTO_OK &&
	       crypto_random(gc.plaintext, gc.len) == CRYPTO_OK;
}

TEST(crypto_oracle, gcm_matches_openssl_both_ways)
{
	static const size_t fixed_lengths[] = {0, 1, 15, 16, 17, 255, 4095, 4096, 4097};
	unsigned mismatches = 0;
	unsigned open_failures = 0;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	for (unsigned i = 0; i < 200; i++) {
		struct crypto_aead aead;
		size_t len = i < ARRAY_SIZE(fixed_lengths) ? fixed_lengths[i]
							   : random_below(ORACLE_MAX_RECORD + 1);

		ASSERT_TRUE(random_gcm_case(len));
		crypto_aead_nonce(gc.channel, gc.seq, gc.nonce);
		ASSERT_TRUE(ossl_gcm_seal(&gc));

		ASSERT_EQ(crypto_aead_init(&aead, gc.key, gc.channel), CRYPTO_OK);
		ASSERT_EQ(crypto_aead_seal(&aead, gc.seq, gc.ad, gc.ad_len, gc.plaintext, gc.len,
					   gc.ours, gc.our_tag),
			  CRYPTO_OK);
		mismatches += memcmp(gc.ours, gc.ciphertext, gc.len) != 0;
		mismatches += memcmp(gc.our_tag, gc.tag, sizeof(gc.tag)) != 0;

		/* What OpenSSL sealed, we open. */
		memset(gc.ours, 0, sizeof(gc.ours));
		open_failures += crypto_aead_open(&aead, gc.seq, gc.ad, gc.ad_len, gc.ciphertext,
						  gc.len, gc.ours, gc.tag) != CRYPTO_OK;
		mismatches += memcmp(gc.ours, gc.plaintext, gc.len) != 0;
		crypto_aead_free(&aead);
	}
	EXPECT_EQ(mismatches, 0u);
	EXPECT_EQ(open_failures, 0u);
}

/* --- P-384 --------------------------------------------------------------------------------- */

static EVP_PKEY *ossl_p384_generate(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
}

static bool ossl_p384_public(EVP_PKEY *key, uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	size_t len = 0;

	return EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub,
					       CRYPTO_P384_PUB_LEN, &len) == 1 &&
	       len == CRYPTO_P384_PUB_LEN;
}

static bool ossl_p384_private(EVP_PKEY *key, uint8_t priv[CRYPTO_P384_SCALAR_LEN])
{
	BIGNUM *d = NULL;
	bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1 &&
		  BN_bn2binpad(d, priv, CRYPTO_P384_SCALAR_LEN) == CRYPTO_P384_SCALAR_LEN;

	BN_clear_free(d);
	return ok;
}

static EVP_PKEY *ossl_p384_from_public(const uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"secp384r1", 0),
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub,
					      CRYPTO_P384_PUB_LEN),
	    OSSL_PARAM_construct_end(),
	};

	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		key = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static bool ossl_ecdh(EVP_PKEY *mine, EVP_PKEY *peer, uint8_t secret[CRYPTO_ECDH_SECRET_LEN])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(mine, NULL);
	size_t len = CRYPTO_ECDH_SECRET_LEN;
	bool ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
		  EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
		  EVP_PKEY_derive(ctx, secret, &len) == 1 && len == CRYPTO_ECDH_SECRET_LEN;

	EVP_PKEY_CTX_free(ctx);
	return ok;
}

TEST(crypto_oracle, ecdh_agrees_with_openssl)
{
	struct crypto_ecdh ours;
	uint8_t our_pub[CRYPTO_P384_PUB_LEN];
	uint8_t their_pub[CRYPTO_P384_PUB_LEN];
	uint8_t our_secret[CRYPTO_ECDH_SECRET_LEN] = {0};
	uint8_t their_secret[CRYPTO_ECDH_SECRET_LEN] = {0};
	EVP_PKEY *theirs;
	EVP_PKEY *our_pub_key;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	theirs = ossl_p384_generate();
	ASSERT_TRUE(theirs != NULL);
	ASSERT_TRUE(ossl_p384_public(theirs, their_pub));
	ASSERT_EQ(crypto_ecdh_generate(&ours, our_pub), CRYPTO_OK);
	our_pub_key = ossl_p384_from_public(our_pub);
	EXPECT_TRUE(our_pub_key != NULL);
	if (our_pub_key != NULL) {
		ASSERT_EQ(crypto_ecdh_shared(&ours, their_pub, our_secret), CRYPTO_OK);
		EXPECT_TRUE(ossl_ecdh(theirs, our_pub_key, their_secret));
		EXPECT_MEMEQ(our_secret, their_secret, sizeof(our_secret));
	}
	crypto_ecdh_free(&ours);
	EVP_PKEY_free(our_pub_key);
	EVP_PKEY_free(theirs);
}

static bool ossl_sign_digest(EVP_PKEY *key, const uint8_t digest[CRYPTO_SHA384_LEN],
			     uint8_t r[CRYPTO_P384_SCALAR_LEN], uint8_t s[CRYPTO_P384_SCALAR_LEN])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	unsigned char der[128];
	const unsigned char *p = der;
	size_t der_len = sizeof(der);
	ECDSA_SIG *sig = NULL;
	bool ok = ctx != NULL && EVP_PKEY_sign_init(ctx) == 1 &&
		  EVP_PKEY_sign(ctx, der, &der_len, digest, CRYPTO_SHA384_LEN) == 1;

	if (ok) {
		sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
		ok = sig != NULL &&
		     BN_bn2binpad(ECDSA_SIG_get0_r(sig), r, CRYPTO_P384_SCALAR_LEN) ==
			 CRYPTO_P384_SCALAR_LEN &&
		     BN_bn2binpad(ECDSA_SIG_get0_s(sig), s, CRYPTO_P384_SCALAR_LEN) ==
			 CRYPTO_P384_SCALAR_LEN;
	}
	ECDSA_SIG_free(sig);
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* 1 verified, 0 rejected, -1 OpenSSL failed before verifying. */
static int ossl_verify_digest(EVP_PKEY *key, const uint8_t digest[CRYPTO_SHA384_LEN],
			      const uint8_t r[CRYPTO_P384_SCALAR_LEN],
			      const uint8_t s[CRYPTO_P384_SCALAR_LEN])
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r_bn = BN_bin2bn(r, CRYPTO_P384_SCALAR_LEN, NULL);
	BIGNUM *s_bn = BN_bin2bn(s, CRYPTO_P384_SCALAR_LEN, NULL);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	unsigned char *der = NULL;
	int der_len;
	int result = -1;

	if (sig == NULL || r_bn == NULL || s_bn == NULL || ECDSA_SIG_set0(sig, r_bn, s_bn) != 1) {
		BN_free(r_bn);
		BN_free(s_bn);
		goto out;
	}
	der_len = i2d_ECDSA_SIG(sig, &der);
	if (der_len > 0 && ctx != NULL && EVP_PKEY_verify_init(ctx) == 1) {
		result = EVP_PKEY_verify(ctx, der, (size_t)der_len, digest, CRYPTO_SHA384_LEN) == 1;
	}
out:
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	EVP_PKEY_CTX_free(ctx);
	return result;
}

TEST(crypto_oracle, ecdsa_cross_verifies_with_openssl)
{
	uint8_t priv[CRYPTO_P384_SCALAR_LEN];
	uint8_t pub[CRYPTO_P384_PUB_LEN];
	uint8_t their_pub[CRYPTO_P384_PUB_LEN];
	uint8_t our_pub_from_their_priv[CRYPTO_P384_PUB_LEN];
	uint8_t digest[CRYPTO_SHA384_LEN];
	uint8_t r[CRYPTO_P384_SCALAR_LEN];
	uint8_t s[CRYPTO_P384_SCALAR_LEN];
	EVP_PKEY *theirs = ossl_p384_generate();
	EVP_PKEY *our_key = NULL;

	ASSERT_TRUE(theirs != NULL);
	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	ASSERT_EQ(crypto_random(digest, sizeof(digest)), CRYPTO_OK);

	/* OpenSSL signs, we verify; and we derive the same public key from its private key. */
	ASSERT_TRUE(ossl_sign_digest(theirs, digest, r, s));
	ASSERT_TRUE(ossl_p384_public(theirs, their_pub));
	EXPECT_EQ(crypto_ecdsa_p384_verify(their_pub, digest, r, s), CRYPTO_OK);
	digest[0] ^= 1;
	EXPECT_EQ(crypto_ecdsa_p384_verify(their_pub, digest, r, s), CRYPTO_ERR_AUTH);
	digest[0] ^= 1;
	ASSERT_TRUE(ossl_p384_private(theirs, priv));
	ASSERT_EQ(crypto_ecdsa_p384_public(priv, our_pub_from_their_priv), CRYPTO_OK);
	EXPECT_MEMEQ(our_pub_from_their_priv, their_pub, sizeof(their_pub));

	/* We sign, OpenSSL verifies. */
	ASSERT_EQ(crypto_ecdsa_p384_keygen(priv, pub), CRYPTO_OK);
	ASSERT_EQ(crypto_ecdsa_p384_sign(priv, digest, r, s), CRYPTO_OK);
	our_key = ossl_p384_from_public(pub);
	EXPECT_TRUE(our_key != NULL);
	if (our_key != NULL) {
		EXPECT_EQ(ossl_verify_digest(our_key, digest, r, s), 1);
		s[10] ^= 0x40;
		EXPECT_EQ(ossl_verify_digest(our_key, digest, r, s), 0);
	}
	crypto_wipe(priv, sizeof(priv));
	EVP_PKEY_free(our_key);
	EVP_PKEY_free(theirs);
}

TEST(crypto_oracle, sha384_and_sha512_match_openssl)
{
	static uint8_t data[3000];
	uint8_t ours[CRYPTO_SHA512_LEN];
	uint8_t theirs[CRYPTO_SHA512_LEN];
	unsigned mismatches = 0;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	for (unsigned i = 0; i < 100; i++) {
		size_t len = random_below(sizeof(data) + 1);
		unsigned int n = 0;

		ASSERT_EQ(crypto_random(data, len), CRYPTO_OK);
		ASSERT_EQ(crypto_sha384(data, len, ours), CRYPTO_OK);
		ASSERT_TRUE(EVP_Digest(data, len, theirs, &n, EVP_sha384(), NULL) == 1);
		mismatches += memcmp(ours, theirs, CRYPTO_SHA384_LEN) != 0;
		ASSERT_EQ(crypto_sha512(data, len, ours), CRYPTO_OK);
		ASSERT_TRUE(EVP_Digest(data, len, theirs, &n, EVP_sha512(), NULL) == 1);
		mismatches += memcmp(ours, theirs, CRYPTO_SHA512_LEN) != 0;
	}
	EXPECT_EQ(mismatches, 0u);
}
