/* SPDX-License-Identifier: MIT */
/*
 * The source end (docs/design.md §8, §10, §11): iterative pre-copy under the SVSM's own write
 * tracking while the guest runs, then a two-phase checkpoint, the last dirty pages, the vCPU
 * states and COMMIT, and GO only after the target's ACK.
 */
#include <string.h>

#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/le.h"
#include "svsm/log.h"
#include "svsm/migrate/freeze.h"
#include "svsm/migrate/transfer.h"
#include "svsm/plat.h"

#define ACK_TIMEOUT_NS (60ULL * 1000000000ULL)
/* How long the guest keeps running while the stream drains before the checkpoint. */
#define DRAIN_TIMEOUT_NS (5ULL * 1000000000ULL)
/* A round with fewer pages says more about per-round overheads than about the link. */
#define RATE_MIN_PAGES 256U

struct source_state {
	struct mig_session *s;
	uint64_t round;
	uint32_t next_channel;
	struct crypto_sha384_ctx digest[MIG_MAX_CHANNELS];
	uint64_t round_count[MIG_MAX_CHANNELS]; /* page entries sent on a channel this round */
	uint64_t entries;			/* page entries sent, all rounds */
	gpa_t batch[MIG_PAGES_PER_RECORD];
	uint32_t batch_len;
	unsigned parked;
	uint64_t park_start_ns;
	uint64_t frozen_ns;	/* checkpoint complete: the last round starts */
	uint64_t last_pages_ns; /* the last dirty pages are out */
	uint64_t epoch;
	/* Pre-copy bookkeeping: the SVSM's own measurements, never the host's. */
	uint64_t round_start_ns;
	uint64_t round_start_bytes;
	uint64_t round_start_entries;
	uint64_t revoke_ns;    /* what changing every page's permission took */
	uint64_t page_rate;    /* pages per second the link carried, the latest full measure */
	uint64_t acked_rounds; /* rounds the target confirmed (ROUND_ACK) */
	uint64_t downtime_limit_ns;
	uint32_t max_rounds;
	/* Auto-converge: the guest runs only (100 - throttle)% of each period. */
	uint32_t throttle_pct;
	bool throttle_parked;
	uint64_t throttle_next_ns;
};

#define THROTTLE_PERIOD_NS 50000000ULL
#define THROTTLE_STEP_PCT  20U
#define THROTTLE_MAX_PCT   95U
#define CHUNK_PAGES	   4096U

/* Pages written by the guest since they were last protected: the SVSM's own record. Together
 * with the validated bitmap that is two bits per guest page. */
static uint64_t dirty_words[BITMAP_WORDS(GUEST_MEM_MAX_BYTES / PAGE_SIZE)];
static struct bitmap dirty;
static uint64_t chunk[CHUNK_PAGES];

static uint8_t staging[MIG_STAGING_MAX];
static uint8_t vcpu_buf[PLAT_VCPU_STATE_MAX];

enum mig_error mig_digest_page(struct crypto_sha384_ctx *digest, gpa_t gpa, uint64_t round)
{
	uint8_t entry[16];

