/* SPDX-License-Identifier: MIT */
/*
 * The pump end to end in one process: two in-memory MigrationPage regions, each with a helper
 * playing its SVSM, two pumps joined by real loopback TCP connections paired by the agents'
 * hellos. Records must arrive whole, in order, on their own channel, and TEST-ONLY faults must
 * alter exactly the record they name.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "svsm/check.h"
#include "svsm/migrate/record.h"
#include "svsm/test.h"

#include "agent.h"
#include "agent_fake_svsm.h"
#include "capture.h"
#include "frame.h"
#include "net.h"
#include "pump.h"
#include "records.h"
#include "session.h"

#define LINK_TIMEOUT_MS	  20000U
#define QUIET_PERIOD_MS	  200U
#define RECORDS_PER_CHAN  24U
#define RECORDS_PER_ROUND 8U
#define REPLIES_PER_CHAN  3U

struct side_options {
	struct capture_writer *capture;
	const struct inject_spec *injects;
	unsigned inject_count;
	bool inject_incoming;
};

struct link {
	void *src_region;
	void *dst_region;
	struct fake_svsm src;
	struct fake_svsm dst;
	struct pump *src_pump;
	struct pump *dst_pump;
	uint32_t channels;
};

struct acceptor {
	int listen_fd;
	int fds[MIG_MAX_CHANNELS];
	uint32_t channels;
	int code;
	char message[256];
};

static void *accept_thread(void *arg)
{
	struct acceptor *a = arg;

	a->code = session_accept(a->listen_fd, net_deadline_after_ms(LINK_TIMEOUT_MS), a->fds,
				 &a->channels, a->message, sizeof(a->message));
	return NULL;
}

static bool start_pump(struct pump **pump, void *region, uint32_t channels, const int fds[],
		       const struct side_options *side)
{
	struct pump_config config = {.region = region, .channels = channels};
	char message[PUMP_MESSAGE_MAX];

	if (side != NULL) {
		config.capture = side->capture;
		config.injects = side->injects;
		config.inject_count = side->inject_count;
		config.inject_incoming = side->inject_incoming;
	}
	memcpy(config.fds, fds, channels * sizeof(fds[0]));
	if (!pump_start(pump, &config, message, sizeof(message))) {
		test_log("pump_start: %s\n", message);
		return false;
	}
	return true;
}

/* Pairs `channels` loopback connections through the agents' hellos and starts both pumps. */
static bool open_link(struct link *l, uint32_t channels, const struct side_options *src_side,
		      const struct side_options *dst_side)
{
	struct agent_endpoint ep = {"127.0.0.1", 0};
	uint8_t session_id[AGENT_SESSION_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct acceptor acc = {.code = -1};
	int src_fds[MIG_MAX_CHANNELS];
	char message[256];
	pthread_t thread;
	int code;

	memset(l, 0, sizeof(*l));
	l->channels = channels;
	l->src_region = fake_region_alloc();
	l->dst_region = fake_region_alloc();
	fake_svsm_init(&l->src, l->src_region, MIG_STATUS_IDLE);
	fake_svsm_init(&l->dst, l->dst_region, MIG_STATUS_TARGET_WAITING);
	acc.listen_fd = net_listen(&ep, &ep.port, message, sizeof(message));
	if (acc.listen_fd < 0) {
		test_log("listen: %s\n", message);
		return false;
	}
	pthread_create(&thread, NULL, accept_thread, &acc);
	code = session_connect(&ep, channels, session_id, net_deadline_after_ms(LINK_TIMEOUT_MS),
			       src_fds, message, sizeof(message));
	pthread_join(thread, NULL);
	close(acc.listen_fd);
	if (code != AGENT_EXIT_OK || acc.code != AGENT_EXIT_OK || acc.channels != channels) {
		test_log("pairing: connect %d (%s), accept %d (%s)\n", code, message, acc.code,
			 acc.message);
		return false;
	}
	return start_pump(&l->src_pump, l->src_region, channels, src_fds, src_side) &&
	       start_pump(&l->dst_pump, l->dst_region, channels, acc.fds, dst_side);
}

static void close_link(struct link *l, struct pump_stats *src_stats, struct pump_stats *dst_stats)
{
	if (l->src_pump != NULL) {
		pump_finish(l->src_pump, src_stats);
	}
	if (l->dst_pump != NULL) {
		pump_finish(l->dst_pump, dst_stats);
	}
	free(l->src_region);
	free(l->dst_region);
}

static uint32_t gpas_of(uint32_t i)
{
	return 1 + i % MIG_PAGES_PER_RECORD;
}

static size_t expected_record(uint8_t *buf, uint32_t channel, uint32_t i)
{
	return fake_pages_record(buf, MIG_RECORD_MAX, channel, i, i / RECORDS_PER_ROUND,
				 gpas_of(i));
}

/* Source SVSM produces RECORDS_PER_CHAN records per channel while the target SVSM checks that
 * each arrives whole and in order on its channel. */
static void stream_source_to_target(struct link *l)
{
	static uint8_t want[MIG_RECORD_MAX];
	static uint8_t got[MIG_RECORD_MAX];
	uint32_t produced[MIG_MAX_CHANNELS] = {0};
	uint32_t received[MIG_MAX_CHANNELS] = {0};
	uint32_t total = 0;
	uint64_t deadline = net_deadline_after_ms(LINK_TIMEOUT_MS);

	while (total < l->channels * RECORDS_PER_CHAN && net_now_ns() < deadline &&
	       test_current_failures() == 0) {
		for (uint32_t c = 0; c < l->channels; c++) {
			bool ok = false;
			size_t len = 0;

			if (produced[c] < RECORDS_PER_CHAN) {
				len = expected_record(want, c, produced[c]);
				EXPECT_TRUE(fake_try_produce(&l->src, c, want, len, &ok));
				produced[c] += ok ? 1 : 0;
			}
			EXPECT_TRUE(fake_try_consume(&l->dst, c, got, &len));
			if (len == 0) {
				continue;
			}
			ASSERT_LT(received[c], RECORDS_PER_CHAN);
			EXPECT_EQ(len, expected_record(want, c, received[c]));
			EXPECT_MEMEQ(got, want, len);
			received[c]++;
			total++;
		}
	}
	EXPECT_EQ(total, l->channels * RECORDS_PER_CHAN);
}

/* The target SVSM answers on every channel; the source SVSM gets the answers in order. */
static void stream_target_to_source(struct link *l)
{
	uint8_t want[256];
	uint8_t *got = malloc(MIG_RECORD_MAX);
	uint64_t deadline = net_deadline_after_ms(LINK_TIMEOUT_MS);

	for (uint32_t c = 0; c < l->channels; c++) {
		for (uint32_t i = 0; i < REPLIES_PER_CHAN; i++) {
			size_t len = fake_control_record(want, sizeof(want), MIG_REC_ACK, c, i);

			EXPECT_TRUE(fake_produce(&l->dst, c, want, len, deadline));
		}
	}
	for (uint32_t c = 0; c < l->channels; c++) {
		for (uint32_t i = 0; i < REPLIES_PER_CHAN; i++) {
			size_t want_len =
			    fake_control_record(want, sizeof(want), MIG_REC_ACK, c, i);
			size_t len = 0;

			ASSERT_TRUE(fake_consume(&l->src, c, got, &len, deadline));
			EXPECT_EQ(len, want_len);
			EXPECT_MEMEQ(got, want, want_len);
		}
	}
	free(got);
}

static void expect_source_stats(const struct pump_stats *s, uint32_t channels)
{
	uint8_t *buf = malloc(MIG_RECORD_MAX);
	uint64_t round_pages[3] = {0};
	uint64_t round_bytes[3] = {0};

	for (uint32_t c = 0; c < channels; c++) {
		uint64_t bytes = 0;
		uint64_t pages = 0;

		for (uint32_t i = 0; i < RECORDS_PER_CHAN; i++) {
			size_t len = expected_record(buf, c, i);

			bytes += len;
			pages += gpas_of(i);
			round_pages[i / RECORDS_PER_ROUND] += gpas_of(i);
			round_bytes[i / RECORDS_PER_ROUND] += len;
		}
		EXPECT_EQ(s->channel[c].records[CAPTURE_OUT], RECORDS_PER_CHAN);
		EXPECT_EQ(s->channel[c].bytes[CAPTURE_OUT], bytes);
		EXPECT_EQ(s->channel[c].records[CAPTURE_IN], REPLIES_PER_CHAN);
		EXPECT_EQ(s->channel[c].pages[CAPTURE_OUT], pages);
	}
	EXPECT_EQ(s->rounds_seen, 3U);
	for (uint32_t r = 0; r < 3; r++) {
		EXPECT_EQ(s->rounds[r].records, channels * RECORDS_PER_ROUND);
		EXPECT_EQ(s->rounds[r].pages, round_pages[r]);
		EXPECT_EQ(s->rounds[r].bytes, round_bytes[r]);
	}
	EXPECT_EQ(s->unattributed.records, channels * REPLIES_PER_CHAN);
	free(buf);
}

/* Every entry of the capture, per direction and channel, in forwarding order. */
static void expect_capture(const char *path, uint32_t channels)
{
	struct capture_reader reader;
	struct capture_entry entry;
	static uint8_t buf[MIG_RECORD_MAX];
	uint64_t next_out[MIG_MAX_CHANNELS] = {0};
	uint64_t next_in[MIG_MAX_CHANNELS] = {0};
	enum capture_status st;

	ASSERT_EQ(capture_reader_open(&reader, path), CAPTURE_OK);
	while ((st = capture_reader_next(&reader, &entry, buf, MIG_RECORD_MAX)) == CAPTURE_OK) {
		struct agent_record_info info;
		uint64_t *next = entry.dir == CAPTURE_OUT ? next_out : next_in;

		EXPECT_TRUE(agent_record_peek(buf, entry.length, &info));
		EXPECT_EQ(info.channel, entry.channel);
		EXPECT_EQ(info.type, entry.dir == CAPTURE_OUT ? MIG_REC_PAGES : MIG_REC_ACK);
		EXPECT_EQ(info.seq, next[entry.channel]);
		next[entry.channel]++;
	}
	EXPECT_EQ(st, CAPTURE_END);
	for (uint32_t c = 0; c < channels; c++) {
		EXPECT_EQ(next_out[c], RECORDS_PER_CHAN);
		EXPECT_EQ(next_in[c], REPLIES_PER_CHAN);
	}
	capture_reader_close(&reader);
}

TEST(agent_pump, four_channels_arrive_in_order_both_ways)
{
	char path[] = "/tmp/agent-pump-capture-XXXXXX";
	int fd = mkstemp(path);
	struct capture_writer capture;
	struct side_options src_side = {.capture = &capture};
	static struct pump_stats src_stats_buf;
	static struct pump_stats dst_stats_buf;
	struct pump_stats *src_stats = &src_stats_buf;
	struct pump_stats *dst_stats = &dst_stats_buf;
	struct link l;

	ASSERT_TRUE(fd >= 0);
	close(fd);
	ASSERT_EQ(capture_open(&capture, path), CAPTURE_OK);
	if (open_link(&l, 4, &src_side, NULL)) {
		stream_source_to_target(&l);
		stream_target_to_source(&l);
	} else {
		test_fail_at(__FILE__, __LINE__, "could not open the link");
	}
	close_link(&l, src_stats, dst_stats);
	EXPECT_EQ(capture_close(&capture), CAPTURE_OK);
	expect_source_stats(src_stats, 4);
	for (uint32_t c = 0; c < 4; c++) {
		EXPECT_EQ(dst_stats->channel[c].records[CAPTURE_IN], RECORDS_PER_CHAN);
		EXPECT_EQ(dst_stats->channel[c].records[CAPTURE_OUT], REPLIES_PER_CHAN);
	}
	expect_capture(path, 4);
	unlink(path);
}

/* --- Faults -------------------------------------------------------------------------------- */

#define FAULT_RECORDS 6U
#define FAULT_MAX_GOT 12U
#define NOT_DECODED   UINT64_MAX

struct arrival {
	uint64_t seq; /* NOT_DECODED when the header does not decode */
	size_t len;
	uint8_t last_byte;
};

/* Streams FAULT_RECORDS one-page records over one channel; collects what the target gets until
 * it has `expect` records and nothing more comes for QUIET_PERIOD_MS. */
static unsigned run_fault(const struct inject_spec *spec, bool incoming, unsigned expect,
			  struct arrival got[FAULT_MAX_GOT], uint64_t *elapsed_ms)
{
	struct side_options faulty = {
	    .injects = spec, .inject_count = 1, .inject_incoming = incoming};
	uint8_t *buf = malloc(MIG_RECORD_MAX);
	uint64_t start = net_now_ns();
	uint64_t deadline = net_deadline_after_ms(LINK_TIMEOUT_MS);
	uint64_t quiet_until = 0;
	unsigned count = 0;
	struct link l;

	if (!open_link(&l, 1, incoming ? NULL : &faulty, incoming ? &faulty : NULL)) {
		test_fail_at(__FILE__, __LINE__, "could not open the link");
		close_link(&l, NULL, NULL);
		free(buf);
		return 0;
	}
	for (uint32_t i = 0; i < FAULT_RECORDS; i++) {
		size_t len = fake_pages_record(buf, MIG_RECORD_MAX, 0, i, 0, 1);

		EXPECT_TRUE(fake_produce(&l.src, 0, buf, len, deadline));
	}
	while (net_now_ns() < deadline && (count < expect || net_now_ns() < quiet_until)) {
		struct agent_record_info info;
		size_t len = 0;

		if (!fake_consume(&l.dst, 0, buf, &len, net_deadline_after_ms(10)) || len == 0) {
			continue;
		}
		if (count == FAULT_MAX_GOT) {
			break;
		}
		got[count].seq = agent_record_peek(buf, len, &info) ? info.seq : NOT_DECODED;
		got[count].len = len;
		got[count].last_byte = buf[len - 1];
		if (++count == expect) {
			*elapsed_ms = (net_now_ns() - start) / 1000000ULL;
			quiet_until = net_deadline_after_ms(QUIET_PERIOD_MS);
		}
	}
	close_link(&l, NULL, NULL);
	free(buf);
	return count;
}

static void expect_seqs(const struct arrival *got, unsigned count, const uint64_t *want,
			unsigned want_count, int line)
{
	if (count != want_count) {
		test_fail_at(__FILE__, line, "%u records arrived, expected %u", count, want_count);
		return;
	}
	for (unsigned i = 0; i < count; i++) {
		if (got[i].seq != want[i]) {
			test_fail_at(__FILE__, line, "record %u has seq %llu, expected %llu", i,
				     (unsigned long long)got[i].seq, (unsigned long long)want[i]);
		}
	}
}

static struct inject_spec spec_of(const char *text)
{
	struct inject_spec spec;
	char message[128];

	CHECK(inject_parse(text, &spec, message, sizeof(message)));
	return spec;
}

#define EXPECT_SEQS(got, count, ...)                                                               \
	do {                                                                                       \
		const uint64_t want_[] = {__VA_ARGS__};                                            \
		expect_seqs(got, count, want_, sizeof(want_) / sizeof(want_[0]), __LINE__);        \
	} while (0)

TEST(agent_fault, drop_removes_the_third_pages_record)
{
	struct inject_spec spec = spec_of("drop@PAGES:3");
	struct arrival got[FAULT_MAX_GOT];
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 5, got, &ms);

	EXPECT_SEQS(got, n, 0, 1, 3, 4, 5);
}

