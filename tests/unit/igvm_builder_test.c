/* SPDX-License-Identifier: MIT */
/* The svsm-migrate image builder: round trip, layout, VMSA, reset stub, policy and bad ELFs. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/layout.h"
#include "svsm/test.h"

#include "igvm/builder.h"
#include "igvm/image.h"
#include "igvm/reset_stub.h"
#include "igvm/testing.h"
#include "snp/page_info.h"
#include "snp/vmsa.h"

static enum igvm_status build_from(const struct igvm_build_input *in, struct igvm_image *img,
				   struct igvm_error *err)
{
	igvm_image_init(img, IGVM_FORMAT_VERSION_2);
	return igvm_build_svsm_image(in, img, err);
}

static void build_small(struct igvm_image *img)
{
	struct igvm_build_input in;
	struct igvm_error err = {0};

	igvm_test_small_input(&in);
	if (build_from(&in, img, &err) != IGVM_OK) {
		test_fail_at(__FILE__, __LINE__, "build failed: %s", err.message);
	}
	igvm_test_free_input(&in);
}

static const struct igvm_header *find_page(const struct igvm_image *img, uint64_t gpa,
					   uint32_t mask)
{
	for (size_t i = 0; i < img->count; i++) {
		const struct igvm_header *h = &img->headers[i];

		if (h->type == IGVM_VHT_PAGE_DATA && h->body.page.gpa == gpa &&
		    (h->body.page.compatibility_mask & mask) != 0) {
			return h;
		}
	}
	return NULL;
}

static const struct igvm_header *find_type(const struct igvm_image *img, uint32_t type)
{
	for (size_t i = 0; i < img->count; i++) {
		if (img->headers[i].type == type) {
			return &img->headers[i];
		}
	}
	return NULL;
}

static void clear_data_offset(struct igvm_header *h)
{
	if (h->type == IGVM_VHT_PAGE_DATA) {
		h->body.page.file_offset = 0;
	}
	if (h->type == IGVM_VHT_VP_CONTEXT) {
		h->body.vp.file_offset = 0;
	}
}

TEST(igvm_builder, round_trip)
{
	struct igvm_image built;
	struct igvm_image parsed;
	struct igvm_error err = {0};
	uint8_t *file = NULL;
	size_t len = 0;

	build_small(&built);
	ASSERT_EQ(igvm_image_serialize(&built, &file, &len, &err), IGVM_OK);
	ASSERT_EQ(igvm_image_parse(file, len, &parsed, &err), IGVM_OK);
	EXPECT_EQ(parsed.format_version, IGVM_FORMAT_VERSION_2);
	ASSERT_EQ(parsed.count, built.count);
	for (size_t i = 0; i < built.count; i++) {
		struct igvm_header a = built.headers[i];
		struct igvm_header b = parsed.headers[i];

		EXPECT_EQ(a.type, b.type);
		clear_data_offset(&a);
		clear_data_offset(&b);
		EXPECT_MEMEQ(&a.body, &b.body, sizeof(a.body));
		EXPECT_EQ(a.data == NULL, b.data == NULL);
		if (a.data != NULL && b.data != NULL) {
			EXPECT_MEMEQ(a.data, b.data, IGVM_PAGE_SIZE);
		}
	}
	igvm_image_free(&parsed);
	igvm_image_free(&built);
	free(file);
}

TEST(igvm_builder, directive_order_and_masks)
{
	struct igvm_image img;
	size_t first_page = 0;
	const struct igvm_header *last;

	build_small(&img);
	ASSERT_GT(img.count, 10U);
	EXPECT_EQ(img.headers[0].body.platform.platform_type, IGVM_PLATFORM_SEV_SNP);
	EXPECT_EQ(img.headers[0].body.platform.compatibility_mask, IGVM_MASK_SNP);
	EXPECT_EQ(img.headers[1].body.platform.platform_type, IGVM_PLATFORM_NATIVE);
	EXPECT_EQ(img.headers[1].body.platform.compatibility_mask, IGVM_MASK_NATIVE);
	EXPECT_EQ(img.headers[2].type, IGVM_VHT_GUEST_POLICY);
	EXPECT_EQ(img.headers[2].body.policy.policy, 0x30000ULL);
	EXPECT_EQ(img.headers[2].body.policy.compatibility_mask, IGVM_MASK_SNP);
	while (first_page < img.count && img.headers[first_page].type != IGVM_VHT_PAGE_DATA) {
		first_page++;
	}
	for (size_t i = first_page; i < img.count; i++) {
		uint32_t type = img.headers[i].type;

		EXPECT_TRUE(type == IGVM_VHT_PAGE_DATA || type == IGVM_VHT_VP_CONTEXT);
		if (i > first_page) {
			EXPECT_GT(img.headers[i].body.page.gpa, img.headers[i - 1].body.page.gpa);
		}
	}
	last = &img.headers[img.count - 1];
	EXPECT_EQ(last->type, IGVM_VHT_VP_CONTEXT);
	EXPECT_EQ(last->body.vp.gpa, SNP_VMSA_RMP_GPA);
	EXPECT_EQ(last->body.vp.compatibility_mask, IGVM_MASK_SNP);
	EXPECT_EQ(find_page(&img, LAYOUT_SECRETS_GPA, IGVM_MASK_ALL)->body.page.data_type,
		  IGVM_PAGE_DATA_SECRETS);
	EXPECT_EQ(find_page(&img, LAYOUT_SECRETS_GPA, IGVM_MASK_ALL)->body.page.compatibility_mask,
		  IGVM_MASK_SNP);
	EXPECT_EQ(find_page(&img, LAYOUT_CPUID_GPA, IGVM_MASK_ALL)->body.page.data_type,
		  IGVM_PAGE_DATA_CPUID_DATA);
	EXPECT_EQ(
	    find_page(&img, LAYOUT_RESET_STUB_GPA, IGVM_MASK_ALL)->body.page.compatibility_mask,
	    IGVM_MASK_NATIVE);
	EXPECT_EQ(find_page(&img, LAYOUT_POLICY_GPA, IGVM_MASK_ALL)->body.page.compatibility_mask,
		  IGVM_MASK_ALL);
	EXPECT_TRUE(find_page(&img, LAYOUT_POLICY_GPA, IGVM_MASK_ALL)->data == NULL);
	igvm_image_free(&img);
}

TEST(igvm_builder, parameter_areas)
{
	struct igvm_image img;
	unsigned areas = 0;
	unsigned inserts = 0;

	build_small(&img);
	for (size_t i = 0; i < img.count; i++) {
		const struct igvm_header *h = &img.headers[i];

		if (h->type == IGVM_VHT_PARAMETER_AREA) {
			EXPECT_EQ(h->body.area.number_of_bytes, IGVM_PAGE_SIZE);
			areas++;
		}
		if (h->type == IGVM_VHT_PARAMETER_INSERT) {
			uint64_t want =
			    h->body.insert.parameter_area_index == LAYOUT_PARAM_AREA_GENERAL
				? LAYOUT_PARAM_GENERAL_GPA
				: LAYOUT_PARAM_MEMMAP_GPA;

			EXPECT_EQ(h->body.insert.gpa, want);
			EXPECT_EQ(h->body.insert.compatibility_mask, IGVM_MASK_ALL);
			inserts++;
		}
	}
	EXPECT_EQ(areas, 2U);
	EXPECT_EQ(inserts, 2U);
	ASSERT_TRUE(find_type(&img, IGVM_VHT_VP_COUNT_PARAMETER) != NULL);
	EXPECT_EQ(find_type(&img, IGVM_VHT_VP_COUNT_PARAMETER)->body.param.byte_offset, 0U);
	EXPECT_EQ(find_type(&img, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER)->body.param.byte_offset, 4U);
	EXPECT_EQ(find_type(&img, IGVM_VHT_MEMORY_MAP)->body.param.parameter_area_index,
		  LAYOUT_PARAM_AREA_MEMMAP);
	igvm_image_free(&img);
}

TEST(igvm_builder, page_tables_identity_map_4gib)
{
	struct igvm_image img;
	const struct igvm_header *pml4;
	const struct igvm_header *pdpt;
	const struct igvm_header *pd3;
	const uint64_t *e;

	build_small(&img);
	pml4 = find_page(&img, LAYOUT_INIT_PT_GPA, IGVM_MASK_ALL);
	pdpt = find_page(&img, LAYOUT_INIT_PT_GPA + 0x1000, IGVM_MASK_ALL);
	pd3 = find_page(&img, LAYOUT_INIT_PT_GPA + 0x5000, IGVM_MASK_ALL);
	ASSERT_TRUE(pml4 != NULL && pdpt != NULL && pd3 != NULL);
	ASSERT_TRUE(pml4->data != NULL && pdpt->data != NULL && pd3->data != NULL);
	EXPECT_EQ(pml4->body.page.compatibility_mask, IGVM_MASK_ALL);
	e = (const uint64_t *)pml4->data;
	EXPECT_EQ(e[0], LAYOUT_INIT_PT_GPA + 0x1000 + 0x3);
	EXPECT_EQ(e[1], 0ULL);
	e = (const uint64_t *)pdpt->data;
	EXPECT_EQ(e[3], LAYOUT_INIT_PT_GPA + 0x5000 + 0x3);
	EXPECT_EQ(e[4], 0ULL);
	e = (const uint64_t *)pd3->data;
	EXPECT_EQ(e[0], (3ULL << 30) | 0x83);
	EXPECT_EQ(e[511], (3ULL << 30) + 511 * HUGE_PAGE_SIZE + 0x83);
	igvm_image_free(&img);
}

TEST(igvm_builder, elf_segments_and_bss)
{
	struct igvm_image img;
	const struct igvm_header *code0;
	const struct igvm_header *code1;
	const struct igvm_header *data;
	const struct igvm_header *guest;

	build_small(&img);
	code0 = find_page(&img, 0x100000, IGVM_MASK_ALL);
	code1 = find_page(&img, 0x101000, IGVM_MASK_ALL);
	data = find_page(&img, 0x102000, IGVM_MASK_ALL);
	guest = find_page(&img, 0x4000000, IGVM_MASK_ALL);
	ASSERT_TRUE(code0 != NULL && code1 != NULL && data != NULL && guest != NULL);
	ASSERT_TRUE(code0->data != NULL && code1->data != NULL && data->data != NULL);
	EXPECT_EQ(code0->body.page.compatibility_mask, IGVM_MASK_ALL);
	EXPECT_EQ(code0->data[0], 0x10);
	EXPECT_EQ(code0->data[0xFF], 0x0F);
	EXPECT_EQ(code1->data[0], 0x10);
	EXPECT_EQ(code1->data[0x7FF], 0x0F);
	EXPECT_EQ(code1->data[0x800], 0x00);
	EXPECT_EQ(data->data[0], 0x80);
	EXPECT_EQ(data->data[0xF], 0x8F);
	EXPECT_EQ(data->data[0x10], 0x00);
	EXPECT_TRUE(find_page(&img, 0x103000, IGVM_MASK_ALL) != NULL);
	EXPECT_TRUE(find_page(&img, 0x103000, IGVM_MASK_ALL)->data == NULL);
	EXPECT_TRUE(find_page(&img, 0x104000, IGVM_MASK_ALL)->data == NULL);
	EXPECT_TRUE(find_page(&img, 0x105000, IGVM_MASK_ALL) == NULL);
	EXPECT_EQ(guest->data[0], 0x40);
	igvm_image_free(&img);
}

/* Fields QEMU's check_vmsa_supported lets through; everything else must stay zero. */
static bool vmsa_field_allowed(size_t offset)
{
	static const struct {
		size_t start;
		size_t end;
	} allowed[] = {
	    {0x000, 0x0A0}, /* ES, CS, SS, DS, FS, GS, GDTR, LDTR, IDTR, TR */
	    {0x0D0, 0x0D8}, /* EFER */
	    {0x148, 0x180}, /* CR4, CR3, CR0, DR7, DR6, RFLAGS, RIP */
	    {0x1D8, 0x1E0}, /* RSP */
	    {0x1F8, 0x200}, /* RAX */
	    {0x268, 0x270}, /* G_PAT */
	    {0x308, 0x320}, /* RCX, RDX, RBX */
	    {0x328, 0x380}, /* RBP .. R15 */
	    {0x3B0, 0x3B8}, /* sev_features */
	    {0x3E8, 0x3F0}, /* XCR0 */
	    {0x408, 0x40C}, /* MXCSR */
	    {0x410, 0x412}, /* X87_FCW */
	};

	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		if (offset >= allowed[i].start && offset < allowed[i].end) {
			return true;
		}
	}
	return false;
}

