/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP attestation report verification: report layout and reserved fields, the ECDSA P-384
 * report signature by the VCEK, the VCEK <- ASK <- ARK certificate chain against a pinned ARK, and
 * the VCEK's TCB and hwID extensions against the report. Buffer-based, no I/O; the same code runs
 * in the SVSM (freestanding mbedTLS) and on the host.
 *
 * Certificate validity dates are deliberately not checked: the SVSM has no trusted time, and the
 * host build behaves the same so that both accept exactly the same inputs (docs/policy.md).
 *
 * Not reentrant within one thread; each thread (the SVSM's migration CPU, or a host thread) has
 * its own working buffers.
 */
#ifndef SVSM_CRYPTO_SNP_REPORT_H
#define SVSM_CRYPTO_SNP_REPORT_H

#include "crypto.h"
#include "snp/report.h"

/* Every report from the emulated PSP starts its CHIP_ID with this marker. */
#define SNP_EMULATED_CHIP_ID_MARKER "EMULATED-PSP: PROVES NOTHING"

/* Limits on host-supplied certificate material. */
#define SNP_VCEK_MAX_LEN  4096U
#define SNP_CHAIN_MAX_LEN 8192U

enum snp_status {
	SNP_OK = 0,
	SNP_ERR_REPORT_SIZE,
	SNP_ERR_REPORT_VERSION,
	SNP_ERR_SIGNATURE_ALGO,
	SNP_ERR_REPORT_RESERVED,
	SNP_ERR_SIGNING_KEY,
	SNP_ERR_VCEK_PARSE,
	SNP_ERR_VCEK_KEY,
	SNP_ERR_VCEK_EXTENSION,
	SNP_ERR_CHAIN_PARSE,
	SNP_ERR_ARK_UNTRUSTED,
	SNP_ERR_EMULATED_NOT_ALLOWED,
	SNP_ERR_CHAIN_ALGORITHM,
	SNP_ERR_CHAIN_SIGNATURE,
	SNP_ERR_TCB_MISMATCH,
	SNP_ERR_HWID_MISMATCH,
	SNP_ERR_REPORT_SIGNATURE,
	SNP_ERR_EMULATED_MARKER,
	SNP_ERR_INTERNAL,
};

const char *snp_status_str(enum snp_status status);

/* Which roots the verifier trusts. The AMD Milan ARK is always trusted; the emulated PSP's test
 * ARK only when allow_emulated is set (from the migration policy) and its hash is given. */
struct snp_trust {
	bool allow_emulated;
	const uint8_t *emulated_ark_sha384; /* NULL where no emulated PSP exists (snp platform) */
};

struct snp_verified_report {
	struct snp_report report;
	bool emulated; /* anchored at the test ARK: proves the code path, nothing about security */
};

/* Copies len bytes in and checks size, version, signature algorithm, signing key and every MBZ
 * range. Checks the layout only, not the signature; out is zeroed on failure. */
enum snp_status snp_report_parse(const void *buf, size_t len, struct snp_report *out);

/*
 * Full verification of a report obtained from an untrusted party. vcek_der is the VCEK (DER),
 * chain_pem the ASK then the ARK (PEM), as AMD KDS serves them. On SNP_OK, out holds the report.
 * On failure, out is zeroed except out->emulated, which says whether the chain was the test one.
 */
enum snp_status snp_report_verify(const void *report, size_t report_len, const void *vcek_der,
				  size_t vcek_len, const void *chain_pem, size_t chain_len,
				  const struct snp_trust *trust, struct snp_verified_report *out);

/* SHA-384 of the pinned AMD ARK-Milan certificate (DER). */
extern const uint8_t snp_milan_ark_sha384[CRYPTO_SHA384_LEN];

/* True when the CHIP_ID carries the emulated-PSP marker. */
bool snp_chip_id_is_emulated(const uint8_t chip_id[SNP_CHIP_ID_LEN]);

#endif
