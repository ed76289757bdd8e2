/* SPDX-License-Identifier: MIT */
/*
 * The target end: every record is authenticated and in sequence before anything in it is used;
 * pages are validated and written into guest memory as they come; vCPU states wait in private
 * memory until GO. Nothing of the guest runs before GO.
 */
#include <string.h>

#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/log.h"
#include "svsm/migrate/migrate.h"
#include "svsm/migrate/transfer.h"
#include "svsm/plat.h"

#define MAX_VCPUS (SVSM_MAX_CPUS - 1U)

struct target_commit {
	bool pending;
	uint64_t seq; /* COMMIT's own sequence on channel 0 */
	uint64_t last_seqs[MIG_MAX_CHANNELS];
	uint8_t digests[MIG_MAX_CHANNELS][MIG_DIGEST_LEN];
	uint64_t pages;
	uint64_t vcpus;
	uint8_t hash[MIG_COMMIT_HASH_LEN];
};

struct target_state {
	struct mig_session *s;
	struct crypto_sha384_ctx digest[MIG_MAX_CHANNELS];
	uint64_t round_count[MIG_MAX_CHANNELS];
	uint64_t entries;
	uint64_t applied;
	struct target_commit commit;
	/* Rounds whose ROUND_END arrived, per channel, and rounds acknowledged to the source. */
	uint64_t rounds_ended[MIG_MAX_CHANNELS];
	uint64_t rounds_acked;
	bool vcpu_received[MAX_VCPUS];
	size_t vcpu_len[MAX_VCPUS];
};

/* Round + 1 of the version of each page applied so far (0: none): an older round never
 * overwrites a newer one, even when another channel delivers it later. */
static uint16_t page_round[GUEST_MEM_MAX_BYTES / PAGE_SIZE];
static uint8_t vcpu_state[MAX_VCPUS][PLAT_VCPU_STATE_MAX];
static uint8_t plaintext[MIG_STAGING_MAX];

static enum mig_error apply_page(struct target_state *st, gpa_t gpa, uint8_t kind, uint64_t round,
				 const uint8_t *data)
{
	uint64_t pfn = gpa_pfn(gpa);
	uint64_t result;

	if (!guest_mem_is_ram(gpa, PAGE_SIZE) || round >= UINT16_MAX) {
		return MIG_ERR_PROTOCOL;
	}
	if (page_round[pfn] > round + 1) {
		return MIG_ERR_NONE; /* a newer version is already in place */
	}
	page_round[pfn] = (uint16_t)(round + 1);
	if (kind == MIG_PAGE_INVALIDATED) {
		result =
		    guest_mem_validated(gpa) ? guest_mem_pvalidate(gpa, false, false, false) : 0;
	} else {
		/* Validating zeroes the page: a ZERO page needs nothing more. */
		result = guest_mem_pvalidate(gpa, false, true, true);
		if (result == 0 && kind == MIG_PAGE_DATA &&
		    plat_guest_write(gpa, data, PAGE_SIZE) != PLAT_OK) {
			return MIG_ERR_INTERNAL;
		}
	}
	st->applied++;
	return result == 0 ? MIG_ERR_NONE : MIG_ERR_INTERNAL;
}

static enum mig_error handle_pages(struct target_state *st, const struct mig_record *rec,
				   size_t len)
{
	const uint8_t *data = plaintext;
	enum mig_error e;

	if ((size_t)mig_record_data_pages(rec) * PAGE_SIZE != len) {
		return MIG_ERR_MALFORMED;
	}
	for (uint32_t i = 0; i < rec->gpa_count; i++) {
		e = apply_page(st, rec->gpas[i], rec->kinds[i], rec->round, data);
		if (e == MIG_ERR_NONE) {
			e = mig_digest_page(&st->digest[rec->channel], rec->gpas[i], rec->round);
		}
		if (e != MIG_ERR_NONE) {
			return e;
		}
		if (rec->kinds[i] == MIG_PAGE_DATA) {
			data += PAGE_SIZE;
		}
	}
	st->round_count[rec->channel] += rec->gpa_count;
	st->entries += rec->gpa_count;
	st->s->counters.pages_sent += rec->gpa_count;
	return MIG_ERR_NONE;
}

static enum mig_error handle_vcpu(struct target_state *st, const struct mig_record *rec, size_t len)
{
	if (rec->vcpu >= plat_vcpu_count() || rec->vcpu >= MAX_VCPUS ||
	    st->vcpu_received[rec->vcpu] || len == 0 || len > PLAT_VCPU_STATE_MAX) {
		return MIG_ERR_PROTOCOL;
	}
	memcpy(vcpu_state[rec->vcpu], plaintext, len);
	st->vcpu_len[rec->vcpu] = len;
	st->vcpu_received[rec->vcpu] = true;
	return MIG_ERR_NONE;
}

static enum mig_error handle_commit(struct target_state *st, const struct mig_record *rec)
{
	struct target_commit *c = &st->commit;

