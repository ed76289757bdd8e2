/* SPDX-License-Identifier: MIT */
/* In-guest tests of the CPUs: every CPU online, and an IPI round trip to each of them. */
#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/core/vcpu.h"
#include "svsm/layout.h"
#include "svsm/test.h"

#define TIMEOUT_NS 2000000000ULL

TEST(smp, every_cpu_online)
{
	uint32_t vp_count;

	/* The loader's VP count (what QEMU was told with -smp) must match what came up. */
	__builtin_memcpy(&vp_count,
			 va_ptr(va_init(LAYOUT_PARAM_GENERAL_GPA + LAYOUT_PARAM_VP_COUNT_OFF)),
			 sizeof(vp_count));
	EXPECT_EQ(cpu_count, vp_count);
	EXPECT_EQ(vcpu_count(), cpu_count - 1);
	for (unsigned i = 0; i < cpu_count; i++) {
		EXPECT_EQ(percpu_areas[i].online, 1U);
		EXPECT_EQ(percpu_areas[i].index, i);
		for (unsigned j = 0; j < i; j++) {
			EXPECT_NE(percpu_areas[i].apic_id, percpu_areas[j].apic_id);
		}
	}
}

static bool wait_count(const volatile uint64_t *counter, uint64_t target)
{
	uint64_t deadline = time_ns() + TIMEOUT_NS;

	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < target) {
		if (time_ns() > deadline) {
			return false;
		}
		__asm__ volatile("pause");
	}
	return true;
}

TEST(smp, ipi_round_trip_to_every_cpu)
{
	for (unsigned i = 1; i < cpu_count; i++) {
		uint64_t remote = percpu_areas[i].ping_count;
		uint64_t local = percpu_areas[0].ping_count;

		apic_send_ipi(percpu_areas[i].apic_id, VEC_IPI_PING);
		EXPECT_TRUE(wait_count(&percpu_areas[i].ping_count, remote + 1));
		EXPECT_TRUE(wait_count(&percpu_areas[0].ping_count, local + 1));
	}
}

TEST(smp, tlb_shootdown_reaches_every_cpu)
{
	/* Each CPU acknowledges by clearing its pending flag; returning means all of them did. */
	for (int round = 0; round < 50; round++) {
		tlb_shootdown_all();
	}
	for (unsigned i = 0; i < cpu_count; i++) {
		EXPECT_EQ(percpu_areas[i].tlb_flush_pending, 0U);
	}
}
