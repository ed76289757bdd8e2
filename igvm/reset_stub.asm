; SPDX-License-Identifier: MIT
;
; Reset stub of the NATIVE platform: one 4 KiB page at 0xFFFFF000 (LAYOUT_RESET_STUB_GPA) whose
; last 16 bytes hold the x86 reset vector. The CPU starts at 0xFFFFFFF0 in 16-bit real mode with
; CS.base 0xFFFF0000; the stub loads its own GDT, enters 32-bit protected mode, enables PAE, loads
; CR3 from the parameter block, sets EFER.LME and EFER.NXE, enables paging, far-jumps to 64-bit
; code and jumps to the 64-bit entry point with RAX = LAYOUT_PLATFORM_NATIVE and interrupts off.
; The page tables must identity-map this page (the image's initial tables map 0-4 GiB).
;
; Parameter block at the start of the page (struct reset_stub_params, include/igvm/reset_stub.h):
;   +0x00  u64 magic    "RSTPARAM" once `igvm build` has patched the block; the stub halts
;                       instead of jumping to an unpatched entry
;   +0x08  u64 entry    64-bit entry address (the SVSM ELF entry)
;   +0x10  u64 cr3      physical address of the PML4, below 4 GiB
;   +0x18  u64 stub_id  "RSTSTUB1", assembled here so the builder can recognise this stub

%include "svsm/layout.h.inc"

PAGE_BASE       equ LAYOUT_RESET_STUB_GPA
REAL_CS_BASE    equ 0xFFFF0000
MSR_EFER        equ 0xC0000080
EFER_LME        equ 1 << 8
EFER_NXE        equ 1 << 11
CR0_PE          equ 1 << 0
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
SEL_CODE32      equ 0x08
SEL_DATA        equ 0x10
SEL_CODE64      equ 0x18

; Addresses of a label: linear (protected mode) and CS-relative (real mode, CS.base 0xFFFF0000).
%define LINEAR(label)   (PAGE_BASE + ((label) - $$))
%define REAL_OFF(label) (PAGE_BASE - REAL_CS_BASE + ((label) - $$))

	bits 16
	org 0

param_magic:	dq 0
param_entry:	dq 0
param_cr3:	dq 0
stub_id:	db "RSTSTUB1"

	align 8
gdt:
	dq 0
	dq 0x00CF9A000000FFFF   ; SEL_CODE32: flat 32-bit code
	dq 0x00CF92000000FFFF   ; SEL_DATA: flat data
	dq 0x00AF9A000000FFFF   ; SEL_CODE64: 64-bit code
gdt_end:
gdtr:
	dw gdt_end - gdt - 1
	dd LINEAR(gdt)

start16:
	cli
	cld
	o32 lgdt [cs:REAL_OFF(gdtr)]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:LINEAR(start32)

	bits 32
start32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	cmp dword [LINEAR(param_magic)], "RSTP"
	jne halt32
	cmp dword [LINEAR(param_magic) + 4], "ARAM"
	jne halt32
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, [LINEAR(param_cr3)]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME | EFER_NXE
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp SEL_CODE64:LINEAR(start64)

halt32:
	hlt
	jmp halt32

	bits 64
start64:
	mov rbx, [rel param_entry]
	mov eax, LAYOUT_PLATFORM_NATIVE  ; zero-extends into RAX
	jmp rbx

	times 0xFF0 - ($ - $$) db 0xF4  ; hlt
	bits 16
reset_vector:
	jmp near start16
	times 0x1000 - ($ - $$) db 0xF4
