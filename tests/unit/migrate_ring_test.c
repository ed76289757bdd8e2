/* SPDX-License-Identifier: MIT */
/*
 * MigrationPage rings: the SVSM's and the host's views of one ring in one buffer, and a host that
 * writes whatever it likes into the shared indices and slot headers. Platform-free.
 */
#include <string.h>

#include "svsm/migrate/ring.h"
#include "svsm/migrate_abi.h"
#include "svsm/test.h"

/* Channel 0's two rings are all these tests touch; the views compute every address from it. */
#define TEST_REGION_BYTES MIG_RING_OFFSET(1, 0)

static uint8_t region[TEST_REGION_BYTES] __attribute__((aligned(4096)));
static uint8_t record[MIG_SLOT_DATA_MAX];
static uint8_t received[MIG_SLOT_DATA_MAX];

static struct mig_ring_header *ring_header(uint32_t dir)
{
	return (struct mig_ring_header *)(region + MIG_RING_OFFSET(0, dir));
}

static struct mig_slot_header *slot_header(uint32_t dir, uint32_t index)
{
	return (struct mig_slot_header *)(region + MIG_SLOT_OFFSET(0, dir, index));
}

static void reset_region(uint32_t start)
{
	memset(region, 0, sizeof(region));
	ring_header(MIG_RING_OUT)->prod = start;
	ring_header(MIG_RING_OUT)->cons = start;
	ring_header(MIG_RING_IN)->prod = start;
	ring_header(MIG_RING_IN)->cons = start;
}

static void fill_record(uint32_t tag, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		record[i] = (uint8_t)((size_t)tag * 31 + i * 7);
	}
}

static bool record_matches(uint32_t tag, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != (uint8_t)((size_t)tag * 31 + i * 7)) {
			return false;
		}
	}
	return true;
}

/* The SVSM produces into its out ring, the host consumes it: the usual pair for most tests. */
static void attach_out_pair(struct mig_ring *svsm, struct mig_ring *host)
{
	EXPECT_EQ(mig_ring_attach(svsm, region, 0, MIG_RING_OUT, mig_ring_svsm_role(MIG_RING_OUT)),
		  MIG_ERR_NONE);
	EXPECT_EQ(mig_ring_attach(host, region, 0, MIG_RING_OUT, mig_ring_host_role(MIG_RING_OUT)),
		  MIG_ERR_NONE);
}

static size_t length_for(uint32_t i)
{
	return 1 + (i * 977u) % 5000u;
}

TEST(migrate_ring, roles_follow_direction)
{
	EXPECT_EQ(mig_ring_svsm_role(MIG_RING_OUT), MIG_RING_PRODUCER);
	EXPECT_EQ(mig_ring_svsm_role(MIG_RING_IN), MIG_RING_CONSUMER);
	EXPECT_EQ(mig_ring_host_role(MIG_RING_OUT), MIG_RING_CONSUMER);
	EXPECT_EQ(mig_ring_host_role(MIG_RING_IN), MIG_RING_PRODUCER);
}

TEST(migrate_ring, fill_then_drain_keeps_order_and_lengths)
{
	struct mig_ring svsm;
	struct mig_ring host;
	bool produced = false;
	size_t len = 0;

	reset_region(0);
	attach_out_pair(&svsm, &host);
	for (uint32_t i = 0; i < MIG_RING_SLOTS; i++) {
		fill_record(i, length_for(i));
		ASSERT_EQ(mig_ring_produce(&svsm, record, length_for(i), &produced), MIG_ERR_NONE);
		ASSERT_TRUE(produced);
	}
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, MIG_RING_SLOTS);
	for (uint32_t i = 0; i < MIG_RING_SLOTS; i++) {
		ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
		ASSERT_EQ(len, length_for(i));
		EXPECT_TRUE(record_matches(i, received, len));
	}
	EXPECT_EQ(ring_header(MIG_RING_OUT)->cons, MIG_RING_SLOTS);
	EXPECT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_EQ(len, 0u);
}

