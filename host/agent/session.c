/* SPDX-License-Identifier: MIT */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "svsm/migrate/control.h"

#include "agent.h"
#include "names.h"
#include "net.h"
#include "progress.h"
#include "pump.h"

#define HELLO_TIMEOUT_MS  10000U
#define WATCH_INTERVAL_NS 10000000L
/* Consecutive unreadable control-page snapshots (10 ms apart) before the agent gives up. */
#define MAX_BAD_READS 100U

volatile sig_atomic_t session_interrupted;
volatile sig_atomic_t session_watching;

enum role {
	ROLE_SEND,
	ROLE_RECEIVE,
};

/* What the watch loop needs. */
struct watch {
	enum role role;
	void *region;
	struct pump *pump;
	uint32_t command_seq; /* send: our SEND command; the status is ours once it is acked */
	uint64_t command_ns;  /* send: when it was written */
	uint32_t abort_seq;   /* the ABORT the agent wrote to end it, 0 if none */
	uint64_t deadline_ns;
	struct progress progress;
	struct agent_result *result;
};

static void close_fds(int fds[], uint32_t count)
{
	for (uint32_t c = 0; c < count; c++) {
		if (fds[c] >= 0) {
			close(fds[c]);
			fds[c] = -1;
		}
	}
}

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int hello_exchange(int fd, uint32_t channel, uint32_t channels,
			  const uint8_t session_id[AGENT_SESSION_LEN], uint64_t deadline_ns,
			  char *message, size_t message_len)
{
	struct agent_hello hello = {AGENT_HELLO_VERSION, channel, channels, 0, {0}};
	uint8_t wire[AGENT_HELLO_LEN];
	char io_message[NET_MESSAGE_MAX];
	struct agent_hello reply;
	enum frame_status st;

	memcpy(hello.session, session_id, AGENT_SESSION_LEN);
	agent_hello_encode(&hello, wire);
	if (!net_write_all(fd, wire, sizeof(wire), deadline_ns, io_message, sizeof(io_message)) ||
	    !net_read_all(fd, wire, sizeof(wire), deadline_ns, io_message, sizeof(io_message))) {
		snprintf(message, message_len, "channel %u: hello with the peer agent failed: %s",
			 channel, io_message);
		return AGENT_EXIT_CONNECT;
	}
	st = agent_hello_decode(wire, &reply);
	if (st != FRAME_OK) {
		snprintf(message, message_len, "channel %u: the peer's hello is bad: %s", channel,
			 frame_status_str(st));
		return AGENT_EXIT_PEER_PROTOCOL;
	}
	if (reply.channel != channel || reply.channels != channels ||
	    memcmp(reply.session, session_id, AGENT_SESSION_LEN) != 0) {
		snprintf(message, message_len,
			 "channel %u: the peer answered for channel %u of %u of another session",
			 channel, reply.channel, reply.channels);
		return AGENT_EXIT_PEER_PROTOCOL;
	}
	return AGENT_EXIT_OK;
}

int session_connect(const struct agent_endpoint *to, uint32_t channels,
		    const uint8_t session_id[AGENT_SESSION_LEN], uint64_t deadline_ns, int fds[],
		    char *message, size_t message_len)
{
	for (uint32_t c = 0; c < channels; c++) {
		fds[c] = -1;
	}
	for (uint32_t c = 0; c < channels; c++) {
		int code;

		fds[c] = net_connect(to, deadline_ns, message, message_len);
		if (fds[c] < 0) {
			close_fds(fds, channels);
			return AGENT_EXIT_CONNECT;
		}
		code = hello_exchange(fds[c], c, channels, session_id, deadline_ns, message,
				      message_len);
		if (code != AGENT_EXIT_OK) {
			close_fds(fds, channels);
			return code;
		}
	}
	return AGENT_EXIT_OK;
}

/* Reads a connector's hello and checks it against the session so far. */
static int take_hello(int fd, uint64_t deadline_ns, bool *known, struct agent_hello *session,
		      const int fds[], struct agent_hello *hello, char *message, size_t message_len)
{
	uint8_t wire[AGENT_HELLO_LEN];
	char io_message[NET_MESSAGE_MAX];
	enum frame_status st;

	if (!net_read_all(fd, wire, sizeof(wire),
			  min_deadline(deadline_ns, net_deadline_after_ms(HELLO_TIMEOUT_MS)),
			  io_message, sizeof(io_message))) {
		snprintf(message, message_len, "a connection sent no hello: %s", io_message);
		return AGENT_EXIT_CONNECT;
	}
	st = agent_hello_decode(wire, hello);
	if (st != FRAME_OK) {
		snprintf(message, message_len, "a connection's hello is bad: %s",
			 frame_status_str(st));
		return AGENT_EXIT_PEER_PROTOCOL;
	}
	if (!*known) {
		*session = *hello;
		*known = true;
	}
	if (hello->channels != session->channels ||
	    memcmp(hello->session, session->session, AGENT_SESSION_LEN) != 0) {
		snprintf(message, message_len,
			 "the connection for channel %u belongs to another session",
			 hello->channel);
		return AGENT_EXIT_PEER_PROTOCOL;
	}
	if (fds[hello->channel] >= 0) {
		snprintf(message, message_len, "channel %u connected twice", hello->channel);
		return AGENT_EXIT_PEER_PROTOCOL;
	}
	return AGENT_EXIT_OK;
}

