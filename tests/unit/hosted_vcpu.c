/* SPDX-License-Identifier: MIT */
/* Hosted vCPU threads: the workload, its idle phase, safe-point parking, blocked accesses and
 * withheld vCPUs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/core/guest_mem.h"
#include "svsm/layout.h"
#include "svsm/mm/bitmap.h"
#include "svsm/plat.h"
#include "svsm/test.h"
#include "svsm/workload.h"

#include "hosted_support.h"

#define REGION_SIZE (64ULL * 1024)

static struct hosted_guest_params params_for(unsigned vcpu, uint64_t max_steps)
{
	struct hosted_guest_params p = {
	    .region = gpa_init(TEST_GUEST_BASE + vcpu * REGION_SIZE),
	    .region_size = REGION_SIZE,
	    .seed = 0x1234 + vcpu,
	    .max_steps = max_steps,
	};

	return p;
}

static uint64_t replay_checksum(uint64_t seed, uint64_t steps, uint64_t size)
{
	uint64_t *buf = malloc(size);
	uint64_t sum;

	if (buf == NULL) {
		return 0;
	}
	sum = workload_replay(seed, steps, buf, size / WORKLOAD_WORD_SIZE);
	free(buf);
	return sum;
}

TEST(hosted_vcpu, workload_runs_to_done_and_matches_a_replay)
{
	const uint64_t steps = 50000;

	ASSERT_TRUE(test_vm_create(2));
	for (unsigned v = 0; v < 2; v++) {
		struct hosted_guest_params p = params_for(v, steps);

		ASSERT_TRUE(hosted_vcpu_launch(v, &p));
	}
	for (unsigned v = 0; v < 2; v++) {
		struct hosted_vcpu_result r;

		ASSERT_TRUE(test_wait_until(test_vcpu_done, v, TEST_WAIT_NS));
		hosted_vcpu_result(v, &r);
		EXPECT_TRUE(r.done);
		EXPECT_EQ(r.steps, steps);
		EXPECT_EQ(hosted_vcpu_heartbeat(v), steps);
		EXPECT_EQ(r.checksum, replay_checksum(0x1234 + v, steps, REGION_SIZE));
		/* The guest validated its region through the PVALIDATE service. */
		EXPECT_TRUE(guest_mem_validated(params_for(v, 0).region));
	}
	EXPECT_EQ(guest_mem_validated_count(), 2 * REGION_SIZE / PAGE_SIZE);
	test_vm_destroy();
}

TEST(hosted_vcpu, launch_refuses_regions_outside_guest_ram)
{
	struct hosted_guest_params p = params_for(0, 10);

	ASSERT_TRUE(test_vm_create(1));
	p.region = gpa_init(LAYOUT_MIGRATION_GPA);
	EXPECT_FALSE(hosted_vcpu_launch(0, &p));
	p.region = gpa_init(TEST_GUEST_BASE + 8);
	EXPECT_FALSE(hosted_vcpu_launch(0, &p));
	p = params_for(0, 10);
	p.region_size = 0;
	EXPECT_FALSE(hosted_vcpu_launch(0, &p));
	p.region_size = TEST_RAM_SIZE;
	EXPECT_FALSE(hosted_vcpu_launch(0, &p));
	EXPECT_EQ(hosted_vcpu_run_state(0), HOSTED_VCPU_OFFLINE);
	test_vm_destroy();
}

