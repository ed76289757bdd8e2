/* SPDX-License-Identifier: MIT */
/* TCP for the agent: every call is bounded by a deadline (CLOCK_MONOTONIC nanoseconds). */
#ifndef AGENT_NET_H
#define AGENT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

#define NET_MESSAGE_MAX 256U

uint64_t net_now_ns(void);
uint64_t net_deadline_after_ms(uint64_t ms);

/* Connects to ep, retrying while the peer refuses (it may not listen yet) until deadline.
 * Returns the connected socket or -1 with message set. */
int net_connect(const struct agent_endpoint *ep, uint64_t deadline_ns, char *message,
		size_t message_len);
/* Listens on ep; *bound_port is the port actually bound (ep->port may be 0). */
int net_listen(const struct agent_endpoint *ep, uint16_t *bound_port, char *message,
	       size_t message_len);
/* Accepts one connection before deadline; -1 with message set on timeout or error. */
int net_accept(int listen_fd, uint64_t deadline_ns, char *message, size_t message_len);

/* Blocking-style exact I/O on any socket, bounded by deadline. false with message set on
 * timeout, error or end of stream. */
bool net_write_all(int fd, const void *buf, size_t len, uint64_t deadline_ns, char *message,
		   size_t message_len);
bool net_read_all(int fd, void *buf, size_t len, uint64_t deadline_ns, char *message,
		  size_t message_len);

bool net_set_nonblocking(int fd);

#endif
