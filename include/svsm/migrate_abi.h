/* SPDX-License-Identifier: MIT */
/*
 * MigrationPage ABI, version 1: the only interface between a VMPL0 migration handler and the
 * (untrusted) VMM. It lives in guest-physical memory at LAYOUT_MIGRATION_GPA, which the host can
 * read and write (shared memory on SNP), and is laid out as:
 *
 *   +0                                  struct mig_control (one 4 KiB page)
 *   +MIG_RING_OFFSET(c, MIG_RING_OUT)   channel c, ring from the SVSM to the host
 *   +MIG_RING_OFFSET(c, MIG_RING_IN)    channel c, ring from the host to the SVSM
 *
 * A ring is one header page (struct mig_ring_header) followed by MIG_RING_SLOTS slots of
 * MIG_SLOT_SIZE bytes; a slot holds one record (struct mig_slot_header, then the record bytes).
 * Each ring has exactly one producer and one consumer. The producer writes a slot, then
 * publishes it by storing prod + 1 (release); the consumer reads the slot, then frees it by
 * storing cons + 1 (release). Indices are free-running 32-bit counters; slot = index % slots.
 *
 * Records are opaque to the host (docs/design.md, "Stream"): it moves them between the rings
 * and the network and never needs to interpret them. Everything the host writes (the host half
 * of the control page, ring indices it produces or consumes, slot lengths and contents) is
 * hostile: the SVSM copies each value once, validates it, and only then uses it, and nothing the
 * host writes can make the SVSM read or write outside this region.
 */
#ifndef SVSM_MIGRATE_ABI_H
#define SVSM_MIGRATE_ABI_H

#include "svsm/layout.h"
#include "svsm/types.h"

#define MIG_MAGIC	0x3147494D4D535653ULL /* "SVSMMIG1" */
#define MIG_ABI_VERSION 1U

#define MIG_MAX_CHANNELS  8U
#define MIG_RING_SLOTS	  8U
#define MIG_SLOT_SIZE	  (68U * 1024U)
#define MIG_SLOT_DATA_MAX (MIG_SLOT_SIZE - 8U) /* largest record */
#define MIG_RING_SIZE	  (4096ULL + (uint64_t)MIG_RING_SLOTS * (uint64_t)MIG_SLOT_SIZE)
#define MIG_RING_OUT	  0U /* SVSM produces, host consumes */
#define MIG_RING_IN	  1U /* host produces, SVSM consumes */
#define MIG_RING_OFFSET(channel, dir)                                                              \
	(4096ULL + ((uint64_t)(channel)*2U + (uint64_t)(dir)) * MIG_RING_SIZE)
#define MIG_REGION_SIZE MIG_RING_OFFSET(MIG_MAX_CHANNELS, 0)

_Static_assert(MIG_REGION_SIZE <= LAYOUT_MIGRATION_MAX, "MigrationPage region fits its window");
_Static_assert(MIG_SLOT_SIZE % 8 == 0, "slots keep 8-byte alignment");

/* What the SVSM is doing (mig_control.status). */
enum mig_status {
	MIG_STATUS_IDLE = 0,		  /* guest runs; no migration */
	MIG_STATUS_SOURCE_HANDSHAKE = 1,  /* attesting the target */
	MIG_STATUS_SOURCE_PRECOPY = 2,	  /* guest runs while pages go out */
	MIG_STATUS_SOURCE_CHECKPOINT = 3, /* vCPUs parking; final pages and vCPU state */
	MIG_STATUS_SOURCE_COMMIT = 4,	  /* COMMIT sent, waiting for the target's ACK */
	MIG_STATUS_SOURCE_DONE = 5,	  /* GO sent: this guest never runs here again */
	MIG_STATUS_SOURCE_ABORTED = 6,	  /* migration failed before GO; the guest runs on here */
	MIG_STATUS_TARGET_WAITING = 7,	  /* incoming: waiting for the source's HELLO */
	MIG_STATUS_TARGET_HANDSHAKE = 8,
	MIG_STATUS_TARGET_RECEIVING = 9,
	MIG_STATUS_TARGET_ACKED = 10,	/* complete and verified; waiting for GO */
	MIG_STATUS_TARGET_RUNNING = 11, /* GO received: the guest runs here */
	MIG_STATUS_TARGET_FAILED = 12,	/* stream rejected; no guest code ever ran here */
};