TEST(agent_fault, duplicate_sends_the_second_record_twice)
{
	struct inject_spec spec = spec_of("duplicate:2");
	struct arrival got[FAULT_MAX_GOT];
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 7, got, &ms);

	EXPECT_SEQS(got, n, 0, 1, 1, 2, 3, 4, 5);
}

TEST(agent_fault, reorder_swaps_the_second_and_third_records)
{
	struct inject_spec spec = spec_of("reorder:2");
	struct arrival got[FAULT_MAX_GOT];
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 6, got, &ms);

	EXPECT_SEQS(got, n, 0, 2, 1, 3, 4, 5);
}

TEST(agent_fault, replay_resends_the_second_record_after_the_next)
{
	struct inject_spec spec = spec_of("replay@pages:2");
	struct arrival got[FAULT_MAX_GOT];
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 7, got, &ms);

	EXPECT_SEQS(got, n, 0, 1, 2, 1, 3, 4, 5);
}

TEST(agent_fault, flip_changes_only_the_last_byte_of_the_second_record)
{
	struct inject_spec spec = spec_of("flip:2");
	struct arrival got[FAULT_MAX_GOT];
	uint8_t *buf = malloc(MIG_RECORD_MAX);
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 6, got, &ms);

	EXPECT_SEQS(got, n, 0, 1, 2, 3, 4, 5);
	for (unsigned i = 0; i < n && n == 6; i++) {
		size_t len = fake_pages_record(buf, MIG_RECORD_MAX, 0, i, 0, 1);

		EXPECT_EQ(got[i].len, len);
		EXPECT_EQ(got[i].last_byte, (uint8_t)(buf[len - 1] ^ (i == 1 ? 0x01 : 0x00)));
	}
	free(buf);
}

