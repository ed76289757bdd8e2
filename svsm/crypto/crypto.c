/* SPDX-License-Identifier: MIT */
/*
 * svsm/crypto core: the DRBG, the mbedTLS heap of the SVSM, hashes and small helpers. The same
 * source builds for the SVSM (SVSM_FREESTANDING) and for the host.
 *
 * Concurrency: the DRBG is shared by every caller and guarded by a spinlock (host tests run
 * threads as vCPUs). Everything else works on caller-owned contexts.
 */
#include "crypto.h"

#include "svsm/plat.h"

#include "crypto_internal.h"
#include "mbedtls/bignum.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/gcm.h"
#include "mbedtls/hkdf.h"
#include "mbedtls/md.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha512.h"

#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
#include "mbedtls/memory_buffer_alloc.h"
#endif

#if !defined(SVSM_FREESTANDING)
#include <stdlib.h>
#endif

#if defined(SVSM_FREESTANDING) && !defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
#error "the SVSM build needs MBEDTLS_MEMORY_BUFFER_ALLOC_C: mbedTLS may only use our static pool"
#endif

_Static_assert(sizeof(mbedtls_sha512_context) <= sizeof(((struct crypto_sha384_ctx *)0)->opaque),
	       "crypto_sha384_ctx.opaque too small for mbedtls_sha512_context");
_Static_assert(_Alignof(mbedtls_sha512_context) <= _Alignof(uint64_t),
	       "mbedtls_sha512_context needs more than 8-byte alignment");

static const char drbg_personalization[] = "svsm-migrate ctr-drbg v1";

static mbedtls_ctr_drbg_context drbg;
static bool drbg_ready;
static int drbg_lock_word;

#if defined(SVSM_FREESTANDING)
static unsigned char svsm_heap_pool[CRYPTO_HEAP_SIZE] __attribute__((aligned(16)));
static bool svsm_heap_installed;
#endif

static void drbg_lock(void)
{
	while (__atomic_exchange_n(&drbg_lock_word, 1, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(&drbg_lock_word, __ATOMIC_RELAXED) != 0) {
			__asm__ volatile("pause" ::: "memory");
		}
	}
}

static void drbg_unlock(void)
{
	__atomic_store_n(&drbg_lock_word, 0, __ATOMIC_RELEASE);
}

const char *crypto_status_str(enum crypto_status status)
{
	switch (status) {
	case CRYPTO_OK:
		return "ok";
	case CRYPTO_ERR_AUTH:
		return "authentication failed (tag, signature or key confirmation)";
	case CRYPTO_ERR_INPUT:
		return "malformed input (length, encoding or point not on the curve)";
	case CRYPTO_ERR_NONCE:
		return "sequence number not strictly increasing or exhausted: retire the key";
	case CRYPTO_ERR_ENTROPY:
		return "hardware entropy source failed after bounded retries";
	case CRYPTO_ERR_NOT_READY:
		return "crypto not initialised (crypto_init missing or failed) or context freed";
	case CRYPTO_ERR_INTERNAL:
		return "internal crypto failure (e.g. out of crypto heap)";
	}
	return "unknown crypto status";
}

enum crypto_status crypto_from_mbedtls(int ret)
{
	switch (ret) {
	case 0:
		return CRYPTO_OK;
	case MBEDTLS_ERR_GCM_AUTH_FAILED:
	case MBEDTLS_ERR_ECP_VERIFY_FAILED:
		return CRYPTO_ERR_AUTH;
	case MBEDTLS_ERR_GCM_BAD_INPUT:
	case MBEDTLS_ERR_ECP_BAD_INPUT_DATA:
	case MBEDTLS_ERR_ECP_INVALID_KEY:
	case MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE:
	case MBEDTLS_ERR_MPI_BAD_INPUT_DATA:
	case MBEDTLS_ERR_HKDF_BAD_INPUT_DATA:
	case MBEDTLS_ERR_MD_BAD_INPUT_DATA:
		return CRYPTO_ERR_INPUT;
	case MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED:
	case MBEDTLS_ERR_ECP_RANDOM_FAILED:
		return CRYPTO_ERR_ENTROPY;
	default:
		return CRYPTO_ERR_INTERNAL;
	}
}

bool crypto_ranges_overlap(const void *a, size_t a_len, const void *b, size_t b_len)
{
	uintptr_t a_start = (uintptr_t)a;
	uintptr_t b_start = (uintptr_t)b;

	if (a_len == 0 || b_len == 0) {
		return false;
	}
	return a_start < b_start + b_len && b_start < a_start + a_len;
}

void crypto_wipe(void *p, size_t len)
{
	mbedtls_platform_zeroize(p, len);
}

bool crypto_ct_equal(const void *a, const void *b, size_t len)
{
	return mbedtls_ct_memcmp(a, b, len) == 0;
}

/* --- mbedTLS heap -------------------------------------------------------------------------- */

#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
enum crypto_status crypto_heap_install(void *pool, size_t len)
{
	if (pool == NULL || len == 0) {
		return CRYPTO_ERR_INPUT;
	}
	mbedtls_memory_buffer_alloc_init(pool, len);
	return CRYPTO_OK;
}

void crypto_heap_uninstall(void)
{
	mbedtls_memory_buffer_alloc_free();
#if !defined(SVSM_FREESTANDING)
	mbedtls_platform_set_calloc_free(calloc, free);
#endif
}
#else
enum crypto_status crypto_heap_install(void *pool, size_t len)
{
	return CRYPTO_ERR_NOT_READY;
}

