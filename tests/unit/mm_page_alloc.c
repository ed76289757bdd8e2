/* SPDX-License-Identifier: MIT */
/* Page allocator tests. The allocator keeps metadata only, so every range here is imaginary. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svsm/check.h"
#include "svsm/test.h"

#include "mm/page_alloc.h"

#define BASE 0x100000ULL

/* Status enums are unsigned while their constants are int: compare both as int. */
#define EXPECT_STATUS(a, b) EXPECT_EQ((int)(a), (int)(b))
#define ASSERT_STATUS(a, b) ASSERT_EQ((int)(a), (int)(b))

static struct page_alloc pa;

static hpa_t page_at(uint64_t index)
{
	return hpa_init(BASE + index * PAGE_SIZE);
}

static uint64_t index_of(hpa_t page)
{
	return (hpa_addr(page) - BASE) / PAGE_SIZE;
}

TEST(mm_page_alloc, init_rejects_bad_spans)
{
	EXPECT_STATUS(page_alloc_init(&pa, hpa_init(BASE + 1), 16), PAGE_ALLOC_ERR_BAD_RANGE);
	EXPECT_STATUS(page_alloc_init(&pa, hpa_init(BASE), 0), PAGE_ALLOC_ERR_BAD_SIZE);
	EXPECT_STATUS(page_alloc_init(&pa, hpa_init(BASE), PAGE_ALLOC_MAX_PAGES + 1),
		      PAGE_ALLOC_ERR_BAD_SIZE);
	EXPECT_STATUS(page_alloc_init(&pa, hpa_init(~0ULL - PAGE_MASK), 2),
		      PAGE_ALLOC_ERR_BAD_RANGE);
	EXPECT_STATUS(page_alloc_init(&pa, hpa_init(0), PAGE_ALLOC_MAX_PAGES), PAGE_ALLOC_OK);
	EXPECT_EQ(page_alloc_free_count(&pa), 0ULL);
}

TEST(mm_page_alloc, add_free_validates_ranges)
{
	ASSERT_STATUS(page_alloc_init(&pa, hpa_init(BASE), 64), PAGE_ALLOC_OK);
	EXPECT_STATUS(page_alloc_add_free(&pa, page_at(0), 0), PAGE_ALLOC_ERR_BAD_SIZE);
	EXPECT_STATUS(page_alloc_add_free(&pa, hpa_init(BASE + 8), 1), PAGE_ALLOC_ERR_BAD_RANGE);
	EXPECT_STATUS(page_alloc_add_free(&pa, hpa_init(BASE - PAGE_SIZE), 1),
		      PAGE_ALLOC_ERR_BAD_RANGE);
	EXPECT_STATUS(page_alloc_add_free(&pa, page_at(60), 5), PAGE_ALLOC_ERR_BAD_RANGE);
	EXPECT_STATUS(page_alloc_add_free(&pa, page_at(64), 1), PAGE_ALLOC_ERR_BAD_RANGE);
	EXPECT_STATUS(page_alloc_add_free(&pa, page_at(10), ~0ULL), PAGE_ALLOC_ERR_BAD_RANGE);
	EXPECT_EQ(page_alloc_free_count(&pa), 0ULL);
	EXPECT_STATUS(page_alloc_add_free(&pa, page_at(10), 10), PAGE_ALLOC_OK);
	EXPECT_STATUS(page_alloc_add_free(&pa, page_at(19), 2), PAGE_ALLOC_ERR_OVERLAP);
	EXPECT_STATUS(page_alloc_add_free(&pa, page_at(60), 4), PAGE_ALLOC_OK);
	EXPECT_EQ(page_alloc_free_count(&pa), 14ULL);
}

