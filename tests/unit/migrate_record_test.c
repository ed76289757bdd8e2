/* SPDX-License-Identifier: MIT */
/*
 * Record encoding and strict decoding. Valid headers are built here by a small CBOR writer of the
 * tests' own (independent of record.c and of libcbor's encoder), which can also swap any one
 * value for other bytes; the decoder must accept exactly the records the stream format allows.
 * Platform-free.
 */
#include <string.h>

#include "svsm/migrate/record.h"
#include "svsm/migrate_stream.h"
#include "svsm/plat.h"
#include "svsm/test.h"

#define TEST_BUF_MAX (MIG_RECORD_MAX + 64)

static uint8_t nonce_bytes[MIG_NONCE_LEN];
static uint8_t report_bytes[MIG_REPORT_LEN];
static uint8_t vcek_bytes[700];
static uint8_t chain_bytes[300];
static uint8_t pubkey_bytes[MIG_PUBKEY_LEN];
static uint8_t confirm_bytes[MIG_CONFIRM_LEN];
static uint8_t digest_bytes[MIG_MAX_CHANNELS][MIG_DIGEST_LEN];
static uint8_t hash_bytes[MIG_COMMIT_HASH_LEN];

static uint8_t wire[TEST_BUF_MAX];
static uint8_t encoded[TEST_BUF_MAX];

static void fill_pattern(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++) {
		p[i] = (uint8_t)(seed + i * 13u);
	}
}

static void init_bytes(void)
{
	fill_pattern(nonce_bytes, sizeof(nonce_bytes), 1);
	fill_pattern(report_bytes, sizeof(report_bytes), 2);
	fill_pattern(vcek_bytes, sizeof(vcek_bytes), 3);
	fill_pattern(chain_bytes, sizeof(chain_bytes), 4);
	fill_pattern(pubkey_bytes, sizeof(pubkey_bytes), 5);
	fill_pattern(confirm_bytes, sizeof(confirm_bytes), 6);
	fill_pattern(&digest_bytes[0][0], sizeof(digest_bytes), 7);
	fill_pattern(hash_bytes, sizeof(hash_bytes), 8);
}

/* A valid record of each type, with values that need more than one CBOR byte here and there. */
static struct mig_record valid_record(enum mig_record_type type)
{
	struct mig_record rec;

	init_bytes();
	memset(&rec, 0, sizeof(rec));
	rec.type = type;
	rec.channel = 0;
	rec.seq = 0x1234;
	switch (type) {
	case MIG_REC_HELLO:
		rec.version_count = 2;
		rec.versions[0] = 1;
		rec.versions[1] = 70000;
		rec.caps = 0x8000000000000001ULL;
		rec.nonce = nonce_bytes;
		rec.channels = 4;
		rec.role = CRYPTO_ROLE_TARGET;
		break;
	case MIG_REC_ATTEST:
		rec.role = CRYPTO_ROLE_SOURCE;
		rec.report = report_bytes;
		rec.vcek = (struct mig_bytes){vcek_bytes, sizeof(vcek_bytes)};
		rec.chain = (struct mig_bytes){chain_bytes, sizeof(chain_bytes)};
		rec.pubkey = pubkey_bytes;
		break;
	case MIG_REC_KEYCONFIRM:
		rec.confirm = confirm_bytes;
		break;
	case MIG_REC_PAGES:
		rec.channel = 3;
		rec.round = 2;
		rec.gpa_count = 3;
		rec.gpas[0] = gpa_init(0x4000000);
		rec.gpas[1] = gpa_init(0);
		rec.gpas[2] = gpa_init(0xFFFFFFFFF000ULL);
		rec.kinds[0] = MIG_PAGE_DATA;
		rec.kinds[1] = MIG_PAGE_ZERO;
		rec.kinds[2] = MIG_PAGE_DATA;
		break;
	case MIG_REC_VCPU:
		rec.channel = 1;
		rec.round = 7;
		rec.vcpu = SVSM_MAX_CPUS - 1;
		break;
	case MIG_REC_ROUND_END:
		rec.channel = 7;
		rec.round = 300;
		rec.count = 0x100000000ULL;
		break;
	case MIG_REC_COMMIT:
		rec.commit_channels = 3;
		for (uint32_t i = 0; i < 3; i++) {
			rec.last_seqs[i] = 1000ULL * i;
			rec.digests[i] = digest_bytes[i];
		}
		rec.pages = 123456;
		rec.vcpus = 4;
		break;
	case MIG_REC_ACK:
	case MIG_REC_GO:
		rec.commit_hash = hash_bytes;
		break;
	case MIG_REC_ABORT:
		rec.reason = MIG_ERR_HOST_ABORT;
		break;
	case MIG_REC_ROUND_ACK:
		rec.round = 41;
		break;
	}
	return rec;
}

/* --- The tests' own CBOR writer ----------------------------------------------------------- */

struct hb {
	uint8_t buf[20000];
	size_t len;
};