int session_accept(int listen_fd, uint64_t deadline_ns, int fds[], uint32_t *channels,
		   char *message, size_t message_len)
{
	struct agent_hello session = {0};
	bool known = false;
	uint32_t paired = 0;

	for (uint32_t c = 0; c < MIG_MAX_CHANNELS; c++) {
		fds[c] = -1;
	}
	while (!known || paired < session.channels) {
		struct agent_hello hello;
		uint8_t wire[AGENT_HELLO_LEN];
		char io_message[NET_MESSAGE_MAX];
		int fd = net_accept(listen_fd, deadline_ns, message, message_len);
		int code;

		if (fd < 0) {
			close_fds(fds, MIG_MAX_CHANNELS);
			return AGENT_EXIT_CONNECT;
		}
		code = take_hello(fd, deadline_ns, &known, &session, fds, &hello, message,
				  message_len);
		if (code == AGENT_EXIT_OK) {
			agent_hello_encode(&hello, wire);
			if (!net_write_all(fd, wire, sizeof(wire), deadline_ns, io_message,
					   sizeof(io_message))) {
				snprintf(message, message_len, "channel %u: %s", hello.channel,
					 io_message);
				code = AGENT_EXIT_CONNECT;
			}
		}
		if (code != AGENT_EXIT_OK) {
			close(fd);
			close_fds(fds, MIG_MAX_CHANNELS);
			return code;
		}
		fds[hello.channel] = fd;
		paired++;
	}
	*channels = session.channels;
	return AGENT_EXIT_OK;
}

/* --- Watching the SVSM -------------------------------------------------------------------- */

static void pause_watch(void)
{
	struct timespec pause = {0, WATCH_INTERVAL_NS};

	nanosleep(&pause, NULL);
}

static bool read_state(struct watch *w)
{
	struct mig_svsm_state state;

	if (mig_control_host_read(w->region, &state) != MIG_ERR_NONE) {
		return false;
	}
	w->result->state = state;
	w->result->have_state = true;
	return true;
}

/* The status belongs to this migration (send: once the SVSM has taken our SEND, or the ABORT
 * the agent wrote after it). */
static bool status_is_ours(const struct watch *w)
{
	uint32_t ack = w->result->state.command_ack;

	return w->role == ROLE_RECEIVE || ack == w->command_seq ||
	       (w->abort_seq != 0 && ack == w->abort_seq);
}

static bool is_success(const struct watch *w)
{
	uint32_t status = w->result->state.status;

	return status_is_ours(w) && (w->role == ROLE_SEND ? status == MIG_STATUS_SOURCE_DONE
							  : status == MIG_STATUS_TARGET_RUNNING);
}

static bool is_failure(const struct watch *w)
{
	uint32_t status = w->result->state.status;

	if (!status_is_ours(w)) {
		return false;
	}
	if (w->role == ROLE_RECEIVE) {
		return status == MIG_STATUS_TARGET_FAILED;
	}
	/* A refused command (BAD_COMMAND) may leave the source IDLE with the error set. */
	return status == MIG_STATUS_SOURCE_ABORTED ||
	       (status == MIG_STATUS_IDLE && w->result->state.error != MIG_ERR_NONE);
}

__attribute__((format(printf, 3, 4))) static int finish(struct watch *w, int code, const char *fmt,
							...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->result->message, sizeof(w->result->message), fmt, ap);
	va_end(ap);
	w->result->exit_code = code;
	return code;
}

/* Keeps forwarding until the SVSM's last records (GO, ABORT) have left, at most limit_ms. */
static bool drain(struct watch *w, uint32_t limit_ms)
{
	uint64_t until = min_deadline(w->deadline_ns, net_deadline_after_ms(limit_ms));
	uint64_t epoch = pump_drain_begin(w->pump);

	while (!pump_drained_since(w->pump, epoch)) {
		if (net_now_ns() >= until) {
			return false;
		}
		pause_watch();
	}
	return true;
}

