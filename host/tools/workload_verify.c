/* SPDX-License-Identifier: MIT */
/*
 * workload-verify: recomputes a guest workload run from its parameters and prints the checksum,
 * so a result reported after migration can be checked against an uninterrupted run.
 *
 *   workload-verify --seed S --steps N --size BYTES [--expect HEX]
 *
 * Exit status: 0 success (and match), 1 checksum mismatch, 2 bad usage or no memory.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/workload.h"

enum verify_exit {
	VERIFY_OK = 0,
	VERIFY_MISMATCH = 1,
	VERIFY_USAGE = 2,
};

/* Guest regions are far smaller; this only keeps a typo from eating the machine. */
#define MAX_REGION_BYTES (16ULL << 30)

struct verify_args {
	uint64_t seed;
	uint64_t steps;
	uint64_t size;
	uint64_t expect;
	bool have_seed;
	bool have_steps;
	bool have_size;
	bool have_expect;
};

static void usage(const char *problem)
{
	fprintf(stderr, "workload-verify: %s\n", problem);
	fprintf(stderr, "usage: workload-verify --seed S --steps N --size BYTES [--expect HEX]\n"
			"  S, N and BYTES are decimal or 0x-prefixed hex; BYTES is a non-zero\n"
			"  multiple of 8; HEX is the expected checksum, with or without 0x.\n");
}

/* Rejects what strtoull lets through: empty, signs, spaces, trailing junk, overflow. */
static bool parse_u64(const char *text, int base, uint64_t *out)
{
	char *end = NULL;
	unsigned long long value;

	/* strtoull would skip spaces and accept a sign; a number starts with a digit. */
	if (!isxdigit((unsigned char)text[0])) {
		return false;
	}
	errno = 0;
	value = strtoull(text, &end, base);
	if (errno != 0 || end == text || *end != '\0') {
		return false;
	}
	*out = value;
	return true;
}

/* Each flag may appear once: a repeated one is as likely a mistake as a typo. */
static bool parse_once(const char *value, int base, uint64_t *out, bool *seen)
{
	if (*seen) {
		return false;
	}
	*seen = parse_u64(value, base, out);
	return *seen;
}

static bool parse_flag(const char *flag, const char *value, struct verify_args *args)
{
	if (strcmp(flag, "--seed") == 0) {
		return parse_once(value, 0, &args->seed, &args->have_seed);
	}
	if (strcmp(flag, "--steps") == 0) {
		return parse_once(value, 0, &args->steps, &args->have_steps);
	}
	if (strcmp(flag, "--size") == 0) {
		return parse_once(value, 0, &args->size, &args->have_size);
	}
	if (strcmp(flag, "--expect") == 0) {
		return parse_once(value, 16, &args->expect, &args->have_expect);
	}
	return false;
}

/* Copies text into out with control characters shown as \xNN, so a stray \r is visible. */
static void escape_for_message(const char *text, char *out, size_t out_len)
{
	size_t used = 0;

	for (; *text != '\0' && used + 5 < out_len; text++) {
		unsigned char c = (unsigned char)*text;

		if (isprint(c)) {
			out[used++] = (char)c;
		} else {
			used += (size_t)snprintf(out + used, out_len - used, "\\x%02x", c);
		}
	}
	out[used] = '\0';
}

static bool parse_args(int argc, char **argv, struct verify_args *args)
{
	char problem[200];
	char flag[64];
	char value[96];

	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc) {
			escape_for_message(argv[i], flag, sizeof(flag));
			snprintf(problem, sizeof(problem), "\"%s\" needs a value", flag);
			usage(problem);
			return false;
		}
		if (!parse_flag(argv[i], argv[i + 1], args)) {
			escape_for_message(argv[i], flag, sizeof(flag));
			escape_for_message(argv[i + 1], value, sizeof(value));
			snprintf(problem, sizeof(problem), "bad flag or value: \"%s\" \"%s\"", flag,
				 value);
			usage(problem);
			return false;
		}
	}
	if (!args->have_seed || !args->have_steps || !args->have_size) {
		usage("--seed, --steps and --size are required");
		return false;
	}
	if (args->size == 0 || args->size % WORKLOAD_WORD_SIZE != 0 ||
	    args->size > MAX_REGION_BYTES) {
		usage("--size must be a non-zero multiple of 8 of at most 16 GiB");
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct verify_args args = {0};
	uint64_t *region;
	uint64_t checksum;

	if (!parse_args(argc, argv, &args)) {
		return VERIFY_USAGE;
	}
	region = malloc(args.size);
	if (region == NULL) {
		fprintf(stderr, "workload-verify: cannot allocate %" PRIu64 " bytes\n", args.size);
		return VERIFY_USAGE;
	}
	checksum = workload_replay(args.seed, args.steps, region, args.size / WORKLOAD_WORD_SIZE);
	free(region);
	printf("0x%016" PRIx64 "\n", checksum);
	if (args.have_expect && checksum != args.expect) {
		fprintf(stderr,
			"workload-verify: checksum mismatch: computed 0x%016" PRIx64
			", expected 0x%016" PRIx64 "\n",
			checksum, args.expect);
		return VERIFY_MISMATCH;
	}
	return VERIFY_OK;
}
