/* SPDX-License-Identifier: MIT */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svsm/migrate/control.h"
#include "svsm/migrate_abi.h"

#define FOR_SEND    (1U << AGENT_CMD_SEND)
#define FOR_RECEIVE (1U << AGENT_CMD_RECEIVE)
#define FOR_BOTH    (FOR_SEND | FOR_RECEIVE)

enum option_id {
	OPT_TO,
	OPT_LISTEN,
	OPT_MEMORY_FILE,
	OPT_IMAGE,
	OPT_CHANNELS,
	OPT_MAX_BANDWIDTH,
	OPT_DOWNTIME_LIMIT,
	OPT_MAX_ROUNDS,
	OPT_AUTO_CONVERGE,
	OPT_STATS_JSON,
	OPT_CAPTURE,
	OPT_TIMEOUT,
	OPT_PORT_FILE,
	OPT_INJECT,
	OPT_INJECT_INCOMING,
	OPT_COUNT,
};

struct option_def {
	const char *name;
	bool takes_value;
	bool repeatable;
	unsigned commands;
};

static const struct option_def option_defs[OPT_COUNT] = {
    [OPT_TO] = {"--to", true, false, FOR_SEND},
    [OPT_LISTEN] = {"--listen", true, false, FOR_RECEIVE},
    [OPT_MEMORY_FILE] = {"--memory-file", true, false, FOR_BOTH},
    [OPT_IMAGE] = {"--image", true, false, FOR_BOTH},
    [OPT_CHANNELS] = {"--channels", true, false, FOR_SEND},
    [OPT_MAX_BANDWIDTH] = {"--max-bandwidth", true, false, FOR_SEND},
    [OPT_DOWNTIME_LIMIT] = {"--downtime-limit", true, false, FOR_SEND},
    [OPT_MAX_ROUNDS] = {"--max-rounds", true, false, FOR_SEND},
    [OPT_AUTO_CONVERGE] = {"--auto-converge", false, false, FOR_SEND},
    [OPT_STATS_JSON] = {"--stats-json", true, false, FOR_BOTH},
    [OPT_CAPTURE] = {"--capture", true, false, FOR_BOTH},
    [OPT_TIMEOUT] = {"--timeout", true, false, FOR_BOTH},
    [OPT_PORT_FILE] = {"--port-file", true, false, FOR_RECEIVE},
    [OPT_INJECT] = {"--inject", true, true, FOR_BOTH},
    [OPT_INJECT_INCOMING] = {"--inject-incoming", false, false, FOR_BOTH},
};

static const char *const command_names[] = {
    [AGENT_CMD_HELP] = "help",
    [AGENT_CMD_SEND] = "send",
    [AGENT_CMD_RECEIVE] = "receive",
    [AGENT_CMD_INSPECT] = "inspect",
};

void agent_print_usage(FILE *out)
{
	fputs("usage:\n"
	      "  svsm-migrate send --to HOST:PORT --memory-file F --image IMG [--channels N]\n"
	      "      [--max-bandwidth RATE] [--downtime-limit MS] [--max-rounds N] "
	      "[--auto-converge]\n"
	      "      [--stats-json FILE] [--capture FILE] [--timeout S]\n"
	      "  svsm-migrate receive --listen HOST:PORT --memory-file F --image IMG\n"
	      "      [--port-file FILE] [--stats-json FILE] [--capture FILE] [--timeout S]\n"
	      "  svsm-migrate inspect CAPTURE\n"
	      "  svsm-migrate help\n"
	      "\n"
	      "  --channels N          TCP connections and rings used, 1..8 (default 1)\n"
	      "  --max-bandwidth RATE  bytes/s the SVSM may produce: 1M..1T, or 0 = unlimited\n"
	      "                        (default); K, M, G, T are powers of 1024: 100M, 1.5G\n"
	      "  --downtime-limit MS   stop-and-copy once the rest fits in MS ms, 1..60000\n"
	      "  --max-rounds N        pre-copy rounds at most, 1..1000\n"
	      "  --auto-converge       let the SVSM throttle a guest that dirties faster than the "
	      "link\n"
	      "  --stats-json FILE     write statistics at the end (atomically)\n"
	      "  --capture FILE        keep every forwarded record (see 'inspect')\n"
	      "  --timeout S           give up after S seconds (default 600)\n"
	      "  --port-file FILE      receive: write the port bound (useful with port 0)\n"
	      "\n"
	      "TEST ONLY (makes the agent behave like a hostile host; never use in production):\n"
	      "  --inject KIND[@RECORD_TYPE][:N]  act on the Nth forwarded record of that type\n"
	      "      KIND: flip drop duplicate reorder replay truncate kill delay-ms=MS\n"
	      "  --inject-incoming                apply --inject to records from the peer\n"
	      "\n"
	      "exit codes: 0 ok, 1 internal, 2 usage, 3 cannot attach, 4 cannot connect,\n"
	      "  5 peer closed early, 6 SVSM failed, 7 timeout, 8 wrong SVSM state,\n"
	      "  9 malformed capture, 10 interrupted, 11 peer broke the framing\n",
	      out);
}