static void hb_raw(struct hb *b, const void *p, size_t n)
{
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void hb_byte(struct hb *b, uint8_t v)
{
	b->buf[b->len++] = v;
}

/* Shortest head for major type major and argument v. */
static void hb_head(struct hb *b, uint8_t major, uint64_t v)
{
	uint8_t m = (uint8_t)(major << 5);

	if (v < 24) {
		hb_byte(b, m | (uint8_t)v);
	} else if (v <= 0xFF) {
		hb_byte(b, m | 24);
		hb_byte(b, (uint8_t)v);
	} else if (v <= 0xFFFF) {
		hb_byte(b, m | 25);
		for (int s = 8; s >= 0; s -= 8) {
			hb_byte(b, (uint8_t)(v >> s));
		}
	} else if (v <= 0xFFFFFFFFULL) {
		hb_byte(b, m | 26);
		for (int s = 24; s >= 0; s -= 8) {
			hb_byte(b, (uint8_t)(v >> s));
		}
	} else {
		hb_byte(b, m | 27);
		for (int s = 56; s >= 0; s -= 8) {
			hb_byte(b, (uint8_t)(v >> s));
		}
	}
}

static void hb_uint(struct hb *b, uint64_t v)
{
	hb_head(b, 0, v);
}

static void hb_bstr(struct hb *b, const uint8_t *p, size_t n)
{
	hb_head(b, 2, n);
	hb_raw(b, p, n);
}

static void hb_array(struct hb *b, uint64_t n)
{
	hb_head(b, 4, n);
}

static void hb_map(struct hb *b, uint64_t n)
{
	hb_head(b, 5, n);
}

/* The keys of each type in ascending order, as migrate_stream.h lists them. */
static const uint8_t keys_hello[] = {1, 2, 3, 16, 17, 18, 19, 20};
static const uint8_t keys_attest[] = {1, 2, 3, 20, 21, 22, 23, 24};
static const uint8_t keys_keyconfirm[] = {1, 2, 3, 25};
static const uint8_t keys_pages[] = {1, 2, 3, 4, 5, 6};
static const uint8_t keys_vcpu[] = {1, 2, 3, 4, 7};
static const uint8_t keys_round_end[] = {1, 2, 3, 4, 8};
static const uint8_t keys_commit[] = {1, 2, 3, 32, 33, 34, 35};
static const uint8_t keys_hash[] = {1, 2, 3, 36};
static const uint8_t keys_abort[] = {1, 2, 3, 37};
static const uint8_t keys_round_ack[] = {1, 2, 3, 4};

struct key_list {
	const uint8_t *keys;
	size_t count;
};

static struct key_list keys_of(enum mig_record_type type)
{
	switch (type) {
	case MIG_REC_HELLO:
		return (struct key_list){keys_hello, sizeof(keys_hello)};
	case MIG_REC_ATTEST:
		return (struct key_list){keys_attest, sizeof(keys_attest)};
	case MIG_REC_KEYCONFIRM:
		return (struct key_list){keys_keyconfirm, sizeof(keys_keyconfirm)};
	case MIG_REC_PAGES:
		return (struct key_list){keys_pages, sizeof(keys_pages)};
	case MIG_REC_VCPU:
		return (struct key_list){keys_vcpu, sizeof(keys_vcpu)};
	case MIG_REC_ROUND_END:
		return (struct key_list){keys_round_end, sizeof(keys_round_end)};
	case MIG_REC_COMMIT:
		return (struct key_list){keys_commit, sizeof(keys_commit)};
	case MIG_REC_ACK:
	case MIG_REC_GO:
		return (struct key_list){keys_hash, sizeof(keys_hash)};
	case MIG_REC_ABORT:
		return (struct key_list){keys_abort, sizeof(keys_abort)};
	case MIG_REC_ROUND_ACK:
		return (struct key_list){keys_round_ack, sizeof(keys_round_ack)};
	}
	return (struct key_list){NULL, 0};
}

enum shape { SHAPE_UINT, SHAPE_BSTR, SHAPE_UINT_ARRAY, SHAPE_BSTR_ARRAY };

static enum shape shape_of(uint8_t key)
{
	switch (key) {
	case MIG_KEY_GPAS:
	case MIG_KEY_VERSIONS:
	case MIG_KEY_LAST_SEQS:
		return SHAPE_UINT_ARRAY;
	case MIG_KEY_DIGESTS:
		return SHAPE_BSTR_ARRAY;
	case MIG_KEY_KINDS:
	case MIG_KEY_NONCE:
	case MIG_KEY_REPORT:
	case MIG_KEY_VCEK:
	case MIG_KEY_CHAIN:
	case MIG_KEY_PUBKEY:
	case MIG_KEY_CONFIRM:
	case MIG_KEY_COMMIT_HASH:
		return SHAPE_BSTR;
	default:
		return SHAPE_UINT;
	}
}

static void hb_value(struct hb *b, const struct mig_record *rec, uint8_t key)
{
	switch (key) {
	case MIG_KEY_TYPE:
		hb_uint(b, rec->type);
		break;
	case MIG_KEY_CHANNEL:
		hb_uint(b, rec->channel);
		break;
	case MIG_KEY_SEQ:
		hb_uint(b, rec->seq);
		break;
	case MIG_KEY_ROUND:
		hb_uint(b, rec->round);
		break;
	case MIG_KEY_GPAS:
		hb_array(b, rec->gpa_count);
		for (uint32_t i = 0; i < rec->gpa_count; i++) {
			hb_uint(b, gpa_addr(rec->gpas[i]));
		}
		break;
	case MIG_KEY_KINDS:
		hb_bstr(b, rec->kinds, rec->gpa_count);
		break;
	case MIG_KEY_VCPU:
		hb_uint(b, rec->vcpu);
		break;
	case MIG_KEY_COUNT:
		hb_uint(b, rec->count);
		break;
	case MIG_KEY_VERSIONS:
		hb_array(b, rec->version_count);
		for (uint32_t i = 0; i < rec->version_count; i++) {
			hb_uint(b, rec->versions[i]);
		}
		break;
	case MIG_KEY_CAPS:
		hb_uint(b, rec->caps);
		break;
	case MIG_KEY_NONCE:
		hb_bstr(b, rec->nonce, MIG_NONCE_LEN);
		break;
	case MIG_KEY_CHANNELS:
		hb_uint(b, rec->channels);
		break;
	case MIG_KEY_ROLE:
		hb_uint(b, rec->role);
		break;
	case MIG_KEY_REPORT:
		hb_bstr(b, rec->report, MIG_REPORT_LEN);
		break;
	case MIG_KEY_VCEK:
		hb_bstr(b, rec->vcek.data, rec->vcek.len);
		break;
	case MIG_KEY_CHAIN:
		hb_bstr(b, rec->chain.data, rec->chain.len);
		break;
	case MIG_KEY_PUBKEY:
		hb_bstr(b, rec->pubkey, MIG_PUBKEY_LEN);
		break;
	case MIG_KEY_CONFIRM:
		hb_bstr(b, rec->confirm, MIG_CONFIRM_LEN);
		break;
	case MIG_KEY_LAST_SEQS:
		hb_array(b, rec->commit_channels);
		for (uint32_t i = 0; i < rec->commit_channels; i++) {
			hb_uint(b, rec->last_seqs[i]);
		}
		break;
	case MIG_KEY_DIGESTS:
		hb_array(b, rec->commit_channels);
		for (uint32_t i = 0; i < rec->commit_channels; i++) {
			hb_bstr(b, rec->digests[i], MIG_DIGEST_LEN);
		}
		break;
	case MIG_KEY_PAGES:
		hb_uint(b, rec->pages);
		break;
	case MIG_KEY_VCPUS:
		hb_uint(b, rec->vcpus);
		break;
	case MIG_KEY_COMMIT_HASH:
		hb_bstr(b, rec->commit_hash, MIG_COMMIT_HASH_LEN);
		break;
	case MIG_KEY_REASON:
		hb_uint(b, rec->reason);
		break;
	}
}

/* How a test bends the canonical header: one key's value replaced (or the key dropped). */
struct bend {
	uint8_t key;
	const uint8_t *value; /* NULL: keep the value */
	size_t value_len;
	bool drop;
};

static void hb_header(struct hb *b, const struct mig_record *rec, const struct bend *bend)
{
	struct key_list list = keys_of(rec->type);
	size_t count = list.count;

	if (bend != NULL && bend->drop) {
		count--;
	}
	b->len = 0;
	hb_map(b, count);
	for (size_t i = 0; i < list.count; i++) {
		uint8_t key = list.keys[i];

		if (bend != NULL && bend->key == key && bend->drop) {
			continue;
		}
		hb_uint(b, key);
		if (bend != NULL && bend->key == key && bend->value != NULL) {
			hb_raw(b, bend->value, bend->value_len);
		} else {
			hb_value(b, rec, key);
		}
	}
}

static size_t body_len_for(const struct mig_record *rec)
{
	switch (rec->type) {
	case MIG_REC_HELLO:
	case MIG_REC_ATTEST:
	case MIG_REC_KEYCONFIRM:
		return 0;
	case MIG_REC_PAGES:
		return mig_record_data_pages(rec) * PAGE_SIZE + MIG_TAG_LEN;
	case MIG_REC_VCPU:
		return 200 + MIG_TAG_LEN;
	default:
		return MIG_TAG_LEN;
	}
}

/* header_len || header || body (a recognisable pattern: only its size matters here). */
static size_t assemble(const struct hb *b, size_t body_len)
{
	wire[0] = (uint8_t)b->len;
	wire[1] = (uint8_t)(b->len >> 8);
	memcpy(wire + 2, b->buf, b->len);
	fill_pattern(wire + 2 + b->len, body_len, 0x77);
	return 2 + b->len + body_len;
}

static size_t build(const struct mig_record *rec, const struct bend *bend)
{
	static struct hb b;

	hb_header(&b, rec, bend);
	return assemble(&b, body_len_for(rec));
}

static const enum mig_record_type all_types[] = {
    MIG_REC_HELLO, MIG_REC_ATTEST,    MIG_REC_KEYCONFIRM, MIG_REC_PAGES,
    MIG_REC_VCPU,  MIG_REC_ROUND_END, MIG_REC_COMMIT,	  MIG_REC_ACK,
    MIG_REC_GO,	   MIG_REC_ABORT,     MIG_REC_ROUND_ACK,
};

static bool decodes(size_t len)
{
	struct mig_record rec;

	return mig_record_decode(wire, len, &rec) == MIG_ERR_NONE;
}

static bool bent_decodes(const struct mig_record *rec, uint8_t key, const void *value,
			 size_t value_len)
{
	struct bend bend = {.key = key, .value = value, .value_len = value_len};

	return decodes(build(rec, &bend));
}

static bool is_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		if (b[i] != 0) {
			return false;
		}
	}
	return true;
}

