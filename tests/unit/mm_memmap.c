/* SPDX-License-Identifier: MIT */
/* Memory-map parser tests: pages built entry by entry, as a hostile loader could write them. */
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "igvm/igvm.h"
#include "mm/memmap.h"

#define ENTRIES_PER_PAGE (PAGE_SIZE / sizeof(struct igvm_memory_map_entry))
#define SVSM_PAGES	 (LAYOUT_SVSM_REGION_END >> PAGE_SHIFT)
#define GIB_PAGES	 (1ULL << (30 - PAGE_SHIFT))
#define MIB_PAGES	 (1ULL << (20 - PAGE_SHIFT))

/* Status enums are unsigned while their constants are int: compare both as int. */
#define EXPECT_STATUS(a, b) EXPECT_EQ((int)(a), (int)(b))
#define ASSERT_STATUS(a, b) ASSERT_EQ((int)(a), (int)(b))

static struct memmap map;

/* A fresh zeroed heap page, so ASan reports any read past its end. */
static struct igvm_memory_map_entry *new_page(void)
{
	void *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	if (page != NULL) {
		memset(page, 0, PAGE_SIZE);
	}
	return page;
}

static void put(struct igvm_memory_map_entry *page, unsigned index, uint64_t pfn, uint64_t pages,
		uint16_t type)
{
	page[index] = (struct igvm_memory_map_entry){pfn, pages, type, 0, 0};
}

/* Entry 0: the SVSM region, always RAM unless a test overwrites it. */
static struct igvm_memory_map_entry *page_with_svsm_region(void)
{
	struct igvm_memory_map_entry *page = new_page();

	if (page != NULL) {
		put(page, 0, 0, SVSM_PAGES, IGVM_MEMORY_MAP_MEMORY);
	}
	return page;
}

static void expect_rejected(enum memmap_status status, enum memmap_status expected,
			    uint32_t error_entry)
{
	EXPECT_STATUS(status, expected);
	EXPECT_EQ(map.error_entry, error_entry);
	EXPECT_EQ(map.ram_count, 0U);
	EXPECT_EQ(map.guest_count, 0U);
	EXPECT_EQ(map.guest_pages, 0ULL);
}

TEST(mm_memmap, typical_map)
{
	struct igvm_memory_map_entry *page = new_page();

	ASSERT_TRUE(page != NULL);
	put(page, 0, 0, SVSM_PAGES, IGVM_MEMORY_MAP_MEMORY);
	put(page, 1, SVSM_PAGES, GIB_PAGES - SVSM_PAGES, IGVM_MEMORY_MAP_MEMORY);
	put(page, 2, 0xFEC00, 0x400, IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	put(page, 3, 4 * GIB_PAGES, 2 * GIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	put(page, 4, 8 * GIB_PAGES, GIB_PAGES, IGVM_MEMORY_MAP_PERSISTENT);
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	EXPECT_EQ(map.entries_read, 5U);
	/* Entries 0 and 1 touch: one RAM range. */
	ASSERT_EQ(map.ram_count, 2U);
	EXPECT_EQ(gpa_addr(map.ram[0].start), 0ULL);
	EXPECT_EQ(map.ram[0].pages, GIB_PAGES);
	EXPECT_EQ(gpa_addr(map.ram[1].start), 4ULL << 30);
	ASSERT_EQ(map.guest_count, 2U);
	EXPECT_EQ(gpa_addr(map.guest[0].start), LAYOUT_SVSM_REGION_END);
	EXPECT_EQ(map.guest[0].pages, GIB_PAGES - SVSM_PAGES);
	EXPECT_EQ(gpa_addr(map.guest[1].start), 4ULL << 30);
	EXPECT_EQ(map.guest[1].pages, 2 * GIB_PAGES);
	EXPECT_EQ(map.guest_pages, 3 * GIB_PAGES - SVSM_PAGES);
	free(page);
}

TEST(mm_memmap, guest_ram_lookup)
{
	struct igvm_memory_map_entry *page = new_page();

	ASSERT_TRUE(page != NULL);
	put(page, 0, 0, GIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	put(page, 1, 4 * GIB_PAGES, GIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	EXPECT_TRUE(memmap_is_guest_ram(&map, gpa_init(LAYOUT_SVSM_REGION_END), PAGE_SIZE));
	EXPECT_TRUE(memmap_is_guest_ram(&map, gpa_init((1ULL << 30) - 8), 8));
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init((1ULL << 30) - 8), 9));
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init(LAYOUT_SVSM_REGION_END - 1), 2));
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init(LAYOUT_SVSM_IMAGE_GPA), 1));
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init(2ULL << 30), 1));
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init(4ULL << 30), 0));
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init(~0ULL - 4), 16));
	/* Ranges never merge across a gap: a span over the hole is not RAM. */
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init((1ULL << 30) - PAGE_SIZE), 4ULL << 30));
	free(page);
}

