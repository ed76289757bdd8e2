/* SPDX-License-Identifier: MIT */
/* The agents' framing against hostile bytes: hellos and record lengths out of range, records
 * split at every byte, several frames in one read. */
#include <stdlib.h>
#include <string.h>

#include "svsm/test.h"

#include "frame.h"

static struct agent_hello good_hello(void)
{
	struct agent_hello h = {AGENT_HELLO_VERSION, 2, 4, 0, {0}};

	for (unsigned i = 0; i < AGENT_SESSION_LEN; i++) {
		h.session[i] = (uint8_t)(0x40 + i);
	}
	return h;
}

TEST(agent_frame, hello_round_trip)
{
	struct agent_hello h = good_hello();
	struct agent_hello back;
	uint8_t wire[AGENT_HELLO_LEN];

	agent_hello_encode(&h, wire);
	EXPECT_MEMEQ(wire, "SVMAGNT1", 8);
	ASSERT_EQ(agent_hello_decode(wire, &back), FRAME_OK);
	EXPECT_EQ(back.version, h.version);
	EXPECT_EQ(back.channel, 2U);
	EXPECT_EQ(back.channels, 4U);
	EXPECT_MEMEQ(back.session, h.session, AGENT_SESSION_LEN);
}

TEST(agent_frame, hostile_hellos)
{
	static const struct {
		uint32_t version, channel, channels, flags;
		enum frame_status want;
	} cases[] = {
	    {2, 0, 1, 0, FRAME_ERR_VERSION},
	    {0, 0, 1, 0, FRAME_ERR_VERSION},
	    {1, 0, 0, 0, FRAME_ERR_CHANNEL},
	    {1, 0, 9, 0, FRAME_ERR_CHANNEL},
	    {1, 4, 4, 0, FRAME_ERR_CHANNEL},
	    {1, 0xFFFFFFFFU, 8, 0, FRAME_ERR_CHANNEL},
	    {1, 0, 0xFFFFFFFFU, 0, FRAME_ERR_CHANNEL},
	    {1, 0, 1, 1, FRAME_ERR_FLAGS},
	    {1, 7, 8, 0, FRAME_OK},
	};
	struct agent_hello back;
	uint8_t wire[AGENT_HELLO_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct agent_hello h = good_hello();

		h.version = cases[i].version;
		h.channel = cases[i].channel;
		h.channels = cases[i].channels;
		h.flags = cases[i].flags;
		agent_hello_encode(&h, wire);
		EXPECT_EQ(agent_hello_decode(wire, &back), cases[i].want);
	}
	memset(wire, 0, sizeof(wire));
	EXPECT_EQ(agent_hello_decode(wire, &back), FRAME_ERR_MAGIC);
	static const uint8_t http[16] = "GET / HTTP/1.1\r\n";

	memcpy(wire, http, sizeof(http));
	EXPECT_EQ(agent_hello_decode(wire, &back), FRAME_ERR_MAGIC);
}

static enum frame_status feed_all(struct frame_decoder *d, const uint8_t *buf, size_t len,
				  size_t *records)
{
	size_t used = 0;

	*records = 0;
	while (used < len) {
		size_t consumed = 0;
		bool complete = false;
		enum frame_status st =
		    frame_decoder_feed(d, buf + used, len - used, &consumed, &complete);

		if (st != FRAME_OK) {
			return st;
		}
		used += consumed;
		if (complete) {
			(*records)++;
			frame_decoder_reset(d);
		}
	}
	return FRAME_OK;
}

TEST(agent_frame, lengths_out_of_range_stop_the_stream)
{
	static const uint32_t bad[] = {0, MIG_RECORD_MAX + 1, 0x80000000U, 0xFFFFFFFFU};
	struct frame_decoder *d = malloc(sizeof(*d));
	uint8_t buf[AGENT_FRAME_HEADER + 8] = {0};
	size_t records = 0;

	ASSERT_TRUE(d != NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		frame_decoder_reset(d);
		frame_header_encode(bad[i], buf);
		EXPECT_EQ(feed_all(d, buf, sizeof(buf), &records), FRAME_ERR_LENGTH);
		EXPECT_EQ(records, 0U);
	}
	frame_decoder_reset(d);
	frame_header_encode(MIG_RECORD_MAX, buf);
	EXPECT_EQ(feed_all(d, buf, AGENT_FRAME_HEADER, &records), FRAME_OK);
	EXPECT_FALSE(frame_decoder_idle(d));
	free(d);
}

TEST(agent_frame, records_split_anywhere_and_batched_decode_whole)
{
	struct frame_decoder *d = malloc(sizeof(*d));
	uint8_t stream[3 * (AGENT_FRAME_HEADER + 300)];
	size_t len = 0;
	const uint32_t sizes[3] = {1, 300, 77};

	ASSERT_TRUE(d != NULL);
	for (unsigned r = 0; r < 3; r++) {
		frame_header_encode(sizes[r], stream + len);
		len += AGENT_FRAME_HEADER;
		for (uint32_t i = 0; i < sizes[r]; i++) {
			stream[len++] = (uint8_t)(r * 50 + i);
		}
	}
	/* Every split point of the stream into two reads, then byte by byte. */
	for (size_t split = 0; split <= len; split++) {
		size_t first = 0;
		size_t second = 0;

		frame_decoder_reset(d);
		EXPECT_EQ(feed_all(d, stream, split, &first), FRAME_OK);
		EXPECT_EQ(feed_all(d, stream + split, len - split, &second), FRAME_OK);
		EXPECT_EQ(first + second, 3U);
		EXPECT_TRUE(frame_decoder_idle(d));
	}
	frame_decoder_reset(d);
	for (size_t i = 0, seen = 0; i < len; i++) {
		size_t consumed = 0;
		bool complete = false;

		ASSERT_EQ(frame_decoder_feed(d, stream + i, 1, &consumed, &complete), FRAME_OK);
		ASSERT_EQ(consumed, 1U);
		if (complete) {
			EXPECT_EQ(d->length, sizes[seen]);
			EXPECT_EQ(d->record[d->length - 1], (uint8_t)(seen * 50 + sizes[seen] - 1));
			seen++;
			frame_decoder_reset(d);
		}
	}
	free(d);
}

TEST(agent_frame, decoder_stops_at_the_end_of_each_record)
{
	struct frame_decoder *d = malloc(sizeof(*d));
	uint8_t two[2 * (AGENT_FRAME_HEADER + 2)];
	size_t consumed = 0;
	bool complete = false;

	ASSERT_TRUE(d != NULL);
	frame_header_encode(2, two);
	two[4] = 0x11;
	two[5] = 0x22;
	frame_header_encode(2, two + 6);
	two[10] = 0x33;
	two[11] = 0x44;
	frame_decoder_reset(d);
	ASSERT_EQ(frame_decoder_feed(d, two, sizeof(two), &consumed, &complete), FRAME_OK);
	EXPECT_TRUE(complete);
	EXPECT_EQ(consumed, 6U);
	EXPECT_EQ(d->record[0], 0x11);
	EXPECT_EQ(d->record[1], 0x22);
	free(d);
}
