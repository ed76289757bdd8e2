/* SPDX-License-Identifier: MIT */
#include "svsm/migrate/session.h"

#include <string.h>

#include "svsm/check.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#if !defined(SVSM_PLAT_SNP)
#include "svsm/crypto/emu_psp.h"
#endif

/* One session at a time: its record buffers are private SVSM memory. */
static uint8_t tx_buf[MIG_RECORD_MAX];
static uint8_t rx_buf[MIG_RECORD_MAX];
/* The peer's ATTEST must outlive the next receive while it is verified. */
static uint8_t peer_attest_buf[MIG_RECORD_MAX];
/* Our report, bound to our key, the peer's nonce and the transcript so far. */
static uint8_t own_report[SNP_REPORT_SIZE];

static const uint32_t stream_versions[] = {MIG_STREAM_VERSION};

static const uint8_t *emulated_root(void)
{
#if defined(SVSM_PLAT_SNP)
	return NULL;
#else
	return plat_attest_is_emulated() ? emu_psp_ark_sha384() : NULL;
#endif
}

enum mig_error mig_session_open(struct mig_session *s, enum crypto_role role, void *region,
				struct mig_control_svsm *ctl, const struct migration_policy *policy,
				const struct mig_command_req *req)
{
	memset(s, 0, sizeof(*s));
	s->role = role;
	s->ctl = ctl;
	s->policy = policy;
	s->req = *req;
	s->aborting_allowed = true;
	s->start_ns = plat_time_ns();
	for (uint32_t c = 0; c < MIG_MAX_CHANNELS; c++) {
		enum mig_error e = mig_ring_attach(&s->out[c], region, c, MIG_RING_OUT,
						   mig_ring_svsm_role(MIG_RING_OUT));

		if (e == MIG_ERR_NONE) {
			e = mig_ring_attach(&s->in[c], region, c, MIG_RING_IN,
					    mig_ring_svsm_role(MIG_RING_IN));
		}
		if (e != MIG_ERR_NONE) {
			return e;
		}
	}
	if (crypto_sha384_start(&s->transcript) != CRYPTO_OK) {
		return MIG_ERR_INTERNAL;
	}
	return MIG_ERR_NONE;
}

void mig_session_close(struct mig_session *s)
{
	for (uint32_t c = 0; c < MIG_MAX_CHANNELS; c++) {
		crypto_aead_free(&s->tx_key[c]);
		crypto_aead_free(&s->rx_key[c]);
	}
	attest_end(&s->attest);
	crypto_wipe(&s->transcript, sizeof(s->transcript));
	crypto_wipe(tx_buf, sizeof(tx_buf));
	crypto_wipe(rx_buf, sizeof(rx_buf));
	crypto_wipe(peer_attest_buf, sizeof(peer_attest_buf));
	crypto_wipe(own_report, sizeof(own_report));
	s->keys_ready = false;
}

void mig_session_publish(struct mig_session *s, bool force)
{
	uint64_t now = plat_time_ns();

	if (!force && now - s->last_publish_ns < 50000000ULL) {
		return;
	}
	s->last_publish_ns = now;
	s->counters.elapsed_ns = now - s->start_ns;
	if (s->counters.elapsed_ns > 0) {
		s->counters.bandwidth =
		    s->counters.bytes_sent * 1000000000ULL / s->counters.elapsed_ns;
	}
	mig_control_publish_counters(s->ctl, &s->counters);
}

enum mig_error mig_session_poll_host(struct mig_session *s)
{
	struct mig_command_req req;
	bool taken = false;
	enum mig_error e = mig_control_take_command(s->ctl, &req, &taken);

	if (!taken) {
		return MIG_ERR_NONE;
	}
	if (e == MIG_ERR_NONE && req.command == MIG_CMD_ABORT && s->aborting_allowed) {
		LOG_INFO("migrate: the host asked to abort\n");
		return MIG_ERR_HOST_ABORT;
	}
	LOG_DEBUG("migrate: host command ignored during a migration\n");
	return MIG_ERR_NONE;
}