TEST(agent_fault, truncate_halves_the_second_record)
{
	struct inject_spec spec = spec_of("truncate:2");
	struct arrival got[FAULT_MAX_GOT];
	uint8_t *buf = malloc(MIG_RECORD_MAX);
	size_t full = fake_pages_record(buf, MIG_RECORD_MAX, 0, 1, 0, 1);
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 6, got, &ms);

	EXPECT_SEQS(got, n, 0, NOT_DECODED, 2, 3, 4, 5);
	if (n == 6) {
		EXPECT_EQ(got[1].len, full / 2);
	}
	free(buf);
}

TEST(agent_fault, delay_holds_the_record_back)
{
	struct inject_spec spec = spec_of("delay-ms=300:1");
	struct arrival got[FAULT_MAX_GOT];
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 6, got, &ms);

	EXPECT_SEQS(got, n, 0, 1, 2, 3, 4, 5);
	EXPECT_GE(ms, 300U);
}

TEST(agent_fault, type_filter_skips_other_types)
{
	struct inject_spec spec = spec_of("drop@GO");
	struct arrival got[FAULT_MAX_GOT];
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, false, 6, got, &ms);

	EXPECT_SEQS(got, n, 0, 1, 2, 3, 4, 5);
}

TEST(agent_fault, incoming_drop_acts_before_the_in_ring)
{
	struct inject_spec spec = spec_of("drop");
	struct arrival got[FAULT_MAX_GOT];
	uint64_t ms = 0;
	unsigned n = run_fault(&spec, true, 5, got, &ms);

	EXPECT_SEQS(got, n, 1, 2, 3, 4, 5);
}

