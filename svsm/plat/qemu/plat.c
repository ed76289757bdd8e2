/* SPDX-License-Identifier: MIT */
/*
 * The qemu platform: plain QEMU (TCG) without confidential computing. VMPL0 is ring 0 with the
 * SVSM owning the page tables; the guest runs in ring 3. The RMP is modelled here: a per-page
 * "validated" bit that PVALIDATE flips (with FAIL_UNCHANGED and FAIL_SIZEMISMATCH as on
 * hardware), and the guest VMPL's permissions, which become PTE bits in the SVSM's page tables.
 * Attestation comes from the emulated PSP: it proves the code path, not security.
 */
#include "svsm/plat.h"

#include <string.h>

#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/cpu.h"
#include "svsm/arch/x86/entropy.h"
#include "svsm/arch/x86/paging.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/vcpu.h"
#include "svsm/mm/bitmap.h"
#include "svsm/plat/qemu/qemu.h"

#define ISA_DEBUG_EXIT_PORT 0xF4U

static uint64_t rmp_words[BITMAP_WORDS(GUEST_MEM_MAX_BYTES / PAGE_SIZE)];
static struct bitmap rmp_validated;
static bool rmp_ready;

static void rmp_init(void)
{
	if (!rmp_ready) {
		bitmap_init(&rmp_validated, rmp_words, guest_mem_end() / PAGE_SIZE);
		rmp_ready = true;
	}
}

const char *plat_name(void)
{
	return "qemu";
}

enum plat_status plat_pvalidate(gpa_t gpa, bool huge, bool validate)
{
	uint64_t pages = huge ? HUGE_PAGE_SIZE / PAGE_SIZE : 1;
	uint64_t first = gpa_pfn(gpa);
	uint64_t set;

	rmp_init();
	if (!IS_ALIGNED(gpa_addr(gpa), huge ? HUGE_PAGE_SIZE : PAGE_SIZE) ||
	    !guest_mem_is_ram(gpa, pages * PAGE_SIZE)) {
		return PLAT_ERR_INPUT;
	}
	set = bitmap_count_set(&rmp_validated, first, pages);
	if (set == (validate ? pages : 0)) {
		return PLAT_ERR_UNCHANGED;
	}
	if (set != 0 && set != pages) {
		return PLAT_ERR_SIZEMISMATCH;
	}
	if (validate) {
		bitmap_set_range(&rmp_validated, first, pages);
	} else {
		for (uint64_t i = 0; i < pages; i++) {
			paging_set_guest_perm(gpa_add(gpa, i * PAGE_SIZE), PLAT_PERM_NONE);
		}
		bitmap_clear_range(&rmp_validated, first, pages);
	}
	return PLAT_OK;
}

enum plat_status plat_set_guest_perm(gpa_t gpa, enum plat_perm perm)
{
	rmp_init();
	if (!gpa_is_page_aligned(gpa) || !guest_mem_is_ram(gpa, PAGE_SIZE)) {
		return PLAT_ERR_INPUT;
	}
	if (!bitmap_test(&rmp_validated, gpa_pfn(gpa))) {
		return PLAT_ERR_PERMISSION;
	}
	paging_set_guest_perm(gpa, perm);
	return PLAT_OK;
}

enum plat_status plat_set_guest_perm_range(gpa_t start, uint64_t pages, enum plat_perm perm)
{
	rmp_init();
	if (!gpa_is_page_aligned(start) || pages > UINT64_MAX / PAGE_SIZE ||
	    (pages != 0 && !guest_mem_is_ram(start, pages * PAGE_SIZE))) {
		return PLAT_ERR_INPUT;
	}
	switch (perm) {
	case PLAT_PERM_NONE:
	case PLAT_PERM_R:
	case PLAT_PERM_RW:
	case PLAT_PERM_RX:
	case PLAT_PERM_RWX:
		break;
	default:
		return PLAT_ERR_INPUT;
	}
	for (uint64_t i = 0; i < pages; i++) {
		gpa_t page = gpa_add(start, i * PAGE_SIZE);

		if (bitmap_test(&rmp_validated, gpa_pfn(page))) {
			paging_set_guest_perm(page, perm);
		}
	}
	return PLAT_OK;
}

static struct bitmap *tracking_dirty;

void plat_write_tracking_start(struct bitmap *dirty)
{
	__atomic_store_n(&tracking_dirty, dirty, __ATOMIC_RELEASE);
}

void plat_write_tracking_stop(void)
{
	__atomic_store_n(&tracking_dirty, NULL, __ATOMIC_RELEASE);
}

