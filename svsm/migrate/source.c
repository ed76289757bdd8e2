/* SPDX-License-Identifier: MIT */
/*
 * The source end. For now the guest is stopped for the whole copy (all vCPUs parked, then every
 * validated page, the vCPU states and COMMIT); iterative pre-copy and the two-phase checkpoint
 * build on the same pieces.
 */
#include <string.h>

#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/log.h"
#include "svsm/migrate/transfer.h"
#include "svsm/plat.h"

#define ACK_TIMEOUT_NS (60ULL * 1000000000ULL)

struct source_state {
	struct mig_session *s;
	uint64_t round;
	uint32_t next_channel;
	struct crypto_sha384_ctx digest[MIG_MAX_CHANNELS];
	uint64_t round_count[MIG_MAX_CHANNELS]; /* page entries sent on a channel this round */
	uint64_t entries;                       /* page entries sent, all rounds */
	gpa_t batch[MIG_PAGES_PER_RECORD];
	uint32_t batch_len;
	unsigned parked;
	uint64_t park_start_ns;
};

static uint8_t staging[MIG_STAGING_MAX];
static uint8_t vcpu_buf[PLAT_VCPU_STATE_MAX];

enum mig_error mig_digest_page(struct crypto_sha384_ctx *digest, gpa_t gpa, uint64_t round)
{
	uint8_t entry[16];
	uint64_t g = gpa_addr(gpa);

	for (int i = 0; i < 8; i++) {
		entry[i] = (uint8_t)(g >> (8 * i));
		entry[8 + i] = (uint8_t)(round >> (8 * i));
	}
	return crypto_sha384_update(digest, entry, sizeof(entry)) == CRYPTO_OK ? MIG_ERR_NONE
									       : MIG_ERR_INTERNAL;
}

static bool page_is_zero(const uint8_t *page)
{
	uint64_t acc = 0;

	for (size_t i = 0; i < PAGE_SIZE; i += 8) {
		uint64_t w;

		memcpy(&w, page + i, sizeof(w));
		acc |= w;
	}
	return acc == 0;
}

static enum mig_error flush_batch(struct source_state *st)
{
	struct mig_record rec;
	size_t data_len = 0;
	uint32_t c = st->next_channel;
	enum mig_error e;

	if (st->batch_len == 0) {
		return MIG_ERR_NONE;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_PAGES;
	rec.channel = c;
	rec.round = st->round;
	rec.gpa_count = st->batch_len;
	for (uint32_t i = 0; i < st->batch_len; i++) {
		uint8_t *slot = staging + data_len;

		rec.gpas[i] = st->batch[i];
		if (!guest_mem_validated(st->batch[i])) {
			rec.kinds[i] = MIG_PAGE_INVALIDATED;
		} else if (plat_guest_read(slot, st->batch[i], PAGE_SIZE) != PLAT_OK) {
			return MIG_ERR_INTERNAL;
		} else if (page_is_zero(slot)) {
			rec.kinds[i] = MIG_PAGE_ZERO;
		} else {
			rec.kinds[i] = MIG_PAGE_DATA;
			data_len += PAGE_SIZE;
		}
		e = mig_digest_page(&st->digest[c], st->batch[i], st->round);
		if (e != MIG_ERR_NONE) {
			return e;
		}
	}
	e = mig_session_send(st->s, &rec, staging, data_len);
	crypto_wipe(staging, data_len);
	if (e != MIG_ERR_NONE) {
		return e;
	}
	st->round_count[c] += st->batch_len;
	st->entries += st->batch_len;
	st->s->counters.pages_sent += st->batch_len;
	st->batch_len = 0;
	st->next_channel = (c + 1) % st->s->channels;
	mig_session_publish(st->s, false);
	return mig_session_poll_host(st->s);
}

static enum mig_error queue_page(struct source_state *st, gpa_t gpa)
{
	st->batch[st->batch_len++] = gpa;
	return st->batch_len == MIG_PAGES_PER_RECORD ? flush_batch(st) : MIG_ERR_NONE;
}

/* Round 0 of a stopped guest: every page it validated. */
static enum mig_error send_validated_pages(struct source_state *st)
{
	const struct memmap *map = guest_mem_map();
	enum mig_error e = MIG_ERR_NONE;

