/* SPDX-License-Identifier: MIT */
/* The SEV-SNP launch digest of an IGVM file, as the PSP computes it when QEMU/KVM load it. */
#ifndef IGVM_MEASURE_H
#define IGVM_MEASURE_H

#include "igvm/image.h"
#include "snp/page_info.h"

/* LD = SHA-384(PAGE_INFO{LD, contents, type, gpa}); contents NULL means 48 zero bytes. */
enum igvm_status snp_extend_digest(uint8_t digest[SNP_DIGEST_SIZE], uint8_t page_type, uint64_t gpa,
				   const uint8_t contents[SNP_DIGEST_SIZE], struct igvm_error *err);

/* Launch digest of img for its SEV_SNP platform, starting from 48 zero bytes. */
enum igvm_status igvm_snp_launch_digest(const struct igvm_image *img,
					uint8_t digest[SNP_DIGEST_SIZE], struct igvm_error *err);

#endif