	put_le64(entry, gpa_addr(gpa));
	put_le64(entry + 8, round);
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

static void park_all(unsigned n)
{
	for (unsigned v = 0; v < n; v++) {
		plat_vcpu_request_park(v);
	}
}

static void resume_all(unsigned n)
{
	for (unsigned v = 0; v < n; v++) {
		plat_vcpu_resume(v);
	}
}

/* Auto-converge: alternately hold the vCPUs parked and let them run, so the guest dirties memory
 * no faster than the link can carry it. Driven from the send loop; no extra CPU. */
static void throttle_tick(struct source_state *st)
{
	uint64_t now = plat_time_ns();

	if (st->throttle_pct == 0 || st->parked != 0 || now < st->throttle_next_ns) {
		return;
	}
	if (st->throttle_parked) {
		resume_all(plat_vcpu_count());
		st->throttle_parked = false;
		st->throttle_next_ns = now + THROTTLE_PERIOD_NS * (100 - st->throttle_pct) / 100;
	} else {
		park_all(plat_vcpu_count());
		st->throttle_parked = true;
		st->throttle_next_ns = now + THROTTLE_PERIOD_NS * st->throttle_pct / 100;
	}
}

/* A record from the target before ACK: a ROUND_ACK for a round sent and not acknowledged yet, or
 * an ABORT; anything else is a protocol error. */
static enum mig_error handle_target_record(struct source_state *st, const struct mig_record *rec)
{
	if (rec->type == MIG_REC_ABORT) {
		return MIG_ERR_PEER_ABORT;
	}
	if (rec->type != MIG_REC_ROUND_ACK || rec->round < st->acked_rounds ||
	    rec->round > st->round) {
		return MIG_ERR_PROTOCOL;
	}
	st->acked_rounds = rec->round + 1;
	return MIG_ERR_NONE;
}

/* Takes what the target sent so far, without waiting; its ring must not fill up. */
static enum mig_error poll_target(struct source_state *st)
{
	for (;;) {
		struct mig_record rec;
		size_t len;
		bool got = false;
		enum mig_error e = mig_session_recv(st->s, 0, &rec, NULL, 0, &len, 0, &got);

		if (e != MIG_ERR_NONE || !got) {
			return e;
		}
		e = handle_target_record(st, &rec);
		if (e != MIG_ERR_NONE) {
			return e;
		}
	}
}

static void throttle_end(struct source_state *st)
{
	if (st->throttle_parked) {
		resume_all(plat_vcpu_count());
		st->throttle_parked = false;
	}
	st->throttle_pct = 0;
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
	throttle_tick(st);
	mig_session_publish(st->s, false);
	e = poll_target(st);
	return e == MIG_ERR_NONE ? mig_session_poll_host(st->s) : e;
}

static enum mig_error queue_page(struct source_state *st, gpa_t gpa)
{
	st->batch[st->batch_len++] = gpa;
	return st->batch_len == MIG_PAGES_PER_RECORD ? flush_batch(st) : MIG_ERR_NONE;
}

/* Write tracking on for the whole pre-copy; the bitmap is the SVSM's own. Protecting every page
 * costs at least what revoking them in the blackout will (as much on snp and qemu, more on hosted,
 * which then revokes only what the guest touched), so it is measured here for the estimate. */
static enum mig_error tracking_begin(struct source_state *st)
{
	uint64_t start = plat_time_ns();
	enum mig_error e;

	bitmap_init(&dirty, dirty_words, guest_mem_end() / PAGE_SIZE);
	e = mig_tracking_begin(&dirty);
	st->revoke_ns = plat_time_ns() - start;
	return e;
}

/* Gives the guest back everything, as if no migration had started. */
static void restore_guest(struct source_state *st)
{
	throttle_end(st);
	mig_guest_release();
	st->parked = 0;
}

static enum mig_error checkpoint(struct source_state *st, uint64_t timeout_ns)
{
	throttle_end(st);
	st->epoch++;
	st->park_start_ns = plat_time_ns();
	st->parked = plat_vcpu_count();
	return mig_checkpoint(st->epoch, timeout_ns);
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

/* Round 0: every page the guest has validated (write tracking already protects them, so a page
 * written after it was read is dirty and goes out again). */
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

/*
 * A later round: the pages dirtied since they were last protected. In chunks: take the pages
 * out of the bitmap and protect them again (unless the guest is stopped), make that visible to
 * every CPU, and only then read and send them, so a write that races the read is caught again.
 */
static enum mig_error send_dirty_pages(struct source_state *st, bool reprotect)
{
	uint64_t limit = guest_mem_end() / PAGE_SIZE;
	uint64_t next = 0;
	enum mig_error e = MIG_ERR_NONE;

