/* SPDX-License-Identifier: MIT */
/*
 * Capture files (--capture, `svsm-migrate inspect`; docs/agent.md). Little endian throughout:
 *
 *   file   := magic "SVMCAPT1" || version (u32 = 1) || reserved (u32 = 0) || entry*
 *   entry  := direction (u8: 0 out = SVSM to peer, 1 in = peer to SVSM) || reserved (u8[3] = 0)
 *             || channel (u32) || timestamp_ns (u64, since the capture started)
 *             || length (u32, 1..MIG_RECORD_MAX) || reserved (u32 = 0) || record (length bytes)
 *
 * Entries are the records exactly as forwarded (after any injected fault), from every channel,
 * in the order the agent forwarded them.
 */
#ifndef AGENT_CAPTURE_H
#define AGENT_CAPTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CAPTURE_VERSION	     1U
#define CAPTURE_FILE_HEADER  16U
#define CAPTURE_ENTRY_HEADER 24U

enum capture_dir {
	CAPTURE_OUT = 0, /* from our SVSM's out ring to the peer */
	CAPTURE_IN = 1,	 /* from the peer into our SVSM's in ring */
};

enum capture_status {
	CAPTURE_OK = 0,
	CAPTURE_END,	       /* reader: no more entries */
	CAPTURE_ERR_IO,	       /* cannot open, read or write */
	CAPTURE_ERR_MAGIC,     /* not a capture file */
	CAPTURE_ERR_VERSION,   /* a version this agent does not read */
	CAPTURE_ERR_RESERVED,  /* a reserved field is not zero */
	CAPTURE_ERR_DIRECTION, /* direction is neither 0 nor 1 */
	CAPTURE_ERR_CHANNEL,   /* channel >= MIG_MAX_CHANNELS */
	CAPTURE_ERR_LENGTH,    /* record length 0 or above MIG_RECORD_MAX */
	CAPTURE_ERR_TRUNCATED, /* the file ends inside a header or a record */
};

const char *capture_status_str(enum capture_status status);

struct capture_writer {
	FILE *file;
	pthread_mutex_t lock;
	uint64_t start_ns;
	enum capture_status error; /* first write failure, kept for the end of the run */
};

/* Creates (or truncates) path and writes the file header. */
enum capture_status capture_open(struct capture_writer *w, const char *path);
/* Appends one entry; thread-safe. A write failure is remembered, not fatal for the migration. */
void capture_append(struct capture_writer *w, enum capture_dir dir, uint32_t channel,
		    const void *record, uint32_t length);
/* Flushes buffered entries to the file (before an injected crash, for example). */
void capture_flush(struct capture_writer *w);
/* Flushes and closes; returns the first failure of the whole capture. */
enum capture_status capture_close(struct capture_writer *w);

struct capture_entry {
	enum capture_dir dir;
	uint32_t channel;
	uint64_t timestamp_ns;
	uint32_t length;
	uint64_t file_offset; /* of the entry header, for messages */
};

struct capture_reader {
	FILE *file;
	uint64_t offset;
};

enum capture_status capture_reader_open(struct capture_reader *r, const char *path);
/* Reads the next entry and its record into buf (cap >= MIG_RECORD_MAX). */
enum capture_status capture_reader_next(struct capture_reader *r, struct capture_entry *entry,
					uint8_t *buf, size_t cap);
void capture_reader_close(struct capture_reader *r);

#endif
