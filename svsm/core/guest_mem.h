/* SPDX-License-Identifier: MIT */
/*
 * Guest memory as the SVSM tracks it: which guest RAM exists (from the validated memory map)
 * and, per 4 KiB page, whether the guest validated it. The "validated" bitmap is kept from the
 * first PVALIDATE on, because migration sends exactly the validated pages.
 */
#ifndef SVSM_CORE_GUEST_MEM_H
#define SVSM_CORE_GUEST_MEM_H

#include "svsm/mm/bitmap.h"
#include "svsm/mm/memmap.h"
#include "svsm/types.h"

/* Upper bound of guest-physical memory the SVSM supports (static metadata size). */
#define GUEST_MEM_MAX_BYTES (4ULL << 30)

void guest_mem_init(const struct memmap *map);
const struct memmap *guest_mem_map(void);
bool guest_mem_is_ram(gpa_t gpa, uint64_t len);
uint64_t guest_mem_end(void);

bool guest_mem_validated(gpa_t page);
uint64_t guest_mem_validated_count(void);

/* The whole PVALIDATE service for one 4 KiB or 2 MiB page, in the order the SNP architecture
 * requires: validate = PVALIDATE, zero, grant RWX; invalidate = revoke, PVALIDATE(0), flush. */
uint64_t guest_mem_pvalidate(gpa_t gpa, bool huge, bool validate, bool ignore_unchanged);

/* While `log` is set, every page the guest validates or invalidates is also marked in it (the
 * migration source resends such pages). NULL stops it. */
void guest_mem_log_changes(struct bitmap *log);

/* Marks pages the loader placed (the guest payload and its control pages) validated and RWX. */
void guest_mem_prevalidate(gpa_t start, uint64_t pages);

#endif