	while (e == MIG_ERR_NONE) {
		uint32_t n = 0;

		for (next = bitmap_find_next_set(&dirty, next); next < limit && n < CHUNK_PAGES;
		     next = bitmap_find_next_set(&dirty, next + 1)) {
			if (bitmap_test_and_clear_atomic(&dirty, next)) {
				chunk[n++] = next;
				if (reprotect) {
					(void)plat_set_guest_perm(gpa_from_pfn(next), PLAT_PERM_RX);
				}
			}
		}
		if (n == 0) {
			break;
		}
		if (reprotect) {
			plat_flush_tlb_all();
		}
		for (uint32_t i = 0; i < n && e == MIG_ERR_NONE; i++) {
			e = queue_page(st, gpa_from_pfn(chunk[i]));
		}
		st->s->counters.pages_remaining = bitmap_count_set(&dirty, 0, limit);
	}
	return e == MIG_ERR_NONE ? flush_batch(st) : e;
}

static uint64_t dirty_pages(void)
{
	return bitmap_count_set(&dirty, 0, guest_mem_end() / PAGE_SIZE);
}

enum precopy_verdict {
	PRECOPY_GO_ON,
	PRECOPY_FITS, /* the rest fits the downtime limit */
	PRECOPY_STOP, /* more rounds cannot help: stop the guest for the rest anyway */
};

/* The blackout the pages left would cost now: revoking every page, then sending them. */
static uint64_t blackout_estimate(const struct source_state *st, uint64_t left)
{
	return st->revoke_ns + (uint64_t)((__uint128_t)left * 1000000000ULL / st->page_rate);
}

/*
 * After each round: is the rest small enough to send with the guest stopped? Everything is the
 * handler's own measurement. The link is measured in pages per second, not bytes: a zero page
 * costs a GPA on the wire but still a read and a check here, so a round of mostly zero pages
 * would make a byte rate look far slower than the link is; and only rounds of some size count,
 * the last ones being mostly per-round overhead. The blackout estimate adds what revoking every
 * page costs (measured when tracking began) to the time the pages left would take.
 */
static enum precopy_verdict converged(struct source_state *st)
{
	struct mig_counters *c = &st->s->counters;
	uint64_t now = plat_time_ns();
	uint64_t elapsed = MAX(now - st->round_start_ns, 1ULL);
	uint64_t round_bytes_per_s =
	    (c->bytes_sent - st->round_start_bytes) * 1000000000ULL / elapsed;
	uint64_t sent = st->entries - st->round_start_entries;
	uint64_t left = dirty_pages();
	uint64_t rate = left * 1000000000ULL / elapsed; /* pages dirtied per second */
	uint64_t downtime;

	if (sent >= RATE_MIN_PAGES || st->page_rate == 0) {
		uint64_t measured =
		    (uint64_t)((__uint128_t)MAX(sent, 1ULL) * 1000000000ULL / elapsed);

		st->page_rate = MAX(measured, 1ULL);
	}
	downtime = blackout_estimate(st, left);
	c->dirty_rate = rate;
	c->pages_remaining = left;
	LOG_INFO("migrate: round %llu: %llu pages left, dirty %llu pages/s, link %llu pages/s "
		 "(%llu KiB/s), stop-and-copy would take %llu ms\n",
		 (unsigned long long)st->round, (unsigned long long)left, (unsigned long long)rate,
		 (unsigned long long)st->page_rate, (unsigned long long)(round_bytes_per_s >> 10),
		 (unsigned long long)(downtime / 1000000));
	if (downtime <= st->downtime_limit_ns) {
		return PRECOPY_FITS;
	}
	if (downtime - st->revoke_ns <= st->downtime_limit_ns / 10) {
		LOG_INFO("migrate: the estimate is mostly the cost of revoking the guest's memory "
			 "(%llu ms as measured when tracking began, an upper bound): more rounds "
			 "cannot shorten it\n",
			 (unsigned long long)(st->revoke_ns / 1000000));
		return PRECOPY_STOP;
	}
	if (st->round + 1 >= st->max_rounds) {
		LOG_INFO("migrate: %u rounds done: stopping the guest for the rest\n",
			 st->max_rounds);
		return PRECOPY_STOP;
	}
	if (rate >= st->page_rate) {
		if ((st->s->req.flags & MIG_FLAG_AUTO_CONVERGE) == 0) {
			LOG_INFO(
			    "migrate: the guest dirties pages faster than the link carries them "
			    "(%llu vs %llu pages/s): stopping it for the rest; auto-converge would "
			    "throttle it instead\n",
			    (unsigned long long)rate, (unsigned long long)st->page_rate);
			return PRECOPY_STOP;
		}
		st->throttle_pct = MIN(st->throttle_pct + THROTTLE_STEP_PCT, THROTTLE_MAX_PCT);
		LOG_INFO("migrate: auto-converge: the guest now runs %u%% of the time\n",
			 100 - st->throttle_pct);
	}
	return PRECOPY_GO_ON;
}

/*
 * Before the checkpoint: what the hosts still buffer between the two SVSMs would otherwise drain
 * inside the blackout, before the target can ACK. Wait, with the guest running, until the target
 * confirms the round just sent. A target (or host) that never confirms only costs the wait: the
 * migration goes on and the rest drains in the blackout.
 */
static enum mig_error await_round_ack(struct source_state *st)
{
	uint64_t start = plat_time_ns();

