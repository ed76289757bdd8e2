/* SPDX-License-Identifier: MIT */
/*
 * The IGVM memory-map parameter page, sanitised. The untrusted loader writes the page; the
 * parser reads each entry exactly once into a private copy, rejects anything malformed, keeps
 * only MEMORY entries (every other type, known or not, is not RAM), merges adjacent RAM and
 * splits it at LAYOUT_SVSM_REGION_END: below belongs to the SVSM and must be RAM throughout,
 * above is guest memory.
 */
#ifndef SVSM_MM_MEMMAP_H
#define SVSM_MM_MEMMAP_H

#include "svsm/layout.h"
#include "svsm/types.h"

/* Distinct (merged) RAM ranges we keep; real maps have a handful. */
#define MEMMAP_MAX_RANGES 64U
/* End of the 52-bit physical address space, in pages: no entry may reach beyond it. */
#define MEMMAP_MAX_PFN (1ULL << (52 - PAGE_SHIFT))

enum memmap_status {
	MEMMAP_OK = 0,
	MEMMAP_ERR_UNSORTED,	     /* an entry starts below the previous one */
	MEMMAP_ERR_OVERLAP,	     /* an entry starts inside the previous one */
	MEMMAP_ERR_OVERFLOW,	     /* an entry ends beyond the physical address space */
	MEMMAP_ERR_RESERVED_NONZERO, /* an entry's reserved field is not zero */
	MEMMAP_ERR_TOO_MANY_RANGES,  /* more than MEMMAP_MAX_RANGES separate RAM ranges */
	MEMMAP_ERR_SVSM_NOT_RAM,     /* [0, LAYOUT_SVSM_REGION_END) is not RAM throughout */
};

const char *memmap_status_str(enum memmap_status status);

/* [start, start + pages * PAGE_SIZE) */
struct memmap_range {
	gpa_t start;
	uint64_t pages;
};

struct memmap {
	/* Every RAM range, sorted, merged, including the SVSM region. */
	struct memmap_range ram[MEMMAP_MAX_RANGES];
	uint32_t ram_count;
	/* RAM at or above LAYOUT_SVSM_REGION_END, sorted and merged. */
	struct memmap_range guest[MEMMAP_MAX_RANGES];
	uint32_t guest_count;
	uint64_t guest_pages;
	/* Entries before the terminator (or the end of the page). */
	uint32_t entries_read;
	/* On error: index of the offending entry (MEMMAP_ERR_SVSM_NOT_RAM: entries_read). */
	uint32_t error_entry;
};

/* Parses the PAGE_SIZE bytes at `page`. On error every range in *out is cleared, so nothing
 * half-parsed can be used, and only error_entry is set. */
enum memmap_status memmap_parse(const void *page, struct memmap *out);

/* True when [gpa, gpa + len) lies inside one guest RAM range; false for len 0. */
bool memmap_is_guest_ram(const struct memmap *map, gpa_t gpa, uint64_t len);

#endif
