/* SPDX-License-Identifier: MIT */
/* The control page from both sides: publication, host reads, command intake and validation. */
#include <string.h>

#include "svsm/migrate/control.h"
#include "svsm/migrate_abi.h"
#include "svsm/test.h"

static uint8_t region[MIG_REGION_SIZE] __attribute__((aligned(4096)));

static struct mig_control *page(void)
{
	return (struct mig_control *)region;
}

static struct mig_host_regs good_send(void)
{
	struct mig_host_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.command = MIG_CMD_SEND;
	regs.command_seq = 7;
	regs.channels = 4;
	regs.flags = MIG_FLAG_AUTO_CONVERGE;
	regs.max_bandwidth = 100ULL << 20;
	regs.downtime_limit_ns = 50000000ULL;
	regs.max_rounds = 12;
	return regs;
}

static enum mig_error validate(const struct mig_host_regs *regs)
{
	struct mig_command_req req;

	return mig_control_validate(regs, &req);
}

TEST(migrate_control, init_publishes_geometry_and_keeps_host_half)
{
	struct mig_control_svsm ctl;
	struct mig_svsm_state state;

	memset(region, 0xA5, sizeof(region));
	page()->host.command = MIG_CMD_RECEIVE;
	page()->host.command_seq = 1;
	mig_control_init(&ctl, region, MIG_STATUS_TARGET_WAITING);

	EXPECT_EQ(page()->magic, MIG_MAGIC);
	EXPECT_EQ(page()->abi_version, MIG_ABI_VERSION);
	EXPECT_EQ(page()->max_channels, MIG_MAX_CHANNELS);
	EXPECT_EQ(page()->ring_slots, MIG_RING_SLOTS);
	EXPECT_EQ(page()->slot_size, MIG_SLOT_SIZE);
	EXPECT_EQ(page()->region_size, MIG_REGION_SIZE);
	EXPECT_EQ(page()->status, MIG_STATUS_TARGET_WAITING);
	EXPECT_EQ(page()->error, MIG_ERR_NONE);
	EXPECT_EQ(page()->command_ack, 0u);
	EXPECT_EQ(page()->counters.pages_sent, 0u);
	EXPECT_EQ(page()->reserved1[0], 0u);
	EXPECT_EQ(page()->host.command, MIG_CMD_RECEIVE);
	EXPECT_EQ(page()->host.command_seq, 1u);
	EXPECT_EQ(page()->reserved2[0], 0xA5u);
	for (uint32_t c = 0; c < MIG_MAX_CHANNELS; c++) {
		const struct mig_ring_header *out =
		    (const void *)(region + MIG_RING_OFFSET(c, MIG_RING_OUT));
		const struct mig_ring_header *in =
		    (const void *)(region + MIG_RING_OFFSET(c, MIG_RING_IN));

		EXPECT_EQ(out->prod | out->cons | in->prod | in->cons, 0u);
	}
	ASSERT_EQ(mig_control_host_read(region, &state), MIG_ERR_NONE);
	EXPECT_EQ(state.status, MIG_STATUS_TARGET_WAITING);
	EXPECT_EQ(state.status_seq % 2, 0u);
}

TEST(migrate_control, pre_boot_receive_is_taken_after_init)
{
	struct mig_control_svsm ctl;
	struct mig_command_req req;
	bool taken = false;

	memset(region, 0, sizeof(region));
	page()->host.command = MIG_CMD_RECEIVE;
	page()->host.channels = 2;
	page()->host.command_seq = 1;
	mig_control_init(&ctl, region, MIG_STATUS_TARGET_WAITING);
	ASSERT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	ASSERT_TRUE(taken);
	EXPECT_EQ(req.command, MIG_CMD_RECEIVE);
	EXPECT_EQ(req.channels, 2u);
	EXPECT_EQ(req.seq, 1u);
	EXPECT_EQ(page()->command_ack, 1u);
	/* Taken once only. */
	EXPECT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	EXPECT_FALSE(taken);
}