TEST(hosted_vcpu, parks_at_a_safe_point_and_resumes)
{
	struct hosted_guest_params p = params_for(0, 0);
	uint8_t state[PLAT_VCPU_STATE_MAX];
	size_t len = 0;
	uint64_t beat;

	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	EXPECT_EQ(plat_vcpu_save_state(0, state, sizeof(state), &len), PLAT_ERR_PERMISSION);
	plat_vcpu_request_park(0);
	ASSERT_TRUE(test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS));
	beat = hosted_vcpu_heartbeat(0);
	test_sleep_ms(50);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), beat);
	EXPECT_EQ(plat_vcpu_save_state(0, state, 8, &len), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_vcpu_save_state(0, state, sizeof(state), &len), PLAT_OK);
	EXPECT_GT(len, 0U);
	plat_vcpu_resume(0);
	EXPECT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	EXPECT_FALSE(plat_vcpu_parked(0));
	/* The parked time shows up as the largest heartbeat gap. */
	plat_vcpu_request_park(0);
	ASSERT_TRUE(test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS));
	{
		struct hosted_vcpu_result r;

		hosted_vcpu_result(0, &r);
		EXPECT_GE(r.max_gap_ns, 50ULL * 1000000ULL);
		EXPECT_EQ(r.steps, hosted_vcpu_heartbeat(0));
	}
	test_vm_destroy();
}

TEST(hosted_vcpu, write_to_a_write_protected_page_blocks_until_granted)
{
	/* One page: every step writes it. */
	struct hosted_guest_params p = params_for(0, 0);
	uint8_t before[PAGE_SIZE];
	uint8_t after[PAGE_SIZE];
	uint64_t faults;
	uint64_t beat;

	p.region_size = PAGE_SIZE;
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	faults = hosted_blocked_faults();
	ASSERT_EQ(plat_set_guest_perm(p.region, PLAT_PERM_R), PLAT_OK);
	plat_flush_tlb_all();
	test_sleep_ms(20);
	beat = hosted_vcpu_heartbeat(0);
	ASSERT_EQ(plat_guest_read(before, p.region, PAGE_SIZE), PLAT_OK);
	test_sleep_ms(100);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), beat);
	ASSERT_EQ(plat_guest_read(after, p.region, PAGE_SIZE), PLAT_OK);
	EXPECT_MEMEQ(after, before, PAGE_SIZE);
	EXPECT_GT(hosted_blocked_faults(), faults);
	EXPECT_EQ(gpa_addr(hosted_last_blocked_gpa()), gpa_addr(p.region));
	/* Blocked inside a step, it cannot reach a safe point. */
	plat_vcpu_request_park(0);
	test_sleep_ms(100);
	EXPECT_FALSE(plat_vcpu_parked(0));
	ASSERT_EQ(plat_set_guest_perm(p.region, PLAT_PERM_RW), PLAT_OK);
	EXPECT_TRUE(test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS));
	EXPECT_GT(hosted_vcpu_heartbeat(0), beat);
	test_vm_destroy();
}

TEST(hosted_vcpu, access_to_a_revoked_page_blocks_until_granted)
{
	struct hosted_guest_params p = params_for(0, 0);
	uint64_t beat;

	p.region_size = PAGE_SIZE;
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	ASSERT_EQ(plat_set_guest_perm(p.region, PLAT_PERM_NONE), PLAT_OK);
	test_sleep_ms(20);
	beat = hosted_vcpu_heartbeat(0);
	test_sleep_ms(100);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), beat);
	EXPECT_EQ(gpa_addr(hosted_last_blocked_gpa()), gpa_addr(p.region));
	/* Read access is not enough for the workload's writes. */
	ASSERT_EQ(plat_set_guest_perm(p.region, PLAT_PERM_R), PLAT_OK);
	test_sleep_ms(50);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), beat);
	ASSERT_EQ(plat_set_guest_perm(p.region, PLAT_PERM_RWX), PLAT_OK);
	EXPECT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	test_vm_destroy();
}

