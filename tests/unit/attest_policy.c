/* SPDX-License-Identifier: MIT */
/* Migration policy: the page format as hostile input, and every check failing on its own. */
#include <stddef.h>
#include <string.h>

#include "svsm/test.h"

#include "crypto/policy.h"

#define MEASUREMENT_A 0xA1
#define MEASUREMENT_B 0xB2
#define MEASUREMENT_C 0xC3

static void fill_measurement(uint8_t out[SNP_MEASUREMENT_LEN], uint8_t value)
{
	memset(out, value, SNP_MEASUREMENT_LEN);
}

/* A policy every default peer meets: A listed, min TCB 2/0/5/0x40, no downgrade rule. */
static struct migration_policy base_policy(void)
{
	struct migration_policy p;

	memset(&p, 0, sizeof(p));
	p.flags = POLICY_FLAG_NO_TCB_DOWNGRADE;
	p.measurement_count = 1;
	fill_measurement(p.measurements[0], MEASUREMENT_A);
	p.min_tcb = (struct snp_tcb){.bootloader = 2, .tee = 0, .snp = 5, .microcode = 0x40};
	p.guest_policy_required = SNP_POLICY_RESERVED_ONE;
	p.guest_policy_forbidden = SNP_POLICY_SINGLE_SOCKET;
	return p;
}

static struct snp_report report_with(uint8_t measurement, struct snp_tcb tcb)
{
	struct snp_report r;

	memset(&r, 0, sizeof(r));
	r.version = 2;
	r.policy = 0x30000;
	r.signature_algo = SNP_SIGNATURE_ALGO_ECDSA384;
	r.reported_tcb = snp_tcb_encode(tcb);
	fill_measurement(r.measurement, measurement);
	return r;
}

static const struct snp_tcb tcb_base = {.bootloader = 3, .tee = 1, .snp = 8, .microcode = 0x50};

struct scenario {
	struct migration_policy policy;
	struct snp_report peer;
	struct snp_report self;
	struct policy_subject subject;
	struct policy_verdict verdict;
};

static void scenario_init(struct scenario *s)
{
	s->policy = base_policy();
	s->peer = report_with(MEASUREMENT_A, tcb_base);
	s->self = report_with(MEASUREMENT_B, tcb_base);
	s->subject = (struct policy_subject){
	    .peer = &s->peer,
	    .peer_emulated = false,
	    .self = &s->self,
	    .self_role = CRYPTO_ROLE_SOURCE,
	};
}

static enum policy_status evaluate(struct scenario *s)
{
	return policy_evaluate(&s->policy, &s->subject, &s->verdict);
}

TEST(policy, a_peer_meeting_every_rule_passes_every_check)
{
	struct scenario s;

	scenario_init(&s);
	ASSERT_EQ(evaluate(&s), POLICY_OK);
	for (unsigned i = 0; i < POLICY_CHECK_COUNT; i++) {
		EXPECT_EQ(s.verdict.checks[i], POLICY_OK);
		EXPECT_TRUE(s.verdict.applies[i]);
	}
}

TEST(policy, measurement_not_in_the_list_is_rejected)
{
	struct scenario s;

	scenario_init(&s);
	fill_measurement(s.peer.measurement, MEASUREMENT_C);
	EXPECT_EQ(evaluate(&s), POLICY_ERR_MEASUREMENT_NOT_ALLOWED);
	EXPECT_EQ(s.verdict.checks[POLICY_CHECK_MEASUREMENT], POLICY_ERR_MEASUREMENT_NOT_ALLOWED);

	/* The last slot of a longer list counts too. */
	s.policy.measurement_count = 3;
	fill_measurement(s.policy.measurements[1], MEASUREMENT_B);
	fill_measurement(s.policy.measurements[2], MEASUREMENT_C);
	EXPECT_EQ(evaluate(&s), POLICY_OK);
}

TEST(policy, same_measurement_rule_compares_with_our_own_report)
{
	struct scenario s;

	scenario_init(&s);
	s.policy.measurement_count = 0;
	memset(s.policy.measurements, 0, sizeof(s.policy.measurements));
	s.policy.flags |= POLICY_FLAG_SAME_MEASUREMENT;
	fill_measurement(s.self.measurement, MEASUREMENT_A);
	EXPECT_EQ(evaluate(&s), POLICY_OK);

	fill_measurement(s.self.measurement, MEASUREMENT_B);
	EXPECT_EQ(evaluate(&s), POLICY_ERR_MEASUREMENT_NOT_ALLOWED);

	s.policy.flags &= ~POLICY_FLAG_NO_TCB_DOWNGRADE;
	s.subject.self = NULL;
	EXPECT_EQ(evaluate(&s), POLICY_ERR_NEEDS_SELF_REPORT);
}

