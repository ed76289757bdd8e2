/* SPDX-License-Identifier: MIT */
/* Hosted vCPU state: save on one VM, load on another, and refuse every hostile variation. */
#include <stdlib.h>
#include <string.h>

#include "svsm/core/guest_mem.h"
#include "svsm/layout.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"
#include "svsm/test.h"
#include "svsm/workload.h"

#include "hosted_support.h"

#define REGION_SIZE (32ULL * 1024)
#define SEED	    0xfeedULL
#define MAX_STEPS   200000ULL

static const gpa_t region = {TEST_GUEST_BASE + 4 * PAGE_SIZE};

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++) {
		v |= (uint64_t)p[i] << (8 * i);
	}
	return v;
}

/* Runs a guest on a fresh VM until it is parked mid-way; returns its state and memory. */
static bool capture_running_guest(uint8_t state[HOSTED_STATE_SIZE], uint8_t *memory)
{
	struct hosted_guest_params p = {
	    .region = region,
	    .region_size = REGION_SIZE,
	    .seed = SEED,
	    .max_steps = MAX_STEPS,
	    .writes_per_ms = 200,
	};
	size_t len = 0;
	bool ok;

	if (!test_vm_create(1)) {
		return false;
	}
	ok = hosted_vcpu_launch(0, &p) && test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS);
	if (ok) {
		plat_vcpu_request_park(0);
		ok = test_wait_until(test_vcpu_parked, 0, TEST_WAIT_NS) &&
		     plat_vcpu_save_state(0, state, HOSTED_STATE_SIZE, &len) == PLAT_OK &&
		     len == HOSTED_STATE_SIZE &&
		     plat_guest_read(memory, region, REGION_SIZE) == PLAT_OK;
	}
	test_vm_destroy();
	return ok;
}

/* What a migration target does before GO: validate and fill the pages the source sent. */
static bool restore_memory(const uint8_t *memory)
{
	for (uint64_t off = 0; off < REGION_SIZE; off += PAGE_SIZE) {
		if (guest_mem_pvalidate(gpa_add(region, off), false, true, false) != SVSM_SUCCESS) {
			return false;
		}
	}
	return plat_guest_write(region, memory, REGION_SIZE) == PLAT_OK;
}

static uint64_t replay_checksum(void)
{
	uint64_t *buf = malloc(REGION_SIZE);
	uint64_t sum;

	if (buf == NULL) {
		return 0;
	}
	sum = workload_replay(SEED, MAX_STEPS, buf, REGION_SIZE / WORKLOAD_WORD_SIZE);
	free(buf);
	return sum;
}

TEST(hosted_state, round_trip_continues_the_same_computation)
{
	static uint8_t memory[REGION_SIZE];
	uint8_t state[HOSTED_STATE_SIZE];
	struct hosted_vcpu_result r;
	uint64_t saved_steps;

	ASSERT_TRUE(capture_running_guest(state, memory));
	saved_steps = get_le64(state + HOSTED_STATE_OFF_STEPS);
	EXPECT_GT(saved_steps, 0U);
	EXPECT_LT(saved_steps, MAX_STEPS);
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(restore_memory(memory));
	ASSERT_EQ(plat_vcpu_load_state(0, state, sizeof(state)), PLAT_OK);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), saved_steps);
	plat_vcpu_start_loaded(0);
	ASSERT_TRUE(test_wait_until(test_vcpu_done, 0, 30ULL * 1000000000ULL));
	hosted_vcpu_result(0, &r);
	EXPECT_EQ(r.steps, MAX_STEPS);
	EXPECT_EQ(r.seed, SEED);
	EXPECT_EQ(r.checksum, replay_checksum());
	test_vm_destroy();
}

TEST(hosted_state, loaded_region_that_is_not_validated_stops_the_guest)
{
	static uint8_t memory[REGION_SIZE];
	uint8_t state[HOSTED_STATE_SIZE];

	ASSERT_TRUE(capture_running_guest(state, memory));
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_EQ(plat_vcpu_load_state(0, state, sizeof(state)), PLAT_OK);
	plat_vcpu_start_loaded(0);
	EXPECT_TRUE(test_wait_until(test_vcpu_failed, 0, TEST_WAIT_NS));
	EXPECT_EQ(guest_mem_validated_count(), 0U);
	test_vm_destroy();
}

struct hostile_case {
	const char *what;
	unsigned offset;
	unsigned width; /* 4 or 8 */
	uint64_t value;
};

