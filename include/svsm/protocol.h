/* SPDX-License-Identifier: MIT */
/*
 * The SVSM protocol as the guest sees it (AMD pub. 58019 calling convention). On the qemu platform
 * the guest enters the SVSM with `syscall` instead of VMGEXIT; registers are the same:
 *   RAX = protocol << 32 | call; arguments in RCX, RDX, R8; result in RAX (0 or 0x8000_xxxx),
 *   outputs (if any) in RCX, RDX, R8.
 * SYSCALL itself overwrites RCX (return RIP) and R11 (RFLAGS), so the guest's call stub copies
 * the RCX argument to R10 just before SYSCALL (as Linux does for its fourth argument); the SVSM
 * reads the RCX argument from R10. R11 is clobbered; every other register is preserved, and RCX
 * holds the RCX output on return.
 */
#ifndef SVSM_PROTOCOL_H
#define SVSM_PROTOCOL_H

#include "svsm/types.h"

#define SVSM_PROTOCOL_CORE 0U
#define SVSM_PROTOCOL_LOG  0x80000000U /* svsm-migrate private: guest console and test hooks */

#define SVSM_CORE_REMAP_CA	 0U
#define SVSM_CORE_PVALIDATE	 1U
#define SVSM_CORE_CREATE_VCPU	 2U
#define SVSM_CORE_DELETE_VCPU	 3U
#define SVSM_CORE_DEPOSIT_MEM	 4U
#define SVSM_CORE_WITHDRAW_MEM	 5U
#define SVSM_CORE_QUERY_PROTOCOL 6U
#define SVSM_CORE_CONFIGURE_VTOM 7U

/* LOG protocol: RCX = GPA of a string, RDX = length (at most SVSM_LOG_MAX). */
#define SVSM_LOG_WRITE 0U
/* LOG protocol: report a workload result. RCX = steps, RDX = checksum. */
#define SVSM_LOG_REPORT 1U
/* LOG protocol: nothing left to do; the SVSM idles this vCPU until it is woken or restarted. */
#define SVSM_LOG_IDLE 2U
#define SVSM_LOG_MAX  256U

#define SVSM_CALL(protocol, call) (((uint64_t)(protocol) << 32) | (uint64_t)(call))

#define SVSM_SUCCESS		      0x00000000ULL
#define SVSM_ERR_INCOMPLETE	      0x80000000ULL
#define SVSM_ERR_UNSUPPORTED_PROTOCOL 0x80000001ULL
#define SVSM_ERR_UNSUPPORTED_CALL     0x80000002ULL
#define SVSM_ERR_INVALID_ADDRESS      0x80000003ULL
#define SVSM_ERR_INVALID_FORMAT	      0x80000004ULL
#define SVSM_ERR_INVALID_PARAMETER    0x80000005ULL
#define SVSM_ERR_INVALID_REQUEST      0x80000006ULL
#define SVSM_ERR_BUSY		      0x80000007ULL
#define SVSM_ERR_PROTOCOL_BASE	      0x80001000ULL

/* PVALIDATE hardware results reported as protocol-specific errors. */
#define SVSM_PVALIDATE_FAIL_INPUT	 (SVSM_ERR_PROTOCOL_BASE + 1)
#define SVSM_PVALIDATE_FAIL_SIZEMISMATCH (SVSM_ERR_PROTOCOL_BASE + 6)
#define SVSM_PVALIDATE_FAIL_UNCHANGED	 (SVSM_ERR_PROTOCOL_BASE + 0x10)

/* PVALIDATE request, at an 8-byte aligned GPA; entries follow the header, within one page. */
struct svsm_pvalidate_header {
	uint16_t entries;
	uint16_t next;
	uint32_t reserved;
};
ABI_SIZE(struct svsm_pvalidate_header, 8);
ABI_OFFSET(struct svsm_pvalidate_header, entries, 0);
ABI_OFFSET(struct svsm_pvalidate_header, next, 2);
ABI_OFFSET(struct svsm_pvalidate_header, reserved, 4);

#define SVSM_PVALIDATE_SIZE_MASK     0x3ULL /* 0 = 4 KiB, 1 = 2 MiB */
#define SVSM_PVALIDATE_SIZE_4K	     0x0ULL
#define SVSM_PVALIDATE_SIZE_2M	     0x1ULL
#define SVSM_PVALIDATE_VALIDATE	     (1ULL << 2)
#define SVSM_PVALIDATE_IGNORE_CF     (1ULL << 3)
#define SVSM_PVALIDATE_RESERVED_MASK 0xFF0ULL
#define SVSM_PVALIDATE_PFN_SHIFT     12

#define SVSM_PVALIDATE_MAX_ENTRIES(offset_in_page)                                                 \
	((PAGE_SIZE - (offset_in_page) - sizeof(struct svsm_pvalidate_header)) / sizeof(uint64_t))

#endif
