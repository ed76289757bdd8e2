/* SPDX-License-Identifier: MIT */
/* Hooks of the qemu platform that its trap path calls. */
#ifndef SVSM_PLAT_QEMU_QEMU_H
#define SVSM_PLAT_QEMU_QEMU_H

#include <stdbool.h>
#include <stdint.h>

/* A guest #PF at `address` with `error`: true when it was a write to a page that write tracking
 * protected (recorded as dirty, write access given back) or a stale TLB entry for one that was
 * already given back; the guest then simply retries. */
bool qemu_tracked_write_fault(uint64_t address, uint64_t error);

#endif
