/* SPDX-License-Identifier: MIT */
/*
 * The SEV-ES/SNP VM save area (AMD APM vol. 2, table B-4): one 4 KiB page, encrypted and
 * integrity protected by the hardware. The IGVM SEV_SNP VP context is exactly this page.
 */
#ifndef SNP_VMSA_H
#define SNP_VMSA_H

#include "svsm/types.h"

/* A segment register in VMCB format. attrib: bits 0-7 type/S/DPL/P, bits 8-11 AVL/L/DB/G. */
struct vmsa_segment {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};
ABI_SIZE(struct vmsa_segment, 16);
ABI_OFFSET(struct vmsa_segment, selector, 0);
ABI_OFFSET(struct vmsa_segment, attrib, 2);
ABI_OFFSET(struct vmsa_segment, limit, 4);
ABI_OFFSET(struct vmsa_segment, base, 8);

#define VMSA_ATTRIB_CODE64 0xA9BU /* present, DPL 0, execute/read accessed, L, G */
#define VMSA_ATTRIB_DATA   0xC93U /* present, DPL 0, read/write accessed, DB, G */
#define VMSA_ATTRIB_LDT	   0x082U /* present LDT (reset state) */
#define VMSA_ATTRIB_TSS	   0x08BU /* present busy TSS (reset state) */

/* sev_features bits. */
#define SEV_FEAT_SNP		     (1ULL << 0)
#define SEV_FEAT_VTOM		     (1ULL << 1)
#define SEV_FEAT_REFLECT_VC	     (1ULL << 2)
#define SEV_FEAT_RESTRICT_INJECTION  (1ULL << 3)
#define SEV_FEAT_ALTERNATE_INJECTION (1ULL << 4)
#define SEV_FEAT_DEBUG_SWAP	     (1ULL << 5)
#define SEV_FEAT_PREVENT_HOST_IBS    (1ULL << 6)
#define SEV_FEAT_BTB_ISOLATION	     (1ULL << 7)
#define SEV_FEAT_VMPL_SSS	     (1ULL << 8)
#define SEV_FEAT_SECURE_TSC	     (1ULL << 9)
#define SEV_FEAT_VMSA_REG_PROT	     (1ULL << 14)
#define SEV_FEAT_SMT_PROT	     (1ULL << 15)

