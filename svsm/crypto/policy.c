/* SPDX-License-Identifier: MIT */
/* Migration policy: parse the measured policy page, and evaluate a verified peer report. */
#include "policy.h"

#include <string.h>

/* A message split over two lines is parenthesized: one string, not a missing comma. */
static const char *const status_strings[] = {
    [POLICY_OK] = "ok",
    [POLICY_ERR_SIZE] = "policy is not exactly one 4096-byte page",
    [POLICY_ERR_MAGIC] = "policy magic is not \"SVSMMPOL\"",
    [POLICY_ERR_VERSION] = "unsupported policy version",
    [POLICY_ERR_FLAGS] = "policy sets unknown flag bits",
    [POLICY_ERR_COUNT] = "policy measurement count is above the maximum",
    [POLICY_ERR_RESERVED] = "a reserved policy field (or unused measurement slot) is not zero",
    [POLICY_ERR_MASKS] =
	("policy guest-policy masks conflict (a bit both required and forbidden, or "
	 "debug required)"),
    [POLICY_ERR_NO_MEASUREMENT_RULE] =
	"policy allows no measurement (empty list and no same-measurement rule)",
    [POLICY_ERR_EMULATED_NOT_ALLOWED] =
	("peer report comes from the emulated PSP (proves nothing) and the policy does not "
	 "allow emulated reports"),
    [POLICY_ERR_VMPL] = "peer report was not requested at VMPL0",
    [POLICY_ERR_DEBUG] = "peer guest policy allows debugging",
    [POLICY_ERR_GUEST_POLICY_REQUIRED] = "peer guest policy lacks a bit the policy requires",
    [POLICY_ERR_GUEST_POLICY_FORBIDDEN] = "peer guest policy sets a bit the policy forbids",
    [POLICY_ERR_MEASUREMENT_NOT_ALLOWED] = "peer measurement is not allowed by the policy",
    [POLICY_ERR_TCB_BOOTLOADER] = "peer bootloader SPL is below the policy minimum",
    [POLICY_ERR_TCB_TEE] = "peer TEE SPL is below the policy minimum",
    [POLICY_ERR_TCB_SNP] = "peer SNP firmware SPL is below the policy minimum",
    [POLICY_ERR_TCB_MICROCODE] = "peer microcode SPL is below the policy minimum",
    [POLICY_ERR_TCB_DOWNGRADE] = "target TCB is below the source's (migration would downgrade)",
    [POLICY_ERR_NEEDS_SELF_REPORT] = "check needs our own report, and none was given",
};

const char *policy_status_str(enum policy_status status)
{
	if ((size_t)status >= ARRAY_SIZE(status_strings) || status_strings[status] == NULL) {
		return "unknown policy_status";
	}
	return status_strings[status];
}

static const char *const check_names[POLICY_CHECK_COUNT] = {
    [POLICY_CHECK_EMULATED] = "emulated_allowed",
    [POLICY_CHECK_VMPL] = "vmpl0",
    [POLICY_CHECK_DEBUG] = "debug_disabled",
    [POLICY_CHECK_GUEST_POLICY] = "guest_policy_masks",
    [POLICY_CHECK_MEASUREMENT] = "measurement_allowed",
    [POLICY_CHECK_MIN_TCB] = "minimum_tcb",
    [POLICY_CHECK_NO_DOWNGRADE] = "no_tcb_downgrade",
};

const char *policy_check_name(enum policy_check check)
{
	if ((size_t)check >= POLICY_CHECK_COUNT) {
		return "unknown";
	}
	return check_names[check];
}

/* --- Page format -------------------------------------------------------------------------- */

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *bytes = p;

	for (size_t i = 0; i < len; i++) {
		if (bytes[i] != 0) {
			return false;
		}
	}
	return true;
}

static enum policy_status check_rules(const struct migration_policy *p)
{
	if ((p->flags & ~POLICY_FLAGS_KNOWN) != 0) {
		return POLICY_ERR_FLAGS;
	}
	if (p->measurement_count > POLICY_MAX_MEASUREMENTS) {
		return POLICY_ERR_COUNT;
	}
	if ((p->guest_policy_required & p->guest_policy_forbidden) != 0 ||
	    (p->guest_policy_required & SNP_POLICY_DEBUG) != 0) {
		return POLICY_ERR_MASKS;
	}
	if (p->measurement_count == 0 && (p->flags & POLICY_FLAG_SAME_MEASUREMENT) == 0) {
		return POLICY_ERR_NO_MEASUREMENT_RULE;
	}
	return POLICY_OK;
}

