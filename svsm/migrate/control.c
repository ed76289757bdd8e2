/* SPDX-License-Identifier: MIT */
/* The MigrationPage control page: see control.h. */
#include "svsm/migrate/control.h"

#include <string.h>

#include "svsm/check.h"

/* Sequence-lock retries before the host gives up on a snapshot. */
#define HOST_READ_TRIES 1000U

_Static_assert(sizeof(struct mig_host_regs) % sizeof(uint64_t) == 0, "host regs copy by words");
_Static_assert(sizeof(struct mig_counters) % sizeof(uint64_t) == 0, "counters copy by words");

/*
 * Word-wise atomic copies: the other side may write concurrently; each word is read or written
 * exactly once and never torn. Each word is an acquire load or a release store, which orders the
 * copy against the sequence numbers around it without standalone fences (which GCC refuses under
 * ThreadSanitizer, and the hosted platform builds this file with it).
 */
static void copy_from_shared(void *dst, const void *src, size_t len)
{
	const uint64_t *from = src;
	uint64_t *to = dst;

	for (size_t i = 0; i < len / sizeof(uint64_t); i++) {
		to[i] = __atomic_load_n(&from[i], __ATOMIC_ACQUIRE);
	}
}

static void copy_to_shared(void *dst, const void *src, size_t len)
{
	const uint64_t *from = src;
	uint64_t *to = dst;

	for (size_t i = 0; i < len / sizeof(uint64_t); i++) {
		__atomic_store_n(&to[i], from[i], __ATOMIC_RELEASE);
	}
}

/* --- SVSM side ---------------------------------------------------------------------------- */

static void publish_begin(struct mig_control_svsm *ctl)
{
	ctl->status_seq++;
	__atomic_store_n(&ctl->page->status_seq, ctl->status_seq, __ATOMIC_RELAXED);
}

static void publish_end(struct mig_control_svsm *ctl)
{
	ctl->status_seq++;
	__atomic_store_n(&ctl->page->status_seq, ctl->status_seq, __ATOMIC_RELEASE);
}

static void store_state(struct mig_control_svsm *ctl)
{
	__atomic_store_n(&ctl->page->status, (uint32_t)ctl->status, __ATOMIC_RELEASE);
	__atomic_store_n(&ctl->page->error, (uint32_t)ctl->error, __ATOMIC_RELEASE);
	__atomic_store_n(&ctl->page->channels, ctl->channels, __ATOMIC_RELEASE);
}

void mig_control_init(struct mig_control_svsm *ctl, void *base, enum mig_status status)
{
	struct mig_control *page = base;

	memset(ctl, 0, sizeof(*ctl));
	ctl->page = page;
	ctl->status = status;
	for (uint32_t channel = 0; channel < MIG_MAX_CHANNELS; channel++) {
		memset((uint8_t *)base + MIG_RING_OFFSET(channel, MIG_RING_OUT), 0,
		       sizeof(struct mig_ring_header));
		memset((uint8_t *)base + MIG_RING_OFFSET(channel, MIG_RING_IN), 0,
		       sizeof(struct mig_ring_header));
	}
	memset(page, 0, offsetof(struct mig_control, host));
	page->abi_version = MIG_ABI_VERSION;
	page->max_channels = MIG_MAX_CHANNELS;
	page->ring_slots = MIG_RING_SLOTS;
	page->slot_size = MIG_SLOT_SIZE;
	page->region_size = MIG_REGION_SIZE;
	publish_begin(ctl);
	store_state(ctl);
	publish_end(ctl);
	/* Magic last: a host that sees it also sees the geometry. */
	__atomic_store_n(&page->magic, MIG_MAGIC, __ATOMIC_RELEASE);
}

void mig_control_publish(struct mig_control_svsm *ctl, enum mig_status status, enum mig_error error)
{
	ctl->status = status;
	ctl->error = error;
	publish_begin(ctl);
	store_state(ctl);
	publish_end(ctl);
}

void mig_control_set_channels(struct mig_control_svsm *ctl, uint32_t channels)
{
	CHECK(channels <= MIG_MAX_CHANNELS);
	ctl->channels = channels;
	publish_begin(ctl);
	store_state(ctl);
	publish_end(ctl);
}

void mig_control_publish_counters(struct mig_control_svsm *ctl, const struct mig_counters *counters)
{
	publish_begin(ctl);
	copy_to_shared(&ctl->page->counters, counters, sizeof(*counters));
	publish_end(ctl);
}

