/* SPDX-License-Identifier: MIT */
/*
 * The IGVM file format (Independent Guest Virtual Machine, microsoft/igvm crate igvm_defs 0.4):
 * a fixed header, a variable header of 8-byte aligned type/length/body entries, then file data
 * that headers point into by absolute file offset. Little endian throughout. Only what
 * svsm-migrate writes or must recognise is defined here.
 */
#ifndef IGVM_IGVM_H
#define IGVM_IGVM_H

#include "svsm/types.h"

#define IGVM_MAGIC	      0x4D564749U /* "IGVM" as bytes 49 47 56 4D */
#define IGVM_FORMAT_VERSION_1 1U
#define IGVM_FORMAT_VERSION_2 2U
#define IGVM_ARCH_X64	      0U
#define IGVM_ARCH_AARCH64     1U
#define IGVM_PAGE_SIZE	      4096U
#define IGVM_HEADER_ALIGN     8U

/* Revision 1 fixed header. The checksum is a CRC-32 (zlib) of the fixed header with the checksum
 * field zeroed, followed by the variable header; file data is not covered. */
struct igvm_fixed_header {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
};
ABI_SIZE(struct igvm_fixed_header, 24);
ABI_OFFSET(struct igvm_fixed_header, magic, 0);
ABI_OFFSET(struct igvm_fixed_header, format_version, 4);
ABI_OFFSET(struct igvm_fixed_header, variable_header_offset, 8);
ABI_OFFSET(struct igvm_fixed_header, variable_header_size, 12);
ABI_OFFSET(struct igvm_fixed_header, total_file_size, 16);
ABI_OFFSET(struct igvm_fixed_header, checksum, 20);

/* Revision 2 fixed header: revision 1 plus architecture and page size (only 4096 is valid). */
struct igvm_fixed_header_v2 {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
	uint32_t architecture;
	uint32_t page_size;
};
ABI_SIZE(struct igvm_fixed_header_v2, 32);
ABI_OFFSET(struct igvm_fixed_header_v2, magic, 0);
ABI_OFFSET(struct igvm_fixed_header_v2, format_version, 4);
ABI_OFFSET(struct igvm_fixed_header_v2, variable_header_offset, 8);
ABI_OFFSET(struct igvm_fixed_header_v2, variable_header_size, 12);
ABI_OFFSET(struct igvm_fixed_header_v2, total_file_size, 16);
ABI_OFFSET(struct igvm_fixed_header_v2, checksum, 20);
ABI_OFFSET(struct igvm_fixed_header_v2, architecture, 24);
ABI_OFFSET(struct igvm_fixed_header_v2, page_size, 28);

/* Every variable-header entry starts with this. length counts the body only, unpadded; the next
 * entry starts at the next 8-byte boundary and the padding must be zero. */
struct igvm_var_header {
	uint32_t type;
	uint32_t length;
};
ABI_SIZE(struct igvm_var_header, 8);
ABI_OFFSET(struct igvm_var_header, type, 0);
ABI_OFFSET(struct igvm_var_header, length, 4);

/* Variable-header types. Sections must appear in the order platform, init, directive. */
#define IGVM_VHT_OPTIONAL_BIT 0x80000000U

#define IGVM_VHT_RANGE_PLATFORM_FIRST  0x001U
#define IGVM_VHT_RANGE_PLATFORM_LAST   0x100U
#define IGVM_VHT_RANGE_INIT_FIRST      0x101U
#define IGVM_VHT_RANGE_INIT_LAST       0x200U
#define IGVM_VHT_RANGE_DIRECTIVE_FIRST 0x301U
#define IGVM_VHT_RANGE_DIRECTIVE_LAST  0x400U

#define IGVM_VHT_SUPPORTED_PLATFORM	      0x001U
#define IGVM_VHT_GUEST_POLICY		      0x101U
#define IGVM_VHT_RELOCATABLE_REGION	      0x102U
#define IGVM_VHT_PAGE_TABLE_RELOCATION_REGION 0x103U
#define IGVM_VHT_PARAMETER_AREA		      0x301U
#define IGVM_VHT_PAGE_DATA		      0x302U
#define IGVM_VHT_PARAMETER_INSERT	      0x303U
#define IGVM_VHT_VP_CONTEXT		      0x304U
#define IGVM_VHT_REQUIRED_MEMORY	      0x305U
#define IGVM_VHT_VP_COUNT_PARAMETER	      0x307U
#define IGVM_VHT_SRAT			      0x308U
#define IGVM_VHT_MADT			      0x309U
#define IGVM_VHT_MMIO_RANGES		      0x30AU
#define IGVM_VHT_SNP_ID_BLOCK		      0x30BU
#define IGVM_VHT_MEMORY_MAP		      0x30CU
#define IGVM_VHT_ERROR_RANGE		      0x30DU
#define IGVM_VHT_COMMAND_LINE		      0x30EU
#define IGVM_VHT_SLIT			      0x30FU
#define IGVM_VHT_PPTT			      0x310U
#define IGVM_VHT_VBS_MEASUREMENT	      0x311U
#define IGVM_VHT_DEVICE_TREE		      0x312U
#define IGVM_VHT_ENVIRONMENT_INFO_PARAMETER   0x313U

