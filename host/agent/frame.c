/* SPDX-License-Identifier: MIT */
#include "frame.h"

#include <string.h>

static const uint8_t hello_magic[8] = {'S', 'V', 'M', 'A', 'G', 'N', 'T', '1'};

const char *frame_status_str(enum frame_status status)
{
	switch (status) {
	case FRAME_OK:
		return "ok";
	case FRAME_ERR_MAGIC:
		return "not an svsm-migrate agent (bad hello magic)";
	case FRAME_ERR_VERSION:
		return "unsupported agent protocol version";
	case FRAME_ERR_CHANNEL:
		return "channel index or count out of range";
	case FRAME_ERR_FLAGS:
		return "unknown hello flags";
	case FRAME_ERR_LENGTH:
		return "record length out of range";
	}
	return "unknown frame status";
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void agent_hello_encode(const struct agent_hello *hello, uint8_t out[AGENT_HELLO_LEN])
{
	memcpy(out, hello_magic, sizeof(hello_magic));
	put_u32(out + 8, hello->version);
	put_u32(out + 12, hello->channel);
	put_u32(out + 16, hello->channels);
	put_u32(out + 20, hello->flags);
	memcpy(out + 24, hello->session, AGENT_SESSION_LEN);
}

enum frame_status agent_hello_decode(const uint8_t in[AGENT_HELLO_LEN], struct agent_hello *hello)
{
	if (memcmp(in, hello_magic, sizeof(hello_magic)) != 0) {
		return FRAME_ERR_MAGIC;
	}
	hello->version = get_u32(in + 8);
	hello->channel = get_u32(in + 12);
	hello->channels = get_u32(in + 16);
	hello->flags = get_u32(in + 20);
	memcpy(hello->session, in + 24, AGENT_SESSION_LEN);
	if (hello->version != AGENT_HELLO_VERSION) {
		return FRAME_ERR_VERSION;
	}
	if (hello->flags != 0) {
		return FRAME_ERR_FLAGS;
	}
	if (hello->channels == 0 || hello->channels > MIG_MAX_CHANNELS ||
	    hello->channel >= hello->channels) {
		return FRAME_ERR_CHANNEL;
	}
	return FRAME_OK;
}

void frame_header_encode(uint32_t length, uint8_t out[AGENT_FRAME_HEADER])
{
	put_u32(out, length);
}

void frame_decoder_reset(struct frame_decoder *d)
{
	d->header_have = 0;
	d->length = 0;
	d->have = 0;
}

bool frame_decoder_idle(const struct frame_decoder *d)
{
	return d->header_have == 0;
}

enum frame_status frame_decoder_feed(struct frame_decoder *d, const uint8_t *data, size_t len,
				     size_t *consumed, bool *complete)
{
	size_t used = 0;

	*complete = false;
	while (used < len && d->header_have < AGENT_FRAME_HEADER) {
		d->header[d->header_have++] = data[used++];
	}
	*consumed = used;
	if (d->header_have < AGENT_FRAME_HEADER) {
		return FRAME_OK;
	}
	if (d->length == 0) {
		uint32_t length = get_u32(d->header);

		if (length == 0 || length > MIG_RECORD_MAX) {
			return FRAME_ERR_LENGTH;
		}
		d->length = length;
	}
	size_t take = len - used;

	if (take > d->length - d->have) {
		take = d->length - d->have;
	}
	if (take > 0) {
		memcpy(d->record + d->have, data + used, take);
		d->have += (uint32_t)take;
	}
	*consumed = used + take;
	*complete = d->have == d->length;
	return FRAME_OK;
}
