/* SPDX-License-Identifier: MIT */
/*
 * In-guest tests of the ring-3 guest: isolation from SVSM memory, TLB shootdown of a revoked
 * permission, and the deterministic workload's checksum against the verifier's replay.
 */
#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/paging.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/core/console.h"
#include "svsm/core/guest.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/vcpu.h"
#include "svsm/layout.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"
#include "svsm/test.h"
#include "svsm/workload.h"

#define WAIT_NS 20000000000ULL

/* A guest page outside every work region used by these tests: the last page of guest RAM. */
static gpa_t scratch_page(unsigned n)
{
	return gpa_init(guest_mem_end() - (uint64_t)(n + 1) * PAGE_SIZE);
}

static void expect_user_page_fault(unsigned vcpu, gpa_t address, uint64_t error_bits)
{
	struct vcpu *v = vcpu_get(vcpu);

	ASSERT_TRUE(vcpu_wait_state(vcpu, VCPU_FAULTED, WAIT_NS));
	EXPECT_EQ(v->fault.vector, (uint64_t)VEC_PF);
	EXPECT_EQ(v->fault.address, gpa_addr(address));
	EXPECT_EQ(v->fault.error_code & error_bits, error_bits);
	EXPECT_TRUE(v->fault.error_code & PF_ERR_USER);
}

static void touch_and_expect_fault(gpa_t target, uint64_t error_bits)
{
	struct guest_launch l = {.action = GUEST_ACTION_TOUCH, .probe = target};

	guest_launch(0, &l);
	expect_user_page_fault(0, target, error_bits);
}

TEST(guest, svsm_memory_faults_and_stops_only_the_guest)
{
	/* SVSM text, data, page tables: present but supervisor-only. */
	touch_and_expect_fault(gpa_init(LAYOUT_SVSM_IMAGE_GPA), PF_ERR_PRESENT);
	touch_and_expect_fault(gpa_init((uint64_t)(uintptr_t)&cpu_count & ~PAGE_MASK),
			       PF_ERR_PRESENT);
	touch_and_expect_fault(gpa_init(paging_root()), PF_ERR_PRESENT);
	/* The SVSM's alias of guest memory is not the guest's either. */
	touch_and_expect_fault(gpa_init(PAGING_DMAP_BASE + LAYOUT_GUEST_PAYLOAD_GPA),
			       PF_ERR_PRESENT);
	/* A guest page it never validated is not accessible. */
	touch_and_expect_fault(scratch_page(8), 0);
	/* The SVSM survived, and the stopped vCPU runs again. */
	{
		struct guest_launch l = {.action = GUEST_ACTION_WORKLOAD,
					 .region_size = 64ULL * 1024,
					 .seed = 7,
					 .max_steps = 1000};
		struct guest_vcpu_info info;

		guest_launch(0, &l);
		ASSERT_TRUE(vcpu_wait_state(0, VCPU_RUNNING, WAIT_NS));
		ASSERT_TRUE(guest_wait_finished(0, WAIT_NS, &info));
		EXPECT_EQ(info.state, (uint32_t)GUEST_STATE_DONE);
		guest_reset(0);
		EXPECT_EQ(vcpu_get(0)->state, (uint32_t)VCPU_IDLE);
	}
}

TEST(guest, revoked_write_is_seen_at_once_on_another_cpu)
{
	gpa_t probe = scratch_page(0);
	unsigned vcpu = vcpu_count() - 1;
	struct guest_launch l = {.action = GUEST_ACTION_WRITE_PROBE, .probe = probe};
	struct guest_vcpu_info info = {0};
	uint64_t before;
	uint64_t after;

	ASSERT_EQ(guest_mem_pvalidate(probe, false, true, true), SVSM_SUCCESS);
	guest_launch(vcpu, &l);
	for (uint64_t end = time_ns() + WAIT_NS; time_ns() < end;) {
		ASSERT_TRUE(guest_read_info(vcpu, &info));
		if (info.heartbeat > 10000) {
			break;
		}
	}
	ASSERT_GT(info.heartbeat, 10000ULL);
	ASSERT_EQ(plat_set_guest_perm(probe, PLAT_PERM_R), PLAT_OK);
	plat_flush_tlb_all();
	/* From here on no write may land: the value is frozen. */
	ASSERT_EQ(plat_guest_read(&before, probe, sizeof(before)), PLAT_OK);
	time_delay_us(100000);
	ASSERT_EQ(plat_guest_read(&after, probe, sizeof(after)), PLAT_OK);
	EXPECT_EQ(before, after);
	expect_user_page_fault(vcpu, probe, PF_ERR_PRESENT | PF_ERR_WRITE);
	EXPECT_EQ(guest_mem_pvalidate(probe, false, false, false), SVSM_SUCCESS);
}

TEST(workload, guest_checksum_equals_verifier_replay)
{
	static uint64_t replay[(size_t)256 * 1024 / sizeof(uint64_t)];
	const uint64_t steps = 50000;
	unsigned n = vcpu_count();

	for (unsigned i = 0; i < n; i++) {
		struct guest_launch l = {.action = GUEST_ACTION_WORKLOAD,
					 .region_size = sizeof(replay),
					 .seed = 0xC0FFEE00ULL + i,
					 .max_steps = steps};

		guest_launch(i, &l);
	}
	for (unsigned i = 0; i < n; i++) {
		struct guest_vcpu_info info;
		struct vcpu *v = vcpu_get(i);
		uint64_t expected;

		ASSERT_TRUE(guest_wait_finished(i, WAIT_NS, &info));
		ASSERT_EQ(info.state, (uint32_t)GUEST_STATE_DONE);
		EXPECT_EQ(info.heartbeat, steps);
		EXPECT_EQ(v->reports, 1ULL);
		EXPECT_EQ(v->report_value0, steps);
		EXPECT_EQ(v->report_value1, info.checksum);
		__builtin_memset(replay, 0, sizeof(replay));
		expected = workload_replay(info.seed, steps, replay, ARRAY_SIZE(replay));
		EXPECT_EQ(info.checksum, expected);
		/* The host recomputes this line with tools/workload-verify (tests/run-guest.sh). */
		console_printf("[verify] seed=%#llx steps=%llu size=%llu checksum=%#llx\n",
			       (unsigned long long)info.seed, (unsigned long long)steps,
			       (unsigned long long)sizeof(replay),
			       (unsigned long long)info.checksum);
		guest_reset(i);
		EXPECT_EQ(vcpu_get(i)->state, (uint32_t)VCPU_IDLE);
	}
}
