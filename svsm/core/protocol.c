/* SPDX-License-Identifier: MIT */
/*
 * The SVSM protocol service: core QUERY_PROTOCOL and PVALIDATE, and svsm-migrate's LOG protocol.
 * Everything the guest passes is hostile: requests are copied out of guest memory field by field
 * and validated before use, and `next` is written back after every processed entry.
 */
#include "svsm/core/protocol.h"

#include <string.h>

#include "svsm/arch/x86/cpu.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/vcpu.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"

#define CORE_PROTOCOL_VERSION 1U
#define LOG_PROTOCOL_VERSION  1U

static uint64_t query_protocol(uint64_t rcx, uint64_t *out)
{
	uint32_t protocol = (uint32_t)(rcx >> 32);
	uint32_t version = (uint32_t)rcx;

	*out = 0;
	if ((protocol == SVSM_PROTOCOL_CORE && version == CORE_PROTOCOL_VERSION) ||
	    (protocol == SVSM_PROTOCOL_LOG && version == LOG_PROTOCOL_VERSION)) {
		/* Each protocol has one version: it is both the highest and the lowest we support.
		 */
		*out = ((uint64_t)version << 32) | version;
	}
	return SVSM_SUCCESS;
}

static bool request_readable(gpa_t gpa, uint64_t len)
{
	uint64_t first = ALIGN_DOWN(gpa_addr(gpa), PAGE_SIZE);
	uint64_t last = ALIGN_DOWN(gpa_addr(gpa) + len - 1, PAGE_SIZE);

	if (!guest_mem_is_ram(gpa, len)) {
		return false;
	}
	for (uint64_t page = first; page <= last; page += PAGE_SIZE) {
		if (!guest_mem_validated(gpa_init(page))) {
			return false;
		}
	}
	return true;
}

static uint64_t pvalidate_entry(uint64_t entry)
{
	uint64_t size = entry & SVSM_PVALIDATE_SIZE_MASK;
	gpa_t gpa = gpa_init(entry & ~PAGE_MASK);
	bool huge = size == SVSM_PVALIDATE_SIZE_2M;

	if ((entry & SVSM_PVALIDATE_RESERVED_MASK) != 0 || size > SVSM_PVALIDATE_SIZE_2M) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (huge && !IS_ALIGNED(gpa_addr(gpa), HUGE_PAGE_SIZE)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	return guest_mem_pvalidate(gpa, huge, (entry & SVSM_PVALIDATE_VALIDATE) != 0,
				   (entry & SVSM_PVALIDATE_IGNORE_CF) != 0);
}

uint64_t protocol_core_pvalidate(gpa_t request)
{
	struct svsm_pvalidate_header header;
	uint64_t offset = gpa_addr(request) & PAGE_MASK;
	uint64_t max_entries;

	if (!IS_ALIGNED(gpa_addr(request), 8)) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!request_readable(request, sizeof(header)) ||
	    plat_guest_read(&header, request, sizeof(header)) != PLAT_OK) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	max_entries = SVSM_PVALIDATE_MAX_ENTRIES(offset);
	if (header.entries > max_entries || header.next > header.entries || header.reserved != 0) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	for (uint16_t i = header.next; i < header.entries; i++) {
		gpa_t entry_gpa = gpa_add(request, sizeof(header) + (uint64_t)i * sizeof(uint64_t));
		uint64_t entry;
		uint64_t result;
		uint16_t next = (uint16_t)(i + 1);

		if (plat_guest_read(&entry, entry_gpa, sizeof(entry)) != PLAT_OK) {
			return SVSM_ERR_INVALID_ADDRESS;
		}
		result = pvalidate_entry(entry);
		if (result != SVSM_SUCCESS) {
			return result;
		}
		if (plat_guest_write(gpa_add(request, 2), &next, sizeof(next)) != PLAT_OK) {
			/* The guest invalidated its own request page: stop, nothing is lost. */
			return SVSM_ERR_INVALID_ADDRESS;
		}
	}
	return SVSM_SUCCESS;
}

static uint64_t log_write(const struct vcpu *v, gpa_t text, uint64_t len)
{
	char buf[SVSM_LOG_MAX + 1];

	if (len == 0 || len > SVSM_LOG_MAX) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (!request_readable(text, len) || plat_guest_read(buf, text, len) != PLAT_OK) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	for (uint64_t i = 0; i < len; i++) {
		if (buf[i] < 0x20 || buf[i] > 0x7E) {
			buf[i] = buf[i] == '\n' ? ' ' : '?';
		}
	}
	buf[len] = '\0';
	LOG_INFO("guest vcpu %u: %s\n", v->index, buf);
	return SVSM_SUCCESS;
}

static uint64_t handle_core(uint32_t call, struct trap_frame *f)
{
	uint64_t out;
	uint64_t result;

	switch (call) {
	case SVSM_CORE_QUERY_PROTOCOL:
		result = query_protocol(f->r10, &out);
		f->rcx = out;
		return result;
	case SVSM_CORE_PVALIDATE:
		return protocol_core_pvalidate(gpa_init(f->r10));
	default:
		return SVSM_ERR_UNSUPPORTED_CALL;
	}
}

static uint64_t handle_log(struct vcpu *v, uint32_t call, struct trap_frame *f)
{
	switch (call) {
	case SVSM_LOG_WRITE:
		return log_write(v, gpa_init(f->r10), f->rdx);
	case SVSM_LOG_REPORT:
		v->report_value0 = f->r10;
		v->report_value1 = f->rdx;
		__atomic_add_fetch(&v->reports, 1, __ATOMIC_RELEASE);
		LOG_INFO("guest vcpu %u: report %llu %#llx\n", v->index, (unsigned long long)f->r10,
			 (unsigned long long)f->rdx);
		return SVSM_SUCCESS;
	case SVSM_LOG_IDLE:
		/* One wait; the return path then acts on any pending request. */
		cpu_wait_for_interrupt();
		return SVSM_SUCCESS;
	default:
		return SVSM_ERR_UNSUPPORTED_CALL;
	}
}

void protocol_handle(struct vcpu *v, struct trap_frame *f)
{
	uint32_t protocol = (uint32_t)(f->rax >> 32);
	uint32_t call = (uint32_t)f->rax;
	uint64_t rcx_in = f->r10;

	/* SYSCALL put the return RIP in RCX; give the guest its RCX argument back by default. */
	f->rcx = rcx_in;
	switch (protocol) {
	case SVSM_PROTOCOL_CORE:
		f->rax = handle_core(call, f);
		break;
	case SVSM_PROTOCOL_LOG:
		f->rax = handle_log(v, call, f);
		break;
	default:
		f->rax = SVSM_ERR_UNSUPPORTED_PROTOCOL;
		break;
	}
}
