/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP report verification (SNP ABI 56860; procedure in docs/policy.md). Everything the host
 * hands us is copied in before it is parsed, and every check fails closed.
 */
#include "snp_report.h"

#include <mbedtls/asn1.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>
#include <string.h>

#include "svsm/log.h"

/* Host threads each verify independently; the SVSM verifies on its migration CPU only. */
#if defined(SVSM_HOSTED)
#define SNP_THREAD_LOCAL __thread
#else
#define SNP_THREAD_LOCAL
#endif

/* A message split over two lines is parenthesized: one string, not a missing comma. */
static const char *const status_strings[] = {
    [SNP_OK] = "ok",
    [SNP_ERR_REPORT_SIZE] = "report is not 0x4A0 bytes",
    [SNP_ERR_REPORT_VERSION] = "report version is below 2",
    [SNP_ERR_SIGNATURE_ALGO] = "report signature algorithm is not ECDSA P-384 with SHA-384",
    [SNP_ERR_REPORT_RESERVED] = "a reserved (must-be-zero) report field is not zero",
    [SNP_ERR_SIGNING_KEY] = "report is not signed by a VCEK (VLEK or no key)",
    [SNP_ERR_VCEK_PARSE] = "VCEK certificate is not one well-formed DER certificate",
    [SNP_ERR_VCEK_KEY] = "VCEK key is not an ECDSA P-384 key",
    [SNP_ERR_VCEK_EXTENSION] = "VCEK TCB or hwID extension is missing or malformed",
    [SNP_ERR_CHAIN_PARSE] = "certificate chain is not exactly ASK then ARK in PEM",
    [SNP_ERR_ARK_UNTRUSTED] = "ARK is not a trusted root",
    [SNP_ERR_EMULATED_NOT_ALLOWED] =
	("chain ends at the emulated PSP's test ARK (proves nothing) and the policy does "
	 "not allow emulated reports"),
    [SNP_ERR_CHAIN_SIGNATURE] = "certificate chain VCEK <- ASK <- ARK does not verify",
    [SNP_ERR_TCB_MISMATCH] = "VCEK TCB extensions differ from the report's REPORTED_TCB",
    [SNP_ERR_HWID_MISMATCH] = "VCEK hwID differs from the report's CHIP_ID",
    [SNP_ERR_REPORT_SIGNATURE] = "report signature does not verify with the VCEK",
    [SNP_ERR_EMULATED_MARKER] = "emulated-PSP marker in CHIP_ID does not match the chain",
    [SNP_ERR_INTERNAL] = "internal error (out of memory or library failure)",
};

const char *snp_status_str(enum snp_status status)
{
	if ((size_t)status >= ARRAY_SIZE(status_strings) || status_strings[status] == NULL) {
		return "unknown snp_status";
	}
	return status_strings[status];
}

/* SHA-384 of ARK-Milan (DER) as AMD KDS serves it; AMD public data. */
const uint8_t snp_milan_ark_sha384[CRYPTO_SHA384_LEN] = {
    0x2f, 0x13, 0x16, 0x27, 0x3d, 0xad, 0xe9, 0xb8, 0x96, 0x87, 0x5d, 0xa0, 0xac, 0xb6, 0xbc, 0x1c,
    0x05, 0x47, 0xd4, 0x13, 0x20, 0xad, 0x32, 0x3c, 0xbf, 0xbe, 0xf6, 0x57, 0x0f, 0x03, 0x05, 0xa3,
    0xe7, 0xf8, 0x39, 0x8d, 0x0b, 0x44, 0xbd, 0x1f, 0x36, 0x07, 0x52, 0x95, 0xce, 0xfc, 0xc0, 0xdb,
};

bool snp_chip_id_is_emulated(const uint8_t chip_id[SNP_CHIP_ID_LEN])
{
	return memcmp(chip_id, SNP_EMULATED_CHIP_ID_MARKER,
		      sizeof(SNP_EMULATED_CHIP_ID_MARKER) - 1) == 0;
}

/* --- Report layout ------------------------------------------------------------------------ */

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *bytes = p;
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++) {
		acc |= bytes[i];
	}
	return acc == 0;
}

