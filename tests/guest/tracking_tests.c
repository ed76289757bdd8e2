/* SPDX-License-Identifier: MIT */
/*
 * In-guest tests of write tracking: the SVSM write-protects guest pages, catches the guest's
 * first write to each, records it in its own bitmap and lets the guest go on, while code pages
 * stay executable.
 */
#include "svsm/arch/x86/apic.h"
#include "svsm/core/guest.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/vcpu.h"
#include "svsm/layout.h"
#include "svsm/mm/bitmap.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"
#include "svsm/test.h"

#define WAIT_NS 20000000000ULL

static uint64_t dirty_words[BITMAP_WORDS(GUEST_MEM_MAX_BYTES / PAGE_SIZE)];

static bool advances(unsigned vcpu, uint64_t by)
{
	uint64_t start = guest_heartbeat(vcpu);

	for (uint64_t end = time_ns() + WAIT_NS; time_ns() < end;) {
		if (guest_heartbeat(vcpu) >= start + by) {
			return true;
		}
	}
	return false;
}

/* Every validated page of the guest (code, stack, data) write-protected while it runs: it keeps
 * running, and exactly the pages it writes show up as dirty. */
TEST(tracking, running_guest_is_tracked_not_stopped)
{
	struct bitmap dirty;
	struct guest_launch l = {.action = GUEST_ACTION_WRITE_PROBE,
				 .probe = gpa_init(guest_mem_end() - 64 * PAGE_SIZE)};
	gpa_t probe = l.probe;
	const struct memmap *map = guest_mem_map();
	uint64_t protected_pages = 0;

	ASSERT_EQ(guest_mem_pvalidate(probe, false, true, true), SVSM_SUCCESS);
	guest_launch(0, &l);
	ASSERT_TRUE(advances(0, 1000));
	bitmap_init(&dirty, dirty_words, guest_mem_end() / PAGE_SIZE);
	bitmap_clear_range(&dirty, 0, guest_mem_end() / PAGE_SIZE);
	plat_write_tracking_start(&dirty);
	for (uint32_t r = 0; r < map->guest_count; r++) {
		for (uint64_t p = 0; p < map->guest[r].pages; p++) {
			gpa_t page = gpa_add(map->guest[r].start, p * PAGE_SIZE);

			if (guest_mem_validated(page)) {
				ASSERT_EQ(plat_set_guest_perm(page, PLAT_PERM_RX), PLAT_OK);
				protected_pages++;
			}
		}
	}
	plat_flush_tlb_all();
	ASSERT_TRUE(advances(0, 1000)); /* still running: writes were caught and let through */
	EXPECT_EQ(vcpu_get(0)->state, (uint32_t)VCPU_RUNNING);
	EXPECT_TRUE(bitmap_test(&dirty, gpa_pfn(probe)));
	EXPECT_TRUE(bitmap_test(&dirty, gpa_pfn(guest_info_gpa(0)))); /* heartbeat lives here */
	/* Code is read and executed, never written: it stays clean. */
	EXPECT_FALSE(bitmap_test(&dirty, gpa_pfn(gpa_init(LAYOUT_GUEST_PAYLOAD_GPA))));
	EXPECT_LT(bitmap_count_set(&dirty, 0, guest_mem_end() / PAGE_SIZE), protected_pages);
	plat_write_tracking_stop();
	guest_reset(0);
	(void)guest_mem_pvalidate(probe, false, false, true);
	for (uint32_t r = 0; r < map->guest_count; r++) {
		for (uint64_t p = 0; p < map->guest[r].pages; p++) {
			gpa_t page = gpa_add(map->guest[r].start, p * PAGE_SIZE);

			if (guest_mem_validated(page)) {
				(void)plat_set_guest_perm(page, PLAT_PERM_RWX);
			}
		}
	}
	plat_flush_tlb_all();
}

/* Without tracking, or for a page whose access was really revoked, a write still stops the vCPU:
 * tracking only ever lets through writes to pages it protected itself. */
TEST(tracking, revoked_page_still_stops_the_guest)
{
	struct bitmap dirty;
	gpa_t probe = gpa_init(guest_mem_end() - 65 * PAGE_SIZE);
	struct guest_launch l = {.action = GUEST_ACTION_WRITE_PROBE, .probe = probe};

	ASSERT_EQ(guest_mem_pvalidate(probe, false, true, true), SVSM_SUCCESS);
	bitmap_init(&dirty, dirty_words, guest_mem_end() / PAGE_SIZE);
	bitmap_clear_range(&dirty, 0, guest_mem_end() / PAGE_SIZE);
	guest_launch(1, &l);
	ASSERT_TRUE(advances(1, 100));
	plat_write_tracking_start(&dirty);
	ASSERT_EQ(plat_set_guest_perm(probe, PLAT_PERM_R), PLAT_OK);
	plat_flush_tlb_all();
	EXPECT_TRUE(vcpu_wait_state(1, VCPU_FAULTED, WAIT_NS));
	EXPECT_FALSE(bitmap_test(&dirty, gpa_pfn(probe)));
	plat_write_tracking_stop();
	guest_reset(1);
	(void)guest_mem_pvalidate(probe, false, false, true);
}
