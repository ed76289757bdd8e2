/* SPDX-License-Identifier: MIT */
/*
 * One migration session as both ends see it: the rings of every channel, sequence numbers per
 * channel and direction, the handshake (HELLO, ATTEST, KEYCONFIRM) and the per-channel keys.
 * Sending and receiving block with timeouts and keep taking host commands, so that a host ABORT
 * or a stalled peer ends a wait.
 */
#ifndef SVSM_MIGRATE_SESSION_H
#define SVSM_MIGRATE_SESSION_H

#include "svsm/crypto/attest.h"
#include "svsm/crypto/crypto.h"
#include "svsm/crypto/policy.h"
#include "svsm/migrate/control.h"
#include "svsm/migrate/record.h"
#include "svsm/migrate/ring.h"
#include "svsm/migrate_abi.h"

#define MIG_HANDSHAKE_TIMEOUT_NS (60ULL * 1000000000ULL)
#define MIG_IO_TIMEOUT_NS	 (30ULL * 1000000000ULL)
#define MIG_STAGING_MAX		 (MIG_PAGES_PER_RECORD * PAGE_SIZE)

struct mig_session {
	enum crypto_role role;
	uint32_t channels;
	struct mig_control_svsm *ctl;
	const struct migration_policy *policy;
	struct mig_command_req req;
	bool aborting_allowed; /* host ABORT still honoured (source: until GO is sent) */
	struct mig_ring out[MIG_MAX_CHANNELS];
	struct mig_ring in[MIG_MAX_CHANNELS];
	uint64_t tx_seq[MIG_MAX_CHANNELS];
	uint64_t rx_seq[MIG_MAX_CHANNELS];
	bool keys_ready;
	struct crypto_aead tx_key[MIG_MAX_CHANNELS];
	struct crypto_aead rx_key[MIG_MAX_CHANNELS];
	struct crypto_sha384_ctx transcript;
	struct attest_ctx attest;
	struct mig_counters counters;
	uint64_t start_ns;
	uint64_t last_publish_ns;
};

/* Prepares a session over the region's rings (all channels, so a HELLO can be read before the
 * channel count is known). */
enum mig_error mig_session_open(struct mig_session *s, enum crypto_role role, void *region,
				struct mig_control_svsm *ctl, const struct migration_policy *policy,
				const struct mig_command_req *req);
/* Wipes keys, the attestation context and the transcript. */
void mig_session_close(struct mig_session *s);

/* Runs the handshake of s->role; on success the keys are ready and s->channels is agreed. */
enum mig_error mig_session_handshake(struct mig_session *s);

/* Sends rec (type and channel set by the caller; seq assigned here), sealing plaintext when the
 * type is sealed. */
enum mig_error mig_session_send(struct mig_session *s, struct mig_record *rec,
				const void *plaintext, size_t len);
/* Receives the next record of `channel` into rec (backed by the session's receive buffer,
 * valid until the next receive), checks its channel and sequence, and opens its body into
 * plaintext (cap bytes; *len gets the size). timeout 0 means: return MIG_ERR_NONE with
 * *got = false at once when nothing is there. */
enum mig_error mig_session_recv(struct mig_session *s, uint32_t channel, struct mig_record *rec,
				void *plaintext, size_t cap, size_t *len, uint64_t timeout_ns,
				bool *got);

/* Sends an authenticated ABORT so the peer stops at once instead of timing out. Best effort and
 * without waiting (the failure may be the link itself); nothing before the keys exist, nothing in
 * reply to the peer's own ABORT. */
void mig_session_send_abort(struct mig_session *s, enum mig_error reason);

/* mig_session_send() only if the ring has a free slot now (*sent says which): a side that must
 * never block on the host, like the target acknowledging rounds, tries again later. Nothing is
 * sealed, and no sequence number used, when the ring is full. */
enum mig_error mig_session_try_send(struct mig_session *s, struct mig_record *rec, bool *sent);

/* Takes pending host commands; MIG_ERR_HOST_ABORT when an ABORT arrived and is still honoured. */
enum mig_error mig_session_poll_host(struct mig_session *s);
/* Publishes counters (rate-limited) for the agent's progress line. */
void mig_session_publish(struct mig_session *s, bool force);

#endif
