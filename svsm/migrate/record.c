/* SPDX-License-Identifier: MIT */
/* Stream records: see record.h for the exact rules the decoder enforces. */
#include "svsm/migrate/record.h"

#include <cbor/callbacks.h>
#include <cbor/encoding.h>
#include <cbor/streaming.h>
#include <string.h>

#include "svsm/plat.h"

#define KEY_BIT(key)	 (1ULL << (key))
#define COMMON_KEYS	 (KEY_BIT(MIG_KEY_TYPE) | KEY_BIT(MIG_KEY_CHANNEL) | KEY_BIT(MIG_KEY_SEQ))
#define HEADER_LEN_BYTES 2U

_Static_assert(MIG_KEY_REASON < 64, "key bits fit a uint64_t");
_Static_assert(MIG_REPORT_LEN == PLAT_REPORT_LEN, "ATTEST carries a whole SNP report");
_Static_assert(MIG_PUBKEY_LEN == CRYPTO_P384_PUB_LEN, "ATTEST carries a P-384 point");
_Static_assert(MIG_CONFIRM_LEN == CRYPTO_SHA384_LEN, "confirmation is a SHA-384-sized MAC");
_Static_assert(MIG_DIGEST_LEN == CRYPTO_SHA384_LEN, "digests are SHA-384");
_Static_assert(MIG_COMMIT_HASH_LEN == CRYPTO_SHA384_LEN, "COMMIT hash is SHA-384");
_Static_assert(MIG_TAG_LEN == CRYPTO_AEAD_TAG_LEN, "record tag is the GCM tag");
_Static_assert(MIG_HEADER_MAX <= UINT16_MAX, "header_len is a u16");
_Static_assert(MIG_MAX_CHANNELS <= CRYPTO_MAX_CHANNELS, "a key per channel");

enum body_shape {
	BODY_NONE,  /* handshake: nothing after the header */
	BODY_TAG,   /* sealed, empty plaintext */
	BODY_PAGES, /* sealed data pages */
	BODY_VCPU,  /* sealed vCPU state */
};

struct record_spec {
	uint64_t keys; /* exactly these keys, no others */
	enum body_shape body;
	uint32_t header_max;
};

static const struct record_spec record_specs[] = {
    [MIG_REC_HELLO] = {COMMON_KEYS | KEY_BIT(MIG_KEY_VERSIONS) | KEY_BIT(MIG_KEY_CAPS) |
			   KEY_BIT(MIG_KEY_NONCE) | KEY_BIT(MIG_KEY_CHANNELS) |
			   KEY_BIT(MIG_KEY_ROLE),
		       BODY_NONE, MIG_HEADER_MAX},
    [MIG_REC_ATTEST] = {COMMON_KEYS | KEY_BIT(MIG_KEY_ROLE) | KEY_BIT(MIG_KEY_REPORT) |
			    KEY_BIT(MIG_KEY_VCEK) | KEY_BIT(MIG_KEY_CHAIN) |
			    KEY_BIT(MIG_KEY_PUBKEY),
			BODY_NONE, MIG_HEADER_MAX},
    [MIG_REC_KEYCONFIRM] = {COMMON_KEYS | KEY_BIT(MIG_KEY_CONFIRM), BODY_NONE, MIG_HEADER_MAX},
    [MIG_REC_PAGES] = {COMMON_KEYS | KEY_BIT(MIG_KEY_ROUND) | KEY_BIT(MIG_KEY_GPAS) |
			   KEY_BIT(MIG_KEY_KINDS),
		       BODY_PAGES, MIG_PAGES_HEADER_MAX},
    [MIG_REC_VCPU] = {COMMON_KEYS | KEY_BIT(MIG_KEY_ROUND) | KEY_BIT(MIG_KEY_VCPU), BODY_VCPU,
		      MIG_HEADER_MAX},
    [MIG_REC_ROUND_END] = {COMMON_KEYS | KEY_BIT(MIG_KEY_ROUND) | KEY_BIT(MIG_KEY_COUNT), BODY_TAG,
			   MIG_HEADER_MAX},
    [MIG_REC_COMMIT] = {COMMON_KEYS | KEY_BIT(MIG_KEY_LAST_SEQS) | KEY_BIT(MIG_KEY_DIGESTS) |
			    KEY_BIT(MIG_KEY_PAGES) | KEY_BIT(MIG_KEY_VCPUS),
			BODY_TAG, MIG_HEADER_MAX},
    [MIG_REC_ACK] = {COMMON_KEYS | KEY_BIT(MIG_KEY_COMMIT_HASH), BODY_TAG, MIG_HEADER_MAX},
    [MIG_REC_GO] = {COMMON_KEYS | KEY_BIT(MIG_KEY_COMMIT_HASH), BODY_TAG, MIG_HEADER_MAX},
    [MIG_REC_ABORT] = {COMMON_KEYS | KEY_BIT(MIG_KEY_REASON), BODY_TAG, MIG_HEADER_MAX},
    [MIG_REC_ROUND_ACK] = {COMMON_KEYS | KEY_BIT(MIG_KEY_ROUND), BODY_TAG, MIG_HEADER_MAX},
};