TEST(hosted_vcpu, withheld_vcpu_is_reported_not_parked)
{
	struct hosted_guest_params p = params_for(0, 0);
	struct hosted_guest_params q = params_for(1, 0);

	ASSERT_TRUE(test_vm_create(2));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(hosted_vcpu_launch(1, &q));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 1, TEST_WAIT_NS));
	hosted_vcpu_set_withheld(1, true);
	plat_vcpu_request_park(0);
	plat_vcpu_request_park(1);
	ASSERT_TRUE(test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS));
	EXPECT_FALSE(test_wait_until(test_vcpu_parked, 1, 300ULL * 1000000ULL));
	EXPECT_FALSE(test_vcpu_stepping(1));
	hosted_vcpu_set_withheld(1, false);
	EXPECT_TRUE(test_wait_until(test_vcpu_parked, 1, TEST_WAIT_NS));
	plat_vcpu_resume(0);
	plat_vcpu_resume(1);
	EXPECT_TRUE(test_wait_until(test_vcpu_stepping, 1, TEST_WAIT_NS));
	test_vm_destroy();
}

TEST(hosted_vcpu, done_vcpu_still_parks)
{
	struct hosted_guest_params p = params_for(0, 1000);

	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_done, 0, TEST_WAIT_NS));
	plat_vcpu_request_park(0);
	ASSERT_TRUE(test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS));
	plat_vcpu_resume(0);
	EXPECT_TRUE(test_wait_until(test_vcpu_done, 0, TEST_WAIT_NS));
	test_vm_destroy();
}

#define NS_PER_MS 1000000ULL

TEST(hosted_vcpu, idle_vcpu_beats_without_writing)
{
	static uint8_t at_idle[REGION_SIZE];
	static uint8_t at_done[REGION_SIZE];
	const uint64_t steps = 20000;
	const uint64_t idle_ms = 500;
	struct hosted_guest_params p = params_for(0, steps);
	struct hosted_vcpu_result r;

	p.idle_ns = idle_ms * NS_PER_MS;
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_idle, 0, TEST_WAIT_NS));
	EXPECT_GE(hosted_vcpu_heartbeat(0), steps);
	ASSERT_EQ(plat_guest_read(at_idle, p.region, REGION_SIZE), PLAT_OK);
	ASSERT_TRUE(test_wait_until(test_vcpu_done, 0, TEST_WAIT_NS));
	ASSERT_EQ(plat_guest_read(at_done, p.region, REGION_SIZE), PLAT_OK);
	/* Not one write from the first idle moment to the end, and the result is the steps'. */
	EXPECT_MEMEQ(at_done, at_idle, REGION_SIZE);
	hosted_vcpu_result(0, &r);
	EXPECT_TRUE(r.done);
	EXPECT_EQ(r.steps, steps);
	EXPECT_EQ(r.checksum, replay_checksum(0x1234, steps, REGION_SIZE));
	EXPECT_EQ(r.idle_ns, idle_ms * NS_PER_MS);
	EXPECT_EQ(r.idle_done_ns, idle_ms * NS_PER_MS);
	/* The heartbeat went on: one beat per sleep. A sleep asks for 1 ms (the last one maybe
	 * less) and lasts at least that; one beat per 100 ms on average would be no heartbeat. */
	EXPECT_LE(r.idle_beats, idle_ms + 1);
	EXPECT_GE(r.idle_beats, idle_ms / 100);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), steps + r.idle_beats);
	test_vm_destroy();
}

/* Parked and then withheld, each for longer than its whole idle phase: had either counted, the
 * vCPU would be done as soon as it runs again. Only its sleeps count, so it still needs the rest
 * of its idle time, in real time, after that. */