/* Limits production to the host's bandwidth knob (bytes per second since the start). */
static void pace(struct mig_session *s)
{
	uint64_t bw = s->req.max_bandwidth;

	if (bw == MIG_BANDWIDTH_UNLIMITED) {
		return;
	}
	for (;;) {
		uint64_t elapsed = plat_time_ns() - s->start_ns;
		uint64_t allowed = (uint64_t)((__uint128_t)bw * elapsed / 1000000000ULL);

		if (s->counters.bytes_sent <= allowed) {
			return;
		}
		__asm__ volatile("pause");
	}
}

static enum mig_error send_raw(struct mig_session *s, uint32_t channel, const void *buf, size_t len)
{
	uint64_t deadline = plat_time_ns() + MIG_IO_TIMEOUT_NS;

	pace(s);
	for (;;) {
		bool produced = false;
		enum mig_error e = mig_ring_produce(&s->out[channel], buf, len, &produced);

		if (e != MIG_ERR_NONE) {
			return e;
		}
		if (produced) {
			s->counters.bytes_sent += len;
			return MIG_ERR_NONE;
		}
		e = mig_session_poll_host(s);
		if (e != MIG_ERR_NONE) {
			return e;
		}
		if (plat_time_ns() > deadline) {
			LOG_WARN("migrate: channel %u: the host stopped draining records\n",
				 channel);
			return MIG_ERR_TIMEOUT;
		}
		mig_session_publish(s, false);
		__asm__ volatile("pause");
	}
}

static bool is_handshake(enum mig_record_type type)
{
	return type == MIG_REC_HELLO || type == MIG_REC_ATTEST;
}

enum mig_error mig_session_send(struct mig_session *s, struct mig_record *rec,
				const void *plaintext, size_t len)
{
	uint32_t c = rec->channel;
	size_t out_len = 0;
	enum mig_error e;

	CHECK(c < MIG_MAX_CHANNELS);
	rec->seq = s->tx_seq[c];
	if (mig_record_is_sealed(rec->type)) {
		if (!s->keys_ready || c >= s->channels) {
			return MIG_ERR_INTERNAL;
		}
		e = mig_record_seal(&s->tx_key[c], rec, plaintext, len, tx_buf, sizeof(tx_buf),
				    &out_len);
	} else {
		e = mig_record_encode(rec, tx_buf, sizeof(tx_buf), &out_len);
	}
	if (e != MIG_ERR_NONE) {
		return e;
	}
	s->tx_seq[c]++;
	if (is_handshake(rec->type) && !s->keys_ready &&
	    crypto_sha384_update(&s->transcript, tx_buf, out_len) != CRYPTO_OK) {
		return MIG_ERR_INTERNAL;
	}
	return send_raw(s, c, tx_buf, out_len);
}

static enum mig_error receive_raw(struct mig_session *s, uint32_t channel, size_t *len,
				  uint64_t timeout_ns)
{
	uint64_t start = plat_time_ns();

	for (;;) {
		enum mig_error e = mig_ring_consume(&s->in[channel], rx_buf, sizeof(rx_buf), len);

		if (e != MIG_ERR_NONE || *len != 0) {
			return e;
		}
		if (timeout_ns == 0) {
			return MIG_ERR_NONE;
		}
		e = mig_session_poll_host(s);
		if (e != MIG_ERR_NONE) {
			return e;
		}
		if (plat_time_ns() - start > timeout_ns) {
			return MIG_ERR_TIMEOUT;
		}
		mig_session_publish(s, false);
		__asm__ volatile("pause");
	}
}

