/* SPDX-License-Identifier: MIT */
/*
 * svsm-attest-gen gen-test-chain --out-dir DIR
 *
 * Build-time helper: derives the emulated PSP's TEST-ONLY keys from a fixed, public seed and
 * writes its certificate chain (test ARK -> test ASK -> test VCEK, RSASSA-PSS SHA-384 salt 48,
 * shaped like AMD's) and build/attest/emu_keys.c. Same seed, same bytes: builds are reproducible.
 * Nothing written here is secret, and none of it is ever committed.
 */
#include <errno.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha512.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/types.h"

#include "crypto/emu_psp.h"
#include "crypto/snp_report.h"
#include "der.h"
#include "gen_embed.h"

#define TEST_ONLY_SEED "svsm-migrate emulated PSP TEST-ONLY seed v1 (public: proves nothing)"
/* RSA-4096 like AMD's ARK and ASK; deterministic generation takes about two seconds. */
#define TEST_RSA_BITS 4096

/* --- Deterministic byte stream: SHA-512(seed || label || counter) blocks ---------------------- */

struct seed_stream {
	const char *label;
	uint64_t counter;
	uint8_t block[64];
	size_t used;
};

static void stream_init(struct seed_stream *s, const char *label)
{
	memset(s, 0, sizeof(*s));
	s->label = label;
	s->used = sizeof(s->block);
}

static int stream_refill(struct seed_stream *s)
{
	uint8_t counter[8];
	mbedtls_sha512_context sha;
	int ret;

	for (size_t i = 0; i < sizeof(counter); i++) {
		counter[i] = (uint8_t)(s->counter >> (8 * i));
	}
	s->counter++;
	mbedtls_sha512_init(&sha);
	ret = mbedtls_sha512_starts(&sha, 0);
	if (ret == 0) {
		ret = mbedtls_sha512_update(&sha, (const uint8_t *)TEST_ONLY_SEED,
					    sizeof(TEST_ONLY_SEED));
	}
	if (ret == 0) {
		ret = mbedtls_sha512_update(&sha, (const uint8_t *)s->label, strlen(s->label) + 1);
	}
	if (ret == 0) {
		ret = mbedtls_sha512_update(&sha, counter, sizeof(counter));
	}
	if (ret == 0) {
		ret = mbedtls_sha512_finish(&sha, s->block);
	}
	mbedtls_sha512_free(&sha);
	s->used = 0;
	return ret;
}

static int stream_rng(void *ctx, unsigned char *out, size_t len)
{
	struct seed_stream *s = ctx;

	while (len > 0) {
		size_t n;

		if (s->used == sizeof(s->block) && stream_refill(s) != 0) {
			return -1;
		}
		n = MIN(len, sizeof(s->block) - s->used);
		memcpy(out, s->block + s->used, n);
		s->used += n;
		out += n;
		len -= n;
	}
	return 0;
}

/* --- Certificate pieces ------------------------------------------------------------------- */

static const uint8_t oid_rsassa_pss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
static const uint8_t oid_mgf1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
static const uint8_t oid_sha384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
static const uint8_t oid_cn[] = {0x55, 0x04, 0x03};
static const uint8_t oid_org[] = {0x55, 0x04, 0x0a};
static const uint8_t oid_org_unit[] = {0x55, 0x04, 0x0b};
static const uint8_t oid_basic_constraints[] = {0x55, 0x1d, 0x13};
static const uint8_t oid_key_usage[] = {0x55, 0x1d, 0x0f};
#define AMD_ARC 0x2b, 0x06, 0x01, 0x04, 0x01, 0x9c, 0x78, 0x01
static const uint8_t oid_amd_product[] = {AMD_ARC, 0x02};
static const uint8_t oid_amd_bl[] = {AMD_ARC, 0x03, 0x01};
static const uint8_t oid_amd_tee[] = {AMD_ARC, 0x03, 0x02};
static const uint8_t oid_amd_snp[] = {AMD_ARC, 0x03, 0x03};
static const uint8_t oid_amd_ucode[] = {AMD_ARC, 0x03, 0x08};
static const uint8_t oid_amd_hwid[] = {AMD_ARC, 0x04};

