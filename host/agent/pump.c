/* SPDX-License-Identifier: MIT */
#include "pump.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "svsm/check.h"
#include "svsm/log.h"
#include "svsm/migrate/ring.h"

#include "frame.h"
#include "net.h"
#include "records.h"

/* A record can leave the injector as up to four (duplicate, plus a held and a replayed one). */
#define QUEUE_SLOTS    8U
#define QUEUE_HEADROOM 4U
#define IDLE_POLL_MS   1
#define DELAY_STEP_NS  10000000ULL
#define RECV_CHUNK     65536U

struct record_buf {
	uint32_t len;
	uint8_t *data; /* MIG_RECORD_MAX bytes */
};

struct record_queue {
	struct record_buf slots[QUEUE_SLOTS];
	unsigned head;
	unsigned count;
};

/* Per direction: where records wait, and the TEST-ONLY fault state. */
struct direction {
	enum capture_dir dir;
	struct record_queue queue;
	struct record_buf held; /* reorder: waits for the channel's next record */
	bool holding;
	struct record_buf replay; /* replay: resent after the channel's next record */
	bool replay_pending;
	struct injector *injector; /* NULL: no faults in this direction */
};

struct channel {
	struct pump *pump;
	uint32_t index;
	int fd;
	pthread_t thread;
	bool thread_started;
	struct mig_ring out_ring; /* host consumes */
	struct mig_ring in_ring;  /* host produces */
	struct direction to_peer;
	struct direction to_svsm;
	uint8_t *scratch; /* MIG_RECORD_MAX: a record just taken from the out ring */
	struct frame_decoder *decoder;
	size_t tx_sent;	  /* bytes of the queue head's frame already sent */
	bool peer_eof;	  /* no more bytes will come from the peer */
	bool send_closed; /* the peer cannot take more bytes */
	int health;	  /* enum pump_health, atomic */
	char message[PUMP_MESSAGE_MAX];
	uint64_t drained_epoch; /* atomic: last drain epoch in which nothing was left to send */
	int in_delivered;	/* atomic: the SVSM has consumed everything we produced */
	struct pump_channel_stats stats;
	struct pump_round_stats *rounds; /* PUMP_ROUNDS_MAX */
	struct pump_round_stats unattributed;
	uint32_t rounds_seen;
};

struct pump {
	void *region;
	uint32_t channels;
	int stop;	      /* atomic */
	uint64_t epoch;	      /* atomic: bumped by pump_drain_begin() */
	uint64_t bytes_moved; /* atomic */
	struct capture_writer *capture;
	struct injector injector;
	struct channel channel[MIG_MAX_CHANNELS];
};

__attribute__((format(printf, 3, 4))) static void
set_health(struct channel *ch, enum pump_health health, const char *fmt, ...)
{
	va_list ap;

	/* The first problem of a channel is the one worth reporting. */
	if (__atomic_load_n(&ch->health, __ATOMIC_ACQUIRE) != PUMP_HEALTHY) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(ch->message, sizeof(ch->message), fmt, ap);
	va_end(ap);
	__atomic_store_n(&ch->health, (int)health, __ATOMIC_RELEASE);
}

static bool stopping(const struct pump *pump)
{
	return __atomic_load_n(&pump->stop, __ATOMIC_ACQUIRE) != 0;
}

/* --- Queues ------------------------------------------------------------------------------ */

static unsigned queue_free(const struct record_queue *q)
{
	return QUEUE_SLOTS - q->count;
}

static struct record_buf *queue_front(struct record_queue *q)
{
	return q->count == 0 ? NULL : &q->slots[q->head];
}

static void queue_pop(struct record_queue *q)
{
	CHECK(q->count > 0);
	q->head = (q->head + 1) % QUEUE_SLOTS;
	q->count--;
}

