/* SPDX-License-Identifier: MIT */
/* Local APIC (xAPIC, MMIO; QEMU 7.2's TCG has no x2APIC), TSC time, SMP start-up and IPIs. */
#ifndef SVSM_ARCH_X86_APIC_H
#define SVSM_ARCH_X86_APIC_H

#include <stdbool.h>
#include <stdint.h>

void apic_init(void);
uint32_t apic_id(void);
void apic_eoi(void);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);

/* TSC calibrated against the PIT at boot; monotonic nanoseconds. */
void time_init(void);
uint64_t time_ns(void);
uint64_t time_tsc_per_ms(void);
void time_delay_us(uint64_t us);

/* Starts every AP with INIT-SIPI-SIPI; returns how many came online. */
unsigned smp_start_aps(unsigned cpus);

/* Invalidates TLBs on every online CPU and returns once all of them have done so. */
void tlb_shootdown_all(void);
/* Called from the TLB IPI handler and from wait loops. */
void tlb_flush_if_pending(void);

#endif
