/* SPDX-License-Identifier: MIT */
/*
 * The agents' own framing on each TCP connection. It is plain and untrusted: it only carries
 * records, which the SVSMs authenticate themselves.
 *
 *   connection := hello(connector) hello(acceptor) frame*
 *   hello      := "SVMAGNT1" version(u32) channel(u32) channels(u32) flags(u32) session(16)
 *   frame      := length(u32, 1..MIG_RECORD_MAX) record(length bytes)
 *
 * All integers little endian. The session id lets the acceptor pair the connections of one
 * migration; the acceptor answers with the same channel and session to accept it.
 */
#ifndef AGENT_FRAME_H
#define AGENT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/migrate_stream.h"

#define AGENT_HELLO_LEN	    40U
#define AGENT_HELLO_VERSION 1U
#define AGENT_SESSION_LEN   16U
#define AGENT_FRAME_HEADER  4U

struct agent_hello {
	uint32_t version;
	uint32_t channel;
	uint32_t channels;
	uint32_t flags; /* none defined; must be zero */
	uint8_t session[AGENT_SESSION_LEN];
};

enum frame_status {
	FRAME_OK = 0,
	FRAME_ERR_MAGIC,
	FRAME_ERR_VERSION,
	FRAME_ERR_CHANNEL,
	FRAME_ERR_FLAGS,
	FRAME_ERR_LENGTH,
};

const char *frame_status_str(enum frame_status status);

void agent_hello_encode(const struct agent_hello *hello, uint8_t out[AGENT_HELLO_LEN]);
/* Checks magic, version, flags and 1 <= channels <= MIG_MAX_CHANNELS, channel < channels. */
enum frame_status agent_hello_decode(const uint8_t in[AGENT_HELLO_LEN], struct agent_hello *hello);

void frame_header_encode(uint32_t length, uint8_t out[AGENT_FRAME_HEADER]);

/* Incremental decoder of one connection's frames, for bytes as they arrive. */
struct frame_decoder {
	uint8_t header[AGENT_FRAME_HEADER];
	uint32_t header_have;
	uint32_t length;
	uint32_t have;
	uint8_t record[MIG_RECORD_MAX];
};

void frame_decoder_reset(struct frame_decoder *d);
/*
 * Consumes bytes from data up to the end of the current frame and stores how many in *consumed.
 * *complete is set when a whole record is in d->record (d->length bytes): the caller takes it and
 * resets the decoder before feeding more. FRAME_ERR_LENGTH for a length of 0 or above
 * MIG_RECORD_MAX (the stream cannot be resynchronised: drop the connection).
 */
enum frame_status frame_decoder_feed(struct frame_decoder *d, const uint8_t *data, size_t len,
				     size_t *consumed, bool *complete);
/* True between frames: an end of stream here is clean, elsewhere it cut a record. */
bool frame_decoder_idle(const struct frame_decoder *d);

#endif
