/* SPDX-License-Identifier: MIT */
/* Names of MigrationPage statuses and errors, as the agent prints them and stats JSON holds them
 * (the enum names without their MIG_STATUS_ / MIG_ERR_ prefix). */
#ifndef AGENT_NAMES_H
#define AGENT_NAMES_H

#include <stdint.h>

/* "UNKNOWN(n)"-style names are written into buf for values the ABI does not define. */
#define AGENT_NAME_MAX 24U

const char *agent_status_name(uint32_t status, char buf[AGENT_NAME_MAX]);
const char *agent_error_name(uint32_t error, char buf[AGENT_NAME_MAX]);
/* A few words for the progress line: "handshake", "pre-copy", ... */
const char *agent_phase_name(uint32_t status);

#endif