enum mig_error mig_session_recv(struct mig_session *s, uint32_t channel, struct mig_record *rec,
				void *plaintext, size_t cap, size_t *len, uint64_t timeout_ns,
				bool *got)
{
	size_t raw_len = 0;
	enum mig_error e;

	*got = false;
	*len = 0;
	e = receive_raw(s, channel, &raw_len, timeout_ns);
	if (e != MIG_ERR_NONE || raw_len == 0) {
		return e;
	}
	e = mig_record_decode(rx_buf, raw_len, rec);
	if (e != MIG_ERR_NONE) {
		return e;
	}
	/* A record must arrive on its own channel at exactly the next position: anything else was
	 * dropped, duplicated, replayed, reordered or moved by the host. */
	if (rec->channel != channel || rec->seq != s->rx_seq[channel]) {
		LOG_INFO(
		    "migrate: channel %u: expected sequence %llu, got channel %u sequence %llu\n",
		    channel, (unsigned long long)s->rx_seq[channel], rec->channel,
		    (unsigned long long)rec->seq);
		return MIG_ERR_SEQUENCE;
	}
	s->rx_seq[channel]++;
	if (mig_record_is_sealed(rec->type)) {
		if (!s->keys_ready || channel >= s->channels) {
			return MIG_ERR_PROTOCOL;
		}
		e = mig_record_open(&s->rx_key[channel], rec, plaintext, cap, len);
		if (e != MIG_ERR_NONE) {
			return e;
		}
	} else if (s->keys_ready) {
		return MIG_ERR_PROTOCOL; /* no unsealed record after the handshake */
	} else if (is_handshake(rec->type) &&
		   crypto_sha384_update(&s->transcript, rx_buf, raw_len) != CRYPTO_OK) {
		return MIG_ERR_INTERNAL;
	}
	*got = true;
	return MIG_ERR_NONE;
}

/* Receives the next record of an expected type on channel 0 during the handshake. */
static enum mig_error expect(struct mig_session *s, enum mig_record_type type,
			     struct mig_record *rec, uint64_t timeout_ns)
{
	size_t len;
	bool got;
	enum mig_error e = mig_session_recv(s, 0, rec, NULL, 0, &len, timeout_ns, &got);

	if (e != MIG_ERR_NONE) {
		return e;
	}
	if (!got) {
		return MIG_ERR_TIMEOUT;
	}
	if (rec->type == MIG_REC_ABORT) {
		return MIG_ERR_PEER_ABORT; /* unauthenticated: just as if the host cut the link */
	}
	return rec->type == type ? MIG_ERR_NONE : MIG_ERR_PROTOCOL;
}

static enum mig_error transcript_hash(struct mig_session *s, uint8_t out[CRYPTO_SHA384_LEN])
{
	struct crypto_sha384_ctx copy = s->transcript;
	enum crypto_status st = crypto_sha384_finish(&copy, out);

	crypto_wipe(&copy, sizeof(copy));
	return st == CRYPTO_OK ? MIG_ERR_NONE : MIG_ERR_INTERNAL;
}

static enum mig_error send_hello(struct mig_session *s, const uint8_t nonce[ATTEST_NONCE_LEN],
				 uint32_t channels)
{
	struct mig_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_HELLO;
	rec.channel = 0;
	rec.version_count = ARRAY_SIZE(stream_versions);
	memcpy(rec.versions, stream_versions, sizeof(stream_versions));
	rec.caps = 0;
	rec.nonce = nonce;
	rec.channels = channels;
	rec.role = s->role;
	return mig_session_send(s, &rec, NULL, 0);
}

static bool speaks_our_version(const struct mig_record *hello)
{
	for (uint32_t i = 0; i < hello->version_count; i++) {
		if (hello->versions[i] == MIG_STREAM_VERSION) {
			return true;
		}
	}
	return false;
}

static enum mig_error attest_error(enum attest_status st)
{
	switch (st) {
	case ATTEST_OK:
		return MIG_ERR_NONE;
	case ATTEST_ERR_POLICY:
		return MIG_ERR_POLICY;
	case ATTEST_ERR_REPORT:
	case ATTEST_ERR_BINDING:
		return MIG_ERR_ATTESTATION;
	default:
		return MIG_ERR_INTERNAL;
	}
}

