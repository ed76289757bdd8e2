/* SPDX-License-Identifier: MIT */
/* SEV-SNP report verification against the real Milan material, and every way to tamper with it. */
#include <stddef.h>
#include <string.h>

#include "svsm/test.h"

#include "attest_support.h"
#include "attest_util.h"
#include "crypto/crypto_internal.h"
#include "crypto/emu_psp.h"
#include "crypto/snp_report.h"

struct milan {
	uint8_t report[SNP_REPORT_SIZE];
	struct attest_fixture vcek;
	struct attest_fixture chain;
	struct test_der ask;
	struct test_der ark;
};

static struct milan milan;

static bool load_milan(void)
{
	struct attest_fixture report;

	if (!attest_fixture_load(FIXTURE_MILAN_REPORT, &report) ||
	    !attest_fixture_load(FIXTURE_MILAN_VCEK, &milan.vcek) ||
	    !attest_fixture_load(FIXTURE_MILAN_CHAIN, &milan.chain)) {
		return false;
	}
	if (report.len != SNP_REPORT_SIZE) {
		test_fail_at(__FILE__, __LINE__, "milan report is %zu bytes", report.len);
		return false;
	}
	memcpy(milan.report, report.data, SNP_REPORT_SIZE);
	if (!test_chain_split(milan.chain.data, milan.chain.len, &milan.ask, &milan.ark)) {
		test_fail_at(__FILE__, __LINE__, "milan chain does not split into ASK and ARK");
		return false;
	}
	return true;
}

static enum snp_status verify_report_bytes(const uint8_t *report)
{
	struct snp_verified_report out;

	return snp_report_verify(report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				 milan.chain.data, milan.chain.len, &test_trust_real_only, &out);
}

static enum snp_status verify_with_chain(const uint8_t *vcek, size_t vcek_len,
					 const struct test_pem *chain)
{
	struct snp_verified_report out;

	return snp_report_verify(milan.report, SNP_REPORT_SIZE, vcek, vcek_len, chain->text,
				 chain->len, &test_trust_real_only, &out);
}

TEST(snp_report, milan_report_and_chain_are_accepted)
{
	static const uint8_t measurement_start[] = {0xb0, 0x7a, 0xf9, 0x62, 0x0f, 0x3b};
	static const uint8_t chip_id_start[] = {0x3a, 0xc3, 0xfe, 0x21, 0xe1, 0x3f, 0xb0, 0x99};
	struct snp_verified_report out;
	struct snp_tcb tcb;

	ASSERT_TRUE(load_milan());
	ASSERT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				    milan.chain.data, milan.chain.len, &test_trust_real_only, &out),
		  SNP_OK);
	EXPECT_FALSE(out.emulated);
	EXPECT_EQ(out.report.version, 2u);
	EXPECT_EQ(out.report.policy, 0xb0000ull);
	EXPECT_EQ(out.report.vmpl, 0u);
	EXPECT_MEMEQ(out.report.measurement, measurement_start, sizeof(measurement_start));
	EXPECT_MEMEQ(out.report.chip_id, chip_id_start, sizeof(chip_id_start));
	EXPECT_EQ(out.report.report_data[0], 1);
	EXPECT_EQ(out.report.report_data[4], 5);
	tcb = snp_tcb_decode(out.report.reported_tcb);
	EXPECT_EQ(tcb.bootloader, 2);
	EXPECT_EQ(tcb.tee, 0);
	EXPECT_EQ(tcb.snp, 5);
	EXPECT_EQ(tcb.microcode, 0x44);
	EXPECT_EQ(snp_tcb_encode(tcb), out.report.reported_tcb);
}

TEST(snp_report, milan_is_accepted_when_emulated_reports_are_also_allowed)
{
	struct snp_trust trust = test_trust_with_emulated(true);
	struct snp_verified_report out;

	ASSERT_TRUE(load_milan());
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				    milan.chain.data, milan.chain.len, &trust, &out),
		  SNP_OK);
	EXPECT_FALSE(out.emulated);
}

TEST(snp_report, every_bit_flip_in_the_signed_range_is_rejected)
{
	uint8_t report[SNP_REPORT_SIZE];
	unsigned accepted = 0;

	ASSERT_TRUE(load_milan());
	ASSERT_EQ(verify_report_bytes(milan.report), SNP_OK);
	for (size_t byte = 0; byte < SNP_REPORT_SIGNED_LEN; byte++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			memcpy(report, milan.report, sizeof(report));
			report[byte] ^= (uint8_t)(1u << bit);
			if (verify_report_bytes(report) == SNP_OK) {
				test_fail_at(__FILE__, __LINE__,
					     "flip of byte 0x%zx bit %u accepted", byte, bit);
				accepted++;
			}
		}
	}
	EXPECT_EQ(accepted, 0u);
}

