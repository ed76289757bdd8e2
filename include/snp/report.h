/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP ATTESTATION_REPORT (SNP firmware ABI 56860, table "ATTESTATION_REPORT Structure"),
 * 0x4A0 bytes, all integers little-endian. Fields reserved in older report versions are named
 * after their newest meaning; parsers must check the version before trusting them.
 */
#ifndef SNP_REPORT_H
#define SNP_REPORT_H

#include "svsm/types.h"

#define SNP_REPORT_SIZE		    0x4A0U
#define SNP_REPORT_SIGNED_LEN	    0x2A0U /* the signature covers bytes 0x000-0x29F */
#define SNP_REPORT_DATA_LEN	    64U
#define SNP_MEASUREMENT_LEN	    48U
#define SNP_CHIP_ID_LEN		    64U
#define SNP_SIG_COMPONENT_LEN	    72U /* R and S: little-endian, zero-extended */
#define SNP_SIG_SCALAR_LEN	    48U /* only the low 48 bytes of R and S are significant */
#define SNP_REPORT_MIN_VERSION	    2U
#define SNP_SIGNATURE_ALGO_ECDSA384 1U

/* POLICY bits (guest policy chosen at SNP_LAUNCH_START). */
#define SNP_POLICY_ABI_MINOR_MASK  0xFFULL
#define SNP_POLICY_ABI_MAJOR_SHIFT 8
#define SNP_POLICY_SMT		   (1ULL << 16)
#define SNP_POLICY_RESERVED_ONE	   (1ULL << 17) /* must be one */
#define SNP_POLICY_MIGRATE_MA	   (1ULL << 18)
#define SNP_POLICY_DEBUG	   (1ULL << 19)
#define SNP_POLICY_SINGLE_SOCKET   (1ULL << 20)

/* KEY_INFO bits. */
#define SNP_KEY_INFO_AUTHOR_KEY_EN (1U << 0)
#define SNP_KEY_INFO_MASK_CHIP_KEY (1U << 1)
#define SNP_KEY_INFO_SIGNING_SHIFT 2
#define SNP_KEY_INFO_SIGNING_MASK  (7U << SNP_KEY_INFO_SIGNING_SHIFT)
#define SNP_SIGNING_KEY_VCEK	   0U
#define SNP_SIGNING_KEY_VLEK	   1U
#define SNP_SIGNING_KEY_NONE	   7U

/* PLATFORM_INFO bits. */
#define SNP_PLATFORM_SMT_EN  (1ULL << 0)
#define SNP_PLATFORM_TSME_EN (1ULL << 1)

/* Firmware version as three bytes: build, minor, major (in that order), then one reserved byte. */
struct snp_fw_version {
	uint8_t build;
	uint8_t minor;
	uint8_t major;
	uint8_t reserved;
};
ABI_SIZE(struct snp_fw_version, 4);
ABI_OFFSET(struct snp_fw_version, build, 0);
ABI_OFFSET(struct snp_fw_version, minor, 1);
ABI_OFFSET(struct snp_fw_version, major, 2);
ABI_OFFSET(struct snp_fw_version, reserved, 3);

struct snp_signature {
	uint8_t r[SNP_SIG_COMPONENT_LEN];
	uint8_t s[SNP_SIG_COMPONENT_LEN];
	uint8_t reserved[368];
};
ABI_SIZE(struct snp_signature, 512);
ABI_OFFSET(struct snp_signature, r, 0x00);
ABI_OFFSET(struct snp_signature, s, 0x48);
ABI_OFFSET(struct snp_signature, reserved, 0x90);

