; SPDX-License-Identifier: MIT
; Trap entry and exit. Every entry (exception, interrupt, SYSCALL) builds the same
; struct trap_frame (svsm/arch/x86/trap.h) on the kernel stack and calls trap_dispatch().

bits 64
default rel

%define FRAME_CS        144
%define PERCPU_KSTACK   8
%define PERCPU_USER_RSP 16
%define SEL_USER_DATA   0x1B
%define SEL_USER_CODE   0x23
%define VEC_SYSCALL     0x100

extern trap_dispatch

section .text

%macro PUSH_GPRS 0
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
%endmacro

%macro POP_GPRS 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
%endmacro

; Vectors that push an error code: 8, 10-14, 17, 21, 29, 30.
%macro ISR_STUB 1
isr_stub_%1:
%if (%1 == 8) || ((%1 >= 10) && (%1 <= 14)) || (%1 == 17) || (%1 == 21) || (%1 == 29) || (%1 == 30)
%else
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign i 0
%rep 256
ISR_STUB i
%assign i i+1
%endrep

isr_common:
	PUSH_GPRS
	test qword [rsp + FRAME_CS], 3
	jz .from_kernel
	swapgs
.from_kernel:
	cld
	mov rdi, rsp
	call trap_dispatch
	jmp trap_return

; SYSCALL from the ring-3 guest: RCX = return RIP, R11 = RFLAGS, RSP = guest stack. SFMASK has
; cleared IF, so nothing can interrupt us before the kernel stack is in place.
global syscall_entry
syscall_entry:
	swapgs
	mov [gs:PERCPU_USER_RSP], rsp
	mov rsp, [gs:PERCPU_KSTACK]
	push SEL_USER_DATA
	push qword [gs:PERCPU_USER_RSP]
	push r11
	push SEL_USER_CODE
	push rcx
	push 0
	push VEC_SYSCALL
	PUSH_GPRS
	cld
	mov rdi, rsp
	call trap_dispatch
	; fall through

trap_return:
	test qword [rsp + FRAME_CS], 3
	jz .to_kernel
	swapgs
.to_kernel:
	POP_GPRS
	add rsp, 16
	iretq

; void trap_return_to(struct trap_frame *frame)
global trap_return_to
trap_return_to:
	mov rsp, rdi
	jmp trap_return

; void call_on_stack(uintptr_t stack_top, void (*fn)(void *), void *arg)
global call_on_stack
call_on_stack:
	mov rsp, rdi
	xor ebp, ebp
	mov rdi, rdx
	call rsi
	ud2

section .rodata
align 8
global isr_stub_table
isr_stub_table:
%assign i 0
%rep 256
	dq isr_stub_ %+ i
%assign i i+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
