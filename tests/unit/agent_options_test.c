/* SPDX-License-Identifier: MIT */
/* The agent's command line: every bad flag is refused with a message naming it. */
#include <stdio.h>
#include <string.h>

#include "svsm/migrate_stream.h"
#include "svsm/test.h"

#include "options.h"
#include "records.h"

#define MAX_ARGS 64

/* Parses a space-separated command line (no quoting needed in these tests). */
static bool parse_line(const char *line, struct agent_options *opts, char *message, size_t len)
{
	static char copy[1024];
	char *argv[MAX_ARGS];
	int argc = 0;

	snprintf(copy, sizeof(copy), "svsm-migrate %s", line);
	for (char *tok = strtok(copy, " "); tok != NULL && argc < MAX_ARGS;
	     tok = strtok(NULL, " ")) {
		argv[argc++] = tok;
	}
	return agent_parse_options(argc, argv, opts, message, len);
}

static void expect_refused(const char *line, const char *fragment, int line_no)
{
	struct agent_options opts;
	char message[AGENT_OPTION_MESSAGE_MAX];

	if (parse_line(line, &opts, message, sizeof(message))) {
		test_fail_at(__FILE__, line_no, "'%s' was accepted", line);
		return;
	}
	if (strstr(message, fragment) == NULL) {
		test_fail_at(__FILE__, line_no, "'%s': message '%s' lacks '%s'", line, message,
			     fragment);
	}
}

#define EXPECT_REFUSED(line, fragment) expect_refused(line, fragment, __LINE__)

#define SEND_BASE "send --to 127.0.0.1:4444 --memory-file mem --image img"
#define RECV_BASE "receive --listen 127.0.0.1:0 --memory-file mem --image img"

TEST(agent_options, send_with_every_knob)
{
	struct agent_options o;
	char message[AGENT_OPTION_MESSAGE_MAX];

	ASSERT_TRUE(parse_line(SEND_BASE " --channels 4 --max-bandwidth 1.5G --downtime-limit 250 "
					 "--max-rounds 12 --auto-converge --stats-json s.json "
					 "--capture c.cap --timeout 30 --inject drop@PAGES:3",
			       &o, message, sizeof(message)));
	EXPECT_EQ(o.command, AGENT_CMD_SEND);
	EXPECT_TRUE(strcmp(o.endpoint.host, "127.0.0.1") == 0);
	EXPECT_EQ(o.endpoint.port, 4444U);
	EXPECT_TRUE(strcmp(o.memory_file, "mem") == 0);
	EXPECT_TRUE(strcmp(o.image, "img") == 0);
	EXPECT_EQ(o.channels, 4U);
	EXPECT_EQ(o.max_bandwidth, 1610612736ULL);
	EXPECT_EQ(o.downtime_limit_ms, 250U);
	EXPECT_EQ(o.max_rounds, 12U);
	EXPECT_TRUE(o.auto_converge);
	EXPECT_TRUE(strcmp(o.stats_json, "s.json") == 0);
	EXPECT_TRUE(strcmp(o.capture, "c.cap") == 0);
	EXPECT_EQ(o.timeout_s, 30U);
	ASSERT_EQ(o.inject_count, 1U);
	EXPECT_EQ(o.injects[0].kind, INJECT_DROP);
	EXPECT_EQ(o.injects[0].record_type, MIG_REC_PAGES);
	EXPECT_EQ(o.injects[0].nth, 3U);
	EXPECT_FALSE(o.inject_incoming);
}

TEST(agent_options, defaults_and_equals_form)
{
	struct agent_options o;
	char message[AGENT_OPTION_MESSAGE_MAX];

	ASSERT_TRUE(parse_line("receive --listen=[::1]:0 --memory-file=m --image=i", &o, message,
			       sizeof(message)));
	EXPECT_EQ(o.command, AGENT_CMD_RECEIVE);
	EXPECT_TRUE(strcmp(o.endpoint.host, "::1") == 0);
	EXPECT_EQ(o.endpoint.port, 0U);
	EXPECT_EQ(o.channels, 1U);
	EXPECT_EQ(o.timeout_s, AGENT_DEFAULT_TIMEOUT_S);
	EXPECT_EQ(o.max_bandwidth, 0U);
	EXPECT_EQ(o.inject_count, 0U);
}

