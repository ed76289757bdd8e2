/* SPDX-License-Identifier: MIT */
/*
 * Attested key agreement, the building block of the migration handshake. No I/O: the protocol
 * code moves the messages and obtains reports from plat_attest_report().
 *
 *   1. attest_begin(): role, policy and trust; makes our nonce (send it to the peer).
 *   2. attest_bind_key(peer_nonce, transcript): makes our ephemeral ECDH key and returns the
 *      REPORT_DATA to request: SHA-512(label || role || our public key || peer nonce ||
 *      transcript hash), each field fixed-size (ATTEST_* below).
 *   3. attest_set_own_report(): the report plat_attest_report() returned for that REPORT_DATA.
 *      Send (report, VCEK, chain, public key) to the peer.
 *   4. attest_verify_peer(): the peer's evidence and the transcript hash it bound. Checks the
 *      signature chain, the binding to our nonce and the peer's role, then the migration policy.
 *   5. attest_derive(): ECDH + crypto_key_schedule() over the final transcript hash; only after 4.
 *   6. attest_end(): wipes everything. Any failure also wipes the ECDH key at once.
 */
#ifndef SVSM_CRYPTO_ATTEST_H
#define SVSM_CRYPTO_ATTEST_H

#include "crypto.h"
#include "policy.h"
#include "snp_report.h"

#define ATTEST_LABEL	 "svsm-migrate attest v1" /* hashed without its terminator */
#define ATTEST_NONCE_LEN 32U

enum attest_status {
	ATTEST_OK = 0,
	ATTEST_ERR_STATE,      /* called out of order, or after a failure */
	ATTEST_ERR_CRYPTO,     /* a crypto primitive failed (see crypto_status) */
	ATTEST_ERR_OWN_REPORT, /* our own report is malformed or binds other REPORT_DATA */
	ATTEST_ERR_REPORT,     /* the peer's report or chain does not verify (see snp_status) */
	ATTEST_ERR_BINDING,    /* the peer's REPORT_DATA does not bind this key, nonce, role and
				  transcript (wrong key, replayed or reflected report) */
	ATTEST_ERR_POLICY,     /* the peer does not meet the migration policy (see verdict) */
};

const char *attest_status_str(enum attest_status status);

/* What a side sends to its peer. Pointers refer to the caller's private copy of the message. */
struct attest_evidence {
	const uint8_t *report; /* SNP_REPORT_SIZE bytes */
	size_t report_len;
	const uint8_t *vcek_der;
	size_t vcek_len;
	const uint8_t *chain_pem;
	size_t chain_len;
	const uint8_t *public_key; /* CRYPTO_P384_PUB_LEN bytes */
	size_t public_key_len;
};

enum attest_state {
	ATTEST_STATE_IDLE = 0,
	ATTEST_STATE_BEGUN,
	ATTEST_STATE_KEY_BOUND,
	ATTEST_STATE_OWN_REPORT,
	ATTEST_STATE_PEER_VERIFIED,
	ATTEST_STATE_DONE,
	ATTEST_STATE_FAILED,
};

struct attest_ctx {
	enum attest_state state;
	enum crypto_role role;
	const struct migration_policy *policy;
	struct snp_trust trust;
	uint8_t own_nonce[ATTEST_NONCE_LEN];
	uint8_t own_public[CRYPTO_P384_PUB_LEN];
	uint8_t own_report_data[SNP_REPORT_DATA_LEN];
	struct snp_report own_report;
	struct crypto_ecdh ecdh; /* the ephemeral private key */
	uint8_t peer_public[CRYPTO_P384_PUB_LEN];
	struct snp_verified_report peer;
	/* Why the last step failed, for logs and tests. */
	enum crypto_status crypto_status;
	enum snp_status snp_status;
	struct policy_verdict verdict;
};

/* emulated_ark_sha384: emu_psp_ark_sha384() where an emulated PSP exists, else NULL. The test
 * ARK is trusted only when the policy also allows emulated reports. */
enum attest_status attest_begin(struct attest_ctx *ctx, enum crypto_role role,
				const struct migration_policy *policy,
				const uint8_t *emulated_ark_sha384,
				uint8_t nonce_out[ATTEST_NONCE_LEN]);

enum attest_status attest_bind_key(struct attest_ctx *ctx,
				   const uint8_t peer_nonce[ATTEST_NONCE_LEN],
				   const uint8_t transcript[CRYPTO_SHA384_LEN],
				   uint8_t report_data_out[SNP_REPORT_DATA_LEN]);

enum attest_status attest_set_own_report(struct attest_ctx *ctx, const uint8_t *report,
					 size_t report_len);

/* Our public key, to send with our evidence (valid from attest_bind_key() on). */
const uint8_t *attest_own_public_key(const struct attest_ctx *ctx);

enum attest_status attest_verify_peer(struct attest_ctx *ctx, const struct attest_evidence *peer,
				      const uint8_t peer_transcript[CRYPTO_SHA384_LEN]);

enum attest_status attest_derive(struct attest_ctx *ctx,
				 const uint8_t transcript[CRYPTO_SHA384_LEN], uint32_t channels,
				 struct crypto_session_keys *keys);

/* Wipes the whole context (keys, nonces, reports). Safe on any state. */
void attest_end(struct attest_ctx *ctx);

/* The REPORT_DATA a side with this role, key, peer nonce and transcript must bind. */
enum crypto_status attest_report_data(enum crypto_role role,
				      const uint8_t public_key[CRYPTO_P384_PUB_LEN],
				      const uint8_t peer_nonce[ATTEST_NONCE_LEN],
				      const uint8_t transcript[CRYPTO_SHA384_LEN],
				      uint8_t out[SNP_REPORT_DATA_LEN]);

#endif