TEST(migrate_ring, full_ring_refuses_without_touching_slots)
{
	struct mig_ring svsm;
	struct mig_ring host;
	bool produced = false;
	size_t len = 0;
	uint32_t space = 99;

	reset_region(0);
	attach_out_pair(&svsm, &host);
	EXPECT_EQ(mig_ring_space(&svsm, &space), MIG_ERR_NONE);
	EXPECT_EQ(space, MIG_RING_SLOTS);
	for (uint32_t i = 0; i < MIG_RING_SLOTS; i++) {
		fill_record(i, 8);
		ASSERT_EQ(mig_ring_produce(&svsm, record, 8, &produced), MIG_ERR_NONE);
	}
	EXPECT_EQ(mig_ring_space(&svsm, &space), MIG_ERR_NONE);
	EXPECT_EQ(space, 0u);
	EXPECT_EQ(mig_ring_space(&host, &space), MIG_ERR_NONE);
	EXPECT_EQ(space, MIG_RING_SLOTS);

	fill_record(100, 8);
	EXPECT_EQ(mig_ring_produce(&svsm, record, 8, &produced), MIG_ERR_NONE);
	EXPECT_FALSE(produced);
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, MIG_RING_SLOTS);

	/* One slot freed: exactly one more fits, and slot 0 now holds record 100. */
	ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_TRUE(record_matches(0, received, len));
	EXPECT_EQ(mig_ring_produce(&svsm, record, 8, &produced), MIG_ERR_NONE);
	EXPECT_TRUE(produced);
	EXPECT_EQ(mig_ring_produce(&svsm, record, 8, &produced), MIG_ERR_NONE);
	EXPECT_FALSE(produced);
	for (uint32_t i = 1; i < MIG_RING_SLOTS; i++) {
		ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
		EXPECT_TRUE(record_matches(i, received, len));
	}
	ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_EQ(len, 8u);
	EXPECT_TRUE(record_matches(100, received, len));
}

TEST(migrate_ring, indices_wrap_past_2_pow_32)
{
	struct mig_ring svsm;
	struct mig_ring host;
	bool produced = false;
	size_t len = 0;
	const uint32_t start = 0xFFFFFFF3u;

	reset_region(start);
	attach_out_pair(&svsm, &host);
	for (uint32_t i = 0; i < 100; i++) {
		/* Keep a varying number of records in flight across the wrap. */
		for (uint32_t k = 0; k <= i % 3; k++) {
			fill_record(i * 4 + k, length_for(i * 4 + k));
			ASSERT_EQ(mig_ring_produce(&svsm, record, length_for(i * 4 + k), &produced),
				  MIG_ERR_NONE);
			ASSERT_TRUE(produced);
		}
		for (uint32_t k = 0; k <= i % 3; k++) {
			ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len),
				  MIG_ERR_NONE);
			ASSERT_EQ(len, length_for(i * 4 + k));
			ASSERT_TRUE(record_matches(i * 4 + k, received, len));
		}
	}
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, start + 199u);
	EXPECT_EQ(ring_header(MIG_RING_OUT)->cons, start + 199u);
	EXPECT_LT(ring_header(MIG_RING_OUT)->prod, start);
}

TEST(migrate_ring, smallest_and_largest_records_pass)
{
	struct mig_ring svsm;
	struct mig_ring host;
	bool produced = false;
	size_t len = 0;

	reset_region(0);
	attach_out_pair(&svsm, &host);
	fill_record(1, 1);
	ASSERT_EQ(mig_ring_produce(&svsm, record, 1, &produced), MIG_ERR_NONE);
	fill_record(2, MIG_SLOT_DATA_MAX);
	ASSERT_EQ(mig_ring_produce(&svsm, record, MIG_SLOT_DATA_MAX, &produced), MIG_ERR_NONE);
	ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_EQ(len, 1u);
	EXPECT_TRUE(record_matches(1, received, len));
	ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_EQ(len, MIG_SLOT_DATA_MAX);
	EXPECT_TRUE(record_matches(2, received, len));
}

/* The host produces into the SVSM's in ring by hand: one slot of a given length. */
static void host_publish_raw(uint32_t index, uint32_t length)
{
	slot_header(MIG_RING_IN, index)->length = length;
	ring_header(MIG_RING_IN)->prod = index + 1;
}

