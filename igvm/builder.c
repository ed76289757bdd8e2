/* SPDX-License-Identifier: MIT */
/*
 * The svsm-migrate boot image. Two platforms share one file: SEV_SNP (mask 0x1) boots from a VMSA
 * already in 64-bit mode; NATIVE (mask 0x2, QEMU TCG) boots through the 16-bit reset stub. Both
 * get the same page tables, SVSM, guest payload, policy page and parameter areas. Directive order
 * follows COCONUT's igvmbuilder: every non-page directive first, then all pages sorted by GPA, so
 * that the VMSA (GPA 0xFFFFFFFFF000) is measured last, as KVM does.
 */
#include "igvm/builder.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/check.h"
#include "svsm/layout.h"

#include "igvm/reset_stub.h"
#include "snp/page_info.h"
#include "snp/vmsa.h"

#define PTE_PRESENT  (1ULL << 0)
#define PTE_WRITABLE (1ULL << 1)
#define PTE_HUGE     (1ULL << 7)
#define PT_ENTRIES   512U
#define GIB	     (1ULL << 30)
#define PD_COUNT     4U

#define X86_CR0_PE	    (1ULL << 0)
#define X86_CR0_ET	    (1ULL << 4)
#define X86_CR0_NE	    (1ULL << 5)
#define X86_CR0_PG	    (1ULL << 31)
#define X86_CR4_PAE	    (1ULL << 5)
#define X86_EFER_LME	    (1ULL << 8)
#define X86_EFER_LMA	    (1ULL << 10)
#define X86_EFER_NXE	    (1ULL << 11)
#define X86_EFER_SVME	    (1ULL << 12)
#define X86_RFLAGS_FIXED    0x2ULL
#define X86_XCR0_X87	    0x1ULL
#define X86_PAT_DEFAULT_SNP 0x0007040600070406ULL
#define X87_FCW_RESET	    0x037FU
#define MXCSR_RESET	    0x1F80U

#define SEL_CODE 0x08U
#define SEL_DATA 0x10U

struct build_page {
	uint64_t gpa;
	uint32_t mask;
	uint16_t data_type;
	bool vmsa;
	const char *what;
	uint8_t *data; /* owned; NULL for a zero page */
};

struct page_list {
	size_t count;
	size_t capacity;
	struct build_page *pages;
};

static void page_list_free(struct page_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->pages[i].data);
	}
	free(list->pages);
}

static bool page_is_zero(const uint8_t *page)
{
	for (size_t i = 0; i < IGVM_PAGE_SIZE; i++) {
		if (page[i] != 0) {
			return false;
		}
	}
	return true;
}

/* Takes ownership of data (which may be NULL); all-zero data becomes a zero page. */
static enum igvm_status page_list_add(struct page_list *list, struct build_page page,
				      struct igvm_error *err)
{
	if (page.data != NULL && !page.vmsa && page_is_zero(page.data)) {
		free(page.data);
		page.data = NULL;
	}
	if (list->count == list->capacity) {
		size_t capacity = list->capacity == 0 ? 256 : list->capacity * 2;
		struct build_page *grown = realloc(list->pages, capacity * sizeof(*grown));

		if (grown == NULL) {
			free(page.data);
			return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot track %zu pages",
					 capacity);
		}
		list->pages = grown;
		list->capacity = capacity;
	}
	list->pages[list->count++] = page;
	return IGVM_OK;
}

static enum igvm_status add_copied_page(struct page_list *list, uint64_t gpa, uint32_t mask,
					uint16_t data_type, const char *what, const void *data,
					struct igvm_error *err)
{
	struct build_page page = {.gpa = gpa, .mask = mask, .data_type = data_type, .what = what};

	if (data != NULL) {
		page.data = malloc(IGVM_PAGE_SIZE);
		if (page.data == NULL) {
			return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot allocate a page");
		}
		memcpy(page.data, data, IGVM_PAGE_SIZE);
	}
	return page_list_add(list, page, err);
}