/* AlgorithmIdentifier of SHA-384 with NULL parameters, as AMD writes it. */
static void write_sha384_alg(struct der *out)
{
	struct der alg;

	der_init(&alg);
	der_oid(&alg, oid_sha384, sizeof(oid_sha384));
	der_null(&alg);
	der_wrap(out, DER_SEQUENCE, &alg);
}

/* RSASSA-PSS with SHA-384, MGF1-SHA-384 and the given salt length (AMD: 48). */
static void write_pss_alg(struct der *out, unsigned salt_len, bool with_trailer)
{
	struct der hash;
	struct der mgf;
	struct der mgf_wrapped;
	struct der salt;
	struct der trailer;
	struct der params;
	struct der alg;

	der_init(&hash);
	write_sha384_alg(&hash);
	der_init(&mgf);
	der_oid(&mgf, oid_mgf1, sizeof(oid_mgf1));
	write_sha384_alg(&mgf);
	der_init(&mgf_wrapped);
	der_wrap(&mgf_wrapped, DER_SEQUENCE, &mgf);
	der_init(&salt);
	der_small_int(&salt, salt_len);
	der_init(&trailer);
	der_small_int(&trailer, 1);
	der_init(&params);
	der_wrap(&params, DER_CONTEXT(0), &hash);
	der_wrap(&params, DER_CONTEXT(1), &mgf_wrapped);
	der_wrap(&params, DER_CONTEXT(2), &salt);
	/* AMD writes the default trailer field explicitly; so do we, byte for byte. */
	if (with_trailer) {
		der_wrap(&params, DER_CONTEXT(3), &trailer);
	}
	der_init(&alg);
	der_oid(&alg, oid_rsassa_pss, sizeof(oid_rsassa_pss));
	der_wrap(&alg, DER_SEQUENCE, &params);
	der_wrap(out, DER_SEQUENCE, &alg);
}

static void write_name_part(struct der *rdns, const uint8_t *oid, size_t oid_len, const char *value)
{
	struct der atv;
	struct der set;

	der_init(&atv);
	der_oid(&atv, oid, oid_len);
	der_tlv(&atv, DER_UTF8, value, strlen(value));
	der_init(&set);
	der_wrap(&set, DER_SEQUENCE, &atv);
	der_wrap(rdns, DER_SET, &set);
}

static void write_name(struct der *out, const char *common_name)
{
	struct der rdns;

	der_init(&rdns);
	write_name_part(&rdns, oid_org_unit, sizeof(oid_org_unit),
			"TEST-ONLY emulated PSP: proves nothing");
	write_name_part(&rdns, oid_org, sizeof(oid_org), "svsm-migrate");
	write_name_part(&rdns, oid_cn, sizeof(oid_cn), common_name);
	der_wrap(out, DER_SEQUENCE, &rdns);
}

/* Fixed dates keep builds reproducible. The verifier ignores dates; the tests check that with
 * an expired and a not-yet-valid VCEK. */
#define VALID_FROM   "20250101000000Z"
#define VALID_TO     "20991231235959Z"
#define EXPIRED_FROM "20000101000000Z"
#define EXPIRED_TO   "20010101000000Z"
#define FUTURE_FROM  "20980101000000Z"
#define FUTURE_TO    "20991231235959Z"
#define TIME_STR_LEN 15

static void write_validity(struct der *out, const char *not_before, const char *not_after)
{
	struct der validity;

	der_init(&validity);
	der_tlv(&validity, DER_GENERALIZED, not_before, TIME_STR_LEN);
	der_tlv(&validity, DER_GENERALIZED, not_after, TIME_STR_LEN);
	der_wrap(out, DER_SEQUENCE, &validity);
}

static void write_extension(struct der *exts, const uint8_t *oid, size_t oid_len, bool critical,
			    const struct der *value)
{
	static const uint8_t true_value = 0xFF;
	struct der ext;

	der_init(&ext);
	der_oid(&ext, oid, oid_len);
	if (critical) {
		der_tlv(&ext, DER_BOOLEAN, &true_value, 1);
	}
	der_wrap(&ext, DER_OCTET, value);
	der_wrap(exts, DER_SEQUENCE, &ext);
}