struct sev_vmsa {
	struct vmsa_segment es;
	struct vmsa_segment cs;
	struct vmsa_segment ss;
	struct vmsa_segment ds;
	struct vmsa_segment fs;
	struct vmsa_segment gs;
	struct vmsa_segment gdtr;
	struct vmsa_segment ldtr;
	struct vmsa_segment idtr;
	struct vmsa_segment tr;
	uint64_t pl0_ssp;
	uint64_t pl1_ssp;
	uint64_t pl2_ssp;
	uint64_t pl3_ssp;
	uint64_t u_cet;
	uint8_t reserved_0c8[2];
	uint8_t vmpl;
	uint8_t cpl;
	uint8_t reserved_0cc[4];
	uint64_t efer;
	uint8_t reserved_0d8[104];
	uint64_t xss;
	uint64_t cr4;
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip;
	uint64_t dr0;
	uint64_t dr1;
	uint64_t dr2;
	uint64_t dr3;
	uint64_t dr0_addr_mask;
	uint64_t dr1_addr_mask;
	uint64_t dr2_addr_mask;
	uint64_t dr3_addr_mask;
	uint8_t reserved_1c0[24];
	uint64_t rsp;
	uint64_t s_cet;
	uint64_t ssp;
	uint64_t isst_addr;
	uint64_t rax;
	uint64_t star;
	uint64_t lstar;
	uint64_t cstar;
	uint64_t sfmask;
	uint64_t kernel_gs_base;
	uint64_t sysenter_cs;
	uint64_t sysenter_esp;
	uint64_t sysenter_eip;
	uint64_t cr2;
	uint8_t reserved_248[32];
	uint64_t g_pat;
	uint64_t dbgctl;
	uint64_t br_from;
	uint64_t br_to;
	uint64_t last_excp_from;
	uint64_t last_excp_to;
	uint8_t reserved_298[72];
	uint64_t spec_ctrl;
	uint32_t pkru;
	uint32_t tsc_aux;
	uint64_t tsc_scale;
	uint64_t tsc_offset;
	uint8_t reserved_300[8];
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rbx;
	uint64_t reserved_320;
	uint64_t rbp;
	uint64_t rsi;
	uint64_t rdi;
	uint64_t r8;
	uint64_t r9;
	uint64_t r10;
	uint64_t r11;
	uint64_t r12;
	uint64_t r13;
	uint64_t r14;
	uint64_t r15;
	uint8_t reserved_380[16];
	uint64_t exit_info1;
	uint64_t exit_info2;
	uint64_t exit_int_info;
	uint64_t next_rip;
	uint64_t sev_features;
	uint64_t v_intr_cntrl;
	uint64_t guest_exit_code;
	uint64_t virtual_tom;
	uint64_t tlb_id;
	uint64_t pcpu_id;
	uint64_t event_inject;
	uint64_t xcr0;
	uint8_t reserved_3f0[16];
	uint64_t x87_dp;
	uint32_t mxcsr;
	uint16_t x87_ftw;
	uint16_t x87_fsw;
	uint16_t x87_fcw;
	uint16_t x87_fop;
	uint16_t x87_ds;
	uint16_t x87_cs;
	uint64_t x87_rip;
	uint8_t x87_regs[80];
	uint8_t xmm_regs[256];
	uint8_t ymm_hi_regs[256];
	uint8_t padding[2448];
};
ABI_SIZE(struct sev_vmsa, 4096);
ABI_OFFSET(struct sev_vmsa, es, 0x000);
ABI_OFFSET(struct sev_vmsa, cs, 0x010);
ABI_OFFSET(struct sev_vmsa, ss, 0x020);
ABI_OFFSET(struct sev_vmsa, ds, 0x030);
ABI_OFFSET(struct sev_vmsa, fs, 0x040);
ABI_OFFSET(struct sev_vmsa, gs, 0x050);
ABI_OFFSET(struct sev_vmsa, gdtr, 0x060);
ABI_OFFSET(struct sev_vmsa, ldtr, 0x070);
ABI_OFFSET(struct sev_vmsa, idtr, 0x080);
ABI_OFFSET(struct sev_vmsa, tr, 0x090);
ABI_OFFSET(struct sev_vmsa, pl0_ssp, 0x0A0);
ABI_OFFSET(struct sev_vmsa, pl1_ssp, 0x0A8);
ABI_OFFSET(struct sev_vmsa, pl2_ssp, 0x0B0);
ABI_OFFSET(struct sev_vmsa, pl3_ssp, 0x0B8);
ABI_OFFSET(struct sev_vmsa, u_cet, 0x0C0);
ABI_OFFSET(struct sev_vmsa, reserved_0c8, 0x0C8);
ABI_OFFSET(struct sev_vmsa, vmpl, 0x0CA);
ABI_OFFSET(struct sev_vmsa, cpl, 0x0CB);
ABI_OFFSET(struct sev_vmsa, reserved_0cc, 0x0CC);
ABI_OFFSET(struct sev_vmsa, efer, 0x0D0);
ABI_OFFSET(struct sev_vmsa, reserved_0d8, 0x0D8);
ABI_OFFSET(struct sev_vmsa, xss, 0x140);
ABI_OFFSET(struct sev_vmsa, cr4, 0x148);
ABI_OFFSET(struct sev_vmsa, cr3, 0x150);
ABI_OFFSET(struct sev_vmsa, cr0, 0x158);
ABI_OFFSET(struct sev_vmsa, dr7, 0x160);
ABI_OFFSET(struct sev_vmsa, dr6, 0x168);
ABI_OFFSET(struct sev_vmsa, rflags, 0x170);
ABI_OFFSET(struct sev_vmsa, rip, 0x178);
ABI_OFFSET(struct sev_vmsa, dr0, 0x180);
ABI_OFFSET(struct sev_vmsa, dr1, 0x188);
ABI_OFFSET(struct sev_vmsa, dr2, 0x190);
ABI_OFFSET(struct sev_vmsa, dr3, 0x198);
ABI_OFFSET(struct sev_vmsa, dr0_addr_mask, 0x1A0);
ABI_OFFSET(struct sev_vmsa, dr1_addr_mask, 0x1A8);
ABI_OFFSET(struct sev_vmsa, dr2_addr_mask, 0x1B0);
ABI_OFFSET(struct sev_vmsa, dr3_addr_mask, 0x1B8);
ABI_OFFSET(struct sev_vmsa, reserved_1c0, 0x1C0);
ABI_OFFSET(struct sev_vmsa, rsp, 0x1D8);
ABI_OFFSET(struct sev_vmsa, s_cet, 0x1E0);
ABI_OFFSET(struct sev_vmsa, ssp, 0x1E8);
ABI_OFFSET(struct sev_vmsa, isst_addr, 0x1F0);
ABI_OFFSET(struct sev_vmsa, rax, 0x1F8);
ABI_OFFSET(struct sev_vmsa, star, 0x200);
ABI_OFFSET(struct sev_vmsa, lstar, 0x208);
ABI_OFFSET(struct sev_vmsa, cstar, 0x210);
ABI_OFFSET(struct sev_vmsa, sfmask, 0x218);
ABI_OFFSET(struct sev_vmsa, kernel_gs_base, 0x220);
ABI_OFFSET(struct sev_vmsa, sysenter_cs, 0x228);
ABI_OFFSET(struct sev_vmsa, sysenter_esp, 0x230);
ABI_OFFSET(struct sev_vmsa, sysenter_eip, 0x238);
ABI_OFFSET(struct sev_vmsa, cr2, 0x240);
ABI_OFFSET(struct sev_vmsa, reserved_248, 0x248);
ABI_OFFSET(struct sev_vmsa, g_pat, 0x268);
ABI_OFFSET(struct sev_vmsa, dbgctl, 0x270);
ABI_OFFSET(struct sev_vmsa, br_from, 0x278);
ABI_OFFSET(struct sev_vmsa, br_to, 0x280);
ABI_OFFSET(struct sev_vmsa, last_excp_from, 0x288);
ABI_OFFSET(struct sev_vmsa, last_excp_to, 0x290);
ABI_OFFSET(struct sev_vmsa, reserved_298, 0x298);
ABI_OFFSET(struct sev_vmsa, spec_ctrl, 0x2E0);
ABI_OFFSET(struct sev_vmsa, pkru, 0x2E8);
ABI_OFFSET(struct sev_vmsa, tsc_aux, 0x2EC);
ABI_OFFSET(struct sev_vmsa, tsc_scale, 0x2F0);
ABI_OFFSET(struct sev_vmsa, tsc_offset, 0x2F8);
ABI_OFFSET(struct sev_vmsa, reserved_300, 0x300);
ABI_OFFSET(struct sev_vmsa, rcx, 0x308);
ABI_OFFSET(struct sev_vmsa, rdx, 0x310);
ABI_OFFSET(struct sev_vmsa, rbx, 0x318);
ABI_OFFSET(struct sev_vmsa, reserved_320, 0x320);
ABI_OFFSET(struct sev_vmsa, rbp, 0x328);
ABI_OFFSET(struct sev_vmsa, rsi, 0x330);
ABI_OFFSET(struct sev_vmsa, rdi, 0x338);
ABI_OFFSET(struct sev_vmsa, r8, 0x340);
ABI_OFFSET(struct sev_vmsa, r9, 0x348);
ABI_OFFSET(struct sev_vmsa, r10, 0x350);
ABI_OFFSET(struct sev_vmsa, r11, 0x358);
ABI_OFFSET(struct sev_vmsa, r12, 0x360);
ABI_OFFSET(struct sev_vmsa, r13, 0x368);
ABI_OFFSET(struct sev_vmsa, r14, 0x370);
ABI_OFFSET(struct sev_vmsa, r15, 0x378);
ABI_OFFSET(struct sev_vmsa, reserved_380, 0x380);
ABI_OFFSET(struct sev_vmsa, exit_info1, 0x390);
ABI_OFFSET(struct sev_vmsa, exit_info2, 0x398);
ABI_OFFSET(struct sev_vmsa, exit_int_info, 0x3A0);
ABI_OFFSET(struct sev_vmsa, next_rip, 0x3A8);
ABI_OFFSET(struct sev_vmsa, sev_features, 0x3B0);
ABI_OFFSET(struct sev_vmsa, v_intr_cntrl, 0x3B8);
ABI_OFFSET(struct sev_vmsa, guest_exit_code, 0x3C0);
ABI_OFFSET(struct sev_vmsa, virtual_tom, 0x3C8);
ABI_OFFSET(struct sev_vmsa, tlb_id, 0x3D0);
ABI_OFFSET(struct sev_vmsa, pcpu_id, 0x3D8);
ABI_OFFSET(struct sev_vmsa, event_inject, 0x3E0);
ABI_OFFSET(struct sev_vmsa, xcr0, 0x3E8);
ABI_OFFSET(struct sev_vmsa, reserved_3f0, 0x3F0);
ABI_OFFSET(struct sev_vmsa, x87_dp, 0x400);
ABI_OFFSET(struct sev_vmsa, mxcsr, 0x408);
ABI_OFFSET(struct sev_vmsa, x87_ftw, 0x40C);
ABI_OFFSET(struct sev_vmsa, x87_fsw, 0x40E);
ABI_OFFSET(struct sev_vmsa, x87_fcw, 0x410);
ABI_OFFSET(struct sev_vmsa, x87_fop, 0x412);
ABI_OFFSET(struct sev_vmsa, x87_ds, 0x414);
ABI_OFFSET(struct sev_vmsa, x87_cs, 0x416);
ABI_OFFSET(struct sev_vmsa, x87_rip, 0x418);
ABI_OFFSET(struct sev_vmsa, x87_regs, 0x420);
ABI_OFFSET(struct sev_vmsa, xmm_regs, 0x470);
ABI_OFFSET(struct sev_vmsa, ymm_hi_regs, 0x570);
ABI_OFFSET(struct sev_vmsa, padding, 0x670);

#endif
