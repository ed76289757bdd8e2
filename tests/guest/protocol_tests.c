/* SPDX-License-Identifier: MIT */
/*
 * In-guest tests of the SVSM call dispatch as the SYSCALL path feeds it: a trap frame with the
 * guest's registers (the RCX argument in R10, see include/svsm/protocol.h).
 */
#include <string.h>

#include "svsm/core/protocol.h"
#include "svsm/core/vcpu.h"
#include "svsm/layout.h"
#include "svsm/protocol.h"
#include "svsm/test.h"

static struct trap_frame call(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx)
{
	struct trap_frame f;

	memset(&f, 0, sizeof(f));
	f.rax = SVSM_CALL(protocol, id);
	f.r10 = rcx;
	f.rcx = 0xDEADBEEF; /* what SYSCALL leaves there: the return RIP */
	f.rdx = rdx;
	protocol_handle(vcpu_get(0), &f);
	return f;
}

TEST(protocol, query_protocol_reports_supported_versions)
{
	struct trap_frame f;

	f = call(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL,
		 ((uint64_t)SVSM_PROTOCOL_CORE << 32) | 1, 0);
	EXPECT_EQ(f.rax, SVSM_SUCCESS);
	EXPECT_EQ(f.rcx, (1ULL << 32) | 1ULL); /* max 1, min 1 */
	f = call(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL,
		 ((uint64_t)SVSM_PROTOCOL_CORE << 32) | 2, 0);
	EXPECT_EQ(f.rax, SVSM_SUCCESS);
	EXPECT_EQ(f.rcx, 0ULL); /* version 2 not supported */
	f = call(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL, (7ULL << 32) | 1, 0);
	EXPECT_EQ(f.rcx, 0ULL); /* no such protocol */
	f = call(SVSM_PROTOCOL_CORE, SVSM_CORE_QUERY_PROTOCOL,
		 ((uint64_t)SVSM_PROTOCOL_LOG << 32) | 1, 0);
	EXPECT_EQ(f.rcx, (1ULL << 32) | 1ULL);
}

TEST(protocol, unknown_protocols_and_calls_are_refused)
{
	struct trap_frame f;

	f = call(5, 0, 0, 0);
	EXPECT_EQ(f.rax, SVSM_ERR_UNSUPPORTED_PROTOCOL);
	f = call(SVSM_PROTOCOL_CORE, 99, 0, 0);
	EXPECT_EQ(f.rax, SVSM_ERR_UNSUPPORTED_CALL);
	/* Calls the SVSM does not offer in this version. */
	f = call(SVSM_PROTOCOL_CORE, SVSM_CORE_DEPOSIT_MEM, 0, 0);
	EXPECT_EQ(f.rax, SVSM_ERR_UNSUPPORTED_CALL);
	f = call(SVSM_PROTOCOL_LOG, 77, 0, 0);
	EXPECT_EQ(f.rax, SVSM_ERR_UNSUPPORTED_CALL);
	/* The guest gets its RCX argument back, not the return RIP SYSCALL put there. */
	f = call(5, 0, 0x1234, 0);
	EXPECT_EQ(f.rcx, 0x1234ULL);
}

TEST(protocol, log_call_checks_its_buffer)
{
	struct trap_frame f;

	f = call(SVSM_PROTOCOL_LOG, SVSM_LOG_WRITE, LAYOUT_SVSM_IMAGE_GPA, 16);
	EXPECT_EQ(f.rax, SVSM_ERR_INVALID_ADDRESS); /* SVSM memory */
	f = call(SVSM_PROTOCOL_LOG, SVSM_LOG_WRITE, LAYOUT_GUEST_PAYLOAD_GPA, 0);
	EXPECT_EQ(f.rax, SVSM_ERR_INVALID_PARAMETER);
	f = call(SVSM_PROTOCOL_LOG, SVSM_LOG_WRITE, LAYOUT_GUEST_PAYLOAD_GPA, SVSM_LOG_MAX + 1);
	EXPECT_EQ(f.rax, SVSM_ERR_INVALID_PARAMETER);
	f = call(SVSM_PROTOCOL_LOG, SVSM_LOG_WRITE, LAYOUT_GUEST_PAYLOAD_GPA, 8);
	EXPECT_EQ(f.rax, SVSM_SUCCESS); /* validated guest memory: printed, non-printables masked */
}
