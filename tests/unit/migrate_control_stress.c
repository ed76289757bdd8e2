/* SPDX-License-Identifier: MIT */
/*
 * Host only: the SVSM publishing on one thread while the agent reads on another. Every
 * publication keeps status, error and counters in a fixed relation, so a torn snapshot is
 * visible; under migrate-ring-tsan a missing acquire/release is reported as a race.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/migrate/control.h"
#include "svsm/migrate_abi.h"
#include "svsm/test.h"

#define PUBLICATIONS 20000u

struct control_stress {
	uint8_t *region;
	struct mig_control_svsm ctl;
	bool writer_done;
	unsigned snapshots;
	unsigned torn;
	unsigned refused;
};

/* Each publication's error is its status plus one, which no mix of two publications keeps. */
static enum mig_status status_for(uint32_t i)
{
	return (enum mig_status)(i % (MIG_STATUS_TARGET_FAILED + 1));
}

static enum mig_error error_for(uint32_t i)
{
	return (enum mig_error)(status_for(i) + 1);
}

static void *writer_main(void *arg)
{
	struct control_stress *s = arg;
	struct mig_counters counters;

	memset(&counters, 0, sizeof(counters));
	for (uint32_t i = 1; i <= PUBLICATIONS; i++) {
		if (i % 2 == 0) {
			mig_control_publish(&s->ctl, status_for(i), error_for(i));
		} else {
			counters.round = i;
			counters.pages_sent = 3ULL * i;
			counters.elapsed_ns = 7ULL * i;
			mig_control_publish_counters(&s->ctl, &counters);
		}
	}
	__atomic_store_n(&s->writer_done, true, __ATOMIC_RELEASE);
	return NULL;
}

static bool consistent(const struct mig_svsm_state *state)
{
	bool counters_ok = state->counters.pages_sent == 3 * state->counters.round &&
			   state->counters.elapsed_ns == 7 * state->counters.round;
	bool initial = state->status == MIG_STATUS_IDLE && state->error == MIG_ERR_NONE;

	return counters_ok && (initial || (uint32_t)state->error == (uint32_t)state->status + 1);
}

static void *reader_main(void *arg)
{
	struct control_stress *s = arg;
	uint64_t last_seq = 0;
	bool done = false;

	/* Reads while the writer runs, then once more after it finished: on a loaded machine the
	 * writer may finish before this thread first runs, and the final snapshot still counts. */
	while (!done) {
		struct mig_svsm_state state;
		enum mig_error err;

		done = __atomic_load_n(&s->writer_done, __ATOMIC_ACQUIRE);
		err = mig_control_host_read(s->region, &state);

		if (err == MIG_ERR_TIMEOUT) {
			continue;
		}
		if (err != MIG_ERR_NONE) {
			s->refused++;
			continue;
		}
		s->snapshots++;
		if (!consistent(&state) || state.status_seq < last_seq) {
			s->torn++;
		}
		last_seq = state.status_seq;
	}
	return NULL;
}

TEST(migrate_control_stress, snapshots_are_never_torn)
{
	struct control_stress s;
	pthread_t writer;
	pthread_t reader;

	memset(&s, 0, sizeof(s));
	s.region = calloc(1, MIG_REGION_SIZE);
	ASSERT_TRUE(s.region != NULL);
	mig_control_init(&s.ctl, s.region, MIG_STATUS_IDLE);
	ASSERT_EQ(pthread_create(&reader, NULL, reader_main, &s), 0);
	ASSERT_EQ(pthread_create(&writer, NULL, writer_main, &s), 0);
	pthread_join(writer, NULL);
	pthread_join(reader, NULL);
	EXPECT_EQ(s.torn, 0u);
	EXPECT_EQ(s.refused, 0u);
	EXPECT_GT(s.snapshots, 0u);
	test_log("control stress: %u snapshots\n", s.snapshots);
	free(s.region);
}