TEST(policy, each_tcb_component_below_its_minimum_is_rejected)
{
	static const enum policy_status expect[] = {POLICY_ERR_TCB_BOOTLOADER, POLICY_ERR_TCB_TEE,
						    POLICY_ERR_TCB_SNP, POLICY_ERR_TCB_MICROCODE};
	struct scenario s;

	for (unsigned component = 0; component < ARRAY_SIZE(expect); component++) {
		struct snp_tcb low = tcb_base;

		scenario_init(&s);
		s.policy.min_tcb = tcb_base;
		ASSERT_EQ(evaluate(&s), POLICY_OK);
		switch (component) {
		case 0:
			low.bootloader--;
			break;
		case 1:
			low.tee--;
			break;
		case 2:
			low.snp--;
			break;
		default:
			low.microcode--;
			break;
		}
		s.peer.reported_tcb = snp_tcb_encode(low);
		/* Our own TCB must not trip the downgrade rule first: make it the lowest. */
		s.self.reported_tcb = snp_tcb_encode((struct snp_tcb){0, 0, 0, 0});
		EXPECT_EQ(evaluate(&s), expect[component]);
		EXPECT_EQ(s.verdict.checks[POLICY_CHECK_MIN_TCB], expect[component]);
		EXPECT_EQ(s.verdict.checks[POLICY_CHECK_NO_DOWNGRADE], POLICY_OK);
	}
}

TEST(policy, target_below_the_source_is_a_downgrade_in_both_directions)
{
	struct snp_tcb lower = tcb_base;
	struct scenario s;

	lower.microcode--;
	scenario_init(&s);

	/* We are the source; the target (peer) has a lower microcode SPL. */
	s.peer.reported_tcb = snp_tcb_encode(lower);
	EXPECT_EQ(evaluate(&s), POLICY_ERR_TCB_DOWNGRADE);
	EXPECT_EQ(s.verdict.checks[POLICY_CHECK_NO_DOWNGRADE], POLICY_ERR_TCB_DOWNGRADE);

	/* We are the target with the lower TCB; the source (peer) is higher. */
	scenario_init(&s);
	s.subject.self_role = CRYPTO_ROLE_TARGET;
	s.self.reported_tcb = snp_tcb_encode(lower);
	EXPECT_EQ(evaluate(&s), POLICY_ERR_TCB_DOWNGRADE);

	/* Upgrades are fine either way round. */
	scenario_init(&s);
	s.subject.self_role = CRYPTO_ROLE_TARGET;
	s.peer.reported_tcb = snp_tcb_encode(lower);
	EXPECT_EQ(evaluate(&s), POLICY_OK);

	/* Without the rule, only the minimum applies. */
	scenario_init(&s);
	s.peer.reported_tcb = snp_tcb_encode(lower);
	s.policy.flags &= ~POLICY_FLAG_NO_TCB_DOWNGRADE;
	EXPECT_EQ(evaluate(&s), POLICY_OK);
	EXPECT_FALSE(s.verdict.applies[POLICY_CHECK_NO_DOWNGRADE]);

	/* The rule needs our own report. */
	scenario_init(&s);
	s.subject.self = NULL;
	EXPECT_EQ(evaluate(&s), POLICY_ERR_NEEDS_SELF_REPORT);
}

TEST(policy, debug_guest_policy_is_always_rejected)
{
	struct scenario s;

	scenario_init(&s);
	s.policy.guest_policy_forbidden = 0;
	s.peer.policy |= SNP_POLICY_DEBUG;
	EXPECT_EQ(evaluate(&s), POLICY_ERR_DEBUG);
	EXPECT_EQ(s.verdict.checks[POLICY_CHECK_DEBUG], POLICY_ERR_DEBUG);
}

TEST(policy, required_and_forbidden_guest_policy_bits)
{
	struct scenario s;

	scenario_init(&s);
	s.peer.policy &= ~SNP_POLICY_RESERVED_ONE;
	EXPECT_EQ(evaluate(&s), POLICY_ERR_GUEST_POLICY_REQUIRED);

	scenario_init(&s);
	s.peer.policy |= SNP_POLICY_SINGLE_SOCKET;
	EXPECT_EQ(evaluate(&s), POLICY_ERR_GUEST_POLICY_FORBIDDEN);
}

