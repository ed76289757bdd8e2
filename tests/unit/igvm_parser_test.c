/* SPDX-License-Identifier: MIT */
/*
 * The IGVM parser against malformed files. Each case starts from a valid file, breaks exactly
 * one rule and, where the rule is not the checksum itself, recomputes the checksum so that the
 * intended check is the one that fires.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/check.h"
#include "svsm/test.h"

#include "igvm/image.h"
#include "igvm/testing.h"

struct file {
	uint8_t *buf;
	size_t len;
};

static size_t fixed_size(const uint8_t *buf)
{
	uint32_t version;

	memcpy(&version, buf + 4, sizeof(version));
	return version == IGVM_FORMAT_VERSION_1 ? 24 : 32;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void refresh_checksum(struct file *f)
{
	size_t fixed = fixed_size(f->buf);
	uint32_t offset = get32(f->buf + 8);
	uint32_t size = get32(f->buf + 12);
	uint32_t crc;

	put32(f->buf + 20, 0);
	crc = igvm_crc32(0, f->buf, fixed);
	crc = igvm_crc32(crc, f->buf + offset, size);
	put32(f->buf + 20, crc);
}

/* File offset of the nth (from 0) variable header of the given type. */
static size_t find_entry(const struct file *f, uint32_t type, unsigned nth)
{
	size_t pos = get32(f->buf + 8);
	size_t end = pos + get32(f->buf + 12);

	while (pos < end) {
		uint32_t t = get32(f->buf + pos);
		uint32_t len = get32(f->buf + pos + 4);

		if (t == type && nth-- == 0) {
			return pos;
		}
		pos += 8 + ALIGN_UP(len, 8U);
	}
	CHECK(false);
}

static struct file serialize(struct igvm_image *img)
{
	struct file f = {0};
	struct igvm_error err = {0};

	CHECK(igvm_image_serialize(img, &f.buf, &f.len, &err) == IGVM_OK);
	igvm_image_free(img);
	return f;
}

/* Worked example of the reference notes: v1, SNP platform, policy, a data page, a zero page. */
static struct file example_file(void)
{
	struct igvm_image img;
	uint8_t page[IGVM_PAGE_SIZE];

	memset(page, 0xAA, sizeof(page));
	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_policy(&img, 0x30000, 1, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 1, 0, 0, page, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x2000), 1, 0, 0, NULL, NULL) == IGVM_OK);
	return serialize(&img);
}

static struct file small_file(void)
{
	struct file f;

	f.buf = igvm_test_build_small_file(&f.len);
	CHECK(f.buf != NULL);
	return f;
}

/* Parses f (then frees it) and checks the status and that the message names the problem. */
static void expect_parse(struct file f, enum igvm_status want, const char *word, int line)
{
	struct igvm_image img;
	struct igvm_error err = {0};
	enum igvm_status got = igvm_image_parse(f.buf, f.len, &img, &err);

	igvm_image_free(&img);
	free(f.buf);
	if (got != want) {
		test_fail_at(__FILE__, line, "status %s (%s), expected %s", igvm_status_str(got),
			     err.message, igvm_status_str(want));
		return;
	}
	if (want != IGVM_OK && (err.message[0] == '\0' || strstr(err.message, word) == NULL)) {
		test_fail_at(__FILE__, line, "message '%s' does not mention '%s'", err.message,
			     word);
	}
}

#define EXPECT_PARSE(f, status, word) expect_parse((f), (status), (word), __LINE__)

TEST(igvm_parser, valid_files_parse)
{
	EXPECT_PARSE(example_file(), IGVM_OK, "");
	EXPECT_PARSE(small_file(), IGVM_OK, "");
}

TEST(igvm_parser, bad_magic)
{
	struct file f = example_file();

	f.buf[0] = 'X';
	EXPECT_PARSE(f, IGVM_ERR_MAGIC, "magic");
}

TEST(igvm_parser, bad_version)
{
	struct file f = example_file();

	put32(f.buf + 4, 3);
	EXPECT_PARSE(f, IGVM_ERR_VERSION, "version 3");
}

TEST(igvm_parser, bad_architecture_and_page_size)
{
	struct file f = small_file();

	put32(f.buf + 24, IGVM_ARCH_AARCH64);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_ARCH, "architecture");
	f = small_file();
	put32(f.buf + 28, 8192);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_PAGE_SIZE, "8192");
}

