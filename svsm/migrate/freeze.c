/* SPDX-License-Identifier: MIT */
#include "svsm/migrate/freeze.h"

#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/log.h"
#include "svsm/plat.h"

enum plat_status mig_set_guest_perm_all(enum plat_perm perm)
{
	const struct memmap *map = guest_mem_map();
	enum plat_status s = PLAT_OK;

	/* The platform skips pages the guest has not validated (or invalidated meanwhile). */
	for (uint32_t r = 0; r < map->guest_count && s == PLAT_OK; r++) {
		s = plat_set_guest_perm_range(map->guest[r].start, map->guest[r].pages, perm);
	}
	plat_flush_tlb_all();
	if (s != PLAT_OK) {
		LOG_ERROR("migrate: setting guest permissions failed: %s\n", plat_status_str(s));
	}
	return s;
}

enum mig_error mig_tracking_begin(struct bitmap *dirty)
{
	bitmap_clear_range(dirty, 0, dirty->nbits);
	guest_mem_log_changes(dirty);
	plat_write_tracking_start(dirty);
	if (mig_set_guest_perm_all(PLAT_PERM_RX) != PLAT_OK) {
		/* Some pages may be writable and untracked: pre-copy cannot start. */
		mig_tracking_end();
		return MIG_ERR_INTERNAL;
	}
	return MIG_ERR_NONE;
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
	if (mig_set_guest_perm_all(PLAT_PERM_NONE) != PLAT_OK) {
		return MIG_ERR_INTERNAL;
	}
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
	/* The guest cannot run without its memory; there is no one to hand the error to. */
	CHECK(mig_set_guest_perm_all(PLAT_PERM_RWX) == PLAT_OK);
	for (unsigned v = 0; v < plat_vcpu_count(); v++) {
		plat_vcpu_resume(v);
	}
}
