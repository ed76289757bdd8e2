/* SPDX-License-Identifier: MIT */
/*
 * GUEST_ACTION_REGISTERS: proves that whatever stops and restarts this vCPU (interrupts, a park,
 * a migration to another CPU or machine) gives back its complete register state. Each round puts
 * a value derived from the round number into every general register it may use, every XMM
 * register (both halves), the MXCSR rounding mode and the x87 control word, spins so that an
 * interruption is likely to land in between, then checks every one of them.
 *
 * Written as top-level assembly: the payload is compiled with general registers only, and no
 * compiler-generated code may touch the registers while they carry the pattern.
 */
#include <stdnoreturn.h>

#include "svsm/guest_abi.h"

noreturn void guest_check_registers(struct guest_vcpu_info *info);

_Static_assert(__builtin_offsetof(struct guest_vcpu_info, heartbeat) == 88, "heartbeat offset");
_Static_assert(__builtin_offsetof(struct guest_vcpu_info, state) == 104, "state offset");
_Static_assert(GUEST_STATE_FAILED == 4, "failed state value");

/* The assembly is laid out by hand. */
// clang-format off
/* value(k) = round * 0x9E3779B97F4A7C15 + k, built in RAX. */
#define PATTERN(k)                                                                                 \
	"mov %r13, %rax\n\t"                                                                       \
	"imul %r14, %rax\n\t"                                                                      \
	"add $" #k ", %rax\n\t"

#define SET_GPR(reg, k) PATTERN(k) "mov %rax, %" #reg "\n\t"
#define CHECK_GPR(reg, k) PATTERN(k) "cmp %rax, %" #reg "\n\tjne 9f\n\t"
/* Both halves: low = value(k), high = value(k + 100). n is stringified into the instruction text
 * ("add $3 + 100"), which the assembler evaluates: C parentheses around it would add nothing. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define SET_XMM(n)                                                                                 \
	PATTERN(n) "mov %rax, -16(%rsp)\n\t" PATTERN(n + 100) "mov %rax, -8(%rsp)\n\t"             \
		   "movdqu -16(%rsp), %xmm" #n "\n\t"
#define CHECK_XMM(n)                                                                               \
	"movdqu %xmm" #n ", -16(%rsp)\n\t" PATTERN(n) "cmp %rax, -16(%rsp)\n\tjne 9f\n\t"          \
		PATTERN(n + 100) "cmp %rax, -8(%rsp)\n\tjne 9f\n\t"
/* NOLINTEND(bugprone-macro-parentheses) */

__asm__(".text\n\t"
	".globl guest_check_registers\n\t"
	"guest_check_registers:\n\t"
	"mov %rdi, %r12\n\t" /* info */
	"mov $1, %r13\n\t"   /* round */
	"movabs $0x9E3779B97F4A7C15, %r14\n\t"
	"1:\n\t"
	/* MXCSR: all exceptions masked, rounding mode from the round; x87 likewise. */
	"mov %r13, %rax\n\t"
	"and $3, %rax\n\t"
	"shl $13, %rax\n\t"
	"or $0x1F80, %rax\n\t"
	"mov %eax, -24(%rsp)\n\t"
	"ldmxcsr -24(%rsp)\n\t"
	"mov %r13, %rax\n\t"
	"and $3, %rax\n\t"
	"shl $10, %rax\n\t"
	"or $0x037F, %rax\n\t"
	"mov %ax, -26(%rsp)\n\t"
	"fldcw -26(%rsp)\n\t"
	SET_XMM(0) SET_XMM(1) SET_XMM(2) SET_XMM(3) SET_XMM(4) SET_XMM(5) SET_XMM(6) SET_XMM(7)
	SET_XMM(8) SET_XMM(9) SET_XMM(10) SET_XMM(11) SET_XMM(12) SET_XMM(13) SET_XMM(14) SET_XMM(15)
	SET_GPR(rbx, 1) SET_GPR(rbp, 2) SET_GPR(rsi, 3) SET_GPR(rdi, 4) SET_GPR(r8, 5) SET_GPR(r9, 6)
	SET_GPR(r10, 7) SET_GPR(r15, 8)
	PATTERN(9) "mov %rax, %rdx\n\t"
	/* The window for an interruption; RCX and R11 are what SYSCALL may clobber, not used. */
	"mov $3000, %ecx\n\t"
	"2:\n\t"
	"pause\n\t"
	"dec %ecx\n\t"
	"jnz 2b\n\t"
	CHECK_GPR(rbx, 1) CHECK_GPR(rbp, 2) CHECK_GPR(rsi, 3) CHECK_GPR(rdi, 4) CHECK_GPR(r8, 5)
	CHECK_GPR(r9, 6) CHECK_GPR(r10, 7) CHECK_GPR(r15, 8) CHECK_GPR(rdx, 9)
	CHECK_XMM(0) CHECK_XMM(1) CHECK_XMM(2) CHECK_XMM(3) CHECK_XMM(4) CHECK_XMM(5) CHECK_XMM(6)
	CHECK_XMM(7) CHECK_XMM(8) CHECK_XMM(9) CHECK_XMM(10) CHECK_XMM(11) CHECK_XMM(12)
	CHECK_XMM(13) CHECK_XMM(14) CHECK_XMM(15)
	"stmxcsr -24(%rsp)\n\t"
	"mov %r13, %rax\n\t"
	"and $3, %rax\n\t"
	"shl $13, %rax\n\t"
	"or $0x1F80, %rax\n\t"
	"cmp %eax, -24(%rsp)\n\t"
	"jne 9f\n\t"
	"fnstcw -26(%rsp)\n\t"
	"mov %r13, %rax\n\t"
	"and $3, %rax\n\t"
	"shl $10, %rax\n\t"
	"or $0x037F, %rax\n\t"
	"cmp %ax, -26(%rsp)\n\t"
	"jne 9f\n\t"
	"mov %r13, 88(%r12)\n\t" /* heartbeat: rounds passed */
	"inc %r13\n\t"
	"jmp 1b\n\t"
	"9:\n\t"
	"movl $4, 104(%r12)\n\t" /* GUEST_STATE_FAILED */
	"3:\n\t"
	"pause\n\t"
	"jmp 3b\n\t");
// clang-format on