/* Platform types (igvm_supported_platform.platform_type). */
#define IGVM_PLATFORM_NATIVE	    0x00U
#define IGVM_PLATFORM_VSM_ISOLATION 0x01U
#define IGVM_PLATFORM_SEV_SNP	    0x02U
#define IGVM_PLATFORM_TDX	    0x03U
#define IGVM_PLATFORM_SEV	    0x04U
#define IGVM_PLATFORM_SEV_ES	    0x05U
#define IGVM_PLATFORM_CCA	    0x06U
#define IGVM_PLATFORM_VERSION	    1U /* the only version of every platform */

/* Compatibility masks svsm-migrate images use (one bit per platform, as COCONUT does). */
#define IGVM_MASK_SNP	 0x1U
#define IGVM_MASK_NATIVE 0x2U
#define IGVM_MASK_ALL	 (IGVM_MASK_SNP | IGVM_MASK_NATIVE)

/* IGVM_VHS_SUPPORTED_PLATFORM. compatibility_mask has exactly one bit set; highest_vtl is 0 or 2;
 * shared_gpa_boundary is the vTOM (0: unused, and must be 0 for NATIVE). */
struct igvm_supported_platform {
	uint32_t compatibility_mask;
	uint8_t highest_vtl;
	uint8_t platform_type;
	uint16_t platform_version;
	uint64_t shared_gpa_boundary;
};
ABI_SIZE(struct igvm_supported_platform, 16);
ABI_OFFSET(struct igvm_supported_platform, compatibility_mask, 0);
ABI_OFFSET(struct igvm_supported_platform, highest_vtl, 4);
ABI_OFFSET(struct igvm_supported_platform, platform_type, 5);
ABI_OFFSET(struct igvm_supported_platform, platform_version, 6);
ABI_OFFSET(struct igvm_supported_platform, shared_gpa_boundary, 8);

/* SEV-SNP guest policy bits (SNP firmware ABI; bit 17 must be one). */
#define SNP_POLICY_ABI_MINOR_MASK 0xFFULL
#define SNP_POLICY_ABI_MAJOR_MASK 0xFF00ULL
#define SNP_POLICY_SMT		  (1ULL << 16)
#define SNP_POLICY_RESERVED_ONE	  (1ULL << 17)
#define SNP_POLICY_MIGRATE_MA	  (1ULL << 18)
#define SNP_POLICY_DEBUG	  (1ULL << 19)
#define SNP_POLICY_SINGLE_SOCKET  (1ULL << 20)
#define SNP_POLICY_DEFAULT	  (SNP_POLICY_SMT | SNP_POLICY_RESERVED_ONE) /* 0x30000 */

/* IGVM_VHS_GUEST_POLICY (init section). */
struct igvm_guest_policy {
	uint64_t policy;
	uint32_t compatibility_mask;
	uint32_t reserved;
};
ABI_SIZE(struct igvm_guest_policy, 16);
ABI_OFFSET(struct igvm_guest_policy, policy, 0);
ABI_OFFSET(struct igvm_guest_policy, compatibility_mask, 8);
ABI_OFFSET(struct igvm_guest_policy, reserved, 12);

/* Page data flags and data types. */
#define IGVM_PAGE_FLAG_2MB	  (1U << 0)
#define IGVM_PAGE_FLAG_UNMEASURED (1U << 1)
#define IGVM_PAGE_FLAG_SHARED	  (1U << 2)
#define IGVM_PAGE_FLAGS_KNOWN	  0x7U

#define IGVM_PAGE_DATA_NORMAL	  0U
#define IGVM_PAGE_DATA_SECRETS	  1U
#define IGVM_PAGE_DATA_CPUID_DATA 2U
#define IGVM_PAGE_DATA_CPUID_XF	  3U

/* IGVM_VHS_PAGE_DATA. file_offset is from the start of the file; 0 means a page of zeros, loaded
 * as a normal private page of zeros. The data at file_offset is always one 4 KiB page. */