TEST(mm_page_alloc, exhaustion_and_reuse)
{
	bool seen[8] = {false};
	hpa_t page;

	ASSERT_STATUS(page_alloc_init(&pa, hpa_init(BASE), 64), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_add_free(&pa, page_at(20), 8), PAGE_ALLOC_OK);
	for (unsigned i = 0; i < 8; i++) {
		ASSERT_STATUS(page_alloc_page(&pa, &page), PAGE_ALLOC_OK);
		ASSERT_GE(index_of(page), 20ULL);
		ASSERT_LT(index_of(page), 28ULL);
		EXPECT_FALSE(seen[index_of(page) - 20]);
		seen[index_of(page) - 20] = true;
	}
	EXPECT_EQ(page_alloc_free_count(&pa), 0ULL);
	page = hpa_init(0xdead000);
	EXPECT_STATUS(page_alloc_page(&pa, &page), PAGE_ALLOC_ERR_NO_MEMORY);
	EXPECT_EQ(hpa_addr(page), 0xdead000ULL);
	EXPECT_STATUS(page_alloc_pages(&pa, 1, PAGE_SIZE, &page), PAGE_ALLOC_ERR_NO_MEMORY);

	page_free(&pa, page_at(23));
	EXPECT_EQ(page_alloc_free_count(&pa), 1ULL);
	ASSERT_STATUS(page_alloc_page(&pa, &page), PAGE_ALLOC_OK);
	EXPECT_EQ(hpa_addr(page), hpa_addr(page_at(23)));
}