/* R and S: the significant 48 bytes fail the signature, the zero extension fails as MBZ. */
TEST(snp_report, every_bit_flip_in_r_and_s_is_rejected)
{
	uint8_t report[SNP_REPORT_SIZE];
	const size_t sig_start = offsetof(struct snp_report, signature);

	ASSERT_TRUE(load_milan());
	for (size_t byte = 0; byte < (size_t)2 * SNP_SIG_COMPONENT_LEN; byte++) {
		size_t in_component = byte % SNP_SIG_COMPONENT_LEN;
		enum snp_status expect = in_component < SNP_SIG_SCALAR_LEN
					     ? SNP_ERR_REPORT_SIGNATURE
					     : SNP_ERR_REPORT_RESERVED;

		for (unsigned bit = 0; bit < 8; bit++) {
			memcpy(report, milan.report, sizeof(report));
			report[sig_start + byte] ^= (uint8_t)(1u << bit);
			EXPECT_EQ(verify_report_bytes(report), expect);
		}
	}
}

TEST(snp_report, signature_reserved_tail_must_be_zero)
{
	uint8_t report[SNP_REPORT_SIZE];

	ASSERT_TRUE(load_milan());
	for (size_t byte = offsetof(struct snp_report, signature.reserved); byte < SNP_REPORT_SIZE;
	     byte++) {
		memcpy(report, milan.report, sizeof(report));
		report[byte] = 0x01;
		EXPECT_EQ(verify_report_bytes(report), SNP_ERR_REPORT_RESERVED);
	}
}

TEST(snp_report, malformed_reports_give_specific_errors)
{
	uint8_t report[SNP_REPORT_SIZE];
	struct snp_report parsed;

	ASSERT_TRUE(load_milan());
	EXPECT_EQ(snp_report_parse(milan.report, SNP_REPORT_SIZE - 1, &parsed),
		  SNP_ERR_REPORT_SIZE);
	EXPECT_EQ(snp_report_parse(milan.report, SNP_REPORT_SIZE, &parsed), SNP_OK);

	memcpy(report, milan.report, sizeof(report));
	report[offsetof(struct snp_report, version)] = 1;
	EXPECT_EQ(snp_report_parse(report, SNP_REPORT_SIZE, &parsed), SNP_ERR_REPORT_VERSION);
	EXPECT_EQ(parsed.policy, 0ull); /* nothing of a rejected report is left behind */

	memcpy(report, milan.report, sizeof(report));
	report[offsetof(struct snp_report, signature_algo)] = 2;
	EXPECT_EQ(snp_report_parse(report, SNP_REPORT_SIZE, &parsed), SNP_ERR_SIGNATURE_ALGO);

	memcpy(report, milan.report, sizeof(report));
	report[offsetof(struct snp_report, key_info)] = SNP_SIGNING_KEY_VLEK
							<< SNP_KEY_INFO_SIGNING_SHIFT;
	EXPECT_EQ(snp_report_parse(report, SNP_REPORT_SIZE, &parsed), SNP_ERR_SIGNING_KEY);

	/* Version 2 reserves the CPUID bytes; version 3 defines them. */
	memcpy(report, milan.report, sizeof(report));
	report[offsetof(struct snp_report, cpuid_fam_id)] = 0x19;
	EXPECT_EQ(snp_report_parse(report, SNP_REPORT_SIZE, &parsed), SNP_ERR_REPORT_RESERVED);
	report[offsetof(struct snp_report, version)] = 3;
	EXPECT_EQ(snp_report_parse(report, SNP_REPORT_SIZE, &parsed), SNP_OK);
	EXPECT_EQ(parsed.cpuid_fam_id, 0x19);

	static const size_t mbz[] = {0x04C, 0x18B, 0x19F, 0x1EB, 0x1EF, 0x1F8, 0x207, 0x208, 0x29F};
	for (size_t i = 0; i < ARRAY_SIZE(mbz); i++) {
		memcpy(report, milan.report, sizeof(report));
		report[mbz[i]] = 0x80;
		EXPECT_EQ(snp_report_parse(report, SNP_REPORT_SIZE, &parsed),
			  SNP_ERR_REPORT_RESERVED);
	}
}

