/* SPDX-License-Identifier: MIT */
/* Shared between the svsm/crypto sources and their tests; not part of the crypto API. */
#ifndef SVSM_CRYPTO_INTERNAL_H
#define SVSM_CRYPTO_INTERNAL_H

#include "crypto.h"

/* True between a successful crypto_init() and crypto_shutdown(). */
bool crypto_drbg_ready(void);

/* mbedTLS-style RNG callback drawing from our DRBG (p_rng unused). Fails before crypto_init(). */
int crypto_drbg_rng(void *p_rng, unsigned char *out, size_t len);

/* Maps an mbedTLS error code to our status (0 -> CRYPTO_OK). */
enum crypto_status crypto_from_mbedtls(int ret);

/* True when [a, a+a_len) and [b, b+b_len) share a byte. */
bool crypto_ranges_overlap(const void *a, size_t a_len, const void *b, size_t b_len);

/*
 * The AES-256-GCM implementations behind crypto_aead_*. crypto_aead_init() takes AUTO: the x86
 * path (gcm_x86.c) when the CPU has AES-NI, PCLMULQDQ and SSSE3, mbedTLS otherwise. Tests and the
 * bench name one to compare them; X86 fails with CRYPTO_ERR_INPUT on a CPU without it.
 */
enum crypto_aead_impl {
	CRYPTO_AEAD_IMPL_AUTO = 0,
	CRYPTO_AEAD_IMPL_X86,
	CRYPTO_AEAD_IMPL_MBEDTLS,
};
enum crypto_status crypto_aead_init_impl(struct crypto_aead *aead,
					 const uint8_t key[CRYPTO_AEAD_KEY_LEN], uint32_t channel,
					 enum crypto_aead_impl impl);
/* What a ready context runs on (X86 or MBEDTLS); AUTO for a freed or failed one. */
enum crypto_aead_impl crypto_aead_impl_of(const struct crypto_aead *aead);
/* True when this CPU can run the x86 path (probed once). */
bool crypto_aead_x86_available(void);

enum crypto_hash {
	CRYPTO_HASH_SHA256,
	CRYPTO_HASH_SHA384,
	CRYPTO_HASH_SHA512,
};

/* HKDF (RFC 5869) over any of our hashes; crypto_hkdf_sha384() is this with SHA-384. Exposed so
 * that the RFC's own SHA-256 vectors can check it. out is zeroed on failure. */
enum crypto_status crypto_hkdf(enum crypto_hash hash, const uint8_t *salt, size_t salt_len,
			       const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
			       size_t info_len, uint8_t *out, size_t out_len);

/*
 * Routes every mbedTLS allocation to the pool (mbedTLS's buffer allocator). The SVSM's
 * crypto_init() does this with its own static pool; the host heap test does it with pools of
 * varying size to measure what the SVSM's workload needs. Returns CRYPTO_ERR_NOT_READY when
 * mbedTLS was built without MBEDTLS_MEMORY_BUFFER_ALLOC_C.
 */
enum crypto_status crypto_heap_install(void *pool, size_t len);
/* Detaches the pool again (host tests only: everything allocated from it must be freed). */
void crypto_heap_uninstall(void);

/*
 * Size of the SVSM's static mbedTLS pool. build/tests/crypto-heap measures what the worst SVSM
 * workload needs (AMD Milan chain parsed and verified, report signature, one handshake): 23 KiB
 * with mbedTLS 3.6.6 and our config. 64 KiB leaves room for a second session or larger
 * certificates; the test fails if the need ever outgrows the pool.
 */
#define CRYPTO_HEAP_SIZE ((size_t)64 * 1024)

#endif
