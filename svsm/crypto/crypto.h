/* SPDX-License-Identifier: MIT */
/*
 * svsm/crypto: the only crypto API the rest of svsm-migrate uses. Same source in the SVSM
 * (freestanding mbedTLS, static heap) and on the host (hosted mbedTLS). Every function returns a
 * crypto_status; secrets are wiped on every exit path.
 */
#ifndef SVSM_CRYPTO_H
#define SVSM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum crypto_status {
	CRYPTO_OK = 0,
	CRYPTO_ERR_AUTH,  /* tag, signature or key confirmation does not verify */
	CRYPTO_ERR_INPUT, /* malformed input (length, encoding, point not on curve) */
	CRYPTO_ERR_NONCE, /* sequence not strictly increasing, or exhausted: key must be retired */
	CRYPTO_ERR_ENTROPY,   /* RDSEED/RDRAND failed after bounded retries */
	CRYPTO_ERR_NOT_READY, /* crypto_init() not called or failed */
	CRYPTO_ERR_INTERNAL,  /* mbedTLS failure that input cannot explain (e.g. out of heap) */
};

const char *crypto_status_str(enum crypto_status status);

/* Seeds the DRBG from the platform entropy source. Must succeed before any key is made. */
enum crypto_status crypto_init(void);
/* Wipes the DRBG state; crypto_init() must run again before the next key is made. */
void crypto_shutdown(void);
enum crypto_status crypto_random(void *out, size_t len);
/* Zeroes memory in a way the compiler cannot elide. */
void crypto_wipe(void *p, size_t len);
/* Constant-time comparison (time depends on len only), for MACs and key-confirmation values. */
bool crypto_ct_equal(const void *a, const void *b, size_t len);

/* Hashes. */
#define CRYPTO_SHA384_LEN 48
#define CRYPTO_SHA512_LEN 64
enum crypto_status crypto_sha384(const void *data, size_t len, uint8_t out[CRYPTO_SHA384_LEN]);
enum crypto_status crypto_sha512(const void *data, size_t len, uint8_t out[CRYPTO_SHA512_LEN]);

struct crypto_sha384_ctx {
	/* An mbedtls_sha512_context (216 bytes in 3.6); the size is checked in crypto.c. */
	uint64_t opaque[32];
};
/* finish() always releases and wipes the context, whatever it returns. */
enum crypto_status crypto_sha384_start(struct crypto_sha384_ctx *ctx);
enum crypto_status crypto_sha384_update(struct crypto_sha384_ctx *ctx, const void *data,
					size_t len);
enum crypto_status crypto_sha384_finish(struct crypto_sha384_ctx *ctx,
					uint8_t out[CRYPTO_SHA384_LEN]);

/* HKDF-SHA-384 (RFC 5869). */
enum crypto_status crypto_hkdf_sha384(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
				      size_t ikm_len, const uint8_t *info, size_t info_len,
				      uint8_t *out, size_t out_len);

/* AES-256-GCM records. The 96-bit nonce is channel (4 bytes BE) || sequence (8 bytes BE). A seal
 * key refuses a sequence that is not strictly greater than the last one it sealed, so a nonce
 * never repeats under one key; a refused seal leaves the caller's buffers untouched. open() writes
 * plaintext only when the tag verifies; on failure the output buffer is zeroed (in place too).
 * Input and output may be the same buffer but must not otherwise overlap (CRYPTO_ERR_INPUT).
 * init() does not free a previous key: call free() first when reusing a context. */
#define CRYPTO_AEAD_KEY_LEN   32
#define CRYPTO_AEAD_TAG_LEN   16
#define CRYPTO_AEAD_NONCE_LEN 12

struct crypto_aead {
	/* The expanded key of the implementation in use: AES-NI/PCLMULQDQ round keys and powers of
	 * H (432 bytes, gcm_x86.h) or an mbedtls_gcm_context (400 bytes in 3.6) on CPUs without
	 * those instructions; the sizes are checked in crypto_aead.c. */
	uint64_t opaque[64];
	uint32_t channel;
	bool ready; /* set by init, cleared by free: seal/open on a freed key fail cleanly */
	bool has_sealed;
	bool x86; /* opaque holds a struct gcm_x86_key, not an mbedTLS context */
	uint64_t last_seq;
};
enum crypto_status crypto_aead_init(struct crypto_aead *aead,
				    const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint32_t channel);
