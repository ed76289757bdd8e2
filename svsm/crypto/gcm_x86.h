/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM with AES-NI, PCLMULQDQ and SSSE3: the fast path behind crypto_aead_* (crypto_aead.c
 * falls back to mbedTLS when the CPU lacks these). Internal to svsm/crypto; the tests call it
 * directly to check it against the published vectors and against mbedTLS.
 *
 * Call nothing here but gcm_x86_supported() unless it returned true: the other functions execute
 * the instructions unconditionally.
 */
#ifndef SVSM_CRYPTO_GCM_X86_H
#define SVSM_CRYPTO_GCM_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GCM_X86_KEY_LEN	   32
#define GCM_X86_TAG_LEN	   16
#define GCM_X86_ROUND_KEYS 15 /* AES-256: 14 rounds */
#define GCM_X86_H_POWERS   8  /* blocks hashed per reduction */
/* NIST SP 800-38D: at most 2^39 - 256 bits per record, so the 32-bit counter never wraps. */
#define GCM_X86_MAX_LEN ((1ull << 36) - 32)

/* The expanded key: plain bytes (no pointers), so it can live in struct crypto_aead and be wiped
 * there. Powers of H are stored byte-reflected, the form the multiplication works in. */
struct gcm_x86_key {
	uint8_t rk[GCM_X86_ROUND_KEYS][16]; /* AES-256 encryption round keys */
	uint8_t h[GCM_X86_H_POWERS][16];    /* h[i] = H^(i+1) */
	uint8_t hk[GCM_X86_H_POWERS][8];    /* high ^ low half of h[i], for Karatsuba */
};

/* True when the CPU has SSE2, SSSE3, AES-NI and PCLMULQDQ (probed once). */
bool gcm_x86_supported(void);

void gcm_x86_setkey(struct gcm_x86_key *key, const uint8_t k[GCM_X86_KEY_LEN]);

/*
 * One-shot GCM with any IV length >= 1 (12 bytes is the fast case; the others exist for the
 * published vectors). in and out may be the same buffer but must not otherwise overlap, and
 * len, ad_len <= GCM_X86_MAX_LEN. Each input block is read once: the ciphertext hashed is the
 * ciphertext written (seal) or decrypted (open), even if another party changes the input buffer
 * meanwhile. open() returns true when the tag verifies (compared in constant time); otherwise it
 * zeroes out[0..len) and returns false.
 */
void gcm_x86_seal(const struct gcm_x86_key *key, const uint8_t *iv, size_t iv_len,
		  const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t len, uint8_t *out,
		  uint8_t tag[GCM_X86_TAG_LEN]);
bool gcm_x86_open(const struct gcm_x86_key *key, const uint8_t *iv, size_t iv_len,
		  const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t len, uint8_t *out,
		  const uint8_t tag[GCM_X86_TAG_LEN]);

#endif
