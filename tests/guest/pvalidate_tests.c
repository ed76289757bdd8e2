/* SPDX-License-Identifier: MIT */
/*
 * In-guest tests of the core PVALIDATE call with hostile requests. Each builds a request in a
 * guest page exactly as a guest would and hands its GPA to the protocol handler.
 */
#include "svsm/arch/x86/paging.h"
#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/protocol.h"
#include "svsm/layout.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"
#include "svsm/test.h"

/* Pages at the top of guest RAM: [0] holds requests, [1..] are targets. */
static gpa_t page_at(unsigned n)
{
	return gpa_init(guest_mem_end() - (uint64_t)(n + 16) * PAGE_SIZE);
}

static gpa_t request_page(void)
{
	gpa_t p = page_at(0);

	(void)guest_mem_pvalidate(p, false, true, true);
	return p;
}

static uint64_t entry(gpa_t gpa, uint64_t flags)
{
	return gpa_addr(gpa) | flags;
}

static uint64_t submit(gpa_t req, uint16_t next, const uint64_t *entries, uint16_t count)
{
	struct svsm_pvalidate_header h = {.entries = count, .next = next, .reserved = 0};

	CHECK(plat_guest_write(req, &h, sizeof(h)) == PLAT_OK);
	CHECK(plat_guest_write(gpa_add(req, sizeof(h)), entries, count * sizeof(uint64_t)) ==
	      PLAT_OK);
	return protocol_core_pvalidate(req);
}

static uint16_t read_next(gpa_t req)
{
	struct svsm_pvalidate_header h;

	CHECK(plat_guest_read(&h, req, sizeof(h)) == PLAT_OK);
	return h.next;
}

static void invalidate(gpa_t page)
{
	(void)guest_mem_pvalidate(page, false, false, true);
}

TEST(pvalidate, validates_and_invalidates_a_batch)
{
	gpa_t req = request_page();
	uint64_t e[3];

	for (unsigned i = 0; i < 3; i++) {
		invalidate(page_at(1 + i));
		e[i] = entry(page_at(1 + i), SVSM_PVALIDATE_VALIDATE);
	}
	EXPECT_EQ(submit(req, 0, e, 3), SVSM_SUCCESS);
	EXPECT_EQ(read_next(req), 3);
	for (unsigned i = 0; i < 3; i++) {
		EXPECT_TRUE(guest_mem_validated(page_at(1 + i)));
		EXPECT_EQ(plat_set_guest_perm(page_at(1 + i), PLAT_PERM_RWX), PLAT_OK);
		e[i] = entry(page_at(1 + i), 0);
	}
	EXPECT_EQ(submit(req, 0, e, 3), SVSM_SUCCESS);
	for (unsigned i = 0; i < 3; i++) {
		EXPECT_FALSE(guest_mem_validated(page_at(1 + i)));
	}
}

TEST(pvalidate, zeroes_newly_validated_pages)
{
	gpa_t req = request_page();
	gpa_t target = page_at(1);
	uint64_t e = entry(target, SVSM_PVALIDATE_VALIDATE);
	uint64_t word = 0x1234;
	uint64_t check = 0;

	invalidate(target);
	ASSERT_EQ(submit(req, 0, &e, 1), SVSM_SUCCESS);
	ASSERT_EQ(plat_guest_write(gpa_add(target, 64), &word, sizeof(word)), PLAT_OK);
	e = entry(target, SVSM_PVALIDATE_VALIDATE | SVSM_PVALIDATE_IGNORE_CF);
	ASSERT_EQ(submit(req, 0, &e, 1), SVSM_SUCCESS);
	ASSERT_EQ(plat_guest_read(&check, gpa_add(target, 64), sizeof(check)), PLAT_OK);
	EXPECT_EQ(check, 0ULL);
	invalidate(target);
}

TEST(pvalidate, double_validate_is_fail_unchanged_unless_ignored)
{
	gpa_t req = request_page();
	gpa_t target = page_at(2);
	uint64_t e = entry(target, SVSM_PVALIDATE_VALIDATE);

	invalidate(target);
	ASSERT_EQ(submit(req, 0, &e, 1), SVSM_SUCCESS);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_PVALIDATE_FAIL_UNCHANGED);
	EXPECT_EQ(read_next(req), 0);
	e |= SVSM_PVALIDATE_IGNORE_CF;
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_SUCCESS);
	e = entry(target, 0);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_SUCCESS);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_PVALIDATE_FAIL_UNCHANGED);
}