TEST(igvm_parser, bad_checksum)
{
	struct file f = example_file();

	f.buf[20] ^= 0x01;
	EXPECT_PARSE(f, IGVM_ERR_CHECKSUM, "checksum");
	f = example_file();
	f.buf[0x40] ^= 0x01; /* policy value: covered by the CRC */
	EXPECT_PARSE(f, IGVM_ERR_CHECKSUM, "CRC");
}

TEST(igvm_parser, data_is_not_checksummed)
{
	struct file f = example_file();

	f.buf[0x88] = 0x55;
	EXPECT_PARSE(f, IGVM_OK, "");
}

TEST(igvm_parser, truncated)
{
	struct file f = example_file();

	f.len = 10;
	EXPECT_PARSE(f, IGVM_ERR_TRUNCATED, "fixed header");
	f = example_file();
	f.len -= 1;
	EXPECT_PARSE(f, IGVM_ERR_TRUNCATED, "truncated");
	f = small_file();
	f.len = 28;
	EXPECT_PARSE(f, IGVM_ERR_TRUNCATED, "v2");
}

TEST(igvm_parser, total_file_size_mismatch)
{
	struct file f = example_file();
	uint8_t *grown = realloc(f.buf, f.len + 8);

	ASSERT_TRUE(grown != NULL);
	memset(grown + f.len, 0, 8);
	f.buf = grown;
	f.len += 8;
	EXPECT_PARSE(f, IGVM_ERR_FILE_SIZE, "total_file_size");
}

TEST(igvm_parser, variable_header_range)
{
	struct file f = example_file();

	put32(f.buf + 8, 28);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_ALIGNMENT, "aligned");
	f = example_file();
	put32(f.buf + 8, 16);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_VARHDR_RANGE, "fixed header");
	f = example_file();
	put32(f.buf + 12, (uint32_t)f.len - 24);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_VARHDR_RANGE, "no file data");
	f = example_file();
	put32(f.buf + 12, 0x70 - 8); /* cuts the last entry's body */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_VARHDR_RANGE, "past the end");
}

TEST(igvm_parser, header_order)
{
	struct igvm_image img;
	struct file f;
	uint8_t entry[24];
	size_t second_platform;
	size_t policy;

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_platform(&img, 2, IGVM_PLATFORM_NATIVE, NULL) == IGVM_OK);
	CHECK(igvm_add_policy(&img, 0x30000, 1, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 3, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	f = serialize(&img);
	/* Swap the second platform and the policy (24 bytes each): platform after init. */
	second_platform = find_entry(&f, IGVM_VHT_SUPPORTED_PLATFORM, 1);
	policy = find_entry(&f, IGVM_VHT_GUEST_POLICY, 0);
	memcpy(entry, f.buf + second_platform, sizeof(entry));
	memcpy(f.buf + second_platform, f.buf + policy, sizeof(entry));
	memcpy(f.buf + policy, entry, sizeof(entry));
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_HEADER_ORDER, "order");
}

TEST(igvm_parser, init_after_directive)
{
	struct igvm_image img;
	struct file f;
	size_t page;

	/* The writer refuses this order, so build a valid file and turn the second page into a
	 * GUEST_POLICY header (16-byte body, mask 1 at body offset 8). */
	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 1, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x2000), 1, 0, 0, NULL, NULL) == IGVM_OK);
	f = serialize(&img);
	page = find_entry(&f, IGVM_VHT_PAGE_DATA, 1);
	put32(f.buf + page, IGVM_VHT_GUEST_POLICY);
	put32(f.buf + page + 4, 16);
	memset(f.buf + page + 8, 0, 24);
	put32(f.buf + page + 16, 1);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_HEADER_ORDER, "order");
}

TEST(igvm_parser, writer_refuses_wrong_order)
{
	struct igvm_image img;
	struct igvm_error err = {0};
	uint8_t *out = NULL;
	size_t len = 0;

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_policy(&img, 0x30000, 1, NULL) == IGVM_OK);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	EXPECT_EQ(igvm_image_serialize(&img, &out, &len, &err), IGVM_ERR_HEADER_ORDER);
	EXPECT_TRUE(out == NULL);
	igvm_image_free(&img);
}