/* --- Round trips -------------------------------------------------------------------------- */

static void expect_same_fields(const struct mig_record *a, const struct mig_record *b)
{
	EXPECT_EQ(a->type, b->type);
	EXPECT_EQ(a->channel, b->channel);
	EXPECT_EQ(a->seq, b->seq);
	switch (a->type) {
	case MIG_REC_HELLO:
		EXPECT_EQ(a->version_count, b->version_count);
		EXPECT_MEMEQ(a->versions, b->versions, sizeof(a->versions));
		EXPECT_EQ(a->caps, b->caps);
		EXPECT_MEMEQ(a->nonce, b->nonce, MIG_NONCE_LEN);
		EXPECT_EQ(a->channels, b->channels);
		EXPECT_EQ(a->role, b->role);
		break;
	case MIG_REC_ATTEST:
		EXPECT_EQ(a->role, b->role);
		EXPECT_MEMEQ(a->report, b->report, MIG_REPORT_LEN);
		ASSERT_EQ(a->vcek.len, b->vcek.len);
		EXPECT_MEMEQ(a->vcek.data, b->vcek.data, a->vcek.len);
		ASSERT_EQ(a->chain.len, b->chain.len);
		EXPECT_MEMEQ(a->chain.data, b->chain.data, a->chain.len);
		EXPECT_MEMEQ(a->pubkey, b->pubkey, MIG_PUBKEY_LEN);
		break;
	case MIG_REC_KEYCONFIRM:
		EXPECT_MEMEQ(a->confirm, b->confirm, MIG_CONFIRM_LEN);
		break;
	case MIG_REC_PAGES:
		EXPECT_EQ(a->round, b->round);
		ASSERT_EQ(a->gpa_count, b->gpa_count);
		for (uint32_t i = 0; i < a->gpa_count; i++) {
			EXPECT_EQ(gpa_addr(a->gpas[i]), gpa_addr(b->gpas[i]));
			EXPECT_EQ(a->kinds[i], b->kinds[i]);
		}
		break;
	case MIG_REC_VCPU:
		EXPECT_EQ(a->round, b->round);
		EXPECT_EQ(a->vcpu, b->vcpu);
		break;
	case MIG_REC_ROUND_END:
		EXPECT_EQ(a->round, b->round);
		EXPECT_EQ(a->count, b->count);
		break;
	case MIG_REC_COMMIT:
		ASSERT_EQ(a->commit_channels, b->commit_channels);
		for (uint32_t i = 0; i < a->commit_channels; i++) {
			EXPECT_EQ(a->last_seqs[i], b->last_seqs[i]);
			EXPECT_MEMEQ(a->digests[i], b->digests[i], MIG_DIGEST_LEN);
		}
		EXPECT_EQ(a->pages, b->pages);
		EXPECT_EQ(a->vcpus, b->vcpus);
		break;
	case MIG_REC_ACK:
	case MIG_REC_GO:
		EXPECT_MEMEQ(a->commit_hash, b->commit_hash, MIG_COMMIT_HASH_LEN);
		break;
	case MIG_REC_ROUND_ACK:
		EXPECT_EQ(a->round, b->round);
		break;
	case MIG_REC_ABORT:
		EXPECT_EQ(a->reason, b->reason);
		break;
	}
}

TEST(migrate_record, every_type_round_trips_through_encoder_and_decoder)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct mig_record back;
		size_t header_len = 0;
		size_t body_len = body_len_for(&rec);

		ASSERT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &header_len),
			  MIG_ERR_NONE);
		fill_pattern(encoded + header_len, body_len, 0x55);
		ASSERT_EQ(mig_record_decode(encoded, header_len + body_len, &back), MIG_ERR_NONE);
		expect_same_fields(&rec, &back);
		EXPECT_TRUE(back.aad.data == encoded);
		EXPECT_EQ(back.aad.len, header_len);
		EXPECT_TRUE(back.body.data == encoded + header_len);
		EXPECT_EQ(back.body.len, body_len);
		/* Byte strings point into the decoded buffer, not at the originals. */
		if (rec.type == MIG_REC_HELLO) {
			EXPECT_TRUE(back.nonce > encoded && back.nonce < encoded + header_len);
		}
	}
}

TEST(migrate_record, encoder_output_is_the_canonical_form)
{
	static struct hb b;

	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		size_t len = 0;

		hb_header(&b, &rec, NULL);
		ASSERT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_NONE);
		ASSERT_EQ(len, 2 + b.len);
		EXPECT_EQ(encoded[0] | encoded[1] << 8, b.len);
		EXPECT_MEMEQ(encoded + 2, b.buf, b.len);
	}
}

TEST(migrate_record, hand_built_records_decode)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct mig_record back;
		size_t len = build(&rec, NULL);

		ASSERT_EQ(mig_record_decode(wire, len, &back), MIG_ERR_NONE);
		expect_same_fields(&rec, &back);
	}
}

TEST(migrate_record, largest_pages_record_fits_a_slot)
{
	struct mig_record rec = valid_record(MIG_REC_PAGES);
	struct mig_record back;
	size_t len;

	rec.gpa_count = MIG_PAGES_PER_RECORD;
	for (uint32_t i = 0; i < MIG_PAGES_PER_RECORD; i++) {
		rec.gpas[i] = gpa_init(MIG_GPA_LIMIT - PAGE_SIZE * (i + 1));
		rec.kinds[i] = MIG_PAGE_DATA;
	}
	rec.round = UINT64_MAX;
	rec.seq = UINT64_MAX;
	len = build(&rec, NULL);
	EXPECT_LE(len, MIG_RECORD_MAX);
	ASSERT_EQ(mig_record_decode(wire, len, &back), MIG_ERR_NONE);
	EXPECT_EQ(back.gpa_count, MIG_PAGES_PER_RECORD);
	EXPECT_EQ(mig_record_data_pages(&back), MIG_PAGES_PER_RECORD);
	EXPECT_LE(back.aad.len - 2, MIG_PAGES_HEADER_MAX);
}

