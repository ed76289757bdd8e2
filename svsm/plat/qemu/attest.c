/* SPDX-License-Identifier: MIT */
/*
 * Attestation on the qemu platform: the emulated PSP (svsm/crypto/emu_psp.c). Its reports have
 * the exact SNP layout and are signed with a TEST-ONLY key; they prove the code path, not
 * security. The launch digest it reports is the one `igvm measure` computes for the image, which
 * the loader (igvm qemu-args) writes into the page at LAYOUT_EMU_MEASUREMENT_GPA: on real SNP
 * hardware the PSP measures the image itself, here the loader plays the PSP.
 */
#include <string.h>

#include "svsm/crypto/emu_psp.h"
#include "svsm/layout.h"
#include "svsm/log.h"
#include "svsm/plat.h"

#define REQUESTER_VMPL 0U

enum plat_status plat_attest_report(const uint8_t report_data[PLAT_REPORT_DATA_LEN],
				    uint8_t report[PLAT_REPORT_LEN])
{
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	enum crypto_status s;

	memcpy(measurement, va_ptr(va_init(LAYOUT_EMU_MEASUREMENT_GPA)), sizeof(measurement));
	s = emu_psp_report(measurement, report_data, REQUESTER_VMPL, report);
	if (s != CRYPTO_OK) {
		LOG_WARN("emulated PSP (proves nothing): report failed: %s\n",
			 crypto_status_str(s));
		return PLAT_ERR_HARDWARE;
	}
	LOG_INFO("emulated PSP (TEST-ONLY key, proves nothing): issued a report\n");
	return PLAT_OK;
}

enum plat_status plat_attest_certs(const uint8_t **vcek_der, size_t *vcek_len,
				   const uint8_t **chain_pem, size_t *chain_len)
{
	emu_psp_certs(vcek_der, vcek_len, chain_pem, chain_len);
	return PLAT_OK;
}

bool plat_attest_is_emulated(void)
{
	return true;
}
