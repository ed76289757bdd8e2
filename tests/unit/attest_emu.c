/* SPDX-License-Identifier: MIT */
/* The emulated PSP: exact SNP layout, and a round trip through the same verifier as AMD's. */
#include <stddef.h>
#include <string.h>

#include "svsm/test.h"

#include "attest_util.h"
#include "crypto/emu_psp.h"
#include "crypto/snp_report.h"

struct emu_material {
	const uint8_t *vcek;
	size_t vcek_len;
	const uint8_t *chain;
	size_t chain_len;
};

static struct emu_material emu_material(void)
{
	struct emu_material m;

	emu_psp_certs(&m.vcek, &m.vcek_len, &m.chain, &m.chain_len);
	return m;
}

static void sample_inputs(uint8_t measurement[SNP_MEASUREMENT_LEN],
			  uint8_t data[SNP_REPORT_DATA_LEN])
{
	for (size_t i = 0; i < SNP_MEASUREMENT_LEN; i++) {
		measurement[i] = (uint8_t)(0x40 + i);
	}
	for (size_t i = 0; i < SNP_REPORT_DATA_LEN; i++) {
		data[i] = (uint8_t)(0x90 ^ i);
	}
}

TEST(emu_psp, report_round_trips_through_the_real_verifier)
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];
	struct emu_material m = emu_material();
	struct snp_trust trust = test_trust_with_emulated(true);
	struct snp_verified_report out;
	struct snp_tcb tcb;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	sample_inputs(measurement, data);
	ASSERT_EQ(emu_psp_report(measurement, data, 0, report), CRYPTO_OK);
	ASSERT_EQ(snp_report_verify(report, sizeof(report), m.vcek, m.vcek_len, m.chain,
				    m.chain_len, &trust, &out),
		  SNP_OK);
	EXPECT_TRUE(out.emulated);
	EXPECT_MEMEQ(out.report.measurement, measurement, sizeof(measurement));
	EXPECT_MEMEQ(out.report.report_data, data, sizeof(data));
	EXPECT_EQ(out.report.vmpl, 0u);
	EXPECT_EQ(out.report.version, EMU_PSP_REPORT_VERSION);
	EXPECT_EQ(out.report.policy, 0x30000ull);
	EXPECT_EQ(out.report.policy & SNP_POLICY_DEBUG, 0ull);
	EXPECT_EQ(out.report.signature_algo, SNP_SIGNATURE_ALGO_ECDSA384);
	EXPECT_TRUE(snp_chip_id_is_emulated(out.report.chip_id));
	EXPECT_MEMEQ(out.report.chip_id, "EMULATED-PSP: PROVES NOTHING", 28);
	tcb = snp_tcb_decode(out.report.reported_tcb);
	EXPECT_EQ(tcb.bootloader, EMU_PSP_TCB_BOOTLOADER);
	EXPECT_EQ(tcb.snp, EMU_PSP_TCB_SNP);
	EXPECT_EQ(tcb.microcode, EMU_PSP_TCB_MICROCODE);
	EXPECT_EQ(out.report.current_tcb, out.report.reported_tcb);
}

/* The layout is the hardware's: fields sit at the offsets of SNP ABI table 21. */
TEST(emu_psp, report_fields_sit_at_the_abi_offsets)
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	sample_inputs(measurement, data);
	ASSERT_EQ(emu_psp_report(measurement, data, 1, report), CRYPTO_OK);
	EXPECT_EQ(report[0x000], 2);
	EXPECT_EQ(report[0x008], 0x00);
	EXPECT_EQ(report[0x00A], 0x03);
	EXPECT_EQ(report[0x030], 1); /* VMPL */
	EXPECT_EQ(report[0x034], 1); /* SIGNATURE_ALGO */
	EXPECT_MEMEQ(report + 0x050, data, sizeof(data));
	EXPECT_MEMEQ(report + 0x090, measurement, sizeof(measurement));
	EXPECT_EQ(report[0x180], EMU_PSP_TCB_BOOTLOADER);
	EXPECT_EQ(report[0x186], EMU_PSP_TCB_SNP);
	EXPECT_EQ(report[0x187], EMU_PSP_TCB_MICROCODE);
	EXPECT_MEMEQ(report + 0x1A0, "EMULATED-PSP", 12);
	/* R and S are 48 significant bytes, zero-extended to 72. */
	for (size_t i = 48; i < 72; i++) {
		EXPECT_EQ(report[0x2A0 + i], 0);
		EXPECT_EQ(report[0x2E8 + i], 0);
	}
}

TEST(emu_psp, the_caller_vmpl_is_reported_and_bad_vmpl_refused)
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];
	struct emu_material m = emu_material();
	struct snp_trust trust = test_trust_with_emulated(true);
	struct snp_verified_report out;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	sample_inputs(measurement, data);
	ASSERT_EQ(emu_psp_report(measurement, data, 3, report), CRYPTO_OK);
	ASSERT_EQ(snp_report_verify(report, sizeof(report), m.vcek, m.vcek_len, m.chain,
				    m.chain_len, &trust, &out),
		  SNP_OK);
	EXPECT_EQ(out.report.vmpl, 3u);
	report[0] = 0x55;
	EXPECT_EQ(emu_psp_report(measurement, data, 4, report), CRYPTO_ERR_INPUT);
	EXPECT_EQ(report[0], 0);
}

