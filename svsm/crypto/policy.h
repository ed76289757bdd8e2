/* SPDX-License-Identifier: MIT */
/*
 * Migration policy: which peer a migration may talk to. The policy is one measured 4 KiB page of
 * the IGVM image (LAYOUT_POLICY_GPA), so the launch digest covers it. Binary format, semantics
 * and the deployment flow are in docs/policy.md. The parser treats the page as hostile input.
 */
#ifndef SVSM_CRYPTO_POLICY_H
#define SVSM_CRYPTO_POLICY_H

#include "crypto.h"
#include "snp/report.h"

#define POLICY_SIZE		4096U
#define POLICY_MAGIC		"SVSMMPOL" /* 8 bytes, no terminator in the page */
#define POLICY_VERSION		1U
#define POLICY_MAX_MEASUREMENTS 64U

/* flags */
#define POLICY_FLAG_ALLOW_EMULATED (1U << 0) /* test images only: accept the emulated PSP */
#define POLICY_FLAG_SAME_MEASUREMENT                                                               \
	(1U << 1) /* "self": peer MEASUREMENT == our own is allowed                                \
		   */
#define POLICY_FLAG_NO_TCB_DOWNGRADE                                                               \
	(1U << 2) /* target REPORTED_TCB >= source's, per component                                \
		   */
#define POLICY_FLAGS_KNOWN                                                                         \
	(POLICY_FLAG_ALLOW_EMULATED | POLICY_FLAG_SAME_MEASUREMENT | POLICY_FLAG_NO_TCB_DOWNGRADE)

/* The page as it sits in the image; all integers little-endian. */
struct policy_page {
	uint8_t magic[8];
	uint32_t version;
	uint32_t size; /* POLICY_SIZE */
	uint32_t flags;
	uint32_t measurement_count;
	uint8_t min_bootloader;
	uint8_t min_tee;
	uint8_t min_snp;
	uint8_t min_microcode;
	uint32_t reserved_1c;
	uint64_t guest_policy_required;	 /* bits that must be set in the peer's POLICY */
	uint64_t guest_policy_forbidden; /* bits that must be clear (DEBUG always is) */
	uint8_t reserved_30[0x50];
	uint8_t measurements[POLICY_MAX_MEASUREMENTS][SNP_MEASUREMENT_LEN];
	uint8_t reserved_c80[POLICY_SIZE - 0xC80];
};
ABI_SIZE(struct policy_page, POLICY_SIZE);
ABI_OFFSET(struct policy_page, magic, 0x00);
ABI_OFFSET(struct policy_page, version, 0x08);
ABI_OFFSET(struct policy_page, size, 0x0C);
ABI_OFFSET(struct policy_page, flags, 0x10);
ABI_OFFSET(struct policy_page, measurement_count, 0x14);
ABI_OFFSET(struct policy_page, min_bootloader, 0x18);
ABI_OFFSET(struct policy_page, min_tee, 0x19);
ABI_OFFSET(struct policy_page, min_snp, 0x1A);
ABI_OFFSET(struct policy_page, min_microcode, 0x1B);
ABI_OFFSET(struct policy_page, reserved_1c, 0x1C);
ABI_OFFSET(struct policy_page, guest_policy_required, 0x20);
ABI_OFFSET(struct policy_page, guest_policy_forbidden, 0x28);
ABI_OFFSET(struct policy_page, reserved_30, 0x30);
ABI_OFFSET(struct policy_page, measurements, 0x80);
ABI_OFFSET(struct policy_page, reserved_c80, 0xC80);

enum policy_status {
	POLICY_OK = 0,
	/* Malformed policy. */
	POLICY_ERR_SIZE,
	POLICY_ERR_MAGIC,
	POLICY_ERR_VERSION,
	POLICY_ERR_FLAGS,
	POLICY_ERR_COUNT,
	POLICY_ERR_RESERVED,
	POLICY_ERR_MASKS,
	POLICY_ERR_NO_MEASUREMENT_RULE,
	/* The peer does not meet the policy. */
	POLICY_ERR_EMULATED_NOT_ALLOWED,
	POLICY_ERR_VMPL,
	POLICY_ERR_DEBUG,
	POLICY_ERR_GUEST_POLICY_REQUIRED,
	POLICY_ERR_GUEST_POLICY_FORBIDDEN,
	POLICY_ERR_MEASUREMENT_NOT_ALLOWED,
	POLICY_ERR_TCB_BOOTLOADER,
	POLICY_ERR_TCB_TEE,
	POLICY_ERR_TCB_SNP,
	POLICY_ERR_TCB_MICROCODE,
	POLICY_ERR_TCB_DOWNGRADE,
	POLICY_ERR_NEEDS_SELF_REPORT,
	POLICY_STATUS_COUNT,
};

const char *policy_status_str(enum policy_status status);

/* A parsed, validated policy. */
struct migration_policy {
	uint32_t flags;
	uint32_t measurement_count;
	struct snp_tcb min_tcb;
	uint64_t guest_policy_required;
	uint64_t guest_policy_forbidden;
	uint8_t measurements[POLICY_MAX_MEASUREMENTS][SNP_MEASUREMENT_LEN];
};

/* Copies the page in and validates every field; out is zeroed on failure. */
enum policy_status policy_parse(const void *buf, size_t len, struct migration_policy *out);
/* Validates policy and writes its page; fails with the same codes as policy_parse(). */
enum policy_status policy_encode(const struct migration_policy *policy, uint8_t page[POLICY_SIZE]);

enum policy_check {
	POLICY_CHECK_EMULATED,
	POLICY_CHECK_VMPL,
	POLICY_CHECK_DEBUG,
	POLICY_CHECK_GUEST_POLICY,
	POLICY_CHECK_MEASUREMENT,
	POLICY_CHECK_MIN_TCB,
	POLICY_CHECK_NO_DOWNGRADE,
	POLICY_CHECK_COUNT,
};

const char *policy_check_name(enum policy_check check);

/* What the policy is evaluated against. self may be NULL (host tools): checks that need it then
 * fail with POLICY_ERR_NEEDS_SELF_REPORT unless the policy does not use them. */
struct policy_subject {
	const struct snp_report *peer; /* verified */
	bool peer_emulated;
	const struct snp_report *self; /* our own report, or NULL */
	enum crypto_role self_role;    /* decides the direction of the downgrade rule */
};

struct policy_verdict {
	enum policy_status result; /* the first failure in enum policy_check order, or POLICY_OK */
	enum policy_status checks[POLICY_CHECK_COUNT];
	bool applies[POLICY_CHECK_COUNT]; /* false: the policy does not ask for this check */
};

/* Evaluates every check (so that tools can show all of them); returns verdict->result. */
enum policy_status policy_evaluate(const struct migration_policy *policy,
				   const struct policy_subject *subject,
				   struct policy_verdict *verdict);

#endif