static bool reserved_fields_zero(const struct snp_report *r)
{
	if (r->reserved_04c != 0 || r->current_version.reserved != 0 ||
	    r->committed_version.reserved != 0) {
		return false;
	}
	/* Version 2 reserves the CPUID bytes too; 0x188-0x19F are then all MBZ. */
	if (r->version < 3 &&
	    (r->cpuid_fam_id != 0 || r->cpuid_mod_id != 0 || r->cpuid_step != 0)) {
		return false;
	}
	if (!all_zero(r->reserved_18b, sizeof(r->reserved_18b))) {
		return false;
	}
	/* The mitigation vectors exist from version 5 on. */
	if (r->version < 5 && (r->launch_mit_vector != 0 || r->current_mit_vector != 0)) {
		return false;
	}
	if (!all_zero(r->reserved_208, sizeof(r->reserved_208))) {
		return false;
	}
	/* R and S are 48-byte scalars zero-extended to 72 bytes; the tail of the area is MBZ. */
	return all_zero(r->signature.r + SNP_SIG_SCALAR_LEN,
			SNP_SIG_COMPONENT_LEN - SNP_SIG_SCALAR_LEN) &&
	       all_zero(r->signature.s + SNP_SIG_SCALAR_LEN,
			SNP_SIG_COMPONENT_LEN - SNP_SIG_SCALAR_LEN) &&
	       all_zero(r->signature.reserved, sizeof(r->signature.reserved));
}

static enum snp_status check_layout(const struct snp_report *out)
{
	if (out->version < SNP_REPORT_MIN_VERSION) {
		return SNP_ERR_REPORT_VERSION;
	}
	if (out->signature_algo != SNP_SIGNATURE_ALGO_ECDSA384) {
		return SNP_ERR_SIGNATURE_ALGO;
	}
	if (!reserved_fields_zero(out)) {
		return SNP_ERR_REPORT_RESERVED;
	}
	if (snp_key_info_signing_key(out->key_info) != SNP_SIGNING_KEY_VCEK) {
		return SNP_ERR_SIGNING_KEY;
	}
	return SNP_OK;
}

enum snp_status snp_report_parse(const void *buf, size_t len, struct snp_report *out)
{
	enum snp_status status;

	memset(out, 0, sizeof(*out));
	if (len != SNP_REPORT_SIZE) {
		return SNP_ERR_REPORT_SIZE;
	}
	memcpy(out, buf, sizeof(*out));
	status = check_layout(out);
	if (status != SNP_OK) {
		memset(out, 0, sizeof(*out));
	}
	return status;
}

/* --- VCEK extensions ---------------------------------------------------------------------- */

/* AMD's arc 1.3.6.1.4.1.3704.1 ("3704" = 0x9c 0x78 in base 128). */
#define AMD_OID_PREFIX 0x2b, 0x06, 0x01, 0x04, 0x01, 0x9c, 0x78, 0x01

enum vcek_spl { SPL_BOOTLOADER, SPL_TEE, SPL_SNP, SPL_MICROCODE, SPL_COUNT };

static const uint8_t oid_spl[SPL_COUNT][10] = {
    [SPL_BOOTLOADER] = {AMD_OID_PREFIX, 0x03, 0x01},
    [SPL_TEE] = {AMD_OID_PREFIX, 0x03, 0x02},
    [SPL_SNP] = {AMD_OID_PREFIX, 0x03, 0x03},
    [SPL_MICROCODE] = {AMD_OID_PREFIX, 0x03, 0x08},
};
static const uint8_t oid_hwid[9] = {AMD_OID_PREFIX, 0x04};

struct vcek_extensions {
	bool have_spl[SPL_COUNT];
	uint8_t spl[SPL_COUNT];
	bool have_hwid;
	uint8_t hwid[SNP_CHIP_ID_LEN];
	bool malformed;
};

static bool oid_equals(const mbedtls_x509_buf *oid, const uint8_t *expect, size_t len)
{
	return oid->len == len && memcmp(oid->p, expect, len) == 0;
}

