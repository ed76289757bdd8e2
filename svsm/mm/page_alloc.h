/* SPDX-License-Identifier: MIT */
/*
 * Page-frame allocator for SVSM-owned memory. It keeps metadata only and never touches the pages
 * (callers zero what they need), so host tests can manage a range that does not exist.
 *
 * The metadata is fixed inside struct page_alloc and covers at most PAGE_ALLOC_MAX_PAGES pages
 * (the whole SVSM region). A page is "managed" once page_alloc_add_free() hands it over; only
 * managed pages are ever returned, and freeing a page that is not managed or not allocated is a
 * bug that CHECK() stops.
 *
 * Locking: every function takes the allocator's own spinlock, so any CPU may call them at any
 * time except from an interrupt handler (the lock does not mask interrupts).
 */
#ifndef SVSM_MM_PAGE_ALLOC_H
#define SVSM_MM_PAGE_ALLOC_H

#include "svsm/layout.h"
#include "svsm/types.h"

#include "bitmap.h"
#include "spinlock.h"

#define PAGE_ALLOC_MAX_PAGES (LAYOUT_SVSM_REGION_END / PAGE_SIZE)

enum page_alloc_status {
	PAGE_ALLOC_OK = 0,
	PAGE_ALLOC_ERR_NO_MEMORY, /* no free run of the requested size and alignment */
	PAGE_ALLOC_ERR_BAD_SIZE,  /* zero pages, or more than the allocator covers */
	PAGE_ALLOC_ERR_BAD_ALIGN, /* alignment not a power of two multiple of PAGE_SIZE */
	PAGE_ALLOC_ERR_BAD_RANGE, /* range misaligned or outside the covered span */
	PAGE_ALLOC_ERR_OVERLAP,	  /* range already (partly) handed to the allocator */
};

const char *page_alloc_status_str(enum page_alloc_status status);

struct page_alloc {
	struct spinlock lock;
	hpa_t base;	     /* first covered address, page aligned */
	uint64_t span_pages; /* covered pages: [base, base + span_pages * PAGE_SIZE) */
	uint64_t free_pages;
	uint64_t search_hint; /* where single-page searches start */
	struct bitmap managed;
	struct bitmap free;
	uint64_t managed_words[BITMAP_WORDS(PAGE_ALLOC_MAX_PAGES)];
	uint64_t free_words[BITMAP_WORDS(PAGE_ALLOC_MAX_PAGES)];
};

/* Covers [base, base + span_pages pages) with nothing free yet. */
enum page_alloc_status page_alloc_init(struct page_alloc *pa, hpa_t base, uint64_t span_pages);
/* Hands [start, start + pages pages) to the allocator as free memory. */
enum page_alloc_status page_alloc_add_free(struct page_alloc *pa, hpa_t start, uint64_t pages);

/* One page. */
enum page_alloc_status page_alloc_page(struct page_alloc *pa, hpa_t *out);
/* `pages` contiguous pages whose first address is a multiple of `align` bytes (a power of two,
 * at least PAGE_SIZE). */
enum page_alloc_status page_alloc_pages(struct page_alloc *pa, uint64_t pages, uint64_t align,
					hpa_t *out);
void page_free(struct page_alloc *pa, hpa_t page);
void page_free_pages(struct page_alloc *pa, hpa_t start, uint64_t pages);

uint64_t page_alloc_free_count(struct page_alloc *pa);

#endif
