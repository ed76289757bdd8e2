/* SPDX-License-Identifier: MIT */
/* The NATIVE-platform loader for QEMU 7.2: blobs, parameter areas, digest page, arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svsm/layout.h"
#include "svsm/test.h"

#include "igvm/image.h"
#include "igvm/measure.h"
#include "igvm/qemu_loader.h"
#include "igvm/reset_stub.h"
#include "igvm/testing.h"

#define TEST_MEMORY (128ULL << 20)

static bool load_small(struct igvm_image *img)
{
	struct igvm_error err = {0};
	size_t len = 0;
	uint8_t *file = igvm_test_build_small_file(&len);
	enum igvm_status status;

	if (file == NULL) {
		return false;
	}
	status = igvm_image_parse(file, len, img, &err);
	free(file);
	if (status != IGVM_OK) {
		test_fail_at(__FILE__, __LINE__, "parse: %s", err.message);
	}
	return status == IGVM_OK;
}

static const struct qemu_blob *blob_at(const struct qemu_plan *plan, uint64_t gpa)
{
	for (size_t i = 0; i < plan->blob_count; i++) {
		if (plan->blobs[i].gpa == gpa) {
			return &plan->blobs[i];
		}
	}
	return NULL;
}

static bool blob_covers(const struct qemu_plan *plan, uint64_t gpa)
{
	for (size_t i = 0; i < plan->blob_count; i++) {
		if (gpa >= plan->blobs[i].gpa && gpa < plan->blobs[i].gpa + plan->blobs[i].len) {
			return true;
		}
	}
	return false;
}

TEST(igvm_qemu, blobs_are_coalesced_runs_of_native_pages)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	static const struct {
		uint64_t gpa;
		size_t pages;
	} expected[] = {
	    {LAYOUT_INIT_PT_GPA, LAYOUT_INIT_PT_PAGES}, /* page tables */
	    {LAYOUT_PARAM_GENERAL_GPA, 2},		/* both parameter pages */
	    {LAYOUT_POLICY_GPA, 2},			/* policy, emulated digest */
	    {0x100000, 5},				/* SVSM code, data, bss */
	    {LAYOUT_GUEST_PAYLOAD_GPA, 1},
	};

	ASSERT_TRUE(load_small(&img));
	ASSERT_EQ(qemu_plan_native(&img, TEST_MEMORY, 2, &plan, &err), IGVM_OK);
	EXPECT_EQ(plan.blob_count, ARRAY_SIZE(expected));
	for (size_t i = 0; i < ARRAY_SIZE(expected) && i < plan.blob_count; i++) {
		EXPECT_EQ(plan.blobs[i].gpa, expected[i].gpa);
		EXPECT_EQ(plan.blobs[i].len, expected[i].pages * IGVM_PAGE_SIZE);
	}
	/* SEV_SNP-only pages must not be loaded. */
	EXPECT_FALSE(blob_covers(&plan, LAYOUT_SECRETS_GPA));
	EXPECT_FALSE(blob_covers(&plan, LAYOUT_CPUID_GPA));
	ASSERT_TRUE(blob_at(&plan, 0x100000) != NULL);
	EXPECT_EQ(blob_at(&plan, 0x100000)->data[0], 0x10);
	EXPECT_EQ(blob_at(&plan, 0x100000)->data[0x2000], 0x80);
	EXPECT_EQ(blob_at(&plan, 0x100000)->data[0x3000], 0x00);
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}

TEST(igvm_qemu, bios_image_holds_the_reset_stub)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	struct reset_stub_params params;
	const uint8_t *stub_page;

	ASSERT_TRUE(load_small(&img));
	ASSERT_EQ(qemu_plan_native(&img, TEST_MEMORY, 1, &plan, &err), IGVM_OK);
	ASSERT_TRUE(plan.bios != NULL);
	stub_page = plan.bios + (LAYOUT_RESET_STUB_GPA - QEMU_BIOS_BASE);
	memcpy(&params, stub_page, sizeof(params));
	EXPECT_EQ(params.magic, RESET_STUB_MAGIC);
	EXPECT_EQ(params.entry, IGVM_TEST_SVSM_ENTRY);
	EXPECT_EQ(stub_page[RESET_STUB_VECTOR_OFFSET], 0xE9);
	EXPECT_EQ(plan.bios[0], 0); /* nothing else in the 64 KiB window */
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}