/* Each SPL is an OCTET STRING holding a DER INTEGER in 0..255. */
static bool parse_spl(const unsigned char *p, const unsigned char *end, uint8_t *out)
{
	unsigned char *cur = (unsigned char *)p;
	int value;

	if (mbedtls_asn1_get_int(&cur, end, &value) != 0 || cur != end || value < 0 ||
	    value > 0xFF) {
		return false;
	}
	*out = (uint8_t)value;
	return true;
}

static void record_spl(struct vcek_extensions *ext, unsigned index, const unsigned char *p,
		       const unsigned char *end)
{
	if (ext->have_spl[index] || !parse_spl(p, end, &ext->spl[index])) {
		ext->malformed = true;
		return;
	}
	ext->have_spl[index] = true;
}

static void record_hwid(struct vcek_extensions *ext, const unsigned char *p,
			const unsigned char *end)
{
	if (ext->have_hwid || (size_t)(end - p) != SNP_CHIP_ID_LEN) {
		ext->malformed = true;
		return;
	}
	memcpy(ext->hwid, p, SNP_CHIP_ID_LEN);
	ext->have_hwid = true;
}

/* Called by mbedTLS for every extension it does not know itself, AMD's included. */
static int collect_vcek_extension(void *p_ctx, mbedtls_x509_crt const *crt,
				  mbedtls_x509_buf const *oid, int critical, const unsigned char *p,
				  const unsigned char *end)
{
	struct vcek_extensions *ext = p_ctx;

	(void)crt;
	for (unsigned i = 0; i < SPL_COUNT; i++) {
		if (oid_equals(oid, oid_spl[i], sizeof(oid_spl[i]))) {
			record_spl(ext, i, p, end);
			return 0;
		}
	}
	if (oid_equals(oid, oid_hwid, sizeof(oid_hwid))) {
		record_hwid(ext, p, end);
		return 0;
	}
	/* Unknown critical extensions make the certificate unusable; others are ignored. */
	return critical ? MBEDTLS_ERR_X509_INVALID_EXTENSIONS : 0;
}

static enum snp_status check_vcek_extensions(const struct vcek_extensions *ext,
					     const struct snp_report *r)
{
	struct snp_tcb tcb = snp_tcb_decode(r->reported_tcb);

	if (ext->malformed || !ext->have_hwid) {
		return SNP_ERR_VCEK_EXTENSION;
	}
	for (unsigned i = 0; i < SPL_COUNT; i++) {
		if (!ext->have_spl[i]) {
			return SNP_ERR_VCEK_EXTENSION;
		}
	}
	if (ext->spl[SPL_BOOTLOADER] != tcb.bootloader || ext->spl[SPL_TEE] != tcb.tee ||
	    ext->spl[SPL_SNP] != tcb.snp || ext->spl[SPL_MICROCODE] != tcb.microcode) {
		return SNP_ERR_TCB_MISMATCH;
	}
	if (memcmp(ext->hwid, r->chip_id, SNP_CHIP_ID_LEN) != 0) {
		return SNP_ERR_HWID_MISMATCH;
	}
	return SNP_OK;
}

/* --- Certificates ------------------------------------------------------------------------- */

struct snp_certs {
	mbedtls_x509_crt vcek_and_ask; /* the chain to verify: VCEK, then ASK */
	mbedtls_x509_crt ark;	       /* the trust anchor, once pinned */
	struct vcek_extensions ext;
};

/* The chain is copied here so that mbedTLS's PEM reader gets a NUL-terminated private copy. */
static SNP_THREAD_LOCAL char chain_copy[SNP_CHAIN_MAX_LEN + 1];

static enum snp_status parse_vcek(struct snp_certs *certs, const void *der, size_t len)
{
	int ret;

	if (len == 0 || len > SNP_VCEK_MAX_LEN) {
		return SNP_ERR_VCEK_PARSE;
	}
	ret = mbedtls_x509_crt_parse_der_with_ext_cb(&certs->vcek_and_ask, der, len, 1,
						     collect_vcek_extension, &certs->ext);
	if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
		return SNP_ERR_INTERNAL;
	}
	/* Trailing bytes would be unsigned data riding along: refuse them. */
	if (ret != 0 || certs->vcek_and_ask.raw.len != len) {
		return SNP_ERR_VCEK_PARSE;
	}
	return SNP_OK;
}