void igvm_build_page_tables(uint8_t pages[][IGVM_PAGE_SIZE], size_t page_count, gpa_t base)
{
	uint64_t *pml4 = (uint64_t *)pages[0];
	uint64_t *pdpt = (uint64_t *)pages[1];

	CHECK(page_count == 2 + PD_COUNT);
	memset(pages, 0, page_count * IGVM_PAGE_SIZE);
	pml4[0] = gpa_addr(gpa_add(base, IGVM_PAGE_SIZE)) | PTE_PRESENT | PTE_WRITABLE;
	for (unsigned pd = 0; pd < PD_COUNT; pd++) {
		uint64_t *entries = (uint64_t *)pages[2 + pd];

		pdpt[pd] = gpa_addr(gpa_add(base, (uint64_t)(2 + pd) * IGVM_PAGE_SIZE)) |
			   PTE_PRESENT | PTE_WRITABLE;
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			entries[i] =
			    (pd * GIB + i * HUGE_PAGE_SIZE) | PTE_PRESENT | PTE_WRITABLE | PTE_HUGE;
		}
	}
}

static struct vmsa_segment flat_segment(uint16_t selector, uint16_t attrib)
{
	return (struct vmsa_segment){.selector = selector, .attrib = attrib, .limit = 0xFFFFFFFF};
}

/* Only fields QEMU's check_vmsa_supported accepts are set: KVM rebuilds the VMSA from vCPU state,
 * so anything else would be lost and the measurement would not match. */
void igvm_build_snp_vmsa(uint8_t page[IGVM_PAGE_SIZE], uint64_t entry, gpa_t cr3)
{
	struct sev_vmsa *v = (struct sev_vmsa *)page;

	memset(page, 0, IGVM_PAGE_SIZE);
	v->cs = flat_segment(SEL_CODE, VMSA_ATTRIB_CODE64);
	v->ds = flat_segment(SEL_DATA, VMSA_ATTRIB_DATA);
	v->es = v->ds;
	v->ss = v->ds;
	v->fs = v->ds;
	v->gs = v->ds;
	v->ldtr = (struct vmsa_segment){.attrib = VMSA_ATTRIB_LDT, .limit = 0xFFFF};
	v->tr = (struct vmsa_segment){.attrib = VMSA_ATTRIB_TSS, .limit = 0xFFFF};
	v->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG;
	v->cr4 = X86_CR4_PAE;
	v->cr3 = gpa_addr(cr3);
	v->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE | X86_EFER_SVME;
	v->rip = entry;
	v->rax = LAYOUT_PLATFORM_SNP;
	v->rflags = X86_RFLAGS_FIXED;
	v->xcr0 = X86_XCR0_X87;
	v->g_pat = X86_PAT_DEFAULT_SNP;
	v->x87_fcw = X87_FCW_RESET;
	v->mxcsr = MXCSR_RESET;
	v->sev_features = SEV_FEAT_SNP | SEV_FEAT_RESTRICT_INJECTION;
	v->vmpl = 0;
}

struct elf_region {
	const char *what;
	uint64_t start;
	uint64_t end;
};

/* Ranges inside the ELF regions that no segment may use. */
static const struct elf_region excluded_ranges[] = {
    {"the MigrationPage region (shared with the host)", LAYOUT_MIGRATION_GPA,
     LAYOUT_MIGRATION_GPA + LAYOUT_MIGRATION_MAX},
};

static enum igvm_status check_excluded(const struct elf_segment *s, const char *what,
				       struct igvm_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(excluded_ranges); i++) {
		const struct elf_region *x = &excluded_ranges[i];

		if (s->paddr < x->end && x->start < s->paddr + s->memsz) {
			return igvm_fail(err, IGVM_ERR_LAYOUT,
					 "%s: segment at 0x%llx (+0x%llx) overlaps %s [0x%llx, "
					 "0x%llx)",
					 what, (unsigned long long)s->paddr,
					 (unsigned long long)s->memsz, x->what,
					 (unsigned long long)x->start, (unsigned long long)x->end);
		}
	}
	return IGVM_OK;
}

