/* SPDX-License-Identifier: MIT */
/*
 * Sealed records: seal with one key, decode, open with the peer's copy of it. Any change to the
 * header or body, another channel or another sequence number must fail closed, with the
 * plaintext buffer zeroed. Platform-free.
 */
#include <string.h>

#include "svsm/migrate/record.h"
#include "svsm/migrate_stream.h"
#include "svsm/plat.h"
#include "svsm/test.h"

#define SEAL_CAP (MIG_RECORD_MAX + 64)

static const uint8_t key_a[CRYPTO_AEAD_KEY_LEN] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
static const uint8_t key_b[CRYPTO_AEAD_KEY_LEN] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x78};

static uint8_t sealed[SEAL_CAP];
static uint8_t pages_in[MIG_PAGES_PER_RECORD * PAGE_SIZE];
static uint8_t pages_out[MIG_PAGES_PER_RECORD * PAGE_SIZE];
static uint8_t hash_bytes[MIG_COMMIT_HASH_LEN] = {9, 8, 7};
static uint8_t digest_bytes[MIG_DIGEST_LEN] = {1, 2, 3};

static void fill_pages(size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++) {
		pages_in[i] = (uint8_t)(seed ^ (i * 29u) ^ (i >> 12));
	}
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

static bool contains(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t len)
{
	for (size_t i = 0; i + len <= hay_len; i++) {
		if (memcmp(hay + i, needle, len) == 0) {
			return true;
		}
	}
	return false;
}

static struct mig_record pages_record(uint32_t channel, uint64_t seq)
{
	struct mig_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_PAGES;
	rec.channel = channel;
	rec.seq = seq;
	rec.round = 3;
	rec.gpa_count = 3;
	rec.gpas[0] = gpa_init(0x4000000);
	rec.gpas[1] = gpa_init(0x4001000);
	rec.gpas[2] = gpa_init(0x7FFFF000);
	rec.kinds[0] = MIG_PAGE_DATA;
	rec.kinds[1] = MIG_PAGE_ZERO;
	rec.kinds[2] = MIG_PAGE_DATA;
	return rec;
}

/* Seals rec under (key, channel) with plaintext from pages_in; returns the record length. */
static size_t seal_with(const uint8_t *key, uint32_t channel, const struct mig_record *rec,
			size_t plaintext_len)
{
	struct crypto_aead aead;
	size_t len = 0;
	enum mig_error err;

	if (crypto_aead_init(&aead, key, channel) != CRYPTO_OK) {
		return 0;
	}
	err = mig_record_seal(&aead, rec, pages_in, plaintext_len, sealed, sizeof(sealed), &len);
	crypto_aead_free(&aead);
	return err == MIG_ERR_NONE ? len : 0;
}

/* Decodes sealed[0..len) and opens it under (key, channel) into pages_out. */
static enum mig_error open_with(const uint8_t *key, uint32_t channel, size_t len, size_t *out_len)
{
	struct crypto_aead aead;
	struct mig_record rec;
	enum mig_error err;

	*out_len = 0;
	err = mig_record_decode(sealed, len, &rec);
	if (err != MIG_ERR_NONE) {
		return err;
	}
	if (crypto_aead_init(&aead, key, channel) != CRYPTO_OK) {
		return MIG_ERR_INTERNAL;
	}
	err = mig_record_open(&aead, &rec, pages_out, sizeof(pages_out), out_len);
	crypto_aead_free(&aead);
	return err;
}

TEST(migrate_record_seal, pages_round_trip)
{
	struct mig_record rec = pages_record(2, 41);
	size_t len;
	size_t out_len = 0;

	fill_pages(2 * PAGE_SIZE, 0x3C);
	len = seal_with(key_a, 2, &rec, 2 * PAGE_SIZE);
	ASSERT_GT(len, 2 * PAGE_SIZE + MIG_TAG_LEN);
	/* Contents do not appear in the clear. */
	EXPECT_FALSE(contains(sealed, len, pages_in, 64));
	ASSERT_EQ(open_with(key_a, 2, len, &out_len), MIG_ERR_NONE);
	EXPECT_EQ(out_len, 2 * PAGE_SIZE);
	EXPECT_MEMEQ(pages_out, pages_in, 2 * PAGE_SIZE);
}

TEST(migrate_record_seal, every_sealed_type_round_trips)
{
	static const enum mig_record_type types[] = {
	    MIG_REC_VCPU, MIG_REC_ROUND_END, MIG_REC_COMMIT,   MIG_REC_ACK,
	    MIG_REC_GO,	  MIG_REC_ABORT,     MIG_REC_ROUND_ACK};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct mig_record rec;
		size_t plaintext_len = types[i] == MIG_REC_VCPU ? PLAT_VCPU_STATE_MAX : 0;
		size_t len;
		size_t out_len = 99;

		memset(&rec, 0, sizeof(rec));
		rec.type = types[i];
		rec.channel = 5;
		rec.seq = 1000 + i;
		rec.vcpu = 3;
		rec.commit_channels = 1;
		rec.digests[0] = digest_bytes;
		rec.commit_hash = hash_bytes;
		rec.reason = MIG_ERR_TIMEOUT;
		fill_pages(plaintext_len, (uint8_t)i);
		len = seal_with(key_a, 5, &rec, plaintext_len);
		ASSERT_EQ(len > 0, true);
		ASSERT_EQ(open_with(key_a, 5, len, &out_len), MIG_ERR_NONE);
		EXPECT_EQ(out_len, plaintext_len);
		EXPECT_MEMEQ(pages_out, pages_in, plaintext_len);
	}
}