/* The extension check runs before the signature check, so these errors are specific. */
TEST(snp_report, tcb_and_hwid_mismatch_with_the_vcek_are_rejected)
{
	uint8_t report[SNP_REPORT_SIZE];
	const size_t tcb = offsetof(struct snp_report, reported_tcb);
	static const unsigned tcb_bytes[] = {SNP_TCB_BOOTLOADER_BYTE, SNP_TCB_TEE_BYTE,
					     SNP_TCB_SNP_BYTE, SNP_TCB_MICROCODE_BYTE};

	ASSERT_TRUE(load_milan());
	for (size_t i = 0; i < ARRAY_SIZE(tcb_bytes); i++) {
		memcpy(report, milan.report, sizeof(report));
		report[tcb + tcb_bytes[i]]++;
		EXPECT_EQ(verify_report_bytes(report), SNP_ERR_TCB_MISMATCH);
	}
	memcpy(report, milan.report, sizeof(report));
	report[offsetof(struct snp_report, chip_id) + 63] ^= 0x01;
	EXPECT_EQ(verify_report_bytes(report), SNP_ERR_HWID_MISMATCH);
}

/* Properly signed reports whose TCB or CHIP_ID differ from the VCEK's certificate. */
TEST(snp_report, correctly_signed_report_with_other_tcb_or_chip_is_rejected)
{
	static const uint8_t measurement[SNP_MEASUREMENT_LEN] = {1};
	static const uint8_t data[SNP_REPORT_DATA_LEN] = {2};
	uint8_t report[SNP_REPORT_SIZE];
	struct snp_trust trust = test_trust_with_emulated(true);
	struct snp_verified_report out;
	const uint8_t *vcek;
	const uint8_t *chain;
	size_t vcek_len;
	size_t chain_len;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	emu_psp_certs(&vcek, &vcek_len, &chain, &chain_len);
	ASSERT_EQ(emu_psp_report(measurement, data, 0, report), CRYPTO_OK);
	ASSERT_TRUE(test_resign_with_emulated_vcek(report));
	EXPECT_EQ(snp_report_verify(report, sizeof(report), vcek, vcek_len, chain, chain_len,
				    &trust, &out),
		  SNP_OK);

	report[offsetof(struct snp_report, reported_tcb) + SNP_TCB_SNP_BYTE]++;
	ASSERT_TRUE(test_resign_with_emulated_vcek(report));
	EXPECT_EQ(snp_report_verify(report, sizeof(report), vcek, vcek_len, chain, chain_len,
				    &trust, &out),
		  SNP_ERR_TCB_MISMATCH);

	ASSERT_EQ(emu_psp_report(measurement, data, 0, report), CRYPTO_OK);
	report[offsetof(struct snp_report, chip_id) + 40] = 'X';
	ASSERT_TRUE(test_resign_with_emulated_vcek(report));
	EXPECT_EQ(snp_report_verify(report, sizeof(report), vcek, vcek_len, chain, chain_len,
				    &trust, &out),
		  SNP_ERR_HWID_MISMATCH);
}

static void expect_tampered_der_rejected(const struct test_der *orig, size_t pos, bool tamper_ask)
{
	struct test_der certs[2] = {milan.ask, milan.ark};
	struct test_der *target = tamper_ask ? &certs[0] : &certs[1];
	struct test_pem chain;

	*target = *orig;
	target->bytes[pos] ^= 0x01;
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	if (verify_with_chain(milan.vcek.data, milan.vcek.len, &chain) == SNP_OK) {
		test_fail_at(__FILE__, __LINE__, "%s byte %zu flipped: accepted",
			     tamper_ask ? "ASK" : "ARK", pos);
	}
}

TEST(snp_report, tampered_ask_or_ark_bytes_are_rejected)
{
	struct test_pem chain;
	struct test_der certs[2];

	ASSERT_TRUE(load_milan());
	certs[0] = milan.ask;
	certs[1] = milan.ark;
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	ASSERT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain), SNP_OK);

	/* Header, issuer, key, extensions, signature algorithm, signature. */
	const size_t positions[] = {1, 20, 100, 300, 600, 900, 1100, 1300, 1400};
	for (size_t i = 0; i < ARRAY_SIZE(positions); i++) {
		if (positions[i] < milan.ask.len) {
			expect_tampered_der_rejected(&milan.ask, positions[i], true);
		}
		if (positions[i] < milan.ark.len) {
			expect_tampered_der_rejected(&milan.ark, positions[i], false);
		}
	}
	expect_tampered_der_rejected(&milan.ask, milan.ask.len - 1, true);
	expect_tampered_der_rejected(&milan.ark, milan.ark.len - 1, false);
}

