/* SPDX-License-Identifier: MIT */
/*
 * How much heap mbedTLS needs in the SVSM. The SVSM gives mbedTLS only a static pool of
 * CRYPTO_HEAP_SIZE bytes (crypto_init()), so its worst workload must fit: parsing the three
 * certificates of the AMD chain (RSA-4096 ARK and ASK, P-384 VCEK), verifying that chain
 * (RSASSA-PSS SHA-384), verifying an attestation report's ECDSA P-384 signature with the VCEK key,
 * and one attested handshake's ECDH, key schedule and record keys, all live at once.
 *
 * The workload runs on the real AMD Milan material in ../shared/fixtures/snp (read at run time,
 * from $SVSM_SNP_FIXTURES when set). The test finds the smallest pool the workload fits in by
 * bisection (the allocator itself is the ruler, block headers and fragmentation included) and
 * checks the SVSM's pool is at least that big. It swaps mbedTLS's allocator, so it runs in its
 * own binary (build/tests/crypto-heap). Host-only: it reads files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"
#include "svsm/types.h"

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "mbedtls/ecp.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#define FIXTURE_MAX   8192
#define REPORT_LEN    1184
#define REPORT_SIGNED 0x2a0
#define REPORT_SIG_R  0x2a0
#define REPORT_SIG_S  0x2e8
#define PEM_BEGIN     "-----BEGIN CERTIFICATE-----"

struct fixture {
	unsigned char bytes[FIXTURE_MAX];
	size_t len;
};

static struct fixture vcek_der;
static struct fixture ask_pem; /* NUL-terminated, as mbedTLS's PEM parser wants */
static struct fixture ark_pem;
static struct fixture report;

static bool read_fixture(const char *name, struct fixture *out)
{
	const char *dir = getenv("SVSM_SNP_FIXTURES");
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "../shared/fixtures/snp", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		test_log("  cannot open %s (set SVSM_SNP_FIXTURES)\n", path);
		return false;
	}
	out->len = fread(out->bytes, 1, sizeof(out->bytes) - 1, f);
	out->bytes[out->len] = '\0';
	fclose(f);
	return out->len > 0 && out->len < sizeof(out->bytes) - 1;
}

/* milan-ask-ark.pem holds the ASK, then the ARK: split it so the ASK can sit in the chain to be
 * verified and the ARK be the only trust anchor. */
static bool split_chain(const struct fixture *both)
{
	const char *text = (const char *)both->bytes;
	const char *second = strstr(text + 1, PEM_BEGIN);
	size_t ask_len;

	if (strncmp(text, PEM_BEGIN, strlen(PEM_BEGIN)) != 0 || second == NULL) {
		return false;
	}
	ask_len = (size_t)(second - text);
	memcpy(ask_pem.bytes, text, ask_len);
	ask_pem.bytes[ask_len] = '\0';
	ask_pem.len = ask_len + 1;
	ark_pem.len = both->len - ask_len + 1;
	memcpy(ark_pem.bytes, second, ark_pem.len);
	return true;
}

static bool load_fixtures(void)
{
	static struct fixture chain;
	static bool loaded;

	if (!loaded) {
		loaded = read_fixture("milan-vcek.der", &vcek_der) &&
			 read_fixture("milan-ask-ark.pem", &chain) && split_chain(&chain) &&
			 read_fixture("milan-report.bin", &report) && report.len == REPORT_LEN;
	}
	return loaded;
}

/* The report stores R and S as 72-byte little-endian fields; P-384 uses the low 48 bytes. */
static void report_scalar_be(size_t offset, uint8_t out[CRYPTO_P384_SCALAR_LEN])
{
	for (size_t i = 0; i < CRYPTO_P384_SCALAR_LEN; i++) {
		out[i] = report.bytes[offset + CRYPTO_P384_SCALAR_LEN - 1 - i];
	}
}