	while (st->acked_rounds <= st->round) {
		struct mig_record rec;
		size_t len;
		bool got = false;
		enum mig_error e;

		if (plat_time_ns() - start > DRAIN_TIMEOUT_NS) {
			LOG_WARN("migrate: round %llu not confirmed by the target within %llu s: "
				 "going on, the rest drains in the blackout\n",
				 (unsigned long long)st->round,
				 (unsigned long long)(DRAIN_TIMEOUT_NS / 1000000000ULL));
			return MIG_ERR_NONE;
		}
		throttle_tick(st);
		e = mig_session_recv(st->s, 0, &rec, NULL, 0, &len, 1000000ULL, &got);
		if (e == MIG_ERR_TIMEOUT) {
			continue;
		}
		if (e == MIG_ERR_NONE && got) {
			e = handle_target_record(st, &rec);
		}
		if (e != MIG_ERR_NONE) {
			return e;
		}
	}
	LOG_INFO("migrate: round %llu confirmed by the target after %llu ms\n",
		 (unsigned long long)st->round,
		 (unsigned long long)((plat_time_ns() - start) / 1000000));
	return MIG_ERR_NONE;
}

static void round_begin(struct source_state *st)
{
	st->round_start_ns = plat_time_ns();
	st->round_start_bytes = st->s->counters.bytes_sent;
	st->round_start_entries = st->entries;
	st->s->counters.round = st->round;
}

/* Iterative pre-copy while the guest runs. */
static enum mig_error precopy(struct source_state *st)
{
	enum mig_error e;

	mig_control_publish(st->s->ctl, MIG_STATUS_SOURCE_PRECOPY, MIG_ERR_NONE);
	e = tracking_begin(st);
	if (e != MIG_ERR_NONE) {
		return e;
	}
	round_begin(st);
	e = send_validated_pages(st);
	if (e == MIG_ERR_NONE) {
		e = send_round_end(st);
	}
	while (e == MIG_ERR_NONE) {
		enum precopy_verdict v = converged(st);

		if (v != PRECOPY_GO_ON) {
			e = await_round_ack(st);
			if (e != MIG_ERR_NONE || v == PRECOPY_STOP ||
			    blackout_estimate(st, dirty_pages()) <= st->downtime_limit_ns ||
			    st->round + 1 >= st->max_rounds) {
				break;
			}
			LOG_INFO(
			    "migrate: the guest dirtied %llu pages meanwhile: one more round\n",
			    (unsigned long long)dirty_pages());
		}
		st->round++;
		round_begin(st);
		e = send_dirty_pages(st, true);
		if (e == MIG_ERR_NONE) {
			e = send_round_end(st);
		}
	}
	return e;
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

/* The target may still confirm rounds it finished before it saw COMMIT; then comes ACK. */
static enum mig_error await_ack(struct source_state *st, const uint8_t hash[MIG_COMMIT_HASH_LEN])
{
	uint64_t deadline = plat_time_ns() + ACK_TIMEOUT_NS;