TEST(igvm_qemu, parameter_areas_filled_like_qemu)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	const struct qemu_blob *params;
	struct igvm_memory_map_entry map[2];
	uint32_t vp_count;
	uint32_t env_info;

	ASSERT_TRUE(load_small(&img));
	ASSERT_EQ(qemu_plan_native(&img, TEST_MEMORY, 3, &plan, &err), IGVM_OK);
	params = blob_at(&plan, LAYOUT_PARAM_GENERAL_GPA);
	ASSERT_TRUE(params != NULL);
	memcpy(&vp_count, params->data + LAYOUT_PARAM_VP_COUNT_OFF, sizeof(vp_count));
	memcpy(&env_info, params->data + LAYOUT_PARAM_ENV_INFO_OFF, sizeof(env_info));
	EXPECT_EQ(vp_count, 3U);
	EXPECT_EQ(env_info, IGVM_ENV_INFO_MEMORY_IS_SHARED);
	memcpy(map, params->data + IGVM_PAGE_SIZE, sizeof(map));
	EXPECT_EQ(map[0].starting_gpa_page_number, 0ULL);
	EXPECT_EQ(map[0].number_of_pages, TEST_MEMORY / IGVM_PAGE_SIZE);
	EXPECT_EQ(map[0].entry_type, IGVM_MEMORY_MAP_MEMORY);
	EXPECT_EQ(map[0].flags, 0);
	EXPECT_EQ(map[1].number_of_pages, 0ULL); /* terminator */
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}

TEST(igvm_qemu, emulated_psp_digest_page)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	uint8_t digest[SNP_DIGEST_SIZE];
	const struct qemu_blob *blob;
	const uint8_t *page;

	ASSERT_TRUE(load_small(&img));
	ASSERT_EQ(igvm_snp_launch_digest(&img, digest, &err), IGVM_OK);
	ASSERT_EQ(qemu_plan_native(&img, TEST_MEMORY, 1, &plan, &err), IGVM_OK);
	blob = blob_at(&plan, LAYOUT_POLICY_GPA);
	ASSERT_TRUE(blob != NULL && blob->len == 2ULL * IGVM_PAGE_SIZE);
	page = blob->data + (LAYOUT_EMU_MEASUREMENT_GPA - LAYOUT_POLICY_GPA);
	EXPECT_MEMEQ(page, digest, sizeof(digest));
	EXPECT_EQ(page[SNP_DIGEST_SIZE], 0);
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}

TEST(igvm_qemu, rejects_bad_sizes_and_counts)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};

	ASSERT_TRUE(load_small(&img));
	/* The guest payload at 64 MiB does not fit in 32 MiB of RAM. */
	EXPECT_EQ(qemu_plan_native(&img, 32ULL << 20, 1, &plan, &err), IGVM_ERR_LAYOUT);
	EXPECT_TRUE(strstr(err.message, "beyond") != NULL);
	qemu_plan_free(&plan);
	EXPECT_EQ(qemu_plan_native(&img, TEST_MEMORY, 0, &plan, &err), IGVM_ERR_USAGE);
	qemu_plan_free(&plan);
	EXPECT_EQ(qemu_plan_native(&img, TEST_MEMORY, SVSM_MAX_CPUS + 1, &plan, &err),
		  IGVM_ERR_USAGE);
	qemu_plan_free(&plan);
	EXPECT_EQ(qemu_plan_native(&img, 3ULL << 30, 1, &plan, &err), IGVM_ERR_USAGE);
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}