static void queue_push(struct record_queue *q, const uint8_t *data, uint32_t len)
{
	struct record_buf *slot;

	CHECK(q->count < QUEUE_SLOTS && len <= MIG_RECORD_MAX);
	slot = &q->slots[(q->head + q->count) % QUEUE_SLOTS];
	memcpy(slot->data, data, len);
	slot->len = len;
	q->count++;
}

/* --- Forwarding and faults ---------------------------------------------------------------- */

static void count_record(struct channel *ch, enum capture_dir dir, const uint8_t *data,
			 uint32_t len)
{
	struct agent_record_info info;
	struct pump_round_stats *bucket = &ch->unattributed;

	ch->stats.records[dir]++;
	ch->stats.bytes[dir] += len;
	__atomic_fetch_add(&ch->pump->bytes_moved, len, __ATOMIC_RELAXED);
	if (agent_record_peek(data, len, &info) && info.has_round && info.round < PUMP_ROUNDS_MAX) {
		bucket = &ch->rounds[info.round];
		if (info.round + 1 > ch->rounds_seen) {
			ch->rounds_seen = (uint32_t)info.round + 1;
		}
	}
	bucket->records++;
	bucket->bytes += len;
	bucket->pages += info.gpa_count;
	ch->stats.pages[dir] += info.gpa_count;
}

/* Queues a record for its destination; it is now "forwarded" (captured and counted). */
static void emit(struct channel *ch, struct direction *d, const uint8_t *data, uint32_t len)
{
	queue_push(&d->queue, data, len);
	capture_append(ch->pump->capture, d->dir, ch->index, data, len);
	count_record(ch, d->dir, data, len);
}

static void sleep_unless_stopping(struct channel *ch, uint32_t ms)
{
	uint64_t end = net_now_ns() + (uint64_t)ms * 1000000ULL;

	while (!stopping(ch->pump) && net_now_ns() < end) {
		struct timespec step = {0, (long)DELAY_STEP_NS};

		nanosleep(&step, NULL);
	}
}

static noreturn void injected_kill(struct channel *ch)
{
	capture_flush(ch->pump->capture);
	fflush(stderr);
	raise(SIGKILL);
	abort();
}

static const char *dir_name(enum capture_dir dir)
{
	return dir == CAPTURE_OUT ? "to the peer" : "to the SVSM";
}

static void log_fault(const struct channel *ch, const struct direction *d,
		      const struct inject_spec *spec, const struct agent_record_info *info)
{
	const char *name = agent_record_type_name(info->type);

	LOG_WARN("TEST-ONLY fault: %s on channel %u, %s record seq %llu, %s\n",
		 inject_kind_name(spec->kind), ch->index, name != NULL ? name : "undecodable",
		 (unsigned long long)info->seq, dir_name(d->dir));
}

/* Emits the record as the fault says. True when it is held back for later (reorder). */
static bool apply_fault(struct channel *ch, struct direction *d, const struct inject_spec *spec,
			uint8_t *data, uint32_t len)
{
	switch (spec->kind) {
	case INJECT_DROP:
		ch->stats.dropped[d->dir]++;
		return false;
	case INJECT_KILL:
		injected_kill(ch);
	case INJECT_DELAY:
		sleep_unless_stopping(ch, spec->delay_ms);
		break;
	case INJECT_FLIP:
		data[len - 1] ^= 0x01;
		break;
	case INJECT_TRUNCATE:
		len = len / 2 > 0 ? len / 2 : 1;
		break;
	case INJECT_DUPLICATE:
		emit(ch, d, data, len);
		break;
	case INJECT_REORDER:
		/* A second reorder while one record is held just passes. */
		if (!d->holding) {
			memcpy(d->held.data, data, len);
			d->held.len = len;
			d->holding = true;
			return true;
		}
		break;
	case INJECT_REPLAY:
		break;
	}
	emit(ch, d, data, len);
	return false;
}

/*
 * Forwards one record: applies the fault that fires on it, if any, then releases a record held
 * back (reorder) or saved for a second time (replay) after it. Worst case four records leave
 * (a duplicate, the held one, the replayed one): QUEUE_HEADROOM.
 */
