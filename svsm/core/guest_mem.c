/* SPDX-License-Identifier: MIT */
#include "svsm/core/guest_mem.h"

#include <string.h>

#include "svsm/check.h"
#include "svsm/log.h"
#include "svsm/mm/bitmap.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"

static struct memmap map;
static uint64_t ram_end;
static uint64_t validated_words[BITMAP_WORDS(GUEST_MEM_MAX_BYTES / PAGE_SIZE)];
static struct bitmap validated;
static const uint8_t zero_page[PAGE_SIZE];
static struct bitmap *change_log;

void guest_mem_init(const struct memmap *m)
{
	map = *m;
	ram_end = 0;
	for (uint32_t i = 0; i < map.ram_count; i++) {
		uint64_t end = gpa_addr(map.ram[i].start) + map.ram[i].pages * PAGE_SIZE;

		ram_end = end > ram_end ? end : ram_end;
	}
	CHECK(ram_end <= GUEST_MEM_MAX_BYTES);
	bitmap_init(&validated, validated_words, ram_end / PAGE_SIZE);
}

const struct memmap *guest_mem_map(void)
{
	return &map;
}

uint64_t guest_mem_end(void)
{
	return ram_end;
}

bool guest_mem_is_ram(gpa_t gpa, uint64_t len)
{
	return memmap_is_guest_ram(&map, gpa, len);
}

bool guest_mem_validated(gpa_t page)
{
	if (!guest_mem_is_ram(page, 1)) {
		return false;
	}
	return bitmap_test_atomic(&validated, gpa_pfn(page));
}

uint64_t guest_mem_validated_count(void)
{
	return bitmap_count_set(&validated, 0, ram_end / PAGE_SIZE);
}

static uint64_t plat_to_svsm(enum plat_status s)
{
	switch (s) {
	case PLAT_OK:
		return SVSM_SUCCESS;
	case PLAT_ERR_UNCHANGED:
		return SVSM_PVALIDATE_FAIL_UNCHANGED;
	case PLAT_ERR_SIZEMISMATCH:
		return SVSM_PVALIDATE_FAIL_SIZEMISMATCH;
	case PLAT_ERR_INPUT:
		return SVSM_PVALIDATE_FAIL_INPUT;
	default:
		PANIC("PVALIDATE: unexpected platform result %s", plat_status_str(s));
	}
}

static void set_perm_range(gpa_t start, uint64_t pages, enum plat_perm perm)
{
	for (uint64_t i = 0; i < pages; i++) {
		enum plat_status s = plat_set_guest_perm(gpa_add(start, i * PAGE_SIZE), perm);

		CHECK(s == PLAT_OK);
	}
}

void guest_mem_log_changes(struct bitmap *log)
{
	__atomic_store_n(&change_log, log, __ATOMIC_RELEASE);
}

static void log_change(gpa_t first, uint64_t pages)
{
	struct bitmap *log = __atomic_load_n(&change_log, __ATOMIC_ACQUIRE);

	for (uint64_t i = 0; log != NULL && i < pages; i++) {
		bitmap_test_and_set_atomic(log, gpa_pfn(first) + i);
	}
}

uint64_t guest_mem_pvalidate(gpa_t gpa, bool huge, bool validate, bool ignore_unchanged)
{
	uint64_t pages = huge ? HUGE_PAGE_SIZE / PAGE_SIZE : 1;
	enum plat_status s;

	if (!guest_mem_is_ram(gpa, pages * PAGE_SIZE)) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	if (!validate) {
		/* Revoke before invalidating so that no CPU can use the page in between. */
		if (bitmap_test_atomic(&validated, gpa_pfn(gpa))) {
			set_perm_range(gpa, pages, PLAT_PERM_NONE);
		}
	}
	s = plat_pvalidate(gpa, huge, validate);
	if (s != PLAT_OK && !(s == PLAT_ERR_UNCHANGED && ignore_unchanged)) {
		return plat_to_svsm(s);
	}
	if (validate) {
		/* A newly validated page may hold anything the host put there: zero it first. */
		for (uint64_t i = 0; i < pages; i++) {
			gpa_t page = gpa_add(gpa, i * PAGE_SIZE);

			CHECK(plat_guest_write(page, zero_page, sizeof(zero_page)) == PLAT_OK);
			bitmap_test_and_set_atomic(&validated, gpa_pfn(page));
		}
		set_perm_range(gpa, pages, PLAT_PERM_RWX);
	} else {
		for (uint64_t i = 0; i < pages; i++) {
			bitmap_test_and_clear_atomic(&validated, gpa_pfn(gpa) + i);
		}
		plat_flush_tlb_all();
	}
	log_change(gpa, pages);
	return SVSM_SUCCESS;
}

void guest_mem_prevalidate(gpa_t start, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		gpa_t page = gpa_add(start, i * PAGE_SIZE);
		enum plat_status s = plat_pvalidate(page, false, true);

		CHECK(s == PLAT_OK || s == PLAT_ERR_UNCHANGED);
		bitmap_test_and_set_atomic(&validated, gpa_pfn(page));
		CHECK(plat_set_guest_perm(page, PLAT_PERM_RWX) == PLAT_OK);
	}
}