	if (rec->channel != 0 || c->pending || rec->commit_channels != st->s->channels) {
		return MIG_ERR_PROTOCOL;
	}
	c->pending = true;
	c->seq = rec->seq;
	for (uint32_t ch = 0; ch < st->s->channels; ch++) {
		c->last_seqs[ch] = rec->last_seqs[ch];
		memcpy(c->digests[ch], rec->digests[ch], MIG_DIGEST_LEN);
	}
	c->pages = rec->pages;
	c->vcpus = rec->vcpus;
	/* COMMIT's data positions on channel 0 are all before it. */
	if (c->last_seqs[0] + 1 != c->seq) {
		return MIG_ERR_INCOMPLETE;
	}
	return crypto_sha384(rec->aad.data, rec->aad.len, c->hash) == CRYPTO_OK ? MIG_ERR_NONE
										: MIG_ERR_INTERNAL;
}

static enum mig_error handle(struct target_state *st, const struct mig_record *rec, size_t len)
{
	if (rec->channel == 0 && st->commit.pending && rec->type != MIG_REC_ABORT) {
		return MIG_ERR_PROTOCOL; /* nothing may follow COMMIT on its channel */
	}
	switch (rec->type) {
	case MIG_REC_PAGES:
		return handle_pages(st, rec, len);
	case MIG_REC_VCPU:
		return handle_vcpu(st, rec, len);
	case MIG_REC_ROUND_END:
		if (rec->round != st->rounds_ended[rec->channel]) {
			return MIG_ERR_PROTOCOL; /* rounds end in order, each once */
		}
		if (rec->count != st->round_count[rec->channel]) {
			return MIG_ERR_INCOMPLETE;
		}
		st->round_count[rec->channel] = 0;
		st->rounds_ended[rec->channel]++;
		return MIG_ERR_NONE;
	case MIG_REC_COMMIT:
		return handle_commit(st, rec);
	case MIG_REC_ABORT:
		return MIG_ERR_PEER_ABORT;
	default:
		return MIG_ERR_PROTOCOL;
	}
}

/* Channel c has delivered everything COMMIT says was sent on it. */
static bool channel_complete(const struct target_state *st, uint32_t c)
{
	if (c == 0) {
		return st->commit.pending;
	}
	return st->commit.pending && st->s->rx_seq[c] == st->commit.last_seqs[c] + 1;
}

static enum mig_error verify_commit(struct target_state *st)
{
	for (uint32_t c = 0; c < st->s->channels; c++) {
		uint8_t digest[MIG_DIGEST_LEN];

		if (crypto_sha384_finish(&st->digest[c], digest) != CRYPTO_OK) {
			return MIG_ERR_INTERNAL;
		}
		if (!crypto_ct_equal(digest, st->commit.digests[c], MIG_DIGEST_LEN)) {
			return MIG_ERR_INCOMPLETE;
		}
	}
	if (st->commit.pages != st->entries || st->commit.vcpus != plat_vcpu_count()) {
		return MIG_ERR_INCOMPLETE;
	}
	for (unsigned v = 0; v < plat_vcpu_count(); v++) {
		if (!st->vcpu_received[v]) {
			return MIG_ERR_INCOMPLETE;
		}
	}
	return MIG_ERR_NONE;
}

/*
 * Tells the source which rounds have arrived on every channel and been applied, so that it can
 * let what the hosts still buffer drain while the guest runs instead of inside the blackout.
 * Never blocks: when the ring to the host is full it tries again on the next pass (a later
 * ROUND_ACK covers the earlier rounds). Nothing after COMMIT: the source is waiting for ACK.
 */
static enum mig_error ack_rounds(struct target_state *st)
{
	uint64_t ended = UINT64_MAX;
	struct mig_record rec;
	bool sent = false;
	enum mig_error e;

	for (uint32_t c = 0; c < st->s->channels; c++) {
		ended = MIN(ended, st->rounds_ended[c]);
	}
	if (st->commit.pending || ended <= st->rounds_acked) {
		return MIG_ERR_NONE;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_ROUND_ACK;
	rec.channel = 0;
	rec.round = ended - 1;
	e = mig_session_try_send(st->s, &rec, &sent);
	if (sent) {
		st->rounds_acked = ended;
	}
	return e;
}

static enum mig_error receive_all(struct target_state *st)
{
	struct mig_session *s = st->s;
	uint64_t idle_since = plat_time_ns();