TEST(igvm_builder, snp_vmsa_entry_state)
{
	struct igvm_image img;
	const struct igvm_header *vp;
	const struct sev_vmsa *v;

	build_small(&img);
	vp = find_type(&img, IGVM_VHT_VP_CONTEXT);
	ASSERT_TRUE(vp != NULL && vp->data != NULL);
	v = (const struct sev_vmsa *)vp->data;
	EXPECT_EQ(v->rip, IGVM_TEST_SVSM_ENTRY);
	EXPECT_EQ(v->rax, (uint64_t)LAYOUT_PLATFORM_SNP);
	EXPECT_EQ(v->cr3, LAYOUT_INIT_PT_GPA);
	EXPECT_EQ(v->cr0 & 0x80000001ULL, 0x80000001ULL);
	EXPECT_EQ(v->cr4 & 0x20ULL, 0x20ULL);
	EXPECT_EQ(v->efer, 0x1D00ULL);
	EXPECT_EQ(v->rflags, 2ULL);
	EXPECT_EQ(v->xcr0, 1ULL);
	EXPECT_EQ(v->g_pat, 0x0007040600070406ULL);
	EXPECT_EQ(v->sev_features, SEV_FEAT_SNP | SEV_FEAT_RESTRICT_INJECTION);
	EXPECT_EQ(v->vmpl, 0);
	EXPECT_EQ(v->cs.attrib & 0x200, 0x200); /* L: 64-bit code */
	EXPECT_EQ(v->cs.attrib & 0x80, 0x80);	/* present */
	EXPECT_EQ(v->ds.attrib & 0x80, 0x80);
	EXPECT_EQ(v->ds.limit, 0xFFFFFFFFU);
	for (size_t off = 0; off < IGVM_PAGE_SIZE; off++) {
		if (vp->data[off] != 0 && !vmsa_field_allowed(off)) {
			test_fail_at(__FILE__, __LINE__,
				     "VMSA byte 0x%zx is set outside the "
				     "fields QEMU accepts",
				     off);
			break;
		}
	}
	igvm_image_free(&img);
}