TEST(igvm_parser, writer_refuses_data_on_a_header_without_offset)
{
	struct igvm_image img;
	struct igvm_error err = {0};
	struct igvm_parameter_area area = {.number_of_bytes = IGVM_PAGE_SIZE};
	uint8_t page[IGVM_PAGE_SIZE] = {1};
	uint8_t *out = NULL;
	size_t len = 0;

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_image_append(&img, IGVM_VHT_PARAMETER_AREA, &area, sizeof(area), page, NULL) ==
	      IGVM_OK);
	EXPECT_EQ(igvm_image_serialize(&img, &out, &len, &err), IGVM_ERR_INVALID);
	EXPECT_TRUE(strstr(err.message, "PARAMETER_AREA") != NULL);
	EXPECT_TRUE(out == NULL);
	igvm_image_free(&img);
}

TEST(igvm_parser, non_zero_padding)
{
	struct file f = small_file();
	size_t vp = find_entry(&f, IGVM_VHT_VP_CONTEXT, 0);

	f.buf[vp + 8 + 20] = 1; /* body is 20 bytes, padded to 24 */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_PADDING, "padding");
}

TEST(igvm_parser, wrong_header_length)
{
	struct file f = example_file();

	put32(f.buf + 0x48 + 4, 16); /* first PAGE_DATA claims 16 bytes */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_HEADER_LENGTH, "length 16");
	f = small_file();
	put32(f.buf + find_entry(&f, IGVM_VHT_VP_CONTEXT, 0) + 4, 24);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_HEADER_LENGTH, "expected 20");
}

TEST(igvm_parser, unknown_types)
{
	struct file f = example_file();

	put32(f.buf + 0x48, 0x3FF);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_UNKNOWN_TYPE, "0x3ff");
	f = example_file();
	put32(f.buf + 0x48, 0x250); /* the unused 0x201-0x300 range */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_UNKNOWN_TYPE, "0x250");
	f = example_file();
	put32(f.buf + 0x48, IGVM_VHT_OPTIONAL_BIT | IGVM_VHT_PAGE_DATA);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_UNKNOWN_TYPE, "unknown");
	f = example_file();
	put32(f.buf + 0x48, IGVM_VHT_DEVICE_TREE);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_UNSUPPORTED, "DEVICE_TREE");
}

TEST(igvm_parser, reserved_fields)
{
	struct file f = example_file();

	f.buf[0x48 + 8 + 22] = 1; /* PAGE_DATA.reserved */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_RESERVED, "reserved");
	f = example_file();
	f.buf[0x48 + 8 + 16] = 0x20; /* PAGE_DATA.flags bit 5 */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_RESERVED, "flags");
	f = example_file();
	f.buf[0x30 + 8 + 12] = 1; /* GUEST_POLICY.reserved */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_RESERVED, "GUEST_POLICY");
	f = small_file();
	f.buf[find_entry(&f, IGVM_VHT_VP_CONTEXT, 0) + 8 + 18] = 1; /* VP_CONTEXT.reserved */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_RESERVED, "VP_CONTEXT");
}

TEST(igvm_parser, bad_file_offsets)
{
	struct file f = example_file();

	put32(f.buf + 0x48 + 8 + 12, 0x10); /* into the fixed header */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_FILE_OFFSET, "outside the data section");
	f = example_file();
	put32(f.buf + 0x48 + 8 + 12, 0x60); /* into the variable header */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_FILE_OFFSET, "data section");
	f = example_file();
	put32(f.buf + 0x48 + 8 + 12, 0x89); /* runs one byte past the end */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_FILE_OFFSET, "data section");
	f = small_file();
	put32(f.buf + find_entry(&f, IGVM_VHT_VP_CONTEXT, 0) + 8 + 12, 0);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_FILE_OFFSET, "no context data");
}

TEST(igvm_parser, misaligned_gpa)
{
	struct file f = example_file();

	put32(f.buf + 0x48 + 8, 0x1800);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_ALIGNMENT, "page aligned");
}

TEST(igvm_parser, overlapping_pages_within_a_platform)
{
	struct file f = example_file();

	put32(f.buf + 0x68 + 8, 0x1000); /* zero page onto the data page */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_OVERLAP, "0x1000");
}

static struct file two_platform_file(uint32_t first_mask, uint32_t second_mask)
{
	struct igvm_image img;

	igvm_image_init(&img, IGVM_FORMAT_VERSION_2);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_platform(&img, 2, IGVM_PLATFORM_NATIVE, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x3000), first_mask, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1},
			    NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x3000), second_mask, 0, 0, NULL, NULL) == IGVM_OK);
	return serialize(&img);
}