static const char *skip_whitespace(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
		p++;
	}
	return p;
}

#define PEM_CERT_HEADER "-----BEGIN CERTIFICATE-----"
#define PEM_CERT_FOOTER "-----END CERTIFICATE-----"

static const mbedtls_x509_crt *last_in_list(const mbedtls_x509_crt *crt)
{
	while (crt->next != NULL) {
		crt = crt->next;
	}
	return crt;
}

/* Reads the certificate at *cursor (only whitespace may precede it) and appends it to crt. */
static enum snp_status read_pem_cert(const char **cursor, mbedtls_x509_crt *crt)
{
	mbedtls_pem_context pem;
	const unsigned char *der;
	size_t der_len;
	size_t used;
	enum snp_status status = SNP_ERR_CHAIN_PARSE;
	const char *start = skip_whitespace(*cursor);
	int ret;

	if (strncmp(start, PEM_CERT_HEADER, sizeof(PEM_CERT_HEADER) - 1) != 0) {
		return SNP_ERR_CHAIN_PARSE;
	}
	mbedtls_pem_init(&pem);
	ret = mbedtls_pem_read_buffer(&pem, PEM_CERT_HEADER, PEM_CERT_FOOTER,
				      (const unsigned char *)start, NULL, 0, &used);
	if (ret == 0) {
		der = mbedtls_pem_get_buffer(&pem, &der_len);
		ret = mbedtls_x509_crt_parse_der(crt, der, der_len);
		if (ret == 0 && last_in_list(crt)->raw.len == der_len) {
			*cursor = start + used;
			status = SNP_OK;
		}
	}
	if (ret == MBEDTLS_ERR_PEM_ALLOC_FAILED || ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
		status = SNP_ERR_INTERNAL;
	}
	mbedtls_pem_free(&pem);
	return status;
}

static enum snp_status parse_chain(struct snp_certs *certs, const void *pem, size_t len)
{
	const char *cursor = chain_copy;
	enum snp_status status;

	if (len == 0 || len > SNP_CHAIN_MAX_LEN) {
		return SNP_ERR_CHAIN_PARSE;
	}
	memcpy(chain_copy, pem, len);
	chain_copy[len] = '\0';
	if (strlen(chain_copy) != len) {
		return SNP_ERR_CHAIN_PARSE;
	}
	/* The ASK joins the VCEK's list; the ARK is kept apart until it is pinned. */
	status = read_pem_cert(&cursor, &certs->vcek_and_ask);
	if (status == SNP_OK) {
		status = read_pem_cert(&cursor, &certs->ark);
	}
	if (status == SNP_OK && *skip_whitespace(cursor) != '\0') {
		status = SNP_ERR_CHAIN_PARSE;
	}
	return status;
}

static enum snp_status pin_ark(const mbedtls_x509_crt *ark, const struct snp_trust *trust,
			       bool *emulated)
{
	uint8_t digest[CRYPTO_SHA384_LEN];

	*emulated = false;
	if (crypto_sha384(ark->raw.p, ark->raw.len, digest) != CRYPTO_OK) {
		return SNP_ERR_INTERNAL;
	}
	if (memcmp(digest, snp_milan_ark_sha384, sizeof(digest)) == 0) {
		return SNP_OK;
	}
	if (trust->emulated_ark_sha384 == NULL ||
	    memcmp(digest, trust->emulated_ark_sha384, sizeof(digest)) != 0) {
		return SNP_ERR_ARK_UNTRUSTED;
	}
	*emulated = true;
	return trust->allow_emulated ? SNP_OK : SNP_ERR_EMULATED_NOT_ALLOWED;
}

/*
 * AMD's signature AlgorithmIdentifier: RSASSA-PSS with SHA-384, MGF1-SHA-384, salt 48 and the
 * (default) trailer field 1 written out, as in every AMD certificate; the same parameters without
 * the trailer field are accepted too. mbedTLS would accept any PSS parameters a certificate
 * names, so they are pinned here.
 */