TEST(mm_memmap, svsm_region_split_over_entries_is_accepted)
{
	struct igvm_memory_map_entry *page = new_page();

	ASSERT_TRUE(page != NULL);
	put(page, 0, 0, 0x100, IGVM_MEMORY_MAP_MEMORY);
	put(page, 1, 0x100, SVSM_PAGES - 0x100, IGVM_MEMORY_MAP_MEMORY);
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	EXPECT_EQ(map.ram_count, 1U);
	/* RAM only up to the end of the SVSM region leaves no guest memory; that is not our call.
	 */
	EXPECT_EQ(map.guest_count, 0U);
	EXPECT_EQ(map.guest_pages, 0ULL);
	free(page);
}

TEST(mm_memmap, unsorted_is_rejected)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	put(page, 1, 2 * GIB_PAGES, MIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	put(page, 2, GIB_PAGES, MIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_UNSORTED, 2);
	free(page);
}

TEST(mm_memmap, overlap_is_rejected)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	put(page, 1, GIB_PAGES, MIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	put(page, 2, GIB_PAGES + MIB_PAGES - 1, 1, IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_OVERLAP, 2);
	free(page);
}

TEST(mm_memmap, overlap_with_same_start_is_rejected)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	put(page, 1, 0, 1, IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_OVERLAP, 1);
	free(page);
}

TEST(mm_memmap, overflow_is_rejected)
{
	/* {start pfn, pages}: each ends beyond the 52-bit address space or wraps around. */
	static const uint64_t bad[][2] = {
	    {MEMMAP_MAX_PFN - 1, 2}, {MEMMAP_MAX_PFN, 1},
	    {SVSM_PAGES, ~0ULL},     {~0ULL, 1},
	    {~0ULL - 1, 2},	     {SVSM_PAGES, MEMMAP_MAX_PFN + 1},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct igvm_memory_map_entry *page = page_with_svsm_region();

		ASSERT_TRUE(page != NULL);
		put(page, 1, bad[i][0], bad[i][1], IGVM_MEMORY_MAP_MEMORY);
		expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_OVERFLOW, 1);
		free(page);
	}
}

TEST(mm_memmap, top_of_address_space_is_accepted)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	put(page, 1, MEMMAP_MAX_PFN - 1, 1, IGVM_MEMORY_MAP_MEMORY);
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	ASSERT_EQ(map.guest_count, 1U);
	EXPECT_STATUS(gpa_pfn(map.guest[0].start), MEMMAP_MAX_PFN - 1);
	free(page);
}

TEST(mm_memmap, reserved_field_must_be_zero)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	put(page, 1, GIB_PAGES, 1, IGVM_MEMORY_MAP_MEMORY);
	page[1].reserved = 1;
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_RESERVED_NONZERO, 1);
	free(page);
}

TEST(mm_memmap, too_many_ranges_is_rejected)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	/* Entry 0 is range 1; entries 1..64 are separated by one-page holes. */
	for (unsigned i = 1; i <= MEMMAP_MAX_RANGES; i++) {
		put(page, i, SVSM_PAGES + 2ULL * i, 1, IGVM_MEMORY_MAP_MEMORY);
	}
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_TOO_MANY_RANGES, MEMMAP_MAX_RANGES);
	free(page);
}

TEST(mm_memmap, exactly_max_ranges_is_accepted)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	for (unsigned i = 1; i < MEMMAP_MAX_RANGES; i++) {
		put(page, i, SVSM_PAGES + 2ULL * i, 1, IGVM_MEMORY_MAP_MEMORY);
	}
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	EXPECT_STATUS(map.ram_count, MEMMAP_MAX_RANGES);
	EXPECT_STATUS(map.guest_count, MEMMAP_MAX_RANGES - 1);
	EXPECT_EQ(map.guest_pages, (uint64_t)MEMMAP_MAX_RANGES - 1);
	free(page);
}