/* Flips each byte of the record in turn: it either no longer decodes, or fails to open. */
TEST(migrate_record_seal, any_changed_byte_fails_closed)
{
	struct mig_record rec = pages_record(1, 7);
	size_t len;
	unsigned opened_and_refused = 0;
	unsigned accepted = 0;

	fill_pages(2 * PAGE_SIZE, 0x5A);
	len = seal_with(key_a, 1, &rec, 2 * PAGE_SIZE);
	ASSERT_GT(len, 0u);
	for (size_t i = 0; i < len; i += (i < 300 || i + 40 > len) ? 1 : 97) {
		size_t out_len = 99;
		enum mig_error err;

		sealed[i] ^= 0x01;
		memset(pages_out, 0xCC, sizeof(pages_out));
		err = open_with(key_a, 1, len, &out_len);
		if (err == MIG_ERR_AUTH) {
			opened_and_refused++;
			if (!all_zero(pages_out, sizeof(pages_out)) || out_len != 0) {
				accepted++;
			}
		} else if (err != MIG_ERR_MALFORMED) {
			accepted++;
		}
		sealed[i] ^= 0x01;
	}
	EXPECT_EQ(accepted, 0u);
	/* Header values (seq, round, GPAs) and every body byte reach the tag check. */
	EXPECT_GT(opened_and_refused, 100u);
}

TEST(migrate_record_seal, changed_seq_in_header_fails)
{
	struct mig_record rec = pages_record(0, 100);
	struct crypto_aead aead;
	struct mig_record back;
	size_t len;
	size_t out_len = 0;
	size_t header_len = 0;
	uint8_t header[MIG_PAGES_HEADER_MAX + 2];

	fill_pages(2 * PAGE_SIZE, 1);
	len = seal_with(key_a, 0, &rec, 2 * PAGE_SIZE);
	ASSERT_GT(len, 0u);
	/* Same body, header re-encoded with the next sequence number (same size). */
	rec.seq = 101;
	ASSERT_EQ(mig_record_encode(&rec, header, sizeof(header), &header_len), MIG_ERR_NONE);
	ASSERT_EQ(mig_record_decode(sealed, len, &back), MIG_ERR_NONE);
	ASSERT_EQ(header_len, back.aad.len);
	memcpy(sealed, header, header_len);
	memset(pages_out, 0xCC, sizeof(pages_out));
	EXPECT_EQ(open_with(key_a, 0, len, &out_len), MIG_ERR_AUTH);
	EXPECT_TRUE(all_zero(pages_out, sizeof(pages_out)));

	/* And the right header opened with the decoded struct's seq changed. */
	rec.seq = 100;
	len = seal_with(key_a, 0, &rec, 2 * PAGE_SIZE);
	ASSERT_EQ(mig_record_decode(sealed, len, &back), MIG_ERR_NONE);
	back.seq = 99;
	ASSERT_EQ(crypto_aead_init(&aead, key_a, 0), CRYPTO_OK);
	memset(pages_out, 0xCC, sizeof(pages_out));
	EXPECT_EQ(mig_record_open(&aead, &back, pages_out, sizeof(pages_out), &out_len),
		  MIG_ERR_AUTH);
	EXPECT_TRUE(all_zero(pages_out, sizeof(pages_out)));
	crypto_aead_free(&aead);
}

TEST(migrate_record_seal, wrong_channel_or_key_fails_with_zeroed_output)
{
	struct mig_record rec = pages_record(3, 5);
	size_t len;
	size_t out_len = 99;

	fill_pages(2 * PAGE_SIZE, 2);
	len = seal_with(key_a, 3, &rec, 2 * PAGE_SIZE);
	ASSERT_GT(len, 0u);

	/* The record says channel 3: a channel-4 key refuses it before decrypting. */
	memset(pages_out, 0xCC, sizeof(pages_out));
	EXPECT_EQ(open_with(key_a, 4, len, &out_len), MIG_ERR_AUTH);
	EXPECT_TRUE(all_zero(pages_out, sizeof(pages_out)));
	EXPECT_EQ(out_len, 0u);

	memset(pages_out, 0xCC, sizeof(pages_out));
	EXPECT_EQ(open_with(key_b, 3, len, &out_len), MIG_ERR_AUTH);
	EXPECT_TRUE(all_zero(pages_out, sizeof(pages_out)));

	/* Sealed on channel 3's nonce but the header claims channel 2. */
	rec.channel = 2;
	{
		struct crypto_aead aead;

		ASSERT_EQ(crypto_aead_init(&aead, key_a, 3), CRYPTO_OK);
		EXPECT_EQ(mig_record_seal(&aead, &rec, pages_in, 2 * PAGE_SIZE, sealed,
					  sizeof(sealed), &len),
			  MIG_ERR_INTERNAL);
		EXPECT_EQ(len, 0u);
		crypto_aead_free(&aead);
	}
}

