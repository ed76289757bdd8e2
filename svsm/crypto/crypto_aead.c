/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM records with nonce = channel (BE32) || sequence (BE64).
 *
 * Nonce safety lives here, not with the caller: a seal key remembers the last sequence it used
 * and refuses anything not strictly greater. The sequence is consumed before encryption starts,
 * so even a seal that fails half-way never lets the same nonce be used twice.
 *
 * Two implementations, chosen per key at init: gcm_x86.c (AES-NI and PCLMULQDQ, several times
 * faster) whenever the CPU has the instructions, mbedTLS otherwise. Both give identical records.
 */
#include "svsm/types.h"

#include "crypto.h"
#include "crypto_internal.h"
#include "gcm_x86.h"
#include "mbedtls/gcm.h"

_Static_assert(sizeof(mbedtls_gcm_context) <= sizeof(((struct crypto_aead *)0)->opaque),
	       "crypto_aead.opaque too small for mbedtls_gcm_context");
_Static_assert(_Alignof(mbedtls_gcm_context) <= _Alignof(uint64_t),
	       "mbedtls_gcm_context needs more than 8-byte alignment");
_Static_assert(sizeof(struct gcm_x86_key) <= sizeof(((struct crypto_aead *)0)->opaque),
	       "crypto_aead.opaque too small for gcm_x86_key");
_Static_assert(_Alignof(struct gcm_x86_key) <= _Alignof(uint64_t),
	       "gcm_x86_key needs more than 8-byte alignment");
_Static_assert(CRYPTO_AEAD_KEY_LEN == GCM_X86_KEY_LEN && CRYPTO_AEAD_TAG_LEN == GCM_X86_TAG_LEN,
	       "gcm_x86 sizes match the API");

#define AEAD_KEY_BITS (CRYPTO_AEAD_KEY_LEN * 8)
/* NIST SP 800-38D: at most 2^39 - 256 bits of plaintext per record, which is exactly what gcm_x86
 * takes (GCM_X86_MAX_LEN), so it takes every record we accept. */
#define AEAD_MAX_RECORD GCM_X86_MAX_LEN

static mbedtls_gcm_context *gcm_of(struct crypto_aead *aead)
{
	return (mbedtls_gcm_context *)aead->opaque;
}

static struct gcm_x86_key *x86_of(struct crypto_aead *aead)
{
	return (struct gcm_x86_key *)aead->opaque;
}

bool crypto_aead_x86_available(void)
{
	return gcm_x86_supported();
}

void crypto_aead_nonce(uint32_t channel, uint64_t seq, uint8_t nonce[CRYPTO_AEAD_NONCE_LEN])
{
	for (unsigned i = 0; i < 4; i++) {
		nonce[i] = (uint8_t)(channel >> (24 - 8 * i));
	}
	for (unsigned i = 0; i < 8; i++) {
		nonce[4 + i] = (uint8_t)(seq >> (56 - 8 * i));
	}
}

enum crypto_status crypto_aead_init_impl(struct crypto_aead *aead,
					 const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint32_t channel,
					 enum crypto_aead_impl impl)
{
	int ret;

	crypto_wipe(aead, sizeof(*aead));
	if (key == NULL) {
		return CRYPTO_ERR_INPUT;
	}
	if (impl == CRYPTO_AEAD_IMPL_AUTO) {
		impl = gcm_x86_supported() ? CRYPTO_AEAD_IMPL_X86 : CRYPTO_AEAD_IMPL_MBEDTLS;
	}
	switch (impl) {
	case CRYPTO_AEAD_IMPL_X86:
		if (!gcm_x86_supported()) {
			return CRYPTO_ERR_INPUT;
		}
		gcm_x86_setkey(x86_of(aead), key);
		aead->x86 = true;
		break;
	case CRYPTO_AEAD_IMPL_MBEDTLS:
		mbedtls_gcm_init(gcm_of(aead));
		ret = mbedtls_gcm_setkey(gcm_of(aead), MBEDTLS_CIPHER_ID_AES, key, AEAD_KEY_BITS);
		if (ret != 0) {
			mbedtls_gcm_free(gcm_of(aead));
			crypto_wipe(aead, sizeof(*aead));
			return crypto_from_mbedtls(ret);
		}
		break;
	default:
		return CRYPTO_ERR_INPUT;
	}
	aead->channel = channel;
	aead->ready = true;
	return CRYPTO_OK;
}