TEST(igvm_builder, reset_stub_page_patched)
{
	struct igvm_image img;
	const struct igvm_header *page;
	struct reset_stub_params params;
	size_t stub_len;
	const uint8_t *stub = igvm_test_reset_stub(&stub_len);

	build_small(&img);
	page = find_page(&img, LAYOUT_RESET_STUB_GPA, IGVM_MASK_NATIVE);
	ASSERT_TRUE(page != NULL && page->data != NULL);
	memcpy(&params, page->data, sizeof(params));
	EXPECT_EQ(params.magic, RESET_STUB_MAGIC);
	EXPECT_EQ(params.entry, IGVM_TEST_SVSM_ENTRY);
	EXPECT_EQ(params.cr3, LAYOUT_INIT_PT_GPA);
	EXPECT_EQ(params.stub_id, RESET_STUB_ID);
	ASSERT_EQ(stub_len, (size_t)RESET_STUB_SIZE);
	EXPECT_MEMEQ(page->data + sizeof(params), stub + sizeof(params),
		     RESET_STUB_SIZE - sizeof(params));
	igvm_image_free(&img);
}

TEST(igvm_builder, reset_stub_binary_layout)
{
	size_t len;
	const uint8_t *stub = igvm_test_reset_stub(&len);
	struct reset_stub_params params;
	int16_t rel;
	uint32_t target;

	ASSERT_EQ(len, (size_t)RESET_STUB_SIZE);
	memcpy(&params, stub, sizeof(params));
	EXPECT_EQ(params.magic, 0ULL);
	EXPECT_EQ(params.entry, 0ULL);
	EXPECT_EQ(params.cr3, 0ULL);
	EXPECT_EQ(params.stub_id, RESET_STUB_ID);
	/* The reset vector is a near jump (E9 rel16) to code inside the page, after the block. */
	ASSERT_EQ(stub[RESET_STUB_VECTOR_OFFSET], 0xE9);
	memcpy(&rel, stub + RESET_STUB_VECTOR_OFFSET + 1, sizeof(rel));
	target = (RESET_STUB_VECTOR_OFFSET + 3 + (uint32_t)(int32_t)rel) & 0xFFF;
	EXPECT_GE(target, (uint32_t)sizeof(params));
	EXPECT_LT(target, RESET_STUB_VECTOR_OFFSET);
	EXPECT_EQ(stub[target], 0xFA); /* cli first */
}