TEST(migrate_control, host_read_refuses_an_uninitialised_or_foreign_region)
{
	struct mig_control_svsm ctl;
	struct mig_svsm_state state;

	memset(region, 0, sizeof(region));
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);

	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	ASSERT_EQ(mig_control_host_read(region, &state), MIG_ERR_NONE);

	page()->abi_version = 2;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	page()->abi_version = MIG_ABI_VERSION;
	page()->max_channels = MIG_MAX_CHANNELS + 1;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	page()->max_channels = MIG_MAX_CHANNELS;
	page()->ring_slots = 16;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	page()->ring_slots = MIG_RING_SLOTS;
	page()->slot_size = 4096;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	page()->slot_size = MIG_SLOT_SIZE;
	page()->region_size = MIG_REGION_SIZE * 2;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	page()->region_size = MIG_REGION_SIZE;
	page()->magic ^= 1;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	page()->magic ^= 1;
	ASSERT_EQ(mig_control_host_read(region, &state), MIG_ERR_NONE);

	page()->status = MIG_STATUS_TARGET_FAILED + 1;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	EXPECT_EQ(state.status, MIG_STATUS_IDLE);
	page()->status = MIG_STATUS_IDLE;
	page()->error = MIG_ERR_INTERNAL + 1;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
	page()->error = MIG_ERR_NONE;
	page()->channels = MIG_MAX_CHANNELS + 1;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_RING);
}

TEST(migrate_control, host_read_gives_up_on_a_page_stuck_mid_publication)
{
	struct mig_control_svsm ctl;
	struct mig_svsm_state state;

	memset(region, 0, sizeof(region));
	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	page()->status_seq |= 1;
	EXPECT_EQ(mig_control_host_read(region, &state), MIG_ERR_TIMEOUT);
}

TEST(migrate_control, publications_bump_status_seq_and_reach_the_host)
{
	struct mig_control_svsm ctl;
	struct mig_svsm_state state;
	struct mig_counters counters;
	uint64_t seq;

	memset(region, 0, sizeof(region));
	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	ASSERT_EQ(mig_control_host_read(region, &state), MIG_ERR_NONE);
	seq = state.status_seq;

	mig_control_publish(&ctl, MIG_STATUS_SOURCE_ABORTED, MIG_ERR_ATTESTATION);
	ASSERT_EQ(mig_control_host_read(region, &state), MIG_ERR_NONE);
	EXPECT_EQ(state.status, MIG_STATUS_SOURCE_ABORTED);
	EXPECT_EQ(state.error, MIG_ERR_ATTESTATION);
	EXPECT_GT(state.status_seq, seq);
	EXPECT_EQ(state.status_seq % 2, 0u);
	seq = state.status_seq;

	mig_control_set_channels(&ctl, 3);
	memset(&counters, 0, sizeof(counters));
	counters.round = 4;
	counters.pages_sent = 123456;
	counters.elapsed_ns = 987654321;
	mig_control_publish_counters(&ctl, &counters);
	ASSERT_EQ(mig_control_host_read(region, &state), MIG_ERR_NONE);
	EXPECT_EQ(state.channels, 3u);
	EXPECT_EQ(state.status, MIG_STATUS_SOURCE_ABORTED);
	EXPECT_EQ(state.counters.round, 4u);
	EXPECT_EQ(state.counters.pages_sent, 123456u);
	EXPECT_EQ(state.counters.elapsed_ns, 987654321u);
	EXPECT_GT(state.status_seq, seq);
}

TEST(migrate_control, publication_never_reads_back_the_shared_page)
{
	struct mig_control_svsm ctl;
	struct mig_svsm_state state;

	memset(region, 0, sizeof(region));
	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	mig_control_set_channels(&ctl, 2);
	/* The host scribbles over the SVSM half; the next publication restores it from the
	 * SVSM's private copy. */
	page()->channels = 7;
	page()->status_seq = 1000;
	page()->error = MIG_ERR_HOST_ABORT;
	mig_control_publish(&ctl, MIG_STATUS_SOURCE_PRECOPY, MIG_ERR_NONE);
	ASSERT_EQ(mig_control_host_read(region, &state), MIG_ERR_NONE);
	EXPECT_EQ(state.channels, 2u);
	EXPECT_EQ(state.error, MIG_ERR_NONE);
	EXPECT_EQ(state.status_seq, 6u);
}

