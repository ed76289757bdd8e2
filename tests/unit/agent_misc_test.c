/* SPDX-License-Identifier: MIT */
/* Smaller pieces of the agent: the progress line, the fault matcher, names, record peeking. */
#include <stdlib.h>
#include <string.h>

#include "svsm/migrate_stream.h"
#include "svsm/test.h"

#include "agent_fake_svsm.h"
#include "inject.h"
#include "names.h"
#include "progress.h"
#include "records.h"

TEST(agent_progress, line_shows_phase_round_pages_rate_and_eta)
{
	struct mig_svsm_state state = {.status = MIG_STATUS_SOURCE_PRECOPY};
	char line[160];

	state.counters.round = 2;
	state.counters.pages_sent = 12034;
	state.counters.pages_remaining = 1000; /* 4096000 bytes */
	progress_format(line, sizeof(line), &state, 1024000.0);
	EXPECT_TRUE(strcmp(line, "[pre-copy] round 2, 12034 pages sent, 1000 left, 1.0 MB/s, "
				 "ETA 0:04") == 0);
	state.status = MIG_STATUS_TARGET_RECEIVING;
	state.counters.pages_remaining = 0;
	progress_format(line, sizeof(line), &state, 0.0);
	EXPECT_TRUE(strstr(line, "[receiving]") == line);
	EXPECT_TRUE(strstr(line, "ETA --:--") != NULL);
	state.counters.pages_remaining = 1ULL << 40;
	progress_format(line, sizeof(line), &state, 1.0);
	EXPECT_TRUE(strstr(line, "ETA >99h") != NULL);
}

TEST(agent_progress, plain_output_prints_on_phase_change_and_rarely_otherwise)
{
	char buf[1024] = "";
	FILE *out = fmemopen(buf, sizeof(buf) - 1, "w");
	struct mig_svsm_state state = {.status = MIG_STATUS_SOURCE_HANDSHAKE};
	struct progress p;
	uint64_t ms = 1000000ULL;

	ASSERT_TRUE(out != NULL);
	progress_init(&p, out, false, 0);
	progress_update(&p, &state, 0, 1 * ms);	  /* first line */
	progress_update(&p, &state, 0, 100 * ms); /* too soon: nothing */
	state.status = MIG_STATUS_SOURCE_PRECOPY;
	progress_update(&p, &state, 0, 200 * ms);  /* phase changed */
	progress_update(&p, &state, 0, 5300 * ms); /* interval passed */
	progress_end_line(&p);
	fclose(out);
	EXPECT_TRUE(strstr(buf, "[handshake]") != NULL);
	EXPECT_EQ((int)(strchr(buf, '\r') == NULL), 1);
	unsigned lines = 0;

	for (const char *c = buf; *c != '\0'; c++) {
		lines += *c == '\n' ? 1U : 0U;
	}
	EXPECT_EQ(lines, 3U);
}

TEST(agent_progress, terminal_output_redraws_in_place)
{
	char buf[1024] = "";
	FILE *out = fmemopen(buf, sizeof(buf) - 1, "w");
	struct mig_svsm_state state = {.status = MIG_STATUS_SOURCE_PRECOPY};
	struct progress p;
	uint64_t ms = 1000000ULL;

	ASSERT_TRUE(out != NULL);
	progress_init(&p, out, true, 0);
	progress_update(&p, &state, 0, 1 * ms);
	progress_update(&p, &state, 1000000, 100 * ms); /* under 250 ms: skipped */
	progress_update(&p, &state, 1000000, 300 * ms);
	progress_end_line(&p);
	fclose(out);
	EXPECT_EQ(buf[0], '\r');
	EXPECT_TRUE(strstr(buf + 1, "\r[pre-copy]") != NULL);
	EXPECT_TRUE(strstr(strstr(buf + 1, "\r[pre-copy]") + 1, "\r") == NULL);
	EXPECT_EQ(buf[strlen(buf) - 1], '\n');
}