TEST(snp_report, tampered_vcek_bytes_are_rejected)
{
	uint8_t vcek[TEST_CERT_MAX];
	struct snp_verified_report out;

	ASSERT_TRUE(load_milan());
	ASSERT_LE(milan.vcek.len + 1, sizeof(vcek));
	for (size_t pos = 0; pos < milan.vcek.len; pos += 7) {
		memcpy(vcek, milan.vcek.data, milan.vcek.len);
		vcek[pos] ^= 0x04;
		if (snp_report_verify(milan.report, SNP_REPORT_SIZE, vcek, milan.vcek.len,
				      milan.chain.data, milan.chain.len, &test_trust_real_only,
				      &out) == SNP_OK) {
			test_fail_at(__FILE__, __LINE__, "VCEK byte %zu flipped: accepted", pos);
		}
	}
	/* Unsigned bytes appended to the certificate. */
	memcpy(vcek, milan.vcek.data, milan.vcek.len);
	vcek[milan.vcek.len] = 0;
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, vcek, milan.vcek.len + 1,
				    milan.chain.data, milan.chain.len, &test_trust_real_only, &out),
		  SNP_ERR_VCEK_PARSE);
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, vcek, 0, milan.chain.data,
				    milan.chain.len, &test_trust_real_only, &out),
		  SNP_ERR_VCEK_PARSE);
}

TEST(snp_report, wrong_order_missing_ask_and_extra_data_are_rejected)
{
	struct test_der certs[3];
	struct test_pem chain;

	ASSERT_TRUE(load_milan());
	certs[0] = milan.ark;
	certs[1] = milan.ask;
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain),
		  SNP_ERR_ARK_UNTRUSTED);

	certs[0] = milan.ark;
	ASSERT_TRUE(test_chain_join(certs, 1, &chain));
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain), SNP_ERR_CHAIN_PARSE);

	/* ASK twice (no ARK), and ARK twice (no ASK). */
	certs[0] = milan.ask;
	certs[1] = milan.ask;
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain),
		  SNP_ERR_ARK_UNTRUSTED);
	certs[0] = milan.ark;
	certs[1] = milan.ark;
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain),
		  SNP_ERR_CHAIN_SIGNATURE);

	/* A third certificate, or text, after the ARK. */
	certs[0] = milan.ask;
	certs[1] = milan.ark;
	certs[2] = milan.ark;
	ASSERT_TRUE(test_chain_join(certs, 3, &chain));
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain), SNP_ERR_CHAIN_PARSE);
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	memcpy(chain.text + chain.len, "x\n", 2);
	chain.len += 2;
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain), SNP_ERR_CHAIN_PARSE);

	/* Text before the ASK. */
	memmove(chain.text + 2, chain.text, chain.len - 2);
	memcpy(chain.text, "x\n", 2);
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain), SNP_ERR_CHAIN_PARSE);
}

/* Another self-signed root (the emulated PSP's test ARK) in place of AMD's. */
TEST(snp_report, a_different_root_is_rejected)
{
	struct test_der emu_ask;
	struct test_der emu_ark;
	struct test_der certs[2];
	struct test_pem chain;
	struct snp_trust trust = test_trust_with_emulated(false);
	struct snp_verified_report out;
	const uint8_t *vcek;
	const uint8_t *emu_chain;
	size_t vcek_len;
	size_t emu_chain_len;

	ASSERT_TRUE(load_milan());
	emu_psp_certs(&vcek, &vcek_len, &emu_chain, &emu_chain_len);
	ASSERT_TRUE(test_chain_split(emu_chain, emu_chain_len, &emu_ask, &emu_ark));

	certs[0] = milan.ask;
	certs[1] = emu_ark;
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain),
		  SNP_ERR_ARK_UNTRUSTED);
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				    chain.text, chain.len, &trust, &out),
		  SNP_ERR_EMULATED_NOT_ALLOWED);
	EXPECT_TRUE(out.emulated);

	/* Even where the test root is allowed, it does not certify AMD's ASK. */
	trust = test_trust_with_emulated(true);
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				    chain.text, chain.len, &trust, &out),
		  SNP_ERR_CHAIN_SIGNATURE);

	/* The test ASK under AMD's ARK. */
	certs[0] = emu_ask;
	certs[1] = milan.ark;
	ASSERT_TRUE(test_chain_join(certs, 2, &chain));
	EXPECT_EQ(verify_with_chain(milan.vcek.data, milan.vcek.len, &chain),
		  SNP_ERR_CHAIN_SIGNATURE);

	/* The Milan report with the whole test chain and its VCEK. */
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, vcek, vcek_len, emu_chain,
				    emu_chain_len, &trust, &out),
		  SNP_ERR_TCB_MISMATCH);
}