TEST(igvm_qemu, memory_size_syntax)
{
	uint64_t bytes = 0;
	struct igvm_error err = {0};

	EXPECT_EQ(qemu_parse_memory_size("512M", &bytes, &err), IGVM_OK);
	EXPECT_EQ(bytes, 512ULL << 20);
	EXPECT_EQ(qemu_parse_memory_size("2G", &bytes, &err), IGVM_OK);
	EXPECT_EQ(bytes, 2ULL << 30);
	EXPECT_EQ(qemu_parse_memory_size("256", &bytes, &err), IGVM_OK);
	EXPECT_EQ(bytes, 256ULL << 20);
	EXPECT_EQ(qemu_parse_memory_size("131072k", &bytes, &err), IGVM_OK);
	EXPECT_EQ(bytes, 128ULL << 20);
	EXPECT_EQ(qemu_parse_memory_size("2049M", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_TRUE(strstr(err.message, "2 GiB") != NULL);
	EXPECT_EQ(qemu_parse_memory_size("3G", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_parse_memory_size("1.5G", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_parse_memory_size("100K", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_parse_memory_size("0", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_parse_memory_size("", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_parse_memory_size("-1G", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_parse_memory_size("10X", &bytes, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_parse_memory_size("99999999999999999999G", &bytes, &err), IGVM_ERR_USAGE);
}

TEST(igvm_qemu, native_vp_context_is_rejected)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	uint8_t context[IGVM_PAGE_SIZE] = {0};

	igvm_image_init(&img, IGVM_FORMAT_VERSION_2);
	ASSERT_EQ(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, &err), IGVM_OK);
	ASSERT_EQ(igvm_add_platform(&img, 2, IGVM_PLATFORM_NATIVE, &err), IGVM_OK);
	ASSERT_EQ(igvm_add_vp_context(&img, gpa_init(0), 2, 0, context, &err), IGVM_OK);
	EXPECT_EQ(qemu_plan_native(&img, TEST_MEMORY, 1, &plan, &err), IGVM_ERR_UNSUPPORTED);
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}

TEST(igvm_qemu, needs_a_page_at_the_reset_vector)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	uint8_t page[IGVM_PAGE_SIZE] = {1};

	igvm_image_init(&img, IGVM_FORMAT_VERSION_2);
	ASSERT_EQ(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, &err), IGVM_OK);
	ASSERT_EQ(igvm_add_platform(&img, 2, IGVM_PLATFORM_NATIVE, &err), IGVM_OK);
	ASSERT_EQ(igvm_add_page(&img, gpa_init(0x100000), 3, 0, 0, page, &err), IGVM_OK);
	EXPECT_EQ(qemu_plan_native(&img, TEST_MEMORY, 1, &plan, &err), IGVM_ERR_INVALID);
	EXPECT_TRUE(strstr(err.message, "reset vector") != NULL);
	qemu_plan_free(&plan);
	ASSERT_EQ(igvm_add_page(&img, gpa_init(LAYOUT_RESET_STUB_GPA), 2, 0, 0, page, &err),
		  IGVM_OK);
	EXPECT_EQ(qemu_plan_native(&img, TEST_MEMORY, 1, &plan, &err), IGVM_OK);
	EXPECT_EQ(plan.blob_count, 2U); /* the SVSM page and the digest page */
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}

static char *make_temp_dir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = NULL;

	if (asprintf(&dir, "%s/igvm-test-XXXXXX", base != NULL ? base : "/tmp") < 0) {
		return NULL;
	}
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

static void remove_outputs(const char *dir, const struct qemu_plan *plan)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/reset.bin", dir);
	unlink(path);
	for (size_t i = 0; i < plan->blob_count; i++) {
		snprintf(path, sizeof(path), "%s/ram-%016llx.bin", dir,
			 (unsigned long long)plan->blobs[i].gpa);
		unlink(path);
	}
	rmdir(dir);
}

static bool file_equals(const char *path, const uint8_t *want, size_t len)
{
	uint8_t *got = NULL;
	size_t got_len = 0;
	bool same;

	if (igvm_read_file(path, len + 1, &got, &got_len, NULL) != IGVM_OK) {
		return false;
	}
	same = got_len == len && memcmp(got, want, len) == 0;
	free(got);
	return same;
}

TEST(igvm_qemu, writes_blobs_and_prints_arguments)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	char *dir = make_temp_dir();
	char *args = NULL;
	char expect[8192];

	ASSERT_TRUE(dir != NULL);
	ASSERT_TRUE(load_small(&img));
	ASSERT_EQ(qemu_plan_native(&img, TEST_MEMORY, 2, &plan, &err), IGVM_OK);
	ASSERT_EQ(qemu_plan_write(&plan, dir, &args, &err), IGVM_OK);
	snprintf(expect, sizeof(expect),
		 "-machine q35 -m 128M -smp 2 -bios %s/reset.bin -device "
		 "loader,file=%s/ram-0000000000010000.bin,addr=0x10000,force-raw=on -device "
		 "loader,file=%s/ram-0000000000060000.bin,addr=0x60000,force-raw=on -device "
		 "loader,file=%s/ram-0000000000064000.bin,addr=0x64000,force-raw=on -device "
		 "loader,file=%s/ram-0000000000100000.bin,addr=0x100000,force-raw=on -device "
		 "loader,file=%s/ram-0000000004000000.bin,addr=0x4000000,force-raw=on",
		 dir, dir, dir, dir, dir, dir);
	EXPECT_EQ(strcmp(args, expect), 0);
	if (strcmp(args, expect) != 0) {
		test_log("got:    %s\nwanted: %s\n", args, expect);
	}
	snprintf(expect, sizeof(expect), "%s/reset.bin", dir);
	EXPECT_TRUE(file_equals(expect, plan.bios, QEMU_BIOS_SIZE));
	snprintf(expect, sizeof(expect), "%s/ram-0000000000100000.bin", dir);
	EXPECT_TRUE(
	    file_equals(expect, blob_at(&plan, 0x100000)->data, blob_at(&plan, 0x100000)->len));
	free(args);
	remove_outputs(dir, &plan);
	qemu_plan_free(&plan);
	igvm_image_free(&img);
	free(dir);
}

TEST(igvm_qemu, rejects_outdir_qemu_would_split)
{
	struct igvm_image img;
	struct qemu_plan plan;
	struct igvm_error err = {0};
	char *args = NULL;

	ASSERT_TRUE(load_small(&img));
	ASSERT_EQ(qemu_plan_native(&img, TEST_MEMORY, 1, &plan, &err), IGVM_OK);
	EXPECT_EQ(qemu_plan_write(&plan, "/tmp/a,b", &args, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_plan_write(&plan, "/tmp/a b", &args, &err), IGVM_ERR_USAGE);
	EXPECT_EQ(qemu_plan_write(&plan, "", &args, &err), IGVM_ERR_USAGE);
	EXPECT_TRUE(args == NULL);
	qemu_plan_free(&plan);
	igvm_image_free(&img);
}