TEST(pvalidate, bad_entries_stop_at_the_failing_entry)
{
	gpa_t req = request_page();
	uint64_t e[3];

	invalidate(page_at(3));
	invalidate(page_at(4));
	e[0] = entry(page_at(3), SVSM_PVALIDATE_VALIDATE);
	e[1] = entry(page_at(4), SVSM_PVALIDATE_VALIDATE | 0x10); /* reserved bit */
	e[2] = entry(page_at(5), SVSM_PVALIDATE_VALIDATE);
	EXPECT_EQ(submit(req, 0, e, 3), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(read_next(req), 1);
	EXPECT_TRUE(guest_mem_validated(page_at(3)));
	EXPECT_FALSE(guest_mem_validated(page_at(4)));
	/* Resuming from `next` after fixing the entry finishes the request. */
	e[1] = entry(page_at(4), SVSM_PVALIDATE_VALIDATE);
	invalidate(page_at(5));
	EXPECT_EQ(submit(req, 1, e, 3), SVSM_SUCCESS);
	EXPECT_EQ(read_next(req), 3);
	invalidate(page_at(3));
	invalidate(page_at(4));
	invalidate(page_at(5));
}

TEST(pvalidate, rejects_bad_page_sizes_and_alignment)
{
	gpa_t req = request_page();
	uint64_t e;

	e = entry(page_at(6), SVSM_PVALIDATE_VALIDATE | 2); /* size 2 is undefined */
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	e = entry(page_at(6), SVSM_PVALIDATE_VALIDATE | 3);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	/* A 2 MiB entry must be 2 MiB aligned. */
	e = entry(gpa_init(ALIGN_DOWN(gpa_addr(page_at(6)), HUGE_PAGE_SIZE) + PAGE_SIZE),
		  SVSM_PVALIDATE_VALIDATE | SVSM_PVALIDATE_SIZE_2M);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_ERR_INVALID_PARAMETER);
}

TEST(pvalidate, huge_page_over_mixed_pages_is_size_mismatch)
{
	gpa_t req = request_page();
	gpa_t base = gpa_init(ALIGN_DOWN(gpa_addr(page_at(40)), HUGE_PAGE_SIZE) - HUGE_PAGE_SIZE);
	uint64_t e = entry(base, SVSM_PVALIDATE_VALIDATE | SVSM_PVALIDATE_SIZE_2M);
	uint64_t one = entry(gpa_add(base, PAGE_SIZE), SVSM_PVALIDATE_VALIDATE);

	for (unsigned i = 0; i < HUGE_PAGE_SIZE / PAGE_SIZE; i++) {
		invalidate(gpa_add(base, i * PAGE_SIZE));
	}
	ASSERT_EQ(submit(req, 0, &one, 1), SVSM_SUCCESS);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_PVALIDATE_FAIL_SIZEMISMATCH);
	invalidate(gpa_add(base, PAGE_SIZE));
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_SUCCESS);
	for (unsigned i = 0; i < HUGE_PAGE_SIZE / PAGE_SIZE; i++) {
		EXPECT_TRUE(guest_mem_validated(gpa_add(base, i * PAGE_SIZE)));
	}
	e = entry(base, SVSM_PVALIDATE_SIZE_2M);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_SUCCESS);
	EXPECT_FALSE(guest_mem_validated(base));
}

TEST(pvalidate, rejects_memory_that_is_not_guest_ram)
{
	gpa_t req = request_page();
	uint64_t e;

	e = entry(gpa_init(LAYOUT_SVSM_IMAGE_GPA), SVSM_PVALIDATE_VALIDATE);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_ERR_INVALID_ADDRESS);
	e = entry(gpa_init(guest_mem_end()), SVSM_PVALIDATE_VALIDATE);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_ERR_INVALID_ADDRESS);
	e = entry(gpa_init(0xFFFFF000ULL), SVSM_PVALIDATE_VALIDATE);
	EXPECT_EQ(submit(req, 0, &e, 1), SVSM_ERR_INVALID_ADDRESS);
}

