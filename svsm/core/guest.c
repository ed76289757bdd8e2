/* SPDX-License-Identifier: MIT */
#include "svsm/core/guest.h"

#include <string.h>

#include "svsm/arch/x86/apic.h"
#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/vcpu.h"
#include "svsm/layout.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"

/* The payload's linker script puts guest_entry at the start of its window. */
#define GUEST_ENTRY_GPA LAYOUT_GUEST_PAYLOAD_GPA

gpa_t guest_info_gpa(unsigned vcpu)
{
	return gpa_init(GUEST_CONTROL_BASE + (uint64_t)vcpu * GUEST_CONTROL_AREA_SIZE);
}

void guest_init(void)
{
	uint64_t pages = (GUEST_WORK_BASE - LAYOUT_GUEST_PAYLOAD_GPA) / PAGE_SIZE;

	CHECK(guest_mem_is_ram(gpa_init(LAYOUT_GUEST_PAYLOAD_GPA), pages * PAGE_SIZE));
	guest_mem_prevalidate(gpa_init(LAYOUT_GUEST_PAYLOAD_GPA), pages);
}

void guest_default_region(unsigned vcpu, gpa_t *start, uint64_t *size)
{
	uint64_t end = guest_mem_end();
	uint64_t share = ALIGN_DOWN((end - GUEST_WORK_BASE) / vcpu_count(), HUGE_PAGE_SIZE);

	CHECK(end > GUEST_WORK_BASE && share >= HUGE_PAGE_SIZE);
	*start = gpa_init(GUEST_WORK_BASE + (uint64_t)vcpu * share);
	*size = share;
}

void guest_launch(unsigned vcpu, const struct guest_launch *launch)
{
	gpa_t info_gpa = guest_info_gpa(vcpu);
	struct guest_vcpu_info info;
	gpa_t region;
	uint64_t size;

	guest_default_region(vcpu, &region, &size);
	if (launch->region_size != 0) {
		CHECK(launch->region_size <= size && IS_ALIGNED(launch->region_size, PAGE_SIZE));
		size = launch->region_size;
	}
	memset(&info, 0, sizeof(info));
	info.magic = GUEST_INFO_MAGIC;
	info.vcpu_index = vcpu;
	info.vcpu_count = vcpu_count();
	info.region_gpa = gpa_addr(region);
	info.region_size = size;
	info.seed = launch->seed;
	info.writes_per_ms = launch->writes_per_ms;
	info.tsc_per_ms = time_tsc_per_ms();
	info.max_steps = launch->max_steps;
	info.pvalidate_gpa = gpa_addr(info_gpa) + PAGE_SIZE;
	info.action = launch->action;
	info.probe_gpa = gpa_addr(launch->probe);
	CHECK(plat_guest_write(info_gpa, &info, sizeof(info)) == PLAT_OK);
	vcpu_start(vcpu, info_gpa, GUEST_ENTRY_GPA,
		   gpa_addr(info_gpa) + GUEST_CONTROL_AREA_SIZE - 8);
}

bool guest_read_info(unsigned vcpu, struct guest_vcpu_info *info)
{
	return plat_guest_read(info, guest_info_gpa(vcpu), sizeof(*info)) == PLAT_OK;
}

uint64_t guest_heartbeat(unsigned vcpu)
{
	struct guest_vcpu_info info;

	return guest_read_info(vcpu, &info) ? info.heartbeat : 0;
}

bool guest_wait_finished(unsigned vcpu, uint64_t timeout_ns, struct guest_vcpu_info *info)
{
	uint64_t deadline = time_ns() + timeout_ns;

	while (time_ns() < deadline) {
		if (!guest_read_info(vcpu, info)) {
			return false;
		}
		if (info->state == GUEST_STATE_DONE || info->state == GUEST_STATE_FAILED) {
			return guest_read_info(vcpu, info);
		}
	}
	return false;
}

void guest_reset(unsigned vcpu)
{
	gpa_t region;
	uint64_t size;

	vcpu_stop(vcpu);
	CHECK(vcpu_wait_state(vcpu, VCPU_IDLE, 10000000000ULL) ||
	      vcpu_get(vcpu)->state == VCPU_FAULTED);
	guest_default_region(vcpu, &region, &size);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		gpa_t page = gpa_add(region, off);

		if (guest_mem_validated(page)) {
			CHECK(guest_mem_pvalidate(page, false, false, false) == SVSM_SUCCESS);
		}
	}
}