static void write_ca_extensions(struct der *exts, bool is_root)
{
	static const uint8_t ca_true = 0xFF;
	/* keyCertSign (bit 5), plus cRLSign (bit 6) on the root. */
	static const uint8_t root_usage[] = {0x01, 0x06};
	static const uint8_t ask_usage[] = {0x02, 0x04};
	struct der constraints;
	struct der value;

	der_init(&constraints);
	der_tlv(&constraints, DER_BOOLEAN, &ca_true, 1);
	if (!is_root) {
		der_small_int(&constraints, 0);
	}
	der_init(&value);
	der_wrap(&value, DER_SEQUENCE, &constraints);
	write_extension(exts, oid_basic_constraints, sizeof(oid_basic_constraints), true, &value);
	der_init(&value);
	if (is_root) {
		der_tlv(&value, DER_BIT_STRING, root_usage, sizeof(root_usage));
	} else {
		der_tlv(&value, DER_BIT_STRING, ask_usage, sizeof(ask_usage));
	}
	write_extension(exts, oid_key_usage, sizeof(oid_key_usage), true, &value);
}

static void write_spl(struct der *exts, const uint8_t *oid, size_t oid_len, unsigned spl)
{
	struct der value;

	der_init(&value);
	der_small_int(&value, spl);
	write_extension(exts, oid, oid_len, false, &value);
}

/* The TCB and hwID extensions exactly as AMD's VCEKs carry them. */
static void write_vcek_extensions(struct der *exts)
{
	static const char product[] = "EMULATED";
	uint8_t chip_id[SNP_CHIP_ID_LEN];
	struct der value;

	der_init(&value);
	der_tlv(&value, 0x16 /* IA5String */, product, sizeof(product) - 1);
	write_extension(exts, oid_amd_product, sizeof(oid_amd_product), false, &value);
	write_spl(exts, oid_amd_bl, sizeof(oid_amd_bl), EMU_PSP_TCB_BOOTLOADER);
	write_spl(exts, oid_amd_tee, sizeof(oid_amd_tee), EMU_PSP_TCB_TEE);
	write_spl(exts, oid_amd_snp, sizeof(oid_amd_snp), EMU_PSP_TCB_SNP);
	write_spl(exts, oid_amd_ucode, sizeof(oid_amd_ucode), EMU_PSP_TCB_MICROCODE);
	emu_psp_chip_id(chip_id);
	der_init(&value);
	der_raw(&value, chip_id, sizeof(chip_id));
	write_extension(exts, oid_amd_hwid, sizeof(oid_amd_hwid), false, &value);
}

enum cert_kind { CERT_ARK, CERT_ASK, CERT_VCEK };

struct cert_spec {
	enum cert_kind kind;
	const char *subject;
	const char *issuer;
	unsigned serial;
	mbedtls_pk_context *subject_key;
	mbedtls_pk_context *issuer_key;
	const char *not_before;
	const char *not_after;
	unsigned salt_len;
	bool with_trailer;
};

static int write_spki(struct der *out, mbedtls_pk_context *key)
{
	uint8_t buf[2048];
	int len = mbedtls_pk_write_pubkey_der(key, buf, sizeof(buf));

	if (len <= 0) {
		return -1;
	}
	der_raw(out, buf + sizeof(buf) - (size_t)len, (size_t)len);
	return 0;
}

static int write_tbs(struct der *tbs_out, const struct cert_spec *spec)
{
	struct der version;
	struct der tbs;
	struct der exts;
	struct der exts_seq;

	der_init(&tbs);
	der_init(&version);
	der_small_int(&version, 2);
	der_wrap(&tbs, DER_CONTEXT(0), &version);
	der_small_int(&tbs, spec->serial);
	write_pss_alg(&tbs, spec->salt_len, spec->with_trailer);
	write_name(&tbs, spec->issuer);
	write_validity(&tbs, spec->not_before, spec->not_after);
	write_name(&tbs, spec->subject);
	if (write_spki(&tbs, spec->subject_key) != 0) {
		return -1;
	}
	der_init(&exts);
	if (spec->kind == CERT_VCEK) {
		write_vcek_extensions(&exts);
	} else {
		write_ca_extensions(&exts, spec->kind == CERT_ARK);
	}
	der_init(&exts_seq);
	der_wrap(&exts_seq, DER_SEQUENCE, &exts);
	der_wrap(&tbs, DER_CONTEXT(3), &exts_seq);
	der_wrap(tbs_out, DER_SEQUENCE, &tbs);
	return tbs_out->overflow ? -1 : 0;
}

