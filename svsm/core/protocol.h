/* SPDX-License-Identifier: MIT */
#ifndef SVSM_CORE_PROTOCOL_H
#define SVSM_CORE_PROTOCOL_H

#include <stdint.h>

#include "svsm/arch/x86/trap.h"
#include "svsm/types.h"

struct vcpu;

/* Handles one SVSM call of the guest (include/svsm/protocol.h); result in frame->rax. */
void protocol_handle(struct vcpu *v, struct trap_frame *frame);

/* The core PVALIDATE call on a request at `request` in guest memory; returns the SVSM result. */
uint64_t protocol_core_pvalidate(gpa_t request);
#endif