TEST(igvm_parser, same_gpa_on_different_platforms_is_fine)
{
	EXPECT_PARSE(two_platform_file(1, 2), IGVM_OK, "");
	EXPECT_PARSE(two_platform_file(3, 2), IGVM_ERR_OVERLAP, "mask 0x2");
}

TEST(igvm_parser, overlapping_parameter_insert)
{
	struct igvm_image img;

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_param_area(&img, 0, 2ULL * IGVM_PAGE_SIZE, NULL) == IGVM_OK);
	CHECK(igvm_add_param_insert(&img, gpa_init(0x4000), 1, 0, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x5000), 1, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_ERR_OVERLAP, "0x5000");
}

TEST(igvm_parser, platform_rules)
{
	struct file f = example_file();

	put32(f.buf + 0x18 + 8, 3); /* two bits */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_INVALID, "exactly one bit");
	f = example_file();
	f.buf[0x18 + 8 + 6] = 2; /* platform_version */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_INVALID, "version 2");
	f = example_file();
	f.buf[0x18 + 8 + 4] = 1; /* highest_vtl */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_INVALID, "highest_vtl");
	f = example_file();
	put32(f.buf + 0x48 + 8 + 8, 4); /* page mask names no platform */
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_INVALID, "no declared platform");
	f = example_file();
	put32(f.buf + 0x48 + 8 + 8, 0);
	refresh_checksum(&f);
	EXPECT_PARSE(f, IGVM_ERR_INVALID, "mask is 0");
}

TEST(igvm_parser, no_platform)
{
	struct igvm_image img;

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 1, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_ERR_INVALID, "compatibility mask");
}

TEST(igvm_parser, parameter_lifecycle)
{
	struct igvm_image img;

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_param(&img, IGVM_VHT_VP_COUNT_PARAMETER, 7, 0, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 1, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_ERR_INVALID, "not declared");

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_param_area(&img, 0, IGVM_PAGE_SIZE, NULL) == IGVM_OK);
	CHECK(igvm_add_param_insert(&img, gpa_init(0x4000), 1, 0, NULL) == IGVM_OK);
	CHECK(igvm_add_param(&img, IGVM_VHT_MEMORY_MAP, 0, 0, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 1, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_ERR_INVALID, "already inserted");

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_param_area(&img, 0, IGVM_PAGE_SIZE, NULL) == IGVM_OK);
	CHECK(igvm_add_param(&img, IGVM_VHT_VP_COUNT_PARAMETER, 0, IGVM_PAGE_SIZE - 2, NULL) ==
	      IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 1, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_ERR_INVALID, "does not fit");

	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	CHECK(igvm_add_platform(&img, 1, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK);
	CHECK(igvm_add_param_area(&img, 0, IGVM_PAGE_SIZE, NULL) == IGVM_OK);
	CHECK(igvm_add_param_area(&img, 0, IGVM_PAGE_SIZE, NULL) == IGVM_OK);
	CHECK(igvm_add_page(&img, gpa_init(0x1000), 1, 0, 0, (uint8_t[IGVM_PAGE_SIZE]){1}, NULL) ==
	      IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_ERR_INVALID, "declared twice");
}

TEST(igvm_parser, native_context_needs_zero_tail)
{
	struct igvm_image img;
	uint8_t context[IGVM_PAGE_SIZE] = {0};

	context[sizeof(struct igvm_native_vp_context_x64)] = 1;
	igvm_image_init(&img, IGVM_FORMAT_VERSION_2);
	CHECK(igvm_add_platform(&img, 2, IGVM_PLATFORM_NATIVE, NULL) == IGVM_OK);
	CHECK(igvm_add_vp_context(&img, gpa_init(0), 2, 0, context, NULL) == IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_ERR_INVALID, "232-byte");
	context[sizeof(struct igvm_native_vp_context_x64)] = 0;
	igvm_image_init(&img, IGVM_FORMAT_VERSION_2);
	CHECK(igvm_add_platform(&img, 2, IGVM_PLATFORM_NATIVE, NULL) == IGVM_OK);
	CHECK(igvm_add_vp_context(&img, gpa_init(0), 2, 0, context, NULL) == IGVM_OK);
	EXPECT_PARSE(serialize(&img), IGVM_OK, "");
}