static const char *status_text(const struct watch *w, char status[AGENT_NAME_MAX],
			       char error[AGENT_NAME_MAX], char *buf, size_t len)
{
	snprintf(buf, len, "%s, error %s", agent_status_name(w->result->state.status, status),
		 agent_error_name(w->result->state.error, error));
	return buf;
}

static int conclude_success(struct watch *w)
{
	bool drained = drain(w, SESSION_DRAIN_MS);

	/* The guest runs on the target whatever is left in its out ring. */
	if (w->role == ROLE_RECEIVE) {
		return finish(w, AGENT_EXIT_OK, "guest resumed here (TARGET_RUNNING)");
	}
	if (!drained) {
		return finish(w, AGENT_EXIT_PEER_CLOSED,
			      "the source SVSM is DONE but GO could not be forwarded: the target "
			      "stays in ACKED until GO reaches it");
	}
	return finish(w, AGENT_EXIT_OK,
		      "migration committed (SOURCE_DONE): the guest runs on the target");
}

static int conclude_failure(struct watch *w)
{
	char status[AGENT_NAME_MAX];
	char error[AGENT_NAME_MAX];

	/* Let an ABORT record the SVSM produced reach the peer. */
	drain(w, SESSION_ABORT_WAIT_MS);
	if (w->role == ROLE_SEND) {
		return finish(
		    w, AGENT_EXIT_SVSM_FAILED,
		    "the source SVSM aborted the migration (%s, error %s): the guest keeps "
		    "running here",
		    agent_status_name(w->result->state.status, status),
		    agent_error_name(w->result->state.error, error));
	}
	return finish(w, AGENT_EXIT_SVSM_FAILED,
		      "the target SVSM rejected the stream (%s, error %s): no guest code ran here",
		      agent_status_name(w->result->state.status, status),
		      agent_error_name(w->result->state.error, error));
}

/* Whether cancelling is still safe: the target must never be told to drop a guest that the
 * source may already have handed over (ACKED), and the source SVSM refuses after the commit. */
static bool may_abort(const struct watch *w)
{
	uint32_t status = w->result->state.status;

	if (w->role == ROLE_SEND) {
		return true;
	}
	return status == MIG_STATUS_TARGET_WAITING || status == MIG_STATUS_TARGET_HANDSHAKE ||
	       status == MIG_STATUS_TARGET_RECEIVING;
}

/* Gives up: asks the SVSM to cancel where that is safe and reports why, with code. */
/* Writes MIG_CMD_ABORT and waits a little for the SVSM to end; false when the SVSM has not
 * taken our previous command, which then cannot be replaced. */
static bool ask_abort(struct watch *w)
{
	struct mig_host_command cmd = {.command = MIG_CMD_ABORT};
	uint64_t until = net_deadline_after_ms(SESSION_ABORT_WAIT_MS);

	w->abort_seq = mig_control_host_command(w->region, &cmd);
	if (w->abort_seq == 0) {
		return false;
	}
	while (net_now_ns() < until && !(read_state(w) && (is_success(w) || is_failure(w)))) {
		pause_watch();
	}
	return true;
}

/* Gives up: asks the SVSM to cancel where that is safe and reports why, with code. */
static int give_up(struct watch *w, int code, const char *why)
{
	char status[AGENT_NAME_MAX];
	char error[AGENT_NAME_MAX];
	char state[2 * AGENT_NAME_MAX + 16];
	bool asked = w->result->have_state && may_abort(w) && ask_abort(w);

	if (asked && is_success(w)) {
		return conclude_success(w);
	}
	if (!w->result->have_state) {
		return finish(w, code, "%s", why);
	}
	if (!status_is_ours(w)) {
		return finish(w, code,
			      "%s; the SVSM never took the SEND command (it stays pending in the "
			      "control page) and reports %s",
			      why, status_text(w, status, error, state, sizeof(state)));
	}
	return finish(w, code, "%s; the SVSM reports %s%s", why,
		      status_text(w, status, error, state, sizeof(state)),
		      asked ? " after the agent asked it to abort" : "");
}