TEST(hosted_vcpu, parked_or_withheld_time_is_not_idle_time)
{
	const uint64_t steps = 1000;
	const uint64_t idle_ns = 1000 * NS_PER_MS;
	const unsigned pause_ms = 1200;
	struct hosted_guest_params p = params_for(0, steps);
	struct hosted_vcpu_result parked;
	struct hosted_vcpu_result r;
	uint64_t released_at;

	p.idle_ns = idle_ns;
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_idle, 0, TEST_WAIT_NS));
	plat_vcpu_request_park(0);
	ASSERT_TRUE(test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS));
	hosted_vcpu_result(0, &parked);
	/* Parked inside its idle phase (only a test thread stalled for a second misses it). */
	ASSERT_FALSE(parked.done);
	ASSERT_LT(parked.idle_done_ns, idle_ns);
	test_sleep_ms(pause_ms);
	hosted_vcpu_result(0, &r);
	EXPECT_EQ(r.idle_done_ns, parked.idle_done_ns);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), steps + parked.idle_beats);
	/* Resumed but withheld: the host does not run it, so it sleeps no idle time either. */
	hosted_vcpu_set_withheld(0, true);
	plat_vcpu_resume(0);
	test_sleep_ms(pause_ms);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), steps + parked.idle_beats);
	EXPECT_NE(hosted_vcpu_run_state(0), HOSTED_VCPU_DONE);
	released_at = plat_time_ns();
	hosted_vcpu_set_withheld(0, false);
	ASSERT_TRUE(test_wait_until(test_vcpu_done, 0, TEST_WAIT_NS));
	EXPECT_GE(plat_time_ns() - released_at, idle_ns - parked.idle_done_ns);
	hosted_vcpu_result(0, &r);
	EXPECT_EQ(r.idle_done_ns, idle_ns);
	EXPECT_GT(r.idle_beats, parked.idle_beats);
	EXPECT_EQ(r.checksum, replay_checksum(0x1234, steps, REGION_SIZE));
	/* The heartbeat gap saw the pause, as it sees a migration's downtime. */
	EXPECT_GE(r.max_gap_ns, 2ULL * pause_ms * NS_PER_MS);
	test_vm_destroy();
}

TEST(hosted_vcpu, launch_refuses_unusable_idle_times)
{
	struct hosted_guest_params p = params_for(0, 0);

	ASSERT_TRUE(test_vm_create(1));
	/* Stepping forever, it would never get to idle. */
	p.idle_ns = NS_PER_MS;
	EXPECT_FALSE(hosted_vcpu_launch(0, &p));
	p = params_for(0, 10);
	p.idle_ns = HOSTED_MAX_IDLE_NS + 1;
	EXPECT_FALSE(hosted_vcpu_launch(0, &p));
	/* steps + idle beats would wrap the heartbeat. */
	p = params_for(0, UINT64_MAX - NS_PER_MS + 1);
	p.idle_ns = NS_PER_MS;
	EXPECT_FALSE(hosted_vcpu_launch(0, &p));
	EXPECT_EQ(hosted_vcpu_run_state(0), HOSTED_VCPU_OFFLINE);
	p = params_for(0, 10);
	p.idle_ns = HOSTED_MAX_IDLE_NS;
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	/* Not destroyed while it validates its region (the platform cannot stop a PVALIDATE). */
	EXPECT_TRUE(test_wait_until(test_vcpu_idle, 0, TEST_WAIT_NS));
	test_vm_destroy();
}

TEST(hosted_vcpu, throttled_vcpu_keeps_its_rate)
{
	struct hosted_guest_params p = params_for(0, 0);
	uint64_t start;
	uint64_t beats;

	p.writes_per_ms = 10;
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	start = hosted_vcpu_heartbeat(0);
	test_sleep_ms(200);
	beats = hosted_vcpu_heartbeat(0) - start;
	/* 10 per ms for 200 ms is 2000; allow for a loaded machine but not for no throttle. */
	EXPECT_GT(beats, 200U);
	EXPECT_LT(beats, 4000U);
	test_vm_destroy();
}

static uint64_t dirty_words[BITMAP_WORDS(TEST_RAM_SIZE / PAGE_SIZE)];

static void protect_region(gpa_t region, uint64_t pages, enum plat_perm perm)
{
	for (uint64_t i = 0; i < pages; i++) {
		ASSERT_EQ(plat_set_guest_perm(gpa_add(region, i * PAGE_SIZE), perm), PLAT_OK);
	}
	plat_flush_tlb_all();
}