#define PSS_OID 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a
#define SHA384_ALG                                                                                 \
	0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00
#define MGF1_SHA384                                                                                \
	0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, SHA384_ALG
#define PSS_SHA384_SALT48                                                                          \
	0xa0, 0x0f, SHA384_ALG, 0xa1, 0x1c, MGF1_SHA384, 0xa2, 0x03, 0x02, 0x01, 0x30

static const uint8_t pss_alg_with_trailer[] = {
    0x30, 0x46, PSS_OID, 0x30, 0x39, PSS_SHA384_SALT48, 0xa3, 0x03, 0x02, 0x01, 0x01,
};
static const uint8_t pss_alg_without_trailer[] = {
    0x30, 0x41, PSS_OID, 0x30, 0x34, PSS_SHA384_SALT48,
};

static bool starts_with(const unsigned char *p, size_t len, const uint8_t *prefix,
			size_t prefix_len)
{
	return len >= prefix_len && memcmp(p, prefix, prefix_len) == 0;
}

/* The outer signatureAlgorithm follows the TBS certificate directly. */
static bool signed_with_amd_pss(const mbedtls_x509_crt *crt)
{
	const unsigned char *alg = crt->tbs.p + crt->tbs.len;
	const unsigned char *end = crt->raw.p + crt->raw.len;
	size_t len;

	if (alg > end) {
		return false;
	}
	len = (size_t)(end - alg);
	return starts_with(alg, len, pss_alg_with_trailer, sizeof(pss_alg_with_trailer)) ||
	       starts_with(alg, len, pss_alg_without_trailer, sizeof(pss_alg_without_trailer));
}

static enum snp_status check_chain_algorithms(const struct snp_certs *certs)
{
	for (const mbedtls_x509_crt *crt = &certs->vcek_and_ask; crt != NULL; crt = crt->next) {
		if (!signed_with_amd_pss(crt)) {
			return SNP_ERR_CHAIN_ALGORITHM;
		}
	}
	return SNP_OK;
}

/* No trusted time in the SVSM: validity dates are ignored in every build (docs/policy.md). */
static int ignore_validity_dates(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	(void)ctx;
	(void)crt;
	(void)depth;
	*flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
	return 0;
}

/* AMD signs every certificate with RSASSA-PSS over SHA-384; the VCEK is a P-384 key. */
static const mbedtls_x509_crt_profile snp_cert_profile = {
    .allowed_mds = MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384),
    .allowed_pks =
	MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSASSA_PSS) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY),
    .allowed_curves = MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1),
    .rsa_min_bitlen = 2048,
};

static enum snp_status verify_chain(struct snp_certs *certs)
{
	uint32_t flags = 0;
	int ret;

	ret = mbedtls_x509_crt_verify_with_profile(&certs->vcek_and_ask, &certs->ark, NULL,
						   &snp_cert_profile, NULL, &flags,
						   ignore_validity_dates, NULL);
	if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
		return SNP_ERR_INTERNAL;
	}
	if (ret != 0 || flags != 0) {
		LOG_DEBUG("snp: chain verification failed: ret -0x%x flags 0x%x\n", (unsigned)-ret,
			  (unsigned)flags);
		return SNP_ERR_CHAIN_SIGNATURE;
	}
	return SNP_OK;
}

static enum snp_status vcek_public_key(const mbedtls_x509_crt *vcek,
				       uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	const mbedtls_ecp_keypair *key;
	size_t len = 0;

	if (mbedtls_pk_get_type(&vcek->pk) != MBEDTLS_PK_ECKEY) {
		return SNP_ERR_VCEK_KEY;
	}
	key = mbedtls_pk_ec(vcek->pk);
	if (mbedtls_ecp_keypair_get_group_id(key) != MBEDTLS_ECP_DP_SECP384R1) {
		return SNP_ERR_VCEK_KEY;
	}
	if (mbedtls_ecp_write_public_key(key, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, pub,
					 CRYPTO_P384_PUB_LEN) != 0 ||
	    len != CRYPTO_P384_PUB_LEN) {
		return SNP_ERR_VCEK_KEY;
	}
	return SNP_OK;
}

/* --- Report signature --------------------------------------------------------------------- */