	for (;;) {
		struct mig_record rec;
		size_t len;
		bool got = false;
		uint64_t now = plat_time_ns();
		enum mig_error e;

		if (now >= deadline) {
			return MIG_ERR_TIMEOUT;
		}
		e = mig_session_recv(st->s, 0, &rec, NULL, 0, &len, deadline - now, &got);
		if (e != MIG_ERR_NONE) {
			return e;
		}
		if (!got) {
			return MIG_ERR_TIMEOUT;
		}
		if (rec.type != MIG_REC_ACK) {
			e = handle_target_record(st, &rec);
			if (e != MIG_ERR_NONE) {
				return e;
			}
			continue;
		}
		return crypto_ct_equal(rec.commit_hash, hash, MIG_COMMIT_HASH_LEN)
			   ? MIG_ERR_NONE
			   : MIG_ERR_PROTOCOL;
	}
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

static enum mig_error run_until_go(struct source_state *st, uint64_t park_timeout_ns,
				   uint8_t hash[MIG_COMMIT_HASH_LEN])
{
	struct mig_session *s = st->s;
	enum mig_error e = MIG_ERR_NONE;

	for (uint32_t c = 0; c < s->channels && e == MIG_ERR_NONE; c++) {
		if (crypto_sha384_start(&st->digest[c]) != CRYPTO_OK) {
			e = MIG_ERR_INTERNAL;
		}
	}
	if (e == MIG_ERR_NONE) {
		e = precopy(st);
	}
	if (e == MIG_ERR_NONE) {
		mig_control_publish(s->ctl, MIG_STATUS_SOURCE_CHECKPOINT, MIG_ERR_NONE);
		e = checkpoint(st, park_timeout_ns);
	}
	if (e == MIG_ERR_NONE) {
		st->frozen_ns = plat_time_ns();
		st->round++;
		round_begin(st);
		e = send_dirty_pages(st, false);
	}
	if (e == MIG_ERR_NONE) {
		st->last_pages_ns = plat_time_ns();
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
		e = await_ack(st, hash);
	}
	return e;
}

enum mig_error mig_source_run(struct mig_session *s, uint64_t park_timeout_ns)
{
	static struct source_state st;
	uint8_t hash[MIG_COMMIT_HASH_LEN];
	enum mig_error e;

	/* The handshake settled the channels; every channel index below is taken modulo them. */
	CHECK(s->channels >= 1 && s->channels <= MIG_MAX_CHANNELS);
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.downtime_limit_ns = s->req.downtime_limit_ns;
	st.max_rounds = s->req.max_rounds;
	e = run_until_go(&st, park_timeout_ns, hash);
	if (e == MIG_ERR_NONE) {
		/* The commit point: once GO is in the ring, the guest belongs to the target. */
		e = send_go(s, hash);
	}
	if (e != MIG_ERR_NONE) {
		/* The guest first: it must not wait for the host to drain our ABORT. */
		restore_guest(&st);
		mig_session_send_abort(s, e);
		return e;
	}
	s->aborting_allowed = false;
	s->counters.downtime_ns = plat_time_ns() - st.park_start_ns;
	mig_session_publish(s, true);
	LOG_INFO("migrate: GO sent; this guest will never run here again (%llu pages, %u vCPUs)\n",
		 (unsigned long long)st.entries, plat_vcpu_count());
	/* Where the blackout went, so that a missed downtime limit can be explained. */
	LOG_INFO(
	    "migrate: blackout %llu ms: checkpoint %llu ms, last %llu pages %llu ms, vCPU "
	    "states, COMMIT, ACK and GO %llu ms\n",
	    (unsigned long long)(s->counters.downtime_ns / 1000000),
	    (unsigned long long)((st.frozen_ns - st.park_start_ns) / 1000000),
	    (unsigned long long)(st.entries - st.round_start_entries),
	    (unsigned long long)((st.last_pages_ns - st.frozen_ns) / 1000000),
	    (unsigned long long)((st.park_start_ns + s->counters.downtime_ns - st.last_pages_ns) /
				 1000000));
	return MIG_ERR_NONE;
}