static enum mig_error prepare_own_attest(struct mig_session *s, const uint8_t *peer_nonce)
{
	uint8_t transcript[CRYPTO_SHA384_LEN];
	uint8_t report_data[SNP_REPORT_DATA_LEN];
	enum mig_error e = transcript_hash(s, transcript);

	if (e != MIG_ERR_NONE) {
		return e;
	}
	e = attest_error(attest_bind_key(&s->attest, peer_nonce, transcript, report_data));
	if (e != MIG_ERR_NONE) {
		return e;
	}
	if (plat_attest_report(report_data, own_report) != PLAT_OK) {
		return MIG_ERR_INTERNAL;
	}
	return attest_error(attest_set_own_report(&s->attest, own_report, sizeof(own_report)));
}

static enum mig_error send_own_attest(struct mig_session *s)
{
	const uint8_t *vcek;
	const uint8_t *chain;
	size_t vcek_len;
	size_t chain_len;
	struct mig_record rec;

	if (plat_attest_certs(&vcek, &vcek_len, &chain, &chain_len) != PLAT_OK) {
		return MIG_ERR_INTERNAL;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_ATTEST;
	rec.channel = 0;
	rec.role = s->role;
	rec.report = own_report;
	rec.vcek = (struct mig_bytes){vcek, vcek_len};
	rec.chain = (struct mig_bytes){chain, chain_len};
	rec.pubkey = attest_own_public_key(&s->attest);
	return mig_session_send(s, &rec, NULL, 0);
}

/* Keeps a private copy of the peer's ATTEST: the receive buffer is reused by the next record. */
static enum mig_error keep_peer_attest(const struct mig_record *in, struct mig_record *copy,
				       enum crypto_role expected_role)
{
	size_t len = in->aad.len + in->body.len;