void crypto_aead_free(struct crypto_aead *aead);
void crypto_aead_nonce(uint32_t channel, uint64_t seq, uint8_t nonce[CRYPTO_AEAD_NONCE_LEN]);
enum crypto_status crypto_aead_seal(struct crypto_aead *aead, uint64_t seq, const void *ad,
				    size_t ad_len, const void *plaintext, size_t len,
				    void *ciphertext, uint8_t tag[CRYPTO_AEAD_TAG_LEN]);
enum crypto_status crypto_aead_open(struct crypto_aead *aead, uint64_t seq, const void *ad,
				    size_t ad_len, const void *ciphertext, size_t len,
				    void *plaintext, const uint8_t tag[CRYPTO_AEAD_TAG_LEN]);

/* ECDH on P-384 with ephemeral keys. Public keys are uncompressed SEC1 points (0x04 || X || Y).
 * shared() refuses a peer key that is not a point on the curve (CRYPTO_ERR_INPUT) and zeroes the
 * secret on any failure. generate() starts a fresh pair: free() the old one first. */
#define CRYPTO_P384_PUB_LEN    97
#define CRYPTO_P384_SCALAR_LEN 48
#define CRYPTO_ECDH_SECRET_LEN 48

struct crypto_ecdh {
	/* mbedTLS group, scalar and point (256 bytes in 3.6); the size is checked in crypto_ecc.c.
	 */
	uint64_t opaque[48];
	bool ready;
};
enum crypto_status crypto_ecdh_generate(struct crypto_ecdh *kp, uint8_t pub[CRYPTO_P384_PUB_LEN]);
enum crypto_status crypto_ecdh_shared(struct crypto_ecdh *kp,
				      const uint8_t peer_pub[CRYPTO_P384_PUB_LEN],
				      uint8_t secret[CRYPTO_ECDH_SECRET_LEN]);
void crypto_ecdh_free(struct crypto_ecdh *kp); /* wipes the private scalar */

/* ECDSA P-384 over a SHA-384 digest; r and s are 48-byte big-endian scalars. */
enum crypto_status crypto_ecdsa_p384_verify(const uint8_t pub[CRYPTO_P384_PUB_LEN],
					    const uint8_t digest[CRYPTO_SHA384_LEN],
					    const uint8_t r[CRYPTO_P384_SCALAR_LEN],
					    const uint8_t s[CRYPTO_P384_SCALAR_LEN]);
/* A fresh P-384 signing key pair (for the emulated PSP and tests). */
enum crypto_status crypto_ecdsa_p384_keygen(uint8_t priv[CRYPTO_P384_SCALAR_LEN],
					    uint8_t pub[CRYPTO_P384_PUB_LEN]);
/* The public key of a private scalar; CRYPTO_ERR_INPUT unless 1 <= priv < n. */
enum crypto_status crypto_ecdsa_p384_public(const uint8_t priv[CRYPTO_P384_SCALAR_LEN],
					    uint8_t pub[CRYPTO_P384_PUB_LEN]);
enum crypto_status crypto_ecdsa_p384_sign(const uint8_t priv[CRYPTO_P384_SCALAR_LEN],
					  const uint8_t digest[CRYPTO_SHA384_LEN],
					  uint8_t r[CRYPTO_P384_SCALAR_LEN],
					  uint8_t s[CRYPTO_P384_SCALAR_LEN]);

/* Session key schedule: from the ECDH secret and the handshake transcript hash, distinct keys per
 * direction and per channel, plus a key-confirmation value for each role (compare those with
 * crypto_ct_equal). The HKDF labels are documented in crypto_kdf.c. */
#define CRYPTO_MAX_CHANNELS 16
enum crypto_role { CRYPTO_ROLE_SOURCE = 0, CRYPTO_ROLE_TARGET = 1 };

struct crypto_session_keys {
	uint32_t channels;
	uint8_t source_to_target[CRYPTO_MAX_CHANNELS][CRYPTO_AEAD_KEY_LEN];
	uint8_t target_to_source[CRYPTO_MAX_CHANNELS][CRYPTO_AEAD_KEY_LEN];
	uint8_t confirm_source[CRYPTO_SHA384_LEN];
	uint8_t confirm_target[CRYPTO_SHA384_LEN];
};
enum crypto_status crypto_key_schedule(const uint8_t secret[CRYPTO_ECDH_SECRET_LEN],
				       const uint8_t transcript[CRYPTO_SHA384_LEN],
				       uint32_t channels, struct crypto_session_keys *out);
void crypto_session_keys_wipe(struct crypto_session_keys *keys);

#endif