static const struct record_spec *spec_of(uint32_t type)
{
	if (type < MIG_REC_HELLO || type > MIG_REC_LAST) {
		return NULL;
	}
	return &record_specs[type];
}

bool mig_record_is_sealed(enum mig_record_type type)
{
	const struct record_spec *spec = spec_of(type);

	return spec != NULL && spec->body != BODY_NONE;
}

uint32_t mig_record_data_pages(const struct mig_record *rec)
{
	uint32_t data = 0;

	for (uint32_t i = 0; i < rec->gpa_count && i < MIG_PAGES_PER_RECORD; i++) {
		data += rec->kinds[i] == MIG_PAGE_DATA;
	}
	return data;
}

/* --- Field ranges, shared by the decoder and the encoder --------------------------------- */

static bool is_handshake(uint32_t type)
{
	return type == MIG_REC_HELLO || type == MIG_REC_ATTEST || type == MIG_REC_KEYCONFIRM;
}

static bool check_pages(const struct mig_record *rec)
{
	if (rec->gpa_count < 1 || rec->gpa_count > MIG_PAGES_PER_RECORD) {
		return false;
	}
	for (uint32_t i = 0; i < rec->gpa_count; i++) {
		uint64_t gpa = gpa_addr(rec->gpas[i]);

		if (!gpa_is_page_aligned(rec->gpas[i]) || gpa >= MIG_GPA_LIMIT ||
		    rec->kinds[i] > MIG_PAGE_INVALIDATED) {
			return false;
		}
		for (uint32_t j = 0; j < i; j++) {
			if (gpa_addr(rec->gpas[j]) == gpa) {
				return false;
			}
		}
	}
	return true;
}

static bool check_hello(const struct mig_record *rec)
{
	if (rec->version_count < 1 || rec->version_count > MIG_MAX_VERSIONS) {
		return false;
	}
	for (uint32_t i = 0; i < rec->version_count; i++) {
		if (rec->versions[i] == 0) {
			return false;
		}
	}
	return rec->nonce != NULL && rec->channels >= 1 && rec->channels <= MIG_MAX_CHANNELS &&
	       rec->role <= CRYPTO_ROLE_TARGET;
}

static bool check_attest(const struct mig_record *rec)
{
	return rec->role <= CRYPTO_ROLE_TARGET && rec->report != NULL && rec->pubkey != NULL &&
	       rec->vcek.data != NULL && rec->vcek.len >= 1 && rec->vcek.len <= MIG_HEADER_MAX &&
	       rec->chain.data != NULL && rec->chain.len >= 1 && rec->chain.len <= MIG_HEADER_MAX;
}

static bool check_commit(const struct mig_record *rec)
{
	if (rec->commit_channels < 1 || rec->commit_channels > MIG_MAX_CHANNELS) {
		return false;
	}
	for (uint32_t i = 0; i < rec->commit_channels; i++) {
		if (rec->digests[i] == NULL) {
			return false;
		}
	}
	return true;
}