static void forward(struct channel *ch, struct direction *d, uint8_t *data, uint32_t len)
{
	struct agent_record_info info;
	struct inject_spec spec;
	bool fired = false;
	bool held = false;

	agent_record_peek(data, len, &info);
	if (d->injector != NULL) {
		fired = injector_match(d->injector, info.type, &spec);
	}
	if (fired) {
		log_fault(ch, d, &spec, &info);
		held = apply_fault(ch, d, &spec, data, len);
	} else {
		emit(ch, d, data, len);
	}
	if (d->holding && !held) {
		emit(ch, d, d->held.data, d->held.len);
		d->holding = false;
	}
	if (d->replay_pending) {
		emit(ch, d, d->replay.data, d->replay.len);
		d->replay_pending = false;
	}
	if (fired && spec.kind == INJECT_REPLAY) {
		memcpy(d->replay.data, data, len);
		d->replay.len = len;
		d->replay_pending = true;
	}
}

/* --- Ring and socket steps ---------------------------------------------------------------- */

static bool pull_out_ring(struct channel *ch)
{
	bool moved = false;

	while (queue_free(&ch->to_peer.queue) >= QUEUE_HEADROOM && !ch->send_closed) {
		size_t len = 0;
		enum mig_error err =
		    mig_ring_consume(&ch->out_ring, ch->scratch, MIG_RECORD_MAX, &len);

		if (err != MIG_ERR_NONE) {
			set_health(
			    ch, PUMP_RING_BROKEN,
			    "channel %u: the SVSM's out ring is inconsistent (indices or slot "
			    "length)",
			    ch->index);
			return moved;
		}
		if (len == 0) {
			break;
		}
		forward(ch, &ch->to_peer, ch->scratch, (uint32_t)len);
		moved = true;
	}
	return moved;
}

static bool send_to_peer(struct channel *ch)
{
	bool moved = false;
	struct record_buf *rec;

	while (!ch->send_closed && (rec = queue_front(&ch->to_peer.queue)) != NULL) {
		uint8_t header[AGENT_FRAME_HEADER];
		struct iovec iov[2];
		size_t frame_len = AGENT_FRAME_HEADER + rec->len;
		struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
		ssize_t n;

		frame_header_encode(rec->len, header);
		if (ch->tx_sent < AGENT_FRAME_HEADER) {
			iov[0] =
			    (struct iovec){header + ch->tx_sent, AGENT_FRAME_HEADER - ch->tx_sent};
			iov[1] = (struct iovec){rec->data, rec->len};
		} else {
			msg.msg_iovlen = 1;
			iov[0] = (struct iovec){rec->data + (ch->tx_sent - AGENT_FRAME_HEADER),
						frame_len - ch->tx_sent};
		}
		n = sendmsg(ch->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
				break;
			}
			ch->send_closed = true;
			set_health(ch, PUMP_PEER_CLOSED,
				   "channel %u: sending to the peer failed: %s", ch->index,
				   strerror(errno));
			break;
		}
		moved = true;
		ch->tx_sent += (size_t)n;
		if (ch->tx_sent == frame_len) {
			queue_pop(&ch->to_peer.queue);
			ch->tx_sent = 0;
		}
	}
	return moved;
}

/* Feeds received bytes to the decoder; forwards complete records while the queue has room. */
static size_t decode_bytes(struct channel *ch, const uint8_t *buf, size_t len)
{
	size_t used = 0;

	while (used < len && queue_free(&ch->to_svsm.queue) >= QUEUE_HEADROOM) {
		size_t consumed = 0;
		bool complete = false;
		enum frame_status st =
		    frame_decoder_feed(ch->decoder, buf + used, len - used, &consumed, &complete);

		if (st != FRAME_OK) {
			set_health(ch, PUMP_PEER_PROTOCOL,
				   "channel %u: the peer sent a bad frame: %s", ch->index,
				   frame_status_str(st));
			return len;
		}
		used += consumed;
		if (complete) {
			forward(ch, &ch->to_svsm, ch->decoder->record, ch->decoder->length);
			frame_decoder_reset(ch->decoder);
		}
	}
	return used;
}