static enum policy_status check_header(const struct policy_page *page)
{
	if (memcmp(page->magic, POLICY_MAGIC, sizeof(page->magic)) != 0) {
		return POLICY_ERR_MAGIC;
	}
	if (page->version != POLICY_VERSION) {
		return POLICY_ERR_VERSION;
	}
	if (page->size != POLICY_SIZE) {
		return POLICY_ERR_SIZE;
	}
	return POLICY_OK;
}

static bool reserved_zero(const struct policy_page *page)
{
	size_t used = page->measurement_count * sizeof(page->measurements[0]);

	return page->reserved_1c == 0 && all_zero(page->reserved_30, sizeof(page->reserved_30)) &&
	       all_zero((const uint8_t *)page->measurements + used,
			sizeof(page->measurements) - used) &&
	       all_zero(page->reserved_c80, sizeof(page->reserved_c80));
}

static void page_to_policy(const struct policy_page *page, struct migration_policy *out)
{
	out->flags = page->flags;
	out->measurement_count = page->measurement_count;
	out->min_tcb = (struct snp_tcb){
	    .bootloader = page->min_bootloader,
	    .tee = page->min_tee,
	    .snp = page->min_snp,
	    .microcode = page->min_microcode,
	};
	out->guest_policy_required = page->guest_policy_required;
	out->guest_policy_forbidden = page->guest_policy_forbidden;
	memcpy(out->measurements, page->measurements, sizeof(out->measurements));
}

/* The page is a private copy: static, because it is too large for the SVSM's stacks. */
#if defined(SVSM_HOSTED)
static __thread struct policy_page page_copy;
#else
static struct policy_page page_copy;
#endif

enum policy_status policy_parse(const void *buf, size_t len, struct migration_policy *out)
{
	enum policy_status status;

	memset(out, 0, sizeof(*out));
	if (len != POLICY_SIZE) {
		return POLICY_ERR_SIZE;
	}
	memcpy(&page_copy, buf, sizeof(page_copy));
	status = check_header(&page_copy);
	if (status == POLICY_OK && page_copy.measurement_count > POLICY_MAX_MEASUREMENTS) {
		status = POLICY_ERR_COUNT;
	}
	if (status == POLICY_OK && !reserved_zero(&page_copy)) {
		status = POLICY_ERR_RESERVED;
	}
	if (status == POLICY_OK) {
		page_to_policy(&page_copy, out);
		status = check_rules(out);
	}
	if (status != POLICY_OK) {
		memset(out, 0, sizeof(*out));
	}
	return status;
}

enum policy_status policy_encode(const struct migration_policy *policy, uint8_t page[POLICY_SIZE])
{
	struct policy_page *out = (struct policy_page *)page;
	enum policy_status status = check_rules(policy);

	memset(page, 0, POLICY_SIZE);
	if (status != POLICY_OK) {
		return status;
	}
	memcpy(out->magic, POLICY_MAGIC, sizeof(out->magic));
	out->version = POLICY_VERSION;
	out->size = POLICY_SIZE;
	out->flags = policy->flags;
	out->measurement_count = policy->measurement_count;
	out->min_bootloader = policy->min_tcb.bootloader;
	out->min_tee = policy->min_tcb.tee;
	out->min_snp = policy->min_tcb.snp;
	out->min_microcode = policy->min_tcb.microcode;
	out->guest_policy_required = policy->guest_policy_required;
	out->guest_policy_forbidden = policy->guest_policy_forbidden;
	memcpy(out->measurements, policy->measurements,
	       policy->measurement_count * sizeof(out->measurements[0]));
	return POLICY_OK;
}

/* --- Evaluation --------------------------------------------------------------------------- */

static enum policy_status check_guest_policy(const struct migration_policy *policy,
					     uint64_t guest_policy)
{
	if ((guest_policy & policy->guest_policy_required) != policy->guest_policy_required) {
		return POLICY_ERR_GUEST_POLICY_REQUIRED;
	}
	if ((guest_policy & policy->guest_policy_forbidden) != 0) {
		return POLICY_ERR_GUEST_POLICY_FORBIDDEN;
	}
	return POLICY_OK;
}

static bool measurement_listed(const struct migration_policy *policy, const uint8_t *measurement)
{
	for (uint32_t i = 0; i < policy->measurement_count; i++) {
		if (memcmp(policy->measurements[i], measurement, SNP_MEASUREMENT_LEN) == 0) {
			return true;
		}
	}
	return false;
}