static int sign_pss(mbedtls_pk_context *issuer_key, const struct der *tbs, unsigned salt_len,
		    uint8_t *sig, size_t *sig_len)
{
	mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*issuer_key);
	struct seed_stream salt_stream;
	uint8_t hash[CRYPTO_SHA384_LEN];
	int ret;

	stream_init(&salt_stream, "pss salt");
	ret = mbedtls_sha512(tbs->buf, tbs->len, hash, 1);
	if (ret == 0) {
		ret = mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, MBEDTLS_MD_SHA384);
	}
	if (ret == 0) {
		ret = mbedtls_rsa_rsassa_pss_sign_ext(rsa, stream_rng, &salt_stream,
						      MBEDTLS_MD_SHA384, sizeof(hash), hash,
						      (int)salt_len, sig);
	}
	*sig_len = mbedtls_rsa_get_len(rsa);
	return ret;
}

static int make_cert(const struct cert_spec *spec, struct der *cert_out)
{
	uint8_t sig[1 + 1024];
	size_t sig_len = 0;
	struct der tbs;
	struct der cert;

	der_init(&tbs);
	if (write_tbs(&tbs, spec) != 0) {
		return -1;
	}
	sig[0] = 0; /* BIT STRING: no unused bits */
	if (sign_pss(spec->issuer_key, &tbs, spec->salt_len, sig + 1, &sig_len) != 0) {
		return -1;
	}
	der_init(&cert);
	der_raw(&cert, tbs.buf, tbs.len);
	write_pss_alg(&cert, spec->salt_len, spec->with_trailer);
	der_tlv(&cert, DER_BIT_STRING, sig, sig_len + 1);
	der_init(cert_out);
	der_wrap(cert_out, DER_SEQUENCE, &cert);
	return cert_out->overflow ? -1 : 0;
}

/* --- Keys --------------------------------------------------------------------------------- */

static int make_rsa_key(mbedtls_pk_context *pk, const char *label)
{
	struct seed_stream stream;
	int ret;

	stream_init(&stream, label);
	ret = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
	if (ret == 0) {
		ret = mbedtls_rsa_gen_key(mbedtls_pk_rsa(*pk), stream_rng, &stream, TEST_RSA_BITS,
					  65537);
	}
	return ret;
}

static int make_vcek_key(mbedtls_pk_context *pk, uint8_t priv[CRYPTO_P384_SCALAR_LEN])
{
	struct seed_stream stream;
	size_t len = 0;
	int ret;

	stream_init(&stream, "test vcek");
	ret = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (ret == 0) {
		ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP384R1, mbedtls_pk_ec(*pk), stream_rng,
					  &stream);
	}
	if (ret == 0) {
		ret = mbedtls_ecp_write_key_ext(mbedtls_pk_ec(*pk), &len, priv,
						CRYPTO_P384_SCALAR_LEN);
	}
	return ret == 0 && len == CRYPTO_P384_SCALAR_LEN ? 0 : -1;
}

/* --- Output ------------------------------------------------------------------------------- */

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;
	bool ok;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		fprintf(stderr, "svsm-attest-gen: output path too long\n");
		return -1;
	}
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "svsm-attest-gen: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		fprintf(stderr, "svsm-attest-gen: write to %s failed\n", path);
		return -1;
	}
	return 0;
}

static int append_pem(char *pem, size_t cap, size_t *len, const struct der *cert)
{
	size_t olen = 0;
	int ret;

	ret = mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n",
				       "-----END CERTIFICATE-----\n", cert->buf, cert->len,
				       (unsigned char *)pem + *len, cap - *len, &olen);
	if (ret != 0 || olen == 0) {
		return -1;
	}
	*len += olen - 1; /* olen counts the terminating NUL */
	return 0;
}

static void emit_bytes(FILE *f, const char *decl, const uint8_t *p, size_t len)
{
	fprintf(f, "%s = {", decl);
	for (size_t i = 0; i < len; i++) {
		fprintf(f, "%s0x%02x,", i % 12 == 0 ? "\n\t" : " ", p[i]);
	}
	fprintf(f, "\n};\n");
}

