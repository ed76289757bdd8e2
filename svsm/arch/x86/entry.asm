; SPDX-License-Identifier: MIT
; SVSM entry points. The boot CPU arrives in 64-bit mode from the reset stub (NATIVE) or its
; VMSA (SEV-SNP) with RAX = platform type, CR3 = the initial identity page tables, interrupts
; off and no usable stack. Application processors start in real mode at the SIPI trampoline.

bits 64
default rel

%include "svsm/layout.h.inc"

extern svsm_main
extern ap_main

section .text
global svsm_entry
svsm_entry:
	cli
	cld
	lea rsp, [boot_stack_top]
	xor ebp, ebp
	mov edi, eax
	call svsm_main
.halt:
	hlt
	jmp .halt

; --- AP start-up trampoline --------------------------------------------------------------
; Copied to LAYOUT_AP_TRAMPOLINE_GPA by the boot CPU before the APs get their SIPI. The
; parameters live in the separate page AP_PARAMS (writable, not executable).
%define TRAMP(x) (LAYOUT_AP_TRAMPOLINE_GPA + (x) - ap_trampoline_start)
%define AP_PARAMS (LAYOUT_AP_TRAMPOLINE_GPA + 0x1000)
%define AP_PARAM_CR3   (AP_PARAMS + 0)
%define AP_PARAM_STACK (AP_PARAMS + 8)
%define AP_PARAM_ENTRY (AP_PARAMS + 16)
%define AP_PARAM_INDEX (AP_PARAMS + 24)

global ap_trampoline_start
global ap_trampoline_end
bits 16
ap_trampoline_start:
	cli
	cld
	xor ax, ax
	mov ds, ax
	lgdt [TRAMP(tramp_gdt_ptr)]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp dword 0x08:TRAMP(tramp_pm32)

bits 32
tramp_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, (1 << 5) | (1 << 9) | (1 << 10)	; PAE, OSFXSR, OSXMMEXCPT
	mov cr4, eax
	mov eax, [AP_PARAM_CR3]
	mov cr3, eax
	mov ecx, 0xC0000080
	rdmsr
	or eax, (1 << 8) | (1 << 11) | (1 << 0)	; LME, NXE, SCE
	wrmsr
	mov eax, cr0
	or eax, 0x80010023			; PG, WP, NE, MP, PE
	mov cr0, eax
	jmp 0x18:TRAMP(tramp_lm64)

bits 64
tramp_lm64:
	xor eax, eax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [abs AP_PARAM_STACK]
	mov edi, [abs AP_PARAM_INDEX]
	mov rax, [abs AP_PARAM_ENTRY]
	call rax
	ud2

align 8
tramp_gdt:
	dq 0
	dq 0x00CF9A000000FFFF	; 0x08: 32-bit code
	dq 0x00CF92000000FFFF	; 0x10: data
	dq 0x00AF9A000000FFFF	; 0x18: 64-bit code
tramp_gdt_ptr:
	dw 4 * 8 - 1
	dd TRAMP(tramp_gdt)
ap_trampoline_end:

section .bss
align 16
boot_stack:
	resb 32768
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
