/* SPDX-License-Identifier: MIT */
/* The hosted RMP model: PVALIDATE results, guest permissions, and the SVSM's copies. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "svsm/core/guest_mem.h"
#include "svsm/layout.h"
#include "svsm/mm/bitmap.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"
#include "svsm/test.h"

#include "hosted_support.h"

static gpa_t guest_page(uint64_t index)
{
	return gpa_init(TEST_GUEST_BASE + index * PAGE_SIZE);
}

TEST(hosted_rmp, validate_then_unchanged_both_ways)
{
	gpa_t page = guest_page(3);

	ASSERT_TRUE(test_vm_create(1));
	EXPECT_FALSE(guest_mem_validated(page));
	EXPECT_EQ(plat_pvalidate(page, false, true), PLAT_OK);
	EXPECT_EQ(plat_pvalidate(page, false, true), PLAT_ERR_UNCHANGED);
	EXPECT_EQ(plat_pvalidate(page, false, false), PLAT_OK);
	EXPECT_EQ(plat_pvalidate(page, false, false), PLAT_ERR_UNCHANGED);
	test_vm_destroy();
}

TEST(hosted_rmp, huge_over_mixed_pages_is_size_mismatch)
{
	gpa_t huge = gpa_init(TEST_GUEST_BASE + HUGE_PAGE_SIZE);
	uint64_t pages = HUGE_PAGE_SIZE / PAGE_SIZE;

	ASSERT_TRUE(test_vm_create(1));
	ASSERT_EQ(plat_pvalidate(gpa_add(huge, 5 * PAGE_SIZE), false, true), PLAT_OK);
	EXPECT_EQ(plat_pvalidate(huge, true, true), PLAT_ERR_SIZEMISMATCH);
	EXPECT_EQ(plat_pvalidate(huge, true, false), PLAT_ERR_SIZEMISMATCH);
	for (uint64_t i = 0; i < pages; i++) {
		if (i != 5) {
			ASSERT_EQ(plat_pvalidate(gpa_add(huge, i * PAGE_SIZE), false, true),
				  PLAT_OK);
		}
	}
	EXPECT_EQ(plat_pvalidate(huge, true, true), PLAT_ERR_UNCHANGED);
	EXPECT_EQ(plat_pvalidate(huge, true, false), PLAT_OK);
	EXPECT_EQ(plat_pvalidate(gpa_add(huge, 7 * PAGE_SIZE), false, false), PLAT_ERR_UNCHANGED);
	EXPECT_EQ(plat_pvalidate(huge, true, true), PLAT_OK);
	test_vm_destroy();
}

TEST(hosted_rmp, not_guest_ram_or_misaligned_is_input)
{
	ASSERT_TRUE(test_vm_create(1));
	EXPECT_EQ(plat_pvalidate(gpa_init(LAYOUT_MIGRATION_GPA), false, true), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_pvalidate(gpa_init(0), false, true), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_pvalidate(gpa_init(TEST_RAM_SIZE), false, true), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_pvalidate(gpa_init(TEST_GUEST_BASE + 8), false, true), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_pvalidate(gpa_init(TEST_GUEST_BASE + PAGE_SIZE), true, true),
		  PLAT_ERR_INPUT);
	EXPECT_EQ(plat_pvalidate(gpa_init(TEST_RAM_SIZE - PAGE_SIZE), true, true), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm(gpa_init(LAYOUT_MIGRATION_GPA), PLAT_PERM_RW),
		  PLAT_ERR_INPUT);
	test_vm_destroy();
}

TEST(hosted_rmp, permissions_need_a_validated_page_and_a_known_value)
{
	gpa_t page = guest_page(9);

	ASSERT_TRUE(test_vm_create(1));
	EXPECT_EQ(plat_set_guest_perm(page, PLAT_PERM_RW), PLAT_ERR_PERMISSION);
	ASSERT_EQ(plat_pvalidate(page, false, true), PLAT_OK);
	/* Write without read, and values outside R|W|X, are not permissions. */
	EXPECT_EQ(plat_set_guest_perm(page, (enum plat_perm)2), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm(page, (enum plat_perm)8), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm(page, PLAT_PERM_RX), PLAT_OK);
	EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_READ);
	EXPECT_EQ(plat_set_guest_perm(gpa_add(page, 16), PLAT_PERM_RW), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm(page, PLAT_PERM_R), PLAT_OK);
	EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_READ);
	EXPECT_EQ(plat_set_guest_perm(page, PLAT_PERM_RWX), PLAT_OK);
	EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_WRITE);
	EXPECT_EQ(plat_set_guest_perm(page, PLAT_PERM_NONE), PLAT_OK);
	EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_NONE);
	/* Invalidation takes every access away, whatever was granted before. */
	EXPECT_EQ(plat_set_guest_perm(page, PLAT_PERM_RW), PLAT_OK);
	EXPECT_EQ(plat_pvalidate(page, false, false), PLAT_OK);
	EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_NONE);
	test_vm_destroy();
}