	st->s->counters.pages_total = guest_mem_validated_count();
	for (uint32_t r = 0; r < map->guest_count && e == MIG_ERR_NONE; r++) {
		for (uint64_t p = 0; p < map->guest[r].pages && e == MIG_ERR_NONE; p++) {
			gpa_t gpa = gpa_add(map->guest[r].start, p * PAGE_SIZE);

			if (guest_mem_validated(gpa)) {
				e = queue_page(st, gpa);
			}
		}
	}
	return e == MIG_ERR_NONE ? flush_batch(st) : e;
}

static void resume_vcpus(struct source_state *st)
{
	for (unsigned v = 0; v < plat_vcpu_count(); v++) {
		plat_vcpu_resume(v);
	}
	st->parked = 0;
}

/* Stops every vCPU at its next exit to the SVSM; a vCPU that does not stop in time (withheld by
 * the host) makes the checkpoint fail rather than be incomplete. */
static enum mig_error park_vcpus(struct source_state *st, uint64_t timeout_ns)
{
	unsigned n = plat_vcpu_count();
	uint64_t deadline;

	st->park_start_ns = plat_time_ns();
	deadline = st->park_start_ns + timeout_ns;
	for (unsigned v = 0; v < n; v++) {
		plat_vcpu_request_park(v);
	}
	st->parked = n;
	for (unsigned v = 0; v < n; v++) {
		while (!plat_vcpu_parked(v)) {
			if (plat_time_ns() > deadline) {
				LOG_WARN("migrate: vcpu %u did not park within %llu ms\n", v,
					 (unsigned long long)(timeout_ns / 1000000));
				return MIG_ERR_VCPU_TIMEOUT;
			}
			__asm__ volatile("pause");
		}
	}
	return MIG_ERR_NONE;
}

static enum mig_error send_vcpus(struct source_state *st)
{
	for (unsigned v = 0; v < plat_vcpu_count(); v++) {
		struct mig_record rec;
		size_t len = 0;
		enum mig_error e;

		if (plat_vcpu_save_state(v, vcpu_buf, sizeof(vcpu_buf), &len) != PLAT_OK) {
			return MIG_ERR_INTERNAL;
		}
		memset(&rec, 0, sizeof(rec));
		rec.type = MIG_REC_VCPU;
		rec.channel = v % st->s->channels;
		rec.round = st->round;
		rec.vcpu = v;
		e = mig_session_send(st->s, &rec, vcpu_buf, len);
		crypto_wipe(vcpu_buf, sizeof(vcpu_buf));
		if (e != MIG_ERR_NONE) {
			return e;
		}
	}
	return MIG_ERR_NONE;
}

static enum mig_error send_round_end(struct source_state *st)
{
	for (uint32_t c = 0; c < st->s->channels; c++) {
		struct mig_record rec;
		enum mig_error e;

		memset(&rec, 0, sizeof(rec));
		rec.type = MIG_REC_ROUND_END;
		rec.channel = c;
		rec.round = st->round;
		rec.count = st->round_count[c];
		e = mig_session_send(st->s, &rec, NULL, 0);
		if (e != MIG_ERR_NONE) {
			return e;
		}
		st->round_count[c] = 0;
	}
	return MIG_ERR_NONE;
}

/* COMMIT accounts for everything sent; its hash is what ACK and GO refer to. */
static enum mig_error send_commit(struct source_state *st, uint8_t hash[MIG_COMMIT_HASH_LEN])
{
	static uint8_t header[MIG_HEADER_MAX + 2];
	uint8_t digests[MIG_MAX_CHANNELS][MIG_DIGEST_LEN];
	struct mig_session *s = st->s;
	struct mig_record rec;
	size_t len = 0;
	enum mig_error e;

	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_COMMIT;
	rec.channel = 0;
	rec.commit_channels = s->channels;
	for (uint32_t c = 0; c < s->channels; c++) {
		rec.last_seqs[c] = s->tx_seq[c] - 1;
		if (crypto_sha384_finish(&st->digest[c], digests[c]) != CRYPTO_OK) {
			return MIG_ERR_INTERNAL;
		}
		rec.digests[c] = digests[c];
	}
	rec.pages = st->entries;
	rec.vcpus = plat_vcpu_count();
	rec.seq = s->tx_seq[0]; /* what mig_session_send will assign */
	e = mig_record_encode(&rec, header, sizeof(header), &len);
	if (e == MIG_ERR_NONE && crypto_sha384(header, len, hash) != CRYPTO_OK) {
		e = MIG_ERR_INTERNAL;
	}
	return e == MIG_ERR_NONE ? mig_session_send(s, &rec, NULL, 0) : e;
}

static enum mig_error await_ack(struct mig_session *s, const uint8_t hash[MIG_COMMIT_HASH_LEN])
{
	struct mig_record rec;
	size_t len;
	bool got;
	enum mig_error e = mig_session_recv(s, 0, &rec, NULL, 0, &len, ACK_TIMEOUT_NS, &got);