bool qemu_tracked_write_fault(uint64_t address, uint64_t error)
{
	const uint64_t write_by_guest = PF_ERR_PRESENT | PF_ERR_WRITE | PF_ERR_USER;
	struct bitmap *dirty = __atomic_load_n(&tracking_dirty, __ATOMIC_ACQUIRE);
	gpa_t page = gpa_init(ALIGN_DOWN(address, PAGE_SIZE));
	enum plat_perm perm;

	if (dirty == NULL || (error & (write_by_guest | PF_ERR_FETCH)) != write_by_guest ||
	    !guest_mem_is_ram(page, PAGE_SIZE) || !bitmap_test(&rmp_validated, gpa_pfn(page))) {
		return false;
	}
	perm = paging_guest_perm(page);
	if (perm == PLAT_PERM_RX) {
		/* Dirty before writable: the handler can never see the page writable and clean. */
		bitmap_test_and_set_atomic(dirty, gpa_pfn(page));
		paging_set_guest_perm(page, PLAT_PERM_RWX);
	} else if (perm != PLAT_PERM_RWX) {
		return false; /* R or none: a real revocation, not tracking */
	}
	invlpg((uintptr_t)address);
	return true;
}

void plat_flush_tlb_all(void)
{
	tlb_shootdown_all();
}

/* VMPL0 may touch only validated guest RAM; anything else would be a #VC on hardware. */
static bool guest_range_ok(gpa_t gpa, size_t len)
{
	uint64_t first;
	uint64_t last;

	rmp_init();
	if (len == 0 || !guest_mem_is_ram(gpa, len)) {
		return false;
	}
	first = gpa_pfn(gpa);
	last = (gpa_addr(gpa) + len - 1) >> PAGE_SHIFT;
	return bitmap_count_set(&rmp_validated, first, last - first + 1) == last - first + 1;
}

enum plat_status plat_guest_read(void *dst, gpa_t src, size_t len)
{
	if (!guest_range_ok(src, len)) {
		return PLAT_ERR_INPUT;
	}
	memcpy(dst, paging_guest_alias(src), len);
	return PLAT_OK;
}

enum plat_status plat_guest_write(gpa_t dst, const void *src, size_t len)
{
	if (!guest_range_ok(dst, len)) {
		return PLAT_ERR_INPUT;
	}
	memcpy(paging_guest_alias(dst), src, len);
	return PLAT_OK;
}

unsigned plat_vcpu_count(void)
{
	return vcpu_count();
}

void plat_vcpu_request_park(unsigned vcpu)
{
	vcpu_request_park(vcpu);
}

bool plat_vcpu_parked(unsigned vcpu)
{
	return vcpu_get(vcpu)->state == VCPU_PARKED;
}

void plat_vcpu_resume(unsigned vcpu)
{
	vcpu_resume(vcpu);
}

enum plat_status plat_vcpu_save_state(unsigned vcpu, void *buf, size_t cap, size_t *len)
{
	struct vcpu_saved_state state;

	if (vcpu >= vcpu_count() || cap < sizeof(state) || !vcpu_save_state(vcpu, &state)) {
		return PLAT_ERR_INPUT;
	}
	memcpy(buf, &state, sizeof(state));
	*len = sizeof(state);
	memset(&state, 0, sizeof(state));
	return PLAT_OK;
}

enum plat_status plat_vcpu_load_state(unsigned vcpu, const void *buf, size_t len)
{
	struct vcpu_saved_state state;

	if (vcpu >= vcpu_count() || len != sizeof(state)) {
		return PLAT_ERR_INPUT;
	}
	memcpy(&state, buf, sizeof(state));
	return vcpu_load_state(vcpu, &state) ? PLAT_OK : PLAT_ERR_INPUT;
}

void plat_vcpu_start_loaded(unsigned vcpu)
{
	vcpu_start_loaded(vcpu);
}

void plat_send_ipi(unsigned cpu, uint8_t vector)
{
	CHECK(cpu < cpu_count);
	apic_send_ipi(percpu_areas[cpu].apic_id, vector);
}

uint64_t plat_time_ns(void)
{
	return time_ns();
}

enum plat_status plat_get_entropy(void *buf, size_t len)
{
	switch (x86_entropy_get(buf, len)) {
	case X86_ENTROPY_OK:
		return PLAT_OK;
	case X86_ENTROPY_UNSUPPORTED:
		return PLAT_ERR_UNSUPPORTED;
	default:
		return PLAT_ERR_ENTROPY;
	}
}

noreturn void plat_terminate(unsigned reason)
{
	irq_disable();
	/* isa-debug-exit: QEMU exits with (value << 1) | 1, so 0x21 for success, 0x23 otherwise. */
	outl(ISA_DEBUG_EXIT_PORT, reason == 0 ? 0x10U : 0x11U);
	for (;;) {
		__asm__ volatile("hlt");
	}
}