	for (;;) {
		bool all_complete = true;

		for (uint32_t c = 0; c < s->channels; c++) {
			struct mig_record rec;
			size_t len = 0;
			bool got = false;
			enum mig_error e;

			if (channel_complete(st, c)) {
				continue;
			}
			all_complete = false;
			e = mig_session_recv(s, c, &rec, plaintext, sizeof(plaintext), &len, 0,
					     &got);
			if (e == MIG_ERR_NONE && got) {
				e = handle(st, &rec, len);
				idle_since = plat_time_ns();
			}
			crypto_wipe(plaintext, len);
			if (e != MIG_ERR_NONE) {
				return e;
			}
		}
		if (all_complete) {
			return verify_commit(st);
		}
		if (plat_time_ns() - idle_since > MIG_IO_TIMEOUT_NS) {
			return MIG_ERR_TIMEOUT;
		}
		enum mig_error e = ack_rounds(st);

		if (e == MIG_ERR_NONE) {
			e = mig_session_poll_host(s);
		}
		if (e != MIG_ERR_NONE) {
			return e;
		}
		mig_session_publish(s, false);
	}
}

static enum mig_error send_ack(struct target_state *st)
{
	struct mig_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_ACK;
	rec.channel = 0;
	rec.commit_hash = st->commit.hash;
	return mig_session_send(st->s, &rec, NULL, 0);
}

/*
 * After our ACK the source may already have sent GO: from here on a bad record (a replay, a
 * duplicate, garbage) cannot be allowed to end the wait, or a host could turn "GO was sent" into
 * "the guest runs nowhere" more easily than by withholding GO. Such records are dropped and the
 * wait goes on (the host may resend GO, which is idempotent). Only an authenticated ABORT, or the
 * host giving up on this VM, ends it.
 */
static enum mig_error await_go(struct target_state *st)
{
	for (;;) {
		struct mig_record rec;
		size_t len;
		bool got;
		enum mig_error e =
		    mig_session_recv(st->s, 0, &rec, NULL, 0, &len, UINT64_MAX, &got);

		if (e == MIG_ERR_HOST_ABORT || e == MIG_ERR_RING || e == MIG_ERR_INTERNAL) {
			return e;
		}
		if (e != MIG_ERR_NONE) {
			LOG_INFO("migrate: waiting for GO: dropped a bad record (%s)\n",
				 mig_error_str(e));
			continue;
		}
		if (rec.type == MIG_REC_ABORT) {
			return MIG_ERR_PEER_ABORT;
		}
		if (rec.type == MIG_REC_GO &&
		    crypto_ct_equal(rec.commit_hash, st->commit.hash, MIG_COMMIT_HASH_LEN)) {
			return MIG_ERR_NONE;
		}
		LOG_INFO("migrate: waiting for GO: dropped an unexpected record\n");
	}
}

static enum mig_error start_vcpus(struct target_state *st)
{
	for (unsigned v = 0; v < plat_vcpu_count(); v++) {
		if (plat_vcpu_load_state(v, vcpu_state[v], st->vcpu_len[v]) != PLAT_OK) {
			LOG_WARN("migrate: vcpu %u state refused by the platform\n", v);
			return MIG_ERR_PROTOCOL;
		}
	}
	for (unsigned v = 0; v < plat_vcpu_count(); v++) {
		plat_vcpu_start_loaded(v);
	}
	return MIG_ERR_NONE;
}

/* Nothing received may outlive a failed migration: no page stays validated for a guest that
 * never ran here. */
static void discard(void)
{
	const struct memmap *map = guest_mem_map();

	for (uint32_t r = 0; r < map->guest_count; r++) {
		for (uint64_t p = 0; p < map->guest[r].pages; p++) {
			gpa_t gpa = gpa_add(map->guest[r].start, p * PAGE_SIZE);

			if (page_round[gpa_pfn(gpa)] != 0 && guest_mem_validated(gpa)) {
				(void)guest_mem_pvalidate(gpa, false, false, false);
			}
			page_round[gpa_pfn(gpa)] = 0;
		}
	}
	crypto_wipe(vcpu_state, sizeof(vcpu_state));
}

enum mig_error mig_target_run(struct mig_session *s)
{
	static struct target_state st;
	enum mig_error e = MIG_ERR_NONE;

	memset(&st, 0, sizeof(st));
	st.s = s;
	for (uint32_t c = 0; c < s->channels && e == MIG_ERR_NONE; c++) {
		if (crypto_sha384_start(&st.digest[c]) != CRYPTO_OK) {
			e = MIG_ERR_INTERNAL;
		}
	}
	mig_control_publish(s->ctl, MIG_STATUS_TARGET_RECEIVING, MIG_ERR_NONE);
	if (e == MIG_ERR_NONE) {
		e = receive_all(&st);
	}
	if (e == MIG_ERR_NONE) {
		e = send_ack(&st);
	}
	if (e == MIG_ERR_NONE) {
		mig_session_publish(s, true);
		mig_control_publish(s->ctl, MIG_STATUS_TARGET_ACKED, MIG_ERR_NONE);
		e = await_go(&st);
	}
	if (e == MIG_ERR_NONE) {
		e = start_vcpus(&st);
	}
	if (e != MIG_ERR_NONE) {
		mig_session_send_abort(s, e);
		discard();
		return e;
	}
	crypto_wipe(vcpu_state, sizeof(vcpu_state));
	LOG_INFO("migrate: GO received; guest resumed here (%llu pages, %u vCPUs)\n",
		 (unsigned long long)st.entries, plat_vcpu_count());
	return MIG_ERR_NONE;
}
