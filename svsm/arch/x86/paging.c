/* SPDX-License-Identifier: MIT */
#include "svsm/arch/x86/paging.h"

#include <string.h>

#include "svsm/arch/x86/cpu.h"
#include "svsm/check.h"
#include "svsm/layout.h"
#include "svsm/log.h"
#include "svsm/mm/page_alloc.h"

#define APIC_MMIO_BASE 0xFEE00000ULL

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __image_end[];
extern char ap_trampoline_start[];

static struct page_alloc *pt_alloc;
static uint64_t *pml4;
static uint64_t guest_ram_start;
static uint64_t guest_ram_end;

static uint64_t *table_from_entry(uint64_t entry)
{
	/* Page-table pages come from the SVSM region, which is identity mapped. */
	return va_ptr(va_init(entry & PTE_ADDR_MASK));
}

static uint64_t *new_table(void)
{
	hpa_t page;
	uint64_t *table;

	CHECK(page_alloc_page(pt_alloc, &page) == PAGE_ALLOC_OK);
	CHECK(hpa_addr(page) < LAYOUT_SVSM_REGION_END);
	table = va_ptr(va_init(hpa_addr(page))); /* the SVSM region is identity mapped */
	memset(table, 0, PAGE_SIZE);
	return table;
}

/* Returns the entry that maps `va` at `level` (1 = 4 KiB PTE, 2 = 2 MiB PDE), creating tables. */
static uint64_t *walk(uint64_t va, unsigned level)
{
	uint64_t *table = pml4;

	for (unsigned l = 4; l > level; l--) {
		uint64_t *entry = &table[(va >> (12 + 9 * (l - 1))) & 0x1FF];

		if ((*entry & PTE_P) == 0) {
			/* Leaves decide permissions; upper levels allow everything. */
			*entry = (uint64_t)(uintptr_t)new_table() | PTE_P | PTE_W | PTE_U;
		}
		CHECK((*entry & PTE_PS) == 0);
		table = table_from_entry(*entry);
	}
	return &table[(va >> (12 + 9 * (level - 1))) & 0x1FF];
}

static void map_range_4k(uint64_t start, uint64_t end, uint64_t flags)
{
	for (uint64_t va = ALIGN_DOWN(start, PAGE_SIZE); va < end; va += PAGE_SIZE) {
		*walk(va, 1) = va | flags;
	}
}

static void map_svsm_region(void)
{
	uint64_t text_start = (uint64_t)(uintptr_t)__text_start;
	uint64_t text_end = ALIGN_UP((uint64_t)(uintptr_t)__text_end, PAGE_SIZE);
	uint64_t ro_end = ALIGN_UP((uint64_t)(uintptr_t)__rodata_end, PAGE_SIZE);
	uint64_t data_start = (uint64_t)(uintptr_t)__data_start;
	uint64_t image_end = ALIGN_UP((uint64_t)(uintptr_t)__image_end, PAGE_SIZE);
	uint64_t rw = PTE_P | PTE_W | PTE_NX;

	/* Page 0 stays unmapped so that a NULL dereference faults. */
	map_range_4k(PAGE_SIZE, LAYOUT_AP_TRAMPOLINE_GPA, rw);
	map_range_4k(LAYOUT_AP_TRAMPOLINE_GPA, LAYOUT_AP_TRAMPOLINE_GPA + PAGE_SIZE, PTE_P);
	map_range_4k(LAYOUT_AP_PARAMS_GPA, text_start, rw);
	map_range_4k(text_start, text_end, PTE_P);
	map_range_4k(text_end, ro_end, PTE_P | PTE_NX);
	CHECK(ro_end <= data_start);
	map_range_4k(ro_end, image_end, rw);
	map_range_4k(image_end, LAYOUT_SVSM_REGION_END, rw);
}

static void map_guest_ram(void)
{
	for (uint64_t va = guest_ram_start; va < guest_ram_end; va += PAGE_SIZE) {
		*walk(va, 1) =
		    0; /* creates the tables; no guest access until validated and granted */
	}
}

static void map_alias(uint64_t ram_end)
{
	for (uint64_t pa = 0; pa < ram_end; pa += HUGE_PAGE_SIZE) {
		*walk(PAGING_DMAP_BASE + pa, 2) = pa | PTE_P | PTE_W | PTE_NX | PTE_PS;
	}
}

void paging_init(struct page_alloc *alloc, uint64_t guest_start, uint64_t ram_end)
{
	pt_alloc = alloc;
	guest_ram_start = guest_start;
	guest_ram_end = ram_end;
	pml4 = new_table();
	map_svsm_region();
	map_guest_ram();
	map_alias(ALIGN_UP(ram_end, HUGE_PAGE_SIZE));
	map_range_4k(APIC_MMIO_BASE, APIC_MMIO_BASE + PAGE_SIZE,
		     PTE_P | PTE_W | PTE_NX | PTE_PCD | PTE_PWT);
	write_cr3((uint64_t)(uintptr_t)pml4);
	LOG_INFO("paging: SVSM W^X map, guest RAM [%#llx, %#llx) as user pages, alias at %#llx\n",
		 (unsigned long long)guest_start, (unsigned long long)ram_end,
		 (unsigned long long)PAGING_DMAP_BASE);
}

uint64_t paging_root(void)
{
	return (uint64_t)(uintptr_t)pml4;
}

void *paging_guest_alias(gpa_t gpa)
{
	CHECK(gpa_addr(gpa) < guest_ram_end);
	return va_ptr(va_init(PAGING_DMAP_BASE + gpa_addr(gpa)));
}

static uint64_t *guest_pte(gpa_t gpa)
{
	uint64_t a = gpa_addr(gpa);

	CHECK(a >= guest_ram_start && a < guest_ram_end && IS_ALIGNED(a, PAGE_SIZE));
	return walk(a, 1);
}

void paging_set_guest_perm(gpa_t gpa, enum plat_perm perm)
{
	uint64_t *pte = guest_pte(gpa);
	uint64_t flags = 0;

	switch (perm) {
	case PLAT_PERM_NONE:
		flags = 0;
		break;
	case PLAT_PERM_R:
		flags = PTE_P | PTE_U | PTE_NX;
		break;
	case PLAT_PERM_RW:
		flags = PTE_P | PTE_U | PTE_W | PTE_NX;
		break;
	case PLAT_PERM_RX:
		flags = PTE_P | PTE_U;
		break;
	case PLAT_PERM_RWX:
		flags = PTE_P | PTE_U | PTE_W;
		break;
	}
	__atomic_store_n(pte, flags ? (gpa_addr(gpa) | flags) : 0, __ATOMIC_RELEASE);
}

enum plat_perm paging_guest_perm(gpa_t gpa)
{
	uint64_t pte = __atomic_load_n(guest_pte(gpa), __ATOMIC_ACQUIRE);

	if ((pte & PTE_P) == 0) {
		return PLAT_PERM_NONE;
	}
	if ((pte & PTE_W) == 0) {
		return (pte & PTE_NX) ? PLAT_PERM_R : PLAT_PERM_RX;
	}
	return (pte & PTE_NX) ? PLAT_PERM_RW : PLAT_PERM_RWX;
}
