/* SPDX-License-Identifier: MIT */
/* Hosted vCPU state: save on one VM, load on another (mid-steps and mid-idle), and refuse every
 * hostile variation. */
#include <stdlib.h>
#include <string.h>

#include "svsm/core/guest_mem.h"
#include "svsm/layout.h"
#include "svsm/le.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"
#include "svsm/test.h"
#include "svsm/workload.h"

#include "hosted_support.h"

#define REGION_SIZE (32ULL * 1024)
#define SEED	    0xfeedULL
#define MAX_STEPS   200000ULL
#define NS_PER_MS   1000000ULL
/* The running guest idles briefly after its steps; the idle one is caught in a longer phase. */
#define RUN_IDLE_NS (50ULL * NS_PER_MS)
#define IDLE_STEPS  5000ULL
#define IDLE_NS	    (1000ULL * NS_PER_MS)

static const gpa_t region = {TEST_GUEST_BASE + 4 * PAGE_SIZE};

/* Runs a guest on a fresh VM until ready(0), then parks it; returns its state and memory. */
static bool capture_guest(const struct hosted_guest_params *p, bool (*ready)(unsigned vcpu),
			  uint8_t state[HOSTED_STATE_SIZE], uint8_t *memory)
{
	size_t len = 0;
	bool ok;

	if (!test_vm_create(1)) {
		return false;
	}
	ok = hosted_vcpu_launch(0, p) && test_wait_until(ready, 0, TEST_WAIT_NS);
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

/* Parked mid-way through its steps. */
static bool capture_running_guest(uint8_t state[HOSTED_STATE_SIZE], uint8_t *memory)
{
	struct hosted_guest_params p = {
	    .region = region,
	    .region_size = REGION_SIZE,
	    .seed = SEED,
	    .max_steps = MAX_STEPS,
	    .writes_per_ms = 200,
	    .idle_ns = RUN_IDLE_NS,
	};

	return capture_guest(&p, test_vcpu_stepping, state, memory);
}

/* Beyond IDLE_STEPS only idle beats raise the heartbeat: at least one was taken. */
static bool idle_beating(unsigned vcpu)
{
	return hosted_vcpu_heartbeat(vcpu) > IDLE_STEPS;
}

/* Parked in its idle phase, some of it done. */
static bool capture_idle_guest(uint8_t state[HOSTED_STATE_SIZE], uint8_t *memory)
{
	struct hosted_guest_params p = {
	    .region = region,
	    .region_size = REGION_SIZE,
	    .seed = SEED,
	    .max_steps = IDLE_STEPS,
	    .idle_ns = IDLE_NS,
	};

	return capture_guest(&p, idle_beating, state, memory);
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

static uint64_t replay_checksum(uint64_t steps)
{
	uint64_t *buf = malloc(REGION_SIZE);
	uint64_t sum;

	if (buf == NULL) {
		return 0;
	}
	sum = workload_replay(SEED, steps, buf, REGION_SIZE / WORKLOAD_WORD_SIZE);
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
	EXPECT_EQ(r.checksum, replay_checksum(MAX_STEPS));
	/* It went through its idle phase on the way. */
	EXPECT_EQ(r.idle_done_ns, RUN_IDLE_NS);
	EXPECT_GT(r.idle_beats, 0U);
	test_vm_destroy();
}

TEST(hosted_state, round_trip_in_the_idle_phase_goes_on_idling)
{
	static uint8_t memory[REGION_SIZE];
	uint8_t state[HOSTED_STATE_SIZE];
	struct hosted_vcpu_result r;
	uint64_t idle_done;
	uint64_t beats;
	uint64_t gap;

	ASSERT_TRUE(capture_idle_guest(state, memory));
	idle_done = get_le64(state + HOSTED_STATE_OFF_IDLE_DONE);
	beats = get_le64(state + HOSTED_STATE_OFF_IDLE_BEATS);
	gap = get_le64(state + HOSTED_STATE_OFF_MAX_GAP);
	EXPECT_EQ(get_le64(state + HOSTED_STATE_OFF_STEPS), IDLE_STEPS);
	EXPECT_EQ(get_le64(state + HOSTED_STATE_OFF_IDLE), IDLE_NS);
	EXPECT_GT(beats, 0U);
	/* Parked before the end of its idle phase (only a second-long stall of the test misses). */
	ASSERT_LT(idle_done, IDLE_NS);
	ASSERT_TRUE(test_vm_create(1));
	ASSERT_TRUE(restore_memory(memory));
	ASSERT_EQ(plat_vcpu_load_state(0, state, sizeof(state)), PLAT_OK);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), IDLE_STEPS + beats);
	plat_vcpu_start_loaded(0);
	ASSERT_TRUE(test_wait_until(test_vcpu_done, 0, TEST_WAIT_NS));
	hosted_vcpu_result(0, &r);
	EXPECT_EQ(r.steps, IDLE_STEPS);
	EXPECT_EQ(r.checksum, replay_checksum(IDLE_STEPS));
	EXPECT_EQ(r.idle_ns, IDLE_NS);
	EXPECT_EQ(r.idle_done_ns, IDLE_NS);
	/* It went on from where it was: a beat per sleep of at least 1 ms (the last maybe less),
	 * for the idle time that was left. */
	EXPECT_GT(r.idle_beats, beats);
	EXPECT_LE(r.idle_beats, beats + (IDLE_NS - idle_done) / NS_PER_MS + 1);
	EXPECT_EQ(hosted_vcpu_heartbeat(0), IDLE_STEPS + r.idle_beats);
	EXPECT_GE(r.max_gap_ns, gap);
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
    {"idle beats without idle time", HOSTED_STATE_OFF_IDLE_BEATS, 8, 1},
    {"idle after endless steps", HOSTED_STATE_OFF_MAX_STEPS, 8, 0},
    {"heartbeat that would wrap", HOSTED_STATE_OFF_MAX_STEPS, 8, ~0ULL - RUN_IDLE_NS + 1},
    {"absurd idle time", HOSTED_STATE_OFF_IDLE, 8, HOSTED_MAX_IDLE_NS + 1},
};

