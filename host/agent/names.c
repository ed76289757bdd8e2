/* SPDX-License-Identifier: MIT */
#include "names.h"

#include <stdio.h>

#include "svsm/migrate_abi.h"

static const char *const status_names[] = {
    [MIG_STATUS_IDLE] = "IDLE",
    [MIG_STATUS_SOURCE_HANDSHAKE] = "SOURCE_HANDSHAKE",
    [MIG_STATUS_SOURCE_PRECOPY] = "SOURCE_PRECOPY",
    [MIG_STATUS_SOURCE_CHECKPOINT] = "SOURCE_CHECKPOINT",
    [MIG_STATUS_SOURCE_COMMIT] = "SOURCE_COMMIT",
    [MIG_STATUS_SOURCE_DONE] = "SOURCE_DONE",
    [MIG_STATUS_SOURCE_ABORTED] = "SOURCE_ABORTED",
    [MIG_STATUS_TARGET_WAITING] = "TARGET_WAITING",
    [MIG_STATUS_TARGET_HANDSHAKE] = "TARGET_HANDSHAKE",
    [MIG_STATUS_TARGET_RECEIVING] = "TARGET_RECEIVING",
    [MIG_STATUS_TARGET_ACKED] = "TARGET_ACKED",
    [MIG_STATUS_TARGET_RUNNING] = "TARGET_RUNNING",
    [MIG_STATUS_TARGET_FAILED] = "TARGET_FAILED",
};

static const char *const phase_names[] = {
    [MIG_STATUS_IDLE] = "idle",
    [MIG_STATUS_SOURCE_HANDSHAKE] = "handshake",
    [MIG_STATUS_SOURCE_PRECOPY] = "pre-copy",
    [MIG_STATUS_SOURCE_CHECKPOINT] = "checkpoint",
    [MIG_STATUS_SOURCE_COMMIT] = "commit",
    [MIG_STATUS_SOURCE_DONE] = "done",
    [MIG_STATUS_SOURCE_ABORTED] = "aborted",
    [MIG_STATUS_TARGET_WAITING] = "waiting",
    [MIG_STATUS_TARGET_HANDSHAKE] = "handshake",
    [MIG_STATUS_TARGET_RECEIVING] = "receiving",
    [MIG_STATUS_TARGET_ACKED] = "acked",
    [MIG_STATUS_TARGET_RUNNING] = "running",
    [MIG_STATUS_TARGET_FAILED] = "failed",
};

static const char *const error_names[] = {
    [MIG_ERR_NONE] = "NONE",
    [MIG_ERR_BAD_COMMAND] = "BAD_COMMAND",
    [MIG_ERR_RING] = "RING",
    [MIG_ERR_MALFORMED] = "MALFORMED",
    [MIG_ERR_AUTH] = "AUTH",
    [MIG_ERR_SEQUENCE] = "SEQUENCE",
    [MIG_ERR_ATTESTATION] = "ATTESTATION",
    [MIG_ERR_POLICY] = "POLICY",
    [MIG_ERR_PROTOCOL] = "PROTOCOL",
    [MIG_ERR_TIMEOUT] = "TIMEOUT",
    [MIG_ERR_PEER_ABORT] = "PEER_ABORT",
    [MIG_ERR_VCPU_TIMEOUT] = "VCPU_TIMEOUT",
    [MIG_ERR_INCOMPLETE] = "INCOMPLETE",
    [MIG_ERR_HOST_ABORT] = "HOST_ABORT",
    [MIG_ERR_INTERNAL] = "INTERNAL",
};

static const char *lookup(const char *const *names, size_t count, uint32_t value,
			  char buf[AGENT_NAME_MAX])
{
	if (value < count && names[value] != NULL) {
		return names[value];
	}
	snprintf(buf, AGENT_NAME_MAX, "UNKNOWN(%u)", value);
	return buf;
}

const char *agent_status_name(uint32_t status, char buf[AGENT_NAME_MAX])
{
	return lookup(status_names, sizeof(status_names) / sizeof(status_names[0]), status, buf);
}

const char *agent_error_name(uint32_t error, char buf[AGENT_NAME_MAX])
{
	return lookup(error_names, sizeof(error_names) / sizeof(error_names[0]), error, buf);
}

const char *agent_phase_name(uint32_t status)
{
	if (status < sizeof(phase_names) / sizeof(phase_names[0]) && phase_names[status] != NULL) {
		return phase_names[status];
	}
	return "?";
}