	if (e != MIG_ERR_NONE) {
		return e;
	}
	if (!got) {
		return MIG_ERR_TIMEOUT;
	}
	if (rec.type == MIG_REC_ABORT) {
		return MIG_ERR_PEER_ABORT;
	}
	if (rec.type != MIG_REC_ACK || !crypto_ct_equal(rec.commit_hash, hash, MIG_COMMIT_HASH_LEN)) {
		return MIG_ERR_PROTOCOL;
	}
	return MIG_ERR_NONE;
}

static enum mig_error send_go(struct mig_session *s, const uint8_t hash[MIG_COMMIT_HASH_LEN])
{
	struct mig_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_GO;
	rec.channel = 0;
	rec.commit_hash = hash;
	return mig_session_send(s, &rec, NULL, 0);
}

static void send_abort(struct mig_session *s, enum mig_error reason)
{
	struct mig_record rec;

	if (!s->keys_ready) {
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_ABORT;
	rec.channel = 0;
	rec.reason = reason;
	(void)mig_session_send(s, &rec, NULL, 0); /* best effort: the peer may be gone */
}

static enum mig_error run_until_go(struct source_state *st, uint64_t park_timeout_ns,
				   uint8_t hash[MIG_COMMIT_HASH_LEN])
{
	struct mig_session *s = st->s;
	enum mig_error e;

	for (uint32_t c = 0; c < s->channels; c++) {
		if (crypto_sha384_start(&st->digest[c]) != CRYPTO_OK) {
			return MIG_ERR_INTERNAL;
		}
	}
	mig_control_publish(s->ctl, MIG_STATUS_SOURCE_CHECKPOINT, MIG_ERR_NONE);
	e = park_vcpus(st, park_timeout_ns);
	if (e == MIG_ERR_NONE) {
		e = send_validated_pages(st);
	}
	if (e == MIG_ERR_NONE) {
		e = send_vcpus(st);
	}
	if (e == MIG_ERR_NONE) {
		e = send_round_end(st);
	}
	if (e == MIG_ERR_NONE) {
		e = send_commit(st, hash);
	}
	if (e == MIG_ERR_NONE) {
		mig_session_publish(s, true);
		mig_control_publish(s->ctl, MIG_STATUS_SOURCE_COMMIT, MIG_ERR_NONE);
		e = await_ack(s, hash);
	}
	return e;
}

enum mig_error mig_source_run(struct mig_session *s, uint64_t park_timeout_ns)
{
	static struct source_state st;
	uint8_t hash[MIG_COMMIT_HASH_LEN];
	enum mig_error e;

	memset(&st, 0, sizeof(st));
	st.s = s;
	e = run_until_go(&st, park_timeout_ns, hash);
	if (e == MIG_ERR_NONE) {
		/* The commit point: once GO is in the ring, the guest belongs to the target. */
		e = send_go(s, hash);
	}
	if (e != MIG_ERR_NONE) {
		send_abort(s, e);
		if (st.parked != 0) {
			resume_vcpus(&st);
		}
		return e;
	}
	s->aborting_allowed = false;
	s->counters.downtime_ns = plat_time_ns() - st.park_start_ns;
	mig_session_publish(s, true);
	LOG_INFO("migrate: GO sent; this guest will never run here again (%llu pages, %u vCPUs)\n",
		 (unsigned long long)st.entries, plat_vcpu_count());
	return MIG_ERR_NONE;
}