static int watch_until_end(struct watch *w)
{
	char message[PUMP_MESSAGE_MAX] = "";
	uint64_t closed_since = 0;
	unsigned bad_reads = 0;

	for (;;) {
		uint64_t now = net_now_ns();
		enum pump_health health;

		if (read_state(w)) {
			bad_reads = 0;
		} else if (++bad_reads > MAX_BAD_READS) {
			return finish(w, AGENT_EXIT_ATTACH,
				      "the MigrationPage control page is no longer valid");
		}
		if (status_is_ours(w)) {
			progress_update(&w->progress, &w->result->state, pump_bytes_moved(w->pump),
					now);
		}
		if (is_success(w)) {
			return conclude_success(w);
		}
		if (is_failure(w)) {
			return conclude_failure(w);
		}
		health = pump_health(w->pump, message, sizeof(message));
		if (health == PUMP_RING_BROKEN) {
			return give_up(w, AGENT_EXIT_ATTACH, message);
		}
		if (health == PUMP_PEER_PROTOCOL) {
			return give_up(w, AGENT_EXIT_PEER_PROTOCOL, message);
		}
		/* After the peer left, the SVSM gets the rest of what arrived, then a grace period
		 * to report the end (the target closes as soon as it runs, maybe before our SVSM
		 * has published DONE). */
		if (health == PUMP_PEER_CLOSED) {
			if (!pump_delivered(w->pump)) {
				closed_since = 0; /* the flag may lag by a look: start again */
			} else if (closed_since == 0) {
				closed_since = now;
			} else if (now - closed_since > SESSION_PEER_CLOSED_GRACE_MS * 1000000ULL) {
				return give_up(w, AGENT_EXIT_PEER_CLOSED, message);
			}
		}
		if (!status_is_ours(w) &&
		    now - w->command_ns > SESSION_COMMAND_TAKE_MS * 1000000ULL) {
			return give_up(w, AGENT_EXIT_ATTACH,
				       "the SVSM did not take the SEND command in time: is the VM "
				       "running?");
		}
		if (now >= w->deadline_ns) {
			return give_up(w, AGENT_EXIT_TIMEOUT, "timed out (--timeout)");
		}
		if (session_interrupted) {
			return give_up(w, AGENT_EXIT_INTERRUPTED, "interrupted by a signal");
		}
		pause_watch();
	}
}

/* --- The two commands --------------------------------------------------------------------- */

static int start_capture(const struct agent_options *opts, struct capture_writer *capture,
			 struct agent_result *result)
{
	enum capture_status st;

	if (opts->capture == NULL) {
		return AGENT_EXIT_OK;
	}
	st = capture_open(capture, opts->capture);
	if (st != CAPTURE_OK) {
		snprintf(result->message, sizeof(result->message), "cannot create capture %s: %s",
			 opts->capture, capture_status_str(st));
		return AGENT_EXIT_INTERNAL;
	}
	return AGENT_EXIT_OK;
}

static int end_capture(const struct agent_options *opts, struct capture_writer *capture,
		       struct agent_result *result, int code)
{
	enum capture_status st;

	if (opts->capture == NULL) {
		return code;
	}
	st = capture_close(capture);
	if (st != CAPTURE_OK && code == AGENT_EXIT_OK) {
		snprintf(result->message, sizeof(result->message),
			 "migration ended well but the capture %s is incomplete: %s", opts->capture,
			 capture_status_str(st));
		return AGENT_EXIT_INTERNAL;
	}
	return code;
}

/* Starts the pump on fds and watches the SVSM; owns fds from here on. */
static int run_pump(const struct agent_options *opts, struct watch *w, int fds[], uint32_t channels,
		    struct pump_stats *stats)
{
	struct capture_writer capture;
	struct pump_config config = {
	    .region = w->region,
	    .channels = channels,
	    .capture = opts->capture != NULL ? &capture : NULL,
	    .injects = opts->injects,
	    .inject_count = opts->inject_count,
	    .inject_incoming = opts->inject_incoming,
	};
	int code = start_capture(opts, &capture, w->result);

	if (code != AGENT_EXIT_OK) {
		close_fds(fds, channels);
		return code;
	}
	memcpy(config.fds, fds, channels * sizeof(fds[0]));
	if (!pump_start(&w->pump, &config, w->result->message, sizeof(w->result->message))) {
		end_capture(opts, &capture, w->result, AGENT_EXIT_INTERNAL);
		return AGENT_EXIT_INTERNAL;
	}
	/* From here a signal must not end the process before the SVSM is told to abort. */
	session_watching = 1;
	if (w->role == ROLE_SEND) {
		struct mig_host_command cmd = {
		    .command = MIG_CMD_SEND,
		    .channels = channels,
		    .flags = opts->auto_converge ? MIG_FLAG_AUTO_CONVERGE : 0,
		    .max_bandwidth = opts->max_bandwidth,
		    .downtime_limit_ns = opts->downtime_limit_ms * 1000000ULL,
		    .max_rounds = opts->max_rounds,
		};

		w->command_seq = mig_control_host_command(w->region, &cmd);
		w->command_ns = net_now_ns();
	}
	if (w->role == ROLE_SEND && w->command_seq == 0) {
		code =
		    finish(w, AGENT_EXIT_WRONG_STATE,
			   "the SVSM has not taken the host's previous command: try again later");
	} else {
		code = watch_until_end(w);
	}
	progress_end_line(&w->progress);
	pump_finish(w->pump, stats);
	w->pump = NULL;
	return end_capture(opts, &capture, w->result, code);
}

