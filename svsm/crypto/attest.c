/* SPDX-License-Identifier: MIT */
/* Attested key agreement (see attest.h for the message flow). */
#include "attest.h"

#include <string.h>

#include "svsm/log.h"

static const char *const status_strings[] = {
    [ATTEST_OK] = "ok",
    [ATTEST_ERR_STATE] = "attestation step called out of order or after a failure",
    [ATTEST_ERR_CRYPTO] = "crypto primitive failed",
    [ATTEST_ERR_OWN_REPORT] = "our own report is malformed or binds other REPORT_DATA",
    [ATTEST_ERR_REPORT] = "peer report or certificate chain does not verify",
    [ATTEST_ERR_BINDING] =
	"peer REPORT_DATA does not bind its key, our nonce, its role and the transcript",
    [ATTEST_ERR_POLICY] = "peer does not meet the migration policy",
};

/* docs/policy.md documents the REPORT_DATA input byte by byte; keep it that way. */
_Static_assert(sizeof(ATTEST_LABEL) - 1 == 22, "REPORT_DATA label is 22 bytes");
_Static_assert(CRYPTO_SHA512_LEN == SNP_REPORT_DATA_LEN, "REPORT_DATA is one SHA-512");

const char *attest_status_str(enum attest_status status)
{
	if ((size_t)status >= ARRAY_SIZE(status_strings) || status_strings[status] == NULL) {
		return "unknown attest_status";
	}
	return status_strings[status];
}

enum crypto_status attest_report_data(enum crypto_role role,
				      const uint8_t public_key[CRYPTO_P384_PUB_LEN],
				      const uint8_t peer_nonce[ATTEST_NONCE_LEN],
				      const uint8_t transcript[CRYPTO_SHA384_LEN],
				      uint8_t out[SNP_REPORT_DATA_LEN])
{
	/* Every field has a fixed size, so the concatenation is unambiguous. */
	uint8_t input[sizeof(ATTEST_LABEL) - 1 + 1 + CRYPTO_P384_PUB_LEN + ATTEST_NONCE_LEN +
		      CRYPTO_SHA384_LEN];
	size_t off = 0;

	memcpy(input, ATTEST_LABEL, sizeof(ATTEST_LABEL) - 1);
	off += sizeof(ATTEST_LABEL) - 1;
	input[off++] = (uint8_t)role;
	memcpy(input + off, public_key, CRYPTO_P384_PUB_LEN);
	off += CRYPTO_P384_PUB_LEN;
	memcpy(input + off, peer_nonce, ATTEST_NONCE_LEN);
	off += ATTEST_NONCE_LEN;
	memcpy(input + off, transcript, CRYPTO_SHA384_LEN);
	return crypto_sha512(input, sizeof(input), out);
}

/* Every log line about an emulated peer says so. */
static const char *emulated_note(const struct attest_ctx *ctx)
{
	return ctx->peer.emulated ? " [peer report is EMULATED: it proves nothing]" : "";
}

/* A failed step ends the exchange: the ephemeral key goes at once, and no later step runs. */
static enum attest_status fail(struct attest_ctx *ctx, enum attest_status status)
{
	crypto_ecdh_free(&ctx->ecdh);
	ctx->state = ATTEST_STATE_FAILED;
	LOG_INFO("attest: %s%s\n", attest_status_str(status), emulated_note(ctx));
	return status;
}

static enum attest_status fail_crypto(struct attest_ctx *ctx, enum crypto_status status)
{
	ctx->crypto_status = status;
	return fail(ctx, ATTEST_ERR_CRYPTO);
}

static enum crypto_role peer_role(enum crypto_role role)
{
	return role == CRYPTO_ROLE_SOURCE ? CRYPTO_ROLE_TARGET : CRYPTO_ROLE_SOURCE;
}

enum attest_status attest_begin(struct attest_ctx *ctx, enum crypto_role role,
				const struct migration_policy *policy,
				const uint8_t *emulated_ark_sha384,
				uint8_t nonce_out[ATTEST_NONCE_LEN])
{
	enum crypto_status status;

	memset(ctx, 0, sizeof(*ctx));
	memset(nonce_out, 0, ATTEST_NONCE_LEN);
	if (policy == NULL || (role != CRYPTO_ROLE_SOURCE && role != CRYPTO_ROLE_TARGET)) {
		return fail(ctx, ATTEST_ERR_STATE);
	}
	ctx->role = role;
	ctx->policy = policy;
	ctx->trust.allow_emulated = (policy->flags & POLICY_FLAG_ALLOW_EMULATED) != 0;
	ctx->trust.emulated_ark_sha384 = emulated_ark_sha384;
	status = crypto_random(ctx->own_nonce, sizeof(ctx->own_nonce));
	if (status != CRYPTO_OK) {
		return fail_crypto(ctx, status);
	}
	memcpy(nonce_out, ctx->own_nonce, ATTEST_NONCE_LEN);
	ctx->state = ATTEST_STATE_BEGUN;
	return ATTEST_OK;
}

enum attest_status attest_bind_key(struct attest_ctx *ctx,
				   const uint8_t peer_nonce[ATTEST_NONCE_LEN],
				   const uint8_t transcript[CRYPTO_SHA384_LEN],
				   uint8_t report_data_out[SNP_REPORT_DATA_LEN])
{
	enum crypto_status status;

	memset(report_data_out, 0, SNP_REPORT_DATA_LEN);
	if (ctx->state != ATTEST_STATE_BEGUN) {
		return fail(ctx, ATTEST_ERR_STATE);
	}
	status = crypto_ecdh_generate(&ctx->ecdh, ctx->own_public);
	if (status == CRYPTO_OK) {
		status = attest_report_data(ctx->role, ctx->own_public, peer_nonce, transcript,
					    ctx->own_report_data);
	}
	if (status != CRYPTO_OK) {
		return fail_crypto(ctx, status);
	}
	memcpy(report_data_out, ctx->own_report_data, SNP_REPORT_DATA_LEN);
	ctx->state = ATTEST_STATE_KEY_BOUND;
	return ATTEST_OK;
}

