/* SPDX-License-Identifier: MIT */
/*
 * Region validation through the SVSM core PVALIDATE call. Requests are built in the page at
 * info->pvalidate_gpa; the SVSM advances the header's `next` as it works, and a call that stops
 * early (SVSM_ERR_INCOMPLETE, or success with entries left) is repeated for the rest.
 */
#include "guest.h"
#include "svsm_call.h"

#define REQUEST_MAX_ENTRIES SVSM_PVALIDATE_MAX_ENTRIES(0)
/* Calls in a row that may leave `next` where it was before the payload gives up. */
#define MAX_CALLS_WITHOUT_PROGRESS 64U

struct pvalidate_request {
	struct svsm_pvalidate_header header;
	uint64_t entries[REQUEST_MAX_ENTRIES];
};
_Static_assert(sizeof(struct pvalidate_request) <= PAGE_SIZE, "request fits its page");

/* Repeats the call until the SVSM has processed every entry, fails, or stops making progress. */
static uint64_t submit(volatile struct pvalidate_request *request, uint16_t count)
{
	unsigned calls_without_progress = 0;

	for (;;) {
		uint16_t before = request->header.next;
		uint64_t result = svsm_call(SVSM_PROTOCOL_CORE, SVSM_CORE_PVALIDATE,
					    ptr_to_gpa((const void *)request), 0, 0);
		uint16_t next = request->header.next;

		if (result != SVSM_SUCCESS && result != SVSM_ERR_INCOMPLETE) {
			return result;
		}
		if (next > count) {
			return SVSM_ERR_INVALID_FORMAT;
		}
		if (next == count) {
			return SVSM_SUCCESS;
		}
		calls_without_progress = next > before ? 0 : calls_without_progress + 1;
		if (calls_without_progress >= MAX_CALLS_WITHOUT_PROGRESS) {
			return SVSM_ERR_INCOMPLETE;
		}
	}
}

static uint64_t validate_batch(volatile struct pvalidate_request *request, uint64_t first_gpa,
			       uint16_t count)
{
	for (uint16_t i = 0; i < count; i++) {
		request->entries[i] = (first_gpa + (uint64_t)i * PAGE_SIZE) |
				      SVSM_PVALIDATE_VALIDATE | SVSM_PVALIDATE_SIZE_4K;
	}
	request->header.entries = count;
	request->header.next = 0;
	request->header.reserved = 0;
	return submit(request, count);
}

uint64_t guest_validate_region(const struct guest_vcpu_info *info)
{
	volatile struct pvalidate_request *request = gpa_to_ptr(info->pvalidate_gpa);
	uint64_t pages = info->region_size / PAGE_SIZE;

	for (uint64_t done = 0; done < pages;) {
		uint16_t count = (uint16_t)MIN(pages - done, (uint64_t)REQUEST_MAX_ENTRIES);
		uint64_t result =
		    validate_batch(request, info->region_gpa + done * PAGE_SIZE, count);

		if (result != SVSM_SUCCESS) {
			return result;
		}
		done += count;
	}
	return SVSM_SUCCESS;
}
