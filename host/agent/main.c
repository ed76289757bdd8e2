/* SPDX-License-Identifier: MIT */
/* svsm-migrate: see docs/agent.md. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "attach.h"
#include "inspect.h"
#include "net.h"
#include "options.h"
#include "session.h"
#include "stats.h"

static void on_signal(int sig)
{
	(void)sig;
	if (!session_watching) {
		/* Still attaching or connecting: the SVSM has no command of ours to cancel. */
		_exit(AGENT_EXIT_INTERRUPTED);
	}
	session_interrupted = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Sockets use MSG_NOSIGNAL; this covers anything else that writes to a closed peer. */
	signal(SIGPIPE, SIG_IGN);
}

/* Writes the bound port through a temporary file, so a reader never sees half of it. */
static bool write_port_file(const char *path, uint16_t port, char *message, size_t message_len)
{
	char tmp[4096];
	FILE *out;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(message, message_len, "--port-file path too long");
		return false;
	}
	out = fopen(tmp, "w");
	if (out == NULL || fprintf(out, "%u\n", port) < 0 || fclose(out) != 0 ||
	    rename(tmp, path) != 0) {
		snprintf(message, message_len, "cannot write --port-file %s", path);
		return false;
	}
	return true;
}

static int run_migration(const struct agent_options *opts, struct agent_result *result,
			 struct pump_stats *stats, bool *have_stats)
{
	struct agent_attachment att;
	uint64_t gpa = 0;
	uint64_t deadline = result->started_ns + (uint64_t)opts->timeout_s * 1000000000ULL;
	int listen_fd = -1;
	uint16_t port = 0;
	int code;

	if (!agent_image_migration_gpa(opts->image, &gpa, result->message,
				       sizeof(result->message)) ||
	    !agent_attach(opts->memory_file, gpa, deadline, &att, result->message,
			  sizeof(result->message))) {
		return AGENT_EXIT_ATTACH;
	}
	if (opts->command == AGENT_CMD_SEND) {
		code = session_send(opts, att.region, result, stats);
		*have_stats = code != AGENT_EXIT_CONNECT && code != AGENT_EXIT_WRONG_STATE;
		agent_detach(&att);
		return code;
	}
	listen_fd = net_listen(&opts->endpoint, &port, result->message, sizeof(result->message));
	if (listen_fd < 0) {
		agent_detach(&att);
		return AGENT_EXIT_CONNECT;
	}
	fprintf(stderr, "svsm-migrate: listening on %s:%u\n", opts->endpoint.host, port);
	if (opts->port_file != NULL &&
	    !write_port_file(opts->port_file, port, result->message, sizeof(result->message))) {
		close(listen_fd);
		agent_detach(&att);
		return AGENT_EXIT_INTERNAL;
	}
	code = session_receive(opts, att.region, listen_fd, result, stats);
	*have_stats = code != AGENT_EXIT_CONNECT && code != AGENT_EXIT_WRONG_STATE;
	close(listen_fd);
	agent_detach(&att);
	return code;
}

static int migrate_command(const struct agent_options *opts)
{
	static struct pump_stats stats;
	struct agent_result result;
	bool have_stats = false;
	char message[AGENT_RESULT_MESSAGE_MAX];

	memset(&result, 0, sizeof(result));
	result.role = opts->command == AGENT_CMD_SEND ? "send" : "receive";
	result.channels = opts->command == AGENT_CMD_SEND ? opts->channels : 0;
	result.started_ns = net_now_ns();
	install_signals();
	result.exit_code = run_migration(opts, &result, &stats, &have_stats);
	result.ended_ns = net_now_ns();
	fprintf(stderr, "svsm-migrate: %s\n", result.message);
	if (opts->stats_json != NULL &&
	    !agent_stats_write(opts->stats_json, &result, have_stats ? &stats : NULL, message,
			       sizeof(message))) {
		fprintf(stderr, "svsm-migrate: %s\n", message);
		return result.exit_code == AGENT_EXIT_OK ? AGENT_EXIT_INTERNAL : result.exit_code;
	}
	return result.exit_code;
}

int main(int argc, char **argv)
{
	struct agent_options opts;
	char message[AGENT_OPTION_MESSAGE_MAX];

	if (!agent_parse_options(argc, argv, &opts, message, sizeof(message))) {
		fprintf(stderr, "svsm-migrate: %s\n", message);
		fprintf(stderr, "Try 'svsm-migrate help'.\n");
		return AGENT_EXIT_USAGE;
	}
	switch (opts.command) {
	case AGENT_CMD_HELP:
		agent_print_usage(stdout);
		return AGENT_EXIT_OK;
	case AGENT_CMD_INSPECT:
		return agent_inspect(opts.inspect_path, stdout, stderr);
	case AGENT_CMD_SEND:
	case AGENT_CMD_RECEIVE:
		return migrate_command(&opts);
	}
	return AGENT_EXIT_INTERNAL;
}
