/* SPDX-License-Identifier: MIT */
/* Capture files: what is written reads back identically; malformed files are refused by name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svsm/le.h"
#include "svsm/migrate_stream.h"
#include "svsm/test.h"

#include "agent.h"
#include "agent_fake_svsm.h"
#include "capture.h"
#include "inspect.h"

struct temp_file {
	char path[64];
};

static bool temp_file_init(struct temp_file *t)
{
	int fd;

	strcpy(t->path, "/tmp/agent-capture-XXXXXX");
	fd = mkstemp(t->path);
	if (fd < 0) {
		return false;
	}
	close(fd);
	return true;
}

static bool write_bytes(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f != NULL && (len == 0 || fwrite(buf, len, 1, f) == 1);

	if (f != NULL) {
		ok = fclose(f) == 0 && ok;
	}
	return ok;
}

static uint8_t *read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
		if (f != NULL) {
			fclose(f);
		}
		return NULL;
	}
	rewind(f);
	buf = malloc((size_t)size + 1);
	if (buf != NULL && size > 0 && fread(buf, (size_t)size, 1, f) != 1) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)size;
	return buf;
}

TEST(agent_capture, round_trip_keeps_every_field_and_byte)
{
	struct temp_file t;
	struct capture_writer w;
	struct capture_reader r;
	struct capture_entry e;
	static uint8_t rec[MIG_RECORD_MAX];
	static uint8_t back[MIG_RECORD_MAX];
	uint64_t last_ts = 0;

	ASSERT_TRUE(temp_file_init(&t));
	ASSERT_EQ(capture_open(&w, t.path), CAPTURE_OK);
	for (uint32_t i = 0; i < 6; i++) {
		size_t len = fake_pages_record(rec, MIG_RECORD_MAX, i % 3, i, i / 2, 1 + i);

		capture_append(&w, i % 2 == 0 ? CAPTURE_OUT : CAPTURE_IN, i % 3, rec,
			       (uint32_t)len);
	}
	/* The largest record the ABI allows, and a one-byte record. */
	memset(rec, 0xA5, MIG_RECORD_MAX);
	capture_append(&w, CAPTURE_OUT, MIG_MAX_CHANNELS - 1, rec, MIG_RECORD_MAX);
	capture_append(&w, CAPTURE_IN, 0, rec, 1);
	ASSERT_EQ(capture_close(&w), CAPTURE_OK);

	ASSERT_EQ(capture_reader_open(&r, t.path), CAPTURE_OK);
	for (uint32_t i = 0; i < 6; i++) {
		size_t len = fake_pages_record(rec, MIG_RECORD_MAX, i % 3, i, i / 2, 1 + i);

		ASSERT_EQ(capture_reader_next(&r, &e, back, MIG_RECORD_MAX), CAPTURE_OK);
		EXPECT_EQ(e.dir, i % 2 == 0 ? CAPTURE_OUT : CAPTURE_IN);
		EXPECT_EQ(e.channel, i % 3);
		EXPECT_EQ(e.length, len);
		EXPECT_GE(e.timestamp_ns, last_ts);
		EXPECT_MEMEQ(back, rec, len);
		last_ts = e.timestamp_ns;
	}
	memset(rec, 0xA5, MIG_RECORD_MAX);
	ASSERT_EQ(capture_reader_next(&r, &e, back, MIG_RECORD_MAX), CAPTURE_OK);
	EXPECT_EQ(e.length, MIG_RECORD_MAX);
	EXPECT_EQ(e.channel, MIG_MAX_CHANNELS - 1);
	EXPECT_MEMEQ(back, rec, MIG_RECORD_MAX);
	ASSERT_EQ(capture_reader_next(&r, &e, back, MIG_RECORD_MAX), CAPTURE_OK);
	EXPECT_EQ(e.length, 1U);
	EXPECT_EQ(capture_reader_next(&r, &e, back, MIG_RECORD_MAX), CAPTURE_END);
	capture_reader_close(&r);
	unlink(t.path);
}

/* A valid two-entry capture as bytes, for the malformed-file cases to corrupt. */
static uint8_t *valid_capture(size_t *len)
{
	struct temp_file t;
	struct capture_writer w;
	uint8_t rec[256];
	size_t rec_len = fake_control_record(rec, sizeof(rec), MIG_REC_ACK, 0, 0);
	uint8_t *bytes;

	if (!temp_file_init(&t) || capture_open(&w, t.path) != CAPTURE_OK) {
		return NULL;
	}
	capture_append(&w, CAPTURE_IN, 0, rec, (uint32_t)rec_len);
	capture_append(&w, CAPTURE_OUT, 1, rec, (uint32_t)rec_len);
	if (capture_close(&w) != CAPTURE_OK) {
		return NULL;
	}
	bytes = read_bytes(t.path, len);
	unlink(t.path);
	return bytes;
}

/* Reads the whole file; returns the status that stopped the reader. */
static enum capture_status read_all(const char *path, unsigned *entries)
{
	struct capture_reader r;
	struct capture_entry e;
	uint8_t *buf = malloc(MIG_RECORD_MAX);
	enum capture_status st = capture_reader_open(&r, path);

	*entries = 0;
	while (st == CAPTURE_OK &&
	       (st = capture_reader_next(&r, &e, buf, MIG_RECORD_MAX)) == CAPTURE_OK) {
		(*entries)++;
	}
	if (r.file != NULL) {
		capture_reader_close(&r);
	}
	free(buf);
	return st;
}

