/* SPDX-License-Identifier: MIT */
/*
 * In-guest tests of the two-phase checkpoint with real IPIs and ring-3 vCPUs: every running vCPU
 * is stopped and the guest loses access to its memory; giving it back lets the workload finish
 * with exactly the checksum its seed and step count predict; a vCPU that never parks makes the
 * checkpoint fail instead of producing an inconsistent one.
 */
#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/paging.h"
#include "svsm/check.h"
#include "svsm/core/guest.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/vcpu.h"
#include "svsm/layout.h"
#include "svsm/migrate/freeze.h"
#include "svsm/plat.h"
#include "svsm/test.h"
#include "svsm/workload.h"

#define WAIT_NS 20000000000ULL
#define REGION	(128ULL * 1024)
#define STEPS	40000ULL
#define RATE	40ULL /* writes per ms: the workload takes about a second */

static uint64_t dirty_words[BITMAP_WORDS(GUEST_MEM_MAX_BYTES / PAGE_SIZE)];
static uint64_t replay[REGION / sizeof(uint64_t)];

static void launch(unsigned vcpu, uint64_t seed)
{
	struct guest_launch l = {.action = GUEST_ACTION_WORKLOAD,
				 .region_size = REGION,
				 .seed = seed,
				 .writes_per_ms = RATE,
				 .max_steps = STEPS};

	guest_launch(vcpu, &l);
}

static bool all_running(unsigned n)
{
	for (uint64_t end = time_ns() + WAIT_NS; time_ns() < end;) {
		unsigned ready = 0;

		for (unsigned v = 0; v < n; v++) {
			ready += guest_heartbeat(v) > 100 ? 1 : 0;
		}
		if (ready == n) {
			return true;
		}
	}
	return false;
}

static void expect_finished_correctly(unsigned vcpu, uint64_t seed)
{
	struct guest_vcpu_info info;

	ASSERT_TRUE(guest_wait_finished(vcpu, WAIT_NS, &info));
	ASSERT_EQ(info.state, (uint32_t)GUEST_STATE_DONE);
	EXPECT_EQ(info.heartbeat, STEPS);
	__builtin_memset(replay, 0, sizeof(replay));
	EXPECT_EQ(info.checksum, workload_replay(seed, STEPS, replay, ARRAY_SIZE(replay)));
}

TEST(checkpoint, freezes_every_vcpu_and_revokes_memory_then_releases)
{
	unsigned n = vcpu_count();
	struct bitmap dirty;
	uint64_t frozen[SVSM_MAX_CPUS];

	for (unsigned v = 0; v < n; v++) {
		launch(v, 0x1000 + v);
	}
	ASSERT_TRUE(all_running(n));
	bitmap_init(&dirty, dirty_words, guest_mem_end() / PAGE_SIZE);
	ASSERT_EQ(mig_tracking_begin(&dirty), MIG_ERR_NONE);
	time_delay_us(50000); /* the guest keeps running, tracked */
	ASSERT_EQ(mig_checkpoint(1, 2000000000ULL), MIG_ERR_NONE);
	for (unsigned v = 0; v < n; v++) {
		EXPECT_TRUE(plat_vcpu_parked(v));
		frozen[v] = guest_heartbeat(v);
		/* Phase 2: the guest has no access to any of its memory. */
		EXPECT_EQ(paging_guest_perm(guest_info_gpa(v)), PLAT_PERM_NONE);
	}
	EXPECT_EQ(paging_guest_perm(gpa_init(LAYOUT_GUEST_PAYLOAD_GPA)), PLAT_PERM_NONE);
	/* The vCPUs wrote while tracked, before they were stopped. */
	EXPECT_TRUE(bitmap_test_atomic(&dirty, gpa_pfn(guest_info_gpa(0))));
	time_delay_us(50000);
	for (unsigned v = 0; v < n; v++) {
		EXPECT_EQ(guest_heartbeat(v), frozen[v]);
	}
	mig_guest_release();
	for (unsigned v = 0; v < n; v++) {
		EXPECT_EQ(paging_guest_perm(guest_info_gpa(v)), PLAT_PERM_RWX);
		expect_finished_correctly(v, 0x1000 + v);
		guest_reset(v);
	}
}

TEST(checkpoint, a_vcpu_that_never_parks_fails_it_and_nothing_is_lost)
{
	unsigned n = vcpu_count();
	unsigned withheld = n - 1; /* never started: it is in the SVSM and cannot park */

	ASSERT_GE(n, 2U);
	for (unsigned v = 0; v < withheld; v++) {
		launch(v, 0x2000 + v);
	}
	ASSERT_TRUE(all_running(withheld));
	EXPECT_EQ(mig_checkpoint(2, 200000000ULL), MIG_ERR_VCPU_TIMEOUT);
	EXPECT_FALSE(plat_vcpu_parked(withheld));
	mig_guest_release();
	for (unsigned v = 0; v < withheld; v++) {
		expect_finished_correctly(v, 0x2000 + v);
		guest_reset(v);
	}
}
