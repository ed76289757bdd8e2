/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: command intake from hostile host registers, and the agent's reader on a
 * hostile SVSM half. Whatever the bytes, a taken command is acknowledged and is either refused
 * with a zeroed request or comes out with every field in its documented range; the reader
 * either refuses the page or returns values in range.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/migrate/control.h"
#include "svsm/migrate_abi.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *region;

static bool is_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != 0) {
			return false;
		}
	}
	return true;
}

static void check_request(const struct mig_command_req *req, uint32_t seq)
{
	if (req->seq != seq) {
		abort();
	}
	if (req->command == MIG_CMD_ABORT) {
		return;
	}
	if (req->command != MIG_CMD_SEND && req->command != MIG_CMD_RECEIVE) {
		abort();
	}
	if (req->channels < 1 || req->channels > MIG_MAX_CHANNELS ||
	    (req->flags & ~MIG_FLAGS_KNOWN) != 0 || req->max_rounds < 1 ||
	    req->max_rounds > MIG_ROUNDS_MAX || req->downtime_limit_ns < MIG_DOWNTIME_MIN_NS ||
	    req->downtime_limit_ns > MIG_DOWNTIME_MAX_NS) {
		abort();
	}
	if (req->max_bandwidth != MIG_BANDWIDTH_UNLIMITED &&
	    (req->max_bandwidth < MIG_BANDWIDTH_MIN || req->max_bandwidth > MIG_BANDWIDTH_MAX)) {
		abort();
	}
}

static void intake(const uint8_t *host_bytes, size_t len)
{
	struct mig_control *page = (struct mig_control *)region;
	struct mig_control_svsm ctl;
	struct mig_command_req req;
	bool taken = false;
	enum mig_error err;

	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	memcpy(&page->host, host_bytes, len);
	err = mig_control_take_command(&ctl, &req, &taken);
	if (!taken) {
		if (err != MIG_ERR_NONE || page->host.command_seq != 0 ||
		    !is_zero(&req, sizeof(req))) {
			abort();
		}
		return;
	}
	if (page->command_ack != page->host.command_seq) {
		abort();
	}
	if (err == MIG_ERR_BAD_COMMAND) {
		if (!is_zero(&req, sizeof(req))) {
			abort();
		}
		return;
	}
	if (err != MIG_ERR_NONE) {
		abort();
	}
	check_request(&req, page->host.command_seq);
	/* Taken once only. */
	if (mig_control_take_command(&ctl, &req, &taken) != MIG_ERR_NONE || taken) {
		abort();
	}
}

static void host_reader(const uint8_t *svsm_bytes, size_t len)
{
	struct mig_svsm_state state;
	enum mig_error err;

	memcpy(region, svsm_bytes, len);
	err = mig_control_host_read(region, &state);
	if (err != MIG_ERR_NONE) {
		if (!is_zero(&state, sizeof(state))) {
			abort();
		}
		return;
	}
	if ((uint32_t)state.status > MIG_STATUS_TARGET_FAILED ||
	    (uint32_t)state.error > MIG_ERR_INTERNAL || state.channels > MIG_MAX_CHANNELS ||
	    state.status_seq % 2 != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t host_len = size < FUZZ_CONTROL_HOST_BYTES ? size : FUZZ_CONTROL_HOST_BYTES;
	size_t svsm_len = size - host_len;

	if (region == NULL) {
		region = calloc(1, MIG_REGION_SIZE);
		if (region == NULL) {
			abort();
		}
	}
	memset(region, 0, sizeof(struct mig_control));
	intake(data, host_len);
	if (svsm_len > offsetof(struct mig_control, host)) {
		svsm_len = offsetof(struct mig_control, host);
	}
	host_reader(data + host_len, svsm_len);
	return 0;
}