TEST(mm_page_alloc, contiguous_runs_skip_holes)
{
	hpa_t run;

	ASSERT_STATUS(page_alloc_init(&pa, hpa_init(BASE), 128), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_add_free(&pa, page_at(0), 3), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_add_free(&pa, page_at(4), 4), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_add_free(&pa, page_at(9), 6), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_pages(&pa, 5, PAGE_SIZE, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(index_of(run), 9ULL);
	ASSERT_STATUS(page_alloc_pages(&pa, 4, PAGE_SIZE, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(index_of(run), 4ULL);
	/* Four free pages remain, in runs of 3 and 1: no run of 4. */
	EXPECT_EQ(page_alloc_free_count(&pa), 4ULL);
	EXPECT_STATUS(page_alloc_pages(&pa, 4, PAGE_SIZE, &run), PAGE_ALLOC_ERR_NO_MEMORY);
	EXPECT_EQ(page_alloc_free_count(&pa), 4ULL);
	ASSERT_STATUS(page_alloc_pages(&pa, 3, PAGE_SIZE, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(index_of(run), 0ULL);
}

TEST(mm_page_alloc, alignment_is_of_the_physical_address)
{
	/* A base that is only page aligned: alignment must hold for hpa, not for the index. */
	const uint64_t base = 0x123000;
	hpa_t run;

	ASSERT_STATUS(page_alloc_init(&pa, hpa_init(base), 800), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_add_free(&pa, hpa_init(base), 800), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_pages(&pa, 3, 0x4000, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(hpa_addr(run), 0x124000ULL);
	ASSERT_STATUS(page_alloc_pages(&pa, 1, 0x10000, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(hpa_addr(run), 0x130000ULL);
	ASSERT_STATUS(page_alloc_pages(&pa, 512, HUGE_PAGE_SIZE, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(hpa_addr(run), 0x200000ULL);
	/* The only other 2 MiB boundary in the span lacks 512 pages after it. */
	EXPECT_STATUS(page_alloc_pages(&pa, 512, HUGE_PAGE_SIZE, &run), PAGE_ALLOC_ERR_NO_MEMORY);
	EXPECT_EQ(page_alloc_free_count(&pa), 800ULL - 3 - 1 - 512);
	/* Pages skipped for alignment stay free. */
	ASSERT_STATUS(page_alloc_pages(&pa, 1, PAGE_SIZE, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(hpa_addr(run), 0x123000ULL);
}

TEST(mm_page_alloc, bad_requests)
{
	hpa_t run;

	ASSERT_STATUS(page_alloc_init(&pa, hpa_init(BASE), 16), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_add_free(&pa, page_at(0), 16), PAGE_ALLOC_OK);
	EXPECT_STATUS(page_alloc_pages(&pa, 0, PAGE_SIZE, &run), PAGE_ALLOC_ERR_BAD_SIZE);
	EXPECT_STATUS(page_alloc_pages(&pa, 17, PAGE_SIZE, &run), PAGE_ALLOC_ERR_BAD_SIZE);
	EXPECT_STATUS(page_alloc_pages(&pa, 1, 0, &run), PAGE_ALLOC_ERR_BAD_ALIGN);
	EXPECT_STATUS(page_alloc_pages(&pa, 1, 2048, &run), PAGE_ALLOC_ERR_BAD_ALIGN);
	EXPECT_STATUS(page_alloc_pages(&pa, 1, 3 * PAGE_SIZE, &run), PAGE_ALLOC_ERR_BAD_ALIGN);
	EXPECT_EQ(page_alloc_free_count(&pa), 16ULL);
	EXPECT_STATUS(page_alloc_pages(&pa, 16, PAGE_SIZE, &run), PAGE_ALLOC_OK);
	EXPECT_EQ(page_alloc_free_count(&pa), 0ULL);
}

/* Random allocations and frees checked against a model of who owns each page. */
TEST(mm_page_alloc, random_churn_matches_model)
{
	enum { SPAN = 256, SLOTS = 64 };
	struct {
		hpa_t start;
		uint64_t pages;
	} held[SLOTS] = {{{0}, 0}};
	bool owned[SPAN] = {false};
	uint64_t rng = 12345;
	uint64_t free_expected = SPAN - 16;

	ASSERT_STATUS(page_alloc_init(&pa, hpa_init(BASE), SPAN), PAGE_ALLOC_OK);
	ASSERT_STATUS(page_alloc_add_free(&pa, page_at(16), SPAN - 16), PAGE_ALLOC_OK);
	for (unsigned round = 0; round < 20000 && test_current_failures() == 0; round++) {
		unsigned slot;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		slot = (unsigned)(rng >> 33) % SLOTS;
		if (held[slot].pages != 0) {
			for (uint64_t i = 0; i < held[slot].pages; i++) {
				owned[index_of(held[slot].start) + i] = false;
			}
			page_free_pages(&pa, held[slot].start, held[slot].pages);
			free_expected += held[slot].pages;
			held[slot].pages = 0;
			continue;
		}
		uint64_t pages = 1 + (rng >> 20) % 8;
		uint64_t align = PAGE_SIZE << ((rng >> 40) % 4);
		hpa_t start;

		if (page_alloc_pages(&pa, pages, align, &start) != PAGE_ALLOC_OK) {
			continue;
		}
		EXPECT_EQ(hpa_addr(start) % align, 0ULL);
		EXPECT_GE(index_of(start), 16ULL);
		EXPECT_LE(index_of(start) + pages, (uint64_t)SPAN);
		for (uint64_t i = 0; i < pages; i++) {
			EXPECT_FALSE(owned[index_of(start) + i]);
			owned[index_of(start) + i] = true;
		}
		held[slot].start = start;
		held[slot].pages = pages;
		free_expected -= pages;
		EXPECT_EQ(page_alloc_free_count(&pa), free_expected);
	}
}

#define CHURN_THREADS 4U
#define CHURN_PAGES   64U

struct churn {
	struct bitmap in_use;
	uint64_t in_use_words[BITMAP_WORDS(CHURN_PAGES)];
	unsigned double_handouts;
};

static struct churn churn;

static void *churn_thread(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < 20000; i++) {
		hpa_t page;

		if (page_alloc_page(&pa, &page) != PAGE_ALLOC_OK) {
			continue;
		}
		if (bitmap_test_and_set_atomic(&churn.in_use, index_of(page))) {
			__atomic_fetch_add(&churn.double_handouts, 1, __ATOMIC_RELAXED);
		}
		bitmap_test_and_clear_atomic(&churn.in_use, index_of(page));
		page_free(&pa, page);
	}
	return NULL;
}

TEST(mm_page_alloc, concurrent_callers_never_share_a_page)
{
	pthread_t threads[CHURN_THREADS];

	ASSERT_STATUS(page_alloc_init(&pa, hpa_init(BASE), CHURN_PAGES), PAGE_ALLOC_OK);
	/* Fewer pages than threads can hold at once would hide nothing: keep it tight. */
	ASSERT_STATUS(page_alloc_add_free(&pa, page_at(0), CHURN_THREADS), PAGE_ALLOC_OK);
	bitmap_init(&churn.in_use, churn.in_use_words, CHURN_PAGES);
	churn.double_handouts = 0;
	for (unsigned t = 0; t < CHURN_THREADS; t++) {
		ASSERT_EQ(pthread_create(&threads[t], NULL, churn_thread, NULL), 0);
	}
	for (unsigned t = 0; t < CHURN_THREADS; t++) {
		pthread_join(threads[t], NULL);
	}
	EXPECT_EQ(churn.double_handouts, 0U);
	EXPECT_EQ(page_alloc_free_count(&pa), (uint64_t)CHURN_THREADS);
}

/* Runs bad_free() in a child and expects it to die in CHECK(): SIGABRT and a PANIC line. */
static void expect_check_failure(void (*bad_free)(void))
{
	int pipe_fds[2];
	char output[512] = {0};
	size_t got = 0;
	ssize_t n;
	int status = 0;
	pid_t child;

	ASSERT_EQ(pipe(pipe_fds), 0);
	fflush(stdout);
	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		dup2(pipe_fds[1], STDERR_FILENO);
		bad_free();
		_exit(0);
	}
	close(pipe_fds[1]);
	/* stderr is unbuffered: the message arrives in pieces. */
	while (got < sizeof(output) - 1 &&
	       (n = read(pipe_fds[0], output + got, sizeof(output) - 1 - got)) > 0) {
		got += (size_t)n;
	}
	close(pipe_fds[0]);
	ASSERT_EQ(waitpid(child, &status, 0), child);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	EXPECT_GT(got, 0UL);
	EXPECT_TRUE(strstr(output, "PANIC") != NULL && strstr(output, "CHECK(") != NULL);
}

static void setup_one_allocated_page(hpa_t *page)
{
	CHECK(page_alloc_init(&pa, hpa_init(BASE), 32) == PAGE_ALLOC_OK);
	CHECK(page_alloc_add_free(&pa, page_at(4), 4) == PAGE_ALLOC_OK);
	CHECK(page_alloc_page(&pa, page) == PAGE_ALLOC_OK);
}

static void double_free(void)
{
	hpa_t page;

	setup_one_allocated_page(&page);
	page_free(&pa, page);
	page_free(&pa, page);
}

static void free_of_unmanaged_page(void)
{
	hpa_t page;

	setup_one_allocated_page(&page);
	page_free(&pa, page_at(20));
}

static void free_outside_span(void)
{
	hpa_t page;

	setup_one_allocated_page(&page);
	page_free(&pa, page_at(32));
}

static void free_misaligned(void)
{
	hpa_t page;

	setup_one_allocated_page(&page);
	page_free(&pa, hpa_add(page, 8));
}

static void free_run_with_a_free_page(void)
{
	hpa_t page;

	setup_one_allocated_page(&page);
	page_free_pages(&pa, page, 2);
}

TEST(mm_page_alloc, good_free_does_not_trip_check)
{
	hpa_t page;

	setup_one_allocated_page(&page);
	page_free(&pa, page);
	EXPECT_EQ(page_alloc_free_count(&pa), 4ULL);
}

TEST(mm_page_alloc, double_free_stops)
{
	expect_check_failure(double_free);
}

TEST(mm_page_alloc, foreign_frees_stop)
{
	expect_check_failure(free_of_unmanaged_page);
	expect_check_failure(free_outside_span);
	expect_check_failure(free_misaligned);
	expect_check_failure(free_run_with_a_free_page);
}

TEST(mm_page_alloc, status_strings)
{
	for (int s = PAGE_ALLOC_OK; s <= PAGE_ALLOC_ERR_OVERLAP; s++) {
		const char *text = page_alloc_status_str((enum page_alloc_status)s);

		EXPECT_TRUE(strcmp(text, "unknown page_alloc status") != 0);
	}
}
