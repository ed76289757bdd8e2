/* SPDX-License-Identifier: MIT */
/*
 * Building the svsm-migrate boot image (layout in include/svsm/layout.h) and the ELF reading it
 * needs. Every input is checked: the ELF files must be ELF64 x86-64 executables whose PT_LOAD
 * segments stay inside their region and never overlap each other or a fixed page.
 */
#ifndef IGVM_BUILDER_H
#define IGVM_BUILDER_H

#include "igvm/image.h"

#define ELF_MAX_SEGMENTS 32U

struct elf_segment {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset;
	uint32_t flags; /* PF_X, PF_W, PF_R */
};

struct elf_info {
	uint64_t entry;
	size_t segment_count;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/* Reads the PT_LOAD segments of an ELF64 little-endian x86-64 executable. what names the file in
 * messages. */
enum igvm_status elf_read(const uint8_t *buf, size_t len, const char *what, struct elf_info *info,
			  struct igvm_error *err);

struct igvm_build_input {
	const uint8_t *svsm_elf;
	size_t svsm_elf_len;
	const uint8_t *guest_elf;
	size_t guest_elf_len;
	const uint8_t *reset_stub;
	size_t reset_stub_len;
	const uint8_t *policy; /* NULL: the policy page is a zero page */
	size_t policy_len;
};

/* Builds the image (format version 2, SEV_SNP mask IGVM_MASK_SNP, NATIVE mask IGVM_MASK_NATIVE)
 * into img, which the caller initialises and frees. */
enum igvm_status igvm_build_svsm_image(const struct igvm_build_input *in, struct igvm_image *img,
				       struct igvm_error *err);

/* The SEV-SNP boot VMSA for an SVSM entered at entry with the initial page tables at cr3. */
void igvm_build_snp_vmsa(uint8_t page[IGVM_PAGE_SIZE], uint64_t entry, gpa_t cr3);

/* The identity map of 0-4 GiB (PML4, PDPT, 4 PDs of 2 MiB pages) for tables at base. */
void igvm_build_page_tables(uint8_t pages[][IGVM_PAGE_SIZE], size_t page_count, gpa_t base);

#endif
