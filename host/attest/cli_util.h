/* SPDX-License-Identifier: MIT */
/* Shared pieces of the svsm-attest CLI: files, numbers, hex, JSON. */
#ifndef HOST_ATTEST_CLI_UTIL_H
#define HOST_ATTEST_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes: 0 valid / done, 1 verification or policy failure, 2 bad usage or I/O error. */
#define CLI_EXIT_OK	 0
#define CLI_EXIT_INVALID 1
#define CLI_EXIT_USAGE	 2

struct cli_file {
	uint8_t *data;
	size_t len;
};

/* Reads a whole file of at most max_len bytes; prints why on failure. */
bool cli_read_file(const char *what, const char *path, size_t max_len, struct cli_file *out);
void cli_free_file(struct cli_file *file);

/* Writes files all-or-nothing: each goes to "<path>.tmp" first and is renamed only once every
 * one of them was written, so that a failure leaves no partial output behind. */
struct cli_output {
	const char *path;
	const void *data;
	size_t len;
};
bool cli_write_files(const struct cli_output *outputs, size_t count);

/* Exactly len bytes of hex (upper or lower case, optional 0x prefix). */
bool cli_parse_hex(const char *what, const char *text, uint8_t *out, size_t len);
/* At most max bytes of hex, zero-padded to max. */
bool cli_parse_hex_padded(const char *what, const char *text, uint8_t *out, size_t max);
/* An unsigned number (decimal, or hex with 0x) no larger than max. */
bool cli_parse_u64(const char *what, const char *text, uint64_t max, uint64_t *out);

void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Minimal JSON writer with comma bookkeeping, one level of nesting per begin/end call. */
struct json {
	FILE *f;
	unsigned depth;
	bool need_comma[8];
};
void json_begin(struct json *j, FILE *f);
void json_end(struct json *j);
void json_object(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_bool(struct json *j, const char *key, bool value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_hex(struct json *j, const char *key, const uint8_t *bytes, size_t len);
void json_hex_u64(struct json *j, const char *key, uint64_t value);
void json_null(struct json *j, const char *key);

#endif