/* The report stores R and S little-endian; crypto.h takes big-endian scalars. */
static void le_to_be_scalar(const uint8_t le[SNP_SIG_COMPONENT_LEN],
			    uint8_t be[CRYPTO_P384_SCALAR_LEN])
{
	for (size_t i = 0; i < CRYPTO_P384_SCALAR_LEN; i++) {
		be[i] = le[CRYPTO_P384_SCALAR_LEN - 1 - i];
	}
}

static enum snp_status verify_report_signature(const struct snp_report *r,
					       const uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	uint8_t digest[CRYPTO_SHA384_LEN];
	uint8_t sig_r[CRYPTO_P384_SCALAR_LEN];
	uint8_t sig_s[CRYPTO_P384_SCALAR_LEN];
	enum crypto_status status;

	if (crypto_sha384(r, SNP_REPORT_SIGNED_LEN, digest) != CRYPTO_OK) {
		return SNP_ERR_INTERNAL;
	}
	le_to_be_scalar(r->signature.r, sig_r);
	le_to_be_scalar(r->signature.s, sig_s);
	status = crypto_ecdsa_p384_verify(pub, digest, sig_r, sig_s);
	if (status == CRYPTO_OK) {
		return SNP_OK;
	}
	return status == CRYPTO_ERR_AUTH || status == CRYPTO_ERR_INPUT ? SNP_ERR_REPORT_SIGNATURE
								       : SNP_ERR_INTERNAL;
}

/* --- Whole verification ------------------------------------------------------------------- */

static enum snp_status verify_certified_report(struct snp_certs *certs, const void *vcek_der,
					       size_t vcek_len, const void *chain_pem,
					       size_t chain_len, const struct snp_trust *trust,
					       struct snp_verified_report *out)
{
	uint8_t pub[CRYPTO_P384_PUB_LEN];
	enum snp_status status;

	status = parse_vcek(certs, vcek_der, vcek_len);
	if (status == SNP_OK) {
		status = parse_chain(certs, chain_pem, chain_len);
	}
	if (status == SNP_OK) {
		status = pin_ark(&certs->ark, trust, &out->emulated);
	}
	if (status == SNP_OK) {
		status = check_chain_algorithms(certs);
	}
	if (status == SNP_OK) {
		status = verify_chain(certs);
	}
	if (status == SNP_OK) {
		status = vcek_public_key(&certs->vcek_and_ask, pub);
	}
	if (status == SNP_OK) {
		status = check_vcek_extensions(&certs->ext, &out->report);
	}
	if (status == SNP_OK) {
		status = verify_report_signature(&out->report, pub);
	}
	/* An emulated chain must say so in the report, and a real chain must not. */
	if (status == SNP_OK && snp_chip_id_is_emulated(out->report.chip_id) != out->emulated) {
		status = SNP_ERR_EMULATED_MARKER;
	}
	return status;
}

enum snp_status snp_report_verify(const void *report, size_t report_len, const void *vcek_der,
				  size_t vcek_len, const void *chain_pem, size_t chain_len,
				  const struct snp_trust *trust, struct snp_verified_report *out)
{
	struct snp_certs certs;
	enum snp_status status;
	bool emulated;

	memset(out, 0, sizeof(*out));
	status = snp_report_parse(report, report_len, &out->report);
	if (status != SNP_OK) {
		memset(out, 0, sizeof(*out));
		return status;
	}
	memset(&certs, 0, sizeof(certs));
	mbedtls_x509_crt_init(&certs.vcek_and_ask);
	mbedtls_x509_crt_init(&certs.ark);
	status =
	    verify_certified_report(&certs, vcek_der, vcek_len, chain_pem, chain_len, trust, out);
	mbedtls_x509_crt_free(&certs.vcek_and_ask);
	mbedtls_x509_crt_free(&certs.ark);
	if (out->emulated) {
		LOG_INFO("snp: report from the EMULATED PSP (test chain): it proves nothing\n");
	}
	if (status != SNP_OK) {
		emulated = out->emulated;
		memset(out, 0, sizeof(*out));
		out->emulated = emulated;
	}
	return status;
}