static bool received_untouched(void)
{
	for (size_t i = 0; i < sizeof(received); i++) {
		if (received[i] != 0xEE) {
			return false;
		}
	}
	return true;
}

static void expect_bad_slot_length(uint32_t length)
{
	struct mig_ring svsm;
	size_t len = 77;

	reset_region(0);
	ASSERT_EQ(mig_ring_attach(&svsm, region, 0, MIG_RING_IN, mig_ring_svsm_role(MIG_RING_IN)),
		  MIG_ERR_NONE);
	host_publish_raw(0, length);
	memset(received, 0xEE, sizeof(received));
	EXPECT_EQ(mig_ring_consume(&svsm, received, sizeof(received), &len), MIG_ERR_RING);
	EXPECT_EQ(len, 0u);
	EXPECT_EQ(ring_header(MIG_RING_IN)->cons, 0u);
	EXPECT_TRUE(received_untouched());
}

TEST(migrate_ring, hostile_slot_length_zero)
{
	expect_bad_slot_length(0);
}

TEST(migrate_ring, hostile_slot_length_one_past_max)
{
	expect_bad_slot_length(MIG_SLOT_DATA_MAX + 1);
}

TEST(migrate_ring, hostile_slot_length_all_ones)
{
	expect_bad_slot_length(0xFFFFFFFFu);
}