struct igvm_page_data {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint32_t flags;
	uint16_t data_type;
	uint16_t reserved;
};
ABI_SIZE(struct igvm_page_data, 24);
ABI_OFFSET(struct igvm_page_data, gpa, 0);
ABI_OFFSET(struct igvm_page_data, compatibility_mask, 8);
ABI_OFFSET(struct igvm_page_data, file_offset, 12);
ABI_OFFSET(struct igvm_page_data, flags, 16);
ABI_OFFSET(struct igvm_page_data, data_type, 20);
ABI_OFFSET(struct igvm_page_data, reserved, 22);

/* IGVM_VHS_PARAMETER_AREA: declares a zeroed (file_offset 0) buffer of number_of_bytes (a page
 * multiple) under an index that parameter headers fill and one PARAMETER_INSERT places. */
struct igvm_parameter_area {
	uint64_t number_of_bytes;
	uint32_t parameter_area_index;
	uint32_t file_offset;
};
ABI_SIZE(struct igvm_parameter_area, 16);
ABI_OFFSET(struct igvm_parameter_area, number_of_bytes, 0);
ABI_OFFSET(struct igvm_parameter_area, parameter_area_index, 8);
ABI_OFFSET(struct igvm_parameter_area, file_offset, 12);

/* IGVM_VHS_PARAMETER_INSERT: imports the area as unmeasured pages at gpa (page aligned). */
struct igvm_parameter_insert {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t parameter_area_index;
};
ABI_SIZE(struct igvm_parameter_insert, 16);
ABI_OFFSET(struct igvm_parameter_insert, gpa, 0);
ABI_OFFSET(struct igvm_parameter_insert, compatibility_mask, 8);
ABI_OFFSET(struct igvm_parameter_insert, parameter_area_index, 12);

/* IGVM_VHS_PARAMETER: body of VP_COUNT, ENVIRONMENT_INFO, MEMORY_MAP and the other parameter
 * headers. It has no compatibility mask: it applies to every platform. */
struct igvm_parameter {
	uint32_t parameter_area_index;
	uint32_t byte_offset;
};
ABI_SIZE(struct igvm_parameter, 8);
ABI_OFFSET(struct igvm_parameter, parameter_area_index, 0);
ABI_OFFSET(struct igvm_parameter, byte_offset, 4);

/* ENVIRONMENT_INFO payload (u32) bits. */
#define IGVM_ENV_INFO_MEMORY_IS_SHARED (1U << 0)

/* IGVM_VHS_VP_CONTEXT: 20 bytes with the u64 unaligned-capable (alignment 4), padded to 24 in the
 * file. For SEV-SNP the blob at file_offset is a 4 KiB VMSA placed at gpa (0xFFFFFFFFF000 under
 * KVM); for NATIVE it is struct igvm_native_vp_context_x64 followed by zeros and gpa is 0. */
struct __attribute__((packed, aligned(4))) igvm_vp_context {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint16_t vp_index;
	uint16_t reserved;
};
ABI_SIZE(struct igvm_vp_context, 20);
ABI_OFFSET(struct igvm_vp_context, gpa, 0);
ABI_OFFSET(struct igvm_vp_context, compatibility_mask, 8);
ABI_OFFSET(struct igvm_vp_context, file_offset, 12);
ABI_OFFSET(struct igvm_vp_context, vp_index, 16);
ABI_OFFSET(struct igvm_vp_context, reserved, 18);

/* IGVM_VHS_REQUIRED_MEMORY: a hint that RAM must exist at [gpa, gpa + number_of_bytes). */
#define IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE (1U << 0)

struct igvm_required_memory {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t number_of_bytes;
	uint32_t flags;
	uint32_t reserved;
};
ABI_SIZE(struct igvm_required_memory, 24);
ABI_OFFSET(struct igvm_required_memory, gpa, 0);
ABI_OFFSET(struct igvm_required_memory, compatibility_mask, 8);
ABI_OFFSET(struct igvm_required_memory, number_of_bytes, 12);
ABI_OFFSET(struct igvm_required_memory, flags, 16);
ABI_OFFSET(struct igvm_required_memory, reserved, 20);

/* MEMORY_MAP payload: entries sorted by start, terminated by an entry with number_of_pages 0. */
#define IGVM_MEMORY_MAP_MEMORY		  0U
#define IGVM_MEMORY_MAP_PLATFORM_RESERVED 1U
#define IGVM_MEMORY_MAP_PERSISTENT	  2U
#define IGVM_MEMORY_MAP_VTL2_PROTECTABLE  3U

struct igvm_memory_map_entry {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
	uint16_t entry_type;
	uint16_t flags;
	uint32_t reserved;
};
ABI_SIZE(struct igvm_memory_map_entry, 24);
ABI_OFFSET(struct igvm_memory_map_entry, starting_gpa_page_number, 0);
ABI_OFFSET(struct igvm_memory_map_entry, number_of_pages, 8);
ABI_OFFSET(struct igvm_memory_map_entry, entry_type, 16);
ABI_OFFSET(struct igvm_memory_map_entry, flags, 18);
ABI_OFFSET(struct igvm_memory_map_entry, reserved, 20);

