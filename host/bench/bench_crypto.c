/* SPDX-License-Identifier: MIT */
/*
 * bench-crypto: page-record throughput of svsm/crypto's AES-256-GCM against OpenSSL's EVP
 * AES-256-GCM and a plain memcpy, 4 KiB records on one core. Each operation is measured in
 * ROUNDS slices of ~0.2 s, the operations taking turns, and the best slice counts: on a shared
 * machine a ratio of two numbers taken minutes apart would say more about the load than the code.
 * svsm/crypto is measured on the path crypto_aead_init() picks (x86 AES-NI/PCLMULQDQ when the
 * CPU has it) and, beside it, on the mbedTLS 3.6 fallback.
 * It reports, never asserts: the numbers depend on the machine.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svsm/check.h"
#include "svsm/plat.h"

#include "arch/x86/entropy.h"
#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "mbedtls/build_info.h"

#define RECORD_LEN    4096
#define BATCH	      256
#define MEASURE_NS    200000000ull /* per slice */
#define ROUNDS	      5
#define NS_PER_SECOND 1000000000.0

/*
 * mbedTLS keeps its AES-NI probe in a private header (library/aesni.h) that is not installed; the
 * function itself is exported from libmbedcrypto.a when MBEDTLS_AESNI_C is built for x86-64.
 * The two bit values are the CPUID bits that header uses.
 */
#if defined(MBEDTLS_AESNI_C) && !defined(MBEDTLS_AES_USE_HARDWARE_ONLY)
#define BENCH_AESNI_PROBE 1
int mbedtls_aesni_has_support(unsigned int what);
#define BENCH_AESNI_AES	  0x02000000u
#define BENCH_AESNI_CLMUL 0x00000002u
#endif

struct bench_buffers {
	uint8_t key[CRYPTO_AEAD_KEY_LEN];
	uint8_t ad[24];
	uint8_t plaintext[RECORD_LEN];
	uint8_t ciphertext[RECORD_LEN];
	uint8_t opened[RECORD_LEN];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
};

static struct bench_buffers buf;
static volatile uint8_t sink;

/* The bench has no platform under it: entropy straight from the CPU. */
enum plat_status plat_get_entropy(void *out, size_t len)
{
	return x86_entropy_get(out, len) == X86_ENTROPY_OK ? PLAT_OK : PLAT_ERR_ENTROPY;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-crypto: %s\n", what);
	exit(1);
}

/* One measured operation on one record; returns false on failure. */
typedef bool (*record_op)(uint64_t index);

/* Runs op in batches for one slice; returns GB/s of record payload. */
static double measure(record_op op)
{
	uint64_t start = now_ns();
	uint64_t elapsed = 0;
	uint64_t records = 0;

	while (elapsed < MEASURE_NS) {
		for (unsigned i = 0; i < BATCH; i++) {
			if (!op(records + i)) {
				die("record operation failed during measurement");
			}
		}
		records += BATCH;
		elapsed = now_ns() - start;
	}
	return (double)records * RECORD_LEN / ((double)elapsed / NS_PER_SECOND) / 1e9;
}

/* --- svsm/crypto --------------------------------------------------------------------------- */

/* A key and its last sealed sequence: the path crypto_aead_init() picks, and mbedTLS forced. */
struct bench_key {
	struct crypto_aead aead;
	uint64_t seq;
};

static struct bench_key picked;
static struct bench_key fallback;
static struct bench_key *ours;

static bool ours_seal(uint64_t index)
{
	bool ok = crypto_aead_seal(&ours->aead, ++ours->seq, buf.ad, sizeof(buf.ad), buf.plaintext,
				   RECORD_LEN, buf.ciphertext, buf.tag) == CRYPTO_OK;

	sink ^= buf.tag[index % CRYPTO_AEAD_TAG_LEN];
	return ok;
}

/* Opens the record sealed last, again and again: open does not depend on the sequence order. */
static bool ours_open(uint64_t index)
{
	bool ok = crypto_aead_open(&ours->aead, ours->seq, buf.ad, sizeof(buf.ad), buf.ciphertext,
				   RECORD_LEN, buf.opened, buf.tag) == CRYPTO_OK;

	sink ^= buf.opened[index % RECORD_LEN];
	return ok;
}

/* --- OpenSSL ------------------------------------------------------------------------------- */

static EVP_CIPHER_CTX *ossl_enc;
static EVP_CIPHER_CTX *ossl_dec;

