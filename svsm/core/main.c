/* SPDX-License-Identifier: MIT */
/* Boot sequence of the SVSM on the boot CPU, and of every AP. */
#include <string.h>

#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/cpu.h"
#include "svsm/arch/x86/paging.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/check.h"
#include "svsm/core/console.h"
#include "svsm/core/guest.h"
#include "svsm/core/guest_mem.h"
#include "svsm/core/svsm.h"
#include "svsm/core/vcpu.h"
#include "svsm/crypto/crypto.h"
#include "svsm/layout.h"
#include "svsm/log.h"
#include "svsm/mm/memmap.h"
#include "svsm/mm/page_alloc.h"
#include "svsm/plat.h"

extern char ap_trampoline_start[], ap_trampoline_end[];
extern char __image_end[];

struct page_alloc svsm_page_alloc;
static struct memmap boot_memmap;

void ap_main(unsigned index);

static unsigned read_vp_count(void)
{
	uint32_t count;

	/* Loader-written and untrusted: copy, then bound it. */
	memcpy(&count, va_ptr(va_init(LAYOUT_PARAM_GENERAL_GPA + LAYOUT_PARAM_VP_COUNT_OFF)),
	       sizeof(count));
	if (count < 2 || count > SVSM_MAX_CPUS) {
		PANIC("loader reports %u CPUs; need 2..%u (one SVSM CPU and at least one vCPU)",
		      count, SVSM_MAX_CPUS);
	}
	return count;
}

static void read_memory_map(void)
{
	static uint8_t page[PAGE_SIZE];
	enum memmap_status s;

	memcpy(page, va_ptr(va_init(LAYOUT_PARAM_MEMMAP_GPA)), sizeof(page));
	s = memmap_parse(page, &boot_memmap);
	if (s != MEMMAP_OK) {
		PANIC("memory map rejected: %s (entry %u)", memmap_status_str(s),
		      boot_memmap.error_entry);
	}
	if (boot_memmap.guest_count == 0) {
		PANIC("memory map has no guest RAM above %#llx",
		      (unsigned long long)LAYOUT_SVSM_REGION_END);
	}
}

static void init_page_alloc(void)
{
	uint64_t image_end = ALIGN_UP((uint64_t)(uintptr_t)__image_end, PAGE_SIZE);

	uint64_t mig_end = LAYOUT_MIGRATION_GPA + LAYOUT_MIGRATION_MAX;

	/* Everything after the image except the MigrationPage window, which the host shares. */
	CHECK(image_end <= LAYOUT_MIGRATION_GPA);
	CHECK(page_alloc_init(&svsm_page_alloc, hpa_init(0), LAYOUT_SVSM_REGION_END / PAGE_SIZE) ==
	      PAGE_ALLOC_OK);
	CHECK(page_alloc_add_free(&svsm_page_alloc, hpa_init(image_end),
				  (LAYOUT_MIGRATION_GPA - image_end) / PAGE_SIZE) == PAGE_ALLOC_OK);
	CHECK(page_alloc_add_free(&svsm_page_alloc, hpa_init(mig_end),
				  (LAYOUT_SVSM_REGION_END - mig_end) / PAGE_SIZE) == PAGE_ALLOC_OK);
}

static void install_ap_trampoline(void)
{
	size_t len = (size_t)(ap_trampoline_end - ap_trampoline_start);

	/* Written while the loader's identity map (all writable) is still active; the SVSM's own
	 * tables map this page read-only and executable. */
	CHECK(len <= PAGE_SIZE);
	memcpy(va_ptr(va_init(LAYOUT_AP_TRAMPOLINE_GPA)), ap_trampoline_start, len);
}

/* Seeds the DRBG and sets up mbedTLS's static heap. Without entropy the guest still runs, but
 * no key can be made, so migration is refused. */
static void init_crypto(void)
{
	enum crypto_status s = crypto_init();

	if (s != CRYPTO_OK) {
		LOG_ERROR("crypto: %s; migration is unavailable\n", crypto_status_str(s));
		return;
	}
	LOG_INFO("crypto: DRBG seeded from hardware entropy\n");
}

void svsm_main(unsigned platform);
void svsm_main(unsigned platform)
{
	unsigned cpus;
	unsigned online;

	console_init();
	idt_init();
	cpu_setup(0);
	LOG_INFO("svsm-migrate SVSM starting on platform %s (boot type %u)\n", plat_name(),
		 platform);
	cpus = read_vp_count();
	read_memory_map();
	guest_mem_init(&boot_memmap);
	init_page_alloc();
	install_ap_trampoline();
	paging_init(&svsm_page_alloc, gpa_addr(boot_memmap.guest[0].start), guest_mem_end());
	cpu_enable_protections();
	time_init();
	init_crypto();
	apic_init();
	percpu_areas[0].apic_id = apic_id();
	percpu_areas[0].online = 1;
	cpu_count = cpus;
	vcpu_init(cpus - 1);
	online = smp_start_aps(cpus);
	LOG_INFO("%u of %u CPUs online: CPU 0 is the SVSM's, %u guest vCPUs; guest RAM %llu MiB\n",
		 online, cpus, online - 1, (unsigned long long)(boot_memmap.guest_pages >> 8));
	if (online != cpus) {
		PANIC("only %u of %u CPUs came online", online, cpus);
	}
	irq_enable();
	svsm_run();
	plat_terminate(0);
}

void ap_main(unsigned index)
{
	struct percpu *pc = &percpu_areas[index];

	cpu_setup(index);
	cpu_enable_protections();
	apic_init();
	pc->apic_id = apic_id();
	__atomic_store_n(&pc->online, 1U, __ATOMIC_RELEASE);
	vcpu_cpu_main(index);
}