__attribute__((format(printf, 3, 4))) static bool fail(char *message, size_t message_len,
						       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, message_len, fmt, ap);
	va_end(ap);
	return false;
}

static bool parse_u64_range(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end = NULL;
	unsigned long long value;

	if (text[0] < '0' || text[0] > '9') {
		return false;
	}
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0' || value < min || value > max) {
		return false;
	}
	*out = value;
	return true;
}

static bool suffix_multiplier(const char *suffix, uint64_t *mult)
{
	static const char units[] = "KMGT";
	const char *unit;

	*mult = 1;
	if (suffix[0] == '\0' || strcasecmp(suffix, "B") == 0) {
		return true;
	}
	unit = strchr(units, toupper((unsigned char)suffix[0]));
	if (unit == NULL || *unit == '\0') {
		return false;
	}
	for (const char *u = units; u <= unit; u++) {
		*mult *= 1024;
	}
	return suffix[1] == '\0' || strcasecmp(suffix + 1, "B") == 0 ||
	       strcasecmp(suffix + 1, "iB") == 0;
}

bool agent_parse_rate(const char *text, uint64_t *out)
{
	uint64_t whole = 0;
	uint64_t frac = 0;
	uint64_t frac_scale = 1;
	uint64_t mult;
	uint64_t value;
	const char *p = text;

	if (*p < '0' || *p > '9') {
		return false;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(*p - '0'), &whole)) {
			return false;
		}
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9') {
			return false;
		}
		for (; *p >= '0' && *p <= '9'; p++) {
			/* Nine digits are far below a byte at any suffix; more cannot change it. */
			if (frac_scale < 1000000000ULL) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_scale *= 10;
			}
		}
	}
	if (!suffix_multiplier(p, &mult)) {
		return false;
	}
	if (__builtin_mul_overflow(whole, mult, &value) ||
	    __builtin_add_overflow(value, frac * mult / frac_scale, &value)) {
		return false;
	}
	*out = value;
	return true;
}

bool agent_parse_endpoint(const char *text, bool allow_zero_port, struct agent_endpoint *out)
{
	const char *host = text;
	size_t host_len;
	const char *colon;
	uint64_t port;

	if (text == NULL) {
		return false;
	}
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL || close[1] != ':') {
			return false;
		}
		host = text + 1;
		host_len = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL) {
			return false;
		}
		host_len = (size_t)(colon - text);
		if (memchr(text, ':', host_len) != NULL) {
			return false; /* a bare IPv6 address needs brackets */
		}
	}
	if (host_len == 0 || host_len >= sizeof(out->host)) {
		return false;
	}
	if (!parse_u64_range(colon + 1, allow_zero_port ? 0 : 1, 65535, &port)) {
		return false;
	}
	memcpy(out->host, host, host_len);
	out->host[host_len] = '\0';
	out->port = (uint16_t)port;
	return true;
}