TEST(igvm_builder, reset_stub_patch_rejects_bad_input)
{
	size_t len;
	const uint8_t *stub = igvm_test_reset_stub(&len);
	uint8_t page[RESET_STUB_SIZE];
	uint8_t patched[RESET_STUB_SIZE];
	struct igvm_error err = {0};

	EXPECT_EQ(reset_stub_patch(page, stub, len - 1, 0x100000, gpa_init(0x10000), &err),
		  IGVM_ERR_USAGE);
	memcpy(patched, stub, sizeof(patched));
	patched[24] ^= 1;
	EXPECT_EQ(reset_stub_patch(page, patched, len, 0x100000, gpa_init(0x10000), &err),
		  IGVM_ERR_USAGE);
	EXPECT_EQ(reset_stub_patch(page, stub, len, 0x100000, gpa_init(1ULL << 32), &err),
		  IGVM_ERR_LAYOUT);
	EXPECT_EQ(reset_stub_patch(page, stub, len, 0x100000, gpa_init(0x10800), &err),
		  IGVM_ERR_LAYOUT);
	ASSERT_EQ(reset_stub_patch(patched, stub, len, 0x100000, gpa_init(0x10000), &err), IGVM_OK);
	EXPECT_EQ(reset_stub_patch(page, patched, len, 0x100000, gpa_init(0x10000), &err),
		  IGVM_ERR_USAGE);
}