TEST(migrate_ring, slot_length_is_read_once_and_only_that_many_bytes_copied)
{
	struct mig_ring svsm;
	size_t len = 0;

	reset_region(0);
	ASSERT_EQ(mig_ring_attach(&svsm, region, 0, MIG_RING_IN, mig_ring_svsm_role(MIG_RING_IN)),
		  MIG_ERR_NONE);
	memset(region + MIG_SLOT_OFFSET(0, MIG_RING_IN, 0) + 8, 0xAB, 64);
	host_publish_raw(0, 16);
	memset(received, 0xEE, sizeof(received));
	ASSERT_EQ(mig_ring_consume(&svsm, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_EQ(len, 16u);
	EXPECT_EQ(received[15], 0xAB);
	EXPECT_EQ(received[16], 0xEE);
}

static void expect_consumer_rejects_prod(uint32_t cons, uint32_t prod)
{
	struct mig_ring svsm;
	size_t len = 77;
	uint32_t space = 77;

	reset_region(cons);
	ASSERT_EQ(mig_ring_attach(&svsm, region, 0, MIG_RING_IN, mig_ring_svsm_role(MIG_RING_IN)),
		  MIG_ERR_NONE);
	for (uint32_t i = 0; i < MIG_RING_SLOTS; i++) {
		slot_header(MIG_RING_IN, i)->length = 8;
	}
	ring_header(MIG_RING_IN)->prod = prod;
	EXPECT_EQ(mig_ring_consume(&svsm, received, sizeof(received), &len), MIG_ERR_RING);
	EXPECT_EQ(len, 0u);
	EXPECT_EQ(mig_ring_space(&svsm, &space), MIG_ERR_RING);
	EXPECT_EQ(space, 0u);
	EXPECT_EQ(ring_header(MIG_RING_IN)->cons, cons);
}

TEST(migrate_ring, hostile_prod_one_past_full)
{
	expect_consumer_rejects_prod(0, MIG_RING_SLOTS + 1);
}

TEST(migrate_ring, hostile_prod_far_ahead)
{
	expect_consumer_rejects_prod(5, 0x80000005u);
	expect_consumer_rejects_prod(0xFFFFFFFEu, 0xFFFFFFFEu + MIG_RING_SLOTS + 1);
}

TEST(migrate_ring, hostile_prod_behind_cons)
{
	expect_consumer_rejects_prod(10, 9);
	expect_consumer_rejects_prod(0, 0xFFFFFFFFu);
}

TEST(migrate_ring, hostile_prod_going_backwards)
{
	struct mig_ring svsm;
	size_t len = 0;

	reset_region(0);
	ASSERT_EQ(mig_ring_attach(&svsm, region, 0, MIG_RING_IN, mig_ring_svsm_role(MIG_RING_IN)),
		  MIG_ERR_NONE);
	for (uint32_t i = 0; i < MIG_RING_SLOTS; i++) {
		slot_header(MIG_RING_IN, i)->length = 8;
	}
	ring_header(MIG_RING_IN)->prod = 5;
	ASSERT_EQ(mig_ring_consume(&svsm, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_EQ(len, 8u);
	/* Published records 1..4 cannot be taken back, even though prod - cons stays in range. */
	ring_header(MIG_RING_IN)->prod = 3;
	EXPECT_EQ(mig_ring_consume(&svsm, received, sizeof(received), &len), MIG_ERR_RING);
	EXPECT_EQ(ring_header(MIG_RING_IN)->cons, 1u);
}

TEST(migrate_ring, hostile_cons_ahead_of_prod)
{
	struct mig_ring svsm;
	bool produced = true;

	reset_region(0);
	ASSERT_EQ(mig_ring_attach(&svsm, region, 0, MIG_RING_OUT, mig_ring_svsm_role(MIG_RING_OUT)),
		  MIG_ERR_NONE);
	fill_record(3, 32);
	ASSERT_EQ(mig_ring_produce(&svsm, record, 32, &produced), MIG_ERR_NONE);
	ring_header(MIG_RING_OUT)->cons = 2;
	EXPECT_EQ(mig_ring_produce(&svsm, record, 32, &produced), MIG_ERR_RING);
	EXPECT_FALSE(produced);
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, 1u);
	ring_header(MIG_RING_OUT)->cons = 0x80000000u;
	EXPECT_EQ(mig_ring_produce(&svsm, record, 32, &produced), MIG_ERR_RING);
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, 1u);
}

TEST(migrate_ring, hostile_cons_going_backwards)
{
	struct mig_ring svsm;
	bool produced = false;

	reset_region(0);
	ASSERT_EQ(mig_ring_attach(&svsm, region, 0, MIG_RING_OUT, mig_ring_svsm_role(MIG_RING_OUT)),
		  MIG_ERR_NONE);
	fill_record(4, 32);
	for (uint32_t i = 0; i < 4; i++) {
		ASSERT_EQ(mig_ring_produce(&svsm, record, 32, &produced), MIG_ERR_NONE);
	}
	ring_header(MIG_RING_OUT)->cons = 3;
	ASSERT_EQ(mig_ring_produce(&svsm, record, 32, &produced), MIG_ERR_NONE);
	ASSERT_TRUE(produced);
	/* A slot the consumer freed cannot be claimed busy again. */
	ring_header(MIG_RING_OUT)->cons = 1;
	EXPECT_EQ(mig_ring_produce(&svsm, record, 32, &produced), MIG_ERR_RING);
	EXPECT_FALSE(produced);
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, 5u);
}

TEST(migrate_ring, producer_never_rereads_its_own_index)
{
	struct mig_ring svsm;
	struct mig_ring host;
	bool produced = false;

	reset_region(0);
	attach_out_pair(&svsm, &host);
	fill_record(1, 40);
	ASSERT_EQ(mig_ring_produce(&svsm, record, 40, &produced), MIG_ERR_NONE);
	/* The host scribbles over prod: the SVSM's next record still goes to slot 1 and prod is
	 * rewritten from the private index. */
	ring_header(MIG_RING_OUT)->prod = 0x12345678u;
	fill_record(2, 40);
	ASSERT_EQ(mig_ring_produce(&svsm, record, 40, &produced), MIG_ERR_NONE);
	EXPECT_TRUE(produced);
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, 2u);
	EXPECT_EQ(slot_header(MIG_RING_OUT, 1)->length, 40u);
	EXPECT_TRUE(record_matches(2, region + MIG_SLOT_OFFSET(0, MIG_RING_OUT, 1) + 8, 40));
}