TEST(agent_options, commands)
{
	struct agent_options o;
	char message[AGENT_OPTION_MESSAGE_MAX];

	ASSERT_TRUE(parse_line("inspect cap.bin", &o, message, sizeof(message)));
	EXPECT_EQ(o.command, AGENT_CMD_INSPECT);
	EXPECT_TRUE(strcmp(o.inspect_path, "cap.bin") == 0);
	ASSERT_TRUE(parse_line("--help", &o, message, sizeof(message)));
	EXPECT_EQ(o.command, AGENT_CMD_HELP);
	EXPECT_REFUSED("", "missing command");
	EXPECT_REFUSED("migrate", "unknown command 'migrate'");
	EXPECT_REFUSED("inspect", "exactly one capture file");
	EXPECT_REFUSED("inspect a b", "exactly one capture file");
	EXPECT_REFUSED("inspect --verbose", "unknown option '--verbose'");
	EXPECT_REFUSED("help me", "help takes no arguments");
}

TEST(agent_options, unknown_and_misplaced_flags)
{
	EXPECT_REFUSED(SEND_BASE " --frobnicate", "unknown option '--frobnicate'");
	EXPECT_REFUSED(SEND_BASE " -c 4", "unknown option '-c'");
	EXPECT_REFUSED(SEND_BASE " stray", "unknown option 'stray'");
	EXPECT_REFUSED(SEND_BASE " --listen 127.0.0.1:1", "--listen does not apply to send");
	EXPECT_REFUSED(RECV_BASE " --to 127.0.0.1:1", "--to does not apply to receive");
	EXPECT_REFUSED(RECV_BASE " --channels 2", "--channels does not apply to receive");
	EXPECT_REFUSED(RECV_BASE " --auto-converge", "--auto-converge does not apply to receive");
	EXPECT_REFUSED(SEND_BASE " --port-file p", "--port-file does not apply to send");
	EXPECT_REFUSED(SEND_BASE " --channels 2 --channels 3", "--channels given twice");
	EXPECT_REFUSED(SEND_BASE " --auto-converge=yes", "--auto-converge takes no value");
}

TEST(agent_options, missing_values_and_required_flags)
{
	EXPECT_REFUSED(SEND_BASE " --channels", "--channels needs a value");
	EXPECT_REFUSED(SEND_BASE " --timeout", "--timeout needs a value");
	EXPECT_REFUSED("send --to 127.0.0.1:1 --memory-file m --image=",
		       "--image needs a non-empty value");
	EXPECT_REFUSED("send --memory-file m --image i", "send: --to is required");
	EXPECT_REFUSED("send --to 127.0.0.1:1 --image i", "--memory-file is required");
	EXPECT_REFUSED("send --to 127.0.0.1:1 --memory-file m", "--image is required");
	EXPECT_REFUSED("receive --memory-file m --image i", "receive: --listen is required");
	EXPECT_REFUSED(SEND_BASE " --inject-incoming", "--inject-incoming needs an --inject");
}

TEST(agent_options, bad_endpoints)
{
	EXPECT_REFUSED("send --to 127.0.0.1 --memory-file m --image i", "expected HOST:PORT");
	EXPECT_REFUSED("send --to 127.0.0.1:0 --memory-file m --image i", "PORT in 1..65535");
	EXPECT_REFUSED("send --to 127.0.0.1:65536 --memory-file m --image i", "expected HOST:PORT");
	EXPECT_REFUSED("send --to 127.0.0.1:-1 --memory-file m --image i", "expected HOST:PORT");
	EXPECT_REFUSED("send --to 127.0.0.1:80x --memory-file m --image i", "expected HOST:PORT");
	EXPECT_REFUSED("send --to :80 --memory-file m --image i", "expected HOST:PORT");
	EXPECT_REFUSED("send --to ::1:80 --memory-file m --image i", "expected HOST:PORT");
	EXPECT_REFUSED("send --to [::1]80 --memory-file m --image i", "expected HOST:PORT");
	EXPECT_REFUSED("receive --listen 127.0.0.1: --memory-file m --image i",
		       "expected HOST:PORT");
}

TEST(agent_options, channels_out_of_range)
{
	EXPECT_REFUSED(SEND_BASE " --channels 0", "--channels '0': expected 1..8");
	EXPECT_REFUSED(SEND_BASE " --channels 9", "--channels '9': expected 1..8");
	EXPECT_REFUSED(SEND_BASE " --channels -1", "--channels '-1'");
	EXPECT_REFUSED(SEND_BASE " --channels 2x", "--channels '2x'");
	EXPECT_REFUSED(SEND_BASE " --channels 18446744073709551617", "--channels");
}

TEST(agent_options, other_knobs_out_of_range)
{
	EXPECT_REFUSED(SEND_BASE " --downtime-limit 0", "--downtime-limit '0'");
	EXPECT_REFUSED(SEND_BASE " --downtime-limit 60001", "--downtime-limit '60001'");
	EXPECT_REFUSED(SEND_BASE " --max-rounds 0", "--max-rounds '0'");
	EXPECT_REFUSED(SEND_BASE " --max-rounds 1001", "--max-rounds '1001'");
	EXPECT_REFUSED(SEND_BASE " --timeout 0", "--timeout '0'");
	EXPECT_REFUSED(SEND_BASE " --timeout 86401", "--timeout '86401'");
}

