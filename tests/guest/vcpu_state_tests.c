/* SPDX-License-Identifier: MIT */
/*
 * In-guest tests of parking, saving and restoring a ring-3 vCPU: what migration builds on. A
 * parked vCPU makes no progress; its saved state, loaded into an idle vCPU, continues the very
 * same computation; state that could leave ring 3 or fault the SVSM is refused.
 */
#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/check.h"
#include "svsm/core/guest.h"
#include "svsm/core/vcpu.h"
#include "svsm/plat.h"
#include "svsm/test.h"
#include "svsm/workload.h"

#define WAIT_NS 20000000000ULL

static bool wait_heartbeat_above(unsigned vcpu, uint64_t value)
{
	for (uint64_t end = time_ns() + WAIT_NS; time_ns() < end;) {
		if (guest_heartbeat(vcpu) > value) {
			return true;
		}
	}
	return false;
}

TEST(vcpu_state, parked_vcpu_is_frozen_and_resumes)
{
	struct guest_launch l = {.action = GUEST_ACTION_WORKLOAD,
				 .region_size = 128ULL * 1024,
				 .seed = 99,
				 .max_steps = 0};
	uint64_t frozen;

	guest_launch(0, &l);
	ASSERT_TRUE(wait_heartbeat_above(0, 1000));
	plat_vcpu_request_park(0);
	ASSERT_TRUE(vcpu_wait_state(0, VCPU_PARKED, WAIT_NS));
	EXPECT_TRUE(plat_vcpu_parked(0));
	frozen = guest_heartbeat(0);
	time_delay_us(50000);
	EXPECT_EQ(guest_heartbeat(0), frozen);
	plat_vcpu_resume(0);
	EXPECT_TRUE(wait_heartbeat_above(0, frozen));
	guest_reset(0);
}

TEST(vcpu_state, saved_state_continues_the_same_computation)
{
	const uint64_t steps = 40000;
	static uint64_t replay[(size_t)128 * 1024 / sizeof(uint64_t)];
	struct guest_launch l = {.action = GUEST_ACTION_WORKLOAD,
				 .region_size = sizeof(replay),
				 .seed = 0xABCD,
				 .max_steps = steps};
	struct guest_vcpu_info info;
	uint8_t state[PLAT_VCPU_STATE_MAX];
	size_t len = 0;

	guest_launch(1, &l);
	ASSERT_TRUE(wait_heartbeat_above(1, 100));
	plat_vcpu_request_park(1);
	ASSERT_TRUE(vcpu_wait_state(1, VCPU_PARKED, WAIT_NS));
	ASSERT_EQ(plat_vcpu_save_state(1, state, sizeof(state), &len), PLAT_OK);
	ASSERT_EQ(len, sizeof(struct vcpu_saved_state));
	/* Throw the running context away, as the source does after GO... */
	vcpu_stop(1);
	ASSERT_TRUE(vcpu_wait_state(1, VCPU_IDLE, WAIT_NS));
	/* ...and bring it back from the saved bytes alone, as the target does. */
	ASSERT_EQ(plat_vcpu_load_state(1, state, len), PLAT_OK);
	plat_vcpu_start_loaded(1);
	ASSERT_TRUE(guest_wait_finished(1, WAIT_NS, &info));
	ASSERT_EQ(info.state, (uint32_t)GUEST_STATE_DONE);
	EXPECT_EQ(info.heartbeat, steps);
	__builtin_memset(replay, 0, sizeof(replay));
	EXPECT_EQ(info.checksum, workload_replay(0xABCD, steps, replay, ARRAY_SIZE(replay)));
	guest_reset(1);
}

