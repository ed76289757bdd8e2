/* SPDX-License-Identifier: MIT */
/*
 * The migration stream, version 1: records the source and target handlers exchange through the
 * rings (include/svsm/migrate_abi.h) and the hosts' network connections. Wire format:
 *
 *   record := header_len (u16, little endian) || header (CBOR map, header_len bytes) || body
 *
 * The header is a definite-length CBOR map with unsigned integer keys (MIG_KEY_*) in ascending
 * order, each at most once; unknown keys are an error. After the handshake every record is
 * sealed: body = AES-256-GCM(key[direction][channel], nonce(channel, seq), aad, plaintext) || tag
 * with aad = header_len || header, so type, channel, sequence, round and GPAs are all bound.
 * Records with nothing secret (ROUND_END, ROUND_ACK, COMMIT, ACK, GO, ABORT) have an empty
 * plaintext: the
 * body is the 16-byte tag alone. Handshake records (HELLO, ATTEST, KEYCONFIRM) travel on channel
 * 0 unsealed; each side hashes their exact bytes into the transcript that KEYCONFIRM and the
 * ATTEST binding cover.
 *
 * Sequence numbers are per channel and per direction, start at 0 and increase by exactly one,
 * so a dropped, duplicated, replayed or reordered record is detected at the first gap.
 */
#ifndef SVSM_MIGRATE_STREAM_H
#define SVSM_MIGRATE_STREAM_H

#include "svsm/migrate_abi.h"
#include "svsm/types.h"

#define MIG_STREAM_VERSION 1U

enum mig_record_type {
	MIG_REC_HELLO = 1,	/* versions, capabilities, nonce, channels, role */
	MIG_REC_ATTEST = 2,	/* report, VCEK, chain, ECDH public key */
	MIG_REC_KEYCONFIRM = 3, /* key-confirmation value over the transcript */
	MIG_REC_PAGES = 4,	/* GPAs, kinds, sealed contents of the data pages */
	MIG_REC_VCPU = 5,	/* one vCPU's sealed state */
	MIG_REC_ROUND_END = 6,	/* end of a round on this channel: count of pages sent */
	MIG_REC_COMMIT = 7,	/* per-channel last sequence, page digest, vCPU count */
	MIG_REC_ACK = 8,	/* target: COMMIT verified, waiting for GO */
	MIG_REC_GO = 9,		/* source: the guest is yours; I will never run it again */
	MIG_REC_ABORT = 10,	/* either side: give up (honoured only before the commit point) */
	MIG_REC_ROUND_ACK = 11, /* target: every channel's ROUND_END up to this round is applied */
};
#define MIG_REC_LAST MIG_REC_ROUND_ACK

/* Header map keys. */
enum mig_key {
	MIG_KEY_TYPE = 1,	  /* uint: enum mig_record_type (all records) */
	MIG_KEY_CHANNEL = 2,	  /* uint: channel (all records) */
	MIG_KEY_SEQ = 3,	  /* uint: sequence number (all records) */
	MIG_KEY_ROUND = 4,	  /* uint: pre-copy round (PAGES, ROUND_END, ROUND_ACK, VCPU) */
	MIG_KEY_GPAS = 5,	  /* array of uint: page-aligned GPAs (PAGES) */
	MIG_KEY_KINDS = 6,	  /* bstr, one enum mig_page_kind per GPA (PAGES) */
	MIG_KEY_VCPU = 7,	  /* uint: vCPU index (VCPU) */
	MIG_KEY_COUNT = 8,	  /* uint: pages in the round on this channel (ROUND_END) */
	MIG_KEY_VERSIONS = 16,	  /* array of uint: stream versions spoken (HELLO) */
	MIG_KEY_CAPS = 17,	  /* uint: capability bits (HELLO) */
	MIG_KEY_NONCE = 18,	  /* bstr 32: fresh random nonce (HELLO) */
	MIG_KEY_CHANNELS = 19,	  /* uint: channels offered (source) or accepted (target) (HELLO) */
	MIG_KEY_ROLE = 20,	  /* uint: enum crypto_role (HELLO, ATTEST) */
	MIG_KEY_REPORT = 21,	  /* bstr: ATTESTATION_REPORT (ATTEST) */
	MIG_KEY_VCEK = 22,	  /* bstr: VCEK certificate, DER (ATTEST) */
	MIG_KEY_CHAIN = 23,	  /* bstr: ASK and ARK, PEM (ATTEST) */
	MIG_KEY_PUBKEY = 24,	  /* bstr 97: ECDH P-384 public key (ATTEST) */
	MIG_KEY_CONFIRM = 25,	  /* bstr 48: key confirmation (KEYCONFIRM) */
	MIG_KEY_LAST_SEQS = 32,	  /* array of uint: last data sequence per channel (COMMIT) */
	MIG_KEY_DIGESTS = 33,	  /* array of bstr 48: per-channel (GPA, round) digest (COMMIT) */
	MIG_KEY_PAGES = 34,	  /* uint: total page entries sent (COMMIT) */
	MIG_KEY_VCPUS = 35,	  /* uint: vCPU states sent (COMMIT) */
	MIG_KEY_COMMIT_HASH = 36, /* bstr 48: SHA-384 of the COMMIT record (ACK, GO) */
	MIG_KEY_REASON = 37,	  /* uint: enum mig_error (ABORT) */
};

enum mig_page_kind {
	MIG_PAGE_DATA = 0,	  /* contents follow in the sealed body, in GPA order */
	MIG_PAGE_ZERO = 1,	  /* validated and all zero: no contents on the wire */
	MIG_PAGE_INVALIDATED = 2, /* the guest invalidated it since it was sent */
};

#define MIG_PAGES_PER_RECORD 16U
#define MIG_NONCE_LEN	     32U
#define MIG_HEADER_MAX	     16384U /* ATTEST carries the report and certificates */
#define MIG_PAGES_HEADER_MAX 512U   /* 16 GPAs, their kinds and the fixed keys */
#define MIG_TAG_LEN	     16U
#define MIG_RECORD_MAX	     MIG_SLOT_DATA_MAX

_Static_assert(2U + MIG_PAGES_HEADER_MAX + MIG_PAGES_PER_RECORD * PAGE_SIZE + MIG_TAG_LEN <=
		   MIG_RECORD_MAX,
	       "a full PAGES record fits one slot");
_Static_assert(2U + MIG_HEADER_MAX + MIG_TAG_LEN <= MIG_RECORD_MAX, "any header fits one slot");

#endif