static enum igvm_status check_segments(const struct elf_info *info, const struct elf_region *r,
				       struct igvm_error *err)
{
	for (size_t i = 0; i < info->segment_count; i++) {
		const struct elf_segment *s = &info->segments[i];

		if (s->paddr < r->start || s->paddr + s->memsz > r->end) {
			return igvm_fail(err, IGVM_ERR_LAYOUT,
					 "%s: segment at 0x%llx (+0x%llx) is outside its region "
					 "[0x%llx, 0x%llx)",
					 r->what, (unsigned long long)s->paddr,
					 (unsigned long long)s->memsz, (unsigned long long)r->start,
					 (unsigned long long)r->end);
		}
		if (check_excluded(s, r->what, err) != IGVM_OK) {
			return IGVM_ERR_LAYOUT;
		}
		for (size_t j = 0; j < i; j++) {
			const struct elf_segment *o = &info->segments[j];

			if (s->paddr < o->paddr + o->memsz && o->paddr < s->paddr + s->memsz) {
				return igvm_fail(err, IGVM_ERR_LAYOUT,
						 "%s: segments at 0x%llx and 0x%llx overlap",
						 r->what, (unsigned long long)o->paddr,
						 (unsigned long long)s->paddr);
			}
		}
	}
	return IGVM_OK;
}

/* Copies the file bytes of every segment that touch the page at gpa; *touched says whether any
 * segment (file bytes or bss) covers it. */
static void fill_elf_page(uint8_t *page, uint64_t gpa, const struct elf_info *info,
			  const uint8_t *file, bool *touched)
{
	*touched = false;
	memset(page, 0, IGVM_PAGE_SIZE);
	for (size_t i = 0; i < info->segment_count; i++) {
		const struct elf_segment *s = &info->segments[i];
		uint64_t lo = MAX(gpa, s->paddr);
		uint64_t mem_hi = MIN(gpa + IGVM_PAGE_SIZE, s->paddr + s->memsz);
		uint64_t file_hi = MIN(gpa + IGVM_PAGE_SIZE, s->paddr + s->filesz);

		if (lo >= mem_hi) {
			continue;
		}
		*touched = true;
		if (lo < file_hi) {
			memcpy(page + (lo - gpa), file + s->offset + (lo - s->paddr), file_hi - lo);
		}
	}
}

static enum igvm_status add_elf_pages(struct page_list *list, const struct elf_info *info,
				      const uint8_t *file, const char *what, struct igvm_error *err)
{
	uint64_t lo = UINT64_MAX;
	uint64_t hi = 0;

	for (size_t i = 0; i < info->segment_count; i++) {
		lo = MIN(lo, ALIGN_DOWN(info->segments[i].paddr, IGVM_PAGE_SIZE));
		hi = MAX(hi, ALIGN_UP(info->segments[i].paddr + info->segments[i].memsz,
				      IGVM_PAGE_SIZE));
	}
	for (uint64_t gpa = lo; gpa < hi; gpa += IGVM_PAGE_SIZE) {
		struct build_page page = {.gpa = gpa, .mask = IGVM_MASK_ALL, .what = what};
		bool touched;
		enum igvm_status status;

		page.data = malloc(IGVM_PAGE_SIZE);
		if (page.data == NULL) {
			return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot allocate a page");
		}
		fill_elf_page(page.data, gpa, info, file, &touched);
		if (!touched) {
			free(page.data);
			continue;
		}
		status = page_list_add(list, page, err);
		if (status != IGVM_OK) {
			return status;
		}
	}
	return IGVM_OK;
}