/* IgvmNativeVpContextX64 (format version 2 only). Segment attributes use the 16-bit layout:
 * bits 0-3 type, 4 S, 5-6 DPL, 7 P, 8-11 zero, 12 AVL, 13 L, 14 D/B, 15 G. The data segment
 * fields apply to ES, DS, SS, FS and GS. Unlisted registers keep their reset values. */
struct igvm_native_vp_context_x64 {
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rbx;
	uint64_t rsp;
	uint64_t rbp;
	uint64_t rsi;
	uint64_t rdi;
	uint64_t r8;
	uint64_t r9;
	uint64_t r10;
	uint64_t r11;
	uint64_t r12;
	uint64_t r13;
	uint64_t r14;
	uint64_t r15;
	uint64_t rip;
	uint64_t rflags;
	uint64_t idtr_base;
	uint16_t idtr_limit;
	uint16_t reserved[2];
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	uint16_t code_selector;
	uint16_t code_attributes;
	uint32_t code_base;
	uint32_t code_limit;
	uint16_t data_selector;
	uint16_t data_attributes;
	uint32_t data_base;
	uint32_t data_limit;
	uint64_t gs_base;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};
ABI_SIZE(struct igvm_native_vp_context_x64, 232);
ABI_OFFSET(struct igvm_native_vp_context_x64, rax, 0x00);
ABI_OFFSET(struct igvm_native_vp_context_x64, rcx, 0x08);
ABI_OFFSET(struct igvm_native_vp_context_x64, rdx, 0x10);
ABI_OFFSET(struct igvm_native_vp_context_x64, rbx, 0x18);
ABI_OFFSET(struct igvm_native_vp_context_x64, rsp, 0x20);
ABI_OFFSET(struct igvm_native_vp_context_x64, rbp, 0x28);
ABI_OFFSET(struct igvm_native_vp_context_x64, rsi, 0x30);
ABI_OFFSET(struct igvm_native_vp_context_x64, rdi, 0x38);
ABI_OFFSET(struct igvm_native_vp_context_x64, r8, 0x40);
ABI_OFFSET(struct igvm_native_vp_context_x64, r9, 0x48);
ABI_OFFSET(struct igvm_native_vp_context_x64, r10, 0x50);
ABI_OFFSET(struct igvm_native_vp_context_x64, r11, 0x58);
ABI_OFFSET(struct igvm_native_vp_context_x64, r12, 0x60);
ABI_OFFSET(struct igvm_native_vp_context_x64, r13, 0x68);
ABI_OFFSET(struct igvm_native_vp_context_x64, r14, 0x70);
ABI_OFFSET(struct igvm_native_vp_context_x64, r15, 0x78);
ABI_OFFSET(struct igvm_native_vp_context_x64, rip, 0x80);
ABI_OFFSET(struct igvm_native_vp_context_x64, rflags, 0x88);
ABI_OFFSET(struct igvm_native_vp_context_x64, idtr_base, 0x90);
ABI_OFFSET(struct igvm_native_vp_context_x64, idtr_limit, 0x98);
ABI_OFFSET(struct igvm_native_vp_context_x64, reserved, 0x9A);
ABI_OFFSET(struct igvm_native_vp_context_x64, gdtr_limit, 0x9E);
ABI_OFFSET(struct igvm_native_vp_context_x64, gdtr_base, 0xA0);
ABI_OFFSET(struct igvm_native_vp_context_x64, code_selector, 0xA8);
ABI_OFFSET(struct igvm_native_vp_context_x64, code_attributes, 0xAA);
ABI_OFFSET(struct igvm_native_vp_context_x64, code_base, 0xAC);
ABI_OFFSET(struct igvm_native_vp_context_x64, code_limit, 0xB0);
ABI_OFFSET(struct igvm_native_vp_context_x64, data_selector, 0xB4);
ABI_OFFSET(struct igvm_native_vp_context_x64, data_attributes, 0xB6);
ABI_OFFSET(struct igvm_native_vp_context_x64, data_base, 0xB8);
ABI_OFFSET(struct igvm_native_vp_context_x64, data_limit, 0xBC);
ABI_OFFSET(struct igvm_native_vp_context_x64, gs_base, 0xC0);
ABI_OFFSET(struct igvm_native_vp_context_x64, cr0, 0xC8);
ABI_OFFSET(struct igvm_native_vp_context_x64, cr3, 0xD0);
ABI_OFFSET(struct igvm_native_vp_context_x64, cr4, 0xD8);
ABI_OFFSET(struct igvm_native_vp_context_x64, efer, 0xE0);

#endif