static int find_option(const char *arg, const char **inline_value)
{
	const char *equals = strchr(arg, '=');
	size_t name_len = equals != NULL ? (size_t)(equals - arg) : strlen(arg);

	*inline_value = equals != NULL ? equals + 1 : NULL;
	for (int i = 0; i < OPT_COUNT; i++) {
		if (strlen(option_defs[i].name) == name_len &&
		    strncmp(option_defs[i].name, arg, name_len) == 0) {
			return i;
		}
	}
	return -1;
}

static bool apply_option(enum option_id id, const char *value, struct agent_options *opts,
			 char *message, size_t message_len)
{
	uint64_t number = 0;

	switch (id) {
	case OPT_TO:
	case OPT_LISTEN:
		if (!agent_parse_endpoint(value, id == OPT_LISTEN, &opts->endpoint)) {
			return fail(message, message_len,
				    "%s '%s': expected HOST:PORT or [IPV6]:PORT with PORT in %s",
				    option_defs[id].name, value,
				    id == OPT_LISTEN ? "0..65535" : "1..65535");
		}
		return true;
	case OPT_MEMORY_FILE:
		opts->memory_file = value;
		return true;
	case OPT_IMAGE:
		opts->image = value;
		return true;
	case OPT_CHANNELS:
		if (!parse_u64_range(value, 1, MIG_MAX_CHANNELS, &number)) {
			return fail(message, message_len, "--channels '%s': expected 1..%u", value,
				    MIG_MAX_CHANNELS);
		}
		opts->channels = (uint32_t)number;
		return true;
	case OPT_MAX_BANDWIDTH:
		if (!agent_parse_rate(value, &opts->max_bandwidth) ||
		    (opts->max_bandwidth != MIG_BANDWIDTH_UNLIMITED &&
		     (opts->max_bandwidth < MIG_BANDWIDTH_MIN ||
		      opts->max_bandwidth > MIG_BANDWIDTH_MAX))) {
			return fail(
			    message, message_len,
			    "--max-bandwidth '%s': expected bytes/s from 1M to 1T (suffixes "
			    "K, M, G, T; 1.5G works) or 0 for unlimited",
			    value);
		}
		return true;
	case OPT_DOWNTIME_LIMIT:
		if (!parse_u64_range(value, MIG_DOWNTIME_MIN_NS / 1000000ULL,
				     MIG_DOWNTIME_MAX_NS / 1000000ULL, &opts->downtime_limit_ms)) {
			return fail(message, message_len,
				    "--downtime-limit '%s': expected milliseconds, %llu..%llu",
				    value, MIG_DOWNTIME_MIN_NS / 1000000ULL,
				    MIG_DOWNTIME_MAX_NS / 1000000ULL);
		}
		return true;
	case OPT_MAX_ROUNDS:
		if (!parse_u64_range(value, 1, MIG_ROUNDS_MAX, &number)) {
			return fail(message, message_len, "--max-rounds '%s': expected 1..%u",
				    value, MIG_ROUNDS_MAX);
		}
		opts->max_rounds = (uint32_t)number;
		return true;
	case OPT_AUTO_CONVERGE:
		opts->auto_converge = true;
		return true;
	case OPT_STATS_JSON:
		opts->stats_json = value;
		return true;
	case OPT_CAPTURE:
		opts->capture = value;
		return true;
	case OPT_TIMEOUT:
		if (!parse_u64_range(value, 1, AGENT_MAX_TIMEOUT_S, &number)) {
			return fail(message, message_len, "--timeout '%s': expected seconds, 1..%u",
				    value, AGENT_MAX_TIMEOUT_S);
		}
		opts->timeout_s = (uint32_t)number;
		return true;
	case OPT_PORT_FILE:
		opts->port_file = value;
		return true;
	case OPT_INJECT:
		if (opts->inject_count == INJECT_MAX_SPECS) {
			return fail(message, message_len, "--inject: at most %u faults",
				    INJECT_MAX_SPECS);
		}
		return inject_parse(value, &opts->injects[opts->inject_count++], message,
				    message_len);
	case OPT_INJECT_INCOMING:
		opts->inject_incoming = true;
		return true;
	case OPT_COUNT:
		break;
	}
	return fail(message, message_len, "internal: option %d", (int)id);
}