TEST(igvm_builder, policy_page)
{
	struct igvm_build_input in;
	struct igvm_image img;
	struct igvm_error err = {0};
	static const uint8_t policy[] = "migrate-to: anywhere";
	uint8_t big[IGVM_PAGE_SIZE + 1] = {0};
	const struct igvm_header *page;

	igvm_test_small_input(&in);
	in.policy = policy;
	in.policy_len = sizeof(policy);
	ASSERT_EQ(build_from(&in, &img, &err), IGVM_OK);
	page = find_page(&img, LAYOUT_POLICY_GPA, IGVM_MASK_ALL);
	ASSERT_TRUE(page != NULL && page->data != NULL);
	EXPECT_MEMEQ(page->data, policy, sizeof(policy));
	EXPECT_EQ(page->data[sizeof(policy)], 0);
	igvm_image_free(&img);
	in.policy = big;
	in.policy_len = sizeof(big);
	EXPECT_EQ(build_from(&in, &img, &err), IGVM_ERR_USAGE);
	igvm_image_free(&img);
	in.policy_len = 0;
	EXPECT_EQ(build_from(&in, &img, &err), IGVM_ERR_USAGE);
	igvm_image_free(&img);
	igvm_test_free_input(&in);
}

/* Builds with the SVSM ELF replaced by the given segments and returns the status. */
static enum igvm_status build_with_svsm(uint64_t entry, const struct test_elf_segment *segs,
					size_t count, struct igvm_error *err)
{
	struct igvm_build_input in;
	struct igvm_image img;
	enum igvm_status status;

	igvm_test_small_input(&in);
	free((void *)in.svsm_elf);
	in.svsm_elf = igvm_test_make_elf(entry, segs, count, &in.svsm_elf_len);
	status = build_from(&in, &img, err);
	igvm_image_free(&img);
	igvm_test_free_input(&in);
	return status;
}

