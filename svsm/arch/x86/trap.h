/* SPDX-License-Identifier: MIT */
/*
 * One register frame for every way into the SVSM: exceptions, interrupts and SYSCALL all build a
 * struct trap_frame on the kernel stack (isr.asm), so a guest vCPU's complete integer state is
 * always in one place when the SVSM runs on its behalf.
 */
#ifndef SVSM_ARCH_X86_TRAP_H
#define SVSM_ARCH_X86_TRAP_H

#include <stdint.h>

#include "svsm/types.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
ABI_SIZE(struct trap_frame, 176);
ABI_OFFSET(struct trap_frame, rax, 112);
ABI_OFFSET(struct trap_frame, vector, 120);
ABI_OFFSET(struct trap_frame, rip, 136);
ABI_OFFSET(struct trap_frame, cs, 144);

/* GDT selectors. The order user-data before user-code is what SYSRET/STAR require. */
#define SEL_KERNEL_CODE 0x08U
#define SEL_KERNEL_DATA 0x10U
#define SEL_USER_DATA	0x1BU
#define SEL_USER_CODE	0x23U
#define SEL_TSS		0x28U

#define VEC_DE	0U
#define VEC_DB	1U
#define VEC_NMI 2U
#define VEC_BP	3U
#define VEC_UD	6U
#define VEC_NM	7U
#define VEC_DF	8U
#define VEC_GP	13U
#define VEC_PF	14U
#define VEC_MC	18U

/* Interrupt vectors used by the SVSM. */
#define VEC_IPI_WAKE	  0xF0U /* re-evaluate pending vCPU requests (start, stop, park) */
#define VEC_IPI_TLB	  0xF1U /* TLB shootdown */
#define VEC_IPI_PING	  0xF2U /* tests: IPI round trip */
#define VEC_APIC_SPURIOUS 0xFFU
/* Pseudo-vector recorded in the frame for SYSCALL entries. */
#define VEC_SYSCALL 0x100U

#define PF_ERR_PRESENT (1U << 0)
#define PF_ERR_WRITE   (1U << 1)
#define PF_ERR_USER    (1U << 2)
#define PF_ERR_FETCH   (1U << 4)

static inline bool trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3U) == 3U;
}

/* Called by isr.asm for every trap; returns to the interrupted context unless it switches away. */
void trap_dispatch(struct trap_frame *frame);
void idt_init(void);
void idt_load(void);
void trap_print_frame(const struct trap_frame *frame);

/* isr.asm: loads RSP = frame, restores it and IRETQs; nothing above `frame` may still be live. */
_Noreturn void trap_return_to(struct trap_frame *frame);
/* isr.asm: switches to `stack_top` and calls fn(arg); fn must not return. */
_Noreturn void call_on_stack(uintptr_t stack_top, void (*fn)(void *), void *arg);

#endif