static enum igvm_status check_svsm_entry(const struct elf_info *info, struct igvm_error *err)
{
	for (size_t i = 0; i < info->segment_count; i++) {
		const struct elf_segment *s = &info->segments[i];

		if ((s->flags & PF_X) != 0 && info->entry >= s->paddr &&
		    info->entry < s->paddr + s->memsz) {
			return IGVM_OK;
		}
	}
	return igvm_fail(err, IGVM_ERR_LAYOUT,
			 "SVSM ELF: entry 0x%llx is not inside an executable segment at its "
			 "physical address (the initial page tables are an identity map)",
			 (unsigned long long)info->entry);
}

/* The SVSM enters the payload at the start of its window (svsm/core/guest.c). */
static enum igvm_status check_guest_entry(const struct elf_info *info, struct igvm_error *err)
{
	if (info->entry != LAYOUT_GUEST_PAYLOAD_GPA) {
		return igvm_fail(err, IGVM_ERR_LAYOUT,
				 "guest ELF: entry 0x%llx is not the start of the payload window "
				 "0x%llx, where the SVSM enters it",
				 (unsigned long long)info->entry, LAYOUT_GUEST_PAYLOAD_GPA);
	}
	return IGVM_OK;
}

static enum igvm_status add_elf(struct page_list *list, const uint8_t *buf, size_t len,
				const struct elf_region *region, struct elf_info *info,
				struct igvm_error *err)
{
	enum igvm_status status = elf_read(buf, len, region->what, info, err);

	if (status == IGVM_OK) {
		status = check_segments(info, region, err);
	}
	if (status == IGVM_OK) {
		status = add_elf_pages(list, info, buf, region->what, err);
	}
	return status;
}

static enum igvm_status add_page_tables(struct page_list *list, struct igvm_error *err)
{
	uint8_t(*tables)[IGVM_PAGE_SIZE] = malloc(LAYOUT_INIT_PT_PAGES * IGVM_PAGE_SIZE);
	enum igvm_status status = IGVM_OK;

	if (tables == NULL) {
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot allocate page tables");
	}
	igvm_build_page_tables(tables, LAYOUT_INIT_PT_PAGES, gpa_init(LAYOUT_INIT_PT_GPA));
	for (uint64_t i = 0; i < LAYOUT_INIT_PT_PAGES && status == IGVM_OK; i++) {
		status =
		    add_copied_page(list, LAYOUT_INIT_PT_GPA + i * IGVM_PAGE_SIZE, IGVM_MASK_ALL,
				    IGVM_PAGE_DATA_NORMAL, "initial page tables", tables[i], err);
	}
	free(tables);
	return status;
}

static enum igvm_status add_policy_page(struct page_list *list, const struct igvm_build_input *in,
					struct igvm_error *err)
{
	uint8_t page[IGVM_PAGE_SIZE] = {0};

	if (in->policy == NULL) {
		return add_copied_page(list, LAYOUT_POLICY_GPA, IGVM_MASK_ALL,
				       IGVM_PAGE_DATA_NORMAL, "policy", NULL, err);
	}
	if (in->policy_len == 0 || in->policy_len > LAYOUT_POLICY_PAGES * IGVM_PAGE_SIZE) {
		return igvm_fail(err, IGVM_ERR_USAGE,
				 "policy file is %zu bytes; it must hold 1 to %llu bytes",
				 in->policy_len, LAYOUT_POLICY_PAGES * IGVM_PAGE_SIZE);
	}
	memcpy(page, in->policy, in->policy_len);
	return add_copied_page(list, LAYOUT_POLICY_GPA, IGVM_MASK_ALL, IGVM_PAGE_DATA_NORMAL,
			       "policy", page, err);
}

static enum igvm_status add_snp_pages(struct page_list *list, uint64_t entry,
				      struct igvm_error *err)
{
	struct build_page vmsa = {
	    .gpa = SNP_VMSA_RMP_GPA,
	    .mask = IGVM_MASK_SNP,
	    .vmsa = true,
	    .what = "VMSA",
	};
	enum igvm_status status;