/* The same, from a vCPU parked in its idle phase (IDLE_STEPS done, 0 < idle done < IDLE_NS). */
static const struct hostile_case hostile_idle_cases[] = {
    {"done before the idle time", HOSTED_STATE_OFF_FLAGS, 4,
     HOSTED_STATE_FLAG_VALIDATED | HOSTED_STATE_FLAG_DONE},
    {"idle done past idle asked", HOSTED_STATE_OFF_IDLE_DONE, 8, IDLE_NS + 1},
    {"idle asked below idle done", HOSTED_STATE_OFF_IDLE, 8, 1},
    {"no idle asked, some done", HOSTED_STATE_OFF_IDLE, 8, 0},
    {"idle time without beats", HOSTED_STATE_OFF_IDLE_BEATS, 8, 0},
    {"more beats than idle ns", HOSTED_STATE_OFF_IDLE_BEATS, 8, IDLE_NS + 1},
    {"idle time before the last step", HOSTED_STATE_OFF_STEPS, 8, IDLE_STEPS - 1},
    {"idle time with steps left", HOSTED_STATE_OFF_MAX_STEPS, 8, IDLE_STEPS + 1},
    {"idle time without a validated region", HOSTED_STATE_OFF_FLAGS, 4, 0},
    {"failed in the idle phase", HOSTED_STATE_OFF_FLAGS, 4, HOSTED_STATE_FLAG_FAILED},
};

static void patch(uint8_t *state, const struct hostile_case *c)
{
	if (c->width == 4) {
		put_le32(state + c->offset, (uint32_t)c->value);
	} else {
		put_le64(state + c->offset, c->value);
	}
}

static void expect_all_refused(const uint8_t good[HOSTED_STATE_SIZE],
			       const struct hostile_case *cases, size_t count)
{
	uint8_t bad[HOSTED_STATE_SIZE];

	for (size_t i = 0; i < count; i++) {
		memcpy(bad, good, sizeof(bad));
		patch(bad, &cases[i]);
		if (plat_vcpu_load_state(0, bad, HOSTED_STATE_SIZE) != PLAT_ERR_INPUT) {
			test_fail_at(__FILE__, __LINE__, "accepted: %s", cases[i].what);
		}
	}
}

TEST(hosted_state, every_hostile_variation_is_refused)
{
	static uint8_t memory[REGION_SIZE];
	uint8_t good[HOSTED_STATE_SIZE + 8];

	ASSERT_TRUE(capture_running_guest(good, memory));
	memset(good + HOSTED_STATE_SIZE, 0, 8);
	ASSERT_TRUE(test_vm_create(2));
	expect_all_refused(good, hostile_cases, ARRAY_SIZE(hostile_cases));
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

TEST(hosted_state, every_hostile_idle_variation_is_refused)
{
	static uint8_t memory[REGION_SIZE];
	uint8_t good[HOSTED_STATE_SIZE];
	uint8_t finished[HOSTED_STATE_SIZE];

	ASSERT_TRUE(capture_idle_guest(good, memory));
	ASSERT_LT(get_le64(good + HOSTED_STATE_OFF_IDLE_DONE), IDLE_NS);
	ASSERT_TRUE(test_vm_create(2));
	expect_all_refused(good, hostile_idle_cases, ARRAY_SIZE(hostile_idle_cases));
	EXPECT_EQ(hosted_vcpu_run_state(0), HOSTED_VCPU_OFFLINE);
	EXPECT_EQ(plat_vcpu_load_state(0, good, HOSTED_STATE_SIZE), PLAT_OK);
	/* Done once the idle time is complete is what a finished vCPU saves: accepted. */
	memcpy(finished, good, sizeof(finished));
	put_le32(finished + HOSTED_STATE_OFF_INDEX, 1);
	put_le32(finished + HOSTED_STATE_OFF_FLAGS,
		 HOSTED_STATE_FLAG_VALIDATED | HOSTED_STATE_FLAG_DONE);
	put_le64(finished + HOSTED_STATE_OFF_IDLE_DONE, IDLE_NS);
	EXPECT_EQ(plat_vcpu_load_state(1, finished, HOSTED_STATE_SIZE), PLAT_OK);
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