	if (in->role != expected_role || len > sizeof(peer_attest_buf)) {
		return MIG_ERR_PROTOCOL;
	}
	memcpy(peer_attest_buf, in->aad.data, len);
	return mig_record_decode(peer_attest_buf, len, copy);
}

static enum mig_error verify_peer(struct mig_session *s, const struct mig_record *peer,
				  const uint8_t transcript[CRYPTO_SHA384_LEN])
{
	struct attest_evidence ev = {
	    .report = peer->report,
	    .report_len = MIG_REPORT_LEN,
	    .vcek_der = peer->vcek.data,
	    .vcek_len = peer->vcek.len,
	    .chain_pem = peer->chain.data,
	    .chain_len = peer->chain.len,
	    .public_key = peer->pubkey,
	    .public_key_len = MIG_PUBKEY_LEN,
	};
	enum attest_status st = attest_verify_peer(&s->attest, &ev, transcript);

	if (st != ATTEST_OK) {
		LOG_WARN("migrate: peer attestation refused: %s\n", attest_status_str(st));
	} else if (s->attest.peer.emulated) {
		LOG_WARN("migrate: peer report comes from the EMULATED PSP: it proves nothing\n");
	}
	return attest_error(st);
}

/* Each side proves it derived the same keys from the same transcript. KEYCONFIRM travels
 * unsealed, but the value is itself a MAC over the transcript that only the key holder has. */
static enum mig_error exchange_confirmations(struct mig_session *s,
					     const struct crypto_session_keys *keys)
{
	const uint8_t *ours =
	    s->role == CRYPTO_ROLE_SOURCE ? keys->confirm_source : keys->confirm_target;
	const uint8_t *theirs =
	    s->role == CRYPTO_ROLE_SOURCE ? keys->confirm_target : keys->confirm_source;
	struct mig_record rec;
	enum mig_error e;

	if (s->role == CRYPTO_ROLE_TARGET) {
		e = expect(s, MIG_REC_KEYCONFIRM, &rec, MIG_HANDSHAKE_TIMEOUT_NS);
		if (e != MIG_ERR_NONE) {
			return e;
		}
		if (!crypto_ct_equal(rec.confirm, theirs, MIG_CONFIRM_LEN)) {
			return MIG_ERR_AUTH;
		}
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_KEYCONFIRM;
	rec.channel = 0;
	rec.confirm = ours;
	e = mig_session_send(s, &rec, NULL, 0);
	if (e != MIG_ERR_NONE || s->role == CRYPTO_ROLE_TARGET) {
		return e;
	}
	e = expect(s, MIG_REC_KEYCONFIRM, &rec, MIG_HANDSHAKE_TIMEOUT_NS);
	if (e != MIG_ERR_NONE) {
		return e;
	}
	return crypto_ct_equal(rec.confirm, theirs, MIG_CONFIRM_LEN) ? MIG_ERR_NONE : MIG_ERR_AUTH;
}

static enum mig_error derive_keys(struct mig_session *s)
{
	uint8_t transcript[CRYPTO_SHA384_LEN];
	struct crypto_session_keys keys;
	enum mig_error e = transcript_hash(s, transcript);

	if (e != MIG_ERR_NONE) {
		return e;
	}
	memset(&keys, 0, sizeof(keys));
	e = attest_error(attest_derive(&s->attest, transcript, s->channels, &keys));
	for (uint32_t c = 0; e == MIG_ERR_NONE && c < s->channels; c++) {
		const uint8_t *tx = s->role == CRYPTO_ROLE_SOURCE ? keys.source_to_target[c]
								  : keys.target_to_source[c];
		const uint8_t *rx = s->role == CRYPTO_ROLE_SOURCE ? keys.target_to_source[c]
								  : keys.source_to_target[c];

		if (crypto_aead_init(&s->tx_key[c], tx, c) != CRYPTO_OK ||
		    crypto_aead_init(&s->rx_key[c], rx, c) != CRYPTO_OK) {
			e = MIG_ERR_INTERNAL;
		}
	}
	if (e == MIG_ERR_NONE) {
		e = exchange_confirmations(s, &keys);
	}
	crypto_session_keys_wipe(&keys);
	if (e == MIG_ERR_NONE) {
		s->keys_ready = true;
	}
	return e;
}

static enum mig_error handshake_source(struct mig_session *s)
{
	uint8_t nonce[ATTEST_NONCE_LEN];
	uint8_t peer_nonce[ATTEST_NONCE_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];
	struct mig_record rec;
	struct mig_record peer;
	enum mig_error e;

	e = attest_error(
	    attest_begin(&s->attest, CRYPTO_ROLE_SOURCE, s->policy, emulated_root(), nonce));
	if (e == MIG_ERR_NONE) {
		e = send_hello(s, nonce, s->req.channels);
	}
	if (e == MIG_ERR_NONE) {
		e = expect(s, MIG_REC_HELLO, &rec, MIG_HANDSHAKE_TIMEOUT_NS);
	}
	if (e != MIG_ERR_NONE) {
		return e;
	}
	if (rec.role != CRYPTO_ROLE_TARGET || !speaks_our_version(&rec) || rec.channels == 0 ||
	    rec.channels > s->req.channels) {
		return MIG_ERR_PROTOCOL;
	}
	s->channels = rec.channels;
	memcpy(peer_nonce, rec.nonce, sizeof(peer_nonce));
	e = prepare_own_attest(s, peer_nonce);
	if (e == MIG_ERR_NONE) {
		e = send_own_attest(s);
	}
	if (e == MIG_ERR_NONE) {
		/* The target binds the transcript up to and including our ATTEST. */
		e = transcript_hash(s, transcript);
	}
	if (e == MIG_ERR_NONE) {
		e = expect(s, MIG_REC_ATTEST, &rec, MIG_HANDSHAKE_TIMEOUT_NS);
	}
	if (e == MIG_ERR_NONE) {
		e = keep_peer_attest(&rec, &peer, CRYPTO_ROLE_TARGET);
	}
	if (e == MIG_ERR_NONE) {
		e = verify_peer(s, &peer, transcript);
	}
	if (e == MIG_ERR_NONE) {
		e = derive_keys(s);
	}
	return e;
}

static enum mig_error handshake_target(struct mig_session *s)
{
	uint8_t nonce[ATTEST_NONCE_LEN];
	uint8_t peer_nonce[ATTEST_NONCE_LEN];
	uint8_t transcript[CRYPTO_SHA384_LEN];
	struct mig_record rec;
	struct mig_record peer;
	enum mig_error e;

	e = attest_error(
	    attest_begin(&s->attest, CRYPTO_ROLE_TARGET, s->policy, emulated_root(), nonce));
	if (e == MIG_ERR_NONE) {
		/* The source may come much later: waiting is the host's choice, not a failure. */
		e = expect(s, MIG_REC_HELLO, &rec, UINT64_MAX);
	}
	if (e != MIG_ERR_NONE) {
		return e;
	}
	if (rec.role != CRYPTO_ROLE_SOURCE || !speaks_our_version(&rec) || rec.channels == 0 ||
	    rec.channels > MIG_MAX_CHANNELS) {
		return MIG_ERR_PROTOCOL;
	}
	s->channels = MIN(rec.channels, s->req.channels);
	memcpy(peer_nonce, rec.nonce, sizeof(peer_nonce));
	mig_control_publish(s->ctl, MIG_STATUS_TARGET_HANDSHAKE, MIG_ERR_NONE);
	e = send_hello(s, nonce, s->channels);
	if (e == MIG_ERR_NONE) {
		/* The source bound the transcript of both HELLOs. */
		e = transcript_hash(s, transcript);
	}
	if (e == MIG_ERR_NONE) {
		e = expect(s, MIG_REC_ATTEST, &rec, MIG_HANDSHAKE_TIMEOUT_NS);
	}
	if (e == MIG_ERR_NONE) {
		e = keep_peer_attest(&rec, &peer, CRYPTO_ROLE_SOURCE);
	}
	/* Our report binds the transcript including the source's ATTEST; it goes out only once the
	 * source's evidence checked out. */
	if (e == MIG_ERR_NONE) {
		e = prepare_own_attest(s, peer_nonce);
	}
	if (e == MIG_ERR_NONE) {
		e = verify_peer(s, &peer, transcript);
	}
	if (e == MIG_ERR_NONE) {
		e = send_own_attest(s);
	}
	if (e == MIG_ERR_NONE) {
		e = derive_keys(s);
	}
	return e;
}

enum mig_error mig_session_handshake(struct mig_session *s)
{
	enum mig_error e =
	    s->role == CRYPTO_ROLE_SOURCE ? handshake_source(s) : handshake_target(s);

	if (e == MIG_ERR_NONE) {
		mig_control_set_channels(s->ctl, s->channels);
		LOG_INFO("migrate: session keys agreed with an attested peer, %u channel(s)\n",
			 s->channels);
	}
	return e;
}

void mig_session_send_abort(struct mig_session *s, enum mig_error reason)
{
	struct mig_record rec;
	bool sent = false;

	if (!s->keys_ready || reason == MIG_ERR_PEER_ABORT) {
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_ABORT;
	rec.channel = 0;
	rec.reason = reason;
	/* One try: when the host stopped draining the ring, waiting would only delay the guest. */
	(void)mig_session_try_send(s, &rec, &sent);
}

enum mig_error mig_session_try_send(struct mig_session *s, struct mig_record *rec, bool *sent)
{
	uint32_t free_slots = 0;
	enum mig_error e;

	CHECK(rec->channel < MIG_MAX_CHANNELS);
	*sent = false;
	e = mig_ring_space(&s->out[rec->channel], &free_slots);
	if (e != MIG_ERR_NONE || free_slots == 0) {
		return e;
	}
	/* Only this side produces, so the slot is still free. */
	e = mig_session_send(s, rec, NULL, 0);
	*sent = e == MIG_ERR_NONE;
	return e;
}