	status = add_copied_page(list, LAYOUT_SECRETS_GPA, IGVM_MASK_SNP, IGVM_PAGE_DATA_SECRETS,
				 "SNP secrets page", NULL, err);
	if (status == IGVM_OK) {
		/* QEMU fills the CPUID table from KVM and the firmware checks it; it is not
		 * measured, so an empty table is enough here. */
		status = add_copied_page(list, LAYOUT_CPUID_GPA, IGVM_MASK_SNP,
					 IGVM_PAGE_DATA_CPUID_DATA, "SNP CPUID page", NULL, err);
	}
	if (status != IGVM_OK) {
		return status;
	}
	vmsa.data = malloc(IGVM_PAGE_SIZE);
	if (vmsa.data == NULL) {
		return igvm_fail(err, IGVM_ERR_NO_MEMORY, "cannot allocate the VMSA");
	}
	igvm_build_snp_vmsa(vmsa.data, entry, gpa_init(LAYOUT_INIT_PT_GPA));
	return page_list_add(list, vmsa, err);
}

static enum igvm_status add_reset_stub(struct page_list *list, const struct igvm_build_input *in,
				       uint64_t entry, struct igvm_error *err)
{
	uint8_t page[RESET_STUB_SIZE];
	enum igvm_status status = reset_stub_patch(page, in->reset_stub, in->reset_stub_len, entry,
						   gpa_init(LAYOUT_INIT_PT_GPA), err);

	if (status != IGVM_OK) {
		return status;
	}
	return add_copied_page(list, LAYOUT_RESET_STUB_GPA, IGVM_MASK_NATIVE, IGVM_PAGE_DATA_NORMAL,
			       "reset stub", page, err);
}

static int compare_pages(const void *a, const void *b)
{
	const struct build_page *x = a;
	const struct build_page *y = b;

	if (x->gpa != y->gpa) {
		return x->gpa < y->gpa ? -1 : 1;
	}
	return x->mask < y->mask ? -1 : (x->mask > y->mask ? 1 : 0);
}

static enum igvm_status sort_and_check_pages(struct page_list *list, struct igvm_error *err)
{
	qsort(list->pages, list->count, sizeof(*list->pages), compare_pages);
	for (size_t i = 1; i < list->count; i++) {
		const struct build_page *a = &list->pages[i - 1];
		const struct build_page *b = &list->pages[i];

		if (a->gpa == b->gpa && (a->mask & b->mask) != 0) {
			return igvm_fail(err, IGVM_ERR_LAYOUT, "GPA 0x%llx is claimed by %s and %s",
					 (unsigned long long)a->gpa, a->what, b->what);
		}
	}
	return IGVM_OK;
}

/* The parameter pages are inserted by the loader; nothing else may claim them. */
static enum igvm_status check_reserved_pages(const struct page_list *list, struct igvm_error *err)
{
	static const uint64_t reserved[] = {LAYOUT_PARAM_GENERAL_GPA, LAYOUT_PARAM_MEMMAP_GPA,
					    LAYOUT_EMU_MEASUREMENT_GPA};

	for (size_t i = 0; i < list->count; i++) {
		for (size_t r = 0; r < ARRAY_SIZE(reserved); r++) {
			if (list->pages[i].gpa == reserved[r]) {
				return igvm_fail(
				    err, IGVM_ERR_LAYOUT, "%s claims the reserved page 0x%llx",
				    list->pages[i].what, (unsigned long long)reserved[r]);
			}
		}
	}
	return IGVM_OK;
}

static enum igvm_status add_non_page_directives(struct igvm_image *img, struct igvm_error *err)
{
	enum igvm_status s = igvm_add_platform(img, IGVM_MASK_SNP, IGVM_PLATFORM_SEV_SNP, err);

