/* SPDX-License-Identifier: MIT */
#include "memmap.h"

#include "igvm/igvm.h"

#define MEMMAP_PAGE_ENTRIES (PAGE_SIZE / sizeof(struct igvm_memory_map_entry))

const char *memmap_status_str(enum memmap_status status)
{
	switch (status) {
	case MEMMAP_OK:
		return "ok";
	case MEMMAP_ERR_UNSORTED:
		return "memory map entry starts below the previous entry";
	case MEMMAP_ERR_OVERLAP:
		return "memory map entry overlaps the previous entry";
	case MEMMAP_ERR_OVERFLOW:
		return "memory map entry extends beyond the physical address space";
	case MEMMAP_ERR_RESERVED_NONZERO:
		return "memory map entry has a non-zero reserved field";
	case MEMMAP_ERR_TOO_MANY_RANGES:
		return "memory map has too many separate RAM ranges";
	case MEMMAP_ERR_SVSM_NOT_RAM:
		return "memory map does not make the whole SVSM region RAM";
	}
	return "unknown memmap status";
}

/* Volatile field by field: the loader's page is read once and never again after validation. */
static struct igvm_memory_map_entry read_entry(const void *page, uint32_t index)
{
	const volatile struct igvm_memory_map_entry *src =
	    (const volatile struct igvm_memory_map_entry *)page + index;
	struct igvm_memory_map_entry entry;

	entry.starting_gpa_page_number = src->starting_gpa_page_number;
	entry.number_of_pages = src->number_of_pages;
	entry.entry_type = src->entry_type;
	entry.flags = src->flags;
	entry.reserved = src->reserved;
	return entry;
}

static uint64_t range_end_pfn(const struct memmap_range *range)
{
	return gpa_pfn(range->start) + range->pages;
}

/* Appends [pfn, pfn + pages) to a sorted list, merging with the last range when they touch. */
static enum memmap_status append_range(struct memmap_range *ranges, uint32_t *count, uint64_t pfn,
				       uint64_t pages)
{
	if (*count > 0 && range_end_pfn(&ranges[*count - 1]) == pfn) {
		ranges[*count - 1].pages += pages;
		return MEMMAP_OK;
	}
	if (*count == MEMMAP_MAX_RANGES) {
		return MEMMAP_ERR_TOO_MANY_RANGES;
	}
	ranges[*count] = (struct memmap_range){gpa_from_pfn(pfn), pages};
	(*count)++;
	return MEMMAP_OK;
}

struct entry_order {
	bool have_prev;
	uint64_t prev_start;
	uint64_t prev_end;
};

static enum memmap_status check_entry(const struct igvm_memory_map_entry *entry,
				      struct entry_order *order)
{
	uint64_t start = entry->starting_gpa_page_number;
	uint64_t pages = entry->number_of_pages;

	if (entry->reserved != 0) {
		return MEMMAP_ERR_RESERVED_NONZERO;
	}
	if (pages > MEMMAP_MAX_PFN || start > MEMMAP_MAX_PFN - pages) {
		return MEMMAP_ERR_OVERFLOW;
	}
	if (order->have_prev && start < order->prev_start) {
		return MEMMAP_ERR_UNSORTED;
	}
	if (order->have_prev && start < order->prev_end) {
		return MEMMAP_ERR_OVERLAP;
	}
	order->have_prev = true;
	order->prev_start = start;
	order->prev_end = start + pages;
	return MEMMAP_OK;
}

static bool svsm_region_is_ram(const struct memmap *map)
{
	const uint64_t svsm_pages = LAYOUT_SVSM_REGION_END >> PAGE_SHIFT;

	/* Ranges are merged, so RAM covering [0, end) must be the first range. */
	return map->ram_count > 0 && gpa_addr(map->ram[0].start) == 0 &&
	       map->ram[0].pages >= svsm_pages;
}

static enum memmap_status split_guest(struct memmap *map)
{
	const uint64_t guest_first_pfn = LAYOUT_SVSM_REGION_END >> PAGE_SHIFT;

	for (uint32_t i = 0; i < map->ram_count; i++) {
		uint64_t start = gpa_pfn(map->ram[i].start);
		uint64_t end = range_end_pfn(&map->ram[i]);
		enum memmap_status status;

		if (end <= guest_first_pfn) {
			continue;
		}
		start = MAX(start, guest_first_pfn);
		status = append_range(map->guest, &map->guest_count, start, end - start);
		if (status != MEMMAP_OK) {
			return status;
		}
		map->guest_pages += end - start;
	}
	return MEMMAP_OK;
}

static enum memmap_status parse_entries(const void *page, struct memmap *out)
{
	struct entry_order order = {false, 0, 0};

	for (uint32_t i = 0; i < MEMMAP_PAGE_ENTRIES; i++) {
		struct igvm_memory_map_entry entry = read_entry(page, i);
		enum memmap_status status;

		if (entry.number_of_pages == 0) {
			return MEMMAP_OK;
		}
		out->entries_read = i + 1;
		out->error_entry = i;
		status = check_entry(&entry, &order);
		if (status != MEMMAP_OK) {
			return status;
		}
		if (entry.entry_type != IGVM_MEMORY_MAP_MEMORY) {
			continue;
		}
		status = append_range(out->ram, &out->ram_count, entry.starting_gpa_page_number,
				      entry.number_of_pages);
		if (status != MEMMAP_OK) {
			return status;
		}
	}
	return MEMMAP_OK;
}

static enum memmap_status parse_and_split(const void *page, struct memmap *out)
{
	enum memmap_status status = parse_entries(page, out);

	if (status != MEMMAP_OK) {
		return status;
	}
	if (!svsm_region_is_ram(out)) {
		out->error_entry = out->entries_read;
		return MEMMAP_ERR_SVSM_NOT_RAM;
	}
	out->error_entry = out->entries_read;
	return split_guest(out);
}

enum memmap_status memmap_parse(const void *page, struct memmap *out)
{
	enum memmap_status status;
	uint32_t error_entry;

	*out = (struct memmap){0};
	status = parse_and_split(page, out);
	if (status == MEMMAP_OK) {
		out->error_entry = 0;
		return MEMMAP_OK;
	}
	error_entry = out->error_entry;
	*out = (struct memmap){0};
	out->error_entry = error_entry;
	return status;
}

bool memmap_is_guest_ram(const struct memmap *map, gpa_t gpa, uint64_t len)
{
	uint64_t addr = gpa_addr(gpa);

	if (len == 0 || addr + len < addr) {
		return false;
	}
	for (uint32_t i = 0; i < map->guest_count; i++) {
		uint64_t start = gpa_addr(map->guest[i].start);
		uint64_t end = start + map->guest[i].pages * PAGE_SIZE;

		if (addr >= start && addr + len <= end) {
			return true;
		}
	}
	return false;
}