struct snp_report {
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t vmpl;
	uint32_t signature_algo;
	uint64_t current_tcb;
	uint64_t platform_info;
	uint32_t key_info;
	uint32_t reserved_04c;
	uint8_t report_data[SNP_REPORT_DATA_LEN];
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t host_data[32];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48];
	uint8_t report_id[32];
	uint8_t report_id_ma[32];
	uint64_t reported_tcb;
	uint8_t cpuid_fam_id; /* version 3+; reserved in version 2 */
	uint8_t cpuid_mod_id; /* version 3+ */
	uint8_t cpuid_step;   /* version 3+ */
	uint8_t reserved_18b[21];
	uint8_t chip_id[SNP_CHIP_ID_LEN];
	uint64_t committed_tcb;
	struct snp_fw_version current_version;
	struct snp_fw_version committed_version;
	uint64_t launch_tcb;
	uint64_t launch_mit_vector;  /* version 5+; reserved before */
	uint64_t current_mit_vector; /* version 5+ */
	uint8_t reserved_208[0x98];
	struct snp_signature signature;
};
ABI_SIZE(struct snp_report, SNP_REPORT_SIZE);
ABI_OFFSET(struct snp_report, version, 0x000);
ABI_OFFSET(struct snp_report, guest_svn, 0x004);
ABI_OFFSET(struct snp_report, policy, 0x008);
ABI_OFFSET(struct snp_report, family_id, 0x010);
ABI_OFFSET(struct snp_report, image_id, 0x020);
ABI_OFFSET(struct snp_report, vmpl, 0x030);
ABI_OFFSET(struct snp_report, signature_algo, 0x034);
ABI_OFFSET(struct snp_report, current_tcb, 0x038);
ABI_OFFSET(struct snp_report, platform_info, 0x040);
ABI_OFFSET(struct snp_report, key_info, 0x048);
ABI_OFFSET(struct snp_report, reserved_04c, 0x04C);
ABI_OFFSET(struct snp_report, report_data, 0x050);
ABI_OFFSET(struct snp_report, measurement, 0x090);
ABI_OFFSET(struct snp_report, host_data, 0x0C0);
ABI_OFFSET(struct snp_report, id_key_digest, 0x0E0);
ABI_OFFSET(struct snp_report, author_key_digest, 0x110);
ABI_OFFSET(struct snp_report, report_id, 0x140);
ABI_OFFSET(struct snp_report, report_id_ma, 0x160);
ABI_OFFSET(struct snp_report, reported_tcb, 0x180);
ABI_OFFSET(struct snp_report, cpuid_fam_id, 0x188);
ABI_OFFSET(struct snp_report, cpuid_mod_id, 0x189);
ABI_OFFSET(struct snp_report, cpuid_step, 0x18A);
ABI_OFFSET(struct snp_report, reserved_18b, 0x18B);
ABI_OFFSET(struct snp_report, chip_id, 0x1A0);
ABI_OFFSET(struct snp_report, committed_tcb, 0x1E0);
ABI_OFFSET(struct snp_report, current_version, 0x1E8);
ABI_OFFSET(struct snp_report, committed_version, 0x1EC);
ABI_OFFSET(struct snp_report, launch_tcb, 0x1F0);
ABI_OFFSET(struct snp_report, launch_mit_vector, 0x1F8);
ABI_OFFSET(struct snp_report, current_mit_vector, 0x200);
ABI_OFFSET(struct snp_report, reserved_208, 0x208);
ABI_OFFSET(struct snp_report, signature, 0x2A0);

/*
 * TCB_VERSION on Milan and Genoa: byte 0 BOOT_LOADER, 1 TEE, 2-5 reserved, 6 SNP, 7 MICROCODE.
 * (Turin moves the fields; this code supports the Milan/Genoa layout only.)
 */
struct snp_tcb {
	uint8_t bootloader;
	uint8_t tee;
	uint8_t snp;
	uint8_t microcode;
};

#define SNP_TCB_BOOTLOADER_BYTE 0
#define SNP_TCB_TEE_BYTE	1
#define SNP_TCB_SNP_BYTE	6
#define SNP_TCB_MICROCODE_BYTE	7

static inline uint8_t snp_tcb_byte(uint64_t tcb_version, unsigned byte)
{
	return (uint8_t)(tcb_version >> (8 * byte));
}

static inline struct snp_tcb snp_tcb_decode(uint64_t tcb_version)
{
	return (struct snp_tcb){
	    .bootloader = snp_tcb_byte(tcb_version, SNP_TCB_BOOTLOADER_BYTE),
	    .tee = snp_tcb_byte(tcb_version, SNP_TCB_TEE_BYTE),
	    .snp = snp_tcb_byte(tcb_version, SNP_TCB_SNP_BYTE),
	    .microcode = snp_tcb_byte(tcb_version, SNP_TCB_MICROCODE_BYTE),
	};
}

static inline uint64_t snp_tcb_encode(struct snp_tcb tcb)
{
	return ((uint64_t)tcb.bootloader << (8 * SNP_TCB_BOOTLOADER_BYTE)) |
	       ((uint64_t)tcb.tee << (8 * SNP_TCB_TEE_BYTE)) |
	       ((uint64_t)tcb.snp << (8 * SNP_TCB_SNP_BYTE)) |
	       ((uint64_t)tcb.microcode << (8 * SNP_TCB_MICROCODE_BYTE));
}

/* Bytes 2-5 are reserved in the Milan/Genoa layout. */
static inline bool snp_tcb_reserved_zero(uint64_t tcb_version)
{
	return (tcb_version & 0x0000FFFFFFFF0000ULL) == 0;
}

static inline unsigned snp_key_info_signing_key(uint32_t key_info)
{
	return (key_info & SNP_KEY_INFO_SIGNING_MASK) >> SNP_KEY_INFO_SIGNING_SHIFT;
}

#endif