static bool check_fields(const struct mig_record *rec)
{
	switch (rec->type) {
	case MIG_REC_HELLO:
		return check_hello(rec);
	case MIG_REC_ATTEST:
		return check_attest(rec);
	case MIG_REC_KEYCONFIRM:
		return rec->confirm != NULL;
	case MIG_REC_PAGES:
		return check_pages(rec);
	case MIG_REC_VCPU:
		return rec->vcpu < SVSM_MAX_CPUS;
	case MIG_REC_ROUND_END:
	case MIG_REC_ROUND_ACK:
		return true;
	case MIG_REC_COMMIT:
		return check_commit(rec);
	case MIG_REC_ACK:
	case MIG_REC_GO:
		return rec->commit_hash != NULL;
	case MIG_REC_ABORT:
		return rec->reason >= MIG_ERR_BAD_COMMAND && rec->reason <= MIG_ERR_INTERNAL;
	}
	return false;
}

enum mig_error mig_record_check(const struct mig_record *rec)
{
	if (spec_of(rec->type) == NULL || rec->channel >= MIG_MAX_CHANNELS) {
		return MIG_ERR_MALFORMED;
	}
	/* Handshake records travel unsealed on channel 0 only. */
	if (is_handshake(rec->type) && rec->channel != 0) {
		return MIG_ERR_MALFORMED;
	}
	return check_fields(rec) ? MIG_ERR_NONE : MIG_ERR_MALFORMED;
}

/* --- Decoder: one CBOR item at a time ----------------------------------------------------- */

enum item_kind {
	ITEM_NONE = 0,
	ITEM_UINT,
	ITEM_BSTR,
	ITEM_ARRAY,
	ITEM_MAP,
	ITEM_FORBIDDEN, /* anything our headers never contain */
};

struct item {
	enum item_kind kind;
	uint64_t value; /* the integer, the byte string's length, or the item count */
	const uint8_t *data;
};

static void on_uint8(void *ctx, uint8_t v)
{
	*(struct item *)ctx = (struct item){.kind = ITEM_UINT, .value = v};
}

static void on_uint16(void *ctx, uint16_t v)
{
	*(struct item *)ctx = (struct item){.kind = ITEM_UINT, .value = v};
}

static void on_uint32(void *ctx, uint32_t v)
{
	*(struct item *)ctx = (struct item){.kind = ITEM_UINT, .value = v};
}

static void on_uint64(void *ctx, uint64_t v)
{
	*(struct item *)ctx = (struct item){.kind = ITEM_UINT, .value = v};
}

static void on_bstr(void *ctx, cbor_data data, uint64_t len)
{
	*(struct item *)ctx = (struct item){.kind = ITEM_BSTR, .value = len, .data = data};
}

static void on_array(void *ctx, uint64_t count)
{
	*(struct item *)ctx = (struct item){.kind = ITEM_ARRAY, .value = count};
}

static void on_map(void *ctx, uint64_t count)
{
	*(struct item *)ctx = (struct item){.kind = ITEM_MAP, .value = count};
}

static void forbid(void *ctx)
{
	((struct item *)ctx)->kind = ITEM_FORBIDDEN;
}

static void forbid_u8(void *ctx, uint8_t v)
{
	(void)v;
	forbid(ctx);
}

static void forbid_u16(void *ctx, uint16_t v)
{
	(void)v;
	forbid(ctx);
}

static void forbid_u32(void *ctx, uint32_t v)
{
	(void)v;
	forbid(ctx);
}

static void forbid_u64(void *ctx, uint64_t v)
{
	(void)v;
	forbid(ctx);
}

static void forbid_string(void *ctx, cbor_data data, uint64_t len)
{
	(void)data;
	(void)len;
	forbid(ctx);
}

static void forbid_float(void *ctx, float v)
{
	(void)v;
	forbid(ctx);
}

static void forbid_double(void *ctx, double v)
{
	(void)v;
	forbid(ctx);
}

static void forbid_bool(void *ctx, bool v)
{
	(void)v;
	forbid(ctx);
}

