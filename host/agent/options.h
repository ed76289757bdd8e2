/* SPDX-License-Identifier: MIT */
/* The agent's command line (docs/agent.md). Parsing never touches a file or the network. */
#ifndef AGENT_OPTIONS_H
#define AGENT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "inject.h"

#define AGENT_HOST_MAX		 256U
#define AGENT_DEFAULT_TIMEOUT_S	 600U
#define AGENT_MAX_TIMEOUT_S	 86400U
#define AGENT_OPTION_MESSAGE_MAX 256U

enum agent_command {
	AGENT_CMD_HELP,
	AGENT_CMD_SEND,
	AGENT_CMD_RECEIVE,
	AGENT_CMD_INSPECT,
};

struct agent_endpoint {
	char host[AGENT_HOST_MAX];
	uint16_t port;
};

struct agent_options {
	enum agent_command command;
	struct agent_endpoint endpoint; /* --to (send) or --listen (receive) */
	const char *memory_file;
	const char *image;
	const char *stats_json;
	const char *capture;
	const char *port_file;	  /* receive: where to write the port actually bound */
	const char *inspect_path; /* inspect: the capture file */
	uint32_t channels;
	uint64_t max_bandwidth;	    /* bytes per second, 0 = unlimited */
	uint64_t downtime_limit_ms; /* 0 = the SVSM's default */
	uint32_t max_rounds;	    /* 0 = the SVSM's default */
	bool auto_converge;
	uint32_t timeout_s;
	bool inject_incoming; /* faults apply to records from the peer instead of to the peer */
	unsigned inject_count;
	struct inject_spec injects[INJECT_MAX_SPECS];
};

/* Parses argv (argv[0] is the program). On failure message says what is wrong and the result is
 * false; nothing else happens. */
bool agent_parse_options(int argc, char *const argv[], struct agent_options *opts, char *message,
			 size_t message_len);

/* A QEMU-like size: digits, an optional fraction, an optional K/M/G/T suffix (powers of 1024,
 * optionally followed by B or iB). Plain numbers are bytes. */
bool agent_parse_rate(const char *text, uint64_t *out);
/* HOST:PORT or [IPV6]:PORT; port 1..65535, or 0 too when allow_zero_port. */
bool agent_parse_endpoint(const char *text, bool allow_zero_port, struct agent_endpoint *out);

void agent_print_usage(FILE *out);

#endif
