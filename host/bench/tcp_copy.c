/* SPDX-License-Identifier: MIT */
/*
 * bench-tcp-copy: the ceiling a migration's transport could reach on this machine. It copies
 * BYTES of memory from a source buffer into a destination buffer over N TCP connections on
 * loopback, one sender and one receiver thread per connection (both ends in this process), the
 * data split evenly, as the migration agents do with their channels. The source is a memory file
 * (e.g. a hosted VM's guest memory) or a buffer filled with non-zero pseudo-random words. Only
 * the transfer is timed; afterwards the destination is compared with the source byte for byte.
 * It reports, never asserts: the numbers depend on the machine.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/lib/parse.h"

#define MAX_CONNECTIONS 8
#define SEND_CHUNK	((size_t)256 * 1024)
#define HEADER_MAGIC	0x31504f4354ULL /* "TCOP1" */
#define EXIT_USAGE	2
#define EXIT_FAILED	1

struct header {
	uint64_t magic;
	uint64_t index;
	uint64_t length;
};

struct options {
	uint64_t bytes;
	unsigned connections;
	const char *memory_file;
	uint64_t offset;
	bool json;
	unsigned timeout_s;
};

struct slice {
	unsigned index;
	uint64_t offset;
	uint64_t length;
};

static const uint8_t *src;
static uint8_t *dst;
static struct slice slices[MAX_CONNECTIONS];
static unsigned nr_connections;
static int listen_fd = -1;
static struct sockaddr_in listen_addr;
static pthread_barrier_t start_barrier;

static void die(const char *fmt, const char *what)
{
	fprintf(stderr, "bench-tcp-copy: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	exit(EXIT_FAILED);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench-tcp-copy --bytes SIZE [--connections N]\n"
		"                      [--memory-file F [--offset OFF]] [--json] [--timeout S]\n"
		"  --bytes SIZE        bytes to copy, K/M/G suffixes (powers of 1024):\n"
		"                      a multiple of N x 4K, at most 64G\n"
		"  --connections N     TCP connections on 127.0.0.1, 1..%d (default 1): one\n"
		"                      sender and one receiver thread each, bytes split evenly\n"
		"  --memory-file F     copy F's bytes from OFF (default: pseudo-random words)\n"
		"  --offset OFF        where in F to start, a multiple of 4K (default 0)\n"
		"  --json              one JSON object instead of the text line\n"
		"  --timeout S         give up after S seconds, 1..3600 (default 120)\n"
		"Exit: 0 copied and verified, 1 failure (including a mismatch), 2 usage.\n",
		MAX_CONNECTIONS);
}

static int usage_error(const char *msg, const char *what)
{
	fprintf(stderr, "bench-tcp-copy: ");
	fprintf(stderr, msg, what);
	fprintf(stderr, "\n");
	usage(stderr);
	return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_BYTES = 1, OPT_CONN, OPT_FILE, OPT_OFFSET, OPT_JSON, OPT_TIMEOUT, OPT_HELP };
	static const struct option longopts[] = {
	    {"bytes", required_argument, NULL, OPT_BYTES},
	    {"connections", required_argument, NULL, OPT_CONN},
	    {"memory-file", required_argument, NULL, OPT_FILE},
	    {"offset", required_argument, NULL, OPT_OFFSET},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->connections = 1;
	o->timeout_s = 120;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BYTES:
			if (!host_parse_size(optarg, &o->bytes)) {
				return usage_error("bad value for --bytes: %s", optarg);
			}
			break;
		case OPT_CONN:
			if (!host_parse_size(optarg, &v) || v < 1 || v > MAX_CONNECTIONS) {
				return usage_error("--connections must be 1..8, not %s", optarg);
			}
			o->connections = (unsigned)v;
			break;
		case OPT_FILE:
			o->memory_file = optarg;
			break;
		case OPT_OFFSET:
			if (!host_parse_size(optarg, &o->offset) || o->offset % 4096 != 0) {
				return usage_error("--offset must be a multiple of 4K, not %s",
						   optarg);
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_TIMEOUT:
			if (!host_parse_size(optarg, &v) || v < 1 || v > 3600) {
				return usage_error("--timeout must be 1..3600 seconds, not %s",
						   optarg);
			}
			o->timeout_s = (unsigned)v;
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		default:
			return usage_error("unknown option or missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return usage_error("unexpected argument: %s", argv[optind]);
	}
	if (o->bytes == 0) {
		return usage_error("%s", "--bytes is required");
	}
	if (o->bytes > (64ULL << 30) || o->bytes % (4096ULL * o->connections) != 0) {
		return usage_error("%s", "--bytes must be a multiple of N x 4K, at most 64G");
	}
	if (o->memory_file == NULL && o->offset != 0) {
		return usage_error("%s", "--offset needs --memory-file");
	}
	return 0;
}

static void *map_anonymous(uint64_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		die("cannot allocate %s of memory", "the buffers");
	}
	return p;
}