TEST(migrate_ring, consumer_never_rereads_its_own_index)
{
	struct mig_ring svsm;
	struct mig_ring host;
	bool produced = false;
	size_t len = 0;

	reset_region(0);
	ASSERT_EQ(mig_ring_attach(&svsm, region, 0, MIG_RING_IN, mig_ring_svsm_role(MIG_RING_IN)),
		  MIG_ERR_NONE);
	ASSERT_EQ(mig_ring_attach(&host, region, 0, MIG_RING_IN, mig_ring_host_role(MIG_RING_IN)),
		  MIG_ERR_NONE);
	for (uint32_t i = 0; i < 3; i++) {
		fill_record(i, 24);
		ASSERT_EQ(mig_ring_produce(&host, record, 24, &produced), MIG_ERR_NONE);
	}
	ASSERT_EQ(mig_ring_consume(&svsm, received, sizeof(received), &len), MIG_ERR_NONE);
	ring_header(MIG_RING_IN)->cons = 0xFFFFFFF0u;
	ASSERT_EQ(mig_ring_consume(&svsm, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_TRUE(record_matches(1, received, len));
	EXPECT_EQ(ring_header(MIG_RING_IN)->cons, 2u);
}

TEST(migrate_ring, attach_refuses_inconsistent_indices)
{
	struct mig_ring view;

	reset_region(0);
	ring_header(MIG_RING_IN)->prod = MIG_RING_SLOTS + 1;
	EXPECT_EQ(mig_ring_attach(&view, region, 0, MIG_RING_IN, MIG_RING_CONSUMER), MIG_ERR_RING);
	EXPECT_EQ(mig_ring_attach(&view, region, 0, MIG_RING_IN, MIG_RING_PRODUCER), MIG_ERR_RING);
	ring_header(MIG_RING_IN)->prod = MIG_RING_SLOTS;
	EXPECT_EQ(mig_ring_attach(&view, region, 0, MIG_RING_IN, MIG_RING_CONSUMER), MIG_ERR_NONE);
}

TEST(migrate_ring, views_address_the_right_ring)
{
	struct mig_ring out;
	struct mig_ring in;
	bool produced = false;

	reset_region(0);
	ASSERT_EQ(mig_ring_attach(&out, region, 0, MIG_RING_OUT, MIG_RING_PRODUCER), MIG_ERR_NONE);
	ASSERT_EQ(mig_ring_attach(&in, region, 0, MIG_RING_IN, MIG_RING_PRODUCER), MIG_ERR_NONE);
	fill_record(9, 12);
	ASSERT_EQ(mig_ring_produce(&in, record, 12, &produced), MIG_ERR_NONE);
	EXPECT_EQ(ring_header(MIG_RING_IN)->prod, 1u);
	EXPECT_EQ(ring_header(MIG_RING_OUT)->prod, 0u);
	EXPECT_TRUE(record_matches(9, region + MIG_SLOT_OFFSET(0, MIG_RING_IN, 0) + 8, 12));
	EXPECT_EQ((uint8_t *)out.header, region + MIG_RING_OFFSET(0, MIG_RING_OUT));
	EXPECT_EQ((uint8_t *)in.slots, region + MIG_RING_OFFSET(0, MIG_RING_IN) + 4096);
}

TEST(migrate_ring, a_reattached_view_continues_where_the_ring_stands)
{
	struct mig_ring svsm;
	struct mig_ring host;
	bool produced = false;
	size_t len = 0;

	reset_region(0);
	attach_out_pair(&svsm, &host);
	for (uint32_t i = 0; i < 5; i++) {
		fill_record(i, 16 + i);
		ASSERT_EQ(mig_ring_produce(&svsm, record, 16 + i, &produced), MIG_ERR_NONE);
	}
	ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	/* A restarted agent attaches again and takes record 2 next. */
	ASSERT_EQ(mig_ring_attach(&host, region, 0, MIG_RING_OUT, mig_ring_host_role(MIG_RING_OUT)),
		  MIG_ERR_NONE);
	ASSERT_EQ(mig_ring_consume(&host, received, sizeof(received), &len), MIG_ERR_NONE);
	EXPECT_EQ(len, 18u);
	EXPECT_TRUE(record_matches(2, received, len));
}
