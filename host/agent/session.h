/* SPDX-License-Identifier: MIT */
/*
 * One migration as seen by one agent: pair the TCP connections with the peer agent, start the
 * pump, give the SVSM its command (send), and watch the control page until the SVSM reports the
 * end (SOURCE_DONE or TARGET_RUNNING), a failure, or until the agent gives up.
 */
#ifndef AGENT_SESSION_H
#define AGENT_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "options.h"
#include "stats.h"

/* After the peer closes, how long to wait for the SVSM to report the end before giving up. */
#define SESSION_PEER_CLOSED_GRACE_MS 2000U
/* How long to keep forwarding after the SVSM reported the end (GO, ABORT still in a ring). */
#define SESSION_DRAIN_MS 5000U
/* How long the SVSM may take to acknowledge SEND (it polls the control page continuously). */
#define SESSION_COMMAND_TAKE_MS 15000U
/* How long to wait for the SVSM to take an ABORT command the agent gave it. */
#define SESSION_ABORT_WAIT_MS 2000U

/* Set by the signal handler; the session aborts (send) and ends with AGENT_EXIT_INTERRUPTED. */
extern volatile sig_atomic_t session_interrupted;
/* Set once the pump runs: before that a signal may end the process at once (nothing to undo). */
extern volatile sig_atomic_t session_watching;

/*
 * Connects opts->channels connections and exchanges hellos. fds[] gets one socket per channel.
 * Returns AGENT_EXIT_OK, or AGENT_EXIT_CONNECT / AGENT_EXIT_PEER_PROTOCOL with message.
 */
int session_connect(const struct agent_endpoint *to, uint32_t channels,
		    const uint8_t session_id[AGENT_SESSION_LEN], uint64_t deadline_ns, int fds[],
		    char *message, size_t message_len);
/*
 * Accepts connections until every channel of one session has one. fds[] and *channels are set.
 * Returns AGENT_EXIT_OK, or AGENT_EXIT_CONNECT / AGENT_EXIT_PEER_PROTOCOL with message.
 */
int session_accept(int listen_fd, uint64_t deadline_ns, int fds[], uint32_t *channels,
		   char *message, size_t message_len);

/* The send and receive commands on an attached region (region is MIG_REGION_SIZE bytes).
 * Return the exit code; result gets what --stats-json reports. */
int session_send(const struct agent_options *opts, void *region, struct agent_result *result,
		 struct pump_stats *stats);
int session_receive(const struct agent_options *opts, void *region, int listen_fd,
		    struct agent_result *result, struct pump_stats *stats);

#endif