/* splitmix64: cheap, and no page of the source is all zero. */
static void fill_random(uint64_t *words, uint64_t count)
{
	uint64_t x = 0x5EED0000ULL;

	for (uint64_t i = 0; i < count; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		words[i] = (z ^ (z >> 31)) | 1;
	}
}

static const uint8_t *map_source(const struct options *o)
{
	struct stat st;
	void *p;
	int fd;

	if (o->memory_file == NULL) {
		uint64_t *words = map_anonymous(o->bytes);

		fill_random(words, o->bytes / sizeof(uint64_t));
		return (const uint8_t *)words;
	}
	fd = open(o->memory_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		die("cannot open %s", o->memory_file);
	}
	if (fstat(fd, &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size < o->offset ||
	    (uint64_t)st.st_size - o->offset < o->bytes) {
		die("%s is smaller than --offset + --bytes", o->memory_file);
	}
	/* MAP_POPULATE: page-table set-up is not part of what the transport costs. */
	p = mmap(NULL, o->bytes, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, (off_t)o->offset);
	close(fd);
	if (p == MAP_FAILED) {
		die("cannot map %s", o->memory_file);
	}
	return p;
}

static bool write_all(int fd, const uint8_t *p, uint64_t len)
{
	while (len > 0) {
		size_t n = len < SEND_CHUNK ? (size_t)len : SEND_CHUNK;
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return false;
		}
		p += w;
		len -= (uint64_t)w;
	}
	return true;
}

static bool read_all(int fd, uint8_t *p, uint64_t len)
{
	while (len > 0) {
		size_t n = len < SEND_CHUNK ? (size_t)len : SEND_CHUNK;
		ssize_t r = recv(fd, p, n, 0);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return false;
		}
		p += r;
		len -= (uint64_t)r;
	}
	return true;
}

static void *sender_main(void *arg)
{
	const struct slice *s = arg;
	struct header h = {.magic = HEADER_MAGIC, .index = s->index, .length = s->length};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 ||
	    connect(fd, (const struct sockaddr *)&listen_addr, sizeof(listen_addr)) != 0) {
		die("cannot connect to the receiver on %s", "127.0.0.1");
	}
	pthread_barrier_wait(&start_barrier);
	if (!write_all(fd, (const uint8_t *)&h, sizeof(h)) ||
	    !write_all(fd, src + s->offset, s->length)) {
		die("a sender lost its connection (%s)", strerror(errno));
	}
	close(fd);
	return NULL;
}

/* Receivers take connections in whatever order they come; the header says which slice it is. */
static void *receiver_main(void *arg)
{
	struct header h;
	int fd;

	(void)arg;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		die("accept failed: %s", strerror(errno));
	}
	pthread_barrier_wait(&start_barrier);
	if (!read_all(fd, (uint8_t *)&h, sizeof(h))) {
		die("a receiver got no header (%s)", "connection closed");
	}
	if (h.magic != HEADER_MAGIC || h.index >= nr_connections ||
	    h.length != slices[h.index].length) {
		die("a receiver got a bad header (%s)", "magic, index or length");
	}
	if (!read_all(fd, dst + slices[h.index].offset, h.length)) {
		die("a receiver lost its connection before the end (%s)", "short read");
	}
	close(fd);
	return NULL;
}

