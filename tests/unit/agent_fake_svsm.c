/* SPDX-License-Identifier: MIT */
#include "agent_fake_svsm.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svsm/check.h"
#include "svsm/migrate/record.h"

uint64_t fake_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void short_pause(void)
{
	struct timespec pause = {0, 200000L};

	nanosleep(&pause, NULL);
}

void *fake_region_alloc(void)
{
	void *region = aligned_alloc(PAGE_SIZE, MIG_REGION_SIZE);

	CHECK(region != NULL);
	memset(region, 0, MIG_REGION_SIZE);
	return region;
}

void fake_svsm_init(struct fake_svsm *f, void *region, enum mig_status status)
{
	memset(f, 0, sizeof(*f));
	f->region = region;
	mig_control_init(&f->control, region, status);
	for (uint32_t c = 0; c < MIG_MAX_CHANNELS; c++) {
		CHECK(mig_ring_attach(&f->out[c], region, c, MIG_RING_OUT,
				      mig_ring_svsm_role(MIG_RING_OUT)) == MIG_ERR_NONE);
		CHECK(mig_ring_attach(&f->in[c], region, c, MIG_RING_IN,
				      mig_ring_svsm_role(MIG_RING_IN)) == MIG_ERR_NONE);
	}
}

/* header || filler body of body_len bytes. */
static size_t finish_record(const struct mig_record *rec, uint8_t *buf, size_t cap, size_t body_len,
			    uint8_t fill)
{
	size_t len = 0;

	CHECK(mig_record_encode(rec, buf, cap, &len) == MIG_ERR_NONE);
	CHECK(len + body_len <= cap);
	for (size_t i = 0; i < body_len; i++) {
		buf[len + i] = (uint8_t)(fill + i * 7);
	}
	return len + body_len;
}

size_t fake_pages_record(uint8_t *buf, size_t cap, uint32_t channel, uint64_t seq, uint64_t round,
			 uint32_t gpa_count)
{
	struct mig_record rec;

	CHECK(gpa_count >= 1 && gpa_count <= MIG_PAGES_PER_RECORD);
	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_PAGES;
	rec.channel = channel;
	rec.seq = seq;
	rec.round = round;
	rec.gpa_count = gpa_count;
	for (uint32_t i = 0; i < gpa_count; i++) {
		rec.gpas[i] = gpa_init(0x4000000ULL + (seq * MIG_PAGES_PER_RECORD + i) * PAGE_SIZE);
		rec.kinds[i] = MIG_PAGE_DATA;
	}
	return finish_record(&rec, buf, cap, gpa_count * PAGE_SIZE + MIG_TAG_LEN,
			     (uint8_t)(seq * 31 + channel));
}

size_t fake_control_record(uint8_t *buf, size_t cap, enum mig_record_type type, uint32_t channel,
			   uint64_t seq)
{
	static const uint8_t hash[MIG_COMMIT_HASH_LEN] = {0xC0, 0x33, 0x17};
	struct mig_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.type = type;
	rec.channel = channel;
	rec.seq = seq;
	if (type == MIG_REC_ABORT) {
		rec.reason = MIG_ERR_TIMEOUT;
	} else {
		CHECK(type == MIG_REC_ACK || type == MIG_REC_GO);
		rec.commit_hash = hash;
	}
	return finish_record(&rec, buf, cap, MIG_TAG_LEN, (uint8_t)seq);
}

bool fake_produce(struct fake_svsm *f, uint32_t channel, const void *rec, size_t len,
		  uint64_t deadline_ns)
{
	for (;;) {
		bool produced = false;

		if (mig_ring_produce(&f->out[channel], rec, len, &produced) != MIG_ERR_NONE) {
			return false;
		}
		if (produced) {
			return true;
		}
		if (fake_now_ns() >= deadline_ns) {
			return false;
		}
		short_pause();
	}
}

bool fake_try_produce(struct fake_svsm *f, uint32_t channel, const void *rec, size_t len,
		      bool *produced)
{
	return mig_ring_produce(&f->out[channel], rec, len, produced) == MIG_ERR_NONE;
}

bool fake_try_consume(struct fake_svsm *f, uint32_t channel, void *buf, size_t *len)
{
	return mig_ring_consume(&f->in[channel], buf, MIG_SLOT_DATA_MAX, len) == MIG_ERR_NONE;
}

bool fake_consume(struct fake_svsm *f, uint32_t channel, void *buf, size_t *len,
		  uint64_t deadline_ns)
{
	for (;;) {
		if (!fake_try_consume(f, channel, buf, len)) {
			return false;
		}
		if (*len > 0) {
			return true;
		}
		if (fake_now_ns() >= deadline_ns) {
			return false;
		}
		short_pause();
	}
}
