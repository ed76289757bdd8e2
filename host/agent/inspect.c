/* SPDX-License-Identifier: MIT */
#include "inspect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/migrate_stream.h"

#include "agent.h"
#include "capture.h"
#include "records.h"

static void print_entry(FILE *out, const struct capture_entry *e, const uint8_t *record)
{
	struct agent_record_info info;
	const char *dir = e->dir == CAPTURE_OUT ? "out" : "in";

	fprintf(out, "%12.6f  %-3s  ch %u  ", (double)e->timestamp_ns / 1e9, dir, e->channel);
	if (!agent_record_peek(record, e->length, &info)) {
		fprintf(out, "%-10s  %8s  %5s  %4s  len %u\n", "UNDECODABLE", "-", "-", "-",
			e->length);
		return;
	}
	fprintf(out, "%-10s  seq %4llu  ", agent_record_type_name(info.type),
		(unsigned long long)info.seq);
	if (info.has_round) {
		fprintf(out, "round %3llu  ", (unsigned long long)info.round);
	} else {
		fprintf(out, "round   -  ");
	}
	fprintf(out, "gpas %2u  len %u\n", info.gpa_count, e->length);
}

int agent_inspect(const char *path, FILE *out, FILE *err)
{
	struct capture_reader reader;
	struct capture_entry entry;
	enum capture_status st = capture_reader_open(&reader, path);
	uint8_t *record;
	unsigned long count = 0;

	if (st != CAPTURE_OK) {
		fprintf(err, "svsm-migrate: %s: %s\n", path,
			st == CAPTURE_ERR_IO ? strerror(errno) : capture_status_str(st));
		return AGENT_EXIT_BAD_CAPTURE;
	}
	record = malloc(MIG_RECORD_MAX);
	if (record == NULL) {
		capture_reader_close(&reader);
		fprintf(err, "svsm-migrate: out of memory\n");
		return AGENT_EXIT_INTERNAL;
	}
	while ((st = capture_reader_next(&reader, &entry, record, MIG_RECORD_MAX)) == CAPTURE_OK) {
		print_entry(out, &entry, record);
		count++;
	}
	capture_reader_close(&reader);
	free(record);
	if (st != CAPTURE_END) {
		fprintf(err, "svsm-migrate: %s: entry %lu at byte %llu: %s\n", path, count + 1,
			(unsigned long long)entry.file_offset, capture_status_str(st));
		return AGENT_EXIT_BAD_CAPTURE;
	}
	fprintf(out, "%lu records\n", count);
	return AGENT_EXIT_OK;
}