TEST(snp_report, status_strings_are_distinct_and_nonempty)
{
	for (int a = SNP_OK; a <= SNP_ERR_INTERNAL; a++) {
		EXPECT_NE(strlen(snp_status_str((enum snp_status)a)), 0u);
		for (int b = a + 1; b <= SNP_ERR_INTERNAL; b++) {
			EXPECT_NE(strcmp(snp_status_str((enum snp_status)a),
					 snp_status_str((enum snp_status)b)),
				  0);
		}
	}
	EXPECT_EQ(strcmp(snp_status_str((enum snp_status)999), "unknown snp_status"), 0);
}

/* The SVSM verifies with nothing but its static mbedTLS pool: the real chain must fit in it. */
/* Host only: it swaps mbedTLS's one global heap for a pool of the SVSM's size, which inside the
 * SVSM would pull the heap out from under everything else. In the SVSM the real heap is used by
 * every other test anyway. */
#if !defined(SVSM_FREESTANDING)
TEST(snp_report, milan_verification_fits_the_svsm_heap)
{
	static uint8_t pool[CRYPTO_HEAP_SIZE] __attribute__((aligned(16)));
	struct snp_verified_report out;
	enum snp_status status;

	ASSERT_TRUE(load_milan());
	ASSERT_EQ(crypto_heap_install(pool, sizeof(pool)), CRYPTO_OK);
	status = snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				   milan.chain.data, milan.chain.len, &test_trust_real_only, &out);
	crypto_heap_uninstall();
	EXPECT_EQ(status, SNP_OK);
}
#endif

/* Hostile input: every truncation of the VCEK and many of the chain, and garbage of each kind. */
TEST(snp_report, truncated_and_garbage_certificates_are_rejected)
{
	static uint8_t garbage[SNP_CHAIN_MAX_LEN + 1];
	struct snp_verified_report out;
	uint32_t x = 0x12345678;

	ASSERT_TRUE(load_milan());
	for (size_t len = 0; len < milan.vcek.len; len++) {
		if (snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, len,
				      milan.chain.data, milan.chain.len, &test_trust_real_only,
				      &out) != SNP_ERR_VCEK_PARSE) {
			test_fail_at(__FILE__, __LINE__, "VCEK truncated to %zu not refused", len);
		}
	}
	for (size_t len = 0; len < milan.chain.len - 30; len += 13) {
		EXPECT_NE(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data,
					    milan.vcek.len, milan.chain.data, len,
					    &test_trust_real_only, &out),
			  SNP_OK);
	}
	for (size_t i = 0; i < sizeof(garbage); i++) {
		x = x * 1103515245u + 12345u;
		garbage[i] = (uint8_t)(x >> 16);
	}
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, garbage, SNP_VCEK_MAX_LEN,
				    milan.chain.data, milan.chain.len, &test_trust_real_only, &out),
		  SNP_ERR_VCEK_PARSE);
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				    garbage, SNP_CHAIN_MAX_LEN, &test_trust_real_only, &out),
		  SNP_ERR_CHAIN_PARSE);
	/* One byte over each limit. */
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, garbage, SNP_VCEK_MAX_LEN + 1,
				    milan.chain.data, milan.chain.len, &test_trust_real_only, &out),
		  SNP_ERR_VCEK_PARSE);
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				    garbage, SNP_CHAIN_MAX_LEN + 1, &test_trust_real_only, &out),
		  SNP_ERR_CHAIN_PARSE);
	/* A NUL inside the PEM text. */
	memcpy(garbage, milan.chain.data, milan.chain.len);
	garbage[milan.chain.len / 2] = '\0';
	EXPECT_EQ(snp_report_verify(milan.report, SNP_REPORT_SIZE, milan.vcek.data, milan.vcek.len,
				    garbage, milan.chain.len, &test_trust_real_only, &out),
		  SNP_ERR_CHAIN_PARSE);
}
