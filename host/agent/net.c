/* SPDX-License-Identifier: MIT */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "svsm/migrate_abi.h"

#define CONNECT_RETRY_MS 100U

uint64_t net_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t net_deadline_after_ms(uint64_t ms)
{
	return net_now_ns() + ms * 1000000ULL;
}

/* Milliseconds left before deadline, for poll(); 0 once it has passed. */
static int ms_left(uint64_t deadline_ns)
{
	uint64_t now = net_now_ns();
	uint64_t left;

	if (now >= deadline_ns) {
		return 0;
	}
	left = (deadline_ns - now + 999999ULL) / 1000000ULL;
	return left > 1000000U ? 1000000 : (int)left;
}

bool net_set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

static bool wait_fd(int fd, short events, uint64_t deadline_ns)
{
	struct pollfd pfd = {.fd = fd, .events = events};

	for (;;) {
		int left = ms_left(deadline_ns);
		int n;

		if (left == 0) {
			return false;
		}
		n = poll(&pfd, 1, left);
		if (n > 0) {
			return true;
		}
		if (n < 0 && errno != EINTR) {
			return false;
		}
	}
}

static struct addrinfo *resolve(const struct agent_endpoint *ep, bool passive, char *message,
				size_t message_len)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *list = NULL;
	char port[8];
	int rc;

	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	snprintf(port, sizeof(port), "%u", ep->port);
	rc = getaddrinfo(ep->host, port, &hints, &list);
	if (rc != 0) {
		snprintf(message, message_len, "cannot resolve '%s': %s", ep->host,
			 gai_strerror(rc));
		return NULL;
	}
	return list;
}

static void tune_socket(int fd)
{
	int one = 1;

	/* Small control records (ACK, GO) must not wait for Nagle. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* One non-blocking connect attempt bounded by deadline; errno-like result in *error. */
static int try_connect(const struct addrinfo *ai, uint64_t deadline_ns, int *error)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	socklen_t len = sizeof(*error);

	if (fd < 0) {
		*error = errno;
		return -1;
	}
	if (!net_set_nonblocking(fd)) {
		*error = errno;
		close(fd);
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		return fd;
	}
	if (errno != EINPROGRESS) {
		*error = errno;
		close(fd);
		return -1;
	}
	if (!wait_fd(fd, POLLOUT, deadline_ns)) {
		*error = ETIMEDOUT;
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, error, &len) != 0 || *error != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int net_connect(const struct agent_endpoint *ep, uint64_t deadline_ns, char *message,
		size_t message_len)
{
	struct addrinfo *list = resolve(ep, false, message, message_len);
	int error = ETIMEDOUT;

	if (list == NULL) {
		return -1;
	}
	while (net_now_ns() < deadline_ns) {
		for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
			int fd = try_connect(ai, deadline_ns, &error);

			if (fd >= 0) {
				freeaddrinfo(list);
				tune_socket(fd);
				return fd;
			}
		}
		if (error != ECONNREFUSED) {
			break;
		}
		struct timespec pause = {0, CONNECT_RETRY_MS * 1000000L};

		nanosleep(&pause, NULL);
	}
	freeaddrinfo(list);
	snprintf(message, message_len, "cannot connect to %s:%u: %s", ep->host, ep->port,
		 strerror(error));
	return -1;
}

static uint16_t local_port(int fd)
{
	union {
		struct sockaddr any;
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} addr;
	socklen_t len = sizeof(addr);

	memset(&addr, 0, sizeof(addr));
	if (getsockname(fd, &addr.any, &len) != 0) {
		return 0;
	}
	return ntohs(addr.any.sa_family == AF_INET6 ? addr.v6.sin6_port : addr.v4.sin_port);
}

int net_listen(const struct agent_endpoint *ep, uint16_t *bound_port, char *message,
	       size_t message_len)
{
	struct addrinfo *list = resolve(ep, true, message, message_len);
	int one = 1;
	int error = 0;

	if (list == NULL) {
		return -1;
	}
	for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

		if (fd < 0) {
			error = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, MIG_MAX_CHANNELS) == 0 && net_set_nonblocking(fd)) {
			freeaddrinfo(list);
			*bound_port = local_port(fd);
			return fd;
		}
		error = errno;
		close(fd);
	}
	freeaddrinfo(list);
	snprintf(message, message_len, "cannot listen on %s:%u: %s", ep->host, ep->port,
		 strerror(error));
	return -1;
}

int net_accept(int listen_fd, uint64_t deadline_ns, char *message, size_t message_len)
{
	for (;;) {
		int fd;

		if (!wait_fd(listen_fd, POLLIN, deadline_ns)) {
			snprintf(message, message_len, "no connection from the peer agent in time");
			return -1;
		}
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			tune_socket(fd);
			return fd;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED) {
			snprintf(message, message_len, "accept: %s", strerror(errno));
			return -1;
		}
	}
}

bool net_write_all(int fd, const void *buf, size_t len, uint64_t deadline_ns, char *message,
		   size_t message_len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			if (!wait_fd(fd, POLLOUT, deadline_ns)) {
				snprintf(message, message_len, "peer agent: send timed out");
				return false;
			}
			continue;
		}
		snprintf(message, message_len, "peer agent: send failed: %s", strerror(errno));
		return false;
	}
	return true;
}

bool net_read_all(int fd, void *buf, size_t len, uint64_t deadline_ns, char *message,
		  size_t message_len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = recv(fd, p, len, MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0) {
			snprintf(message, message_len, "peer agent closed the connection");
			return false;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			if (!wait_fd(fd, POLLIN, deadline_ns)) {
				snprintf(message, message_len, "peer agent: no data in time");
				return false;
			}
			continue;
		}
		snprintf(message, message_len, "peer agent: receive failed: %s", strerror(errno));
		return false;
	}
	return true;
}