TEST(migrate_control, host_commands_are_taken_once_and_acknowledged)
{
	struct mig_control_svsm ctl;
	struct mig_command_req req;
	struct mig_host_command cmd = {
	    .command = MIG_CMD_SEND,
	    .channels = 8,
	    .flags = 0,
	    .max_bandwidth = 0,
	    .downtime_limit_ns = 0,
	    .max_rounds = 0,
	};
	bool taken = true;
	uint32_t seq;

	memset(region, 0, sizeof(region));
	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	EXPECT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	EXPECT_FALSE(taken);

	seq = mig_control_host_command(region, &cmd);
	EXPECT_EQ(seq, 1u);
	/* The previous command is not acknowledged yet: the host may not overwrite it. */
	EXPECT_EQ(mig_control_host_command(region, &cmd), 0u);
	EXPECT_EQ(page()->host.command_seq, 1u);

	ASSERT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	ASSERT_TRUE(taken);
	EXPECT_EQ(req.command, MIG_CMD_SEND);
	EXPECT_EQ(req.seq, 1u);
	EXPECT_EQ(req.channels, 8u);
	EXPECT_EQ(req.max_bandwidth, MIG_BANDWIDTH_UNLIMITED);
	EXPECT_EQ(req.downtime_limit_ns, MIG_DOWNTIME_DEFAULT_NS);
	EXPECT_EQ(req.max_rounds, MIG_ROUNDS_DEFAULT);
	EXPECT_EQ(page()->command_ack, 1u);
	EXPECT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	EXPECT_FALSE(taken);

	cmd.command = MIG_CMD_ABORT;
	cmd.channels = 0;
	seq = mig_control_host_command(region, &cmd);
	EXPECT_EQ(seq, 2u);
	mig_control_host_ring_doorbell(region);
	EXPECT_EQ(page()->host.doorbell, 1u);
	ASSERT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	ASSERT_TRUE(taken);
	EXPECT_EQ(req.command, MIG_CMD_ABORT);
	EXPECT_EQ(page()->command_ack, 2u);
}

TEST(migrate_control, invalid_command_is_acknowledged_and_refused)
{
	struct mig_control_svsm ctl;
	struct mig_command_req req;
	bool taken = false;

	memset(region, 0, sizeof(region));
	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	page()->host = good_send();
	page()->host.channels = 0;
	memset(&req, 0x5A, sizeof(req));
	EXPECT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_BAD_COMMAND);
	EXPECT_TRUE(taken);
	EXPECT_EQ(req.command, MIG_CMD_NONE);
	EXPECT_EQ(req.channels, 0u);
	EXPECT_EQ(page()->command_ack, 7u);
	EXPECT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	EXPECT_FALSE(taken);
}

TEST(migrate_control, command_seq_wraps_past_zero)
{
	struct mig_control_svsm ctl;
	struct mig_command_req req;
	struct mig_host_command cmd = {.command = MIG_CMD_ABORT};
	bool taken = false;

	memset(region, 0, sizeof(region));
	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	page()->host.command = MIG_CMD_ABORT;
	page()->host.command_seq = 0xFFFFFFFFu;
	ASSERT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	ASSERT_TRUE(taken);
	EXPECT_EQ(mig_control_host_command(region, &cmd), 1u);
	ASSERT_EQ(mig_control_take_command(&ctl, &req, &taken), MIG_ERR_NONE);
	EXPECT_TRUE(taken);
	EXPECT_EQ(req.seq, 1u);
}

TEST(migrate_control, valid_send_keeps_its_parameters)
{
	struct mig_host_regs regs = good_send();
	struct mig_command_req req;

	ASSERT_EQ(mig_control_validate(&regs, &req), MIG_ERR_NONE);
	EXPECT_EQ(req.command, MIG_CMD_SEND);
	EXPECT_EQ(req.seq, 7u);
	EXPECT_EQ(req.channels, 4u);
	EXPECT_EQ(req.flags, MIG_FLAG_AUTO_CONVERGE);
	EXPECT_EQ(req.max_bandwidth, 100ULL << 20);
	EXPECT_EQ(req.downtime_limit_ns, 50000000ULL);
	EXPECT_EQ(req.max_rounds, 12u);
}

TEST(migrate_control, unknown_commands_are_refused)
{
	static const uint32_t bad[] = {MIG_CMD_NONE, 4, 0x80000001u, 0xFFFFFFFFu};
	struct mig_host_regs regs = good_send();

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		regs.command = bad[i];
		EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
	}
}