/* libcbor's field names: byte_string/array_start/map_start are the definite forms. */
static const struct cbor_callbacks header_callbacks = {
    .uint8 = on_uint8,
    .uint16 = on_uint16,
    .uint32 = on_uint32,
    .uint64 = on_uint64,
    .negint8 = forbid_u8,
    .negint16 = forbid_u16,
    .negint32 = forbid_u32,
    .negint64 = forbid_u64,
    .byte_string = on_bstr,
    .byte_string_start = forbid,
    .string = forbid_string,
    .string_start = forbid,
    .array_start = on_array,
    .indef_array_start = forbid,
    .map_start = on_map,
    .indef_map_start = forbid,
    .tag = forbid_u64,
    .float2 = forbid_float,
    .float4 = forbid_float,
    .float8 = forbid_double,
    .undefined = forbid,
    .null = forbid,
    .boolean = forbid_bool,
    .indef_break = forbid,
};

struct reader {
	const uint8_t *pos;
	size_t left;
};

/* The next item of the header, if it is complete, well formed and of a kind we allow. */
static bool next_item(struct reader *r, struct item *it)
{
	struct cbor_decoder_result res;

	*it = (struct item){.kind = ITEM_NONE};
	res = cbor_stream_decode(r->pos, r->left, &header_callbacks, it);
	if (res.status != CBOR_DECODER_FINISHED || res.read == 0 || res.read > r->left) {
		return false;
	}
	r->pos += res.read;
	r->left -= res.read;
	return it->kind != ITEM_NONE && it->kind != ITEM_FORBIDDEN;
}

static bool read_uint(struct reader *r, uint64_t max, uint64_t *out)
{
	struct item it;

	if (!next_item(r, &it) || it.kind != ITEM_UINT || it.value > max) {
		return false;
	}
	*out = it.value;
	return true;
}

