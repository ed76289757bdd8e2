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

static uint8_t reencoded[MIG_HEADER_MAX + 2];
static uint8_t plaintext[MIG_RECORD_MAX];

static void check_reencoding(const struct mig_record *rec)
{
	struct mig_record again;
	size_t len = 0;

	if (mig_record_encode(rec, reencoded, sizeof(reencoded), &len) != MIG_ERR_NONE) {
		abort();
	}
	/* Same header, no body: decode is only required to take it for unsealed types. */
	if (!mig_record_is_sealed(rec->type)) {
		if (mig_record_decode(reencoded, len, &again) != MIG_ERR_NONE) {
			abort();
		}
		if (again.type != rec->type || again.channel != rec->channel ||
		    again.seq != rec->seq || again.aad.len != len) {
			abort();
		}
	}
	if (len > rec->aad.len) {
		/* The canonical form is never longer than any accepted form. */
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
