/* SPDX-License-Identifier: MIT */
/*
 * HKDF and the session key schedule.
 *
 * Key schedule (all HKDF-SHA-384, RFC 5869):
 *
 *   PRK = HKDF-Extract(salt = transcript hash (48 bytes), IKM = ECDH P-384 secret (48 bytes))
 *
 *   source_to_target[c] = HKDF-Expand(PRK, "svsm-migrate v1 s2t key" || BE32(c), 32)
 *   target_to_source[c] = HKDF-Expand(PRK, "svsm-migrate v1 t2s key" || BE32(c), 32)
 *   confirm_source      = HKDF-Expand(PRK, "svsm-migrate v1 confirm source", 48)
 *   confirm_target      = HKDF-Expand(PRK, "svsm-migrate v1 confirm target", 48)
 *
 * for channels c = 0 .. channels-1. The transcript is the salt so that every output depends on
 * the whole handshake (both attested public keys), not only on the shared secret; each label is
 * used for exactly one output, so no two outputs share an HKDF-Expand input. Channel slots past
 * `channels` are left zero.
 */
#include "svsm/types.h"

#include "crypto.h"
#include "crypto_internal.h"
#include "mbedtls/hkdf.h"
#include "mbedtls/md.h"

#define KS_LABEL_PREFIX "svsm-migrate v1 "
#define KS_LABEL_S2T	KS_LABEL_PREFIX "s2t key"
#define KS_LABEL_T2S	KS_LABEL_PREFIX "t2s key"
#define KS_LABEL_CONF_S KS_LABEL_PREFIX "confirm source"
#define KS_LABEL_CONF_T KS_LABEL_PREFIX "confirm target"
#define KS_MAX_INFO_LEN 64
#define HKDF_MAX_BLOCKS 255
#define SHA384_PRK_LEN	CRYPTO_SHA384_LEN

/* mbedTLS wants real pointers even for empty inputs. */
static const uint8_t empty_input[1];

static const mbedtls_md_info_t *hash_md(enum crypto_hash hash)
{
	switch (hash) {
	case CRYPTO_HASH_SHA256:
		return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	case CRYPTO_HASH_SHA384:
		return mbedtls_md_info_from_type(MBEDTLS_MD_SHA384);
	case CRYPTO_HASH_SHA512:
		return mbedtls_md_info_from_type(MBEDTLS_MD_SHA512);
	}
	return NULL;
}

static bool buffer_ok(const void *p, size_t len)
{
	return p != NULL || len == 0;
}

static const uint8_t *or_empty(const uint8_t *p)
{
	return p != NULL ? p : empty_input;
}

enum crypto_status crypto_hkdf(enum crypto_hash hash, const uint8_t *salt, size_t salt_len,
			       const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
			       size_t info_len, uint8_t *out, size_t out_len)
{
	const mbedtls_md_info_t *md = hash_md(hash);
	int ret;

	if (md == NULL) {
		return CRYPTO_ERR_INTERNAL;
	}
	if (out == NULL || out_len == 0 ||
	    out_len > HKDF_MAX_BLOCKS * (size_t)mbedtls_md_get_size(md)) {
		return CRYPTO_ERR_INPUT;
	}
	if (!buffer_ok(salt, salt_len) || !buffer_ok(ikm, ikm_len) || !buffer_ok(info, info_len)) {
		crypto_wipe(out, out_len);
		return CRYPTO_ERR_INPUT;
	}
	ret = mbedtls_hkdf(md, or_empty(salt), salt_len, or_empty(ikm), ikm_len, or_empty(info),
			   info_len, out, out_len);
	if (ret != 0) {
		crypto_wipe(out, out_len);
	}
	return crypto_from_mbedtls(ret);
}

enum crypto_status crypto_hkdf_sha384(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
				      size_t ikm_len, const uint8_t *info, size_t info_len,
				      uint8_t *out, size_t out_len)
{
	return crypto_hkdf(CRYPTO_HASH_SHA384, salt, salt_len, ikm, ikm_len, info, info_len, out,
			   out_len);
}

static int expand_label(const uint8_t prk[SHA384_PRK_LEN], const char *label, size_t label_len,
			const uint32_t *channel, uint8_t *out, size_t out_len)
{
	const mbedtls_md_info_t *md = hash_md(CRYPTO_HASH_SHA384);
	uint8_t info[KS_MAX_INFO_LEN];
	size_t info_len = label_len;

	for (size_t i = 0; i < label_len; i++) {
		info[i] = (uint8_t)label[i];
	}
	if (channel != NULL) {
		for (unsigned i = 0; i < 4; i++) {
			info[info_len++] = (uint8_t)(*channel >> (24 - 8 * i));
		}
	}
	return mbedtls_hkdf_expand(md, prk, SHA384_PRK_LEN, info, info_len, out, out_len);
}

#define EXPAND_LABEL(prk, label, channel, out)                                                     \
	expand_label((prk), (label), sizeof(label) - 1, (channel), (out), sizeof(out))

_Static_assert(sizeof(KS_LABEL_CONF_S) - 1 <= KS_MAX_INFO_LEN, "key schedule label too long");
_Static_assert(sizeof(KS_LABEL_S2T) - 1 + 4 <= KS_MAX_INFO_LEN, "key schedule label too long");

static int expand_all(const uint8_t prk[SHA384_PRK_LEN], struct crypto_session_keys *out)
{
	int ret = 0;

	for (uint32_t c = 0; c < out->channels && ret == 0; c++) {
		ret = EXPAND_LABEL(prk, KS_LABEL_S2T, &c, out->source_to_target[c]);
		if (ret == 0) {
			ret = EXPAND_LABEL(prk, KS_LABEL_T2S, &c, out->target_to_source[c]);
		}
	}
	if (ret == 0) {
		ret = EXPAND_LABEL(prk, KS_LABEL_CONF_S, NULL, out->confirm_source);
	}
	if (ret == 0) {
		ret = EXPAND_LABEL(prk, KS_LABEL_CONF_T, NULL, out->confirm_target);
	}
	return ret;
}

enum crypto_status crypto_key_schedule(const uint8_t secret[CRYPTO_ECDH_SECRET_LEN],
				       const uint8_t transcript[CRYPTO_SHA384_LEN],
				       uint32_t channels, struct crypto_session_keys *out)
{
	uint8_t prk[SHA384_PRK_LEN];
	int ret;

	crypto_wipe(out, sizeof(*out));
	if (secret == NULL || transcript == NULL || channels == 0 ||
	    channels > CRYPTO_MAX_CHANNELS) {
		return CRYPTO_ERR_INPUT;
	}
	ret = mbedtls_hkdf_extract(hash_md(CRYPTO_HASH_SHA384), transcript, CRYPTO_SHA384_LEN,
				   secret, CRYPTO_ECDH_SECRET_LEN, prk);
	if (ret == 0) {
		out->channels = channels;
		ret = expand_all(prk, out);
	}
	crypto_wipe(prk, sizeof(prk));
	if (ret != 0) {
		crypto_wipe(out, sizeof(*out));
	}
	return crypto_from_mbedtls(ret);
}

void crypto_session_keys_wipe(struct crypto_session_keys *keys)
{
	crypto_wipe(keys, sizeof(*keys));
}