struct test_chain {
	struct der ark;
	struct der ask;
	struct der vcek;
	struct der vcek_expired;
	struct der vcek_future;
	struct der vcek_salt32;
	struct der vcek_no_trailer;
	char chain_pem[DER_MAX * 2];
	size_t chain_pem_len;
	uint8_t vcek_private[CRYPTO_P384_SCALAR_LEN];
	uint8_t ark_sha384[CRYPTO_SHA384_LEN];
};

static int write_emu_keys_c(const char *dir, const struct test_chain *tc)
{
	char path[4096];
	FILE *f;
	bool ok;

	if ((size_t)snprintf(path, sizeof(path), "%s/emu_keys.c", dir) >= sizeof(path)) {
		return -1;
	}
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "svsm-attest-gen: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f,
		"/* GENERATED by svsm-attest-gen gen-test-chain from the public TEST-ONLY seed.\n"
		" * These keys are not secret: reports signed with them PROVE NOTHING. */\n"
		"#include \"crypto/emu_psp.h\"\n\n");
	emit_bytes(f, "const uint8_t emu_psp_vcek_private[CRYPTO_P384_SCALAR_LEN]",
		   tc->vcek_private, sizeof(tc->vcek_private));
	emit_bytes(f, "const uint8_t emu_psp_vcek_der[]", tc->vcek.buf, tc->vcek.len);
	fprintf(f, "const size_t emu_psp_vcek_der_len = %zu;\n", tc->vcek.len);
	emit_bytes(f, "const char emu_psp_chain_pem[]", (const uint8_t *)tc->chain_pem,
		   tc->chain_pem_len);
	fprintf(f, "const size_t emu_psp_chain_pem_len = %zu;\n", tc->chain_pem_len);
	emit_bytes(f, "const uint8_t emu_psp_test_ark_sha384[CRYPTO_SHA384_LEN]", tc->ark_sha384,
		   sizeof(tc->ark_sha384));
	ok = !ferror(f);
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}

static void emit_cert(FILE *f, const char *name, const struct der *cert)
{
	char decl[128];

	snprintf(decl, sizeof(decl), "const uint8_t %s[]", name);
	emit_bytes(f, decl, cert->buf, cert->len);
	fprintf(f, "const size_t %s_len = %zu;\n", name, cert->len);
}

/* Certificates only the tests need, kept out of the images: test VCEKs outside their validity
 * and with other PSS parameters. */
static int write_test_certs_c(const char *dir, const struct test_chain *tc)
{
	char path[4096];
	FILE *f;
	bool ok;

	if ((size_t)snprintf(path, sizeof(path), "%s/emu_test_certs.c", dir) >= sizeof(path)) {
		return -1;
	}
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "svsm-attest-gen: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "/* GENERATED by svsm-attest-gen gen-test-chain: TEST-ONLY certificates. */\n"
		   "#include \"attest_util.h\"\n\n");
	emit_cert(f, "emu_test_vcek_expired_der", &tc->vcek_expired);
	emit_cert(f, "emu_test_vcek_future_der", &tc->vcek_future);
	emit_cert(f, "emu_test_vcek_salt32_der", &tc->vcek_salt32);
	emit_cert(f, "emu_test_vcek_no_trailer_der", &tc->vcek_no_trailer);
	ok = !ferror(f);
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}