/* --- A hostile peer ----------------------------------------------------------------------- */

/* One pump on a fresh target region, fed by raw bytes from the test through a socket pair. */
struct raw_peer {
	void *region;
	struct fake_svsm svsm;
	struct pump *pump;
	int peer_fd;
};

static bool raw_peer_open(struct raw_peer *r)
{
	int fds[2];

	memset(r, 0, sizeof(*r));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
		return false;
	}
	r->region = fake_region_alloc();
	fake_svsm_init(&r->svsm, r->region, MIG_STATUS_TARGET_WAITING);
	r->peer_fd = fds[1];
	return start_pump(&r->pump, r->region, 1, &fds[0], NULL);
}

static void raw_peer_close(struct raw_peer *r)
{
	if (r->pump != NULL) {
		pump_finish(r->pump, NULL);
	}
	close(r->peer_fd);
	free(r->region);
}

static enum pump_health wait_for_health(struct raw_peer *r, char *message, size_t len)
{
	uint64_t deadline = net_deadline_after_ms(LINK_TIMEOUT_MS);
	enum pump_health health;

	while ((health = pump_health(r->pump, message, len)) == PUMP_HEALTHY &&
	       net_now_ns() < deadline) {
		struct timespec pause = {0, 1000000L};

		nanosleep(&pause, NULL);
	}
	return health;
}

