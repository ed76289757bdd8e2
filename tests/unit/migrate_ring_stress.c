/* SPDX-License-Identifier: MIT */
/*
 * Host only: a producer thread and a consumer thread on one ring, as the SVSM and the agent run
 * it. Built into unit-migrate (ASan+UBSan) and into migrate-ring-tsan (ThreadSanitizer), where a
 * missing acquire or release shows up as a data race on the slot contents.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/migrate/ring.h"
#include "svsm/migrate_abi.h"
#include "svsm/test.h"

#if defined(__SANITIZE_THREAD__)
const char *__tsan_default_options(void);

/* A race must fail the run, not just print a warning after the test has passed. */
const char *__tsan_default_options(void)
{
	return "halt_on_error=1";
}
#endif

#define STRESS_RECORDS	40000u
#define STRESS_MAX_SPIN 200000000u

struct stress {
	uint8_t *region;
	uint32_t dir;
	enum mig_error producer_error;
	enum mig_error consumer_error;
	uint32_t consumed;
	uint32_t mismatches;
};

/* Mostly small records, with every 1000th one as large as a slot allows. */
static size_t stress_length(uint32_t i)
{
	return i % 1000u == 999u ? MIG_SLOT_DATA_MAX : 1 + (i * 2654435761u) % 2048u;
}

static uint8_t stress_byte(uint32_t i, size_t offset)
{
	return (uint8_t)(i ^ (offset * 131u) ^ (i >> 8));
}

static void *producer_main(void *arg)
{
	struct stress *s = arg;
	static uint8_t buf[MIG_SLOT_DATA_MAX];
	struct mig_ring ring;
	uint32_t spins = 0;

	s->producer_error = mig_ring_attach(&ring, s->region, 0, s->dir, MIG_RING_PRODUCER);
	for (uint32_t i = 0; i < STRESS_RECORDS && s->producer_error == MIG_ERR_NONE;) {
		size_t len = stress_length(i);
		bool produced = false;

		for (size_t k = 0; k < len; k++) {
			buf[k] = stress_byte(i, k);
		}
		s->producer_error = mig_ring_produce(&ring, buf, len, &produced);
		if (produced) {
			i++;
			spins = 0;
		} else if (++spins > STRESS_MAX_SPIN) {
			s->producer_error = MIG_ERR_TIMEOUT;
		} else {
			sched_yield();
		}
	}
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct stress *s = arg;
	static uint8_t buf[MIG_SLOT_DATA_MAX];
	struct mig_ring ring;
	uint32_t spins = 0;

	s->consumer_error = mig_ring_attach(&ring, s->region, 0, s->dir, MIG_RING_CONSUMER);
	while (s->consumed < STRESS_RECORDS && s->consumer_error == MIG_ERR_NONE) {
		size_t len = 0;

		s->consumer_error = mig_ring_consume(&ring, buf, sizeof(buf), &len);
		if (len == 0) {
			if (++spins > STRESS_MAX_SPIN) {
				s->consumer_error = MIG_ERR_TIMEOUT;
			}
			sched_yield();
			continue;
		}
		spins = 0;
		if (len != stress_length(s->consumed)) {
			s->mismatches++;
		} else {
			for (size_t k = 0; k < len; k++) {
				if (buf[k] != stress_byte(s->consumed, k)) {
					s->mismatches++;
					break;
				}
			}
		}
		s->consumed++;
	}
	return NULL;
}

static void run_stress(uint32_t dir, uint32_t start_index)
{
	uint8_t *region = calloc(1, MIG_RING_OFFSET(1, 0));
	struct stress s = {.region = region, .dir = dir};
	struct mig_ring_header *header;
	pthread_t producer;
	pthread_t consumer;

	ASSERT_TRUE(region != NULL);
	header = (struct mig_ring_header *)(region + MIG_RING_OFFSET(0, dir));
	header->prod = start_index;
	header->cons = start_index;
	ASSERT_EQ(pthread_create(&consumer, NULL, consumer_main, &s), 0);
	ASSERT_EQ(pthread_create(&producer, NULL, producer_main, &s), 0);
	pthread_join(producer, NULL);
	pthread_join(consumer, NULL);
	EXPECT_EQ(s.producer_error, MIG_ERR_NONE);
	EXPECT_EQ(s.consumer_error, MIG_ERR_NONE);
	EXPECT_EQ(s.consumed, STRESS_RECORDS);
	EXPECT_EQ(s.mismatches, 0u);
	EXPECT_EQ(header->prod, start_index + STRESS_RECORDS);
	EXPECT_EQ(header->cons, start_index + STRESS_RECORDS);
	free(region);
}

TEST(migrate_ring_stress, two_threads_out_ring)
{
	run_stress(MIG_RING_OUT, 0);
}

TEST(migrate_ring_stress, two_threads_in_ring_across_index_wrap)
{
	run_stress(MIG_RING_IN, 0xFFFFFFFFu - STRESS_RECORDS / 2);
}
