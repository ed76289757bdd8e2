/* SPDX-License-Identifier: MIT */
/* The emulated PSP (see emu_psp.h): TEST-ONLY keys, reports that prove nothing. */
#if defined(SVSM_PLAT_SNP)
#error "the emulated PSP signs with public test keys and must never be built for the snp platform"
#endif

#include "emu_psp.h"

#include <string.h>

#include "svsm/log.h"

uint64_t emu_psp_tcb_version(void)
{
	return snp_tcb_encode((struct snp_tcb){
	    .bootloader = EMU_PSP_TCB_BOOTLOADER,
	    .tee = EMU_PSP_TCB_TEE,
	    .snp = EMU_PSP_TCB_SNP,
	    .microcode = EMU_PSP_TCB_MICROCODE,
	});
}

static void fill_platform_fields(struct snp_report *r)
{
	uint64_t tcb = emu_psp_tcb_version();

	r->version = EMU_PSP_REPORT_VERSION;
	r->policy = EMU_PSP_GUEST_POLICY;
	r->signature_algo = SNP_SIGNATURE_ALGO_ECDSA384;
	r->current_tcb = tcb;
	r->reported_tcb = tcb;
	r->committed_tcb = tcb;
	r->launch_tcb = tcb;
	r->platform_info = SNP_PLATFORM_SMT_EN;
	r->key_info = SNP_SIGNING_KEY_VCEK << SNP_KEY_INFO_SIGNING_SHIFT;
	r->current_version = (struct snp_fw_version){.build = 0, .minor = 55, .major = 1};
	r->committed_version = r->current_version;
	/* No migration agent: firmware reports all ones. */
	memset(r->report_id_ma, 0xFF, sizeof(r->report_id_ma));
	emu_psp_chip_id(r->chip_id);
}

/* REPORT_ID is constant per guest on real hardware; derive it from the launch digest. */
static enum crypto_status fill_report_id(struct snp_report *r)
{
	uint8_t digest[CRYPTO_SHA384_LEN];
	enum crypto_status status;

	status = crypto_sha384(r->measurement, sizeof(r->measurement), digest);
	if (status == CRYPTO_OK) {
		memcpy(r->report_id, digest, sizeof(r->report_id));
	}
	return status;
}

/* R and S go into the report little-endian, zero-extended to 72 bytes. */
static void be_scalar_to_le(const uint8_t be[CRYPTO_P384_SCALAR_LEN],
			    uint8_t le[SNP_SIG_COMPONENT_LEN])
{
	memset(le, 0, SNP_SIG_COMPONENT_LEN);
	for (size_t i = 0; i < CRYPTO_P384_SCALAR_LEN; i++) {
		le[i] = be[CRYPTO_P384_SCALAR_LEN - 1 - i];
	}
}

static enum crypto_status sign_report(struct snp_report *r)
{
	uint8_t digest[CRYPTO_SHA384_LEN];
	uint8_t sig_r[CRYPTO_P384_SCALAR_LEN];
	uint8_t sig_s[CRYPTO_P384_SCALAR_LEN];
	enum crypto_status status;

	status = crypto_sha384(r, SNP_REPORT_SIGNED_LEN, digest);
	if (status == CRYPTO_OK) {
		status = crypto_ecdsa_p384_sign(emu_psp_vcek_private, digest, sig_r, sig_s);
	}
	if (status == CRYPTO_OK) {
		be_scalar_to_le(sig_r, r->signature.r);
		be_scalar_to_le(sig_s, r->signature.s);
	}
	return status;
}

enum crypto_status emu_psp_report(const uint8_t measurement[SNP_MEASUREMENT_LEN],
				  const uint8_t report_data[SNP_REPORT_DATA_LEN], uint32_t vmpl,
				  uint8_t report[SNP_REPORT_SIZE])
{
	struct snp_report r;
	enum crypto_status status;

	memset(report, 0, SNP_REPORT_SIZE);
	if (vmpl > 3) {
		return CRYPTO_ERR_INPUT;
	}
	memset(&r, 0, sizeof(r));
	fill_platform_fields(&r);
	r.vmpl = vmpl;
	memcpy(r.report_data, report_data, sizeof(r.report_data));
	memcpy(r.measurement, measurement, sizeof(r.measurement));
	status = fill_report_id(&r);
	if (status == CRYPTO_OK) {
		status = sign_report(&r);
	}
	if (status != CRYPTO_OK) {
		return status;
	}
	memcpy(report, &r, sizeof(r));
	LOG_INFO("emu_psp: issued an EMULATED report (test keys): it proves nothing\n");
	return CRYPTO_OK;
}

void emu_psp_certs(const uint8_t **vcek_der, size_t *vcek_len, const uint8_t **chain_pem,
		   size_t *chain_len)
{
	*vcek_der = emu_psp_vcek_der;
	*vcek_len = emu_psp_vcek_der_len;
	*chain_pem = (const uint8_t *)emu_psp_chain_pem;
	*chain_len = emu_psp_chain_pem_len;
}

const uint8_t *emu_psp_ark_sha384(void)
{
	return emu_psp_test_ark_sha384;
}
