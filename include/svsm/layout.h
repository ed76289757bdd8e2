/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical layout of an svsm-migrate image. Shared by the IGVM builder (which places pages
 * here) and the SVSM (which relies on it). The memory map in the parameter area says how much RAM
 * exists; everything below SVSM_REGION_END belongs to the SVSM, everything above it that the
 * memory map calls RAM is guest memory.
 *
 *   0x0000_8000  AP start-up trampoline (SIPI vector 0x08), written by the SVSM at boot
 *   0x0000_9000  AP start-up parameters (CR3, stack, entry, CPU index)
 *   0x0001_0000  initial page tables (PML4, PDPT, 4 PDs: identity map of 0-4 GiB, 2 MiB pages)
 *   0x0006_0000  IGVM parameter area: general page (VP count, environment info)
 *   0x0006_1000  IGVM parameter area: memory map page
 *   0x0006_2000  SNP secrets page (SEV_SNP platform only)
 *   0x0006_3000  SNP CPUID page (SEV_SNP platform only)
 *   0x0006_4000  migration policy (measured data; see docs/policy.md)
 *   0x0006_5000  emulated-PSP launch digest (qemu platform only; written by the loader, unmeasured)
 *   0x0010_0000  SVSM image (ELF PT_LOAD segments at their physical addresses)
 *   0x0200_0000  MigrationPage region (control page + channel rings, shared with the host; 16 MiB)
 *   0x0400_0000  end of the SVSM region; guest memory starts here
 *   0x0400_0000  guest payload image (prevalidated, like firmware pages on SNP)
 *   0xFFFF_F000  16-bit reset stub (NATIVE platform only)
 *   0xFFFF_FFFF_F000  VMSA of the boot CPU (SEV_SNP platform only)
 */
#ifndef SVSM_LAYOUT_H
#define SVSM_LAYOUT_H

#define LAYOUT_AP_TRAMPOLINE_GPA   0x8000ULL
#define LAYOUT_AP_PARAMS_GPA	   0x9000ULL
#define LAYOUT_INIT_PT_GPA	   0x10000ULL
#define LAYOUT_INIT_PT_PAGES	   6ULL
#define LAYOUT_PARAM_GENERAL_GPA   0x60000ULL
#define LAYOUT_PARAM_MEMMAP_GPA	   0x61000ULL
#define LAYOUT_SECRETS_GPA	   0x62000ULL
#define LAYOUT_CPUID_GPA	   0x63000ULL
#define LAYOUT_POLICY_GPA	   0x64000ULL
#define LAYOUT_POLICY_PAGES	   1ULL
#define LAYOUT_EMU_MEASUREMENT_GPA 0x65000ULL
#define LAYOUT_SVSM_IMAGE_GPA	   0x100000ULL
#define LAYOUT_MIGRATION_GPA	   0x2000000ULL
#define LAYOUT_MIGRATION_MAX	   0x1000000ULL
#define LAYOUT_SVSM_REGION_END	   0x4000000ULL
#define LAYOUT_GUEST_PAYLOAD_GPA   0x4000000ULL
#define LAYOUT_GUEST_PAYLOAD_MAX   0x100000ULL
#define LAYOUT_RESET_STUB_GPA	   0xFFFFF000ULL
#define LAYOUT_SNP_VMSA_GPA	   0xFFFFFFFFF000ULL

/* IGVM parameter-area indices and byte offsets (the loader fills them; the SVSM distrusts them). */
#define LAYOUT_PARAM_AREA_GENERAL 0U
#define LAYOUT_PARAM_AREA_MEMMAP  1U
#define LAYOUT_PARAM_VP_COUNT_OFF 0U
#define LAYOUT_PARAM_ENV_INFO_OFF 4U

/* Platform type passed in RAX to the SVSM entry point by the reset stub or the VMSA. */
#define LAYOUT_PLATFORM_NATIVE 0U
#define LAYOUT_PLATFORM_SNP    1U

/* Fixed limits of the SVSM. */
#define SVSM_MAX_CPUS 16U

#endif
