/* SPDX-License-Identifier: MIT */
#include "inject.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svsm/check.h"

#include "records.h"

#define INJECT_TEXT_MAX 64U

static const struct {
	const char *name;
	enum inject_kind kind;
} kind_names[] = {
    {"flip", INJECT_FLIP},	 {"drop", INJECT_DROP},	     {"duplicate", INJECT_DUPLICATE},
    {"reorder", INJECT_REORDER}, {"replay", INJECT_REPLAY},  {"truncate", INJECT_TRUNCATE},
    {"kill", INJECT_KILL},	 {"delay-ms", INJECT_DELAY},
};

const char *inject_kind_name(enum inject_kind kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (kind_names[i].kind == kind) {
			return kind_names[i].name;
		}
	}
	return "unknown";
}

static bool parse_decimal(const char *text, uint64_t min, uint64_t max, uint64_t *out)
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

/* KIND or delay-ms=MS. */
static bool parse_kind(const char *text, struct inject_spec *spec, char *msg, size_t msg_len)
{
	const char *equals = strchr(text, '=');
	size_t name_len = equals != NULL ? (size_t)(equals - text) : strlen(text);
	uint64_t delay = 0;

	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strlen(kind_names[i].name) != name_len ||
		    strncmp(kind_names[i].name, text, name_len) != 0) {
			continue;
		}
		spec->kind = kind_names[i].kind;
		if (spec->kind != INJECT_DELAY) {
			if (equals == NULL) {
				return true;
			}
			snprintf(msg, msg_len, "fault kind '%s' takes no value",
				 kind_names[i].name);
			return false;
		}
		if (equals == NULL || !parse_decimal(equals + 1, 1, INJECT_MAX_DELAY_MS, &delay)) {
			snprintf(msg, msg_len,
				 "delay-ms needs a value: delay-ms=MS with MS in 1..%u",
				 INJECT_MAX_DELAY_MS);
			return false;
		}
		spec->delay_ms = (uint32_t)delay;
		return true;
	}
	snprintf(msg, msg_len,
		 "unknown fault kind '%.*s' (flip, drop, duplicate, reorder, replay, truncate, "
		 "kill, delay-ms=MS)",
		 (int)name_len, text);
	return false;
}

bool inject_parse(const char *text, struct inject_spec *spec, char *msg, size_t msg_len)
{
	char copy[INJECT_TEXT_MAX];
	size_t len = strlen(text);
	char *type_part;
	char *nth_part;

	memset(spec, 0, sizeof(*spec));
	spec->nth = 1;
	if (len >= sizeof(copy) || len == 0) {
		snprintf(msg, msg_len, "--inject '%s': expected KIND[@RECORD_TYPE][:N]", text);
		return false;
	}
	memcpy(copy, text, len + 1);
	nth_part = strchr(copy, ':');
	if (nth_part != NULL) {
		*nth_part++ = '\0';
		if (!parse_decimal(nth_part, 1, UINT32_MAX, &spec->nth)) {
			snprintf(msg, msg_len, "--inject '%s': N must be a positive integer", text);
			return false;
		}
	}
	type_part = strchr(copy, '@');
	if (type_part != NULL) {
		*type_part++ = '\0';
		spec->record_type = agent_record_type_from_name(type_part);
		if (spec->record_type == INJECT_ANY_TYPE) {
			snprintf(msg, msg_len, "--inject '%s': unknown record type '%s'", text,
				 type_part);
			return false;
		}
	}
	return parse_kind(copy, spec, msg, msg_len);
}

void injector_init(struct injector *inj, const struct inject_spec *specs, unsigned count)
{
	CHECK(count <= INJECT_MAX_SPECS);
	memset(inj, 0, sizeof(*inj));
	pthread_mutex_init(&inj->lock, NULL);
	inj->count = count;
	if (count > 0) {
		memcpy(inj->specs, specs, count * sizeof(specs[0]));
	}
}

void injector_destroy(struct injector *inj)
{
	pthread_mutex_destroy(&inj->lock);
}

bool injector_match(struct injector *inj, uint32_t record_type, struct inject_spec *fired)
{
	bool matched = false;

	if (inj->count == 0) {
		return false;
	}
	pthread_mutex_lock(&inj->lock);
	for (unsigned i = 0; i < inj->count; i++) {
		const struct inject_spec *spec = &inj->specs[i];

		if (inj->fired[i] ||
		    (spec->record_type != INJECT_ANY_TYPE && spec->record_type != record_type)) {
			continue;
		}
		inj->matched[i]++;
		if (inj->matched[i] == spec->nth) {
			inj->fired[i] = true;
			*fired = *spec;
			matched = true;
			/* One fault per record: later specs do not count this one. */
			break;
		}
	}
	pthread_mutex_unlock(&inj->lock);
	return matched;
}

unsigned injector_fired_count(struct injector *inj)
{
	unsigned fired = 0;

	pthread_mutex_lock(&inj->lock);
	for (unsigned i = 0; i < inj->count; i++) {
		fired += inj->fired[i] ? 1U : 0U;
	}
	pthread_mutex_unlock(&inj->lock);
	return fired;
}
