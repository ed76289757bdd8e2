/* SPDX-License-Identifier: MIT */
/*
 * Attested key agreement between a source and a target, both on the emulated PSP, driven message
 * by message the way the migration protocol drives it.
 */
#include <string.h>

#include "svsm/test.h"

#include "crypto/attest.h"
#include "crypto/emu_psp.h"

#define CHANNELS 4

struct side {
	struct attest_ctx ctx;
	uint8_t nonce[ATTEST_NONCE_LEN];
	uint8_t report[SNP_REPORT_SIZE];
	struct attest_evidence evidence;
	struct crypto_session_keys keys;
};

struct exchange {
	struct migration_policy policy;
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN]; /* hash of the messages so far */
	uint8_t final_transcript[CRYPTO_SHA384_LEN];
	struct side source;
	struct side target;
};

static struct exchange ex;

static void make_policy(struct migration_policy *policy)
{
	memset(policy, 0, sizeof(*policy));
	policy->flags = POLICY_FLAG_ALLOW_EMULATED | POLICY_FLAG_SAME_MEASUREMENT |
			POLICY_FLAG_NO_TCB_DOWNGRADE;
	policy->guest_policy_required = SNP_POLICY_RESERVED_ONE;
}

/* Ends whatever exchange the side had (freeing its key) and starts a new one. */
static bool begin(struct side *side, enum crypto_role role)
{
	attest_end(&side->ctx);
	return attest_begin(&side->ctx, role, &ex.policy, emu_psp_ark_sha384(), side->nonce) ==
	       ATTEST_OK;
}

/* Binds the key to the peer's nonce and the transcript, then "asks the PSP" for the report. */
static bool bind_and_report(struct side *side, const uint8_t *peer_nonce, uint32_t vmpl)
{
	uint8_t report_data[SNP_REPORT_DATA_LEN];
	const uint8_t *vcek;
	const uint8_t *chain;
	size_t vcek_len;
	size_t chain_len;

	if (attest_bind_key(&side->ctx, peer_nonce, ex.transcript, report_data) != ATTEST_OK ||
	    emu_psp_report(ex.measurement, report_data, vmpl, side->report) != CRYPTO_OK ||
	    attest_set_own_report(&side->ctx, side->report, sizeof(side->report)) != ATTEST_OK) {
		return false;
	}
	emu_psp_certs(&vcek, &vcek_len, &chain, &chain_len);
	side->evidence = (struct attest_evidence){
	    .report = side->report,
	    .report_len = sizeof(side->report),
	    .vcek_der = vcek,
	    .vcek_len = vcek_len,
	    .chain_pem = chain,
	    .chain_len = chain_len,
	    .public_key = attest_own_public_key(&side->ctx),
	    .public_key_len = CRYPTO_P384_PUB_LEN,
	};
	return true;
}

/* Both sides up to the point where each holds the other's evidence. */
static bool setup_exchange(void)
{
	attest_end(&ex.source.ctx);
	attest_end(&ex.target.ctx);
	memset(&ex, 0, sizeof(ex));
	make_policy(&ex.policy);
	memset(ex.measurement, 0x5A, sizeof(ex.measurement));
	memset(ex.transcript, 0x77, sizeof(ex.transcript));
	memset(ex.final_transcript, 0x78, sizeof(ex.final_transcript));
	if (crypto_init() != CRYPTO_OK) {
		return false;
	}
	return begin(&ex.source, CRYPTO_ROLE_SOURCE) && begin(&ex.target, CRYPTO_ROLE_TARGET) &&
	       bind_and_report(&ex.source, ex.target.nonce, 0) &&
	       bind_and_report(&ex.target, ex.source.nonce, 0);
}

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *bytes = p;

	for (size_t i = 0; i < len; i++) {
		if (bytes[i] != 0) {
			return false;
		}
	}
	return true;
}