/* Our own report is needed for the "same measurement" and "no downgrade" rules. */
enum attest_status attest_set_own_report(struct attest_ctx *ctx, const uint8_t *report,
					 size_t report_len)
{
	if (ctx->state != ATTEST_STATE_KEY_BOUND) {
		return fail(ctx, ATTEST_ERR_STATE);
	}
	ctx->snp_status = snp_report_parse(report, report_len, &ctx->own_report);
	if (ctx->snp_status != SNP_OK ||
	    memcmp(ctx->own_report.report_data, ctx->own_report_data, SNP_REPORT_DATA_LEN) != 0) {
		return fail(ctx, ATTEST_ERR_OWN_REPORT);
	}
	ctx->state = ATTEST_STATE_OWN_REPORT;
	return ATTEST_OK;
}

const uint8_t *attest_own_public_key(const struct attest_ctx *ctx)
{
	return ctx->own_public;
}

static enum attest_status check_binding(struct attest_ctx *ctx,
					const uint8_t peer_transcript[CRYPTO_SHA384_LEN])
{
	uint8_t expected[SNP_REPORT_DATA_LEN];
	enum crypto_status status;

	status = attest_report_data(peer_role(ctx->role), ctx->peer_public, ctx->own_nonce,
				    peer_transcript, expected);
	if (status != CRYPTO_OK) {
		return fail_crypto(ctx, status);
	}
	if (!crypto_ct_equal(expected, ctx->peer.report.report_data, sizeof(expected))) {
		return fail(ctx, ATTEST_ERR_BINDING);
	}
	return ATTEST_OK;
}

static enum attest_status check_policy(struct attest_ctx *ctx)
{
	const struct policy_subject subject = {
	    .peer = &ctx->peer.report,
	    .peer_emulated = ctx->peer.emulated,
	    .self = &ctx->own_report,
	    .self_role = ctx->role,
	};

	if (policy_evaluate(ctx->policy, &subject, &ctx->verdict) != POLICY_OK) {
		LOG_INFO("attest: policy: %s%s\n", policy_status_str(ctx->verdict.result),
			 emulated_note(ctx));
		return fail(ctx, ATTEST_ERR_POLICY);
	}
	return ATTEST_OK;
}

enum attest_status attest_verify_peer(struct attest_ctx *ctx, const struct attest_evidence *peer,
				      const uint8_t peer_transcript[CRYPTO_SHA384_LEN])
{
	enum attest_status status;

	if (ctx->state != ATTEST_STATE_OWN_REPORT) {
		return fail(ctx, ATTEST_ERR_STATE);
	}
	if (peer->public_key_len != CRYPTO_P384_PUB_LEN) {
		return fail(ctx, ATTEST_ERR_BINDING);
	}
	memcpy(ctx->peer_public, peer->public_key, CRYPTO_P384_PUB_LEN);
	ctx->snp_status =
	    snp_report_verify(peer->report, peer->report_len, peer->vcek_der, peer->vcek_len,
			      peer->chain_pem, peer->chain_len, &ctx->trust, &ctx->peer);
	if (ctx->snp_status != SNP_OK) {
		LOG_INFO("attest: peer report: %s%s\n", snp_status_str(ctx->snp_status),
			 emulated_note(ctx));
		return fail(ctx, ATTEST_ERR_REPORT);
	}
	status = check_binding(ctx, peer_transcript);
	if (status == ATTEST_OK) {
		status = check_policy(ctx);
	}
	if (status != ATTEST_OK) {
		return status;
	}
	if (ctx->peer.emulated) {
		LOG_INFO("attest: peer accepted on an EMULATED report: this proves nothing\n");
	}
	ctx->state = ATTEST_STATE_PEER_VERIFIED;
	return ATTEST_OK;
}

enum attest_status attest_derive(struct attest_ctx *ctx,
				 const uint8_t transcript[CRYPTO_SHA384_LEN], uint32_t channels,
				 struct crypto_session_keys *keys)
{
	uint8_t secret[CRYPTO_ECDH_SECRET_LEN];
	enum crypto_status status;

	memset(keys, 0, sizeof(*keys));
	if (ctx->state != ATTEST_STATE_PEER_VERIFIED) {
		return fail(ctx, ATTEST_ERR_STATE);
	}
	status = crypto_ecdh_shared(&ctx->ecdh, ctx->peer_public, secret);
	if (status == CRYPTO_OK) {
		status = crypto_key_schedule(secret, transcript, channels, keys);
	}
	crypto_wipe(secret, sizeof(secret));
	/* One key agreement per ephemeral key: it is not needed any more either way. */
	crypto_ecdh_free(&ctx->ecdh);
	if (status != CRYPTO_OK) {
		crypto_session_keys_wipe(keys);
		return fail_crypto(ctx, status);
	}
	ctx->state = ATTEST_STATE_DONE;
	return ATTEST_OK;
}

void attest_end(struct attest_ctx *ctx)
{
	crypto_ecdh_free(&ctx->ecdh);
	crypto_wipe(ctx, sizeof(*ctx));
}