TEST(pvalidate, rejects_bad_request_headers)
{
	gpa_t req = request_page();
	struct svsm_pvalidate_header h = {.entries = 1, .next = 0, .reserved = 0};
	uint64_t e = entry(page_at(7), SVSM_PVALIDATE_VALIDATE);

	/* The request itself: misaligned, in SVSM memory, or in a page the guest never validated.
	 */
	EXPECT_EQ(protocol_core_pvalidate(gpa_add(req, 4)), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(protocol_core_pvalidate(gpa_init(LAYOUT_SVSM_IMAGE_GPA)),
		  SVSM_ERR_INVALID_ADDRESS);
	invalidate(page_at(8));
	EXPECT_EQ(protocol_core_pvalidate(page_at(8)), SVSM_ERR_INVALID_ADDRESS);
	/* More entries than fit in the page after the header. */
	h.entries = (uint16_t)(SVSM_PVALIDATE_MAX_ENTRIES(0) + 1);
	ASSERT_EQ(plat_guest_write(req, &h, sizeof(h)), PLAT_OK);
	EXPECT_EQ(protocol_core_pvalidate(req), SVSM_ERR_INVALID_PARAMETER);
	/* The limit depends on where in the page the request starts. */
	h.entries = (uint16_t)SVSM_PVALIDATE_MAX_ENTRIES(2048) + 1;
	ASSERT_EQ(plat_guest_write(gpa_add(req, 2048), &h, sizeof(h)), PLAT_OK);
	EXPECT_EQ(protocol_core_pvalidate(gpa_add(req, 2048)), SVSM_ERR_INVALID_PARAMETER);
	/* next beyond entries, and a non-zero reserved field. */
	EXPECT_EQ(submit(req, 2, &e, 1), SVSM_ERR_INVALID_PARAMETER);
	h = (struct svsm_pvalidate_header){.entries = 1, .next = 0, .reserved = 1};
	ASSERT_EQ(plat_guest_write(req, &h, sizeof(h)), PLAT_OK);
	EXPECT_EQ(protocol_core_pvalidate(req), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_FALSE(guest_mem_validated(page_at(7)));
}

/* The permission range the checkpoint uses, on the page tables: pages the guest has not
 * validated are skipped, and a bad range changes nothing. */
TEST(guest_perm, range_skips_invalid_pages_and_refuses_bad_input)
{
	gpa_t low = page_at(4); /* page_at(4) .. page_at(1), ascending */

	for (unsigned i = 1; i <= 4; i++) {
		(void)guest_mem_pvalidate(page_at(i), false, true, true);
	}
	invalidate(page_at(3));
	EXPECT_EQ(plat_set_guest_perm_range(low, 4, PLAT_PERM_RX), PLAT_OK);
	plat_flush_tlb_all();
	for (unsigned i = 1; i <= 4; i++) {
		EXPECT_EQ(paging_guest_perm(page_at(i)), i == 3 ? PLAT_PERM_NONE : PLAT_PERM_RX);
	}
	EXPECT_FALSE(guest_mem_validated(page_at(3)));
	EXPECT_EQ(plat_set_guest_perm_range(gpa_add(low, 8), 1, PLAT_PERM_RWX), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(low, 1, (enum plat_perm)2), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(low, 1, (enum plat_perm)8), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(low, 64, PLAT_PERM_RWX), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(low, UINT64_MAX / 2, PLAT_PERM_RWX), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(gpa_init(LAYOUT_MIGRATION_GPA), 1, PLAT_PERM_RWX),
		  PLAT_ERR_INPUT);
	EXPECT_EQ(paging_guest_perm(low), PLAT_PERM_RX);
	EXPECT_EQ(plat_set_guest_perm_range(low, 4, PLAT_PERM_NONE), PLAT_OK);
	EXPECT_EQ(paging_guest_perm(page_at(1)), PLAT_PERM_NONE);
	EXPECT_EQ(plat_set_guest_perm_range(low, 4, PLAT_PERM_RWX), PLAT_OK);
	EXPECT_EQ(paging_guest_perm(page_at(1)), PLAT_PERM_RWX);
	EXPECT_EQ(paging_guest_perm(page_at(3)), PLAT_PERM_NONE);
	for (unsigned i = 1; i <= 4; i++) {
		invalidate(page_at(i));
	}
}
