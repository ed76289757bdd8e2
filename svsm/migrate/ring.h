/* SPDX-License-Identifier: MIT */
/*
 * Single-producer/single-consumer access to one MigrationPage ring (include/svsm/migrate_abi.h).
 * The same code runs in the SVSM (producer of out rings, consumer of in rings) and in the host
 * agent (the reverse).
 *
 * A side never re-reads its own index from shared memory, where the other side could have
 * overwritten it: it keeps it in the view. The other side's index is loaded once per call
 * (acquire) and validated against ours before anything depends on it. Slot addresses come only
 * from our own index modulo MIG_RING_SLOTS, and a slot's length is read once and checked, so no
 * value in shared memory can make either side touch memory outside the region.
 */
#ifndef SVSM_MIGRATE_RING_H
#define SVSM_MIGRATE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/migrate_abi.h"

enum mig_ring_role {
	MIG_RING_PRODUCER = 0,
	MIG_RING_CONSUMER = 1,
};

/* One side's private view of one ring. */
struct mig_ring {
	struct mig_ring_header *header; /* shared: only our own index is ever written */
	uint8_t *slots;			/* shared: MIG_RING_SLOTS slots of MIG_SLOT_SIZE bytes */
	enum mig_ring_role role;
	uint32_t own;	    /* our index (prod for a producer, cons for a consumer), private */
	uint32_t peer_seen; /* the other side's index as we last validated it */
};

/* The role each side plays on a ring of direction dir (MIG_RING_OUT or MIG_RING_IN). */
enum mig_ring_role mig_ring_svsm_role(uint32_t dir);
enum mig_ring_role mig_ring_host_role(uint32_t dir);

/*
 * Builds the view of ring (channel, dir) of the region at base (MIG_REGION_SIZE bytes). The
 * current indices are read once: both are zero on a freshly initialised ring; a side that
 * re-attaches (a restarted agent) continues where the ring stands. MIG_ERR_RING when the indices
 * are inconsistent (prod - cons > MIG_RING_SLOTS). channel < MIG_MAX_CHANNELS and dir are
 * invariants of the caller.
 */
enum mig_error mig_ring_attach(struct mig_ring *ring, void *base, uint32_t channel, uint32_t dir,
			       enum mig_ring_role role);

/*
 * Producer: copies a record of 1..MIG_SLOT_DATA_MAX bytes (the caller's invariant, CHECKed: the
 * agent validates what it got from the network first) into the next slot and publishes it.
 * MIG_ERR_NONE with *produced = false when the ring is full (try again later); MIG_ERR_RING when
 * the consumer's index is out of range or went backwards.
 */
enum mig_error mig_ring_produce(struct mig_ring *ring, const void *record, size_t len,
				bool *produced);

/*
 * Consumer: copies the next record into buf (private memory; cap >= MIG_SLOT_DATA_MAX is CHECKed
 * so that any valid slot fits) and frees its slot. MIG_ERR_NONE with *len = 0 when the ring is
 * empty; MIG_ERR_RING when the producer's index is out of range or went backwards, or the slot
 * length is not 1..MIG_SLOT_DATA_MAX (the slot is then not freed and buf holds nothing of it).
 */
enum mig_error mig_ring_consume(struct mig_ring *ring, void *buf, size_t cap, size_t *len);

/* Records that can be produced (producer) or consumed (consumer) right now, from a fresh load
 * of the other side's index; MIG_ERR_RING as above. */
enum mig_error mig_ring_space(struct mig_ring *ring, uint32_t *count);

#endif