static bool receive_from_peer(struct channel *ch)
{
	uint8_t buf[RECV_CHUNK];
	bool moved = false;

	/* Never read past the current frame: at most one record completes per read, and the
	 * queue has room for it, so no received byte is ever left over. */
	while (!ch->peer_eof && queue_free(&ch->to_svsm.queue) >= QUEUE_HEADROOM &&
	       __atomic_load_n(&ch->health, __ATOMIC_ACQUIRE) < PUMP_PEER_PROTOCOL) {
		size_t want = ch->decoder->header_have < AGENT_FRAME_HEADER
				  ? AGENT_FRAME_HEADER - ch->decoder->header_have
				  : (size_t)(ch->decoder->length - ch->decoder->have);
		ssize_t n = recv(ch->fd, buf, MIN(want, sizeof(buf)), MSG_DONTWAIT);

		if (n == 0) {
			ch->peer_eof = true;
			if (!frame_decoder_idle(ch->decoder)) {
				set_health(
				    ch, PUMP_PEER_CLOSED,
				    "channel %u: the peer closed the connection inside a record",
				    ch->index);
			} else {
				set_health(ch, PUMP_PEER_CLOSED,
					   "channel %u: the peer closed the connection", ch->index);
			}
			break;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
				break;
			}
			ch->peer_eof = true;
			set_health(ch, PUMP_PEER_CLOSED,
				   "channel %u: receiving from the peer failed: %s", ch->index,
				   strerror(errno));
			break;
		}
		moved = true;
		CHECK(decode_bytes(ch, buf, (size_t)n) == (size_t)n);
	}
	return moved;
}

static bool push_in_ring(struct channel *ch)
{
	bool moved = false;
	struct record_buf *rec;

	while ((rec = queue_front(&ch->to_svsm.queue)) != NULL) {
		bool produced = false;

		if (mig_ring_produce(&ch->in_ring, rec->data, rec->len, &produced) !=
		    MIG_ERR_NONE) {
			set_health(
			    ch, PUMP_RING_BROKEN,
			    "channel %u: the SVSM's in ring is inconsistent (consumer index)",
			    ch->index);
			break;
		}
		if (!produced) {
			break;
		}
		queue_pop(&ch->to_svsm.queue);
		mig_control_host_ring_doorbell(ch->pump->region);
		moved = true;
	}
	return moved;
}