static bool parse_command(const char *word, struct agent_options *opts, char *message,
			  size_t message_len)
{
	if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0) {
		opts->command = AGENT_CMD_HELP;
		return true;
	}
	for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++) {
		if (strcmp(word, command_names[i]) == 0) {
			opts->command = (enum agent_command)i;
			return true;
		}
	}
	return fail(message, message_len, "unknown command '%s' (send, receive, inspect or help)",
		    word);
}

static bool parse_inspect(int argc, char *const argv[], struct agent_options *opts, char *message,
			  size_t message_len)
{
	if (argc != 3) {
		return fail(message, message_len, "inspect takes exactly one capture file");
	}
	if (argv[2][0] == '-') {
		return fail(message, message_len, "inspect: unknown option '%s'", argv[2]);
	}
	opts->inspect_path = argv[2];
	return true;
}

static bool check_required(const struct agent_options *opts, const bool seen[OPT_COUNT],
			   char *message, size_t message_len)
{
	enum option_id endpoint = opts->command == AGENT_CMD_SEND ? OPT_TO : OPT_LISTEN;
	const enum option_id required[] = {endpoint, OPT_MEMORY_FILE, OPT_IMAGE};

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (!seen[required[i]]) {
			return fail(message, message_len, "%s: %s is required",
				    command_names[opts->command], option_defs[required[i]].name);
		}
	}
	if (opts->inject_incoming && opts->inject_count == 0) {
		return fail(message, message_len, "--inject-incoming needs an --inject");
	}
	return true;
}

static bool parse_flags(int argc, char *const argv[], struct agent_options *opts, char *message,
			size_t message_len)
{
	bool seen[OPT_COUNT] = {false};

	for (int i = 2; i < argc; i++) {
		const char *value = NULL;
		int id = find_option(argv[i], &value);

		if (id < 0) {
			return fail(message, message_len, "%s: unknown option '%s'",
				    command_names[opts->command], argv[i]);
		}
		const struct option_def *def = &option_defs[id];

		if ((def->commands & (1U << opts->command)) == 0) {
			return fail(message, message_len, "%s does not apply to %s", def->name,
				    command_names[opts->command]);
		}
		if (seen[id] && !def->repeatable) {
			return fail(message, message_len, "%s given twice", def->name);
		}
		seen[id] = true;
		if (!def->takes_value && value != NULL) {
			return fail(message, message_len, "%s takes no value", def->name);
		}
		if (def->takes_value && value == NULL) {
			if (i + 1 >= argc) {
				return fail(message, message_len, "%s needs a value", def->name);
			}
			value = argv[++i];
		}
		if (def->takes_value && value[0] == '\0') {
			return fail(message, message_len, "%s needs a non-empty value", def->name);
		}
		if (!apply_option((enum option_id)id, value, opts, message, message_len)) {
			return false;
		}
	}
	return check_required(opts, seen, message, message_len);
}

bool agent_parse_options(int argc, char *const argv[], struct agent_options *opts, char *message,
			 size_t message_len)
{
	memset(opts, 0, sizeof(*opts));
	opts->channels = 1;
	opts->timeout_s = AGENT_DEFAULT_TIMEOUT_S;
	message[0] = '\0';
	if (argc < 2) {
		return fail(message, message_len,
			    "missing command (send, receive, inspect or help)");
	}
	if (!parse_command(argv[1], opts, message, message_len)) {
		return false;
	}
	switch (opts->command) {
	case AGENT_CMD_HELP:
		return argc == 2 ? true : fail(message, message_len, "help takes no arguments");
	case AGENT_CMD_INSPECT:
		return parse_inspect(argc, argv, opts, message, message_len);
	case AGENT_CMD_SEND:
	case AGENT_CMD_RECEIVE:
		return parse_flags(argc, argv, opts, message, message_len);
	}
	return fail(message, message_len, "internal: command %d", (int)opts->command);
}
