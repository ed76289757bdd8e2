/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the record decoder on hostile bytes, then, for whatever it accepts, the
 * properties the rest of the handler relies on: the encoder takes the decoded struct back (so
 * decode never accepts what encode would refuse) and re-decoding gives the same fields, and
 * opening a sealed record either authenticates under the fixed key or leaves the output zeroed.
 */
#include <stdlib.h>
#include <string.h>

#include "svsm/migrate/record.h"
#include "svsm/migrate_stream.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t reencoded[MIG_RECORD_MAX];
static uint8_t plaintext[MIG_RECORD_MAX];

static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t len)
{
	return (a == NULL) == (b == NULL) && (a == NULL || memcmp(a, b, len) == 0);
}

static bool same_span(const struct mig_bytes *a, const struct mig_bytes *b)
{
	return a->len == b->len && same_bytes(a->data, b->data, a->len);
}

/* Every field the type carries means the same in both records. */
static bool same_fields(const struct mig_record *a, const struct mig_record *b)
{
	bool ok = a->type == b->type && a->channel == b->channel && a->seq == b->seq &&
		  a->round == b->round && a->gpa_count == b->gpa_count && a->vcpu == b->vcpu &&
		  a->count == b->count && a->version_count == b->version_count &&
		  a->caps == b->caps && a->channels == b->channels && a->role == b->role &&
		  a->commit_channels == b->commit_channels && a->pages == b->pages &&
		  a->vcpus == b->vcpus && a->reason == b->reason;

	ok = ok && memcmp(a->gpas, b->gpas, sizeof(a->gpas)) == 0 &&
	     memcmp(a->kinds, b->kinds, sizeof(a->kinds)) == 0 &&
	     memcmp(a->versions, b->versions, sizeof(a->versions)) == 0 &&
	     memcmp(a->last_seqs, b->last_seqs, sizeof(a->last_seqs)) == 0;
	ok = ok && same_bytes(a->nonce, b->nonce, MIG_NONCE_LEN) &&
	     same_bytes(a->report, b->report, MIG_REPORT_LEN) &&
	     same_bytes(a->pubkey, b->pubkey, MIG_PUBKEY_LEN) &&
	     same_bytes(a->confirm, b->confirm, MIG_CONFIRM_LEN) &&
	     same_bytes(a->commit_hash, b->commit_hash, MIG_COMMIT_HASH_LEN) &&
	     same_span(&a->vcek, &b->vcek) && same_span(&a->chain, &b->chain);
	for (uint32_t i = 0; ok && i < MIG_MAX_CHANNELS; i++) {
		ok = same_bytes(a->digests[i], b->digests[i], MIG_DIGEST_LEN);
	}
	return ok && same_span(&a->body, &b->body);
}

/*
 * The canonical re-encoding of an accepted header, followed by the same body, is accepted too,
 * means the same, and is never longer.
 */
static void check_reencoding(const struct mig_record *rec)
{
	struct mig_record again;
	size_t len = 0;

	if (mig_record_encode(rec, reencoded, sizeof(reencoded), &len) != MIG_ERR_NONE) {
		abort();
	}
	if (len > rec->aad.len || len + rec->body.len > sizeof(reencoded)) {
		abort();
	}
	memcpy(reencoded + len, rec->body.data, rec->body.len);
	if (mig_record_decode(reencoded, len + rec->body.len, &again) != MIG_ERR_NONE) {
		abort();
	}
	if (!same_fields(rec, &again)) {
		abort();
	}
}

static void check_open(const struct mig_record *rec)
{
	struct crypto_aead key;
	size_t len = 0;
	enum mig_error err;

	if (!mig_record_is_sealed(rec->type)) {
		return;
	}
	if (crypto_aead_init(&key, fuzz_record_key, rec->channel) != CRYPTO_OK) {
		abort();
	}
	memset(plaintext, 0xCC, sizeof(plaintext));
	err = mig_record_open(&key, rec, plaintext, sizeof(plaintext), &len);
	crypto_aead_free(&key);
	if (err == MIG_ERR_NONE) {
		if (len + MIG_TAG_LEN != rec->body.len) {
			abort();
		}
		return;
	}
	if (err != MIG_ERR_AUTH || len != 0) {
		abort();
	}
	for (size_t i = 0; i < sizeof(plaintext); i++) {
		if (plaintext[i] != 0) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mig_record rec;

	if (mig_record_decode(data, size, &rec) != MIG_ERR_NONE) {
		return 0;
	}
	if (rec.aad.data != data || rec.aad.len + rec.body.len != size ||
	    rec.body.data != data + rec.aad.len) {
		abort();
	}
	check_reencoding(&rec);
	check_open(&rec);
	return 0;
}