static void send_frame_header(int fd, uint32_t length)
{
	uint8_t header[AGENT_FRAME_HEADER];

	frame_header_encode(length, header);
	CHECK(write(fd, header, sizeof(header)) == (ssize_t)sizeof(header));
}

TEST(agent_hostile_peer, bad_lengths_stop_the_channel_before_the_ring)
{
	static const uint32_t lengths[] = {0, MIG_RECORD_MAX + 1, 0xFFFFFFFFU};

	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		uint8_t rec[256];
		size_t len = fake_control_record(rec, sizeof(rec), MIG_REC_GO, 0, 0);
		char message[PUMP_MESSAGE_MAX] = "";
		struct raw_peer r;
		static uint8_t got[MIG_RECORD_MAX];

		ASSERT_TRUE(raw_peer_open(&r));
		/* One good record first: it must arrive; nothing after the bad length may. */
		send_frame_header(r.peer_fd, (uint32_t)len);
		CHECK(write(r.peer_fd, rec, len) == (ssize_t)len);
		send_frame_header(r.peer_fd, lengths[i]);
		CHECK(write(r.peer_fd, rec, len) == (ssize_t)len);
		EXPECT_EQ(wait_for_health(&r, message, sizeof(message)), PUMP_PEER_PROTOCOL);
		EXPECT_TRUE(strstr(message, "record length out of range") != NULL);
		EXPECT_TRUE(fake_consume(&r.svsm, 0, got, &len, net_deadline_after_ms(1000)));
		EXPECT_MEMEQ(got, rec, len);
		EXPECT_TRUE(fake_try_consume(&r.svsm, 0, got, &len));
		EXPECT_EQ(len, 0U);
		raw_peer_close(&r);
	}
}