static void expect_blocked_and_clean(struct bitmap *dirty, uint64_t blocked_before)
{
	uint64_t beat;

	test_sleep_ms(20);
	beat = hosted_vcpu_heartbeat(0);
	test_sleep_ms(50);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), beat);
	EXPECT_GT(hosted_blocked_faults(), blocked_before);
	EXPECT_EQ(bitmap_count_set(dirty, 0, TEST_RAM_SIZE / PAGE_SIZE), 0U);
}

TEST(hosted_vcpu, write_tracking_marks_pages_dirty_without_stopping_the_guest)
{
	const uint64_t pages = 4;
	struct hosted_guest_params p = params_for(0, 0);
	struct bitmap dirty;
	uint64_t blocked;

	p.region_size = pages * PAGE_SIZE;
	bitmap_init(&dirty, dirty_words, TEST_RAM_SIZE / PAGE_SIZE);
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	blocked = hosted_blocked_faults();
	plat_write_tracking_start(&dirty);
	protect_region(p.region, pages, PLAT_PERM_RX);
	test_sleep_ms(50);
	EXPECT_TRUE(test_vcpu_stepping(0));
	EXPECT_EQ(hosted_blocked_faults(), blocked);
	/* Random writes over 4 pages for 50 ms touch every one: each is dirty and writable. */
	for (uint64_t i = 0; i < pages; i++) {
		gpa_t page = gpa_add(p.region, i * PAGE_SIZE);

		EXPECT_TRUE(bitmap_test_atomic(&dirty, gpa_pfn(page)));
		EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_WRITE);
	}
	EXPECT_EQ(bitmap_count_set(&dirty, 0, TEST_RAM_SIZE / PAGE_SIZE), pages);
	bitmap_clear_range(&dirty, 0, TEST_RAM_SIZE / PAGE_SIZE);
	/* R (not RX) is a real revocation, tracking or not: the write blocks and marks nothing. */
	protect_region(p.region, pages, PLAT_PERM_R);
	expect_blocked_and_clean(&dirty, blocked);
	protect_region(p.region, pages, PLAT_PERM_RWX);
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	/* Tracking off: RX blocks writes too. */
	plat_write_tracking_stop();
	protect_region(p.region, pages, PLAT_PERM_RX);
	expect_blocked_and_clean(&dirty, blocked);
	protect_region(p.region, pages, PLAT_PERM_RWX);
	EXPECT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	test_vm_destroy();
}

struct ipi_waiter {
	_Atomic uint64_t waited_ns;
	_Atomic bool done;
};

static void *wait_for_ipi(void *arg)
{
	struct ipi_waiter *w = arg;
	uint64_t start = plat_time_ns();

	hosted_handler_wait(5ULL * 1000000000ULL);
	atomic_store(&w->waited_ns, plat_time_ns() - start);
	atomic_store(&w->done, true);
	return NULL;
}

TEST(hosted_vcpu, ipi_to_cpu_0_wakes_the_handler)
{
	struct ipi_waiter w = {0};
	pthread_t t;
	uint64_t start;

	ASSERT_TRUE(test_vm_create(1));
	ASSERT_EQ(pthread_create(&t, NULL, wait_for_ipi, &w), 0);
	/* Repeated: an IPI sent before the waiter started waiting is not for it. */
	for (unsigned i = 0; i < 200 && !atomic_load(&w.done); i++) {
		plat_send_ipi(0, 0);
		test_sleep_ms(10);
	}
	pthread_join(t, NULL);
	EXPECT_LT(atomic_load(&w.waited_ns), 3ULL * 1000000000ULL);
	/* Without an IPI the wait ends at its timeout, not before. */
	start = plat_time_ns();
	hosted_handler_wait(20ULL * 1000000ULL);
	EXPECT_GE(plat_time_ns() - start, 20ULL * 1000000ULL);
	test_vm_destroy();
}