	if (s == IGVM_OK) {
		s = igvm_add_platform(img, IGVM_MASK_NATIVE, IGVM_PLATFORM_NATIVE, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_policy(img, SNP_POLICY_DEFAULT, IGVM_MASK_SNP, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_param_area(img, LAYOUT_PARAM_AREA_GENERAL, IGVM_PAGE_SIZE, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_param_area(img, LAYOUT_PARAM_AREA_MEMMAP, IGVM_PAGE_SIZE, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_param(img, IGVM_VHT_VP_COUNT_PARAMETER, LAYOUT_PARAM_AREA_GENERAL,
				   LAYOUT_PARAM_VP_COUNT_OFF, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_param(img, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER,
				   LAYOUT_PARAM_AREA_GENERAL, LAYOUT_PARAM_ENV_INFO_OFF, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_param(img, IGVM_VHT_MEMORY_MAP, LAYOUT_PARAM_AREA_MEMMAP, 0, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_param_insert(img, gpa_init(LAYOUT_PARAM_GENERAL_GPA), IGVM_MASK_ALL,
					  LAYOUT_PARAM_AREA_GENERAL, err);
	}
	if (s == IGVM_OK) {
		s = igvm_add_param_insert(img, gpa_init(LAYOUT_PARAM_MEMMAP_GPA), IGVM_MASK_ALL,
					  LAYOUT_PARAM_AREA_MEMMAP, err);
	}
	return s;
}

static enum igvm_status emit_pages(struct igvm_image *img, const struct page_list *list,
				   struct igvm_error *err)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct build_page *p = &list->pages[i];
		enum igvm_status status;

		if (p->vmsa) {
			status =
			    igvm_add_vp_context(img, gpa_init(p->gpa), p->mask, 0, p->data, err);
		} else {
			status = igvm_add_page(img, gpa_init(p->gpa), p->mask, 0, p->data_type,
					       p->data, err);
		}
		if (status != IGVM_OK) {
			return status;
		}
	}
	return IGVM_OK;
}

static enum igvm_status collect_pages(struct page_list *list, const struct igvm_build_input *in,
				      struct igvm_error *err)
{
	static const struct elf_region svsm_region = {"SVSM ELF", LAYOUT_SVSM_IMAGE_GPA,
						      LAYOUT_SVSM_REGION_END};
	static const struct elf_region guest_region = {"guest ELF", LAYOUT_GUEST_PAYLOAD_GPA,
						       LAYOUT_GUEST_PAYLOAD_GPA +
							   LAYOUT_GUEST_PAYLOAD_MAX};
	struct elf_info svsm;
	struct elf_info guest;
	enum igvm_status s =
	    add_elf(list, in->svsm_elf, in->svsm_elf_len, &svsm_region, &svsm, err);

	if (s == IGVM_OK) {
		s = check_svsm_entry(&svsm, err);
	}
	if (s == IGVM_OK) {
		s = add_elf(list, in->guest_elf, in->guest_elf_len, &guest_region, &guest, err);
	}
	if (s == IGVM_OK) {
		s = check_guest_entry(&guest, err);
	}
	if (s == IGVM_OK) {
		s = add_page_tables(list, err);
	}
	if (s == IGVM_OK) {
		s = add_policy_page(list, in, err);
	}
	if (s == IGVM_OK) {
		s = add_snp_pages(list, svsm.entry, err);
	}
	if (s == IGVM_OK) {
		s = add_reset_stub(list, in, svsm.entry, err);
	}
	return s;
}

enum igvm_status igvm_build_svsm_image(const struct igvm_build_input *in, struct igvm_image *img,
				       struct igvm_error *err)
{
	struct page_list list = {0};
	enum igvm_status status = collect_pages(&list, in, err);

	img->format_version = IGVM_FORMAT_VERSION_2;
	if (status == IGVM_OK) {
		status = sort_and_check_pages(&list, err);
	}
	if (status == IGVM_OK) {
		status = check_reserved_pages(&list, err);
	}
	if (status == IGVM_OK) {
		status = add_non_page_directives(img, err);
	}
	if (status == IGVM_OK) {
		status = emit_pages(img, &list, err);
	}
	page_list_free(&list);
	return status;
}
