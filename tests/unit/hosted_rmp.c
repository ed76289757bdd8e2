/* SPDX-License-Identifier: MIT */
/* The hosted RMP model: PVALIDATE results, guest permissions, and the SVSM's copies. */
#include <string.h>
#include <unistd.h>

#include "svsm/core/guest_mem.h"
#include "svsm/layout.h"
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
