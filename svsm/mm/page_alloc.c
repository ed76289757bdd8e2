/* SPDX-License-Identifier: MIT */
#include "page_alloc.h"

#include "svsm/check.h"

const char *page_alloc_status_str(enum page_alloc_status status)
{
	switch (status) {
	case PAGE_ALLOC_OK:
		return "ok";
	case PAGE_ALLOC_ERR_NO_MEMORY:
		return "no free pages of that size and alignment";
	case PAGE_ALLOC_ERR_BAD_SIZE:
		return "page count is zero or larger than the allocator";
	case PAGE_ALLOC_ERR_BAD_ALIGN:
		return "alignment is not a power-of-two multiple of the page size";
	case PAGE_ALLOC_ERR_BAD_RANGE:
		return "range is misaligned or outside the allocator's span";
	case PAGE_ALLOC_ERR_OVERLAP:
		return "range was already given to the allocator";
	}
	return "unknown page_alloc status";
}

static uint64_t base_pfn(const struct page_alloc *pa)
{
	return hpa_addr(pa->base) >> PAGE_SHIFT;
}

static hpa_t index_to_hpa(const struct page_alloc *pa, uint64_t index)
{
	return hpa_add(pa->base, index * PAGE_SIZE);
}

/* True (and *index set) when [addr, addr + pages pages) is page aligned and inside the span. */
static bool range_to_index(const struct page_alloc *pa, hpa_t addr, uint64_t pages, uint64_t *index)
{
	uint64_t offset;

	if (!IS_ALIGNED(hpa_addr(addr), PAGE_SIZE) || hpa_addr(addr) < hpa_addr(pa->base)) {
		return false;
	}
	offset = (hpa_addr(addr) - hpa_addr(pa->base)) >> PAGE_SHIFT;
	if (offset > pa->span_pages || pages > pa->span_pages - offset) {
		return false;
	}
	*index = offset;
	return true;
}

enum page_alloc_status page_alloc_init(struct page_alloc *pa, hpa_t base, uint64_t span_pages)
{
	if (!IS_ALIGNED(hpa_addr(base), PAGE_SIZE)) {
		return PAGE_ALLOC_ERR_BAD_RANGE;
	}
	if (span_pages == 0 || span_pages > PAGE_ALLOC_MAX_PAGES) {
		return PAGE_ALLOC_ERR_BAD_SIZE;
	}
	if (hpa_addr(base) + span_pages * PAGE_SIZE < hpa_addr(base)) {
		return PAGE_ALLOC_ERR_BAD_RANGE;
	}
	pa->lock = (struct spinlock)SPINLOCK_INIT;
	pa->base = base;
	pa->span_pages = span_pages;
	pa->free_pages = 0;
	pa->search_hint = 0;
	bitmap_init(&pa->managed, pa->managed_words, span_pages);
	bitmap_init(&pa->free, pa->free_words, span_pages);
	return PAGE_ALLOC_OK;
}

enum page_alloc_status page_alloc_add_free(struct page_alloc *pa, hpa_t start, uint64_t pages)
{
	uint64_t index;
	enum page_alloc_status status = PAGE_ALLOC_OK;

	if (pages == 0) {
		return PAGE_ALLOC_ERR_BAD_SIZE;
	}
	if (!range_to_index(pa, start, pages, &index)) {
		return PAGE_ALLOC_ERR_BAD_RANGE;
	}
	spin_lock(&pa->lock);
	if (bitmap_count_set(&pa->managed, index, pages) != 0) {
		status = PAGE_ALLOC_ERR_OVERLAP;
	} else {
		bitmap_set_range(&pa->managed, index, pages);
		bitmap_set_range(&pa->free, index, pages);
		pa->free_pages += pages;
	}
	spin_unlock(&pa->lock);
	return status;
}

/* Smallest index >= index whose address is a multiple of align_pages pages. */
static uint64_t align_index(const struct page_alloc *pa, uint64_t index, uint64_t align_pages)
{
	return ALIGN_UP(base_pfn(pa) + index, align_pages) - base_pfn(pa);
}

/* Lowest aligned run of `pages` free pages; span_pages if there is none. */
static uint64_t find_free_run(const struct page_alloc *pa, uint64_t pages, uint64_t align_pages)
{
	uint64_t candidate = 0;

	for (;;) {
		uint64_t first_free = bitmap_find_next_set(&pa->free, candidate);
		uint64_t run_end;

		if (first_free >= pa->span_pages) {
			return pa->span_pages;
		}
		candidate = align_index(pa, first_free, align_pages);
		if (candidate >= pa->span_pages || pages > pa->span_pages - candidate) {
			return pa->span_pages;
		}
		run_end = bitmap_find_next_clear(&pa->free, candidate);
		if (run_end - candidate >= pages) {
			return candidate;
		}
		candidate = run_end;
	}
}

static void take_run(struct page_alloc *pa, uint64_t index, uint64_t pages)
{
	bitmap_clear_range(&pa->free, index, pages);
	pa->free_pages -= pages;
}

enum page_alloc_status page_alloc_page(struct page_alloc *pa, hpa_t *out)
{
	uint64_t index;

	spin_lock(&pa->lock);
	index = bitmap_find_next_set(&pa->free, pa->search_hint);
	if (index >= pa->span_pages) {
		index = bitmap_find_next_set(&pa->free, 0);
	}
	if (index >= pa->span_pages) {
		spin_unlock(&pa->lock);
		return PAGE_ALLOC_ERR_NO_MEMORY;
	}
	take_run(pa, index, 1);
	pa->search_hint = index + 1;
	spin_unlock(&pa->lock);
	*out = index_to_hpa(pa, index);
	return PAGE_ALLOC_OK;
}

enum page_alloc_status page_alloc_pages(struct page_alloc *pa, uint64_t pages, uint64_t align,
					hpa_t *out)
{
	uint64_t index;

	if (pages == 0 || pages > pa->span_pages) {
		return PAGE_ALLOC_ERR_BAD_SIZE;
	}
	if (align < PAGE_SIZE || (align & (align - 1)) != 0) {
		return PAGE_ALLOC_ERR_BAD_ALIGN;
	}
	spin_lock(&pa->lock);
	index = find_free_run(pa, pages, align / PAGE_SIZE);
	if (index >= pa->span_pages) {
		spin_unlock(&pa->lock);
		return PAGE_ALLOC_ERR_NO_MEMORY;
	}
	take_run(pa, index, pages);
	spin_unlock(&pa->lock);
	*out = index_to_hpa(pa, index);
	return PAGE_ALLOC_OK;
}

void page_free_pages(struct page_alloc *pa, hpa_t start, uint64_t pages)
{
	uint64_t index = 0;

	/* A foreign or double free means a caller lost track of its memory: stop before reuse. */
	CHECK(pages != 0);
	CHECK(range_to_index(pa, start, pages, &index));
	spin_lock(&pa->lock);
	CHECK(bitmap_count_set(&pa->managed, index, pages) == pages);
	CHECK(bitmap_count_set(&pa->free, index, pages) == 0);
	bitmap_set_range(&pa->free, index, pages);
	pa->free_pages += pages;
	spin_unlock(&pa->lock);
}

void page_free(struct page_alloc *pa, hpa_t page)
{
	page_free_pages(pa, page, 1);
}

uint64_t page_alloc_free_count(struct page_alloc *pa)
{
	uint64_t count;

	spin_lock(&pa->lock);
	count = pa->free_pages;
	spin_unlock(&pa->lock);
	return count;
}