TEST(attest, both_sides_derive_the_same_keys)
{
	ASSERT_TRUE(setup_exchange());
	ASSERT_EQ(attest_verify_peer(&ex.source.ctx, &ex.target.evidence, ex.transcript),
		  ATTEST_OK);
	ASSERT_EQ(attest_verify_peer(&ex.target.ctx, &ex.source.evidence, ex.transcript),
		  ATTEST_OK);
	EXPECT_TRUE(ex.source.ctx.peer.emulated);
	ASSERT_EQ(attest_derive(&ex.source.ctx, ex.final_transcript, CHANNELS, &ex.source.keys),
		  ATTEST_OK);
	ASSERT_EQ(attest_derive(&ex.target.ctx, ex.final_transcript, CHANNELS, &ex.target.keys),
		  ATTEST_OK);
	EXPECT_EQ(ex.source.keys.channels, (uint32_t)CHANNELS);
	EXPECT_MEMEQ(ex.source.keys.source_to_target, ex.target.keys.source_to_target,
		     sizeof(ex.source.keys.source_to_target));
	EXPECT_MEMEQ(ex.source.keys.target_to_source, ex.target.keys.target_to_source,
		     sizeof(ex.source.keys.target_to_source));
	EXPECT_MEMEQ(ex.source.keys.confirm_source, ex.target.keys.confirm_source,
		     sizeof(ex.source.keys.confirm_source));
	EXPECT_FALSE(all_zero(ex.source.keys.source_to_target[0], CRYPTO_AEAD_KEY_LEN));
	EXPECT_NE(memcmp(ex.source.keys.source_to_target[0], ex.source.keys.target_to_source[0],
			 CRYPTO_AEAD_KEY_LEN),
		  0);
	crypto_session_keys_wipe(&ex.source.keys);
	crypto_session_keys_wipe(&ex.target.keys);
	attest_end(&ex.source.ctx);
	attest_end(&ex.target.ctx);
}

TEST(attest, report_data_is_the_documented_hash)
{
	uint8_t pub[CRYPTO_P384_PUB_LEN];
	uint8_t nonce[ATTEST_NONCE_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];
	uint8_t input[22 + 1 + CRYPTO_P384_PUB_LEN + ATTEST_NONCE_LEN + CRYPTO_SHA384_LEN];
	uint8_t expect[SNP_REPORT_DATA_LEN];
	uint8_t got[SNP_REPORT_DATA_LEN];
	static const char label[] = "svsm-migrate attest v1"; /* hashed without its NUL */

	_Static_assert(sizeof(label) - 1 == 22, "label length");
	memset(pub, 4, sizeof(pub));
	memset(nonce, 5, sizeof(nonce));
	memset(transcript, 6, sizeof(transcript));
	memcpy(input, label, sizeof(label) - 1);
	input[22] = 1;
	memcpy(input + 23, pub, sizeof(pub));
	memcpy(input + 23 + sizeof(pub), nonce, sizeof(nonce));
	memcpy(input + 23 + sizeof(pub) + sizeof(nonce), transcript, sizeof(transcript));
	ASSERT_EQ(crypto_sha512(input, sizeof(input), expect), CRYPTO_OK);
	ASSERT_EQ(attest_report_data(CRYPTO_ROLE_TARGET, pub, nonce, transcript, got), CRYPTO_OK);
	EXPECT_MEMEQ(got, expect, sizeof(got));
}

static void expect_binding_failure(struct side *verifier, const struct attest_evidence *evidence,
				   const uint8_t *transcript)
{
	struct crypto_session_keys keys;

	EXPECT_EQ(attest_verify_peer(&verifier->ctx, evidence, transcript), ATTEST_ERR_BINDING);
	EXPECT_EQ(verifier->ctx.state, ATTEST_STATE_FAILED);
	EXPECT_FALSE(verifier->ctx.ecdh.ready);
	EXPECT_EQ(attest_derive(&verifier->ctx, ex.final_transcript, CHANNELS, &keys),
		  ATTEST_ERR_STATE);
	EXPECT_TRUE(all_zero(&keys, sizeof(keys)));
}

TEST(attest, a_public_key_other_than_the_bound_one_is_rejected)
{
	struct attest_evidence evidence;
	uint8_t other_pub[CRYPTO_P384_PUB_LEN];
	struct crypto_ecdh other;

	ASSERT_TRUE(setup_exchange());
	ASSERT_EQ(crypto_ecdh_generate(&other, other_pub), CRYPTO_OK);
	crypto_ecdh_free(&other);
	evidence = ex.target.evidence;
	evidence.public_key = other_pub;
	expect_binding_failure(&ex.source, &evidence, ex.transcript);
}

