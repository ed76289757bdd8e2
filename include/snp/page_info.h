/* SPDX-License-Identifier: MIT */
/*
 * PAGE_INFO (SNP firmware ABI 56860, SNP_LAUNCH_UPDATE): the firmware extends the launch digest
 * with LD = SHA-384(PAGE_INFO) for every 4 KiB page it is given and for every VMSA.
 */
#ifndef SNP_PAGE_INFO_H
#define SNP_PAGE_INFO_H

#include "svsm/types.h"

#define SNP_DIGEST_SIZE 48U

/* Firmware page types (KVM_SEV_SNP_PAGE_TYPE_*; VMSA is KVM-internal). */
#define SNP_PAGE_TYPE_NORMAL	 0x1U
#define SNP_PAGE_TYPE_VMSA	 0x2U
#define SNP_PAGE_TYPE_ZERO	 0x3U
#define SNP_PAGE_TYPE_UNMEASURED 0x4U
#define SNP_PAGE_TYPE_SECRETS	 0x5U
#define SNP_PAGE_TYPE_CPUID	 0x6U

/* KVM records every VMSA in the RMP at this GPA ((u64)-1, page aligned, bits above 51 clear). */
#define SNP_VMSA_RMP_GPA 0xFFFFFFFFF000ULL

struct snp_page_info {
	uint8_t digest_cur[SNP_DIGEST_SIZE];
	uint8_t contents[SNP_DIGEST_SIZE]; /* SHA-384 of the page for NORMAL and VMSA, else zero */
	uint16_t length;		   /* sizeof(struct snp_page_info) */
	uint8_t page_type;
	uint8_t imi_page;
	uint8_t reserved;
	uint8_t vmpl1_perms;
	uint8_t vmpl2_perms;
	uint8_t vmpl3_perms;
	uint64_t gpa;
};
ABI_SIZE(struct snp_page_info, 0x70);
ABI_OFFSET(struct snp_page_info, digest_cur, 0x00);
ABI_OFFSET(struct snp_page_info, contents, 0x30);
ABI_OFFSET(struct snp_page_info, length, 0x60);
ABI_OFFSET(struct snp_page_info, page_type, 0x62);
ABI_OFFSET(struct snp_page_info, imi_page, 0x63);
ABI_OFFSET(struct snp_page_info, reserved, 0x64);
ABI_OFFSET(struct snp_page_info, vmpl1_perms, 0x65);
ABI_OFFSET(struct snp_page_info, vmpl2_perms, 0x66);
ABI_OFFSET(struct snp_page_info, vmpl3_perms, 0x67);
ABI_OFFSET(struct snp_page_info, gpa, 0x68);

#endif
