/* SPDX-License-Identifier: MIT */
/*
 * Test helper for the agent's tests: plays the SVSM on a MigrationPage region (in memory or in a
 * mapped memory file) with the real control-page and ring code, and builds records whose headers
 * decode (bodies are filler of the right size: the agent never opens them).
 */
#ifndef AGENT_FAKE_SVSM_H
#define AGENT_FAKE_SVSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/migrate/control.h"
#include "svsm/migrate/ring.h"
#include "svsm/migrate_stream.h"

struct fake_svsm {
	void *region;
	struct mig_control_svsm control;
	struct mig_ring out[MIG_MAX_CHANNELS]; /* the SVSM produces */
	struct mig_ring in[MIG_MAX_CHANNELS];  /* the SVSM consumes */
};

/* A zeroed, page-aligned region of MIG_REGION_SIZE bytes (free()). */
void *fake_region_alloc(void);
/* Publishes the control page with status and attaches the SVSM side of every ring. */
void fake_svsm_init(struct fake_svsm *f, void *region, enum mig_status status);

/* PAGES record with gpa_count data pages at round; filler bytes are derived from seq. */
size_t fake_pages_record(uint8_t *buf, size_t cap, uint32_t channel, uint64_t seq, uint64_t round,
			 uint32_t gpa_count);
/* A record of type ACK, GO (48-byte hash, tag body) or ABORT (reason, tag body). */
size_t fake_control_record(uint8_t *buf, size_t cap, enum mig_record_type type, uint32_t channel,
			   uint64_t seq);

/* Produce into the out ring / consume from the in ring, retrying until deadline_ns. */
bool fake_produce(struct fake_svsm *f, uint32_t channel, const void *rec, size_t len,
		  uint64_t deadline_ns);
bool fake_consume(struct fake_svsm *f, uint32_t channel, void *buf, size_t *len,
		  uint64_t deadline_ns);
/* One non-blocking attempt each: *produced false when the out ring is full, *len = 0 when the in
 * ring is empty. */
bool fake_try_produce(struct fake_svsm *f, uint32_t channel, const void *rec, size_t len,
		      bool *produced);
bool fake_try_consume(struct fake_svsm *f, uint32_t channel, void *buf, size_t *len);

uint64_t fake_now_ns(void);

#endif
