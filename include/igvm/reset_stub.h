/* SPDX-License-Identifier: MIT */
/*
 * The NATIVE platform's 16-bit reset stub (igvm/reset_stub.asm), a flat 4 KiB page placed at
 * LAYOUT_RESET_STUB_GPA. Its parameter block sits at the start of the page; `igvm build` patches
 * magic, entry and CR3. The stub halts if the magic is missing.
 */
#ifndef IGVM_RESET_STUB_H
#define IGVM_RESET_STUB_H

#include "igvm/image.h"

#define RESET_STUB_SIZE		 4096U
#define RESET_STUB_MAGIC	 0x4D41524150545352ULL /* "RSTPARAM" */
#define RESET_STUB_ID		 0x3142555453545352ULL /* "RSTSTUB1" */
#define RESET_STUB_VECTOR_OFFSET 0xFF0U		       /* 0xFFFFFFF0 within the page */

struct reset_stub_params {
	uint64_t magic;
	uint64_t entry;
	uint64_t cr3; /* the stub loads CR3 in 32-bit mode, so it must be below 4 GiB */
	uint64_t stub_id;
};
ABI_SIZE(struct reset_stub_params, 32);
ABI_OFFSET(struct reset_stub_params, magic, 0);
ABI_OFFSET(struct reset_stub_params, entry, 8);
ABI_OFFSET(struct reset_stub_params, cr3, 16);
ABI_OFFSET(struct reset_stub_params, stub_id, 24);

/* Copies the assembled stub into page and patches its parameter block. Fails if stub is not a
 * 4 KiB image of this stub or cr3 is not a page-aligned address below 4 GiB. */
enum igvm_status reset_stub_patch(uint8_t page[RESET_STUB_SIZE], const uint8_t *stub,
				  size_t stub_len, uint64_t entry, gpa_t cr3,
				  struct igvm_error *err);

#endif