/* Why the last migration step failed (mig_control.error). */
enum mig_error {
	MIG_ERR_NONE = 0,
	MIG_ERR_BAD_COMMAND = 1,   /* unknown command or parameters out of range */
	MIG_ERR_RING = 2,	   /* host-written ring index or slot length out of range */
	MIG_ERR_MALFORMED = 3,	   /* record does not decode */
	MIG_ERR_AUTH = 4,	   /* record fails authentication */
	MIG_ERR_SEQUENCE = 5,	   /* replayed, reordered, dropped or duplicated record */
	MIG_ERR_ATTESTATION = 6,   /* peer report, certificates or binding invalid */
	MIG_ERR_POLICY = 7,	   /* peer valid but not allowed by the migration policy */
	MIG_ERR_PROTOCOL = 8,	   /* record valid but not allowed in this state */
	MIG_ERR_TIMEOUT = 9,	   /* peer or host did not move in time */
	MIG_ERR_PEER_ABORT = 10,   /* the peer sent an authenticated ABORT */
	MIG_ERR_VCPU_TIMEOUT = 11, /* a vCPU did not park within the checkpoint timeout */
	MIG_ERR_INCOMPLETE = 12,   /* COMMIT does not account for every page or vCPU received */
	MIG_ERR_HOST_ABORT = 13,   /* the host asked to cancel before the commit point */
	MIG_ERR_INTERNAL = 14,
};

/* Host requests (mig_control.command, taken when command_seq changes). */
enum mig_command {
	MIG_CMD_NONE = 0,
	MIG_CMD_SEND = 1,    /* become the source; parameters below */
	MIG_CMD_RECEIVE = 2, /* become the target (must be set before the SVSM boots) */
	MIG_CMD_ABORT = 3,   /* cancel; honoured only before the commit point */
};

#define MIG_FLAG_AUTO_CONVERGE                                                                     \
	(1U << 0) /* throttle the guest when it dirties faster than the link */
#define MIG_FLAGS_KNOWN MIG_FLAG_AUTO_CONVERGE

/* Counters the SVSM publishes for progress lines and statistics. */
struct mig_counters {
	uint64_t round;
	uint64_t pages_total;	  /* validated guest pages when the migration started */
	uint64_t pages_sent;	  /* page records' pages, all rounds */
	uint64_t pages_remaining; /* dirty pages not yet sent in this round */
	uint64_t bytes_sent;	  /* record bytes produced into the out rings */
	uint64_t dirty_rate;	  /* pages per second, the SVSM's own estimate */
	uint64_t bandwidth;	  /* bytes per second, the SVSM's own estimate */
	uint64_t downtime_ns;	  /* from the first vCPU parked to GO sent (source) */
	uint64_t elapsed_ns;	  /* since MIG_CMD_SEND was taken */
	uint64_t reserved[7];
};
ABI_SIZE(struct mig_counters, 128);
ABI_OFFSET(struct mig_counters, round, 0);
ABI_OFFSET(struct mig_counters, pages_total, 8);
ABI_OFFSET(struct mig_counters, pages_sent, 16);
ABI_OFFSET(struct mig_counters, pages_remaining, 24);
ABI_OFFSET(struct mig_counters, bytes_sent, 32);
ABI_OFFSET(struct mig_counters, dirty_rate, 40);
ABI_OFFSET(struct mig_counters, bandwidth, 48);
ABI_OFFSET(struct mig_counters, downtime_ns, 56);
ABI_OFFSET(struct mig_counters, elapsed_ns, 64);
ABI_OFFSET(struct mig_counters, reserved, 72);