TEST(migrate_record, non_minimal_integers_are_accepted)
{
	static const uint8_t seq_in_8_bytes[] = {0x1B, 0, 0, 0, 0, 0, 0, 0x12, 0x34};
	static const uint8_t channel_in_2_bytes[] = {0x19, 0x00, 0x00};
	struct mig_record rec = valid_record(MIG_REC_ABORT);
	struct mig_record back;
	struct bend bend = {
	    .key = MIG_KEY_SEQ, .value = seq_in_8_bytes, .value_len = sizeof(seq_in_8_bytes)};

	ASSERT_EQ(mig_record_decode(wire, build(&rec, &bend), &back), MIG_ERR_NONE);
	EXPECT_EQ(back.seq, 0x1234u);
	bend = (struct bend){.key = MIG_KEY_CHANNEL,
			     .value = channel_in_2_bytes,
			     .value_len = sizeof(channel_in_2_bytes)};
	ASSERT_EQ(mig_record_decode(wire, build(&rec, &bend), &back), MIG_ERR_NONE);
	EXPECT_EQ(back.channel, 0u);
}

/* --- Truncation and length framing -------------------------------------------------------- */

/*
 * Every cut of a record fails, except inside a VCPU body, whose size varies: there the decoder
 * can only insist on a state byte and a tag, and the tag catches the rest (seal tests).
 */
TEST(migrate_record, every_truncation_fails_and_zeroes_the_result)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct mig_record back;
		size_t len = build(&rec, NULL);
		size_t header_end = 2 + (size_t)(wire[0] | wire[1] << 8);
		size_t must_fail = rec.type == MIG_REC_VCPU ? header_end + MIG_TAG_LEN + 1 : len;
		unsigned accepted = 0;

		for (size_t cut = 0; cut < must_fail; cut++) {
			memset(&back, 0xA5, sizeof(back));
			if (mig_record_decode(wire, cut, &back) == MIG_ERR_NONE) {
				accepted++;
			}
			if (!is_zero(&back, sizeof(back))) {
				accepted++;
			}
		}
		EXPECT_EQ(accepted, 0u);
		EXPECT_EQ(decodes(len + 1), rec.type == MIG_REC_VCPU);
	}
}

TEST(migrate_record, header_len_must_frame_the_header_exactly)
{
	struct mig_record rec = valid_record(MIG_REC_ABORT);
	size_t len = build(&rec, NULL);
	uint16_t header_len = (uint16_t)(wire[0] | wire[1] << 8);

	ASSERT_TRUE(decodes(len));
	/* Zero, one short (map cut), one long (a body byte inside the header), past the end. */
	static const uint16_t bad[] = {0, 1, 0xFFFF};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		wire[0] = (uint8_t)bad[i];
		wire[1] = (uint8_t)(bad[i] >> 8);
		EXPECT_FALSE(decodes(len));
	}
	for (int delta = -3; delta <= 3; delta++) {
		uint16_t v = (uint16_t)(header_len + delta);

		if (delta == 0) {
			continue;
		}
		wire[0] = (uint8_t)v;
		wire[1] = (uint8_t)(v >> 8);
		EXPECT_FALSE(decodes(len));
	}
	wire[0] = (uint8_t)(len - 2);
	wire[1] = (uint8_t)((len - 2) >> 8);
	EXPECT_FALSE(decodes(len));
}

TEST(migrate_record, trailing_bytes_inside_the_header_fail)
{
	static struct hb b;
	struct mig_record rec = valid_record(MIG_REC_ACK);

	hb_header(&b, &rec, NULL);
	ASSERT_TRUE(decodes(assemble(&b, MIG_TAG_LEN)));
	hb_uint(&b, 0);
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
	b.len--;
	hb_byte(&b, 0xA0);
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
}

TEST(migrate_record, header_over_the_limit_fails)
{
	static struct hb b;
	static uint8_t big[MIG_HEADER_MAX];
	struct mig_record rec = valid_record(MIG_REC_ATTEST);
	size_t len = 0;

	/* The largest VCEK that keeps the header within MIG_HEADER_MAX, then one byte more. */
	rec.vcek = (struct mig_bytes){big, 0};
	hb_header(&b, &rec, NULL);
	rec.vcek.len = MIG_HEADER_MAX - b.len - 2;
	hb_header(&b, &rec, NULL);
	ASSERT_EQ(b.len, MIG_HEADER_MAX);
	EXPECT_TRUE(decodes(assemble(&b, 0)));
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_NONE);
	rec.vcek.len++;
	hb_header(&b, &rec, NULL);
	EXPECT_FALSE(decodes(assemble(&b, 0)));
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_MALFORMED);
}

TEST(migrate_record, body_size_follows_the_type)
{
	struct mig_record rec = valid_record(MIG_REC_HELLO);
	static struct hb b;

	hb_header(&b, &rec, NULL);
	EXPECT_TRUE(decodes(assemble(&b, 0)));
	EXPECT_FALSE(decodes(assemble(&b, 1)));
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));

	rec = valid_record(MIG_REC_GO);
	hb_header(&b, &rec, NULL);
	EXPECT_FALSE(decodes(assemble(&b, 0)));
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN - 1)));
	EXPECT_TRUE(decodes(assemble(&b, MIG_TAG_LEN)));
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN + 1)));

	rec = valid_record(MIG_REC_VCPU);
	hb_header(&b, &rec, NULL);
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
	EXPECT_TRUE(decodes(assemble(&b, MIG_TAG_LEN + 1)));
	EXPECT_TRUE(decodes(assemble(&b, MIG_TAG_LEN + PLAT_VCPU_STATE_MAX)));
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN + PLAT_VCPU_STATE_MAX + 1)));

	/* PAGES: two data pages and a zero page carry exactly two pages of contents. */
	rec = valid_record(MIG_REC_PAGES);
	hb_header(&b, &rec, NULL);
	EXPECT_TRUE(decodes(assemble(&b, 2 * PAGE_SIZE + MIG_TAG_LEN)));
	EXPECT_FALSE(decodes(assemble(&b, 3 * PAGE_SIZE + MIG_TAG_LEN)));
	EXPECT_FALSE(decodes(assemble(&b, 1 * PAGE_SIZE + MIG_TAG_LEN)));
	EXPECT_FALSE(decodes(assemble(&b, 2 * PAGE_SIZE + MIG_TAG_LEN - 1)));
	rec.kinds[0] = MIG_PAGE_INVALIDATED;
	rec.kinds[2] = MIG_PAGE_ZERO;
	hb_header(&b, &rec, NULL);
	EXPECT_TRUE(decodes(assemble(&b, MIG_TAG_LEN)));
}