static int build_chain(struct test_chain *tc, mbedtls_pk_context *ark_key,
		       mbedtls_pk_context *ask_key, mbedtls_pk_context *vcek_key)
{
	const struct cert_spec ark = {
	    .kind = CERT_ARK,
	    .subject = "TEST-ONLY ARK",
	    .issuer = "TEST-ONLY ARK",
	    .serial = 1,
	    .subject_key = ark_key,
	    .issuer_key = ark_key,
	    .not_before = VALID_FROM,
	    .not_after = VALID_TO,
	    .salt_len = CRYPTO_SHA384_LEN,
	    .with_trailer = true,
	};
	struct cert_spec ask = ark;
	struct cert_spec vcek = ark;
	struct cert_spec expired;
	struct cert_spec future;
	struct cert_spec salt32;
	struct cert_spec no_trailer;

	ask.kind = CERT_ASK;
	ask.subject = "TEST-ONLY ASK";
	ask.serial = 2;
	ask.subject_key = ask_key;
	vcek.kind = CERT_VCEK;
	vcek.subject = "TEST-ONLY VCEK";
	vcek.issuer = "TEST-ONLY ASK";
	vcek.serial = 3;
	vcek.subject_key = vcek_key;
	vcek.issuer_key = ask_key;
	expired = vcek;
	expired.serial = 4;
	expired.not_before = EXPIRED_FROM;
	expired.not_after = EXPIRED_TO;
	future = vcek;
	future.serial = 5;
	future.not_before = FUTURE_FROM;
	future.not_after = FUTURE_TO;
	salt32 = vcek;
	salt32.serial = 6;
	salt32.salt_len = 32;
	no_trailer = vcek;
	no_trailer.serial = 7;
	no_trailer.with_trailer = false;

	if (make_rsa_key(ark_key, "test ark") != 0 || make_rsa_key(ask_key, "test ask") != 0 ||
	    make_vcek_key(vcek_key, tc->vcek_private) != 0) {
		fprintf(stderr, "svsm-attest-gen: key generation failed\n");
		return -1;
	}
	if (make_cert(&ark, &tc->ark) != 0 || make_cert(&ask, &tc->ask) != 0 ||
	    make_cert(&vcek, &tc->vcek) != 0 || make_cert(&expired, &tc->vcek_expired) != 0 ||
	    make_cert(&future, &tc->vcek_future) != 0 ||
	    make_cert(&salt32, &tc->vcek_salt32) != 0 ||
	    make_cert(&no_trailer, &tc->vcek_no_trailer) != 0) {
		fprintf(stderr, "svsm-attest-gen: certificate creation failed\n");
		return -1;
	}
	/* Like AMD KDS: ASK first, then ARK. */
	if (append_pem(tc->chain_pem, sizeof(tc->chain_pem), &tc->chain_pem_len, &tc->ask) != 0 ||
	    append_pem(tc->chain_pem, sizeof(tc->chain_pem), &tc->chain_pem_len, &tc->ark) != 0) {
		fprintf(stderr, "svsm-attest-gen: PEM encoding failed\n");
		return -1;
	}
	return mbedtls_sha512(tc->ark.buf, tc->ark.len, tc->ark_sha384, 1);
}

static int gen_test_chain(const char *out_dir)
{
	static struct test_chain tc;
	mbedtls_pk_context keys[3];
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		mbedtls_pk_init(&keys[i]);
	}
	ret = build_chain(&tc, &keys[0], &keys[1], &keys[2]);
	if (ret == 0) {
		ret = write_file(out_dir, "test-ark.der", tc.ark.buf, tc.ark.len) ||
		      write_file(out_dir, "test-ask.der", tc.ask.buf, tc.ask.len) ||
		      write_file(out_dir, "test-vcek.der", tc.vcek.buf, tc.vcek.len) ||
		      write_file(out_dir, "test-chain.pem", tc.chain_pem, tc.chain_pem_len) ||
		      write_emu_keys_c(out_dir, &tc) || write_test_certs_c(out_dir, &tc);
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		mbedtls_pk_free(&keys[i]);
	}
	return ret == 0 ? 0 : 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: svsm-attest-gen gen-test-chain --out-dir DIR\n"
		   "  Writes the emulated PSP's TEST-ONLY chain (test-ark.der, test-ask.der,\n"
		   "  test-vcek.der, test-chain.pem), emu_keys.c and emu_test_certs.c into DIR.\n"
		   "  Deterministic: the same seed gives the same bytes.\n"
		   "usage: svsm-attest-gen embed-fixtures --out FILE.c FIXTURE...\n"
		   "  Writes the fixtures as C arrays for in-guest tests.\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "embed-fixtures") == 0) {
		return embed_fixtures(argc - 2, argv + 2);
	}
	if (argc != 4 || strcmp(argv[1], "gen-test-chain") != 0 ||
	    strcmp(argv[2], "--out-dir") != 0) {
		usage(stderr);
		return 2;
	}
	return gen_test_chain(argv[3]);
}