TEST(emu_psp, emulated_reports_need_explicit_permission)
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];
	struct emu_material m = emu_material();
	struct snp_trust not_allowed = test_trust_with_emulated(false);
	struct snp_verified_report out;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	sample_inputs(measurement, data);
	ASSERT_EQ(emu_psp_report(measurement, data, 0, report), CRYPTO_OK);
	EXPECT_EQ(snp_report_verify(report, sizeof(report), m.vcek, m.vcek_len, m.chain,
				    m.chain_len, &not_allowed, &out),
		  SNP_ERR_EMULATED_NOT_ALLOWED);
	EXPECT_TRUE(out.emulated);
	EXPECT_EQ(out.report.version, 0u);
	/* Where no test root is known at all (the snp platform), it is just an unknown root. */
	EXPECT_EQ(snp_report_verify(report, sizeof(report), m.vcek, m.vcek_len, m.chain,
				    m.chain_len, &test_trust_real_only, &out),
		  SNP_ERR_ARK_UNTRUSTED);
	EXPECT_FALSE(out.emulated);
}

TEST(emu_psp, bit_flips_in_emulated_reports_are_rejected_too)
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t good[SNP_REPORT_SIZE];
	uint8_t report[SNP_REPORT_SIZE];
	struct emu_material m = emu_material();
	struct snp_trust trust = test_trust_with_emulated(true);
	struct snp_verified_report out;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	sample_inputs(measurement, data);
	ASSERT_EQ(emu_psp_report(measurement, data, 0, good), CRYPTO_OK);
	for (size_t byte = 0; byte < SNP_REPORT_SIGNED_LEN + 2 * SNP_SIG_COMPONENT_LEN; byte += 5) {
		memcpy(report, good, sizeof(report));
		report[byte] ^= 0x10;
		if (snp_report_verify(report, sizeof(report), m.vcek, m.vcek_len, m.chain,
				      m.chain_len, &trust, &out) == SNP_OK) {
			test_fail_at(__FILE__, __LINE__, "flip at 0x%zx accepted", byte);
		}
	}
}

static bool contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t len)
{
	for (size_t i = 0; i + len <= hay_len; i++) {
		if (memcmp(hay + i, needle, len) == 0) {
			return true;
		}
	}
	return false;
}

TEST(emu_psp, test_chain_is_rsa_pss_like_amds_and_pinned_by_hash)
{
	struct emu_material m = emu_material();
	struct test_der ask;
	struct test_der ark;
	uint8_t digest[CRYPTO_SHA384_LEN];
	/* id-RSASSA-PSS, as in AMD's chain. */
	static const uint8_t pss_oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					  0xf7, 0x0d, 0x01, 0x01, 0x0a};

	ASSERT_TRUE(test_chain_split(m.chain, m.chain_len, &ask, &ark));
	ASSERT_EQ(crypto_sha384(ark.bytes, ark.len, digest), CRYPTO_OK);
	EXPECT_MEMEQ(digest, emu_psp_ark_sha384(), sizeof(digest));
	EXPECT_NE(memcmp(digest, snp_milan_ark_sha384, sizeof(digest)), 0);
	EXPECT_TRUE(contains(ask.bytes, ask.len, pss_oid, sizeof(pss_oid)));
	EXPECT_TRUE(contains(m.vcek, m.vcek_len, pss_oid, sizeof(pss_oid)));
}

/* No trusted time in the SVSM: the host build, which has a clock, must not check dates either. */
TEST(emu_psp, certificate_validity_dates_are_not_checked)
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];
	struct emu_material m = emu_material();
	struct snp_trust trust = test_trust_with_emulated(true);
	struct snp_verified_report out;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	sample_inputs(measurement, data);
	ASSERT_EQ(emu_psp_report(measurement, data, 0, report), CRYPTO_OK);
	EXPECT_EQ(snp_report_verify(report, sizeof(report), emu_test_vcek_expired_der,
				    emu_test_vcek_expired_der_len, m.chain, m.chain_len, &trust,
				    &out),
		  SNP_OK);
	EXPECT_EQ(snp_report_verify(report, sizeof(report), emu_test_vcek_future_der,
				    emu_test_vcek_future_der_len, m.chain, m.chain_len, &trust,
				    &out),
		  SNP_OK);
	EXPECT_NE(memcmp(emu_test_vcek_expired_der, m.vcek, MIN(m.vcek_len, (size_t)200)), 0);
}

/* mbedTLS accepts whatever PSS parameters a certificate names; the verifier pins AMD's. */
TEST(emu_psp, only_amd_pss_parameters_are_accepted)
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];
	struct emu_material m = emu_material();
	struct snp_trust trust = test_trust_with_emulated(true);
	struct snp_verified_report out;

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	sample_inputs(measurement, data);
	ASSERT_EQ(emu_psp_report(measurement, data, 0, report), CRYPTO_OK);
	EXPECT_EQ(snp_report_verify(report, sizeof(report), emu_test_vcek_salt32_der,
				    emu_test_vcek_salt32_der_len, m.chain, m.chain_len, &trust,
				    &out),
		  SNP_ERR_CHAIN_ALGORITHM);
	/* The same parameters without the (default) trailer field are the same algorithm. */
	EXPECT_EQ(snp_report_verify(report, sizeof(report), emu_test_vcek_no_trailer_der,
				    emu_test_vcek_no_trailer_der_len, m.chain, m.chain_len, &trust,
				    &out),
		  SNP_OK);
}