TEST(hosted_rmp, svsm_copies_only_validated_guest_ram)
{
	uint8_t out[PAGE_SIZE];
	uint8_t in[PAGE_SIZE];
	gpa_t a = guest_page(20);
	gpa_t b = guest_page(21);

	ASSERT_TRUE(test_vm_create(1));
	memset(out, 0x5a, sizeof(out));
	EXPECT_EQ(plat_guest_write(a, out, sizeof(out)), PLAT_ERR_INPUT);
	ASSERT_EQ(plat_pvalidate(a, false, true), PLAT_OK);
	EXPECT_EQ(plat_guest_write(a, out, sizeof(out)), PLAT_OK);
	EXPECT_EQ(plat_guest_read(in, a, sizeof(in)), PLAT_OK);
	EXPECT_MEMEQ(in, out, sizeof(in));
	/* A range that runs into an invalid page fails as a whole. */
	EXPECT_EQ(plat_guest_read(in, gpa_add(a, 8), sizeof(in)), PLAT_ERR_INPUT);
	ASSERT_EQ(plat_pvalidate(b, false, true), PLAT_OK);
	EXPECT_EQ(plat_guest_read(in, gpa_add(a, 8), sizeof(in)), PLAT_OK);
	EXPECT_EQ(plat_guest_read(in, gpa_init(LAYOUT_MIGRATION_GPA), 8), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_guest_read(in, a, 0), PLAT_ERR_INPUT);
	/* The guest's permissions never limit the SVSM's alias. */
	ASSERT_EQ(plat_set_guest_perm(a, PLAT_PERM_NONE), PLAT_OK);
	EXPECT_EQ(plat_guest_read(in, a, sizeof(in)), PLAT_OK);
	EXPECT_MEMEQ(in, out, sizeof(in));
	test_vm_destroy();
}

TEST(hosted_rmp, pvalidate_service_zeroes_what_the_host_left)
{
	uint8_t junk[PAGE_SIZE];
	uint8_t in[PAGE_SIZE];
	uint8_t zero[PAGE_SIZE];
	gpa_t page = guest_page(30);

	ASSERT_TRUE(test_vm_create(1));
	memset(junk, 0xc3, sizeof(junk));
	memset(zero, 0, sizeof(zero));
	ASSERT_EQ(guest_mem_pvalidate(page, false, true, false), SVSM_SUCCESS);
	ASSERT_EQ(plat_guest_write(page, junk, sizeof(junk)), PLAT_OK);
	ASSERT_EQ(guest_mem_pvalidate(page, false, false, false), SVSM_SUCCESS);
	EXPECT_FALSE(guest_mem_validated(page));
	EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_NONE);
	ASSERT_EQ(guest_mem_pvalidate(page, false, true, false), SVSM_SUCCESS);
	EXPECT_EQ(hosted_page_access(page), HOSTED_ACCESS_WRITE);
	ASSERT_EQ(plat_guest_read(in, page, sizeof(in)), PLAT_OK);
	EXPECT_MEMEQ(in, zero, sizeof(in));
	EXPECT_EQ(guest_mem_pvalidate(page, false, true, false), SVSM_PVALIDATE_FAIL_UNCHANGED);
	test_vm_destroy();
}

TEST(hosted_rmp, bad_configurations_are_refused)
{
	struct hosted_config config;
	int err = 0;

	memset(&config, 0, sizeof(config));
	config.memory_file = "/dev/shm/svsm-hosted-unit-never-created";
	config.vcpus = 1;
	config.ram_size = LAYOUT_SVSM_REGION_END;
	EXPECT_EQ(hosted_vm_create(&config, &err), HOSTED_ERR_RAM_SIZE);
	config.ram_size = TEST_RAM_SIZE + PAGE_SIZE;
	EXPECT_EQ(hosted_vm_create(&config, &err), HOSTED_ERR_RAM_SIZE);
	config.ram_size = TEST_RAM_SIZE;
	config.vcpus = 0;
	EXPECT_EQ(hosted_vm_create(&config, &err), HOSTED_ERR_VCPUS);
	config.vcpus = HOSTED_MAX_VCPUS + 1;
	EXPECT_EQ(hosted_vm_create(&config, &err), HOSTED_ERR_VCPUS);
	/* Not tmpfs: the working tree is on a disk file system. */
	config.vcpus = 1;
	config.memory_file = "build/tests/svsm-hosted-unit-not-shmem";
	EXPECT_EQ(hosted_vm_create(&config, &err), HOSTED_ERR_NOT_SHMEM);
	EXPECT_NE(access(config.memory_file, F_OK), 0);
	config.memory_file = "/nonexistent-dir/memory";
	EXPECT_EQ(hosted_vm_create(&config, &err), HOSTED_ERR_FILE);
	EXPECT_NE(err, 0);
}

