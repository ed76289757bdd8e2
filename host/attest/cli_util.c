/* SPDX-License-Identifier: MIT */
#include "cli_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "svsm-attest: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* --- Files -------------------------------------------------------------------------------- */

bool cli_read_file(const char *what, const char *path, size_t max_len, struct cli_file *out)
{
	FILE *f;
	size_t n;

	out->data = NULL;
	out->len = 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		cli_error("cannot open %s file %s: %s", what, path, strerror(errno));
		return false;
	}
	/* One byte more than allowed tells "too large" apart from "exactly the maximum". */
	out->data = malloc(max_len + 1);
	if (out->data == NULL) {
		fclose(f);
		cli_error("out of memory reading %s", path);
		return false;
	}
	n = fread(out->data, 1, max_len + 1, f);
	if (ferror(f)) {
		cli_error("cannot read %s file %s: %s", what, path, strerror(errno));
		fclose(f);
		cli_free_file(out);
		return false;
	}
	fclose(f);
	if (n == 0 || n > max_len) {
		cli_error("%s file %s is %s (at most %zu bytes)", what, path,
			  n == 0 ? "empty" : "too large", max_len);
		cli_free_file(out);
		return false;
	}
	out->len = n;
	return true;
}

void cli_free_file(struct cli_file *file)
{
	free(file->data);
	file->data = NULL;
	file->len = 0;
}

static bool write_one(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (f == NULL) {
		cli_error("cannot create %s: %s", path, strerror(errno));
		return false;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		cli_error("cannot write %s: %s", path, strerror(errno));
	}
	return ok;
}

static bool temp_path(const char *path, char *out, size_t cap)
{
	if ((size_t)snprintf(out, cap, "%s.tmp", path) >= cap) {
		cli_error("path too long: %s", path);
		return false;
	}
	return true;
}

static void remove_temps(const struct cli_output *outputs, size_t count)
{
	char tmp[4096];

	for (size_t i = 0; i < count; i++) {
		if (temp_path(outputs[i].path, tmp, sizeof(tmp))) {
			remove(tmp);
		}
	}
}

bool cli_write_files(const struct cli_output *outputs, size_t count)
{
	char tmp[4096];

	for (size_t i = 0; i < count; i++) {
		if (!temp_path(outputs[i].path, tmp, sizeof(tmp)) ||
		    !write_one(tmp, outputs[i].data, outputs[i].len)) {
			remove_temps(outputs, i + 1);
			return false;
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (!temp_path(outputs[i].path, tmp, sizeof(tmp)) ||
		    rename(tmp, outputs[i].path) != 0) {
			cli_error("cannot rename %s to %s: %s", tmp, outputs[i].path,
				  strerror(errno));
			remove_temps(outputs, count);
			return false;
		}
	}
	return true;
}

/* --- Numbers and hex ---------------------------------------------------------------------- */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static const char *skip_0x(const char *text)
{
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		return text + 2;
	}
	return text;
}

static bool decode_hex(const char *what, const char *hex, uint8_t *out, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++) {
		int hi = hex_value(hex[2 * i]);
		int lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			cli_error("%s: '%.2s' at character %zu is not hex", what, hex + 2 * i,
				  2 * i);
			return false;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

bool cli_parse_hex(const char *what, const char *text, uint8_t *out, size_t len)
{
	const char *hex = skip_0x(text);

	if (strlen(hex) != 2 * len) {
		cli_error("%s must be exactly %zu hex digits (%zu bytes), got %zu", what, 2 * len,
			  len, strlen(hex));
		return false;
	}
	return decode_hex(what, hex, out, len);
}

bool cli_parse_hex_padded(const char *what, const char *text, uint8_t *out, size_t max)
{
	const char *hex = skip_0x(text);
	size_t digits = strlen(hex);

	memset(out, 0, max);
	if (digits % 2 != 0 || digits > 2 * max) {
		cli_error("%s must be an even number of hex digits, at most %zu (%zu bytes)", what,
			  2 * max, max);
		return false;
	}
	return decode_hex(what, hex, out, digits / 2);
}

bool cli_parse_u64(const char *what, const char *text, uint64_t max, uint64_t *out)
{
	char *end = NULL;
	unsigned long long value;

	errno = 0;
	if (hex_value(skip_0x(text)[0]) < 0) {
		cli_error("%s: '%s' is not an unsigned number", what, text);
		return false;
	}
	/* Hex with 0x, otherwise decimal: a leading zero must not switch to octal. */
	if (skip_0x(text) != text) {
		value = strtoull(skip_0x(text), &end, 16);
	} else {
		value = strtoull(text, &end, 10);
	}
	if (errno != 0 || *end != '\0') {
		cli_error("%s: '%s' is not an unsigned number", what, text);
		return false;
	}
	if (value > max) {
		cli_error("%s: %s is larger than %llu", what, text, (unsigned long long)max);
		return false;
	}
	*out = value;
	return true;
}

/* --- JSON --------------------------------------------------------------------------------- */

static void json_indent(struct json *j)
{
	for (unsigned i = 0; i < j->depth; i++) {
		fputs("  ", j->f);
	}
}

static void json_key(struct json *j, const char *key)
{
	if (j->need_comma[j->depth]) {
		fputs(",\n", j->f);
	}
	j->need_comma[j->depth] = true;
	json_indent(j);
	fprintf(j->f, "\"%s\": ", key);
}

void json_begin(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	fputs("{\n", f);
	j->depth = 1;
}

void json_end(struct json *j)
{
	fputs("\n}\n", j->f);
	fflush(j->f);
}

void json_object(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("{\n", j->f);
	j->depth++;
	j->need_comma[j->depth] = false;
}

void json_object_end(struct json *j)
{
	j->depth--;
	fputs("\n", j->f);
	json_indent(j);
	fputs("}", j->f);
}

/* Our strings are fixed messages; escape anyway so that output always parses. */
void json_string(struct json *j, const char *key, const char *value)
{
	json_key(j, key);
	fputc('"', j->f);
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			fprintf(j->f, "\\%c", *p);
		} else if ((unsigned char)*p < 0x20) {
			fprintf(j->f, "\\u%04x", (unsigned char)*p);
		} else {
			fputc(*p, j->f);
		}
	}
	fputc('"', j->f);
}

void json_bool(struct json *j, const char *key, bool value)
{
	json_key(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
	json_key(j, key);
	fprintf(j->f, "%llu", (unsigned long long)value);
}

void json_hex(struct json *j, const char *key, const uint8_t *bytes, size_t len)
{
	json_key(j, key);
	fputc('"', j->f);
	for (size_t i = 0; i < len; i++) {
		fprintf(j->f, "%02x", bytes[i]);
	}
	fputc('"', j->f);
}

void json_hex_u64(struct json *j, const char *key, uint64_t value)
{
	json_key(j, key);
	fprintf(j->f, "\"0x%llx\"", (unsigned long long)value);
}

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}