static const struct hostile_case hostile_cases[] = {
    {"magic", HOSTED_STATE_OFF_MAGIC, 8, 0x4f48ULL},
    {"version", HOSTED_STATE_OFF_VERSION, 4, HOSTED_STATE_VERSION + 1},
    {"size field", HOSTED_STATE_OFF_SIZE, 4, HOSTED_STATE_SIZE - 8},
    {"another vCPU's state", HOSTED_STATE_OFF_INDEX, 4, 1},
    {"unknown flag", HOSTED_STATE_OFF_FLAGS, 4, HOSTED_STATE_FLAG_VALIDATED | 0x100},
    {"failed and validated", HOSTED_STATE_OFF_FLAGS, 4,
     HOSTED_STATE_FLAG_VALIDATED | HOSTED_STATE_FLAG_FAILED},
    {"done before max_steps", HOSTED_STATE_OFF_FLAGS, 4,
     HOSTED_STATE_FLAG_VALIDATED | HOSTED_STATE_FLAG_DONE},
    {"steps without a validated region", HOSTED_STATE_OFF_FLAGS, 4, 0},
    {"region in the SVSM", HOSTED_STATE_OFF_REGION, 8, LAYOUT_MIGRATION_GPA},
    {"region at GPA 0", HOSTED_STATE_OFF_REGION, 8, 0},
    {"region misaligned", HOSTED_STATE_OFF_REGION, 8, TEST_GUEST_BASE + 8},
    {"region past RAM", HOSTED_STATE_OFF_REGION, 8, TEST_RAM_SIZE - PAGE_SIZE},
    {"region wrapping", HOSTED_STATE_OFF_REGION, 8, ~0ULL - PAGE_MASK},
    {"empty region", HOSTED_STATE_OFF_REGION_SIZE, 8, 0},
    {"partial page", HOSTED_STATE_OFF_REGION_SIZE, 8, PAGE_SIZE + 8},
    {"huge region", HOSTED_STATE_OFF_REGION_SIZE, 8, ~0ULL - PAGE_MASK},
    {"steps past max_steps", HOSTED_STATE_OFF_STEPS, 8, MAX_STEPS + 1},
    {"absurd rate", HOSTED_STATE_OFF_RATE, 8, ~0ULL},
    {"checksum before done", HOSTED_STATE_OFF_CHECKSUM, 8, 0x1234},
};

static void patch(uint8_t *state, const struct hostile_case *c)
{
	if (c->width == 4) {
		put_le32(state + c->offset, (uint32_t)c->value);
	} else {
		put_le64(state + c->offset, c->value);
	}
}

TEST(hosted_state, every_hostile_variation_is_refused)
{
	static uint8_t memory[REGION_SIZE];
	uint8_t good[HOSTED_STATE_SIZE + 8];
	uint8_t bad[HOSTED_STATE_SIZE + 8];

	ASSERT_TRUE(capture_running_guest(good, memory));
	memset(good + HOSTED_STATE_SIZE, 0, 8);
	ASSERT_TRUE(test_vm_create(2));
	for (size_t i = 0; i < ARRAY_SIZE(hostile_cases); i++) {
		memcpy(bad, good, sizeof(bad));
		patch(bad, &hostile_cases[i]);
		if (plat_vcpu_load_state(0, bad, HOSTED_STATE_SIZE) != PLAT_ERR_INPUT) {
			test_fail_at(__FILE__, __LINE__, "accepted: %s", hostile_cases[i].what);
		}
	}
	EXPECT_EQ(plat_vcpu_load_state(0, good, HOSTED_STATE_SIZE - 1), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_vcpu_load_state(0, good, HOSTED_STATE_SIZE + 8), PLAT_ERR_INPUT);
	EXPECT_EQ(plat_vcpu_load_state(0, good, 0), PLAT_ERR_INPUT);
	/* Nothing of the refused states stuck: the vCPU never became loadable-and-started. */
	EXPECT_EQ(hosted_vcpu_run_state(0), HOSTED_VCPU_OFFLINE);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), 0U);
	/* The unmodified state still loads. */
	EXPECT_EQ(plat_vcpu_load_state(0, good, HOSTED_STATE_SIZE), PLAT_OK);
	test_vm_destroy();
}

TEST(hosted_state, a_running_vcpu_takes_no_foreign_state)
{
	static uint8_t memory[REGION_SIZE];
	uint8_t state[HOSTED_STATE_SIZE];
	struct hosted_guest_params p = {
	    .region = region,
	    .region_size = REGION_SIZE,
	    .seed = SEED,
	};

	ASSERT_TRUE(capture_running_guest(state, memory));
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(hosted_vcpu_launch(0, &p));
	ASSERT_TRUE(test_wait_until(test_vcpu_stepping, 0, TEST_WAIT_NS));
	EXPECT_EQ(plat_vcpu_load_state(0, state, sizeof(state)), PLAT_ERR_UNSUPPORTED);
	test_vm_destroy();
}
