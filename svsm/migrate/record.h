/* SPDX-License-Identifier: MIT */
/*
 * Stream records (include/svsm/migrate_stream.h): encoding, strict decoding and sealing.
 *
 *   record := header_len (u16 LE) || header (CBOR map, uint keys ascending) || body
 *
 * The decoder takes hostile bytes (always a private copy: never shared memory, which could change
 * under it) and either fills a struct mig_record whose byte strings point into that buffer, or
 * fails with MIG_ERR_MALFORMED. It allocates nothing (libcbor's callback decoder, one item at a
 * time) and accepts exactly one header shape per record type:
 *
 *   - a definite-length map, uint keys strictly ascending (so each at most once), all known, and
 *     exactly the keys the record type carries (record.c, record_specs[]);
 *   - values of the key's CBOR type only: no tags, floats, simple values, negative integers, text
 *     strings or indefinite-length items anywhere; integers must fit their field;
 *   - fixed-size byte strings of exactly their size (nonce 32, public key 97, confirmation 48,
 *     digests and commit hash 48, report 1184);
 *   - per-field ranges (mig_record_check): channel < MIG_MAX_CHANNELS and 0 for handshake
 *     records, 1..16 page-aligned distinct GPAs below 2^52 with one valid kind each, etc.;
 *   - header_len within the record and at most MIG_HEADER_MAX (MIG_PAGES_HEADER_MAX for PAGES),
 *     no bytes left over inside the header;
 *   - a body of exactly the size the type implies: none for handshake records, the 16-byte tag
 *     alone for ROUND_END, COMMIT, ACK, GO and ABORT, the data pages plus tag for PAGES, and
 *     1..PLAT_VCPU_STATE_MAX bytes plus tag for VCPU.
 *
 * The encoder writes the canonical form of the same struct (ascending keys, definite lengths,
 * shortest integers) after the same checks, so whatever it produces the decoder accepts.
 */
#ifndef SVSM_MIGRATE_RECORD_H
#define SVSM_MIGRATE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/crypto/crypto.h"
#include "svsm/migrate_stream.h"
#include "svsm/types.h"

#define MIG_PUBKEY_LEN	    97U
#define MIG_CONFIRM_LEN	    48U
#define MIG_DIGEST_LEN	    48U
#define MIG_COMMIT_HASH_LEN 48U
#define MIG_REPORT_LEN	    1184U
#define MIG_MAX_VERSIONS    8U
#define MIG_GPA_LIMIT	    (1ULL << 52) /* x86-64's largest physical address width */

/* A span of the caller's buffer. */
struct mig_bytes {
	const uint8_t *data;
	size_t len;
};

/*
 * One record's header fields. Only the fields of the record's type are meaningful; fixed-size
 * byte strings are pointers to exactly their size. After decoding, every pointer points into the
 * buffer that was decoded; for encoding, they point wherever the caller keeps the bytes.
 */
struct mig_record {
	enum mig_record_type type;
	uint32_t channel;
	uint64_t seq;
	uint64_t round; /* PAGES, VCPU, ROUND_END */

	/* PAGES */
	uint32_t gpa_count;
	gpa_t gpas[MIG_PAGES_PER_RECORD];
	uint8_t kinds[MIG_PAGES_PER_RECORD]; /* enum mig_page_kind, one per GPA */

	uint32_t vcpu;	/* VCPU */
	uint64_t count; /* ROUND_END */

	/* HELLO */
	uint32_t version_count;
	uint32_t versions[MIG_MAX_VERSIONS];
	uint64_t caps;
	const uint8_t *nonce; /* MIG_NONCE_LEN */
	uint32_t channels;
	uint32_t role; /* HELLO, ATTEST: enum crypto_role */

	/* ATTEST */
	const uint8_t *report; /* MIG_REPORT_LEN */
	struct mig_bytes vcek;
	struct mig_bytes chain;
	const uint8_t *pubkey; /* MIG_PUBKEY_LEN */

	const uint8_t *confirm; /* KEYCONFIRM: MIG_CONFIRM_LEN */

	/* COMMIT: one last sequence and one digest per channel */
	uint32_t commit_channels;
	uint64_t last_seqs[MIG_MAX_CHANNELS];
	const uint8_t *digests[MIG_MAX_CHANNELS]; /* MIG_DIGEST_LEN each */
	uint64_t pages;
	uint64_t vcpus;

	const uint8_t *commit_hash; /* ACK, GO: MIG_COMMIT_HASH_LEN */
	uint32_t reason;	    /* ABORT: enum mig_error */

	/* Set by the decoder: aad = header_len || header, body = what follows it. */
	struct mig_bytes aad;
	struct mig_bytes body;
};

/* Records whose body is AES-256-GCM sealed (everything after the handshake). */
bool mig_record_is_sealed(enum mig_record_type type);
/* PAGES: how many of the GPAs carry contents (kind MIG_PAGE_DATA). */
uint32_t mig_record_data_pages(const struct mig_record *rec);

/* The field ranges of rec's type (what the decoder enforces after parsing): MIG_ERR_NONE or
 * MIG_ERR_MALFORMED. */
enum mig_error mig_record_check(const struct mig_record *rec);

/*
 * Decodes and validates a whole record (header and body size). MIG_ERR_NONE, or
 * MIG_ERR_MALFORMED with *rec zeroed. buf must stay unchanged while rec is used.
 */
enum mig_error mig_record_decode(const void *buf, size_t len, struct mig_record *rec);

/*
 * Writes header_len || header for rec into out; for unsealed (handshake) records that is the
 * whole record. *len gets the bytes written. MIG_ERR_MALFORMED when rec fails
 * mig_record_check() or the header would exceed its limit, MIG_ERR_INTERNAL when it does not fit
 * cap.
 */
enum mig_error mig_record_encode(const struct mig_record *rec, void *out, size_t cap, size_t *len);

/*
 * Encodes a sealed record: the header as above, then plaintext sealed under key with
 * aad = header_len || header and the nonce of (key's channel, rec->seq), then the tag. rec's
 * channel must be the key's channel and plaintext_len what the type implies (PAGES: 4096 bytes
 * per data page, in GPA order; VCPU: 1..PLAT_VCPU_STATE_MAX; others: 0). plaintext must not
 * overlap out. MIG_ERR_INTERNAL for any misuse or a refused sequence (the key never seals twice
 * under one nonce); out is then not a valid record.
 */
enum mig_error mig_record_seal(struct crypto_aead *key, const struct mig_record *rec,
			       const void *plaintext, size_t plaintext_len, void *out, size_t cap,
			       size_t *len);

/*
 * Opens the body of a decoded sealed record into plaintext (private memory, cap bytes, not
 * overlapping the record). *len gets the plaintext length. MIG_ERR_AUTH when the record is not on
 * the key's channel or does not authenticate; MIG_ERR_INTERNAL for misuse (cap too small, not a
 * sealed record). On any failure *len is 0 and all cap bytes of plaintext are zeroed. Sequence
 * order is the caller's to enforce.
 */
enum mig_error mig_record_open(struct crypto_aead *key, const struct mig_record *rec,
			       void *plaintext, size_t cap, size_t *len);

#endif
