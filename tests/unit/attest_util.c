/* SPDX-License-Identifier: MIT */
#include "attest_util.h"

#include <mbedtls/pem.h>
#include <stddef.h>
#include <string.h>

#include "crypto/emu_psp.h"

#define PEM_HEADER "-----BEGIN CERTIFICATE-----"
#define PEM_FOOTER "-----END CERTIFICATE-----"

const struct snp_trust test_trust_real_only = {.allow_emulated = false,
					       .emulated_ark_sha384 = NULL};

struct snp_trust test_trust_with_emulated(bool allow_emulated)
{
	return (struct snp_trust){.allow_emulated = allow_emulated,
				  .emulated_ark_sha384 = emu_psp_ark_sha384()};
}

static bool read_one(const char **cursor, struct test_der *out)
{
	mbedtls_pem_context pem;
	const unsigned char *der;
	size_t used = 0;
	size_t len = 0;
	bool ok = false;

	mbedtls_pem_init(&pem);
	if (mbedtls_pem_read_buffer(&pem, PEM_HEADER, PEM_FOOTER, (const unsigned char *)*cursor,
				    NULL, 0, &used) == 0) {
		der = mbedtls_pem_get_buffer(&pem, &len);
		if (len <= sizeof(out->bytes)) {
			memcpy(out->bytes, der, len);
			out->len = len;
			*cursor += used;
			ok = true;
		}
	}
	mbedtls_pem_free(&pem);
	return ok;
}

bool test_chain_split(const uint8_t *pem, size_t len, struct test_der *first,
		      struct test_der *second)
{
	static char text[TEST_CHAIN_MAX + 1];
	const char *cursor = text;

	if (len > TEST_CHAIN_MAX) {
		return false;
	}
	memcpy(text, pem, len);
	text[len] = '\0';
	return read_one(&cursor, first) && read_one(&cursor, second);
}

bool test_chain_join(const struct test_der *certs, size_t count, struct test_pem *out)
{
	out->len = 0;
	for (size_t i = 0; i < count; i++) {
		size_t olen = 0;

		if (mbedtls_pem_write_buffer(PEM_HEADER "\n", PEM_FOOTER "\n", certs[i].bytes,
					     certs[i].len, out->text + out->len,
					     sizeof(out->text) - out->len, &olen) != 0) {
			return false;
		}
		out->len += olen - 1; /* olen counts the NUL */
	}
	return true;
}

bool test_resign_with_emulated_vcek(uint8_t report[SNP_REPORT_SIZE])
{
	uint8_t *sig = report + offsetof(struct snp_report, signature);
	uint8_t digest[CRYPTO_SHA384_LEN];
	uint8_t sig_r[CRYPTO_P384_SCALAR_LEN];
	uint8_t sig_s[CRYPTO_P384_SCALAR_LEN];

	if (crypto_sha384(report, SNP_REPORT_SIGNED_LEN, digest) != CRYPTO_OK ||
	    crypto_ecdsa_p384_sign(emu_psp_vcek_private, digest, sig_r, sig_s) != CRYPTO_OK) {
		return false;
	}
	memset(sig, 0, sizeof(struct snp_signature));
	for (size_t i = 0; i < CRYPTO_P384_SCALAR_LEN; i++) {
		sig[offsetof(struct snp_signature, r) + i] = sig_r[CRYPTO_P384_SCALAR_LEN - 1 - i];
		sig[offsetof(struct snp_signature, s) + i] = sig_s[CRYPTO_P384_SCALAR_LEN - 1 - i];
	}
	return true;
}