/* Publishes what this iteration saw; epoch was read before the rings were looked at. */
static void publish_progress_flags(struct channel *ch, uint64_t epoch)
{
	uint32_t out_pending = 0;
	uint32_t in_free = 0;
	bool out_ok = mig_ring_space(&ch->out_ring, &out_pending) == MIG_ERR_NONE;
	bool in_ok = mig_ring_space(&ch->in_ring, &in_free) == MIG_ERR_NONE;
	bool drained = out_ok && out_pending == 0 && ch->to_peer.queue.count == 0;
	bool delivered = in_ok && in_free == MIG_RING_SLOTS && ch->to_svsm.queue.count == 0;

	if (drained) {
		__atomic_store_n(&ch->drained_epoch, epoch, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&ch->in_delivered, delivered ? 1 : 0, __ATOMIC_RELEASE);
}

static void wait_for_work(struct channel *ch)
{
	struct pollfd pfd = {.fd = ch->fd, .events = 0};

	if (!ch->peer_eof && queue_free(&ch->to_svsm.queue) >= QUEUE_HEADROOM) {
		pfd.events |= POLLIN;
	}
	if (!ch->send_closed && ch->to_peer.queue.count > 0) {
		pfd.events |= POLLOUT;
	}
	/* The rings have no notification: a short timeout bounds how late we see new records. */
	poll(&pfd, 1, IDLE_POLL_MS);
}

static void *channel_thread(void *arg)
{
	struct channel *ch = arg;

	while (!stopping(ch->pump)) {
		uint64_t epoch = __atomic_load_n(&ch->pump->epoch, __ATOMIC_ACQUIRE);
		bool moved = false;

		if (__atomic_load_n(&ch->health, __ATOMIC_ACQUIRE) < PUMP_PEER_PROTOCOL) {
			moved |= pull_out_ring(ch);
			moved |= send_to_peer(ch);
			moved |= receive_from_peer(ch);
			moved |= push_in_ring(ch);
		}
		publish_progress_flags(ch, epoch);
		if (!moved) {
			wait_for_work(ch);
		}
	}
	return NULL;
}

/* --- Set-up and tear-down ----------------------------------------------------------------- */

static bool alloc_record(struct record_buf *buf)
{
	buf->len = 0;
	buf->data = malloc(MIG_RECORD_MAX);
	return buf->data != NULL;
}

static bool init_direction(struct direction *d, enum capture_dir dir, struct injector *injector)
{
	memset(d, 0, sizeof(*d));
	d->dir = dir;
	d->injector = injector;
	for (unsigned i = 0; i < QUEUE_SLOTS; i++) {
		if (!alloc_record(&d->queue.slots[i])) {
			return false;
		}
	}
	return alloc_record(&d->held) && alloc_record(&d->replay);
}

static void free_direction(struct direction *d)
{
	for (unsigned i = 0; i < QUEUE_SLOTS; i++) {
		free(d->queue.slots[i].data);
	}
	free(d->held.data);
	free(d->replay.data);
}

static bool init_channel(struct pump *pump, uint32_t index, int fd, bool inject_incoming,
			 char *message, size_t message_len)
{
	struct channel *ch = &pump->channel[index];
	struct injector *injector = pump->injector.count > 0 ? &pump->injector : NULL;

	ch->pump = pump;
	ch->index = index;
	ch->fd = fd;
	if (mig_ring_attach(&ch->out_ring, pump->region, index, MIG_RING_OUT,
			    mig_ring_host_role(MIG_RING_OUT)) != MIG_ERR_NONE ||
	    mig_ring_attach(&ch->in_ring, pump->region, index, MIG_RING_IN,
			    mig_ring_host_role(MIG_RING_IN)) != MIG_ERR_NONE) {
		snprintf(message, message_len, "channel %u: ring indices are inconsistent", index);
		return false;
	}
	if (!net_set_nonblocking(fd) ||
	    !init_direction(&ch->to_peer, CAPTURE_OUT, inject_incoming ? NULL : injector) ||
	    !init_direction(&ch->to_svsm, CAPTURE_IN, inject_incoming ? injector : NULL)) {
		snprintf(message, message_len, "channel %u: out of memory", index);
		return false;
	}
	ch->scratch = malloc(MIG_RECORD_MAX);
	ch->decoder = malloc(sizeof(*ch->decoder));
	ch->rounds = calloc(PUMP_ROUNDS_MAX, sizeof(*ch->rounds));
	if (ch->scratch == NULL || ch->decoder == NULL || ch->rounds == NULL) {
		snprintf(message, message_len, "channel %u: out of memory", index);
		return false;
	}
	frame_decoder_reset(ch->decoder);
	return true;
}

static void free_channel(struct channel *ch)
{
	free_direction(&ch->to_peer);
	free_direction(&ch->to_svsm);
	free(ch->scratch);
	free(ch->decoder);
	free(ch->rounds);
	if (ch->fd >= 0) {
		shutdown(ch->fd, SHUT_WR);
		close(ch->fd);
	}
}

static void collect_stats(struct pump *pump, struct pump_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->channels = pump->channels;
	stats->faults_injected = injector_fired_count(&pump->injector);
	for (uint32_t c = 0; c < pump->channels; c++) {
		const struct channel *ch = &pump->channel[c];

		stats->channel[c] = ch->stats;
		stats->rounds_seen = MAX(stats->rounds_seen, ch->rounds_seen);
		stats->unattributed.records += ch->unattributed.records;
		stats->unattributed.bytes += ch->unattributed.bytes;
		stats->unattributed.pages += ch->unattributed.pages;
		for (uint32_t r = 0; r < ch->rounds_seen; r++) {
			stats->rounds[r].records += ch->rounds[r].records;
			stats->rounds[r].bytes += ch->rounds[r].bytes;
			stats->rounds[r].pages += ch->rounds[r].pages;
		}
	}
}

void pump_finish(struct pump *pump, struct pump_stats *stats)
{
	__atomic_store_n(&pump->stop, 1, __ATOMIC_RELEASE);
	for (uint32_t c = 0; c < pump->channels; c++) {
		if (pump->channel[c].thread_started) {
			pthread_join(pump->channel[c].thread, NULL);
		}
	}
	if (stats != NULL) {
		collect_stats(pump, stats);
	}
	for (uint32_t c = 0; c < pump->channels; c++) {
		free_channel(&pump->channel[c]);
	}
	injector_destroy(&pump->injector);
	free(pump);
}

bool pump_start(struct pump **out, const struct pump_config *config, char *message,
		size_t message_len)
{
	struct pump *pump = calloc(1, sizeof(*pump));

	CHECK(config->channels >= 1 && config->channels <= MIG_MAX_CHANNELS);
	*out = NULL;
	if (pump == NULL) {
		snprintf(message, message_len, "out of memory");
		return false;
	}
	pump->region = config->region;
	pump->capture = config->capture;
	pump->channels = config->channels;
	injector_init(&pump->injector, config->injects, config->inject_count);
	for (uint32_t c = 0; c < config->channels; c++) {
		pump->channel[c].fd = config->fds[c];
	}
	for (uint32_t c = 0; c < config->channels; c++) {
		if (!init_channel(pump, c, config->fds[c], config->inject_incoming, message,
				  message_len)) {
			pump_finish(pump, NULL);
			return false;
		}
	}
	for (uint32_t c = 0; c < config->channels; c++) {
		struct channel *ch = &pump->channel[c];

		if (pthread_create(&ch->thread, NULL, channel_thread, ch) != 0) {
			snprintf(message, message_len, "cannot start the thread of channel %u", c);
			pump_finish(pump, NULL);
			return false;
		}
		ch->thread_started = true;
	}
	*out = pump;
	return true;
}

enum pump_health pump_health(struct pump *pump, char *message, size_t message_len)
{
	enum pump_health worst = PUMP_HEALTHY;

	for (uint32_t c = 0; c < pump->channels; c++) {
		struct channel *ch = &pump->channel[c];
		int health = __atomic_load_n(&ch->health, __ATOMIC_ACQUIRE);

		if (health > (int)worst) {
			worst = (enum pump_health)health;
			snprintf(message, message_len, "%s", ch->message);
		}
	}
	return worst;
}

bool pump_delivered(struct pump *pump)
{
	for (uint32_t c = 0; c < pump->channels; c++) {
		if (__atomic_load_n(&pump->channel[c].in_delivered, __ATOMIC_ACQUIRE) == 0) {
			return false;
		}
	}
	return true;
}

uint64_t pump_drain_begin(struct pump *pump)
{
	return __atomic_add_fetch(&pump->epoch, 1, __ATOMIC_ACQ_REL);
}

bool pump_drained_since(struct pump *pump, uint64_t epoch)
{
	for (uint32_t c = 0; c < pump->channels; c++) {
		if (__atomic_load_n(&pump->channel[c].drained_epoch, __ATOMIC_ACQUIRE) < epoch) {
			return false;
		}
	}
	return true;
}

uint64_t pump_bytes_moved(struct pump *pump)
{
	return __atomic_load_n(&pump->bytes_moved, __ATOMIC_RELAXED);
}