static bool all_zero(const uint64_t *words, size_t count)
{
	uint64_t acc = 0;

	for (size_t i = 0; i < count; i++) {
		acc |= words[i];
	}
	return acc == 0;
}

static bool in_range(uint64_t value, uint64_t min, uint64_t max)
{
	return value >= min && value <= max;
}

static enum mig_error validate_parameters(const struct mig_host_regs *regs,
					  struct mig_command_req *req)
{
	if (!in_range(regs->channels, 1, MIG_MAX_CHANNELS)) {
		return MIG_ERR_BAD_COMMAND;
	}
	if ((regs->flags & ~MIG_FLAGS_KNOWN) != 0) {
		return MIG_ERR_BAD_COMMAND;
	}
	if (regs->max_bandwidth != MIG_BANDWIDTH_UNLIMITED &&
	    !in_range(regs->max_bandwidth, MIG_BANDWIDTH_MIN, MIG_BANDWIDTH_MAX)) {
		return MIG_ERR_BAD_COMMAND;
	}
	if (regs->downtime_limit_ns != 0 &&
	    !in_range(regs->downtime_limit_ns, MIG_DOWNTIME_MIN_NS, MIG_DOWNTIME_MAX_NS)) {
		return MIG_ERR_BAD_COMMAND;
	}
	if (regs->max_rounds > MIG_ROUNDS_MAX) {
		return MIG_ERR_BAD_COMMAND;
	}
	req->channels = regs->channels;
	req->flags = regs->flags;
	req->max_bandwidth = regs->max_bandwidth;
	req->downtime_limit_ns =
	    regs->downtime_limit_ns != 0 ? regs->downtime_limit_ns : MIG_DOWNTIME_DEFAULT_NS;
	req->max_rounds = regs->max_rounds != 0 ? regs->max_rounds : MIG_ROUNDS_DEFAULT;
	return MIG_ERR_NONE;
}

enum mig_error mig_control_validate(const struct mig_host_regs *regs, struct mig_command_req *req)
{
	enum mig_error err = MIG_ERR_NONE;

	memset(req, 0, sizeof(*req));
	if (regs->reserved0 != 0 || !all_zero(regs->reserved, ARRAY_SIZE(regs->reserved))) {
		return MIG_ERR_BAD_COMMAND;
	}
	switch (regs->command) {
	case MIG_CMD_SEND:
	case MIG_CMD_RECEIVE:
		err = validate_parameters(regs, req);
		break;
	case MIG_CMD_ABORT:
		/* Parameters mean nothing to ABORT and are not looked at: a cancel is never refused
		 * for what it carries beside it. */
		break;
	default:
		return MIG_ERR_BAD_COMMAND;
	}
	if (err != MIG_ERR_NONE) {
		memset(req, 0, sizeof(*req));
		return err;
	}
	req->command = (enum mig_command)regs->command;
	req->seq = regs->command_seq;
	return MIG_ERR_NONE;
}

enum mig_error mig_control_take_command(struct mig_control_svsm *ctl, struct mig_command_req *req,
					bool *taken)
{
	struct mig_host_regs regs;
	uint32_t seq_before;
	uint32_t seq_after;
	enum mig_error err;

	memset(req, 0, sizeof(*req));
	*taken = false;
	seq_before = __atomic_load_n(&ctl->page->host.command_seq, __ATOMIC_ACQUIRE);
	if (seq_before == ctl->last_taken) {
		return MIG_ERR_NONE;
	}
	copy_from_shared(&regs, &ctl->page->host, sizeof(regs));
	seq_after = __atomic_load_n(&ctl->page->host.command_seq, __ATOMIC_RELAXED);
	/* The host is writing a newer command: take that one on a later poll. */
	if (seq_after != seq_before) {
		return MIG_ERR_NONE;
	}
	regs.command_seq = seq_before;
	ctl->last_taken = seq_before;
	*taken = true;
	err = mig_control_validate(&regs, req);
	__atomic_store_n(&ctl->page->command_ack, seq_before, __ATOMIC_RELEASE);
	return err;
}

/* --- Host side ---------------------------------------------------------------------------- */