TEST(igvm_builder, rejects_bad_layout)
{
	struct igvm_error err = {0};
	const struct test_elf_segment below[] = {{0x60000, 0x100, 0x1000, PF_R | PF_X, 1}};
	const struct test_elf_segment above[] = {{0x3FFF000, 0x100, 0x2000, PF_R | PF_X, 1}};
	const struct test_elf_segment overlap[] = {{0x100000, 0x100, 0x2000, PF_R | PF_X, 1},
						   {0x101000, 0x100, 0x1000, PF_R | PF_W, 1}};
	const struct test_elf_segment nx_entry[] = {{0x100000, 0x100, 0x1000, PF_R | PF_W, 1}};
	const struct test_elf_segment ok[] = {{0x100000, 0x100, 0x1000, PF_R | PF_X, 1}};
	const struct test_elf_segment migration[] = {
	    {0x100000, 0x100, 0x1000, PF_R | PF_X, 1},
	    {LAYOUT_MIGRATION_GPA - 0x1000, 0, 0x2000, PF_R | PF_W, 1}};

	EXPECT_EQ(build_with_svsm(0x60000, below, 1, &err), IGVM_ERR_LAYOUT);
	EXPECT_TRUE(strstr(err.message, "outside its region") != NULL);
	EXPECT_EQ(build_with_svsm(0x3FFF000, above, 1, &err), IGVM_ERR_LAYOUT);
	EXPECT_EQ(build_with_svsm(0x100000, overlap, 2, &err), IGVM_ERR_LAYOUT);
	EXPECT_TRUE(strstr(err.message, "overlap") != NULL);
	EXPECT_EQ(build_with_svsm(0x100000, nx_entry, 1, &err), IGVM_ERR_LAYOUT);
	EXPECT_EQ(build_with_svsm(0x200000, ok, 1, &err), IGVM_ERR_LAYOUT);
	EXPECT_TRUE(strstr(err.message, "entry") != NULL);
	EXPECT_EQ(build_with_svsm(0x100000, ok, 1, &err), IGVM_OK);
	EXPECT_EQ(build_with_svsm(0x100000, migration, 2, &err), IGVM_ERR_LAYOUT);
	EXPECT_TRUE(strstr(err.message, "MigrationPage") != NULL);
}

