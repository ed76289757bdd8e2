/* SPDX-License-Identifier: MIT */
/*
 * The migration handler (docs/design.md). Platform-free: it reaches memory, vCPUs, time and
 * attestation only through include/svsm/plat.h and guest memory state through
 * svsm/core/guest_mem.h, and talks to the host only through the MigrationPage region.
 *
 * The platform runs it on a CPU of its own:
 *   migrate_init(&config);
 *   for (;;) { migrate_poll(); ...idle a little if it returned false... }
 */
#ifndef SVSM_MIGRATE_MIGRATE_H
#define SVSM_MIGRATE_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/migrate_abi.h"

struct migrate_config {
	/* The MigrationPage region as the SVSM maps it (MIG_REGION_SIZE bytes, shared with the
	 * host). */
	void *region;
	/* The migration policy from the measured image (docs/policy.md). */
	const void *policy;
	size_t policy_len;
	/* Per-vCPU timeout for the checkpoint; 0 = default. */
	uint64_t park_timeout_ns;
};

/* Publishes magic, version and ring geometry and takes a command the host left before boot:
 * status IDLE, or TARGET_WAITING when that command was MIG_CMD_RECEIVE. */
void migrate_init(const struct migrate_config *config);
/* True when the host asked for receive mode before the SVSM booted: the guest must not be
 * started here; its state arrives over the stream and starts on GO. */
bool migrate_incoming(void);
/* Takes a new host command if there is one and runs it to completion (a whole migration, as
 * source or target). Returns true if it did something. */
bool migrate_poll(void);
/* The last status and error, for logs and tests. */
enum mig_status migrate_status(void);
enum mig_error migrate_error(void);
const char *mig_error_str(enum mig_error error);
const char *mig_status_str(enum mig_status status);

#endif
