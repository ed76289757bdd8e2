/* SPDX-License-Identifier: MIT */
/* The migration handler's entry points: host commands in, one whole migration per command. */
#include "svsm/migrate/migrate.h"

#include <string.h>

#include "svsm/crypto/policy.h"
#include "svsm/log.h"
#include "svsm/migrate/control.h"
#include "svsm/migrate/transfer.h"
#include "svsm/plat.h"

#define PARK_TIMEOUT_DEFAULT_NS (2ULL * 1000000000ULL)

static struct migrate_config config;
static struct mig_control_svsm ctl;
static struct migration_policy policy;
static bool policy_valid;
static bool incoming;
static bool handed_over; /* source: GO sent; target: guest resumed or stream refused */
static struct mig_command_req receive_req;
static struct mig_session session;
static enum mig_status status;
static enum mig_error error;

static void publish(enum mig_status st, enum mig_error err)
{
	status = st;
	error = err;
	mig_control_publish(&ctl, st, err);
}

enum mig_status migrate_status(void)
{
	return status;
}

enum mig_error migrate_error(void)
{
	return error;
}

bool migrate_incoming(void)
{
	return incoming;
}

void migrate_init(const struct migrate_config *cfg)
{
	struct mig_command_req req;
	bool taken = false;
	enum policy_status ps;

	config = *cfg;
	if (config.park_timeout_ns == 0) {
		config.park_timeout_ns = PARK_TIMEOUT_DEFAULT_NS;
	}
	ps = policy_parse(config.policy, config.policy_len, &policy);
	policy_valid = ps == POLICY_OK;
	if (!policy_valid) {
		LOG_WARN(
		    "migrate: the image's migration policy is invalid (%s): migration refused\n",
		    policy_status_str(ps));
	}
	mig_control_init(&ctl, config.region, MIG_STATUS_IDLE);
	status = MIG_STATUS_IDLE;
	if (mig_control_take_command(&ctl, &req, &taken) == MIG_ERR_NONE && taken &&
	    req.command == MIG_CMD_RECEIVE) {
		incoming = true;
		receive_req = req;
		publish(MIG_STATUS_TARGET_WAITING, MIG_ERR_NONE);
		LOG_INFO("migrate: booted in receive mode: waiting for a source\n");
	}
}

static void finish(enum mig_status ok_status, enum mig_status fail_status, enum mig_error e)
{
	mig_session_publish(&session, true);
	mig_session_close(&session);
	if (e == MIG_ERR_NONE) {
		publish(ok_status, MIG_ERR_NONE);
		return;
	}
	LOG_WARN("migrate: %s: %s\n", mig_status_str(fail_status), mig_error_str(e));
	publish(fail_status, e);
}

static void run_source(const struct mig_command_req *req)
{
	enum mig_error e;

	publish(MIG_STATUS_SOURCE_HANDSHAKE, MIG_ERR_NONE);
	e = policy_valid ? MIG_ERR_NONE : MIG_ERR_POLICY;
	if (e == MIG_ERR_NONE) {
		e = mig_session_open(&session, CRYPTO_ROLE_SOURCE, config.region, &ctl, &policy,
				     req);
	}
	if (e == MIG_ERR_NONE) {
		e = mig_session_handshake(&session);
	}
	if (e == MIG_ERR_NONE) {
		e = mig_source_run(&session, config.park_timeout_ns);
	}
	handed_over = e == MIG_ERR_NONE;
	finish(MIG_STATUS_SOURCE_DONE, MIG_STATUS_SOURCE_ABORTED, e);
}

static void run_target(void)
{
	enum mig_error e = policy_valid ? MIG_ERR_NONE : MIG_ERR_POLICY;

	if (e == MIG_ERR_NONE) {
		e = mig_session_open(&session, CRYPTO_ROLE_TARGET, config.region, &ctl, &policy,
				     &receive_req);
	}
	if (e == MIG_ERR_NONE) {
		e = mig_session_handshake(&session);
	}
	if (e == MIG_ERR_NONE) {
		e = mig_target_run(&session);
	}
	/* A target gets one stream: after a refusal it stays empty rather than wait for another. */
	handed_over = true;
	finish(MIG_STATUS_TARGET_RUNNING, MIG_STATUS_TARGET_FAILED, e);
}

bool migrate_poll(void)
{
	struct mig_command_req req;
	bool taken = false;
	enum mig_error e;

	if (incoming && !handed_over) {
		run_target();
		return true;
	}
	e = mig_control_take_command(&ctl, &req, &taken);
	if (!taken) {
		return false;
	}
	if (e != MIG_ERR_NONE) {
		publish(status, e);
		return true;
	}
	if (req.command == MIG_CMD_SEND && !incoming && !handed_over) {
		run_source(&req);
		return true;
	}
	/* RECEIVE after boot, ABORT with nothing running, SEND after handing over. */
	publish(status, MIG_ERR_BAD_COMMAND);
	return true;
}

const char *mig_status_str(enum mig_status s)
{
	static const char *const names[] = {
	    "idle",
	    "source handshake",
	    "source pre-copy",
	    "source checkpoint",
	    "source commit",
	    "source done",
	    "source aborted",
	    "target waiting",
	    "target handshake",
	    "target receiving",
	    "target acked",
	    "target running",
	    "target failed",
	};

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "unknown status";
}

const char *mig_error_str(enum mig_error e)
{
	static const char *const names[] = {
	    "none",
	    "bad command",
	    "ring index or slot length out of range",
	    "malformed record",
	    "record failed authentication",
	    "record out of sequence (dropped, duplicated, replayed or reordered)",
	    "peer attestation invalid",
	    "peer not allowed by the migration policy",
	    "record not allowed in this state",
	    "timeout",
	    "peer aborted",
	    "a vCPU did not park in time",
	    "COMMIT does not account for everything received",
	    "host asked to abort",
	    "internal error",
	};

	return (unsigned)e < ARRAY_SIZE(names) ? names[e] : "unknown error";
}
