/* SPDX-License-Identifier: MIT */
/* Patching the reset stub's parameter block (layout documented in igvm/reset_stub.asm). */
#include "igvm/reset_stub.h"

#include <string.h>

enum igvm_status reset_stub_patch(uint8_t page[RESET_STUB_SIZE], const uint8_t *stub,
				  size_t stub_len, uint64_t entry, gpa_t cr3,
				  struct igvm_error *err)
{
	struct reset_stub_params params;

	if (stub_len != RESET_STUB_SIZE) {
		return igvm_fail(err, IGVM_ERR_USAGE, "reset stub is %zu bytes, expected %u",
				 stub_len, RESET_STUB_SIZE);
	}
	memcpy(&params, stub, sizeof(params));
	if (params.stub_id != RESET_STUB_ID || params.magic != 0) {
		return igvm_fail(err, IGVM_ERR_USAGE,
				 "reset stub has no unpatched parameter block (id 0x%llx, magic "
				 "0x%llx): not built from igvm/reset_stub.asm",
				 (unsigned long long)params.stub_id,
				 (unsigned long long)params.magic);
	}
	if (!gpa_is_page_aligned(cr3) || gpa_addr(cr3) >= (1ULL << 32)) {
		return igvm_fail(
		    err, IGVM_ERR_LAYOUT,
		    "CR3 0x%llx must be page aligned and below 4 GiB for the reset stub",
		    (unsigned long long)gpa_addr(cr3));
	}
	memcpy(page, stub, RESET_STUB_SIZE);
	params.magic = RESET_STUB_MAGIC;
	params.entry = entry;
	params.cr3 = gpa_addr(cr3);
	memcpy(page, &params, sizeof(params));
	return IGVM_OK;
}
