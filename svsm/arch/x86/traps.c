/* SPDX-License-Identifier: MIT */
/* trap_dispatch: the one C entry for exceptions, interrupts and SYSCALLs. */
#include "svsm/arch/x86/apic.h"
#include "svsm/arch/x86/cpu.h"
#include "svsm/arch/x86/percpu.h"
#include "svsm/arch/x86/trap.h"
#include "svsm/check.h"
#include "svsm/core/console.h"
#include "svsm/core/vcpu.h"
#include "svsm/plat/qemu/qemu.h"

static const char *const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "res", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *trap_vector_name(uint64_t vector);
const char *trap_vector_name(uint64_t vector)
{
	if (vector < 32 && exception_names[vector] != NULL) {
		return exception_names[vector];
	}
	return "interrupt";
}

void trap_print_frame(const struct trap_frame *f)
{
	console_printf("  vector %llu (%s) error %#llx cr2 %#llx\n", (unsigned long long)f->vector,
		       trap_vector_name(f->vector), (unsigned long long)f->error_code,
		       (unsigned long long)read_cr2());
	console_printf("  rip %#018llx cs %#llx rflags %#llx rsp %#018llx ss %#llx\n",
		       (unsigned long long)f->rip, (unsigned long long)f->cs,
		       (unsigned long long)f->rflags, (unsigned long long)f->rsp,
		       (unsigned long long)f->ss);
	console_printf("  rax %#018llx rbx %#018llx rcx %#018llx rdx %#018llx\n",
		       (unsigned long long)f->rax, (unsigned long long)f->rbx,
		       (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	console_printf("  rsi %#018llx rdi %#018llx rbp %#018llx r8  %#018llx\n",
		       (unsigned long long)f->rsi, (unsigned long long)f->rdi,
		       (unsigned long long)f->rbp, (unsigned long long)f->r8);
	console_printf("  r9  %#018llx r10 %#018llx r11 %#018llx r12 %#018llx\n",
		       (unsigned long long)f->r9, (unsigned long long)f->r10,
		       (unsigned long long)f->r11, (unsigned long long)f->r12);
	console_printf("  r13 %#018llx r14 %#018llx r15 %#018llx cr3 %#llx\n",
		       (unsigned long long)f->r13, (unsigned long long)f->r14,
		       (unsigned long long)f->r15, (unsigned long long)read_cr3());
}

static void handle_interrupt(struct trap_frame *f)
{
	switch (f->vector) {
	case VEC_APIC_SPURIOUS:
		return; /* no EOI for spurious interrupts */
	case VEC_IPI_TLB:
		tlb_flush_if_pending();
		break;
	case VEC_IPI_PING:
		/* A ping to a vCPU's CPU is answered with a ping to the SVSM's CPU: a round trip.
		 */
		__atomic_add_fetch(&this_cpu()->ping_count, 1, __ATOMIC_RELEASE);
		if (this_cpu()->index != 0) {
			apic_send_ipi(percpu_areas[0].apic_id, VEC_IPI_PING);
		}
		break;
	default:
		break; /* VEC_IPI_WAKE and anything else: the return path re-checks requests */
	}
	apic_eoi();
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == VEC_SYSCALL) {
		vcpu_handle_syscall(f);
		vcpu_before_guest_return(f);
		return;
	}
	if (f->vector >= 32) {
		handle_interrupt(f);
		if (trap_from_user(f)) {
			vcpu_before_guest_return(f);
		}
		return;
	}
	if (trap_from_user(f)) {
		if (f->vector == VEC_PF && qemu_tracked_write_fault(read_cr2(), f->error_code)) {
			return; /* the guest retries its write */
		}
		vcpu_guest_fault(f);
	}
	console_printf("\n[FATAL cpu%u] exception in the SVSM\n", cpu_index());
	trap_print_frame(f);
	PANIC("unhandled %s in ring 0 at %#llx", trap_vector_name(f->vector),
	      (unsigned long long)f->rip);
}
