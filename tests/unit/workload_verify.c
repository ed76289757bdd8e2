/* SPDX-License-Identifier: MIT */
/* The workload-verify tool: output and exit status, run as the demo scripts run it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "svsm/test.h"
#include "svsm/workload.h"

#ifndef WORKLOAD_VERIFY_BIN
#error "the build passes the tool's path in WORKLOAD_VERIFY_BIN"
#endif

#define REGION_WORDS 1024U

static uint64_t region[REGION_WORDS];

struct tool_result {
	int exit_code; /* -1 if it did not exit normally */
	char output[128];
};

/* Runs the tool with `args` (shell words), keeping its first stdout line. */
static struct tool_result run_tool(const char *args)
{
	struct tool_result result = {-1, {0}};
	const char *bin = getenv("WORKLOAD_VERIFY");
	char command[512];
	FILE *pipe;
	int status;

	snprintf(command, sizeof(command), "%s %s 2>/dev/null",
		 bin != NULL ? bin : WORKLOAD_VERIFY_BIN, args);
	pipe = popen(command, "r");
	if (pipe == NULL) {
		return result;
	}
	if (fgets(result.output, sizeof(result.output), pipe) == NULL) {
		result.output[0] = '\0';
	}
	status = pclose(pipe);
	if (status != -1 && WIFEXITED(status)) {
		result.exit_code = WEXITSTATUS(status);
	}
	return result;
}

TEST(workload_verify, prints_the_replay_checksum)
{
	char expected[64];
	struct tool_result r;

	snprintf(expected, sizeof(expected), "0x%016" PRIx64 "\n",
		 workload_replay(99, 5000, region, REGION_WORDS));
	r = run_tool("--seed 99 --steps 5000 --size 8192");
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_EQ(strcmp(r.output, expected), 0);
	/* Hex and decimal spellings of the same numbers give the same run. */
	r = run_tool("--size 0x2000 --steps 0x1388 --seed 0x63");
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_EQ(strcmp(r.output, expected), 0);
}

TEST(workload_verify, expect_match_and_mismatch)
{
	uint64_t checksum = workload_replay(5, 777, region, REGION_WORDS);
	char args[160];

	snprintf(args, sizeof(args), "--seed 5 --steps 777 --size 8192 --expect %016" PRIx64,
		 checksum);
	EXPECT_EQ(run_tool(args).exit_code, 0);
	snprintf(args, sizeof(args), "--seed 5 --steps 777 --size 8192 --expect 0x%" PRIx64,
		 checksum);
	EXPECT_EQ(run_tool(args).exit_code, 0);
	snprintf(args, sizeof(args), "--seed 5 --steps 777 --size 8192 --expect %" PRIx64,
		 checksum ^ 1);
	EXPECT_EQ(run_tool(args).exit_code, 1);
	snprintf(args, sizeof(args), "--seed 5 --steps 778 --size 8192 --expect %" PRIx64,
		 checksum);
	EXPECT_EQ(run_tool(args).exit_code, 1);
}

TEST(workload_verify, bad_flags_are_usage_errors)
{
	static const char *const bad[] = {
	    "",
	    "--seed 1 --steps 2",
	    "--seed 1 --size 4096",
	    "--steps 1 --size 4096",
	    "--seed 1 --steps 2 --size",
	    "--seed 1 --steps 2 --size 0",
	    "--seed 1 --steps 2 --size 12",
	    "--seed 1 --steps 2 --size 4096x",
	    "--seed -1 --steps 2 --size 4096",
	    "--seed 1 --steps 99999999999999999999999 --size 4096",
	    "--seed 1 --steps 2 --size 4096 --expect zz",
	    "--seed 1 --steps 2 --size 4096 --bogus 3",
	    "--seed 1 --steps 2 --size 0x400000001",
	    "--seed 1 --steps 2 --size 68719476736",
	    "--seed 1 --seed 1 --steps 2 --size 4096",
	    "--seed 1 --steps 2 --size 4096 --expect 1 --expect 1",
	    "--seed 1 --steps 2 --size ' 4096'",
	    /* A value scraped from a CRLF serial log. */
	    "--seed 1 --steps 2 --size 4096 --expect \"$(printf '12\\r')\"",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct tool_result r = run_tool(bad[i]);

		if (r.exit_code != 2) {
			test_log("workload-verify %s -> exit %d\n", bad[i], r.exit_code);
		}
		EXPECT_EQ(r.exit_code, 2);
	}
}
