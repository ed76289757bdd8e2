/* SPDX-License-Identifier: MIT */
/*
 * Calls from the ring-3 payload into the SVSM (include/svsm/protocol.h): RAX = protocol << 32 |
 * call; the RCX argument travels in R10 because SYSCALL overwrites RCX (return RIP) and R11
 * (RFLAGS); RDX and R8 carry the other arguments and may come back as outputs.
 */
#ifndef GUEST_SVSM_CALL_H
#define GUEST_SVSM_CALL_H

#include "svsm/protocol.h"

static inline uint64_t svsm_call(uint32_t protocol, uint32_t call, uint64_t rcx, uint64_t rdx,
				 uint64_t r8)
{
	register uint64_t r10_arg __asm__("r10") = rcx;
	register uint64_t r8_arg __asm__("r8") = r8;
	uint64_t rax = SVSM_CALL(protocol, call);

	__asm__ volatile("syscall"
			 : "+a"(rax), "+r"(r10_arg), "+d"(rdx), "+r"(r8_arg)
			 :
			 : "rcx", "r11", "memory");
	return rax;
}

#endif