TEST(policy, vmpl_other_than_zero_is_rejected)
{
	struct scenario s;

	for (uint32_t vmpl = 1; vmpl <= 3; vmpl++) {
		scenario_init(&s);
		s.peer.vmpl = vmpl;
		EXPECT_EQ(evaluate(&s), POLICY_ERR_VMPL);
	}
}

TEST(policy, emulated_peer_needs_the_allow_emulated_flag)
{
	struct scenario s;

	scenario_init(&s);
	s.subject.peer_emulated = true;
	EXPECT_EQ(evaluate(&s), POLICY_ERR_EMULATED_NOT_ALLOWED);
	s.policy.flags |= POLICY_FLAG_ALLOW_EMULATED;
	EXPECT_EQ(evaluate(&s), POLICY_OK);
}

TEST(policy, verdict_lists_every_failing_check_and_reports_the_first)
{
	struct scenario s;

	scenario_init(&s);
	s.peer.vmpl = 2;
	fill_measurement(s.peer.measurement, MEASUREMENT_C);
	EXPECT_EQ(evaluate(&s), POLICY_ERR_VMPL);
	EXPECT_EQ(s.verdict.checks[POLICY_CHECK_VMPL], POLICY_ERR_VMPL);
	EXPECT_EQ(s.verdict.checks[POLICY_CHECK_MEASUREMENT], POLICY_ERR_MEASUREMENT_NOT_ALLOWED);
	EXPECT_EQ(s.verdict.checks[POLICY_CHECK_DEBUG], POLICY_OK);
}

/* --- The page ------------------------------------------------------------------------------- */

static uint8_t page[POLICY_SIZE] __attribute__((aligned(8)));

static void encode_base(void)
{
	struct migration_policy p = base_policy();

	p.flags |= POLICY_FLAG_ALLOW_EMULATED;
	if (policy_encode(&p, page) != POLICY_OK) {
		test_fail_at(__FILE__, __LINE__, "base policy does not encode");
	}
}

TEST(policy_page, encode_then_parse_round_trips)
{
	struct migration_policy in = base_policy();
	struct migration_policy out;

	in.measurement_count = POLICY_MAX_MEASUREMENTS;
	for (unsigned i = 0; i < POLICY_MAX_MEASUREMENTS; i++) {
		fill_measurement(in.measurements[i], (uint8_t)i);
	}
	ASSERT_EQ(policy_encode(&in, page), POLICY_OK);
	EXPECT_MEMEQ(page, POLICY_MAGIC, 8);
	EXPECT_EQ(page[offsetof(struct policy_page, version)], POLICY_VERSION);
	ASSERT_EQ(policy_parse(page, sizeof(page), &out), POLICY_OK);
	EXPECT_EQ(out.flags, in.flags);
	EXPECT_EQ(out.measurement_count, in.measurement_count);
	EXPECT_EQ(out.min_tcb.bootloader, 2);
	EXPECT_EQ(out.min_tcb.snp, 5);
	EXPECT_EQ(out.min_tcb.microcode, 0x40);
	EXPECT_EQ(out.guest_policy_required, in.guest_policy_required);
	EXPECT_EQ(out.guest_policy_forbidden, in.guest_policy_forbidden);
	EXPECT_MEMEQ(out.measurements, in.measurements, sizeof(in.measurements));
}

static void put_u32(size_t offset, uint32_t value)
{
	memcpy(page + offset, &value, sizeof(value));
}

TEST(policy_page, bad_magic_version_size_and_length_are_rejected)
{
	struct migration_policy out;

	encode_base();
	page[3] ^= 0x20;
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_MAGIC);
	EXPECT_EQ(out.measurement_count, 0u);

	encode_base();
	put_u32(offsetof(struct policy_page, version), 2);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_VERSION);
	put_u32(offsetof(struct policy_page, version), 0);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_VERSION);

	encode_base();
	put_u32(offsetof(struct policy_page, size), POLICY_SIZE - 1);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_SIZE);

	encode_base();
	EXPECT_EQ(policy_parse(page, sizeof(page) - 1, &out), POLICY_ERR_SIZE);
	EXPECT_EQ(policy_parse(page, 0, &out), POLICY_ERR_SIZE);
}

TEST(policy_page, measurement_count_above_the_maximum_is_rejected)
{
	struct migration_policy out;

	encode_base();
	put_u32(offsetof(struct policy_page, measurement_count), POLICY_MAX_MEASUREMENTS + 1);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_COUNT);
	put_u32(offsetof(struct policy_page, measurement_count), 0xFFFFFFFFu);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_COUNT);
}

