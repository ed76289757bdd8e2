/* SPDX-License-Identifier: MIT */
/* Helpers shared by the attestation tests: certificate surgery and re-signing with test keys. */
#ifndef TESTS_UNIT_ATTEST_UTIL_H
#define TESTS_UNIT_ATTEST_UTIL_H

#include "crypto/snp_report.h"

#define TEST_CERT_MAX  4096
#define TEST_CHAIN_MAX 12288

struct test_der {
	uint8_t bytes[TEST_CERT_MAX];
	size_t len;
};

struct test_pem {
	uint8_t text[TEST_CHAIN_MAX];
	size_t len;
};

/* Splits a PEM chain into its first two certificates (DER). */
bool test_chain_split(const uint8_t *pem, size_t len, struct test_der *first,
		      struct test_der *second);
/* Joins certificates (in order) into a PEM chain; count may be 1 or 2. */
bool test_chain_join(const struct test_der *certs, size_t count, struct test_pem *out);

/* Signs report[0:0x2A0] with the emulated PSP's TEST-ONLY VCEK key (R, S little-endian). */
bool test_resign_with_emulated_vcek(uint8_t report[SNP_REPORT_SIZE]);

/* Generated with the test chain (build/attest/emu_test_certs.c): the test VCEK's key and
 * extensions under the test ASK, certified for 2000-2001 (expired), for 2098-2099 (not yet
 * valid), signed with PSS salt 32 instead of 48, and without the explicit trailer field. */
extern const uint8_t emu_test_vcek_expired_der[];
extern const size_t emu_test_vcek_expired_der_len;
extern const uint8_t emu_test_vcek_future_der[];
extern const size_t emu_test_vcek_future_der_len;
extern const uint8_t emu_test_vcek_salt32_der[];
extern const size_t emu_test_vcek_salt32_der_len;
extern const uint8_t emu_test_vcek_no_trailer_der[];
extern const size_t emu_test_vcek_no_trailer_der_len;

/* The trust configurations the tests use. */
extern const struct snp_trust test_trust_real_only;
struct snp_trust test_trust_with_emulated(bool allow_emulated);

#endif