TEST(agent_hostile_peer, end_of_stream_inside_a_record_delivers_nothing_of_it)
{
	uint8_t rec[256];
	size_t len = fake_control_record(rec, sizeof(rec), MIG_REC_ACK, 0, 0);
	char message[PUMP_MESSAGE_MAX] = "";
	static uint8_t got[MIG_RECORD_MAX];
	size_t got_len = 0;
	struct raw_peer r;

	ASSERT_TRUE(raw_peer_open(&r));
	send_frame_header(r.peer_fd, (uint32_t)len);
	CHECK(write(r.peer_fd, rec, len - 1) == (ssize_t)(len - 1));
	shutdown(r.peer_fd, SHUT_WR);
	EXPECT_EQ(wait_for_health(&r, message, sizeof(message)), PUMP_PEER_CLOSED);
	EXPECT_TRUE(strstr(message, "inside a record") != NULL);
	EXPECT_TRUE(pump_delivered(r.pump));
	EXPECT_TRUE(fake_try_consume(&r.svsm, 0, got, &got_len));
	EXPECT_EQ(got_len, 0U);
	raw_peer_close(&r);
}

/* The SVSM produces its last record (GO) and then says DONE: a drain begun after the caller saw
 * DONE must not end before that record has been sent, whatever the channels looked at earlier. */
TEST(agent_pump, drain_covers_records_produced_just_before_it_began)
{
	uint8_t rec[256];
	size_t len = fake_control_record(rec, sizeof(rec), MIG_REC_GO, 0, 0);
	uint64_t expected = 0;
	struct link l;

	if (!open_link(&l, 2, NULL, NULL)) {
		test_fail_at(__FILE__, __LINE__, "could not open the link");
		close_link(&l, NULL, NULL);
		return;
	}
	for (unsigned i = 0; i < 200 && test_current_failures() == 0; i++) {
		uint64_t deadline = net_deadline_after_ms(LINK_TIMEOUT_MS);
		uint64_t epoch;
		uint8_t got[256];
		size_t got_len = 0;

		EXPECT_TRUE(fake_produce(&l.src, i % 2, rec, len, deadline));
		expected += len;
		epoch = pump_drain_begin(l.src_pump);
		while (!pump_drained_since(l.src_pump, epoch) && net_now_ns() < deadline) {
			sched_yield();
		}
		EXPECT_EQ(pump_bytes_moved(l.src_pump), expected);
		EXPECT_TRUE(fake_consume(&l.dst, i % 2, got, &got_len, deadline));
	}
	close_link(&l, NULL, NULL);
}