TEST(migrate_record_seal, truncated_vcpu_body_fails_authentication)
{
	struct mig_record rec;
	size_t len;
	size_t out_len = 99;

	memset(&rec, 0, sizeof(rec));
	rec.type = MIG_REC_VCPU;
	rec.channel = 0;
	rec.seq = 9;
	rec.vcpu = 1;
	fill_pages(600, 3);
	len = seal_with(key_a, 0, &rec, 600);
	ASSERT_GT(len, 0u);
	/* Shorter bodies still decode (the state size varies) but never authenticate. */
	for (size_t cut = len - 1; cut + 600 > len + MIG_TAG_LEN; cut -= 37) {
		memset(pages_out, 0xCC, sizeof(pages_out));
		EXPECT_EQ(open_with(key_a, 0, cut, &out_len), MIG_ERR_AUTH);
		EXPECT_TRUE(all_zero(pages_out, sizeof(pages_out)));
	}
}

TEST(migrate_record_seal, seal_refuses_misuse)
{
	struct mig_record rec = pages_record(0, 1);
	struct crypto_aead aead;
	size_t len = 99;

	ASSERT_EQ(crypto_aead_init(&aead, key_a, 0), CRYPTO_OK);
	fill_pages(3 * PAGE_SIZE, 4);
	/* Plaintext size must match the data pages. */
	EXPECT_EQ(
	    mig_record_seal(&aead, &rec, pages_in, 3 * PAGE_SIZE, sealed, sizeof(sealed), &len),
	    MIG_ERR_INTERNAL);
	EXPECT_EQ(len, 0u);
	EXPECT_EQ(
	    mig_record_seal(&aead, &rec, pages_in, 2 * PAGE_SIZE - 1, sealed, sizeof(sealed), &len),
	    MIG_ERR_INTERNAL);
	/* Output too small for the body. */
	EXPECT_EQ(
	    mig_record_seal(&aead, &rec, pages_in, 2 * PAGE_SIZE, sealed, 2 * PAGE_SIZE, &len),
	    MIG_ERR_INTERNAL);
	/* Handshake records are not sealed. */
	rec.type = MIG_REC_KEYCONFIRM;
	rec.confirm = hash_bytes;
	EXPECT_EQ(mig_record_seal(&aead, &rec, pages_in, 0, sealed, sizeof(sealed), &len),
		  MIG_ERR_INTERNAL);
	/* A sequence number is never sealed twice. */
	rec = pages_record(0, 50);
	EXPECT_EQ(
	    mig_record_seal(&aead, &rec, pages_in, 2 * PAGE_SIZE, sealed, sizeof(sealed), &len),
	    MIG_ERR_NONE);
	EXPECT_EQ(
	    mig_record_seal(&aead, &rec, pages_in, 2 * PAGE_SIZE, sealed, sizeof(sealed), &len),
	    MIG_ERR_INTERNAL);
	rec.seq = 49;
	EXPECT_EQ(
	    mig_record_seal(&aead, &rec, pages_in, 2 * PAGE_SIZE, sealed, sizeof(sealed), &len),
	    MIG_ERR_INTERNAL);
	crypto_aead_free(&aead);
}

TEST(migrate_record_seal, open_refuses_misuse_with_zeroed_output)
{
	struct mig_record rec = pages_record(0, 1);
	struct mig_record back;
	struct crypto_aead aead;
	size_t len;
	size_t out_len = 99;

	fill_pages(2 * PAGE_SIZE, 5);
	len = seal_with(key_a, 0, &rec, 2 * PAGE_SIZE);
	ASSERT_EQ(mig_record_decode(sealed, len, &back), MIG_ERR_NONE);
	ASSERT_EQ(crypto_aead_init(&aead, key_a, 0), CRYPTO_OK);
	/* Plaintext buffer one byte short. */
	memset(pages_out, 0xCC, sizeof(pages_out));
	EXPECT_EQ(mig_record_open(&aead, &back, pages_out, 2 * PAGE_SIZE - 1, &out_len),
		  MIG_ERR_INTERNAL);
	EXPECT_TRUE(all_zero(pages_out, 2 * PAGE_SIZE - 1));
	EXPECT_EQ(pages_out[2 * PAGE_SIZE - 1], 0xCC);
	EXPECT_EQ(out_len, 0u);
	/* An unsealed record has nothing to open. */
	memset(&back, 0, sizeof(back));
	back.type = MIG_REC_HELLO;
	EXPECT_EQ(mig_record_open(&aead, &back, pages_out, sizeof(pages_out), &out_len),
		  MIG_ERR_INTERNAL);
	crypto_aead_free(&aead);
}