/* --- Map structure ------------------------------------------------------------------------ */

TEST(migrate_record, duplicate_keys_fail)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct key_list list = keys_of(rec.type);

		for (size_t k = 0; k < list.count; k++) {
			static struct hb b;

			b.len = 0;
			hb_map(&b, list.count + 1);
			for (size_t i = 0; i < list.count; i++) {
				hb_uint(&b, list.keys[i]);
				hb_value(&b, &rec, list.keys[i]);
				if (i == k) {
					hb_uint(&b, list.keys[i]);
					hb_value(&b, &rec, list.keys[i]);
				}
			}
			EXPECT_FALSE(decodes(assemble(&b, body_len_for(&rec))));
		}
	}
}

TEST(migrate_record, out_of_order_keys_fail)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct key_list list = keys_of(rec.type);

		/* Swap each adjacent pair. */
		for (size_t k = 0; k + 1 < list.count; k++) {
			static struct hb b;

			b.len = 0;
			hb_map(&b, list.count);
			for (size_t i = 0; i < list.count; i++) {
				size_t j = i == k ? k + 1 : i == k + 1 ? k : i;

				hb_uint(&b, list.keys[j]);
				hb_value(&b, &rec, list.keys[j]);
			}
			EXPECT_FALSE(decodes(assemble(&b, body_len_for(&rec))));
		}
	}
}

/* Inserts key (with a uint value) at its ascending position. */
static size_t build_with_extra_key(const struct mig_record *rec, uint64_t extra)
{
	static struct hb b;
	struct key_list list = keys_of(rec->type);
	bool inserted = false;

	b.len = 0;
	hb_map(&b, list.count + 1);
	for (size_t i = 0; i < list.count; i++) {
		if (!inserted && extra < list.keys[i]) {
			hb_uint(&b, extra);
			hb_uint(&b, 0);
			inserted = true;
		}
		hb_uint(&b, list.keys[i]);
		hb_value(&b, rec, list.keys[i]);
	}
	if (!inserted) {
		hb_uint(&b, extra);
		hb_uint(&b, 0);
	}
	return assemble(&b, body_len_for(rec));
}

TEST(migrate_record, unknown_keys_fail)
{
	static const uint64_t unknown[] = {
	    0, 9, 15, 26, 31, 38, 63, 64, 1000, 0xFFFFFFFFULL, UINT64_MAX};

	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);

		for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
			EXPECT_FALSE(decodes(build_with_extra_key(&rec, unknown[i])));
		}
	}
}

TEST(migrate_record, keys_of_other_record_types_fail)
{
	static const uint8_t all_keys[] = {1,  2,  3,  4,  5,  6,  7,  8,  16, 17, 18, 19,
					   20, 21, 22, 23, 24, 25, 32, 33, 34, 35, 36, 37};

	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct key_list list = keys_of(rec.type);

		for (size_t k = 0; k < ARRAY_SIZE(all_keys); k++) {
			if (memchr(list.keys, all_keys[k], list.count) != NULL) {
				continue;
			}
			EXPECT_FALSE(decodes(build_with_extra_key(&rec, all_keys[k])));
		}
	}
}

TEST(migrate_record, every_missing_key_fails)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct key_list list = keys_of(rec.type);

		for (size_t k = 0; k < list.count; k++) {
			struct bend bend = {.key = list.keys[k], .drop = true};

			EXPECT_FALSE(decodes(build(&rec, &bend)));
		}
	}
}

TEST(migrate_record, record_type_must_match_its_keys)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);

		for (size_t u = 0; u < ARRAY_SIZE(all_types); u++) {
			uint8_t other[2];
			size_t other_len = 0;
			struct key_list a = keys_of(all_types[t]);
			struct key_list b = keys_of(all_types[u]);

			/* ACK and GO share their keys: swapping them is a different, valid record.
			 */
			if (a.keys == b.keys) {
				continue;
			}
			other[other_len++] = (uint8_t)all_types[u];
			EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_TYPE, other, other_len));
		}
		static const uint8_t type_0[] = {0x00};
		static const uint8_t type_12[] = {0x0C};
		static const uint8_t type_huge[] = {0x1A, 0x01, 0x00, 0x00, 0x01};
		EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_TYPE, type_0, 1));
		EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_TYPE, type_12, 1));
		EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_TYPE, type_huge, sizeof(type_huge)));
	}
}

TEST(migrate_record, header_must_be_a_definite_map)
{
	static struct hb b;
	struct mig_record rec = valid_record(MIG_REC_ABORT);
	static const uint8_t not_maps[][2] = {
	    {0x80, 0}, {0x00, 0}, {0x40, 0}, {0xF6, 0}, {0xC0, 0xA0}};

	/* The same pairs under an indefinite-length map. */
	hb_header(&b, &rec, NULL);
	b.buf[0] = 0xBF;
	hb_byte(&b, 0xFF);
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));

	/* A tag on the map. */
	{
		static struct hb tagged;

		hb_header(&b, &rec, NULL);
		tagged.len = 0;
		hb_byte(&tagged, 0xD8);
		hb_byte(&tagged, 55);
		hb_raw(&tagged, b.buf, b.len);
		EXPECT_FALSE(decodes(assemble(&tagged, MIG_TAG_LEN)));
	}

	for (size_t i = 0; i < ARRAY_SIZE(not_maps); i++) {
		b.len = 0;
		hb_raw(&b, not_maps[i], 2);
		EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
	}

	/* More pairs announced than present, and more than there are keys. */
	hb_header(&b, &rec, NULL);
	b.buf[0] = 0xA5;
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
	b.buf[0] = 0xA3;
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
	b.len = 0;
	hb_map(&b, 65);
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
	b.len = 0;
	hb_map(&b, UINT64_MAX);
	EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
}

/* --- Value types --------------------------------------------------------------------------- */

struct wrong_value {
	const char *what;
	size_t len;
	enum shape shape; /* the shape it would be valid for */
	bool any_shape;	  /* wrong for every key */
	uint8_t bytes[10];
};

