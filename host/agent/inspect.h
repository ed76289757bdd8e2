/* SPDX-License-Identifier: MIT */
/* `svsm-migrate inspect CAPTURE`: one line per captured record's header. */
#ifndef AGENT_INSPECT_H
#define AGENT_INSPECT_H

#include <stdio.h>

/* Lists path on out; errors go to err. Returns an enum agent_exit code. */
int agent_inspect(const char *path, FILE *out, FILE *err);

#endif
