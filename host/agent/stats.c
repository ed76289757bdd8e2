/* SPDX-License-Identifier: MIT */
#include "stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "names.h"

#define STATS_SCHEMA "svsm-migrate-agent-stats/1"

static void print_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			fprintf(out, "\\%c", c);
		} else if (c < 0x20) {
			fprintf(out, "\\u%04x", c);
		} else {
			fputc(c, out);
		}
	}
	fputc('"', out);
}

static const char *outcome_name(int exit_code)
{
	switch (exit_code) {
	case AGENT_EXIT_OK:
		return "ok";
	case AGENT_EXIT_ATTACH:
		return "cannot-attach";
	case AGENT_EXIT_CONNECT:
		return "cannot-connect";
	case AGENT_EXIT_PEER_CLOSED:
		return "peer-closed";
	case AGENT_EXIT_SVSM_FAILED:
		return "svsm-failed";
	case AGENT_EXIT_TIMEOUT:
		return "timeout";
	case AGENT_EXIT_WRONG_STATE:
		return "wrong-state";
	case AGENT_EXIT_INTERRUPTED:
		return "interrupted";
	default:
		return "internal-error";
	}
}

static void print_svsm(FILE *out, const struct agent_result *r)
{
	char status_buf[AGENT_NAME_MAX];
	char error_buf[AGENT_NAME_MAX];
	const struct mig_counters *c = &r->state.counters;

	if (!r->have_state) {
		fputs("  \"status\": null,\n  \"error\": null,\n  \"svsm\": null,\n", out);
		return;
	}
	fputs("  \"status\": ", out);
	print_json_string(out, agent_status_name(r->state.status, status_buf));
	fputs(",\n  \"error\": ", out);
	print_json_string(out, agent_error_name(r->state.error, error_buf));
	fprintf(out,
		",\n  \"svsm\": {\"channels\": %u, \"rounds\": %llu, \"pages_total\": %llu, "
		"\"pages_sent\": %llu, \"pages_remaining\": %llu, \"bytes_sent\": %llu, "
		"\"dirty_rate_pages_per_s\": %llu, \"bandwidth_bytes_per_s\": %llu, "
		"\"downtime_ns\": %llu, \"elapsed_ns\": %llu},\n",
		r->state.channels, (unsigned long long)c->round, (unsigned long long)c->pages_total,
		(unsigned long long)c->pages_sent, (unsigned long long)c->pages_remaining,
		(unsigned long long)c->bytes_sent, (unsigned long long)c->dirty_rate,
		(unsigned long long)c->bandwidth, (unsigned long long)c->downtime_ns,
		(unsigned long long)c->elapsed_ns);
}

static void print_rounds(FILE *out, const struct pump_stats *ps)
{
	bool first = true;

	fputs("  \"rounds\": [", out);
	for (uint32_t r = 0; r < ps->rounds_seen; r++) {
		const struct pump_round_stats *s = &ps->rounds[r];

		fprintf(out,
			"%s\n    {\"round\": %u, \"records\": %llu, \"pages\": %llu, "
			"\"bytes\": %llu}",
			first ? "" : ",", r, (unsigned long long)s->records,
			(unsigned long long)s->pages, (unsigned long long)s->bytes);
		first = false;
	}
	fprintf(out, "%s],\n", first ? "" : "\n  ");
	fprintf(out, "  \"unattributed\": {\"records\": %llu, \"pages\": %llu, \"bytes\": %llu},\n",
		(unsigned long long)ps->unattributed.records,
		(unsigned long long)ps->unattributed.pages,
		(unsigned long long)ps->unattributed.bytes);
}

static void print_channels(FILE *out, const struct pump_stats *ps)
{
	fputs("  \"channels\": [", out);
	for (uint32_t c = 0; c < ps->channels; c++) {
		const struct pump_channel_stats *s = &ps->channel[c];

		fprintf(out,
			"%s\n    {\"channel\": %u, \"records_out\": %llu, \"bytes_out\": %llu, "
			"\"pages_out\": %llu, \"records_in\": %llu, \"bytes_in\": %llu, "
			"\"pages_in\": %llu, \"dropped_out\": %llu, \"dropped_in\": %llu}",
			c == 0 ? "" : ",", c, (unsigned long long)s->records[CAPTURE_OUT],
			(unsigned long long)s->bytes[CAPTURE_OUT],
			(unsigned long long)s->pages[CAPTURE_OUT],
			(unsigned long long)s->records[CAPTURE_IN],
			(unsigned long long)s->bytes[CAPTURE_IN],
			(unsigned long long)s->pages[CAPTURE_IN],
			(unsigned long long)s->dropped[CAPTURE_OUT],
			(unsigned long long)s->dropped[CAPTURE_IN]);
	}
	fprintf(out, "%s],\n", ps->channels == 0 ? "" : "\n  ");
}

void agent_stats_print(FILE *out, const struct agent_result *r, const struct pump_stats *ps)
{
	static const struct pump_stats no_traffic;
	uint64_t total_ns = r->ended_ns > r->started_ns ? r->ended_ns - r->started_ns : 0;

	if (ps == NULL) {
		ps = &no_traffic;
	}
	fprintf(out, "{\n  \"schema\": \"%s\",\n  \"role\": \"%s\",\n", STATS_SCHEMA, r->role);
	fprintf(out, "  \"exit_code\": %d,\n  \"outcome\": \"%s\",\n  \"message\": ", r->exit_code,
		outcome_name(r->exit_code));
	print_json_string(out, r->message);
	fprintf(out, ",\n  \"total_time_ms\": %.3f,\n", (double)total_ns / 1e6);
	if (r->have_state) {
		fprintf(out, "  \"downtime_ms\": %.3f,\n",
			(double)r->state.counters.downtime_ns / 1e6);
	} else {
		fputs("  \"downtime_ms\": null,\n", out);
	}
	print_svsm(out, r);
	fprintf(out, "  \"channels_requested\": %u,\n", r->channels);
	print_channels(out, ps);
	print_rounds(out, ps);
	fprintf(out, "  \"faults_injected\": %u\n}\n", ps->faults_injected);
}

bool agent_stats_write(const char *path, const struct agent_result *r, const struct pump_stats *ps,
		       char *message, size_t message_len)
{
	size_t tmp_len = strlen(path) + sizeof(".tmp.XXXXXX");
	char *tmp = malloc(tmp_len);
	FILE *out = NULL;
	int fd;
	bool ok;

	if (tmp == NULL) {
		snprintf(message, message_len, "out of memory");
		return false;
	}
	snprintf(tmp, tmp_len, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	/* mkstemp creates 0600; statistics are not secret. */
	if (fd >= 0 && fchmod(fd, 0644) == 0) {
		out = fdopen(fd, "w");
	}
	if (out == NULL) {
		snprintf(message, message_len, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return false;
	}
	agent_stats_print(out, r, ps);
	ok = fflush(out) == 0 && fsync(fileno(out)) == 0;
	ok = fclose(out) == 0 && ok;
	if (ok && rename(tmp, path) != 0) {
		ok = false;
	}
	if (!ok) {
		snprintf(message, message_len, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok;
}