static enum policy_status check_measurement(const struct migration_policy *policy,
					    const struct policy_subject *subject)
{
	if (measurement_listed(policy, subject->peer->measurement)) {
		return POLICY_OK;
	}
	if ((policy->flags & POLICY_FLAG_SAME_MEASUREMENT) == 0) {
		return POLICY_ERR_MEASUREMENT_NOT_ALLOWED;
	}
	if (subject->self == NULL) {
		return POLICY_ERR_NEEDS_SELF_REPORT;
	}
	if (memcmp(subject->self->measurement, subject->peer->measurement, SNP_MEASUREMENT_LEN) !=
	    0) {
		return POLICY_ERR_MEASUREMENT_NOT_ALLOWED;
	}
	return POLICY_OK;
}

static enum policy_status check_min_tcb(const struct migration_policy *policy,
					uint64_t reported_tcb)
{
	struct snp_tcb tcb = snp_tcb_decode(reported_tcb);

	if (tcb.bootloader < policy->min_tcb.bootloader) {
		return POLICY_ERR_TCB_BOOTLOADER;
	}
	if (tcb.tee < policy->min_tcb.tee) {
		return POLICY_ERR_TCB_TEE;
	}
	if (tcb.snp < policy->min_tcb.snp) {
		return POLICY_ERR_TCB_SNP;
	}
	if (tcb.microcode < policy->min_tcb.microcode) {
		return POLICY_ERR_TCB_MICROCODE;
	}
	return POLICY_OK;
}

static bool tcb_at_least(struct snp_tcb tcb, struct snp_tcb floor)
{
	return tcb.bootloader >= floor.bootloader && tcb.tee >= floor.tee && tcb.snp >= floor.snp &&
	       tcb.microcode >= floor.microcode;
}

/* REPORTED_TCB is what the VCEK certifies, so that is the value compared. */
static enum policy_status check_no_downgrade(const struct policy_subject *subject)
{
	struct snp_tcb peer;
	struct snp_tcb self;
	bool ok;

	if (subject->self == NULL) {
		return POLICY_ERR_NEEDS_SELF_REPORT;
	}
	peer = snp_tcb_decode(subject->peer->reported_tcb);
	self = snp_tcb_decode(subject->self->reported_tcb);
	ok = subject->self_role == CRYPTO_ROLE_SOURCE ? tcb_at_least(peer, self)
						      : tcb_at_least(self, peer);
	return ok ? POLICY_OK : POLICY_ERR_TCB_DOWNGRADE;
}

static void run_checks(const struct migration_policy *policy, const struct policy_subject *subject,
		       struct policy_verdict *v)
{
	const struct snp_report *peer = subject->peer;
	bool emulated_allowed = (policy->flags & POLICY_FLAG_ALLOW_EMULATED) != 0;

	v->checks[POLICY_CHECK_EMULATED] = subject->peer_emulated && !emulated_allowed
					       ? POLICY_ERR_EMULATED_NOT_ALLOWED
					       : POLICY_OK;
	v->checks[POLICY_CHECK_VMPL] = peer->vmpl == 0 ? POLICY_OK : POLICY_ERR_VMPL;
	v->checks[POLICY_CHECK_DEBUG] =
	    (peer->policy & SNP_POLICY_DEBUG) == 0 ? POLICY_OK : POLICY_ERR_DEBUG;
	v->checks[POLICY_CHECK_GUEST_POLICY] = check_guest_policy(policy, peer->policy);
	v->checks[POLICY_CHECK_MEASUREMENT] = check_measurement(policy, subject);
	v->checks[POLICY_CHECK_MIN_TCB] = check_min_tcb(policy, peer->reported_tcb);
	v->applies[POLICY_CHECK_NO_DOWNGRADE] = (policy->flags & POLICY_FLAG_NO_TCB_DOWNGRADE) != 0;
	v->checks[POLICY_CHECK_NO_DOWNGRADE] =
	    v->applies[POLICY_CHECK_NO_DOWNGRADE] ? check_no_downgrade(subject) : POLICY_OK;
}

enum policy_status policy_evaluate(const struct migration_policy *policy,
				   const struct policy_subject *subject,
				   struct policy_verdict *verdict)
{
	memset(verdict, 0, sizeof(*verdict));
	for (unsigned i = 0; i < POLICY_CHECK_COUNT; i++) {
		verdict->applies[i] = true;
	}
	run_checks(policy, subject, verdict);
	verdict->result = POLICY_OK;
	for (unsigned i = 0; i < POLICY_CHECK_COUNT; i++) {
		if (verdict->checks[i] != POLICY_OK) {
			verdict->result = verdict->checks[i];
			break;
		}
	}
	return verdict->result;
}
