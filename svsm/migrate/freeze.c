/* SPDX-License-Identifier: MIT */
#include "svsm/migrate/freeze.h"

#include "svsm/core/guest_mem.h"
#include "svsm/log.h"
#include "svsm/plat.h"

void mig_set_guest_perm_all(enum plat_perm perm)
{
	const struct memmap *map = guest_mem_map();

	for (uint32_t r = 0; r < map->guest_count; r++) {
		for (uint64_t p = 0; p < map->guest[r].pages; p++) {
			gpa_t page = gpa_add(map->guest[r].start, p * PAGE_SIZE);

			/* A page invalidated meanwhile has no permission left to set. */
			if (guest_mem_validated(page)) {
				(void)plat_set_guest_perm(page, perm);
			}
		}
	}
	plat_flush_tlb_all();
}

void mig_tracking_begin(struct bitmap *dirty)
{
	bitmap_clear_range(dirty, 0, dirty->nbits);
	guest_mem_log_changes(dirty);
	plat_write_tracking_start(dirty);
	mig_set_guest_perm_all(PLAT_PERM_RX);
}

void mig_tracking_end(void)
{
	plat_write_tracking_stop();
	guest_mem_log_changes(NULL);
}

enum mig_error mig_checkpoint(uint64_t epoch, uint64_t timeout_ns)
{
	unsigned n = plat_vcpu_count();
	uint64_t deadline = plat_time_ns() + timeout_ns;

	for (unsigned v = 0; v < n; v++) {
		plat_vcpu_request_park(v);
	}
	for (unsigned v = 0; v < n; v++) {
		while (!plat_vcpu_parked(v)) {
			if (plat_time_ns() > deadline) {
				LOG_WARN(
				    "migrate: epoch %llu: vcpu %u did not park within %llu ms\n",
				    (unsigned long long)epoch, v,
				    (unsigned long long)(timeout_ns / 1000000));
				return MIG_ERR_VCPU_TIMEOUT;
			}
			__asm__ volatile("pause");
		}
	}
	mig_set_guest_perm_all(PLAT_PERM_NONE);
	mig_tracking_end();
	for (unsigned v = 0; v < n; v++) {
		if (!plat_vcpu_parked(v)) {
			return MIG_ERR_VCPU_TIMEOUT;
		}
	}
	return MIG_ERR_NONE;
}

void mig_guest_release(void)
{
	mig_tracking_end();
	mig_set_guest_perm_all(PLAT_PERM_RWX);
	for (unsigned v = 0; v < plat_vcpu_count(); v++) {
		plat_vcpu_resume(v);
	}
}