TEST(mm_memmap, svsm_region_must_be_ram)
{
	struct igvm_memory_map_entry *page;

	/* Empty map: the first entry is the terminator. */
	page = new_page();
	ASSERT_TRUE(page != NULL);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_SVSM_NOT_RAM, 0);
	free(page);

	/* RAM stops one page short of the region's end. */
	page = new_page();
	ASSERT_TRUE(page != NULL);
	put(page, 0, 0, SVSM_PAGES - 1, IGVM_MEMORY_MAP_MEMORY);
	put(page, 1, SVSM_PAGES, GIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_SVSM_NOT_RAM, 2);
	free(page);

	/* A reserved hole in the middle of the region. */
	page = new_page();
	ASSERT_TRUE(page != NULL);
	put(page, 0, 0, 0x100, IGVM_MEMORY_MAP_MEMORY);
	put(page, 1, 0x100, 1, IGVM_MEMORY_MAP_PLATFORM_RESERVED);
	put(page, 2, 0x101, GIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_SVSM_NOT_RAM, 3);
	free(page);

	/* RAM that starts above 0. */
	page = new_page();
	ASSERT_TRUE(page != NULL);
	put(page, 0, 1, GIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_SVSM_NOT_RAM, 1);
	free(page);
}

TEST(mm_memmap, unknown_types_are_not_ram)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	put(page, 1, GIB_PAGES, MIB_PAGES, 0x7777);
	put(page, 2, 2 * GIB_PAGES, MIB_PAGES, IGVM_MEMORY_MAP_VTL2_PROTECTABLE);
	put(page, 3, 3 * GIB_PAGES, MIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	ASSERT_EQ(map.guest_count, 1U);
	EXPECT_EQ(gpa_pfn(map.guest[0].start), 3 * GIB_PAGES);
	EXPECT_FALSE(memmap_is_guest_ram(&map, gpa_init(1ULL << 30), 1));
	free(page);

	/* An unknown type over the SVSM region means the SVSM has no RAM to run in. */
	page = new_page();
	ASSERT_TRUE(page != NULL);
	put(page, 0, 0, SVSM_PAGES, 9);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_SVSM_NOT_RAM, 1);
	free(page);
}

TEST(mm_memmap, nothing_after_the_terminator_is_read)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	put(page, 1, GIB_PAGES, MIB_PAGES, IGVM_MEMORY_MAP_MEMORY);
	/* Entry 2 terminates (start is ignored); entry 3 would be rejected if it were read. */
	put(page, 2, 0x1234, 0, IGVM_MEMORY_MAP_MEMORY);
	put(page, 3, 0, ~0ULL, IGVM_MEMORY_MAP_MEMORY);
	page[3].reserved = 5;
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	EXPECT_EQ(map.entries_read, 2U);
	EXPECT_EQ(map.guest_count, 1U);
	free(page);
}

TEST(mm_memmap, full_page_without_terminator)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	/* Every slot used: contiguous one-page RAM entries that merge into one range. */
	for (unsigned i = 1; i < ENTRIES_PER_PAGE; i++) {
		put(page, i, SVSM_PAGES + i - 1, 1, IGVM_MEMORY_MAP_MEMORY);
	}
	ASSERT_STATUS(memmap_parse(page, &map), MEMMAP_OK);
	EXPECT_EQ(map.entries_read, (uint32_t)ENTRIES_PER_PAGE);
	ASSERT_EQ(map.guest_count, 1U);
	EXPECT_EQ(map.guest_pages, (uint64_t)ENTRIES_PER_PAGE - 1);
	free(page);
}

TEST(mm_memmap, full_page_with_a_bad_last_entry)
{
	struct igvm_memory_map_entry *page = page_with_svsm_region();

	ASSERT_TRUE(page != NULL);
	for (unsigned i = 1; i < ENTRIES_PER_PAGE; i++) {
		put(page, i, SVSM_PAGES + i - 1, 1, IGVM_MEMORY_MAP_MEMORY);
	}
	put(page, ENTRIES_PER_PAGE - 1, SVSM_PAGES, 1, IGVM_MEMORY_MAP_MEMORY);
	expect_rejected(memmap_parse(page, &map), MEMMAP_ERR_UNSORTED, ENTRIES_PER_PAGE - 1);
	free(page);
}

TEST(mm_memmap, status_strings)
{
	for (int s = MEMMAP_OK; s <= MEMMAP_ERR_SVSM_NOT_RAM; s++) {
		const char *text = memmap_status_str((enum memmap_status)s);

		EXPECT_TRUE(text != NULL && strcmp(text, "unknown memmap status") != 0);
	}
	EXPECT_EQ(strcmp(memmap_status_str((enum memmap_status)99), "unknown memmap status"), 0);
}