void crypto_heap_uninstall(void)
{
}
#endif

#if defined(SVSM_FREESTANDING)
static void svsm_heap_install_once(void)
{
	if (svsm_heap_installed) {
		return;
	}
	crypto_heap_install(svsm_heap_pool, sizeof(svsm_heap_pool));
	svsm_heap_installed = true;
}
#else
static void svsm_heap_install_once(void)
{
}
#endif

/* --- DRBG ---------------------------------------------------------------------------------- */

static int drbg_entropy(void *unused, unsigned char *buf, size_t len)
{
	(void)unused;
	return plat_get_entropy(buf, len) == PLAT_OK ? 0
						     : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

static enum crypto_status drbg_seed_locked(void)
{
	int ret;

	mbedtls_ctr_drbg_init(&drbg);
	ret = mbedtls_ctr_drbg_seed(&drbg, drbg_entropy, NULL,
				    (const unsigned char *)drbg_personalization,
				    sizeof(drbg_personalization) - 1);
	if (ret != 0) {
		mbedtls_ctr_drbg_free(&drbg);
		return crypto_from_mbedtls(ret);
	}
	drbg_ready = true;
	return CRYPTO_OK;
}

enum crypto_status crypto_init(void)
{
	enum crypto_status status = CRYPTO_OK;

	drbg_lock();
	svsm_heap_install_once();
	if (!drbg_ready) {
		status = drbg_seed_locked();
	}
	drbg_unlock();
	return status;
}

void crypto_shutdown(void)
{
	drbg_lock();
	if (drbg_ready) {
		mbedtls_ctr_drbg_free(&drbg);
		drbg_ready = false;
	}
	drbg_unlock();
}

/* Callers hold the lock. mbedTLS caps one DRBG request, so long outputs go in chunks. */
static int drbg_generate_locked(unsigned char *out, size_t len)
{
	while (len > 0) {
		size_t chunk = MIN(len, (size_t)MBEDTLS_CTR_DRBG_MAX_REQUEST);
		int ret = mbedtls_ctr_drbg_random(&drbg, out, chunk);

		if (ret != 0) {
			return ret;
		}
		out += chunk;
		len -= chunk;
	}
	return 0;
}

bool crypto_drbg_ready(void)
{
	bool ready;

	drbg_lock();
	ready = drbg_ready;
	drbg_unlock();
	return ready;
}

int crypto_drbg_rng(void *p_rng, unsigned char *out, size_t len)
{
	int ret = MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;

	(void)p_rng;
	drbg_lock();
	if (drbg_ready) {
		ret = drbg_generate_locked(out, len);
	}
	drbg_unlock();
	return ret;
}

enum crypto_status crypto_random(void *out, size_t len)
{
	enum crypto_status status = CRYPTO_ERR_NOT_READY;

	if (out == NULL && len != 0) {
		return CRYPTO_ERR_INPUT;
	}
	drbg_lock();
	if (drbg_ready) {
		status = crypto_from_mbedtls(drbg_generate_locked(out, len));
	}
	drbg_unlock();
	if (status != CRYPTO_OK) {
		crypto_wipe(out, len);
	}
	return status;
}

/* --- Hashes -------------------------------------------------------------------------------- */

static mbedtls_sha512_context *sha384_ctx(struct crypto_sha384_ctx *ctx)
{
	return (mbedtls_sha512_context *)ctx->opaque;
}

enum crypto_status crypto_sha384(const void *data, size_t len, uint8_t out[CRYPTO_SHA384_LEN])
{
	if (data == NULL && len != 0) {
		return CRYPTO_ERR_INPUT;
	}
	return crypto_from_mbedtls(mbedtls_sha512(data, len, out, 1));
}

enum crypto_status crypto_sha512(const void *data, size_t len, uint8_t out[CRYPTO_SHA512_LEN])
{
	if (data == NULL && len != 0) {
		return CRYPTO_ERR_INPUT;
	}
	return crypto_from_mbedtls(mbedtls_sha512(data, len, out, 0));
}

enum crypto_status crypto_sha384_start(struct crypto_sha384_ctx *ctx)
{
	int ret;

	mbedtls_sha512_init(sha384_ctx(ctx));
	ret = mbedtls_sha512_starts(sha384_ctx(ctx), 1);
	if (ret != 0) {
		mbedtls_sha512_free(sha384_ctx(ctx));
	}
	return crypto_from_mbedtls(ret);
}

enum crypto_status crypto_sha384_update(struct crypto_sha384_ctx *ctx, const void *data, size_t len)
{
	if (data == NULL && len != 0) {
		return CRYPTO_ERR_INPUT;
	}
	return crypto_from_mbedtls(mbedtls_sha512_update(sha384_ctx(ctx), data, len));
}

/* Always releases the context, so a transcript hash never lingers in memory. */
enum crypto_status crypto_sha384_finish(struct crypto_sha384_ctx *ctx,
					uint8_t out[CRYPTO_SHA384_LEN])
{
	int ret = mbedtls_sha512_finish(sha384_ctx(ctx), out);

	mbedtls_sha512_free(sha384_ctx(ctx));
	crypto_wipe(ctx, sizeof(*ctx));
	return crypto_from_mbedtls(ret);
}