/* The host half of the control page: requests and knobs, all hostile. */
struct mig_host_regs {
	uint32_t command;	    /* enum mig_command */
	uint32_t command_seq;	    /* bumped by the host for every new command */
	uint32_t channels;	    /* channels asked for, 1..MIG_MAX_CHANNELS */
	uint32_t flags;		    /* MIG_FLAG_* */
	uint64_t max_bandwidth;	    /* bytes per second the SVSM may produce; 0 = unlimited */
	uint64_t downtime_limit_ns; /* stop-and-copy once the rest fits; 0 = default */
	uint32_t max_rounds;	    /* 0 = default */
	uint32_t reserved0;
	uint64_t doorbell; /* bumped by the host after producing into an in ring (hint only) */
	uint64_t reserved[10];
};
ABI_SIZE(struct mig_host_regs, 128);
ABI_OFFSET(struct mig_host_regs, command, 0);
ABI_OFFSET(struct mig_host_regs, command_seq, 4);
ABI_OFFSET(struct mig_host_regs, channels, 8);
ABI_OFFSET(struct mig_host_regs, flags, 12);
ABI_OFFSET(struct mig_host_regs, max_bandwidth, 16);
ABI_OFFSET(struct mig_host_regs, downtime_limit_ns, 24);
ABI_OFFSET(struct mig_host_regs, max_rounds, 32);
ABI_OFFSET(struct mig_host_regs, reserved0, 36);
ABI_OFFSET(struct mig_host_regs, doorbell, 40);
ABI_OFFSET(struct mig_host_regs, reserved, 48);

struct mig_control {
	/* Written only by the SVSM. */
	uint64_t magic;
	uint32_t abi_version;
	uint32_t status; /* enum mig_status */
	uint32_t error;	 /* enum mig_error */
	uint32_t max_channels;
	uint32_t channels; /* negotiated with the peer */
	uint32_t ring_slots;
	uint32_t slot_size;
	uint32_t command_ack; /* the host command_seq the SVSM has taken */
	uint64_t region_size;
	uint64_t status_seq; /* bumped on every status or error change */
	uint8_t reserved0[8];
	struct mig_counters counters;
	uint8_t reserved1[2048 - 192];
	/* Written only by the host. */
	struct mig_host_regs host;
	uint8_t reserved2[2048 - 128];
};
ABI_SIZE(struct mig_control, 4096);
ABI_OFFSET(struct mig_control, magic, 0x000);
ABI_OFFSET(struct mig_control, abi_version, 0x008);
ABI_OFFSET(struct mig_control, status, 0x00C);
ABI_OFFSET(struct mig_control, error, 0x010);
ABI_OFFSET(struct mig_control, max_channels, 0x014);
ABI_OFFSET(struct mig_control, channels, 0x018);
ABI_OFFSET(struct mig_control, ring_slots, 0x01C);
ABI_OFFSET(struct mig_control, slot_size, 0x020);
ABI_OFFSET(struct mig_control, command_ack, 0x024);
ABI_OFFSET(struct mig_control, region_size, 0x028);
ABI_OFFSET(struct mig_control, status_seq, 0x030);
ABI_OFFSET(struct mig_control, reserved0, 0x038);
ABI_OFFSET(struct mig_control, counters, 0x040);
ABI_OFFSET(struct mig_control, reserved1, 0x0C0);
ABI_OFFSET(struct mig_control, host, 0x800);
ABI_OFFSET(struct mig_control, reserved2, 0x880);

struct mig_ring_header {
	uint32_t prod; /* written only by the producer */
	uint8_t reserved0[60];
	uint32_t cons; /* written only by the consumer */
	uint8_t reserved1[4096 - 68];
};
ABI_SIZE(struct mig_ring_header, 4096);
ABI_OFFSET(struct mig_ring_header, prod, 0);
ABI_OFFSET(struct mig_ring_header, reserved0, 4);
ABI_OFFSET(struct mig_ring_header, cons, 64);
ABI_OFFSET(struct mig_ring_header, reserved1, 68);

struct mig_slot_header {
	uint32_t length; /* record bytes that follow, 1..MIG_SLOT_DATA_MAX */
	uint32_t reserved;
};
ABI_SIZE(struct mig_slot_header, 8);
ABI_OFFSET(struct mig_slot_header, length, 0);
ABI_OFFSET(struct mig_slot_header, reserved, 4);

#define MIG_SLOT_OFFSET(channel, dir, index)                                                       \
	(MIG_RING_OFFSET(channel, dir) + 4096ULL +                                                 \
	 (uint64_t)((index) % MIG_RING_SLOTS) * (uint64_t)MIG_SLOT_SIZE)

#endif
