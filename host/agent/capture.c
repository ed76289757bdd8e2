/* SPDX-License-Identifier: MIT */
#include "capture.h"

#include <string.h>
#include <time.h>

#include "svsm/le.h"
#include "svsm/migrate_stream.h"

static const uint8_t capture_magic[8] = {'S', 'V', 'M', 'C', 'A', 'P', 'T', '1'};

const char *capture_status_str(enum capture_status status)
{
	switch (status) {
	case CAPTURE_OK:
		return "ok";
	case CAPTURE_END:
		return "end of capture";
	case CAPTURE_ERR_IO:
		return "I/O error";
	case CAPTURE_ERR_MAGIC:
		return "not a capture file (bad magic)";
	case CAPTURE_ERR_VERSION:
		return "unsupported capture version";
	case CAPTURE_ERR_RESERVED:
		return "reserved field is not zero";
	case CAPTURE_ERR_DIRECTION:
		return "bad direction";
	case CAPTURE_ERR_CHANNEL:
		return "channel out of range";
	case CAPTURE_ERR_LENGTH:
		return "record length out of range";
	case CAPTURE_ERR_TRUNCATED:
		return "file ends inside an entry";
	}
	return "unknown capture status";
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

enum capture_status capture_open(struct capture_writer *w, const char *path)
{
	uint8_t header[CAPTURE_FILE_HEADER] = {0};

	memset(w, 0, sizeof(*w));
	w->file = fopen(path, "wb");
	if (w->file == NULL) {
		return CAPTURE_ERR_IO;
	}
	memcpy(header, capture_magic, sizeof(capture_magic));
	put_le32(header + 8, CAPTURE_VERSION);
	if (fwrite(header, sizeof(header), 1, w->file) != 1) {
		fclose(w->file);
		w->file = NULL;
		return CAPTURE_ERR_IO;
	}
	pthread_mutex_init(&w->lock, NULL);
	w->start_ns = monotonic_ns();
	return CAPTURE_OK;
}

void capture_append(struct capture_writer *w, enum capture_dir dir, uint32_t channel,
		    const void *record, uint32_t length)
{
	uint8_t header[CAPTURE_ENTRY_HEADER] = {0};

	if (w == NULL || w->file == NULL) {
		return;
	}
	header[0] = (uint8_t)dir;
	put_le32(header + 4, channel);
	put_le32(header + 16, length);
	pthread_mutex_lock(&w->lock);
	put_le64(header + 8, monotonic_ns() - w->start_ns);
	if (w->error == CAPTURE_OK && (fwrite(header, sizeof(header), 1, w->file) != 1 ||
				       fwrite(record, length, 1, w->file) != 1)) {
		w->error = CAPTURE_ERR_IO;
	}
	pthread_mutex_unlock(&w->lock);
}

void capture_flush(struct capture_writer *w)
{
	if (w == NULL || w->file == NULL) {
		return;
	}
	pthread_mutex_lock(&w->lock);
	if (fflush(w->file) != 0) {
		w->error = CAPTURE_ERR_IO;
	}
	pthread_mutex_unlock(&w->lock);
}

enum capture_status capture_close(struct capture_writer *w)
{
	enum capture_status status;

	if (w->file == NULL) {
		return CAPTURE_OK;
	}
	status = w->error;
	if (fclose(w->file) != 0 && status == CAPTURE_OK) {
		status = CAPTURE_ERR_IO;
	}
	w->file = NULL;
	pthread_mutex_destroy(&w->lock);
	return status;
}

/* CAPTURE_END when nothing at all could be read, CAPTURE_ERR_TRUNCATED for a partial read. */
static enum capture_status read_exact(struct capture_reader *r, void *buf, size_t len)
{
	size_t got = fread(buf, 1, len, r->file);

	r->offset += got;
	if (got == len) {
		return CAPTURE_OK;
	}
	if (ferror(r->file)) {
		return CAPTURE_ERR_IO;
	}
	return got == 0 ? CAPTURE_END : CAPTURE_ERR_TRUNCATED;
}

enum capture_status capture_reader_open(struct capture_reader *r, const char *path)
{
	uint8_t header[CAPTURE_FILE_HEADER];
	enum capture_status status;

	r->offset = 0;
	r->file = fopen(path, "rb");
	if (r->file == NULL) {
		return CAPTURE_ERR_IO;
	}
	status = read_exact(r, header, sizeof(header));
	if (status == CAPTURE_END) {
		status = CAPTURE_ERR_TRUNCATED;
	}
	if (status == CAPTURE_OK && memcmp(header, capture_magic, sizeof(capture_magic)) != 0) {
		status = CAPTURE_ERR_MAGIC;
	}
	if (status == CAPTURE_OK && get_le32(header + 8) != CAPTURE_VERSION) {
		status = CAPTURE_ERR_VERSION;
	}
	if (status == CAPTURE_OK && get_le32(header + 12) != 0) {
		status = CAPTURE_ERR_RESERVED;
	}
	if (status != CAPTURE_OK) {
		capture_reader_close(r);
	}
	return status;
}

static enum capture_status decode_entry_header(const uint8_t *header, struct capture_entry *entry)
{
	entry->dir = (enum capture_dir)header[0];
	entry->channel = get_le32(header + 4);
	entry->timestamp_ns = get_le64(header + 8);
	entry->length = get_le32(header + 16);
	if (header[0] != CAPTURE_OUT && header[0] != CAPTURE_IN) {
		return CAPTURE_ERR_DIRECTION;
	}
	if (header[1] != 0 || header[2] != 0 || header[3] != 0 || get_le32(header + 20) != 0) {
		return CAPTURE_ERR_RESERVED;
	}
	if (entry->channel >= MIG_MAX_CHANNELS) {
		return CAPTURE_ERR_CHANNEL;
	}
	if (entry->length == 0 || entry->length > MIG_RECORD_MAX) {
		return CAPTURE_ERR_LENGTH;
	}
	return CAPTURE_OK;
}

enum capture_status capture_reader_next(struct capture_reader *r, struct capture_entry *entry,
					uint8_t *buf, size_t cap)
{
	uint8_t header[CAPTURE_ENTRY_HEADER];
	enum capture_status status;

	memset(entry, 0, sizeof(*entry));
	entry->file_offset = r->offset;
	status = read_exact(r, header, sizeof(header));
	if (status != CAPTURE_OK) {
		return status;
	}
	status = decode_entry_header(header, entry);
	if (status != CAPTURE_OK) {
		return status;
	}
	if (entry->length > cap) {
		return CAPTURE_ERR_LENGTH;
	}
	status = read_exact(r, buf, entry->length);
	return status == CAPTURE_END ? CAPTURE_ERR_TRUNCATED : status;
}

void capture_reader_close(struct capture_reader *r)
{
	if (r->file != NULL) {
		fclose(r->file);
		r->file = NULL;
	}
}