TEST(agent_capture, malformed_files_are_refused_by_name)
{
	size_t len = 0;
	uint8_t *good = valid_capture(&len);
	uint8_t *bad = malloc(len + 64);
	size_t entry2 = 0;
	struct temp_file t;
	unsigned entries = 0;

	if (good == NULL || bad == NULL || !temp_file_init(&t)) {
		free(good);
		free(bad);
		test_fail_at(__FILE__, __LINE__, "cannot set up the capture files");
		return;
	}
	entry2 = (len - CAPTURE_FILE_HEADER) / 2 + CAPTURE_FILE_HEADER;

	EXPECT_TRUE(write_bytes(t.path, good, len));
	EXPECT_EQ(read_all(t.path, &entries), CAPTURE_END);
	EXPECT_EQ(entries, 2U);

	struct {
		const char *what;
		size_t offset; /* byte to change, or SIZE_MAX */
		uint32_t value;
		bool is_u32;
		size_t keep; /* bytes of the file kept */
		enum capture_status want;
		unsigned entries_before;
	} cases[] = {
	    {"empty file", SIZE_MAX, 0, false, 0, CAPTURE_ERR_TRUNCATED, 0},
	    {"half a file header", SIZE_MAX, 0, false, 9, CAPTURE_ERR_TRUNCATED, 0},
	    {"bad magic", 0, 'X', false, len, CAPTURE_ERR_MAGIC, 0},
	    {"version 2", 8, 2, true, len, CAPTURE_ERR_VERSION, 0},
	    {"file reserved", 12, 1, true, len, CAPTURE_ERR_RESERVED, 0},
	    {"direction 2", CAPTURE_FILE_HEADER, 2, false, len, CAPTURE_ERR_DIRECTION, 0},
	    {"entry reserved", CAPTURE_FILE_HEADER + 2, 1, false, len, CAPTURE_ERR_RESERVED, 0},
	    {"entry reserved tail", CAPTURE_FILE_HEADER + 20, 1, true, len, CAPTURE_ERR_RESERVED,
	     0},
	    {"channel 8", CAPTURE_FILE_HEADER + 4, MIG_MAX_CHANNELS, true, len, CAPTURE_ERR_CHANNEL,
	     0},
	    {"length 0", CAPTURE_FILE_HEADER + 16, 0, true, len, CAPTURE_ERR_LENGTH, 0},
	    {"length above the record maximum", CAPTURE_FILE_HEADER + 16, MIG_RECORD_MAX + 1, true,
	     len, CAPTURE_ERR_LENGTH, 0},
	    {"length 0xFFFFFFFF", CAPTURE_FILE_HEADER + 16, 0xFFFFFFFFU, true, len,
	     CAPTURE_ERR_LENGTH, 0},
	    {"second entry's length runs past the end", entry2 + 16, 1000, true, len,
	     CAPTURE_ERR_TRUNCATED, 1},
	    {"cut inside the second header", SIZE_MAX, 0, false, entry2 + 5, CAPTURE_ERR_TRUNCATED,
	     1},
	    {"cut inside the second record", SIZE_MAX, 0, false, len - 1, CAPTURE_ERR_TRUNCATED, 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum capture_status st;

		memcpy(bad, good, len);
		if (cases[i].offset != SIZE_MAX && cases[i].is_u32) {
			put_le32(bad + cases[i].offset, cases[i].value);
		} else if (cases[i].offset != SIZE_MAX) {
			bad[cases[i].offset] = (uint8_t)cases[i].value;
		}
		EXPECT_TRUE(write_bytes(t.path, bad, cases[i].keep));
		st = read_all(t.path, &entries);
		if (st != cases[i].want || entries != cases[i].entries_before) {
			test_fail_at(__FILE__, __LINE__,
				     "%s: status '%s' after %u entries, expected "
				     "'%s' after %u",
				     cases[i].what, capture_status_str(st), entries,
				     capture_status_str(cases[i].want), cases[i].entries_before);
		}
	}
	unlink(t.path);
	free(good);
	free(bad);
}

TEST(agent_capture, inspect_lists_headers_and_refuses_malformed_files)
{
	size_t len = 0;
	uint8_t *good = valid_capture(&len);
	struct temp_file t;
	char out[2048] = "";
	char err[512] = "";
	FILE *out_f;
	FILE *err_f;

	if (good == NULL || !temp_file_init(&t) || !write_bytes(t.path, good, len)) {
		free(good);
		test_fail_at(__FILE__, __LINE__, "cannot set up the capture file");
		return;
	}
	out_f = fmemopen(out, sizeof(out) - 1, "w");
	err_f = fmemopen(err, sizeof(err) - 1, "w");
	EXPECT_EQ(agent_inspect(t.path, out_f, err_f), AGENT_EXIT_OK);
	fclose(out_f);
	fclose(err_f);
	EXPECT_TRUE(strstr(out, " in   ch 0  ACK") != NULL);
	EXPECT_TRUE(strstr(out, " out  ch 1  ACK") != NULL);
	EXPECT_TRUE(strstr(out, "2 records") != NULL);

	good[0] = 'X';
	EXPECT_TRUE(write_bytes(t.path, good, len));
	out_f = fmemopen(out, sizeof(out) - 1, "w");
	err_f = fmemopen(err, sizeof(err) - 1, "w");
	EXPECT_EQ(agent_inspect(t.path, out_f, err_f), AGENT_EXIT_BAD_CAPTURE);
	fclose(out_f);
	fclose(err_f);
	EXPECT_TRUE(strstr(err, "not a capture file") != NULL);
	unlink(t.path);
	free(good);
}