static enum hosted_page_access access_of(uint64_t index)
{
	return hosted_page_access(guest_page(index));
}

TEST(hosted_rmp, range_permissions_skip_pages_that_are_not_validated)
{
	ASSERT_TRUE(test_vm_create(1));
	for (uint64_t i = 40; i < 48; i++) {
		if (i != 43) {
			ASSERT_EQ(plat_pvalidate(guest_page(i), false, true), PLAT_OK);
		}
	}
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(40), 8, PLAT_PERM_RWX), PLAT_OK);
	for (uint64_t i = 40; i < 48; i++) {
		EXPECT_EQ(access_of(i), i == 43 ? HOSTED_ACCESS_NONE : HOSTED_ACCESS_WRITE);
	}
	EXPECT_FALSE(guest_mem_validated(guest_page(43)));
	EXPECT_EQ(plat_set_guest_perm(guest_page(43), PLAT_PERM_RW), PLAT_ERR_PERMISSION);
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(41), 6, PLAT_PERM_RX), PLAT_OK);
	EXPECT_EQ(access_of(40), HOSTED_ACCESS_WRITE);
	EXPECT_EQ(access_of(41), HOSTED_ACCESS_READ);
	EXPECT_EQ(access_of(46), HOSTED_ACCESS_READ);
	EXPECT_EQ(access_of(47), HOSTED_ACCESS_WRITE);
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(40), 8, PLAT_PERM_NONE), PLAT_OK);
	for (uint64_t i = 40; i < 48; i++) {
		EXPECT_EQ(access_of(i), HOSTED_ACCESS_NONE);
	}
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(40), 0, PLAT_PERM_RWX), PLAT_OK);
	EXPECT_EQ(access_of(40), HOSTED_ACCESS_NONE);
	test_vm_destroy();
}

TEST(hosted_rmp, bad_ranges_are_input_and_change_nothing)
{
	uint64_t guest_pages = (TEST_RAM_SIZE - TEST_GUEST_BASE) / PAGE_SIZE;

	ASSERT_TRUE(test_vm_create(1));
	ASSERT_EQ(plat_pvalidate(guest_page(0), false, true), PLAT_OK);
	ASSERT_EQ(plat_set_guest_perm(guest_page(0), PLAT_PERM_RX), PLAT_OK);
	EXPECT_EQ(plat_set_guest_perm_range(gpa_add(guest_page(0), 8), 1, PLAT_PERM_RWX),
		  PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(0), 1, (enum plat_perm)2), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(0), 1, (enum plat_perm)8), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(0), guest_pages + 1, PLAT_PERM_RWX),
		  PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(0), UINT64_MAX / 2, PLAT_PERM_RWX),
		  PLAT_ERR_INPUT);
	EXPECT_EQ(plat_set_guest_perm_range(gpa_init(LAYOUT_MIGRATION_GPA), 1, PLAT_PERM_RWX),
		  PLAT_ERR_INPUT);
	EXPECT_EQ(
	    plat_set_guest_perm_range(gpa_init(TEST_GUEST_BASE - PAGE_SIZE), 2, PLAT_PERM_RWX),
	    PLAT_ERR_INPUT);
	EXPECT_EQ(access_of(0), HOSTED_ACCESS_READ);
	EXPECT_EQ(plat_set_guest_perm_range(guest_page(0), guest_pages, PLAT_PERM_RWX), PLAT_OK);
	EXPECT_EQ(access_of(0), HOSTED_ACCESS_WRITE);
	test_vm_destroy();
}

static uint64_t range_dirty_words[BITMAP_WORDS(TEST_RAM_SIZE / PAGE_SIZE)];

static bool beats_stopped(void)
{
	uint64_t beat;

	test_sleep_ms(20);
	beat = hosted_vcpu_heartbeat(0);
	test_sleep_ms(100);
	return hosted_vcpu_heartbeat(0) == beat;
}

/* What the checkpoint and pre-copy rely on: one call changes what a running vCPU can do on every
 * page of the run, in both directions, and a protected run is tracked page by page. */