static const struct wrong_value wrong_values[] = {
    {"uint", 1, SHAPE_UINT, false, {0x00}},
    {"bstr", 2, SHAPE_BSTR, false, {0x41, 0x00}},
    {"array of uint", 2, SHAPE_UINT_ARRAY, false, {0x81, 0x00}},
    {"empty array", 1, SHAPE_UINT, true, {0x80}},
    {"map", 3, SHAPE_UINT, true, {0xA1, 0x01, 0x00}},
    {"empty map", 1, SHAPE_UINT, true, {0xA0}},
    {"text", 2, SHAPE_UINT, true, {0x61, 0x61}},
    {"negint", 1, SHAPE_UINT, true, {0x20}},
    {"negint 8 bytes", 9, SHAPE_UINT, true, {0x3B, 0, 0, 0, 0, 0, 0, 0, 1}},
    {"tagged uint", 2, SHAPE_UINT, true, {0xC1, 0x00}},
    {"big tag", 4, SHAPE_UINT, true, {0xD9, 0xD9, 0xF7, 0x00}},
    {"half float", 3, SHAPE_UINT, true, {0xF9, 0x00, 0x00}},
    {"single float", 5, SHAPE_UINT, true, {0xFA, 0, 0, 0, 0}},
    {"double float", 9, SHAPE_UINT, true, {0xFB, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"false", 1, SHAPE_UINT, true, {0xF4}},
    {"true", 1, SHAPE_UINT, true, {0xF5}},
    {"null", 1, SHAPE_UINT, true, {0xF6}},
    {"undefined", 1, SHAPE_UINT, true, {0xF7}},
    {"simple 255", 2, SHAPE_UINT, true, {0xF8, 0xFF}},
    {"break", 1, SHAPE_UINT, true, {0xFF}},
    {"indefinite bstr", 4, SHAPE_UINT, true, {0x5F, 0x41, 0x00, 0xFF}},
    {"indefinite text", 4, SHAPE_UINT, true, {0x7F, 0x61, 0x61, 0xFF}},
    {"indefinite array", 3, SHAPE_UINT, true, {0x9F, 0x00, 0xFF}},
    {"indefinite map", 2, SHAPE_UINT, true, {0xBF, 0xFF}},
    {"reserved info 28", 1, SHAPE_UINT, true, {0x1C}},
    {"reserved info 30 bstr", 1, SHAPE_UINT, true, {0x5E}},
    {"uint head cut short", 2, SHAPE_UINT, true, {0x1B, 0x00}},
    {"bstr longer than header", 5, SHAPE_UINT, true, {0x5A, 0x7F, 0xFF, 0xFF, 0xFF}},
    {"bstr 2^64-1 long",
     9,
     SHAPE_UINT,
     true,
     {0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
    {"array 2^64-1 long",
     9,
     SHAPE_UINT,
     true,
     {0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
};

TEST(migrate_record, every_wrong_value_type_for_every_key_fails)
{
	unsigned tried = 0;

	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct key_list list = keys_of(rec.type);

		for (size_t k = 0; k < list.count; k++) {
			uint8_t key = list.keys[k];

			for (size_t w = 0; w < ARRAY_SIZE(wrong_values); w++) {
				const struct wrong_value *v = &wrong_values[w];

				if (!v->any_shape && v->shape == shape_of(key)) {
					continue;
				}
				tried++;
				if (bent_decodes(&rec, key, v->bytes, v->len)) {
					test_fail_at(__FILE__, __LINE__, "type %u key %u took %s",
						     rec.type, key, v->what);
				}
			}
		}
	}
	EXPECT_GT(tried, 1000u);
}

TEST(migrate_record, tags_on_valid_values_fail)
{
	static struct hb value;

	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		struct key_list list = keys_of(rec.type);

		for (size_t k = 0; k < list.count; k++) {
			value.len = 0;
			hb_byte(&value, 0xC2);
			hb_value(&value, &rec, list.keys[k]);
			EXPECT_FALSE(bent_decodes(&rec, list.keys[k], value.buf, value.len));
		}
	}
}

TEST(migrate_record, wrong_types_inside_arrays_fail)
{
	struct mig_record rec = valid_record(MIG_REC_COMMIT);
	static const uint8_t digests_with_uint[] = {0x83, 0x00, 0x00, 0x00};
	static const uint8_t seqs_with_bstr[] = {0x83, 0x41, 0x00, 0x00, 0x00};
	static const uint8_t seqs_nested[] = {0x83, 0x81, 0x00, 0x00, 0x00};
	static const uint8_t seqs_indefinite[] = {0x9F, 0x00, 0x00, 0x00, 0xFF};
	static const uint8_t seqs_with_float[] = {0x83, 0xF9, 0x00, 0x00, 0x00, 0x00};

	EXPECT_FALSE(
	    bent_decodes(&rec, MIG_KEY_DIGESTS, digests_with_uint, sizeof(digests_with_uint)));
	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_LAST_SEQS, seqs_with_bstr, sizeof(seqs_with_bstr)));
	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_LAST_SEQS, seqs_nested, sizeof(seqs_nested)));
	EXPECT_FALSE(
	    bent_decodes(&rec, MIG_KEY_LAST_SEQS, seqs_indefinite, sizeof(seqs_indefinite)));
	EXPECT_FALSE(
	    bent_decodes(&rec, MIG_KEY_LAST_SEQS, seqs_with_float, sizeof(seqs_with_float)));
}

/* --- Byte-string lengths ------------------------------------------------------------------- */

static void expect_bstr_length_rule(enum mig_record_type type, uint8_t key, size_t exact)
{
	static uint8_t bytes[MIG_REPORT_LEN + 1];
	static struct hb value;
	struct mig_record rec = valid_record(type);
	const size_t lengths[] = {0, 1, exact - 1, exact + 1};

	for (size_t i = 0; i < ARRAY_SIZE(lengths); i++) {
		value.len = 0;
		hb_bstr(&value, bytes, lengths[i]);
		EXPECT_FALSE(bent_decodes(&rec, key, value.buf, value.len));
	}
	value.len = 0;
	hb_bstr(&value, bytes, exact);
	EXPECT_TRUE(bent_decodes(&rec, key, value.buf, value.len));
}

TEST(migrate_record, fixed_size_byte_strings_have_exactly_their_size)
{
	expect_bstr_length_rule(MIG_REC_HELLO, MIG_KEY_NONCE, MIG_NONCE_LEN);
	expect_bstr_length_rule(MIG_REC_ATTEST, MIG_KEY_REPORT, MIG_REPORT_LEN);
	expect_bstr_length_rule(MIG_REC_ATTEST, MIG_KEY_PUBKEY, MIG_PUBKEY_LEN);
	expect_bstr_length_rule(MIG_REC_KEYCONFIRM, MIG_KEY_CONFIRM, MIG_CONFIRM_LEN);
	expect_bstr_length_rule(MIG_REC_ACK, MIG_KEY_COMMIT_HASH, MIG_COMMIT_HASH_LEN);
	expect_bstr_length_rule(MIG_REC_GO, MIG_KEY_COMMIT_HASH, MIG_COMMIT_HASH_LEN);
}

TEST(migrate_record, digests_have_exactly_48_bytes_each)
{
	static const uint8_t zeros[MIG_DIGEST_LEN + 1];
	static struct hb value;
	struct mig_record rec = valid_record(MIG_REC_COMMIT);
	const size_t lengths[] = {0, MIG_DIGEST_LEN - 1, MIG_DIGEST_LEN + 1};

	for (size_t i = 0; i < ARRAY_SIZE(lengths); i++) {
		value.len = 0;
		hb_array(&value, 3);
		hb_bstr(&value, zeros, MIG_DIGEST_LEN);
		hb_bstr(&value, zeros, lengths[i]);
		hb_bstr(&value, zeros, MIG_DIGEST_LEN);
		EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_DIGESTS, value.buf, value.len));
	}
}

TEST(migrate_record, certificates_must_not_be_empty)
{
	static const uint8_t empty[] = {0x40};
	struct mig_record rec = valid_record(MIG_REC_ATTEST);

	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_VCEK, empty, sizeof(empty)));
	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_CHAIN, empty, sizeof(empty)));
}