TEST(vcpu_state, hostile_state_is_refused)
{
	struct guest_launch l = {.action = GUEST_ACTION_WORKLOAD,
				 .region_size = 64ULL * 1024,
				 .seed = 5,
				 .max_steps = 0};
	struct vcpu_saved_state good;
	struct vcpu_saved_state bad;
	size_t len;

	guest_launch(2, &l);
	ASSERT_TRUE(wait_heartbeat_above(2, 10));
	plat_vcpu_request_park(2);
	ASSERT_TRUE(vcpu_wait_state(2, VCPU_PARKED, WAIT_NS));
	ASSERT_EQ(plat_vcpu_save_state(2, &good, sizeof(good), &len), PLAT_OK);
	/* Not parked any more: nothing to save. */
	vcpu_stop(2);
	ASSERT_TRUE(vcpu_wait_state(2, VCPU_IDLE, WAIT_NS));
	EXPECT_NE(plat_vcpu_save_state(2, &bad, sizeof(bad), &len), PLAT_OK);

	bad = good;
	bad.regs.cs = SEL_KERNEL_CODE; /* ring 0 */
	EXPECT_EQ(plat_vcpu_load_state(2, &bad, sizeof(bad)), PLAT_ERR_INPUT);
	bad = good;
	bad.regs.rip = 0xFFFF800000000000ULL; /* the SVSM's half */
	EXPECT_EQ(plat_vcpu_load_state(2, &bad, sizeof(bad)), PLAT_ERR_INPUT);
	bad = good;
	bad.regs.rflags |= 3ULL << 12; /* IOPL 3: port I/O from the guest */
	EXPECT_EQ(plat_vcpu_load_state(2, &bad, sizeof(bad)), PLAT_ERR_INPUT);
	bad = good;
	bad.fpu[26] = 0xFF; /* reserved MXCSR bits: FXRSTOR would fault in ring 0 */
	EXPECT_EQ(plat_vcpu_load_state(2, &bad, sizeof(bad)), PLAT_ERR_INPUT);
	bad = good;
	bad.magic ^= 1;
	EXPECT_EQ(plat_vcpu_load_state(2, &bad, sizeof(bad)), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_vcpu_load_state(2, &good, sizeof(good) - 1), PLAT_ERR_INPUT);
	guest_reset(2);
}

static bool registers_round_above(unsigned vcpu, uint64_t rounds)
{
	struct guest_vcpu_info info;

	for (uint64_t end = time_ns() + WAIT_NS; time_ns() < end;) {
		CHECK(guest_read_info(vcpu, &info));
		if (info.state == GUEST_STATE_FAILED) {
			return false;
		}
		if (info.heartbeat > rounds) {
			return true;
		}
	}
	return false;
}

/* Every general register, all sixteen XMM registers, MXCSR and the x87 control word survive
 * being interrupted, parked, saved, and restarted from the saved bytes on another CPU. */
TEST(vcpu_state, full_register_state_survives_park_and_move_to_another_cpu)
{
	struct guest_launch l = {.action = GUEST_ACTION_REGISTERS};
	uint8_t state[PLAT_VCPU_STATE_MAX];
	struct guest_vcpu_info info;
	size_t len = 0;

	guest_launch(0, &l);
	ASSERT_TRUE(registers_round_above(0, 3));
	for (int i = 0; i < 20; i++) {
		uint64_t rounds = guest_heartbeat(0);

		plat_vcpu_request_park(0);
		ASSERT_TRUE(vcpu_wait_state(0, VCPU_PARKED, WAIT_NS));
		plat_vcpu_resume(0);
		ASSERT_TRUE(registers_round_above(0, rounds + 1));
	}
	plat_vcpu_request_park(0);
	ASSERT_TRUE(vcpu_wait_state(0, VCPU_PARKED, WAIT_NS));
	ASSERT_EQ(plat_vcpu_save_state(0, state, sizeof(state), &len), PLAT_OK);
	vcpu_stop(0);
	ASSERT_TRUE(vcpu_wait_state(0, VCPU_IDLE, WAIT_NS));
	/* The same computation continues on vCPU 1's CPU, from the saved bytes alone. */
	ASSERT_EQ(plat_vcpu_load_state(1, state, len), PLAT_OK);
	plat_vcpu_start_loaded(1);
	ASSERT_TRUE(registers_round_above(0, guest_heartbeat(0) + 3));
	ASSERT_TRUE(guest_read_info(0, &info));
	EXPECT_NE(info.state, (uint32_t)GUEST_STATE_FAILED);
	vcpu_stop(1);
	EXPECT_TRUE(vcpu_wait_state(1, VCPU_IDLE, WAIT_NS));
}