TEST(hosted_rmp, range_permissions_bind_a_running_vcpu)
{
	const uint64_t pages = 8;
	struct hosted_guest_params p = {
	    .region = guest_page(64),
	    .region_size = pages * PAGE_SIZE,
	    .seed = 0x5150,
	};
	struct bitmap dirty;
	uint64_t blocked;
	uint64_t set;

	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	blocked = hosted_blocked_faults();
	ASSERT_EQ(plat_set_guest_perm_range(p.region, pages, PLAT_PERM_NONE), PLAT_OK);
	plat_flush_tlb_all();
	EXPECT_TRUE(beats_stopped());
	EXPECT_GT(hosted_blocked_faults(), blocked);
	/* Readable is not enough for the workload's writes, and the wake must not let it write. */
	ASSERT_EQ(plat_set_guest_perm_range(p.region, pages, PLAT_PERM_R), PLAT_OK);
	EXPECT_TRUE(beats_stopped());
	ASSERT_EQ(plat_set_guest_perm_range(p.region, pages, PLAT_PERM_RWX), PLAT_OK);
	EXPECT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));

	bitmap_init(&dirty, range_dirty_words, TEST_RAM_SIZE / PAGE_SIZE);
	plat_write_tracking_start(&dirty);
	ASSERT_EQ(plat_set_guest_perm_range(p.region, pages, PLAT_PERM_RX), PLAT_OK);
	plat_flush_tlb_all();
	EXPECT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	plat_vcpu_request_park(0);
	ASSERT_TRUE(test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS));
	plat_write_tracking_stop();
	set = bitmap_count_set(&dirty, 0, TEST_RAM_SIZE / PAGE_SIZE);
	EXPECT_EQ(bitmap_count_set(&dirty, gpa_pfn(p.region), pages), set);
	EXPECT_GT(set, 0U);
	for (uint64_t i = 0; i < pages; i++) {
		bool written = bitmap_test(&dirty, gpa_pfn(p.region) + i);

		EXPECT_EQ(access_of(64 + i), written ? HOSTED_ACCESS_WRITE : HOSTED_ACCESS_READ);
	}
	plat_vcpu_resume(0);
	test_vm_destroy();
}

struct guest_reader {
	const volatile uint64_t *word;
	atomic_bool done;
	uint64_t value;
};

static void *read_guest_word(void *arg)
{
	struct guest_reader *r = arg;

	r->value = *r->word;
	atomic_store(&r->done, true);
	return NULL;
}

static struct guest_reader *range_reader;

static bool reader_done(unsigned arg)
{
	(void)arg;
	return atomic_load(&range_reader->done);
}

/* A read blocked on a revoked page must go on when a range grants read only: write protection
 * changes alone wake nobody. */
TEST(hosted_rmp, read_grant_over_a_range_wakes_a_blocked_reader)
{
	const uint64_t magic = 0x0123456789abcdefULL;
	static struct guest_reader reader;
	gpa_t page = guest_page(90);
	pthread_t thread;

	ASSERT_TRUE(test_vm_create(1));
	ASSERT_EQ(plat_pvalidate(page, false, true), PLAT_OK);
	ASSERT_EQ(plat_guest_write(page, &magic, sizeof(magic)), PLAT_OK);
	ASSERT_EQ(plat_set_guest_perm_range(page, 1, PLAT_PERM_NONE), PLAT_OK);
	reader.word = (const volatile uint64_t *)hosted_guest_view(page, PAGE_SIZE);
	ASSERT_TRUE(reader.word != NULL);
	atomic_store(&reader.done, false);
	range_reader = &reader;
	ASSERT_EQ(pthread_create(&thread, NULL, read_guest_word, &reader), 0);
	EXPECT_FALSE(test_wait_until(reader_done, 0, 100ULL * 1000000ULL));
	ASSERT_EQ(plat_set_guest_perm_range(page, 1, PLAT_PERM_R), PLAT_OK);
	EXPECT_TRUE(test_wait_until(reader_done, 0, TEST_WAIT_NS));
	if (!atomic_load(&reader.done)) {
		/* Let it finish before the memory goes away. */
		ASSERT_EQ(plat_set_guest_perm(page, PLAT_PERM_RWX), PLAT_OK);
	}
	pthread_join(thread, NULL);
	EXPECT_EQ(reader.value, magic);
	test_vm_destroy();
}

/* Tearing a VM down while its vCPUs are still validating their regions (Ctrl-C during boot)
 * ends it cleanly: a permission change racing the teardown must not trip a CHECK. */
TEST(hosted_rmp, destroy_while_vcpus_validate_their_regions)
{
	for (unsigned round = 0; round < 8; round++) {
		ASSERT_TRUE(test_vm_create(2));
		for (unsigned v = 0; v < 2; v++) {
			struct hosted_guest_params p = {
			    .region = guest_page((uint64_t)v * 2048),
			    .region_size = 2048 * PAGE_SIZE,
			    .seed = 0x7700 + v,
			};

			ASSERT_TRUE(hosted_vcpu_launch(v, &p));
		}
		if (round % 2 == 1) {
			test_sleep_ms(1);
		}
		test_vm_destroy();
	}
}