#define HEAP_PROBE_MAX	((size_t)1024 * 1024)
#define HEAP_PROBE_STEP 256u

static unsigned char probe_pool[HEAP_PROBE_MAX] __attribute__((aligned(16)));

struct heap_workload {
	mbedtls_x509_crt chain; /* VCEK, then the ASK as intermediate */
	mbedtls_x509_crt root;	/* ARK */
	struct crypto_ecdh local;
	struct crypto_ecdh peer;
	struct crypto_aead records[2];
	struct crypto_session_keys keys;
};

static struct heap_workload work;

static bool parse_chain(void)
{
	return mbedtls_x509_crt_parse_der(&work.chain, vcek_der.bytes, vcek_der.len) == 0 &&
	       mbedtls_x509_crt_parse(&work.chain, ask_pem.bytes, ask_pem.len) == 0 &&
	       mbedtls_x509_crt_parse(&work.root, ark_pem.bytes, ark_pem.len) == 0;
}

static bool verify_chain(void)
{
	/* The SVSM has no clock; on the host only the signatures and CA rules matter here. */
	const uint32_t time_flags = MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE;
	uint32_t flags = 0;
	int ret = mbedtls_x509_crt_verify(&work.chain, &work.root, NULL, NULL, &flags, NULL, NULL);

	return (ret == 0 || ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) &&
	       (flags & ~time_flags) == 0;
}

static bool vcek_public_key(uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	size_t len = 0;

	return mbedtls_pk_get_type(&work.chain.pk) == MBEDTLS_PK_ECKEY &&
	       mbedtls_ecp_write_public_key(mbedtls_pk_ec(work.chain.pk),
					    MBEDTLS_ECP_PF_UNCOMPRESSED, &len, pub,
					    CRYPTO_P384_PUB_LEN) == 0 &&
	       len == CRYPTO_P384_PUB_LEN;
}

/* The real report's signature, checked with the VCEK key from the parsed certificate. */
static enum crypto_status verify_report(const uint8_t *signed_part)
{
	uint8_t pub[CRYPTO_P384_PUB_LEN];
	uint8_t digest[CRYPTO_SHA384_LEN];
	uint8_t r[CRYPTO_P384_SCALAR_LEN];
	uint8_t s[CRYPTO_P384_SCALAR_LEN];
	enum crypto_status status;

	if (!vcek_public_key(pub)) {
		return CRYPTO_ERR_INPUT;
	}
	status = crypto_sha384(signed_part, REPORT_SIGNED, digest);
	if (status != CRYPTO_OK) {
		return status;
	}
	report_scalar_be(REPORT_SIG_R, r);
	report_scalar_be(REPORT_SIG_S, s);
	return crypto_ecdsa_p384_verify(pub, digest, r, s);
}

static bool verify_report_signature(void)
{
	return verify_report(report.bytes) == CRYPTO_OK;
}

static bool handshake(void)
{
	uint8_t local_pub[CRYPTO_P384_PUB_LEN];
	uint8_t peer_pub[CRYPTO_P384_PUB_LEN];
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN] = {0};
	bool ok;

	ok = crypto_ecdh_generate(&work.local, local_pub) == CRYPTO_OK &&
	     crypto_ecdh_generate(&work.peer, peer_pub) == CRYPTO_OK &&
	     crypto_ecdh_shared(&work.local, peer_pub, secret) == CRYPTO_OK &&
	     crypto_key_schedule(secret, transcript, 1, &work.keys) == CRYPTO_OK &&
	     crypto_aead_init(&work.records[0], work.keys.source_to_target[0], 0) == CRYPTO_OK &&
	     crypto_aead_init(&work.records[1], work.keys.target_to_source[0], 0) == CRYPTO_OK;
	crypto_wipe(secret, sizeof(secret));
	return ok;
}

