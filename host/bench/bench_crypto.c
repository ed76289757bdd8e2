/* SPDX-License-Identifier: MIT */
/*
 * bench-crypto: page-record throughput of svsm/crypto's AES-256-GCM against OpenSSL's EVP
 * AES-256-GCM and a plain memcpy, 4 KiB records on one core, about a second per measurement.
 * svsm/crypto is measured on the path crypto_aead_init() picks (x86 AES-NI/PCLMULQDQ when the
 * CPU has it) and, beside it, on the mbedTLS 3.6 fallback.
 * It reports, never asserts: the numbers depend on the machine.
 */
#include <openssl/evp.h>
#include <stdarg.h>
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
#define MEASURE_NS    1000000000ull
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

/* svsm/crypto's CHECK()s end here: the bench links no host_env.c. */
noreturn void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench-crypto: panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

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

/* Runs op in batches until about a second has passed; returns GB/s of record payload. */
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

/* The key being measured: the path crypto_aead_init() picks, then the mbedTLS fallback. */
static struct crypto_aead *ours;
static uint64_t ours_seq;

static bool ours_seal(uint64_t index)
{
	bool ok = crypto_aead_seal(ours, ++ours_seq, buf.ad, sizeof(buf.ad), buf.plaintext,
				   RECORD_LEN, buf.ciphertext, buf.tag) == CRYPTO_OK;

	sink ^= buf.tag[index % CRYPTO_AEAD_TAG_LEN];
	return ok;
}

/* Opens the record sealed last, again and again: open does not depend on the sequence order. */
static bool ours_open(uint64_t index)
{
	bool ok = crypto_aead_open(ours, ours_seq, buf.ad, sizeof(buf.ad), buf.ciphertext,
				   RECORD_LEN, buf.opened, buf.tag) == CRYPTO_OK;

	sink ^= buf.opened[index % RECORD_LEN];
	return ok;
}

struct our_result {
	const char *seal_label;
	const char *open_label;
	double seal;
	double open;
};

static void measure_ours(struct crypto_aead *aead, struct our_result *r)
{
	bool x86 = crypto_aead_impl_of(aead) == CRYPTO_AEAD_IMPL_X86;

	ours = aead;
	ours_seq = 0;
	r->seal_label = x86 ? "svsm/crypto seal (x86 AES-NI)" : "svsm/crypto seal (mbedTLS 3.6)";
	r->open_label = x86 ? "svsm/crypto open (x86 AES-NI)" : "svsm/crypto open (mbedTLS 3.6)";
	r->seal = measure(ours_seal);
	r->open = measure(ours_open);
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

static struct crypto_aead picked;   /* crypto_aead_init(): what svsm-migrate runs on */
static struct crypto_aead fallback; /* forced mbedTLS, for comparison */

static void setup(void)
{
	if (crypto_init() != CRYPTO_OK) {
		die("crypto_init failed (no RDSEED/RDRAND?)");
	}
	if (crypto_random(&buf, sizeof(buf)) != CRYPTO_OK) {
		die("crypto_random failed");
	}
	if (crypto_aead_init(&picked, buf.key, 1) != CRYPTO_OK ||
	    crypto_aead_init_impl(&fallback, buf.key, 1, CRYPTO_AEAD_IMPL_MBEDTLS) != CRYPTO_OK) {
		die("crypto_aead_init failed");
	}
	ossl_setup();
}

int main(void)
{
	bool x86 = false;
	struct our_result in_use;
	struct our_result mbed;
	double ossl_seal_gbps;
	double ossl_open_gbps;
	double copy;

	setup();
	x86 = crypto_aead_impl_of(&picked) == CRYPTO_AEAD_IMPL_X86;
	measure_ours(&picked, &in_use);
	if (x86) {
		measure_ours(&fallback, &mbed);
	}
	ossl_seal_gbps = measure(ossl_seal);
	ossl_sealed_index = 0;
	if (!ossl_seal(ossl_sealed_index)) {
		die("OpenSSL seal for the open benchmark failed");
	}
	ossl_open_gbps = measure(ossl_open);
	copy = measure(copy_record);

	printf("bench-crypto: AES-256-GCM, %d-byte records with %zu bytes of AD, one core, ~1 s "
	       "each\n",
	       RECORD_LEN, sizeof(buf.ad));
	printf("path in use (crypto_aead_init): %s\n",
	       x86 ? "x86 (AES-NI + PCLMULQDQ, svsm/crypto/gcm_x86.c)"
		   : "mbedTLS 3.6 (this CPU lacks AES-NI, PCLMULQDQ or SSSE3)");
	print_row(in_use.seal_label, in_use.seal, ossl_seal_gbps);
	print_row(in_use.open_label, in_use.open, ossl_open_gbps);
	if (x86) {
		print_row("  fallback seal (mbedTLS 3.6)", mbed.seal, ossl_seal_gbps);
		print_row("  fallback open (mbedTLS 3.6)", mbed.open, ossl_open_gbps);
	}
	print_row("OpenSSL EVP seal", ossl_seal_gbps, ossl_seal_gbps);
	print_row("OpenSSL EVP open", ossl_open_gbps, ossl_open_gbps);
	print_row("memcpy (4 KiB)", copy, 0);
	if (x86) {
		printf("x86 path vs mbedTLS fallback: seal %.1fx, open %.1fx\n",
		       in_use.seal / mbed.seal, in_use.open / mbed.open);
	}
	print_aesni_status();
	printf("team goal >= 1.0x OpenSSL: seal %s (%.2fx), open %s (%.2fx)\n",
	       in_use.seal >= ossl_seal_gbps ? "met" : "NOT met", in_use.seal / ossl_seal_gbps,
	       in_use.open >= ossl_open_gbps ? "met" : "NOT met", in_use.open / ossl_open_gbps);

	crypto_aead_free(&picked);
	crypto_aead_free(&fallback);
	EVP_CIPHER_CTX_free(ossl_enc);
	EVP_CIPHER_CTX_free(ossl_dec);
	return 0;
}