static void init_watch(struct watch *w, enum role role, void *region,
		       const struct agent_options *opts, struct agent_result *result)
{
	memset(w, 0, sizeof(*w));
	w->role = role;
	w->region = region;
	w->result = result;
	w->deadline_ns = result->started_ns + (uint64_t)opts->timeout_s * 1000000000ULL;
	progress_init(&w->progress, stderr, isatty(STDERR_FILENO) == 1, result->started_ns);
}

/* States in which the guest runs on this side: never migrated, an earlier attempt aborted, or
 * migrated in (a guest may move on again). */
static bool guest_runs_here(uint32_t status)
{
	return status == MIG_STATUS_IDLE || status == MIG_STATUS_SOURCE_ABORTED ||
	       status == MIG_STATUS_TARGET_RUNNING;
}

/* A command the SVSM has not taken yet cannot be replaced without mixing the two. */
static bool previous_command_taken(void *region, struct agent_result *result)
{
	const struct mig_control *page = region;
	uint32_t pending = __atomic_load_n(&page->host.command_seq, __ATOMIC_ACQUIRE);

	if (pending == 0 || pending == result->state.command_ack) {
		return true;
	}
	snprintf(result->message, sizeof(result->message),
		 "the SVSM has not taken the host's previous command (seq %u, taken %u): is its "
		 "migration handler running?",
		 pending, result->state.command_ack);
	return false;
}

int session_send(const struct agent_options *opts, void *region, struct agent_result *result,
		 struct pump_stats *stats)
{
	uint8_t session_id[AGENT_SESSION_LEN];
	int fds[MIG_MAX_CHANNELS];
	char status[AGENT_NAME_MAX];
	struct watch w;
	int code;

	init_watch(&w, ROLE_SEND, region, opts, result);
	if (!read_state(&w)) {
		snprintf(result->message, sizeof(result->message),
			 "the MigrationPage control page is not valid");
		return AGENT_EXIT_ATTACH;
	}
	if (!guest_runs_here(result->state.status)) {
		snprintf(result->message, sizeof(result->message),
			 "the SVSM is in %s: send needs a running guest (IDLE, SOURCE_ABORTED or "
			 "TARGET_RUNNING)",
			 agent_status_name(result->state.status, status));
		return AGENT_EXIT_WRONG_STATE;
	}
	if (!previous_command_taken(region, result)) {
		return AGENT_EXIT_WRONG_STATE;
	}
	if (getrandom(session_id, sizeof(session_id), 0) != (ssize_t)sizeof(session_id)) {
		snprintf(result->message, sizeof(result->message),
			 "no randomness for a session id");
		return AGENT_EXIT_INTERNAL;
	}
	code = session_connect(&opts->endpoint, opts->channels, session_id, w.deadline_ns, fds,
			       result->message, sizeof(result->message));
	if (code != AGENT_EXIT_OK) {
		return code;
	}
	return run_pump(opts, &w, fds, opts->channels, stats);
}

int session_receive(const struct agent_options *opts, void *region, int listen_fd,
		    struct agent_result *result, struct pump_stats *stats)
{
	int fds[MIG_MAX_CHANNELS];
	char status[AGENT_NAME_MAX];
	uint32_t channels = 0;
	struct watch w;
	int code;

	init_watch(&w, ROLE_RECEIVE, region, opts, result);
	if (!read_state(&w)) {
		snprintf(result->message, sizeof(result->message),
			 "the MigrationPage control page is not valid");
		return AGENT_EXIT_ATTACH;
	}
	if (result->state.status != MIG_STATUS_TARGET_WAITING) {
		snprintf(result->message, sizeof(result->message),
			 "the SVSM is in %s, not TARGET_WAITING: start the VM in receive mode",
			 agent_status_name(result->state.status, status));
		return AGENT_EXIT_WRONG_STATE;
	}
	code = session_accept(listen_fd, w.deadline_ns, fds, &channels, result->message,
			      sizeof(result->message));
	if (code != AGENT_EXIT_OK) {
		return code;
	}
	result->channels = channels;
	return run_pump(opts, &w, fds, channels, stats);
}
