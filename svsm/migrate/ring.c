/* SPDX-License-Identifier: MIT */
/* MigrationPage rings: see ring.h for the rules every access follows. */
#include "svsm/migrate/ring.h"

#include <string.h>

#include "svsm/check.h"

_Static_assert((MIG_RING_SLOTS & (MIG_RING_SLOTS - 1)) == 0,
	       "free-running 32-bit indices wrap cleanly only with a power-of-two slot count");

enum mig_ring_role mig_ring_svsm_role(uint32_t dir)
{
	return dir == MIG_RING_OUT ? MIG_RING_PRODUCER : MIG_RING_CONSUMER;
}

enum mig_ring_role mig_ring_host_role(uint32_t dir)
{
	return dir == MIG_RING_OUT ? MIG_RING_CONSUMER : MIG_RING_PRODUCER;
}

static uint32_t *own_index(struct mig_ring *ring)
{
	return ring->role == MIG_RING_PRODUCER ? &ring->header->prod : &ring->header->cons;
}

static uint32_t *peer_index(struct mig_ring *ring)
{
	return ring->role == MIG_RING_PRODUCER ? &ring->header->cons : &ring->header->prod;
}

static uint8_t *slot_of(const struct mig_ring *ring, uint32_t index)
{
	return ring->slots + (size_t)(index % MIG_RING_SLOTS) * (size_t)MIG_SLOT_SIZE;
}

/* Records in flight (prod - cons) given our index and the peer's. */
static uint32_t in_flight(const struct mig_ring *ring, uint32_t peer)
{
	if (ring->role == MIG_RING_PRODUCER) {
		return ring->own - peer;
	}
	return peer - ring->own;
}

/*
 * Loads the peer's index once and validates it: at most MIG_RING_SLOTS records in flight, and
 * the peer never moves backwards past what we already saw (a consumer cannot free a slot twice,
 * a producer cannot take back a record it published). Returns the records in flight.
 */
static enum mig_error load_peer(struct mig_ring *ring, uint32_t *flight)
{
	uint32_t peer = __atomic_load_n(peer_index(ring), __ATOMIC_ACQUIRE);
	uint32_t now = in_flight(ring, peer);
	uint32_t before = in_flight(ring, ring->peer_seen);

	if (now > MIG_RING_SLOTS) {
		return MIG_ERR_RING;
	}
	/* A producer's in-flight count only shrinks as the consumer frees; a consumer's only grows
	 * as the producer publishes. */
	if (ring->role == MIG_RING_PRODUCER ? now > before : now < before) {
		return MIG_ERR_RING;
	}
	ring->peer_seen = peer;
	*flight = now;
	return MIG_ERR_NONE;
}

enum mig_error mig_ring_attach(struct mig_ring *ring, void *base, uint32_t channel, uint32_t dir,
			       enum mig_ring_role role)
{
	uint8_t *ring_base;
	uint32_t own;
	uint32_t peer;

	CHECK(channel < MIG_MAX_CHANNELS);
	CHECK(dir == MIG_RING_OUT || dir == MIG_RING_IN);
	CHECK(role == MIG_RING_PRODUCER || role == MIG_RING_CONSUMER);

	ring_base = (uint8_t *)base + MIG_RING_OFFSET(channel, dir);
	ring->header = (struct mig_ring_header *)ring_base;
	ring->slots = ring_base + sizeof(struct mig_ring_header);
	ring->role = role;
	own = __atomic_load_n(own_index(ring), __ATOMIC_ACQUIRE);
	peer = __atomic_load_n(peer_index(ring), __ATOMIC_ACQUIRE);
	ring->own = own;
	ring->peer_seen = peer;
	if (in_flight(ring, peer) > MIG_RING_SLOTS) {
		ring->peer_seen = own;
		return MIG_ERR_RING;
	}
	return MIG_ERR_NONE;
}

enum mig_error mig_ring_space(struct mig_ring *ring, uint32_t *count)
{
	uint32_t flight = 0;
	enum mig_error err = load_peer(ring, &flight);

	*count = 0;
	if (err != MIG_ERR_NONE) {
		return err;
	}
	*count = ring->role == MIG_RING_PRODUCER ? MIG_RING_SLOTS - flight : flight;
	return MIG_ERR_NONE;
}

enum mig_error mig_ring_produce(struct mig_ring *ring, const void *record, size_t len,
				bool *produced)
{
	struct mig_slot_header slot_header = {.length = (uint32_t)len, .reserved = 0};
	uint32_t flight = 0;
	enum mig_error err;
	uint8_t *slot;

	CHECK(ring->role == MIG_RING_PRODUCER);
	CHECK(len >= 1 && len <= MIG_SLOT_DATA_MAX);
	*produced = false;
	err = load_peer(ring, &flight);
	if (err != MIG_ERR_NONE) {
		return err;
	}
	if (flight == MIG_RING_SLOTS) {
		return MIG_ERR_NONE;
	}
	slot = slot_of(ring, ring->own);
	memcpy(slot + sizeof(slot_header), record, len);
	memcpy(slot, &slot_header, sizeof(slot_header));
	ring->own++;
	__atomic_store_n(own_index(ring), ring->own, __ATOMIC_RELEASE);
	*produced = true;
	return MIG_ERR_NONE;
}

enum mig_error mig_ring_consume(struct mig_ring *ring, void *buf, size_t cap, size_t *len)
{
	const struct mig_slot_header *slot_header;
	uint32_t flight = 0;
	uint32_t length;
	enum mig_error err;
	uint8_t *slot;

	CHECK(ring->role == MIG_RING_CONSUMER);
	CHECK(cap >= MIG_SLOT_DATA_MAX);
	*len = 0;
	err = load_peer(ring, &flight);
	if (err != MIG_ERR_NONE || flight == 0) {
		return err;
	}
	slot = slot_of(ring, ring->own);
	slot_header = (const struct mig_slot_header *)slot;
	/* Read once: the producer may rewrite it at any time; only this copy is used. */
	length = __atomic_load_n(&slot_header->length, __ATOMIC_RELAXED);
	if (length == 0 || length > MIG_SLOT_DATA_MAX) {
		return MIG_ERR_RING;
	}
	memcpy(buf, slot + sizeof(*slot_header), length);
	ring->own++;
	__atomic_store_n(own_index(ring), ring->own, __ATOMIC_RELEASE);
	*len = length;
	return MIG_ERR_NONE;
}
