/* SPDX-License-Identifier: MIT */
/*
 * The MigrationPage control page (include/svsm/migrate_abi.h), from both sides.
 *
 * SVSM side: initialise the region, publish status, error and counters, and take host commands.
 * The SVSM never reads its own half back: it keeps what it published in struct mig_control_svsm.
 * The host half is copied once per poll into private memory and only the validated copy is used.
 *
 * Host side (the agent): read the SVSM half, trusting the layout only after magic, version and
 * geometry check out, and write commands.
 *
 * Status, error, channel count and counters are published under a sequence lock: status_seq is
 * odd while the SVSM writes them and advances by two per publication, so a reader that sees the
 * same even value before and after its copy has a consistent snapshot, and a change of status_seq
 * tells the host that something changed.
 */
#ifndef SVSM_MIGRATE_CONTROL_H
#define SVSM_MIGRATE_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "svsm/migrate_abi.h"

/* Parameter ranges and the defaults a 0 selects (documented for the agent's users too). */
#define MIG_DOWNTIME_DEFAULT_NS 300000000ULL   /* 300 ms */
#define MIG_DOWNTIME_MIN_NS	1000000ULL     /* 1 ms */
#define MIG_DOWNTIME_MAX_NS	60000000000ULL /* 60 s */
#define MIG_ROUNDS_DEFAULT	30U
#define MIG_ROUNDS_MAX		1000U
#define MIG_BANDWIDTH_UNLIMITED 0ULL
#define MIG_BANDWIDTH_MIN	(1ULL << 20) /* 1 MiB/s */
#define MIG_BANDWIDTH_MAX	(1ULL << 40) /* 1 TiB/s */

/* A host command after validation: private, every field in range, defaults applied. */
struct mig_command_req {
	enum mig_command command;   /* SEND, RECEIVE or ABORT */
	uint32_t seq;		    /* the command_seq it came with (now acknowledged) */
	uint32_t channels;	    /* SEND, RECEIVE: 1..MIG_MAX_CHANNELS; ABORT: 0 */
	uint32_t flags;		    /* MIG_FLAG_* */
	uint64_t max_bandwidth;	    /* bytes per second; MIG_BANDWIDTH_UNLIMITED or in range */
	uint64_t downtime_limit_ns; /* in range, default applied */
	uint32_t max_rounds;	    /* 1..MIG_ROUNDS_MAX, default applied */
};

/* --- SVSM side ---------------------------------------------------------------------------- */

struct mig_control_svsm {
	struct mig_control *page; /* shared */
	uint64_t status_seq;	  /* what we last published (even) */
	uint32_t last_taken;	  /* the last command_seq we took, valid or not */
	enum mig_status status;
	enum mig_error error;
	uint32_t channels;
};

/*
 * Takes over the region at base (MIG_REGION_SIZE bytes): zeroes every ring header and the SVSM
 * half of the control page, then publishes magic, version, geometry, region size and the given
 * status. The host half is left alone (a RECEIVE command may be waiting in it), so a command the
 * host wrote before this call is taken by the first mig_control_take_command().
 */
void mig_control_init(struct mig_control_svsm *ctl, void *base, enum mig_status status);

/* Publishes status and error (and the negotiated channel count) and bumps status_seq. */
void mig_control_publish(struct mig_control_svsm *ctl, enum mig_status status,
			 enum mig_error error);
void mig_control_set_channels(struct mig_control_svsm *ctl, uint32_t channels);
void mig_control_publish_counters(struct mig_control_svsm *ctl,
				  const struct mig_counters *counters);

/*
 * Looks for a new host command (command_seq differs from the last one taken). None: returns
 * MIG_ERR_NONE with *taken = false. Otherwise the command is acknowledged (command_ack =
 * command_seq) whether it is valid or not, *taken = true, and the result is MIG_ERR_NONE with *req
 * filled, or MIG_ERR_BAD_COMMAND with *req zeroed. Whether the command fits the current state is
 * the caller's business.
 */
enum mig_error mig_control_take_command(struct mig_control_svsm *ctl, struct mig_command_req *req,
					bool *taken);

/* Validation alone, on a private copy of the host registers (used by take_command). */
enum mig_error mig_control_validate(const struct mig_host_regs *regs, struct mig_command_req *req);

/* --- Host side ---------------------------------------------------------------------------- */

/* A consistent copy of what the SVSM published. */
struct mig_svsm_state {
	enum mig_status status;
	enum mig_error error;
	uint32_t channels;
	uint32_t command_ack;
	uint64_t status_seq;
	struct mig_counters counters;
};

/*
 * Reads the SVSM half. MIG_ERR_RING when magic, ABI version, geometry or region size are not
 * ours (the region is not initialised, or not an svsm-migrate v1 region) or status, error or
 * channel count are out of range; MIG_ERR_TIMEOUT when no consistent snapshot could be taken in
 * a bounded number of tries (the SVSM kept publishing).
 */
enum mig_error mig_control_host_read(const void *base, struct mig_svsm_state *out);

/* The host's side of a command: fields as the host writes them, before validation. */
struct mig_host_command {
	enum mig_command command;
	uint32_t channels;
	uint32_t flags;
	uint64_t max_bandwidth;
	uint64_t downtime_limit_ns;
	uint32_t max_rounds;
};

/*
 * Writes a command's fields, then bumps command_seq last (release). Returns the new command_seq
 * (the SVSM has taken the command once command_ack equals it), or 0 without writing anything
 * while the previous command is not yet acknowledged: try again later.
 */
uint32_t mig_control_host_command(void *base, const struct mig_host_command *cmd);
/* Bumps the doorbell after producing into an in ring (a hint only). */
void mig_control_host_ring_doorbell(void *base);

#endif