TEST(agent_inject, nth_match_per_type_and_one_fault_per_record)
{
	struct inject_spec specs[2];
	struct inject_spec fired;
	struct injector inj;
	char message[128];
	unsigned fired_at[2] = {0, 0};

	ASSERT_TRUE(inject_parse("flip@PAGES:2", &specs[0], message, sizeof(message)));
	ASSERT_TRUE(inject_parse("drop:3", &specs[1], message, sizeof(message)));
	injector_init(&inj, specs, 2);
	/* Records: ACK, PAGES, PAGES, PAGES, GO. The 2nd PAGES is the 3rd record overall: it takes
	 * the flip, so the drop waits for the next record. */
	const uint32_t types[] = {MIG_REC_ACK, MIG_REC_PAGES, MIG_REC_PAGES, MIG_REC_PAGES,
				  MIG_REC_GO};

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (injector_match(&inj, types[i], &fired)) {
			fired_at[fired.kind == INJECT_FLIP ? 0 : 1] = i + 1;
		}
	}
	EXPECT_EQ(fired_at[0], 3U);
	EXPECT_EQ(fired_at[1], 4U);
	EXPECT_EQ(injector_fired_count(&inj), 2U);
	EXPECT_FALSE(injector_match(&inj, MIG_REC_PAGES, &fired)); /* each fires once */
	injector_destroy(&inj);
}

TEST(agent_names, statuses_errors_and_types)
{
	char buf[AGENT_NAME_MAX];

	EXPECT_TRUE(strcmp(agent_status_name(MIG_STATUS_SOURCE_DONE, buf), "SOURCE_DONE") == 0);
	EXPECT_TRUE(strcmp(agent_status_name(99, buf), "UNKNOWN(99)") == 0);
	EXPECT_TRUE(strcmp(agent_error_name(MIG_ERR_SEQUENCE, buf), "SEQUENCE") == 0);
	EXPECT_TRUE(strcmp(agent_error_name(0xFFFFFFFFU, buf), "UNKNOWN(4294967295)") == 0);
	for (uint32_t t = MIG_REC_HELLO; t <= MIG_REC_LAST; t++) {
		EXPECT_EQ(agent_record_type_from_name(agent_record_type_name(t)), t);
	}
	EXPECT_TRUE(agent_record_type_name(0) == NULL);
	EXPECT_TRUE(agent_record_type_name(MIG_REC_LAST + 1) == NULL);
	EXPECT_EQ(agent_record_type_from_name("round_ack"), MIG_REC_ROUND_ACK);
	EXPECT_EQ(agent_record_type_from_name("round_end"), MIG_REC_ROUND_END);
	EXPECT_EQ(agent_record_type_from_name("PAGE"), 0U);
}

TEST(agent_records, peek_reads_headers_and_refuses_garbage)
{
	uint8_t *rec = malloc(MIG_RECORD_MAX);
	struct agent_record_info info;
	size_t len;

	ASSERT_TRUE(rec != NULL);
	len = fake_pages_record(rec, MIG_RECORD_MAX, 3, 41, 7, 5);
	ASSERT_TRUE(agent_record_peek(rec, len, &info));
	EXPECT_EQ(info.type, MIG_REC_PAGES);
	EXPECT_EQ(info.channel, 3U);
	EXPECT_EQ(info.seq, 41U);
	EXPECT_TRUE(info.has_round);
	EXPECT_EQ(info.round, 7U);
	EXPECT_EQ(info.gpa_count, 5U);
	EXPECT_FALSE(agent_record_peek(rec, len - 1, &info));
	EXPECT_EQ(info.type, 0U);
	len = fake_control_record(rec, MIG_RECORD_MAX, MIG_REC_GO, 0, 9);
	ASSERT_TRUE(agent_record_peek(rec, len, &info));
	EXPECT_EQ(info.type, MIG_REC_GO);
	EXPECT_FALSE(info.has_round);
	memset(rec, 0xFF, 64);
	EXPECT_FALSE(agent_record_peek(rec, 64, &info));
	EXPECT_FALSE(agent_record_peek(rec, 1, &info));
	free(rec);
}