TEST(attest, a_report_bound_to_another_nonce_is_rejected)
{
	uint8_t wrong_nonce[ATTEST_NONCE_LEN];

	ASSERT_TRUE(setup_exchange());
	/* The target binds a nonce other than the one the source sent. */
	memcpy(wrong_nonce, ex.source.nonce, sizeof(wrong_nonce));
	wrong_nonce[0] ^= 1;
	ASSERT_TRUE(begin(&ex.target, CRYPTO_ROLE_TARGET));
	ASSERT_TRUE(bind_and_report(&ex.target, wrong_nonce, 0));
	expect_binding_failure(&ex.source, &ex.target.evidence, ex.transcript);
}

TEST(attest, a_report_bound_to_another_transcript_is_rejected)
{
	uint8_t other_transcript[CRYPTO_SHA384_LEN];

	ASSERT_TRUE(setup_exchange());
	memcpy(other_transcript, ex.transcript, sizeof(other_transcript));
	other_transcript[47] ^= 0x80;
	expect_binding_failure(&ex.source, &ex.target.evidence, other_transcript);
}

TEST(attest, a_peer_claiming_our_role_is_rejected)
{
	ASSERT_TRUE(setup_exchange());
	/* Another "source" answers the source; so does the source's own evidence reflected back. */
	ASSERT_TRUE(begin(&ex.target, CRYPTO_ROLE_SOURCE));
	ASSERT_TRUE(bind_and_report(&ex.target, ex.source.nonce, 0));
	expect_binding_failure(&ex.source, &ex.target.evidence, ex.transcript);

	ASSERT_TRUE(setup_exchange());
	expect_binding_failure(&ex.source, &ex.source.evidence, ex.transcript);
}

TEST(attest, a_report_replayed_from_an_earlier_session_is_rejected)
{
	static uint8_t old_report[SNP_REPORT_SIZE];
	static uint8_t old_pub[CRYPTO_P384_PUB_LEN];
	struct attest_evidence replay;

	ASSERT_TRUE(setup_exchange());
	memcpy(old_report, ex.target.report, sizeof(old_report));
	memcpy(old_pub, attest_own_public_key(&ex.target.ctx), sizeof(old_pub));

	/* A new session: the source's nonce is fresh, so the old report no longer binds it. */
	ASSERT_TRUE(setup_exchange());
	replay = ex.target.evidence;
	replay.report = old_report;
	replay.public_key = old_pub;
	expect_binding_failure(&ex.source, &replay, ex.transcript);
}

TEST(attest, policy_failures_stop_the_exchange_before_any_key)
{
	struct crypto_session_keys keys;

	ASSERT_TRUE(setup_exchange());
	/* Our own image differs from the peer's, and nothing else is allowed. */
	memset(ex.source.ctx.own_report.measurement, 0x11, SNP_MEASUREMENT_LEN);
	EXPECT_EQ(attest_verify_peer(&ex.source.ctx, &ex.target.evidence, ex.transcript),
		  ATTEST_ERR_POLICY);
	EXPECT_EQ(ex.source.ctx.verdict.result, POLICY_ERR_MEASUREMENT_NOT_ALLOWED);
	EXPECT_FALSE(ex.source.ctx.ecdh.ready);
	EXPECT_EQ(attest_derive(&ex.source.ctx, ex.final_transcript, CHANNELS, &keys),
		  ATTEST_ERR_STATE);

	/* A peer report requested at VMPL1. */
	ASSERT_TRUE(setup_exchange());
	ASSERT_TRUE(begin(&ex.target, CRYPTO_ROLE_TARGET));
	ASSERT_TRUE(bind_and_report(&ex.target, ex.source.nonce, 1));
	EXPECT_EQ(attest_verify_peer(&ex.source.ctx, &ex.target.evidence, ex.transcript),
		  ATTEST_ERR_POLICY);
	EXPECT_EQ(ex.source.ctx.verdict.result, POLICY_ERR_VMPL);
}

