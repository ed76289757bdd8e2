/* SPDX-License-Identifier: MIT */
#include "records.h"

#include <string.h>
#include <strings.h>

#include "svsm/migrate/record.h"

static const char *const type_names[] = {
    [MIG_REC_HELLO] = "HELLO",
    [MIG_REC_ATTEST] = "ATTEST",
    [MIG_REC_KEYCONFIRM] = "KEYCONFIRM",
    [MIG_REC_PAGES] = "PAGES",
    [MIG_REC_VCPU] = "VCPU",
    [MIG_REC_ROUND_END] = "ROUND_END",
    [MIG_REC_COMMIT] = "COMMIT",
    [MIG_REC_ACK] = "ACK",
    [MIG_REC_GO] = "GO",
    [MIG_REC_ABORT] = "ABORT",
    [MIG_REC_ROUND_ACK] = "ROUND_ACK",
};

const char *agent_record_type_name(uint32_t type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0])) {
		return type_names[type];
	}
	return NULL;
}

uint32_t agent_record_type_from_name(const char *name)
{
	for (uint32_t type = 0; type < sizeof(type_names) / sizeof(type_names[0]); type++) {
		if (type_names[type] != NULL && strcasecmp(type_names[type], name) == 0) {
			return type;
		}
	}
	return 0;
}

static bool type_has_round(enum mig_record_type type)
{
	return type == MIG_REC_PAGES || type == MIG_REC_VCPU || type == MIG_REC_ROUND_END ||
	       type == MIG_REC_ROUND_ACK;
}

bool agent_record_peek(const uint8_t *record, size_t len, struct agent_record_info *info)
{
	struct mig_record rec;

	memset(info, 0, sizeof(*info));
	/* The strict decoder also checks the body size; the body's contents stay unread. */
	if (mig_record_decode(record, len, &rec) != MIG_ERR_NONE) {
		return false;
	}
	info->type = rec.type;
	info->channel = rec.channel;
	info->seq = rec.seq;
	info->has_round = type_has_round(rec.type);
	info->round = info->has_round ? rec.round : 0;
	info->gpa_count = rec.type == MIG_REC_PAGES ? rec.gpa_count : 0;
	return true;
}
