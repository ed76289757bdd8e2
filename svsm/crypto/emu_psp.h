/* SPDX-License-Identifier: MIT */
/*
 * The emulated PSP of the qemu and hosted platforms: it issues ATTESTATION_REPORTs in the exact
 * SNP layout, signed with a TEST-ONLY VCEK under a TEST-ONLY chain (test ARK -> test ASK -> test
 * VCEK, RSASSA-PSS SHA-384 like AMD's), so that real and emulated reports take the same
 * verification path. Its keys are generated at build time from a fixed, public seed: anybody can
 * forge its reports. It proves that the code path works, never that a peer is trustworthy.
 * It does not exist on the snp platform.
 */
#ifndef SVSM_CRYPTO_EMU_PSP_H
#define SVSM_CRYPTO_EMU_PSP_H

#include "crypto.h"
#include "snp/report.h"
#include "snp_report.h"

/* What the emulated PSP reports about its "platform"; the test VCEK certifies the same TCB. */
#define EMU_PSP_TCB_BOOTLOADER 3
#define EMU_PSP_TCB_TEE	       0
#define EMU_PSP_TCB_SNP	       8
#define EMU_PSP_TCB_MICROCODE  0x73
#define EMU_PSP_GUEST_POLICY   0x30000ULL /* SMT allowed, reserved bit 17, debug off */
#define EMU_PSP_REPORT_VERSION 2U

/* CHIP_ID of the emulated PSP: SNP_EMULATED_CHIP_ID_MARKER, zero padded. Inline so that the
 * build-time generator puts the same value in the test VCEK's hwID. */
static inline void emu_psp_chip_id(uint8_t chip_id[SNP_CHIP_ID_LEN])
{
	static const char marker[] = SNP_EMULATED_CHIP_ID_MARKER;

	for (size_t i = 0; i < SNP_CHIP_ID_LEN; i++) {
		chip_id[i] = i < sizeof(marker) - 1 ? (uint8_t)marker[i] : 0;
	}
}

uint64_t emu_psp_tcb_version(void);

/*
 * Issues a report for the caller at vmpl with the given launch digest (on the qemu platform the
 * digest `igvm measure` computed, read from LAYOUT_EMU_MEASUREMENT_GPA) and REPORT_DATA.
 */
enum crypto_status emu_psp_report(const uint8_t measurement[SNP_MEASUREMENT_LEN],
				  const uint8_t report_data[SNP_REPORT_DATA_LEN], uint32_t vmpl,
				  uint8_t report[SNP_REPORT_SIZE]);

/* The test VCEK (DER) and the test ASK + ARK chain (PEM, ASK first, like AMD KDS). */
void emu_psp_certs(const uint8_t **vcek_der, size_t *vcek_len, const uint8_t **chain_pem,
		   size_t *chain_len);

/* SHA-384 of the test ARK (DER), for struct snp_trust. */
const uint8_t *emu_psp_ark_sha384(void);

/* Generated at build time (build/attest/emu_keys.c) by `svsm-attest-gen gen-test-chain`. */
extern const uint8_t emu_psp_vcek_private[CRYPTO_P384_SCALAR_LEN];
extern const uint8_t emu_psp_vcek_der[];
extern const size_t emu_psp_vcek_der_len;
extern const char emu_psp_chain_pem[];
extern const size_t emu_psp_chain_pem_len;
extern const uint8_t emu_psp_test_ark_sha384[CRYPTO_SHA384_LEN];

#endif