static bool ossl_seal(uint64_t index)
{
	uint8_t nonce[CRYPTO_AEAD_NONCE_LEN];
	int n = 0;
	int tail = 0;
	bool ok;

	crypto_aead_nonce(1, index, nonce);
	ok = EVP_EncryptInit_ex(ossl_enc, NULL, NULL, NULL, nonce) == 1 &&
	     EVP_EncryptUpdate(ossl_enc, NULL, &n, buf.ad, sizeof(buf.ad)) == 1 &&
	     EVP_EncryptUpdate(ossl_enc, buf.ciphertext, &n, buf.plaintext, RECORD_LEN) == 1 &&
	     EVP_EncryptFinal_ex(ossl_enc, buf.ciphertext + n, &tail) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ossl_enc, EVP_CTRL_GCM_GET_TAG, CRYPTO_AEAD_TAG_LEN, buf.tag) == 1;
	sink ^= buf.tag[index % CRYPTO_AEAD_TAG_LEN];
	return ok;
}

static uint64_t ossl_sealed_index;

static bool ossl_open(uint64_t index)
{
	uint8_t nonce[CRYPTO_AEAD_NONCE_LEN];
	int n = 0;
	int tail = 0;
	bool ok;

	crypto_aead_nonce(1, ossl_sealed_index, nonce);
	ok = EVP_DecryptInit_ex(ossl_dec, NULL, NULL, NULL, nonce) == 1 &&
	     EVP_DecryptUpdate(ossl_dec, NULL, &n, buf.ad, sizeof(buf.ad)) == 1 &&
	     EVP_DecryptUpdate(ossl_dec, buf.opened, &n, buf.ciphertext, RECORD_LEN) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ossl_dec, EVP_CTRL_GCM_SET_TAG, CRYPTO_AEAD_TAG_LEN, buf.tag) ==
		 1 &&
	     EVP_DecryptFinal_ex(ossl_dec, buf.opened + n, &tail) == 1;
	sink ^= buf.opened[index % RECORD_LEN];
	return ok;
}

static void ossl_setup(void)
{
	ossl_enc = EVP_CIPHER_CTX_new();
	ossl_dec = EVP_CIPHER_CTX_new();
	if (ossl_enc == NULL || ossl_dec == NULL ||
	    EVP_EncryptInit_ex(ossl_enc, EVP_aes_256_gcm(), NULL, buf.key, NULL) != 1 ||
	    EVP_DecryptInit_ex(ossl_dec, EVP_aes_256_gcm(), NULL, buf.key, NULL) != 1) {
		die("OpenSSL AES-256-GCM setup failed");
	}
}

/* --- memcpy -------------------------------------------------------------------------------- */

static bool copy_record(uint64_t index)
{
	memcpy(buf.opened, buf.plaintext, RECORD_LEN);
	__asm__ volatile("" : : "r"(buf.opened) : "memory");
	sink ^= buf.opened[index % RECORD_LEN];
	return true;
}

/* --- Report -------------------------------------------------------------------------------- */

static void print_aesni_status(void)
{
#if defined(BENCH_AESNI_PROBE)
	bool aes = mbedtls_aesni_has_support(BENCH_AESNI_AES) != 0;
	bool clmul = mbedtls_aesni_has_support(BENCH_AESNI_CLMUL) != 0;

	printf("mbedTLS (fallback) AES-NI: MBEDTLS_AESNI_C built in; mbedtls_aesni_has_support: "
	       "AES %s, "
	       "PCLMULQDQ %s -> %s\n",
	       aes ? "yes" : "no", clmul ? "yes" : "no",
	       aes && clmul ? "hardware AES and GHASH in use" : "software fallback in use");
#elif defined(MBEDTLS_AESNI_C)
	printf("mbedTLS (fallback) AES-NI: built with MBEDTLS_AES_USE_HARDWARE_ONLY: hardware AES "
	       "always\n");
#else
	printf(
	    "mbedTLS (fallback) AES-NI: not built in (MBEDTLS_AESNI_C undefined): software AES\n");
#endif
}

static void print_row(const char *name, double gbps, double reference)
{
	if (reference > 0) {
		printf("  %-34s %8.2f GB/s   %5.2fx OpenSSL\n", name, gbps, gbps / reference);
	} else {
		printf("  %-34s %8.2f GB/s\n", name, gbps);
	}
}

static void setup(void)
{
	if (crypto_init() != CRYPTO_OK) {
		die("crypto_init failed (no RDSEED/RDRAND?)");
	}
	if (crypto_random(&buf, sizeof(buf)) != CRYPTO_OK) {
		die("crypto_random failed");
	}
	if (crypto_aead_init(&picked.aead, buf.key, 1) != CRYPTO_OK ||
	    crypto_aead_init_impl(&fallback.aead, buf.key, 1, CRYPTO_AEAD_IMPL_MBEDTLS) !=
		CRYPTO_OK) {
		die("crypto_aead_init failed");
	}
	ossl_setup();
}