static bool geometry_is_ours(const struct mig_control *page)
{
	return __atomic_load_n(&page->abi_version, __ATOMIC_RELAXED) == MIG_ABI_VERSION &&
	       __atomic_load_n(&page->max_channels, __ATOMIC_RELAXED) == MIG_MAX_CHANNELS &&
	       __atomic_load_n(&page->ring_slots, __ATOMIC_RELAXED) == MIG_RING_SLOTS &&
	       __atomic_load_n(&page->slot_size, __ATOMIC_RELAXED) == MIG_SLOT_SIZE &&
	       __atomic_load_n(&page->region_size, __ATOMIC_RELAXED) == MIG_REGION_SIZE;
}

/* One sequence-locked copy; false when the SVSM was publishing meanwhile. */
static bool snapshot(const struct mig_control *page, struct mig_svsm_state *out)
{
	uint64_t before = __atomic_load_n(&page->status_seq, __ATOMIC_ACQUIRE);
	uint64_t after;

	if ((before & 1) != 0) {
		return false;
	}
	out->status = (enum mig_status)__atomic_load_n(&page->status, __ATOMIC_ACQUIRE);
	out->error = (enum mig_error)__atomic_load_n(&page->error, __ATOMIC_ACQUIRE);
	out->channels = __atomic_load_n(&page->channels, __ATOMIC_ACQUIRE);
	copy_from_shared(&out->counters, &page->counters, sizeof(out->counters));
	after = __atomic_load_n(&page->status_seq, __ATOMIC_RELAXED);
	out->status_seq = before;
	return before == after;
}

enum mig_error mig_control_host_read(const void *base, struct mig_svsm_state *out)
{
	const struct mig_control *page = base;
	unsigned tries = 0;

	memset(out, 0, sizeof(*out));
	if (__atomic_load_n(&page->magic, __ATOMIC_ACQUIRE) != MIG_MAGIC ||
	    !geometry_is_ours(page)) {
		return MIG_ERR_RING;
	}
	while (!snapshot(page, out)) {
		if (++tries == HOST_READ_TRIES) {
			memset(out, 0, sizeof(*out));
			return MIG_ERR_TIMEOUT;
		}
	}
	out->command_ack = __atomic_load_n(&page->command_ack, __ATOMIC_ACQUIRE);
	if ((uint32_t)out->status > MIG_STATUS_TARGET_FAILED ||
	    (uint32_t)out->error > MIG_ERR_INTERNAL || out->channels > MIG_MAX_CHANNELS) {
		memset(out, 0, sizeof(*out));
		return MIG_ERR_RING;
	}
	return MIG_ERR_NONE;
}

uint32_t mig_control_host_command(void *base, const struct mig_host_command *cmd)
{
	struct mig_control *page = base;
	struct mig_host_regs *regs = &page->host;
	uint32_t current = __atomic_load_n(&regs->command_seq, __ATOMIC_RELAXED);
	uint32_t seq = current + 1;

	/* Rewriting the fields of a command the SVSM has not taken could hand it a mix of two. */
	if (current != 0 && __atomic_load_n(&page->command_ack, __ATOMIC_ACQUIRE) != current) {
		return 0;
	}
	/* 0 is "no command yet" to the SVSM's last_taken: skip it on wrap. */
	if (seq == 0) {
		seq = 1;
	}
	__atomic_store_n(&regs->command, (uint32_t)cmd->command, __ATOMIC_RELAXED);
	__atomic_store_n(&regs->channels, cmd->channels, __ATOMIC_RELAXED);
	__atomic_store_n(&regs->flags, cmd->flags, __ATOMIC_RELAXED);
	__atomic_store_n(&regs->max_bandwidth, cmd->max_bandwidth, __ATOMIC_RELAXED);
	__atomic_store_n(&regs->downtime_limit_ns, cmd->downtime_limit_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&regs->max_rounds, cmd->max_rounds, __ATOMIC_RELAXED);
	__atomic_store_n(&regs->reserved0, 0, __ATOMIC_RELAXED);
	for (size_t i = 0; i < ARRAY_SIZE(regs->reserved); i++) {
		__atomic_store_n(&regs->reserved[i], 0, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&regs->command_seq, seq, __ATOMIC_RELEASE);
	return seq;
}

void mig_control_host_ring_doorbell(void *base)
{
	struct mig_control *page = base;

	__atomic_fetch_add(&page->host.doorbell, 1, __ATOMIC_RELEASE);
}
