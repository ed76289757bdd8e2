/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the SVSM's ring accesses with a host that writes whatever the input says into
 * the shared indices and slot headers between operations. The region is a heap block of exactly
 * channel 0's two rings, so ASan reports any access outside them; the checks below are the
 * ring's contract (lengths in range, a refused record leaves the shared index alone, a taken one
 * advances it by exactly one). A record taken from the ring goes on to the decoder, as in the
 * SVSM, so slot contents the input writes reach it through the ring's copy.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/migrate/record.h"
#include "svsm/migrate/ring.h"
#include "svsm/migrate_abi.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REGION_BYTES MIG_RING_OFFSET(1, 0)

static uint8_t *region;
static uint8_t record[MIG_SLOT_DATA_MAX];
static uint8_t received[MIG_SLOT_DATA_MAX];

struct input {
	const uint8_t *pos;
	size_t left;
};

static bool take(struct input *in, void *out, size_t n)
{
	if (in->left < n) {
		return false;
	}
	memcpy(out, in->pos, n);
	in->pos += n;
	in->left -= n;
	return true;
}

static struct mig_ring_header *header(uint32_t dir)
{
	return (struct mig_ring_header *)(region + MIG_RING_OFFSET(0, dir));
}

static void consume(struct mig_ring *in_ring)
{
	uint32_t before = header(MIG_RING_IN)->cons;
	size_t len = 0;
	enum mig_error err = mig_ring_consume(in_ring, received, sizeof(received), &len);

	if (err != MIG_ERR_NONE && err != MIG_ERR_RING) {
		abort();
	}
	if (len > MIG_SLOT_DATA_MAX || (err != MIG_ERR_NONE && len != 0)) {
		abort();
	}
	if (len == 0 && header(MIG_RING_IN)->cons != before) {
		abort();
	}
	if (len != 0 && header(MIG_RING_IN)->cons != in_ring->own) {
		abort();
	}
	if (len != 0) {
		struct mig_record rec;

		(void)mig_record_decode(received, len, &rec);
	}
}

static void write_slot(struct input *in)
{
	uint8_t slot = 0;
	uint16_t n = 0;
	uint8_t *data;

	if (!take(in, &slot, 1) || !take(in, &n, 2)) {
		return;
	}
	if (n > in->left) {
		n = (uint16_t)in->left;
	}
	data = region + MIG_SLOT_OFFSET(0, MIG_RING_IN, slot) + sizeof(struct mig_slot_header);
	take(in, data, n);
}

static void produce(struct mig_ring *out_ring, uint16_t len)
{
	uint32_t before = out_ring->own;
	bool produced = false;
	size_t n = len == 0 ? 1 : len;
	enum mig_error err = mig_ring_produce(out_ring, record, n, &produced);

	if (err != MIG_ERR_NONE && err != MIG_ERR_RING) {
		abort();
	}
	if (produced != (out_ring->own == before + 1) || (err != MIG_ERR_NONE && produced)) {
		abort();
	}
	if (produced && header(MIG_RING_OUT)->prod != out_ring->own) {
		abort();
	}
}

static bool step(struct input *in, struct mig_ring *in_ring, struct mig_ring *out_ring)
{
	uint8_t op = 0;
	uint8_t slot = 0;
	uint16_t len16 = 0;
	uint32_t value = 0;

	if (!take(in, &op, 1)) {
		return false;
	}
	switch (op % FUZZ_RING_OPS) {
	case FUZZ_RING_CONSUME:
		consume(in_ring);
		return true;
	case FUZZ_RING_SET_PROD:
		if (take(in, &value, 4)) {
			header(MIG_RING_IN)->prod = value;
		}
		return true;
	case FUZZ_RING_SET_LENGTH:
		if (take(in, &slot, 1) && take(in, &value, 4)) {
			((struct mig_slot_header *)(region + MIG_SLOT_OFFSET(0, MIG_RING_IN, slot)))
			    ->length = value;
		}
		return true;
	case FUZZ_RING_SET_CONS:
		if (take(in, &value, 4)) {
			header(MIG_RING_OUT)->cons = value;
		}
		return true;
	case FUZZ_RING_PRODUCE:
		if (take(in, &len16, 2)) {
			produce(out_ring, len16);
		}
		return true;
	case FUZZ_RING_WRITE_SLOT:
		write_slot(in);
		return true;
	case FUZZ_RING_SET_OWN:
		if (take(in, &value, 4)) {
			header(MIG_RING_IN)->cons = value;
			header(MIG_RING_OUT)->prod = value;
		}
		return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct fuzz_ring_prefix prefix;
	struct mig_ring in_ring;
	struct mig_ring out_ring;

	if (region == NULL) {
		region = malloc(REGION_BYTES);
		if (region == NULL) {
			abort();
		}
	}
	if (!take(&in, &prefix, sizeof(prefix))) {
		return 0;
	}
	memset(region, 0, REGION_BYTES);
	header(MIG_RING_IN)->cons = prefix.start;
	header(MIG_RING_IN)->prod = prefix.host_prod;
	header(MIG_RING_OUT)->prod = prefix.start;
	header(MIG_RING_OUT)->cons = prefix.start;
	for (uint32_t i = 0; i < MIG_RING_SLOTS; i++) {
		((struct mig_slot_header *)(region + MIG_SLOT_OFFSET(0, MIG_RING_IN, i)))->length =
		    prefix.slot_length[i];
	}
	if (mig_ring_attach(&in_ring, region, 0, MIG_RING_IN, MIG_RING_CONSUMER) != MIG_ERR_NONE) {
		return 0;
	}
	if (mig_ring_attach(&out_ring, region, 0, MIG_RING_OUT, MIG_RING_PRODUCER) !=
	    MIG_ERR_NONE) {
		abort();
	}
	while (step(&in, &in_ring, &out_ring)) {
	}
	return 0;
}