enum bench_op {
	OP_SEAL,
	OP_OPEN,
	OP_FALLBACK_SEAL,
	OP_FALLBACK_OPEN,
	OP_OSSL_SEAL,
	OP_OSSL_OPEN,
	OP_COPY,
	OP_COUNT,
};

/* One slice of op; each open follows the seal of the same key, so it has a record to open. */
static double measure_op(enum bench_op op)
{
	switch (op) {
	case OP_SEAL:
	case OP_OPEN:
		ours = &picked;
		return measure(op == OP_SEAL ? ours_seal : ours_open);
	case OP_FALLBACK_SEAL:
	case OP_FALLBACK_OPEN:
		ours = &fallback;
		return measure(op == OP_FALLBACK_SEAL ? ours_seal : ours_open);
	case OP_OSSL_SEAL:
		return measure(ossl_seal);
	case OP_OSSL_OPEN:
		ossl_sealed_index = 0;
		if (!ossl_seal(ossl_sealed_index)) {
			die("OpenSSL seal for the open benchmark failed");
		}
		return measure(ossl_open);
	case OP_COPY:
	default:
		return measure(copy_record);
	}
}

int main(void)
{
	double best[OP_COUNT] = {0};
	bool x86;

	setup();
	x86 = crypto_aead_impl_of(&picked.aead) == CRYPTO_AEAD_IMPL_X86;
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned op = 0; op < OP_COUNT; op++) {
			/* Without the x86 path, the picked key is the mbedTLS one already. */
			if (!x86 && (op == OP_FALLBACK_SEAL || op == OP_FALLBACK_OPEN)) {
				continue;
			}
			double gbps = measure_op((enum bench_op)op);

			best[op] = gbps > best[op] ? gbps : best[op];
		}
	}

	printf("bench-crypto: AES-256-GCM, %d-byte records with %zu bytes of AD, one core, best of "
	       "%d interleaved %.1f s slices\n",
	       RECORD_LEN, sizeof(buf.ad), ROUNDS, (double)MEASURE_NS / NS_PER_SECOND);
	printf("path in use (crypto_aead_init): %s\n",
	       x86 ? "x86 (AES-NI + PCLMULQDQ, svsm/crypto/gcm_x86.c)"
		   : "mbedTLS 3.6 (this CPU lacks AES-NI, PCLMULQDQ or SSSE3)");
	print_row(x86 ? "svsm/crypto seal (x86 AES-NI)" : "svsm/crypto seal (mbedTLS 3.6)",
		  best[OP_SEAL], best[OP_OSSL_SEAL]);
	print_row(x86 ? "svsm/crypto open (x86 AES-NI)" : "svsm/crypto open (mbedTLS 3.6)",
		  best[OP_OPEN], best[OP_OSSL_OPEN]);
	if (x86) {
		print_row("  fallback seal (mbedTLS 3.6)", best[OP_FALLBACK_SEAL],
			  best[OP_OSSL_SEAL]);
		print_row("  fallback open (mbedTLS 3.6)", best[OP_FALLBACK_OPEN],
			  best[OP_OSSL_OPEN]);
	}
	print_row("OpenSSL EVP seal", best[OP_OSSL_SEAL], best[OP_OSSL_SEAL]);
	print_row("OpenSSL EVP open", best[OP_OSSL_OPEN], best[OP_OSSL_OPEN]);
	print_row("memcpy (4 KiB)", best[OP_COPY], 0);
	if (x86) {
		printf("x86 path vs mbedTLS fallback: seal %.1fx, open %.1fx\n",
		       best[OP_SEAL] / best[OP_FALLBACK_SEAL],
		       best[OP_OPEN] / best[OP_FALLBACK_OPEN]);
	}
	print_aesni_status();
	printf("team goal >= 1.0x OpenSSL: seal %s (%.2fx), open %s (%.2fx)\n",
	       best[OP_SEAL] >= best[OP_OSSL_SEAL] ? "met" : "NOT met",
	       best[OP_SEAL] / best[OP_OSSL_SEAL],
	       best[OP_OPEN] >= best[OP_OSSL_OPEN] ? "met" : "NOT met",
	       best[OP_OPEN] / best[OP_OSSL_OPEN]);

	crypto_aead_free(&picked.aead);
	crypto_aead_free(&fallback.aead);
	EVP_CIPHER_CTX_free(ossl_enc);
	EVP_CIPHER_CTX_free(ossl_dec);
	return 0;
}