TEST(igvm_builder, rejects_guest_outside_its_region)
{
	struct igvm_build_input in;
	struct igvm_image img;
	struct igvm_error err = {0};
	const struct test_elf_segment guest[] = {
	    {LAYOUT_GUEST_PAYLOAD_GPA + LAYOUT_GUEST_PAYLOAD_MAX - 0x1000, 0x10, 0x2000,
	     PF_R | PF_X, 1}};

	igvm_test_small_input(&in);
	free((void *)in.guest_elf);
	in.guest_elf = igvm_test_make_elf(guest[0].paddr, guest, 1, &in.guest_elf_len);
	EXPECT_EQ(build_from(&in, &img, &err), IGVM_ERR_LAYOUT);
	EXPECT_TRUE(strstr(err.message, "guest ELF") != NULL);
	igvm_image_free(&img);
	igvm_test_free_input(&in);
}

TEST(igvm_builder, rejects_guest_entry_elsewhere)
{
	struct igvm_build_input in;
	struct igvm_image img;
	struct igvm_error err = {0};
	const struct test_elf_segment guest[] = {
	    {LAYOUT_GUEST_PAYLOAD_GPA, 0x100, 0x1000, PF_R | PF_X, 1}};

	igvm_test_small_input(&in);
	free((void *)in.guest_elf);
	in.guest_elf =
	    igvm_test_make_elf(LAYOUT_GUEST_PAYLOAD_GPA + 0x10, guest, 1, &in.guest_elf_len);
	EXPECT_EQ(build_from(&in, &img, &err), IGVM_ERR_LAYOUT);
	EXPECT_TRUE(strstr(err.message, "entry") != NULL);
	igvm_image_free(&img);
	igvm_test_free_input(&in);
}

static enum igvm_status read_elf_bytes(const uint8_t *buf, size_t len)
{
	struct elf_info info;
	struct igvm_error err = {0};

	return elf_read(buf, len, "test ELF", &info, &err);
}

TEST(igvm_builder, rejects_bad_elf_files)
{
	const struct test_elf_segment seg[] = {{0x100000, 0x100, 0x1000, PF_R | PF_X, 1}};
	size_t len;
	uint8_t *elf = igvm_test_make_elf(0x100000, seg, 1, &len);
	uint8_t *copy = malloc(len);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	ASSERT_TRUE(copy != NULL);
	EXPECT_EQ(read_elf_bytes(elf, len), IGVM_OK);
	EXPECT_EQ(read_elf_bytes(elf, 10), IGVM_ERR_ELF);
	EXPECT_EQ(read_elf_bytes(elf, len - 1), IGVM_ERR_ELF); /* segment data cut off */
	memcpy(copy, elf, len);
	copy[0] = 0x7E;
	EXPECT_EQ(read_elf_bytes(copy, len), IGVM_ERR_ELF);
	memcpy(copy, elf, len);
	copy[EI_CLASS] = ELFCLASS32;
	EXPECT_EQ(read_elf_bytes(copy, len), IGVM_ERR_ELF);
	memcpy(copy, elf, len);
	memcpy(&eh, copy, sizeof(eh));
	eh.e_machine = EM_AARCH64;
	memcpy(copy, &eh, sizeof(eh));
	EXPECT_EQ(read_elf_bytes(copy, len), IGVM_ERR_ELF);
	eh.e_machine = EM_X86_64;
	eh.e_type = ET_DYN;
	memcpy(copy, &eh, sizeof(eh));
	EXPECT_EQ(read_elf_bytes(copy, len), IGVM_ERR_ELF);
	eh.e_type = ET_EXEC;
	eh.e_phnum = 200;
	memcpy(copy, &eh, sizeof(eh));
	EXPECT_EQ(read_elf_bytes(copy, len), IGVM_ERR_ELF);
	memcpy(copy, elf, len);
	memcpy(&ph, copy + sizeof(eh), sizeof(ph));
	ph.p_filesz = ph.p_memsz + 1;
	memcpy(copy + sizeof(eh), &ph, sizeof(ph));
	EXPECT_EQ(read_elf_bytes(copy, len), IGVM_ERR_ELF);
	free(copy);
	free(elf);
}