static bool read_u32(struct reader *r, uint32_t *out)
{
	uint64_t v = 0;

	if (!read_uint(r, UINT32_MAX, &v)) {
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool read_bstr(struct reader *r, size_t min, size_t max, struct mig_bytes *out)
{
	struct item it;

	if (!next_item(r, &it) || it.kind != ITEM_BSTR || it.value < min || it.value > max) {
		return false;
	}
	out->data = it.data;
	out->len = (size_t)it.value;
	return true;
}

static bool read_fixed(struct reader *r, size_t len, const uint8_t **out)
{
	struct mig_bytes bytes;

	if (!read_bstr(r, len, len, &bytes)) {
		return false;
	}
	*out = bytes.data;
	return true;
}

static bool read_array(struct reader *r, uint32_t max, uint32_t *count)
{
	struct item it;

	if (!next_item(r, &it) || it.kind != ITEM_ARRAY || it.value < 1 || it.value > max) {
		return false;
	}
	*count = (uint32_t)it.value;
	return true;
}

static bool read_gpas(struct reader *r, struct mig_record *rec)
{
	if (!read_array(r, MIG_PAGES_PER_RECORD, &rec->gpa_count)) {
		return false;
	}
	for (uint32_t i = 0; i < rec->gpa_count; i++) {
		uint64_t gpa = 0;

		if (!read_uint(r, UINT64_MAX, &gpa)) {
			return false;
		}
		rec->gpas[i] = gpa_init(gpa);
	}
	return true;
}

/* Kinds are checked against the GPA count once the whole map is read. */
static bool read_kinds(struct reader *r, struct mig_record *rec, size_t *kinds_len)
{
	struct mig_bytes kinds;

	if (!read_bstr(r, 1, MIG_PAGES_PER_RECORD, &kinds)) {
		return false;
	}
	memcpy(rec->kinds, kinds.data, kinds.len);
	*kinds_len = kinds.len;
	return true;
}

static bool read_versions(struct reader *r, struct mig_record *rec)
{
	if (!read_array(r, MIG_MAX_VERSIONS, &rec->version_count)) {
		return false;
	}
	for (uint32_t i = 0; i < rec->version_count; i++) {
		if (!read_u32(r, &rec->versions[i])) {
			return false;
		}
	}
	return true;
}

/* LAST_SEQS and DIGESTS are each one entry per channel: their counts must agree. */
static bool read_commit_count(struct reader *r, struct mig_record *rec, bool *seen)
{
	uint32_t count = 0;

	if (!read_array(r, MIG_MAX_CHANNELS, &count)) {
		return false;
	}
	if (*seen && count != rec->commit_channels) {
		return false;
	}
	*seen = true;
	rec->commit_channels = count;
	return true;
}

static bool read_last_seqs(struct reader *r, struct mig_record *rec, bool *seen)
{
	if (!read_commit_count(r, rec, seen)) {
		return false;
	}
	for (uint32_t i = 0; i < rec->commit_channels; i++) {
		if (!read_uint(r, UINT64_MAX, &rec->last_seqs[i])) {
			return false;
		}
	}
	return true;
}

static bool read_digests(struct reader *r, struct mig_record *rec, bool *seen)
{
	if (!read_commit_count(r, rec, seen)) {
		return false;
	}
	for (uint32_t i = 0; i < rec->commit_channels; i++) {
		if (!read_fixed(r, MIG_DIGEST_LEN, &rec->digests[i])) {
			return false;
		}
	}
	return true;
}

struct decode_state {
	struct mig_record *rec;
	uint64_t present;
	size_t kinds_len;
	bool commit_count_seen;
};

static bool read_value(struct reader *r, uint64_t key, struct decode_state *st)
{
	struct mig_record *rec = st->rec;
	uint32_t type = 0;

	switch (key) {
	case MIG_KEY_TYPE:
		if (!read_u32(r, &type)) {
			return false;
		}
		rec->type = (enum mig_record_type)type;
		return true;
	case MIG_KEY_CHANNEL:
		return read_u32(r, &rec->channel);
	case MIG_KEY_SEQ:
		return read_uint(r, UINT64_MAX, &rec->seq);
	case MIG_KEY_ROUND:
		return read_uint(r, UINT64_MAX, &rec->round);
	case MIG_KEY_GPAS:
		return read_gpas(r, rec);
	case MIG_KEY_KINDS:
		return read_kinds(r, rec, &st->kinds_len);
	case MIG_KEY_VCPU:
		return read_u32(r, &rec->vcpu);
	case MIG_KEY_COUNT:
		return read_uint(r, UINT64_MAX, &rec->count);
	case MIG_KEY_VERSIONS:
		return read_versions(r, rec);
	case MIG_KEY_CAPS:
		return read_uint(r, UINT64_MAX, &rec->caps);
	case MIG_KEY_NONCE:
		return read_fixed(r, MIG_NONCE_LEN, &rec->nonce);
	case MIG_KEY_CHANNELS:
		return read_u32(r, &rec->channels);
	case MIG_KEY_ROLE:
		return read_u32(r, &rec->role);
	case MIG_KEY_REPORT:
		return read_fixed(r, MIG_REPORT_LEN, &rec->report);
	case MIG_KEY_VCEK:
		return read_bstr(r, 1, MIG_HEADER_MAX, &rec->vcek);
	case MIG_KEY_CHAIN:
		return read_bstr(r, 1, MIG_HEADER_MAX, &rec->chain);
	case MIG_KEY_PUBKEY:
		return read_fixed(r, MIG_PUBKEY_LEN, &rec->pubkey);
	case MIG_KEY_CONFIRM:
		return read_fixed(r, MIG_CONFIRM_LEN, &rec->confirm);
	case MIG_KEY_LAST_SEQS:
		return read_last_seqs(r, rec, &st->commit_count_seen);
	case MIG_KEY_DIGESTS:
		return read_digests(r, rec, &st->commit_count_seen);
	case MIG_KEY_PAGES:
		return read_uint(r, UINT64_MAX, &rec->pages);
	case MIG_KEY_VCPUS:
		return read_uint(r, UINT64_MAX, &rec->vcpus);
	case MIG_KEY_COMMIT_HASH:
		return read_fixed(r, MIG_COMMIT_HASH_LEN, &rec->commit_hash);
	case MIG_KEY_REASON:
		return read_u32(r, &rec->reason);
	}
	return false;
}

/* Every key any record type may carry. */
static uint64_t known_keys(void)
{
	uint64_t keys = 0;

	for (uint32_t type = MIG_REC_HELLO; type <= MIG_REC_LAST; type++) {
		keys |= record_specs[type].keys;
	}
	return keys;
}

static bool decode_header(const uint8_t *header, size_t header_len, struct decode_state *st)
{
	struct reader r = {.pos = header, .left = header_len};
	const uint64_t known = known_keys();
	uint64_t last_key = 0;
	struct item map;

	if (!next_item(&r, &map) || map.kind != ITEM_MAP || map.value > 64) {
		return false;
	}
	for (uint64_t i = 0; i < map.value; i++) {
		uint64_t key = 0;

		/* Strictly ascending keys also rule out duplicates. */
		if (!read_uint(&r, 63, &key) || (i > 0 && key <= last_key) ||
		    (known & KEY_BIT(key)) == 0) {
			return false;
		}
		last_key = key;
		st->present |= KEY_BIT(key);
		if (!read_value(&r, key, st)) {
			return false;
		}
	}
	return r.left == 0;
}

static bool body_fits(const struct mig_record *rec, const struct record_spec *spec, size_t body_len)
{
	switch (spec->body) {
	case BODY_NONE:
		return body_len == 0;
	case BODY_TAG:
		return body_len == MIG_TAG_LEN;
	case BODY_PAGES:
		return body_len == (size_t)mig_record_data_pages(rec) * PAGE_SIZE + MIG_TAG_LEN;
	case BODY_VCPU:
		return body_len > MIG_TAG_LEN && body_len <= MIG_TAG_LEN + PLAT_VCPU_STATE_MAX;
	}
	return false;
}

static enum mig_error decode(const uint8_t *buf, size_t len, struct mig_record *rec)
{
	struct decode_state st = {.rec = rec};
	const struct record_spec *spec;
	size_t header_len;

	if (len < HEADER_LEN_BYTES) {
		return MIG_ERR_MALFORMED;
	}
	header_len = (size_t)buf[0] | (size_t)buf[1] << 8;
	if (header_len == 0 || header_len > MIG_HEADER_MAX || header_len > len - HEADER_LEN_BYTES) {
		return MIG_ERR_MALFORMED;
	}
	if (!decode_header(buf + HEADER_LEN_BYTES, header_len, &st)) {
		return MIG_ERR_MALFORMED;
	}
	spec = spec_of(rec->type);
	if (spec == NULL || st.present != spec->keys || header_len > spec->header_max) {
		return MIG_ERR_MALFORMED;
	}
	if (rec->type == MIG_REC_PAGES && st.kinds_len != rec->gpa_count) {
		return MIG_ERR_MALFORMED;
	}
	if (mig_record_check(rec) != MIG_ERR_NONE) {
		return MIG_ERR_MALFORMED;
	}
	rec->aad = (struct mig_bytes){.data = buf, .len = HEADER_LEN_BYTES + header_len};
	rec->body = (struct mig_bytes){.data = buf + rec->aad.len, .len = len - rec->aad.len};
	if (!body_fits(rec, spec, rec->body.len)) {
		return MIG_ERR_MALFORMED;
	}
	return MIG_ERR_NONE;
}

enum mig_error mig_record_decode(const void *buf, size_t len, struct mig_record *rec)
{
	enum mig_error err;

	memset(rec, 0, sizeof(*rec));
	if (buf == NULL) {
		return MIG_ERR_MALFORMED;
	}
	err = decode(buf, len, rec);
	if (err != MIG_ERR_NONE) {
		memset(rec, 0, sizeof(*rec));
	}
	return err;
}

/* --- Encoder ------------------------------------------------------------------------------ */

struct writer {
	uint8_t *buf;
	size_t cap;
	size_t pos;
	bool overflow;
};

static void advance(struct writer *w, size_t written)
{
	if (written == 0) {
		w->overflow = true;
	}
	w->pos += written;
}

static void put_uint(struct writer *w, uint64_t v)
{
	if (!w->overflow) {
		advance(w, cbor_encode_uint(v, w->buf + w->pos, w->cap - w->pos));
	}
}

static void put_array(struct writer *w, size_t count)
{
	if (!w->overflow) {
		advance(w, cbor_encode_array_start(count, w->buf + w->pos, w->cap - w->pos));
	}
}

static void put_map(struct writer *w, size_t count)
{
	if (!w->overflow) {
		advance(w, cbor_encode_map_start(count, w->buf + w->pos, w->cap - w->pos));
	}
}

static void put_bstr(struct writer *w, const uint8_t *data, size_t len)
{
	if (w->overflow) {
		return;
	}
	advance(w, cbor_encode_bytestring_start(len, w->buf + w->pos, w->cap - w->pos));
	if (w->overflow) {
		return;
	}
	if (len > w->cap - w->pos) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->pos, data, len);
	w->pos += len;
}

static void put_value(struct writer *w, uint32_t key, const struct mig_record *rec)
{
	switch (key) {
	case MIG_KEY_TYPE:
		put_uint(w, rec->type);
		return;
	case MIG_KEY_CHANNEL:
		put_uint(w, rec->channel);
		return;
	case MIG_KEY_SEQ:
		put_uint(w, rec->seq);
		return;
	case MIG_KEY_ROUND:
		put_uint(w, rec->round);
		return;
	case MIG_KEY_GPAS:
		put_array(w, rec->gpa_count);
		for (uint32_t i = 0; i < rec->gpa_count; i++) {
			put_uint(w, gpa_addr(rec->gpas[i]));
		}
		return;
	case MIG_KEY_KINDS:
		put_bstr(w, rec->kinds, rec->gpa_count);
		return;
	case MIG_KEY_VCPU:
		put_uint(w, rec->vcpu);
		return;
	case MIG_KEY_COUNT:
		put_uint(w, rec->count);
		return;
	case MIG_KEY_VERSIONS:
		put_array(w, rec->version_count);
		for (uint32_t i = 0; i < rec->version_count; i++) {
			put_uint(w, rec->versions[i]);
		}
		return;
	case MIG_KEY_CAPS:
		put_uint(w, rec->caps);
		return;
	case MIG_KEY_NONCE:
		put_bstr(w, rec->nonce, MIG_NONCE_LEN);
		return;
	case MIG_KEY_CHANNELS:
		put_uint(w, rec->channels);
		return;
	case MIG_KEY_ROLE:
		put_uint(w, rec->role);
		return;
	case MIG_KEY_REPORT:
		put_bstr(w, rec->report, MIG_REPORT_LEN);
		return;
	case MIG_KEY_VCEK:
		put_bstr(w, rec->vcek.data, rec->vcek.len);
		return;
	case MIG_KEY_CHAIN:
		put_bstr(w, rec->chain.data, rec->chain.len);
		return;
	case MIG_KEY_PUBKEY:
		put_bstr(w, rec->pubkey, MIG_PUBKEY_LEN);
		return;
	case MIG_KEY_CONFIRM:
		put_bstr(w, rec->confirm, MIG_CONFIRM_LEN);
		return;
	case MIG_KEY_LAST_SEQS:
		put_array(w, rec->commit_channels);
		for (uint32_t i = 0; i < rec->commit_channels; i++) {
			put_uint(w, rec->last_seqs[i]);
		}
		return;
	case MIG_KEY_DIGESTS:
		put_array(w, rec->commit_channels);
		for (uint32_t i = 0; i < rec->commit_channels; i++) {
			put_bstr(w, rec->digests[i], MIG_DIGEST_LEN);
		}
		return;
	case MIG_KEY_PAGES:
		put_uint(w, rec->pages);
		return;
	case MIG_KEY_VCPUS:
		put_uint(w, rec->vcpus);
		return;
	case MIG_KEY_COMMIT_HASH:
		put_bstr(w, rec->commit_hash, MIG_COMMIT_HASH_LEN);
		return;
	case MIG_KEY_REASON:
		put_uint(w, rec->reason);
		return;
	}
	w->overflow = true;
}

static size_t key_count(uint64_t keys)
{
	size_t count = 0;

	for (; keys != 0; keys &= keys - 1) {
		count++;
	}
	return count;
}

enum mig_error mig_record_encode(const struct mig_record *rec, void *out, size_t cap, size_t *len)
{
	const struct record_spec *spec;
	struct writer w = {.buf = out, .cap = cap, .pos = HEADER_LEN_BYTES};
	size_t header_len;

	*len = 0;
	if (mig_record_check(rec) != MIG_ERR_NONE) {
		return MIG_ERR_MALFORMED;
	}
	if (out == NULL || cap < HEADER_LEN_BYTES) {
		return MIG_ERR_INTERNAL;
	}
	spec = spec_of(rec->type);
	put_map(&w, key_count(spec->keys));
	for (uint32_t key = 0; key < 64; key++) {
		if ((spec->keys & KEY_BIT(key)) != 0) {
			put_uint(&w, key);
			put_value(&w, key, rec);
		}
	}
	if (w.overflow) {
		return MIG_ERR_INTERNAL;
	}
	header_len = w.pos - HEADER_LEN_BYTES;
	if (header_len > spec->header_max) {
		return MIG_ERR_MALFORMED;
	}
	w.buf[0] = (uint8_t)header_len;
	w.buf[1] = (uint8_t)(header_len >> 8);
	*len = w.pos;
	return MIG_ERR_NONE;
}

/* --- Sealing ------------------------------------------------------------------------------ */

/* The plaintext length the record's type and fields imply, or false when none can be right. */
static bool plaintext_fits(const struct mig_record *rec, size_t plaintext_len)
{
	const struct record_spec *spec = spec_of(rec->type);

	return spec != NULL && spec->body != BODY_NONE &&
	       body_fits(rec, spec, plaintext_len + MIG_TAG_LEN);
}

enum mig_error mig_record_seal(struct crypto_aead *key, const struct mig_record *rec,
			       const void *plaintext, size_t plaintext_len, void *out, size_t cap,
			       size_t *len)
{
	uint8_t *bytes = out;
	size_t aad_len = 0;
	enum mig_error err;

	*len = 0;
	if (!mig_record_is_sealed(rec->type) || rec->channel != key->channel) {
		return MIG_ERR_INTERNAL;
	}
	err = mig_record_encode(rec, out, cap, &aad_len);
	if (err != MIG_ERR_NONE) {
		return MIG_ERR_INTERNAL;
	}
	if (!plaintext_fits(rec, plaintext_len) || cap - aad_len < plaintext_len + MIG_TAG_LEN) {
		return MIG_ERR_INTERNAL;
	}
	if (crypto_aead_seal(key, rec->seq, bytes, aad_len, plaintext, plaintext_len,
			     bytes + aad_len, bytes + aad_len + plaintext_len) != CRYPTO_OK) {
		return MIG_ERR_INTERNAL;
	}
	*len = aad_len + plaintext_len + MIG_TAG_LEN;
	return MIG_ERR_NONE;
}

static enum mig_error open_body(struct crypto_aead *key, const struct mig_record *rec,
				void *plaintext, size_t cap, size_t *len)
{
	size_t ciphertext_len;
	enum crypto_status status;

	if (!mig_record_is_sealed(rec->type) || rec->body.data == NULL ||
	    rec->body.len < MIG_TAG_LEN) {
		return MIG_ERR_INTERNAL;
	}
	ciphertext_len = rec->body.len - MIG_TAG_LEN;
	if (ciphertext_len > cap || (ciphertext_len != 0 && plaintext == NULL)) {
		return MIG_ERR_INTERNAL;
	}
	if (rec->channel != key->channel) {
		return MIG_ERR_AUTH;
	}
	status = crypto_aead_open(key, rec->seq, rec->aad.data, rec->aad.len, rec->body.data,
				  ciphertext_len, plaintext, rec->body.data + ciphertext_len);
	if (status == CRYPTO_ERR_AUTH) {
		return MIG_ERR_AUTH;
	}
	if (status != CRYPTO_OK) {
		return MIG_ERR_INTERNAL;
	}
	*len = ciphertext_len;
	return MIG_ERR_NONE;
}

enum mig_error mig_record_open(struct crypto_aead *key, const struct mig_record *rec,
			       void *plaintext, size_t cap, size_t *len)
{
	enum mig_error err;

	*len = 0;
	err = open_body(key, rec, plaintext, cap, len);
	if (err != MIG_ERR_NONE && plaintext != NULL) {
		crypto_wipe(plaintext, cap);
		*len = 0;
	}
	return err;
}
