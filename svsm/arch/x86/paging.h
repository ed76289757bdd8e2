/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's page tables, shared by every CPU. Three views of memory:
 *  - the SVSM region, identity mapped, supervisor only, W^X per image section;
 *  - guest RAM, identity mapped as 4 KiB user pages whose permissions model the guest VMPL's
 *    RMP permissions (not present until the guest validates a page and the SVSM grants access);
 *  - a supervisor-only alias of all RAM at PAGING_DMAP_BASE, through which the SVSM reads and
 *    writes guest memory, so revoking guest access never revokes the SVSM's.
 */
#ifndef SVSM_ARCH_X86_PAGING_H
#define SVSM_ARCH_X86_PAGING_H

#include "svsm/plat.h"
#include "svsm/types.h"

#define PAGING_DMAP_BASE 0xFFFF800000000000ULL

#define PTE_P	      (1ULL << 0)
#define PTE_W	      (1ULL << 1)
#define PTE_U	      (1ULL << 2)
#define PTE_PWT	      (1ULL << 3)
#define PTE_PCD	      (1ULL << 4)
#define PTE_A	      (1ULL << 5)
#define PTE_D	      (1ULL << 6)
#define PTE_PS	      (1ULL << 7)
#define PTE_NX	      (1ULL << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

struct page_alloc;

/* Builds the tables for RAM below ram_end and guest RAM [guest_start, ram_end), then loads them. */
void paging_init(struct page_alloc *alloc, uint64_t guest_start, uint64_t ram_end);
uint64_t paging_root(void);

/* The SVSM's view of a guest page (through the alias); never NULL for RAM below ram_end. */
void *paging_guest_alias(gpa_t gpa);
/* Sets the guest's access to one 4 KiB guest page; no TLB flush. */
void paging_set_guest_perm(gpa_t gpa, enum plat_perm perm);
enum plat_perm paging_guest_perm(gpa_t gpa);

#endif