/* --- PAGES -------------------------------------------------------------------------------- */

static bool pages_decode(const struct mig_record *rec, size_t kinds_len)
{
	static struct hb b;
	struct key_list list = keys_of(MIG_REC_PAGES);

	b.len = 0;
	hb_map(&b, list.count);
	for (size_t i = 0; i < list.count; i++) {
		hb_uint(&b, list.keys[i]);
		if (list.keys[i] == MIG_KEY_KINDS) {
			hb_bstr(&b, rec->kinds, kinds_len);
		} else {
			hb_value(&b, rec, list.keys[i]);
		}
	}
	return decodes(assemble(&b, MIG_TAG_LEN));
}

static struct mig_record zero_pages(uint32_t count)
{
	struct mig_record rec = valid_record(MIG_REC_PAGES);

	rec.gpa_count = count;
	for (uint32_t i = 0; i < count && i < MIG_PAGES_PER_RECORD; i++) {
		rec.gpas[i] = gpa_init(PAGE_SIZE * (i + 1));
		rec.kinds[i] = MIG_PAGE_ZERO;
	}
	return rec;
}

TEST(migrate_record, pages_gpa_count_is_1_to_16)
{
	static struct hb value;
	struct mig_record rec = zero_pages(MIG_PAGES_PER_RECORD);
	static const uint8_t empty_array[] = {0x80};
	static const uint8_t empty_bstr[] = {0x40};
	uint8_t kinds[MIG_PAGES_PER_RECORD + 1] = {0};

	EXPECT_TRUE(pages_decode(&rec, MIG_PAGES_PER_RECORD));

	/* 17 GPAs with 17 kinds. */
	value.len = 0;
	hb_array(&value, MIG_PAGES_PER_RECORD + 1);
	for (uint32_t i = 0; i <= MIG_PAGES_PER_RECORD; i++) {
		hb_uint(&value, PAGE_SIZE * (i + 1));
	}
	{
		static struct hb b;
		struct key_list list = keys_of(MIG_REC_PAGES);

		b.len = 0;
		hb_map(&b, list.count);
		for (size_t i = 0; i < list.count; i++) {
			hb_uint(&b, list.keys[i]);
			if (list.keys[i] == MIG_KEY_GPAS) {
				hb_raw(&b, value.buf, value.len);
			} else if (list.keys[i] == MIG_KEY_KINDS) {
				memset(kinds, MIG_PAGE_ZERO, sizeof(kinds));
				hb_bstr(&b, kinds, sizeof(kinds));
			} else {
				hb_value(&b, &rec, list.keys[i]);
			}
		}
		EXPECT_FALSE(decodes(assemble(&b, MIG_TAG_LEN)));
	}
	rec = zero_pages(1);
	EXPECT_TRUE(pages_decode(&rec, 1));
	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_GPAS, empty_array, sizeof(empty_array)));
	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_KINDS, empty_bstr, sizeof(empty_bstr)));
}

TEST(migrate_record, pages_kinds_length_must_match_gpa_count)
{
	struct mig_record rec = zero_pages(3);

	EXPECT_TRUE(pages_decode(&rec, 3));
	EXPECT_FALSE(pages_decode(&rec, 2));
	EXPECT_FALSE(pages_decode(&rec, 4));
	EXPECT_FALSE(pages_decode(&rec, 1));
}

TEST(migrate_record, pages_gpas_are_aligned_in_range_and_distinct)
{
	static const uint64_t bad[] = {
	    1, 0x800, 0xFFF, 0x1001, MIG_GPA_LIMIT, UINT64_MAX & ~PAGE_MASK, UINT64_MAX};
	struct mig_record rec = zero_pages(4);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		rec = zero_pages(4);
		rec.gpas[2] = gpa_init(bad[i]);
		EXPECT_FALSE(pages_decode(&rec, 4));
	}
	rec = zero_pages(4);
	rec.gpas[3] = rec.gpas[0];
	EXPECT_FALSE(pages_decode(&rec, 4));
	rec.gpas[3] = gpa_init(MIG_GPA_LIMIT - PAGE_SIZE);
	EXPECT_TRUE(pages_decode(&rec, 4));
}

TEST(migrate_record, pages_kinds_are_valid)
{
	struct mig_record rec = zero_pages(2);

	for (unsigned kind = 0; kind < 256; kind++) {
		rec.kinds[1] = (uint8_t)kind;
		/* Zero-page records have no data; give the data kind no contents to check. */
		if (kind == MIG_PAGE_DATA) {
			continue;
		}
		EXPECT_EQ(pages_decode(&rec, 2), kind <= MIG_PAGE_INVALIDATED);
	}
}

TEST(migrate_record, widest_pages_header_stays_within_its_limit)
{
	struct mig_record rec = zero_pages(MIG_PAGES_PER_RECORD);
	static struct hb b;

	/* Every integer in its 8-byte form: the largest header a PAGES record can have. */
	b.len = 0;
	hb_map(&b, 6);
	for (uint8_t key = 1; key <= 6; key++) {
		hb_uint(&b, key);
		if (key == MIG_KEY_KINDS) {
			hb_value(&b, &rec, key);
			continue;
		}
		if (key == MIG_KEY_GPAS) {
			hb_array(&b, rec.gpa_count);
		}
		for (uint32_t i = 0; i < (key == MIG_KEY_GPAS ? rec.gpa_count : 1); i++) {
			uint64_t v = key == MIG_KEY_GPAS      ? gpa_addr(rec.gpas[i])
				     : key == MIG_KEY_TYPE    ? MIG_REC_PAGES
				     : key == MIG_KEY_CHANNEL ? 3
							      : 1;

			hb_byte(&b, 0x1B);
			for (int sh = 56; sh >= 0; sh -= 8) {
				hb_byte(&b, (uint8_t)(v >> sh));
			}
		}
	}
	EXPECT_LE(b.len, MIG_PAGES_HEADER_MAX);
	EXPECT_TRUE(decodes(assemble(&b, MIG_TAG_LEN)));
}

/* --- Ranges -------------------------------------------------------------------------------- */

TEST(migrate_record, commit_lists_have_one_entry_per_channel)
{
	static struct hb value;
	struct mig_record rec = valid_record(MIG_REC_COMMIT);

	/* Three digests against two and four last sequences. */
	for (uint32_t n = 2; n <= 4; n += 2) {
		value.len = 0;
		hb_array(&value, n);
		for (uint32_t i = 0; i < n; i++) {
			hb_uint(&value, i);
		}
		EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_LAST_SEQS, value.buf, value.len));
	}
	rec.commit_channels = MIG_MAX_CHANNELS;
	for (uint32_t i = 0; i < MIG_MAX_CHANNELS; i++) {
		rec.digests[i] = digest_bytes[i];
	}
	EXPECT_TRUE(decodes(build(&rec, NULL)));
	value.len = 0;
	hb_array(&value, MIG_MAX_CHANNELS + 1);
	for (uint32_t i = 0; i <= MIG_MAX_CHANNELS; i++) {
		hb_uint(&value, i);
	}
	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_LAST_SEQS, value.buf, value.len));
}

