/* SPDX-License-Identifier: MIT */
/* The IGVM writer against the worked example of the reference notes (§1.12), CRC-32 and the
 * SEV-SNP launch digest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/check.h"
#include "svsm/test.h"

#include "igvm/image.h"
#include "igvm/measure.h"
#include "snp/page_info.h"

/* The first 0x80 bytes of the worked example: fixed header and all four variable headers. */
static const uint8_t example_headers[0x80] = {
    0x49, 0x47, 0x56, 0x4d, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x70, 0x00, 0x00, 0x00,
    0x88, 0x10, 0x00, 0x00, 0x06, 0x5e, 0xfa, 0x95, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
    0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x88, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
    0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void build_example(struct igvm_image *img)
{
	uint8_t page[IGVM_PAGE_SIZE];

	memset(page, 0xAA, sizeof(page));
	igvm_image_init(img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(img, 0x1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_policy(img, 0x30000, 0x1, NULL) == IGVM_OK);
	CHECK(igvm_add_page(img, gpa_init(0x1000), 0x1, 0, IGVM_PAGE_DATA_NORMAL, page, NULL) ==
	      IGVM_OK);
	CHECK(igvm_add_page(img, gpa_init(0x2000), 0x1, 0, IGVM_PAGE_DATA_NORMAL, NULL, NULL) ==
	      IGVM_OK);
}

static void hex(char *out, const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
	}
}

TEST(igvm_format, crc32_check_value)
{
	EXPECT_EQ(igvm_crc32(0, "123456789", 9), 0xCBF43926U);
	EXPECT_EQ(igvm_crc32(igvm_crc32(0, "1234", 4), "56789", 5), 0xCBF43926U);
}

TEST(igvm_format, worked_example_byte_for_byte)
{
	struct igvm_image img;
	struct igvm_error err = {0};
	uint8_t *out = NULL;
	size_t len = 0;

	build_example(&img);
	ASSERT_EQ(igvm_image_serialize(&img, &out, &len, &err), IGVM_OK);
	igvm_image_free(&img);
	EXPECT_EQ(len, 4232U);
	EXPECT_MEMEQ(out, example_headers, sizeof(example_headers));
	for (size_t i = 0x88; i < len; i++) {
		if (out[i] != 0xAA) {
			test_fail_at(__FILE__, __LINE__, "data byte 0x%zx is 0x%02x", i, out[i]);
			break;
		}
	}
	free(out);
}

TEST(igvm_format, worked_example_parses_back)
{
	struct igvm_image img;
	struct igvm_image parsed;
	struct igvm_error err = {0};
	uint8_t *out = NULL;
	size_t len = 0;

	build_example(&img);
	ASSERT_EQ(igvm_image_serialize(&img, &out, &len, &err), IGVM_OK);
	igvm_image_free(&img);
	EXPECT_EQ(igvm_image_parse(out, len, &parsed, &err), IGVM_OK);
	EXPECT_EQ(parsed.checksum, 0x95FA5E06U);
	EXPECT_EQ(parsed.count, 4U);
	if (parsed.count == 4) {
		EXPECT_EQ(parsed.headers[2].body.page.file_offset, 0x88U);
		EXPECT_TRUE(parsed.headers[2].data != NULL && parsed.headers[2].data[4095] == 0xAA);
		EXPECT_TRUE(parsed.headers[3].data == NULL);
	}
	igvm_image_free(&parsed);
	free(out);
}

TEST(igvm_format, worked_example_launch_digest)
{
	struct igvm_image img;
	struct igvm_error err = {0};
	uint8_t digest[SNP_DIGEST_SIZE];
	char text[2 * SNP_DIGEST_SIZE + 1];

	build_example(&img);
	ASSERT_EQ(igvm_snp_launch_digest(&img, digest, &err), IGVM_OK);
	igvm_image_free(&img);
	hex(text, digest, sizeof(digest));
	test_log("worked example digest %s\n", text);
	EXPECT_EQ(strncmp(text, "eade0778", 8), 0);
	EXPECT_EQ(strcmp(text + (size_t)2 * SNP_DIGEST_SIZE - 8, "756db2b3"), 0);
}

/* PAGE_INFO bytes as the firmware hashes them: LENGTH at 0x60, PAGE_TYPE at 0x62, GPA at 0x68. */
TEST(igvm_format, page_info_layout)
{
	struct snp_page_info info;
	uint8_t bytes[sizeof(info)];

	memset(&info, 0, sizeof(info));
	info.length = sizeof(info);
	info.page_type = SNP_PAGE_TYPE_VMSA;
	info.gpa = SNP_VMSA_RMP_GPA;
	memcpy(bytes, &info, sizeof(info));
	EXPECT_EQ(sizeof(info), 0x70U);
	EXPECT_EQ(bytes[0x60], 0x70);
	EXPECT_EQ(bytes[0x61], 0x00);
	EXPECT_EQ(bytes[0x62], 0x02);
	EXPECT_EQ(bytes[0x68], 0x00);
	EXPECT_EQ(bytes[0x69], 0xF0);
	EXPECT_EQ(bytes[0x6D], 0xFF);
	EXPECT_EQ(bytes[0x6E], 0x00);
}

TEST(igvm_format, zero_page_measured_as_normal_zeros)
{
	struct igvm_image with_zero_page;
	struct igvm_image with_zero_data;
	uint8_t zeros[IGVM_PAGE_SIZE] = {0};
	uint8_t a[SNP_DIGEST_SIZE];
	uint8_t b[SNP_DIGEST_SIZE];

	igvm_image_init(&with_zero_page, IGVM_FORMAT_VERSION_1);
	igvm_image_init(&with_zero_data, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&with_zero_page, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_platform(&with_zero_data, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&with_zero_page, gpa_init(0x5000), 1, 0, 0, NULL, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&with_zero_data, gpa_init(0x5000), 1, 0, 0, zeros, NULL) == IGVM_OK);
	ASSERT_EQ(igvm_snp_launch_digest(&with_zero_page, a, NULL), IGVM_OK);
	ASSERT_EQ(igvm_snp_launch_digest(&with_zero_data, b, NULL), IGVM_OK);
	EXPECT_MEMEQ(a, b, sizeof(a));
	igvm_image_free(&with_zero_page);
	igvm_image_free(&with_zero_data);
}

TEST(igvm_format, page_types_change_the_digest)
{
	static const uint16_t types[] = {IGVM_PAGE_DATA_NORMAL, IGVM_PAGE_DATA_SECRETS,
					 IGVM_PAGE_DATA_CPUID_DATA};
	uint8_t digests[ARRAY_SIZE(types)][SNP_DIGEST_SIZE];

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct igvm_image img;

		igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
		CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
		CHECK(igvm_add_page(&img, gpa_init(0x5000), 1, 0, types[i], NULL, NULL) == IGVM_OK);
		ASSERT_EQ(igvm_snp_launch_digest(&img, digests[i], NULL), IGVM_OK);
		igvm_image_free(&img);
	}
	EXPECT_NE(memcmp(digests[0], digests[1], SNP_DIGEST_SIZE), 0);
	EXPECT_NE(memcmp(digests[1], digests[2], SNP_DIGEST_SIZE), 0);
}