TEST(migrate_control, channel_count_must_be_1_to_max)
{
	static const uint32_t commands[] = {MIG_CMD_SEND, MIG_CMD_RECEIVE};

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		struct mig_host_regs regs = good_send();

		regs.command = commands[i];
		regs.channels = 0;
		EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
		regs.channels = MIG_MAX_CHANNELS + 1;
		EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
		regs.channels = 0xFFFFFFFFu;
		EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
		regs.channels = 1;
		EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
		regs.channels = MIG_MAX_CHANNELS;
		EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
	}
}

TEST(migrate_control, unknown_flags_are_refused)
{
	struct mig_host_regs regs = good_send();

	for (unsigned bit = 0; bit < 32; bit++) {
		regs.flags = 1u << bit;
		EXPECT_EQ(validate(&regs),
			  (regs.flags & ~MIG_FLAGS_KNOWN) ? MIG_ERR_BAD_COMMAND : MIG_ERR_NONE);
	}
}

TEST(migrate_control, bandwidth_is_unlimited_or_in_range)
{
	struct mig_host_regs regs = good_send();
	struct mig_command_req req;

	regs.max_bandwidth = 0;
	ASSERT_EQ(mig_control_validate(&regs, &req), MIG_ERR_NONE);
	EXPECT_EQ(req.max_bandwidth, MIG_BANDWIDTH_UNLIMITED);
	regs.max_bandwidth = MIG_BANDWIDTH_MIN - 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
	regs.max_bandwidth = MIG_BANDWIDTH_MIN;
	EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
	regs.max_bandwidth = MIG_BANDWIDTH_MAX;
	EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
	regs.max_bandwidth = MIG_BANDWIDTH_MAX + 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
	regs.max_bandwidth = UINT64_MAX;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
}

TEST(migrate_control, downtime_defaults_and_range)
{
	struct mig_host_regs regs = good_send();
	struct mig_command_req req;

	regs.downtime_limit_ns = 0;
	ASSERT_EQ(mig_control_validate(&regs, &req), MIG_ERR_NONE);
	EXPECT_EQ(req.downtime_limit_ns, MIG_DOWNTIME_DEFAULT_NS);
	regs.downtime_limit_ns = MIG_DOWNTIME_MIN_NS - 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
	regs.downtime_limit_ns = MIG_DOWNTIME_MIN_NS;
	EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
	regs.downtime_limit_ns = MIG_DOWNTIME_MAX_NS;
	EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
	regs.downtime_limit_ns = MIG_DOWNTIME_MAX_NS + 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
}

TEST(migrate_control, rounds_default_and_range)
{
	struct mig_host_regs regs = good_send();
	struct mig_command_req req;

	regs.max_rounds = 0;
	ASSERT_EQ(mig_control_validate(&regs, &req), MIG_ERR_NONE);
	EXPECT_EQ(req.max_rounds, MIG_ROUNDS_DEFAULT);
	regs.max_rounds = 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
	regs.max_rounds = MIG_ROUNDS_MAX;
	EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
	regs.max_rounds = MIG_ROUNDS_MAX + 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
}

TEST(migrate_control, reserved_fields_must_be_zero)
{
	struct mig_host_regs regs = good_send();

	regs.reserved0 = 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
	regs.reserved0 = 0;
	for (size_t i = 0; i < ARRAY_SIZE(regs.reserved); i++) {
		regs.reserved[i] = 1ULL << 63;
		EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
		regs.reserved[i] = 0;
	}
	regs.command = MIG_CMD_ABORT;
	regs.reserved[9] = 1;
	EXPECT_EQ(validate(&regs), MIG_ERR_BAD_COMMAND);
}

TEST(migrate_control, abort_ignores_parameters_and_the_doorbell_is_ignored)
{
	struct mig_host_regs regs = good_send();
	struct mig_command_req req;

	regs.command = MIG_CMD_ABORT;
	regs.channels = 0xFFFFFFFFu;
	regs.flags = 0xFFFFFFFFu;
	regs.max_rounds = 0xFFFFFFFFu;
	regs.doorbell = 0xFFFFFFFFFFFFFFFFULL;
	ASSERT_EQ(mig_control_validate(&regs, &req), MIG_ERR_NONE);
	EXPECT_EQ(req.command, MIG_CMD_ABORT);
	EXPECT_EQ(req.channels, 0u);
	EXPECT_EQ(req.flags, 0u);
	regs = good_send();
	regs.doorbell = 12345;
	EXPECT_EQ(validate(&regs), MIG_ERR_NONE);
}