static void open_listener(void)
{
	socklen_t len = sizeof(listen_addr);

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&listen_addr, 0, sizeof(listen_addr));
	listen_addr.sin_family = AF_INET;
	listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_addr.sin_port = 0;
	if (listen_fd < 0 ||
	    bind(listen_fd, (const struct sockaddr *)&listen_addr, sizeof(listen_addr)) != 0 ||
	    listen(listen_fd, MAX_CONNECTIONS) != 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&listen_addr, &len) != 0) {
		die("cannot listen on 127.0.0.1: %s", strerror(errno));
	}
}

int main(int argc, char **argv)
{
	pthread_t senders[MAX_CONNECTIONS];
	pthread_t receivers[MAX_CONNECTIONS];
	struct options o;
	uint64_t start;
	uint64_t end;
	uint64_t nonzero = 0;
	double seconds;
	int code = parse_args(argc, argv, &o);

	if (code != 0) {
		return code;
	}
	/* A hung peer thread must not outlive the benchmark: the default SIGALRM action ends us. */
	signal(SIGALRM, SIG_DFL);
	alarm(o.timeout_s);
	nr_connections = o.connections;
	src = map_source(&o);
	dst = map_anonymous(o.bytes);
	/* Fault the destination in: the migration target's memory is in place before it starts. */
	memset(dst, 0xA5, o.bytes);
	for (unsigned i = 0; i < nr_connections; i++) {
		slices[i].index = i;
		slices[i].length = o.bytes / nr_connections;
		slices[i].offset = (uint64_t)i * slices[i].length;
	}
	open_listener();
	/* Every thread plus main: the clock starts once every connection is up. */
	pthread_barrier_init(&start_barrier, NULL, 2 * nr_connections + 1);
	for (unsigned i = 0; i < nr_connections; i++) {
		if (pthread_create(&receivers[i], NULL, receiver_main, NULL) != 0 ||
		    pthread_create(&senders[i], NULL, sender_main, &slices[i]) != 0) {
			die("cannot create %s", "threads");
		}
	}
	pthread_barrier_wait(&start_barrier);
	start = now_ns();
	for (unsigned i = 0; i < nr_connections; i++) {
		pthread_join(receivers[i], NULL);
	}
	end = now_ns();
	for (unsigned i = 0; i < nr_connections; i++) {
		pthread_join(senders[i], NULL);
	}
	alarm(0);
	if (memcmp(src, dst, o.bytes) != 0) {
		fprintf(stderr, "bench-tcp-copy: the destination differs from the source\n");
		return EXIT_FAILED;
	}
	for (uint64_t off = 0; off < o.bytes; off += 4096) {
		static const uint8_t zero[4096];

		nonzero += memcmp(src + off, zero, sizeof(zero)) != 0;
	}
	seconds = (double)(end - start) / 1e9;
	if (o.json) {
		printf("{\"bytes\": %" PRIu64 ", \"connections\": %u, \"seconds\": %.6f, "
		       "\"gb_per_s\": %.4f, \"nonzero_pages\": %" PRIu64 ", \"pages\": %" PRIu64
		       ", \"verified\": true}\n",
		       o.bytes, nr_connections, seconds, (double)o.bytes / 1e9 / seconds, nonzero,
		       o.bytes / 4096);
	} else {
		printf("bench-tcp-copy: %" PRIu64
		       " bytes over %u connection(s) in %.3f s: %.3f GB/s "
		       "(%" PRIu64 " of %" PRIu64 " pages non-zero; destination verified)\n",
		       o.bytes, nr_connections, seconds, (double)o.bytes / 1e9 / seconds, nonzero,
		       o.bytes / 4096);
	}
	return 0;
}