TEST(agent_options, bad_rates)
{
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth fast", "--max-bandwidth 'fast'");
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth 100X", "--max-bandwidth '100X'");
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth 100MBs", "--max-bandwidth '100MBs'");
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth -5M", "--max-bandwidth '-5M'");
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth 1.M", "--max-bandwidth '1.M'");
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth 1000", "from 1M to 1T"); /* below 1 MiB/s */
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth 2T", "from 1M to 1T");
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth 99999999999999999999", "--max-bandwidth");
	EXPECT_REFUSED(SEND_BASE " --max-bandwidth 20000000T", "--max-bandwidth");
}

TEST(agent_options, rate_suffixes)
{
	static const struct {
		const char *text;
		uint64_t value;
	} cases[] = {
	    {"0", 0},
	    {"1048576", 1048576},
	    {"500K", 512000},
	    {"500k", 512000},
	    {"100M", 104857600},
	    {"100MB", 104857600},
	    {"100MiB", 104857600},
	    {"1G", 1073741824},
	    {"1.5G", 1610612736},
	    {"0.5M", 524288},
	    {"1T", 1099511627776ULL},
	    {"7B", 7},
	};
	static const char *const bad[] = {"", "M", ".5M", "1..5M", "1 M", "1MM", "1Mb x", "1P"};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t value = 0;

		EXPECT_TRUE(agent_parse_rate(cases[i].text, &value));
		EXPECT_EQ(value, cases[i].value);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t value = 0;

		if (agent_parse_rate(bad[i], &value)) {
			test_fail_at(__FILE__, __LINE__, "rate '%s' accepted as %llu", bad[i],
				     (unsigned long long)value);
		}
	}
}

TEST(agent_options, inject_specs)
{
	struct inject_spec spec;
	char message[AGENT_OPTION_MESSAGE_MAX];

	ASSERT_TRUE(inject_parse("flip", &spec, message, sizeof(message)));
	EXPECT_EQ(spec.kind, INJECT_FLIP);
	EXPECT_EQ(spec.record_type, INJECT_ANY_TYPE);
	EXPECT_EQ(spec.nth, 1U);
	ASSERT_TRUE(inject_parse("kill@go", &spec, message, sizeof(message)));
	EXPECT_EQ(spec.kind, INJECT_KILL);
	EXPECT_EQ(spec.record_type, MIG_REC_GO);
	ASSERT_TRUE(inject_parse("delay-ms=250@ROUND_END:4", &spec, message, sizeof(message)));
	EXPECT_EQ(spec.kind, INJECT_DELAY);
	EXPECT_EQ(spec.delay_ms, 250U);
	EXPECT_EQ(spec.record_type, MIG_REC_ROUND_END);
	EXPECT_EQ(spec.nth, 4U);
	EXPECT_REFUSED(SEND_BASE " --inject explode", "unknown fault kind 'explode'");
	EXPECT_REFUSED(SEND_BASE " --inject drop@BOGUS", "unknown record type 'BOGUS'");
	EXPECT_REFUSED(SEND_BASE " --inject drop:0", "N must be a positive integer");
	EXPECT_REFUSED(SEND_BASE " --inject drop:x", "N must be a positive integer");
	EXPECT_REFUSED(SEND_BASE " --inject delay-ms", "delay-ms needs a value");
	EXPECT_REFUSED(SEND_BASE " --inject delay-ms=0", "delay-ms needs a value");
	EXPECT_REFUSED(SEND_BASE " --inject drop=3", "takes no value");
	EXPECT_REFUSED(SEND_BASE " --inject drop --inject drop --inject drop --inject drop "
				 "--inject drop --inject drop --inject drop --inject drop "
				 "--inject drop",
		       "at most 8 faults");
}

TEST(agent_options, usage_names_every_command_and_test_only_faults)
{
	char buf[4096] = "";
	FILE *out = fmemopen(buf, sizeof(buf) - 1, "w");

	ASSERT_TRUE(out != NULL);
	agent_print_usage(out);
	fclose(out);
	EXPECT_TRUE(strstr(buf, "svsm-migrate send") != NULL);
	EXPECT_TRUE(strstr(buf, "svsm-migrate receive") != NULL);
	EXPECT_TRUE(strstr(buf, "svsm-migrate inspect") != NULL);
	EXPECT_TRUE(strstr(buf, "TEST ONLY") != NULL);
}