static bool run_workload(void)
{
	bool ok;

	mbedtls_x509_crt_init(&work.chain);
	mbedtls_x509_crt_init(&work.root);
	ok = parse_chain() && verify_chain() && verify_report_signature() && handshake();
	crypto_aead_free(&work.records[0]);
	crypto_aead_free(&work.records[1]);
	crypto_session_keys_wipe(&work.keys);
	crypto_ecdh_free(&work.local);
	crypto_ecdh_free(&work.peer);
	mbedtls_x509_crt_free(&work.chain);
	mbedtls_x509_crt_free(&work.root);
	return ok;
}

static bool workload_fits(size_t pool_len)
{
	bool ok;

	if (crypto_heap_install(probe_pool, pool_len) != CRYPTO_OK) {
		return false;
	}
	ok = run_workload();
	crypto_heap_uninstall();
	return ok;
}

/* Smallest pool (to HEAP_PROBE_STEP) that fits the workload, or 0 if even the largest does not. */
static size_t smallest_fitting_pool(void)
{
	size_t lo = HEAP_PROBE_STEP;
	size_t hi = HEAP_PROBE_MAX;

	if (!workload_fits(hi)) {
		return 0;
	}
	while (hi - lo > HEAP_PROBE_STEP) {
		size_t mid = ALIGN_DOWN((lo + hi) / 2, HEAP_PROBE_STEP);

		if (workload_fits(mid)) {
			hi = mid;
		} else {
			lo = mid;
		}
	}
	return hi;
}

TEST(crypto_heap, workload_runs_with_system_allocator)
{
	ASSERT_TRUE(load_fixtures());
	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	EXPECT_TRUE(run_workload());
}

/* A published vector for our ECDSA verify: AMD's own signature over a real report. */
TEST(crypto_heap, real_report_signature_verifies_and_tampering_is_caught)
{
	static uint8_t tampered[REPORT_LEN];

	ASSERT_TRUE(load_fixtures());
	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	mbedtls_x509_crt_init(&work.chain);
	mbedtls_x509_crt_init(&work.root);
	EXPECT_TRUE(parse_chain());
	EXPECT_TRUE(verify_chain());
	EXPECT_EQ(verify_report(report.bytes), CRYPTO_OK);
	memcpy(tampered, report.bytes, sizeof(tampered));
	tampered[0x50] ^= 1; /* REPORT_DATA */
	EXPECT_EQ(verify_report(tampered), CRYPTO_ERR_AUTH);
	mbedtls_x509_crt_free(&work.chain);
	mbedtls_x509_crt_free(&work.root);
}

TEST(crypto_heap, svsm_pool_fits_measured_peak)
{
	size_t needed;

	ASSERT_TRUE(load_fixtures());
	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	needed = smallest_fitting_pool();
	ASSERT_GT(needed, (size_t)0);
	test_log("  [heap] SVSM workload needs a %zu-byte pool; CRYPTO_HEAP_SIZE is %zu bytes\n",
		 needed, CRYPTO_HEAP_SIZE);
	EXPECT_LE(needed, CRYPTO_HEAP_SIZE);
	EXPECT_TRUE(workload_fits(CRYPTO_HEAP_SIZE));
	/* Below the measured size it must fail cleanly rather than corrupt anything. */
	EXPECT_FALSE(workload_fits(needed - HEAP_PROBE_STEP));
	EXPECT_TRUE(workload_fits(needed));
}

TEST(crypto_heap, workload_leaks_nothing)
{
	size_t needed;
	unsigned fits = 0;

	ASSERT_TRUE(load_fixtures());
	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	needed = smallest_fitting_pool();
	ASSERT_GT(needed, (size_t)0);
	/* In a pool of exactly the measured size, any block left behind by one run would make a
	 * later run fail. */
	ASSERT_EQ(crypto_heap_install(probe_pool, needed), CRYPTO_OK);
	for (unsigned i = 0; i < 3; i++) {
		fits += run_workload();
	}
	crypto_heap_uninstall();
	EXPECT_EQ(fits, 3u);
}