TEST(policy_page, every_reserved_byte_must_be_zero)
{
	struct migration_policy out;
	size_t unused_slot = offsetof(struct policy_page, measurements) + SNP_MEASUREMENT_LEN;
	const size_t ranges[][2] = {
	    {offsetof(struct policy_page, reserved_1c), 4},
	    {offsetof(struct policy_page, reserved_30), 0x50},
	    {unused_slot, (size_t)(POLICY_MAX_MEASUREMENTS - 1) * SNP_MEASUREMENT_LEN},
	    {offsetof(struct policy_page, reserved_c80), POLICY_SIZE - 0xC80},
	};
	unsigned accepted = 0;

	for (size_t r = 0; r < ARRAY_SIZE(ranges); r++) {
		for (size_t off = ranges[r][0]; off < ranges[r][0] + ranges[r][1]; off++) {
			encode_base();
			page[off] = 0x01;
			if (policy_parse(page, sizeof(page), &out) != POLICY_ERR_RESERVED) {
				test_fail_at(__FILE__, __LINE__, "reserved byte 0x%zx not refused",
					     off);
				accepted++;
			}
		}
	}
	EXPECT_EQ(accepted, 0u);
}

TEST(policy_page, unknown_flags_conflicting_masks_and_empty_rules_are_rejected)
{
	struct migration_policy p = base_policy();
	struct migration_policy out;

	encode_base();
	put_u32(offsetof(struct policy_page, flags), POLICY_FLAGS_KNOWN + 1);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_FLAGS);

	p.guest_policy_forbidden |= SNP_POLICY_RESERVED_ONE;
	EXPECT_EQ(policy_encode(&p, page), POLICY_ERR_MASKS);
	p = base_policy();
	p.guest_policy_required |= SNP_POLICY_DEBUG;
	EXPECT_EQ(policy_encode(&p, page), POLICY_ERR_MASKS);

	/* The same conflicts written into a page by hand. */
	encode_base();
	page[offsetof(struct policy_page, guest_policy_required) + 2] |= 0x08; /* bit 19 */
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_MASKS);

	p = base_policy();
	p.measurement_count = 0;
	memset(p.measurements, 0, sizeof(p.measurements));
	EXPECT_EQ(policy_encode(&p, page), POLICY_ERR_NO_MEASUREMENT_RULE);
	p.flags |= POLICY_FLAG_SAME_MEASUREMENT;
	EXPECT_EQ(policy_encode(&p, page), POLICY_OK);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_OK);
	put_u32(offsetof(struct policy_page, flags), POLICY_FLAG_NO_TCB_DOWNGRADE);
	EXPECT_EQ(policy_parse(page, sizeof(page), &out), POLICY_ERR_NO_MEASUREMENT_RULE);
}

TEST(policy_page, status_strings_and_check_names_are_distinct)
{
	for (int a = 0; a < POLICY_STATUS_COUNT; a++) {
		EXPECT_NE(strcmp(policy_status_str((enum policy_status)a), "unknown policy_status"),
			  0);
		for (int b = a + 1; b < POLICY_STATUS_COUNT; b++) {
			EXPECT_NE(strcmp(policy_status_str((enum policy_status)a),
					 policy_status_str((enum policy_status)b)),
				  0);
		}
	}
	for (int a = 0; a < POLICY_CHECK_COUNT; a++) {
		for (int b = a + 1; b < POLICY_CHECK_COUNT; b++) {
			EXPECT_NE(strcmp(policy_check_name((enum policy_check)a),
					 policy_check_name((enum policy_check)b)),
				  0);
		}
	}
}

/* Hostile input: random pages, and random pages that carry a valid header, never parse as a
 * policy that allows anything by accident (and never crash under the sanitizers). */
TEST(policy_page, random_pages_are_rejected)
{
	struct migration_policy out;
	uint32_t x = 0xC0FFEE;
	unsigned accepted = 0;

	for (unsigned round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(page); i++) {
			x = x * 1103515245u + 12345u;
			page[i] = (uint8_t)(x >> 16);
		}
		if (round % 2 == 1) {
			memcpy(page, POLICY_MAGIC, sizeof(((struct policy_page *)NULL)->magic));
			put_u32(offsetof(struct policy_page, version), POLICY_VERSION);
			put_u32(offsetof(struct policy_page, size), POLICY_SIZE);
		}
		if (policy_parse(page, sizeof(page), &out) == POLICY_OK) {
			accepted++;
		}
		EXPECT_EQ(out.measurement_count, 0u);
	}
	EXPECT_EQ(accepted, 0u);
}