static bool uint_decodes(enum mig_record_type type, uint8_t key, uint64_t v)
{
	static struct hb value;
	struct mig_record rec = valid_record(type);

	value.len = 0;
	hb_uint(&value, v);
	return bent_decodes(&rec, key, value.buf, value.len);
}

TEST(migrate_record, integers_must_fit_their_field_and_range)
{
	EXPECT_TRUE(uint_decodes(MIG_REC_PAGES, MIG_KEY_CHANNEL, MIG_MAX_CHANNELS - 1));
	EXPECT_FALSE(uint_decodes(MIG_REC_PAGES, MIG_KEY_CHANNEL, MIG_MAX_CHANNELS));
	EXPECT_FALSE(uint_decodes(MIG_REC_PAGES, MIG_KEY_CHANNEL, 0x100000000ULL));
	EXPECT_TRUE(uint_decodes(MIG_REC_PAGES, MIG_KEY_SEQ, UINT64_MAX));
	EXPECT_TRUE(uint_decodes(MIG_REC_PAGES, MIG_KEY_ROUND, UINT64_MAX));

	EXPECT_FALSE(uint_decodes(MIG_REC_VCPU, MIG_KEY_VCPU, SVSM_MAX_CPUS));
	EXPECT_FALSE(uint_decodes(MIG_REC_VCPU, MIG_KEY_VCPU, 0x100000000ULL));
	EXPECT_TRUE(uint_decodes(MIG_REC_VCPU, MIG_KEY_VCPU, 0));

	EXPECT_FALSE(uint_decodes(MIG_REC_HELLO, MIG_KEY_CHANNELS, 0));
	EXPECT_TRUE(uint_decodes(MIG_REC_HELLO, MIG_KEY_CHANNELS, MIG_MAX_CHANNELS));
	EXPECT_FALSE(uint_decodes(MIG_REC_HELLO, MIG_KEY_CHANNELS, MIG_MAX_CHANNELS + 1));
	EXPECT_FALSE(uint_decodes(MIG_REC_HELLO, MIG_KEY_ROLE, 2));
	EXPECT_FALSE(uint_decodes(MIG_REC_ATTEST, MIG_KEY_ROLE, 2));
	EXPECT_FALSE(uint_decodes(MIG_REC_ATTEST, MIG_KEY_ROLE, 0x100000000ULL));
	EXPECT_TRUE(uint_decodes(MIG_REC_HELLO, MIG_KEY_CAPS, UINT64_MAX));

	EXPECT_FALSE(uint_decodes(MIG_REC_ABORT, MIG_KEY_REASON, MIG_ERR_NONE));
	EXPECT_TRUE(uint_decodes(MIG_REC_ABORT, MIG_KEY_REASON, MIG_ERR_INTERNAL));
	EXPECT_FALSE(uint_decodes(MIG_REC_ABORT, MIG_KEY_REASON, MIG_ERR_INTERNAL + 1));
	EXPECT_FALSE(uint_decodes(MIG_REC_ABORT, MIG_KEY_REASON, 0x100000001ULL));

	EXPECT_TRUE(uint_decodes(MIG_REC_ROUND_END, MIG_KEY_COUNT, UINT64_MAX));
	EXPECT_TRUE(uint_decodes(MIG_REC_COMMIT, MIG_KEY_PAGES, UINT64_MAX));
	EXPECT_TRUE(uint_decodes(MIG_REC_COMMIT, MIG_KEY_VCPUS, UINT64_MAX));
}

TEST(migrate_record, handshake_records_travel_on_channel_0_only)
{
	EXPECT_FALSE(uint_decodes(MIG_REC_HELLO, MIG_KEY_CHANNEL, 1));
	EXPECT_FALSE(uint_decodes(MIG_REC_ATTEST, MIG_KEY_CHANNEL, 1));
	EXPECT_FALSE(uint_decodes(MIG_REC_KEYCONFIRM, MIG_KEY_CHANNEL, 7));
	EXPECT_TRUE(uint_decodes(MIG_REC_ABORT, MIG_KEY_CHANNEL, 7));
	EXPECT_TRUE(uint_decodes(MIG_REC_COMMIT, MIG_KEY_CHANNEL, 5));
}

TEST(migrate_record, versions_are_1_to_8_nonzero_u32)
{
	static struct hb value;
	struct mig_record rec = valid_record(MIG_REC_HELLO);
	static const uint64_t bad[] = {0, 0x100000000ULL};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		value.len = 0;
		hb_array(&value, 2);
		hb_uint(&value, 1);
		hb_uint(&value, bad[i]);
		EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_VERSIONS, value.buf, value.len));
	}
	value.len = 0;
	hb_array(&value, MIG_MAX_VERSIONS);
	for (uint32_t i = 0; i < MIG_MAX_VERSIONS; i++) {
		hb_uint(&value, 0xFFFFFFFFu - i);
	}
	EXPECT_TRUE(bent_decodes(&rec, MIG_KEY_VERSIONS, value.buf, value.len));
	value.len = 0;
	hb_array(&value, MIG_MAX_VERSIONS + 1);
	for (uint32_t i = 0; i <= MIG_MAX_VERSIONS; i++) {
		hb_uint(&value, 1);
	}
	EXPECT_FALSE(bent_decodes(&rec, MIG_KEY_VERSIONS, value.buf, value.len));
}

/* --- Encoder ------------------------------------------------------------------------------- */

TEST(migrate_record, encoder_refuses_what_the_decoder_would)
{
	struct mig_record rec = valid_record(MIG_REC_PAGES);
	size_t len = 99;

	rec.gpas[1] = gpa_init(0x1234);
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_MALFORMED);
	EXPECT_EQ(len, 0u);
	rec = valid_record(MIG_REC_PAGES);
	rec.gpa_count = MIG_PAGES_PER_RECORD + 1;
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_MALFORMED);
	rec = valid_record(MIG_REC_HELLO);
	rec.channel = 2;
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_MALFORMED);
	rec = valid_record(MIG_REC_HELLO);
	rec.nonce = NULL;
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_MALFORMED);
	rec = valid_record(MIG_REC_ABORT);
	rec.type = (enum mig_record_type)(MIG_REC_LAST + 1);
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_MALFORMED);
	rec = valid_record(MIG_REC_COMMIT);
	rec.commit_channels = 0;
	EXPECT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &len), MIG_ERR_MALFORMED);
}

TEST(migrate_record, encoder_never_writes_past_its_buffer)
{
	for (size_t t = 0; t < ARRAY_SIZE(all_types); t++) {
		struct mig_record rec = valid_record(all_types[t]);
		size_t need = 0;

		ASSERT_EQ(mig_record_encode(&rec, encoded, sizeof(encoded), &need), MIG_ERR_NONE);
		for (size_t cap = 0; cap < need; cap++) {
			size_t len = 99;

			memset(encoded, 0xEE, sizeof(encoded));
			EXPECT_EQ(mig_record_encode(&rec, encoded, cap, &len), MIG_ERR_INTERNAL);
			EXPECT_EQ(len, 0u);
			EXPECT_EQ(encoded[cap], 0xEE);
		}
	}
}