TEST(attest, emulated_peers_are_refused_unless_the_policy_allows_them)
{
	ASSERT_TRUE(setup_exchange());
	ex.policy.flags &= ~POLICY_FLAG_ALLOW_EMULATED;
	/* The trust decision is taken at attest_begin() from the policy. */
	ASSERT_TRUE(begin(&ex.source, CRYPTO_ROLE_SOURCE));
	ASSERT_TRUE(bind_and_report(&ex.source, ex.target.nonce, 0));
	EXPECT_EQ(attest_verify_peer(&ex.source.ctx, &ex.target.evidence, ex.transcript),
		  ATTEST_ERR_REPORT);
	EXPECT_EQ(ex.source.ctx.snp_status, SNP_ERR_EMULATED_NOT_ALLOWED);
	EXPECT_FALSE(ex.source.ctx.ecdh.ready);
}

TEST(attest, a_tampered_peer_report_is_rejected)
{
	ASSERT_TRUE(setup_exchange());
	ex.target.report[0x95] ^= 0x01; /* in MEASUREMENT */
	EXPECT_EQ(attest_verify_peer(&ex.source.ctx, &ex.target.evidence, ex.transcript),
		  ATTEST_ERR_REPORT);
	EXPECT_EQ(ex.source.ctx.snp_status, SNP_ERR_REPORT_SIGNATURE);
}

TEST(attest, our_own_report_must_carry_our_binding)
{
	uint8_t report_data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];

	ASSERT_EQ(crypto_init(), CRYPTO_OK);
	make_policy(&ex.policy);
	ASSERT_TRUE(begin(&ex.source, CRYPTO_ROLE_SOURCE));
	ASSERT_EQ(attest_bind_key(&ex.source.ctx, ex.source.nonce, ex.transcript, report_data),
		  ATTEST_OK);
	report_data[0] ^= 1;
	ASSERT_EQ(emu_psp_report(ex.measurement, report_data, 0, report), CRYPTO_OK);
	EXPECT_EQ(attest_set_own_report(&ex.source.ctx, report, sizeof(report)),
		  ATTEST_ERR_OWN_REPORT);
	EXPECT_FALSE(ex.source.ctx.ecdh.ready);
}

TEST(attest, steps_out_of_order_are_refused)
{
	uint8_t report_data[SNP_REPORT_DATA_LEN];
	struct crypto_session_keys keys;

	ASSERT_TRUE(setup_exchange());
	/* Deriving before the peer is verified. */
	EXPECT_EQ(attest_derive(&ex.source.ctx, ex.final_transcript, CHANNELS, &keys),
		  ATTEST_ERR_STATE);
	EXPECT_EQ(ex.source.ctx.state, ATTEST_STATE_FAILED);
	/* Binding a second key in one exchange. */
	EXPECT_EQ(attest_bind_key(&ex.target.ctx, ex.source.nonce, ex.transcript, report_data),
		  ATTEST_ERR_STATE);
	/* Verifying before our own report is in. */
	ASSERT_TRUE(begin(&ex.source, CRYPTO_ROLE_SOURCE));
	EXPECT_EQ(attest_verify_peer(&ex.source.ctx, &ex.target.evidence, ex.transcript),
		  ATTEST_ERR_STATE);
}

TEST(attest, secrets_are_wiped_after_derive_and_at_the_end)
{
	ASSERT_TRUE(setup_exchange());
	ASSERT_EQ(attest_verify_peer(&ex.source.ctx, &ex.target.evidence, ex.transcript),
		  ATTEST_OK);
	EXPECT_TRUE(ex.source.ctx.ecdh.ready);
	ASSERT_EQ(attest_derive(&ex.source.ctx, ex.final_transcript, CHANNELS, &ex.source.keys),
		  ATTEST_OK);
	/* The ephemeral private key is gone as soon as the keys exist. */
	EXPECT_TRUE(all_zero(&ex.source.ctx.ecdh, sizeof(ex.source.ctx.ecdh)));
	/* A second derivation from the same exchange is impossible. */
	EXPECT_EQ(attest_derive(&ex.source.ctx, ex.final_transcript, CHANNELS, &ex.source.keys),
		  ATTEST_ERR_STATE);
	EXPECT_TRUE(all_zero(&ex.source.keys, sizeof(ex.source.keys)));

	attest_end(&ex.source.ctx);
	attest_end(&ex.target.ctx);
	EXPECT_TRUE(all_zero(&ex.source.ctx, sizeof(ex.source.ctx)));
	EXPECT_TRUE(all_zero(&ex.target.ctx, sizeof(ex.target.ctx)));
}