enum crypto_status crypto_aead_init(struct crypto_aead *aead,
				    const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint32_t channel)
{
	return crypto_aead_init_impl(aead, key, channel, CRYPTO_AEAD_IMPL_AUTO);
}

enum crypto_aead_impl crypto_aead_impl_of(const struct crypto_aead *aead)
{
	if (!aead->ready) {
		return CRYPTO_AEAD_IMPL_AUTO;
	}
	return aead->x86 ? CRYPTO_AEAD_IMPL_X86 : CRYPTO_AEAD_IMPL_MBEDTLS;
}

void crypto_aead_free(struct crypto_aead *aead)
{
	if (aead->ready && !aead->x86) {
		mbedtls_gcm_free(gcm_of(aead));
	}
	crypto_wipe(aead, sizeof(*aead));
}

/* Input and output may be the same buffer (in place) but must not partly overlap. */
static enum crypto_status check_record(const struct crypto_aead *aead, const void *ad,
				       size_t ad_len, const void *in, size_t len, const void *out,
				       const void *tag)
{
	if (!aead->ready) {
		return CRYPTO_ERR_NOT_READY;
	}
	if ((ad == NULL && ad_len != 0) || (len != 0 && (in == NULL || out == NULL)) ||
	    tag == NULL) {
		return CRYPTO_ERR_INPUT;
	}
	if (len > AEAD_MAX_RECORD || ad_len > AEAD_MAX_RECORD) {
		return CRYPTO_ERR_INPUT;
	}
	if (in != out && crypto_ranges_overlap(in, len, out, len)) {
		return CRYPTO_ERR_INPUT;
	}
	return CRYPTO_OK;
}

enum crypto_status crypto_aead_seal(struct crypto_aead *aead, uint64_t seq, const void *ad,
				    size_t ad_len, const void *plaintext, size_t len,
				    void *ciphertext, uint8_t tag[CRYPTO_AEAD_TAG_LEN])
{
	uint8_t nonce[CRYPTO_AEAD_NONCE_LEN];
	enum crypto_status status;
	int ret;

	status = check_record(aead, ad, ad_len, plaintext, len, ciphertext, tag);
	if (status != CRYPTO_OK) {
		return status;
	}
	if (aead->has_sealed && seq <= aead->last_seq) {
		return CRYPTO_ERR_NONCE;
	}
	aead->has_sealed = true;
	aead->last_seq = seq;
	crypto_aead_nonce(aead->channel, seq, nonce);
	if (aead->x86) {
		gcm_x86_seal(x86_of(aead), nonce, sizeof(nonce), ad, ad_len, plaintext, len,
			     ciphertext, tag);
		return CRYPTO_OK;
	}
	ret =
	    mbedtls_gcm_crypt_and_tag(gcm_of(aead), MBEDTLS_GCM_ENCRYPT, len, nonce, sizeof(nonce),
				      ad, ad_len, plaintext, ciphertext, CRYPTO_AEAD_TAG_LEN, tag);
	if (ret != 0) {
		crypto_wipe(ciphertext, len);
		crypto_wipe(tag, CRYPTO_AEAD_TAG_LEN);
	}
	return crypto_from_mbedtls(ret);
}

enum crypto_status crypto_aead_open(struct crypto_aead *aead, uint64_t seq, const void *ad,
				    size_t ad_len, const void *ciphertext, size_t len,
				    void *plaintext, const uint8_t tag[CRYPTO_AEAD_TAG_LEN])
{
	uint8_t nonce[CRYPTO_AEAD_NONCE_LEN];
	enum crypto_status status;
	int ret;

	status = check_record(aead, ad, ad_len, ciphertext, len, plaintext, tag);
	if (status != CRYPTO_OK) {
		return status;
	}
	crypto_aead_nonce(aead->channel, seq, nonce);
	if (aead->x86) {
		/* gcm_x86_open() zeroes the output itself when the tag does not verify. */
		return gcm_x86_open(x86_of(aead), nonce, sizeof(nonce), ad, ad_len, ciphertext, len,
				    plaintext, tag)
			   ? CRYPTO_OK
			   : CRYPTO_ERR_AUTH;
	}
	ret = mbedtls_gcm_auth_decrypt(gcm_of(aead), len, nonce, sizeof(nonce), ad, ad_len, tag,
				       CRYPTO_AEAD_TAG_LEN, ciphertext, plaintext);
	if (ret != 0) {
		crypto_wipe(plaintext, len);
	}
	return crypto_from_mbedtls(ret);
}
