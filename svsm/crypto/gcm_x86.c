/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM on AES-NI and PCLMULQDQ, after Gueron & Kounavis, "Intel Carry-Less Multiplication
 * Instruction and its Usage for Computing the GCM Mode". mbedTLS 3.6 runs GCM one block at a time
 * (each AESENC and each GHASH step waits for the one before); here CTR runs eight blocks at once so
 * the AESENC latencies overlap, and GHASH sums eight Karatsuba products with the precomputed
 * powers H^8..H^1 and reduces once.
 *
 * Constant time: secrets live only in vector registers, the key and short wiped stack buffers;
 * nothing is looked up by a secret index and every branch depends on lengths only.
 *
 * GHASH works on byte-reflected blocks (one PSHUFB each). PCLMULQDQ then computes the reflected
 * product shifted right by one bit, which the reduction undoes with a left shift of the 256-bit
 * sum (the paper's algorithm 5).
 *
 * The same source builds freestanding for the SVSM (-msse2 -maes -mpclmul) and hosted without those
 * flags: every function using the instructions carries GCM_TARGET.
 */
#include "gcm_x86.h"

#include <cpuid.h>
#include <emmintrin.h>
#include <tmmintrin.h>
#include <wmmintrin.h>

#include "svsm/check.h"

#include "crypto.h"

#define GCM_TARGET __attribute__((target("sse2,ssse3,aes,pclmul")))
#define GCM_INLINE static inline __attribute__((always_inline)) GCM_TARGET

/* size_t, so that offsets and lengths built from it are computed in the width they are used in. */
#define BLOCK ((size_t)16)
#define LANES GCM_X86_H_POWERS /* blocks per CTR batch and per GHASH reduction */

_Static_assert(sizeof(struct gcm_x86_key) ==
		   GCM_X86_ROUND_KEYS * 16 + GCM_X86_H_POWERS * 16 + GCM_X86_H_POWERS * 8,
	       "gcm_x86_key has no padding to leak or forget to wipe");

bool gcm_x86_supported(void)
{
	/* The one mutable static: 0 not probed yet, 1 no, 2 yes. Racing probes store the same. */
	static int probed;
	int state = __atomic_load_n(&probed, __ATOMIC_RELAXED);

	if (state == 0) {
		unsigned int eax, ebx, ecx, edx;
		bool ok = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (edx & bit_SSE2) &&
			  (ecx & bit_SSSE3) && (ecx & bit_AES) && (ecx & bit_PCLMUL);

		state = ok ? 2 : 1;
		__atomic_store_n(&probed, state, __ATOMIC_RELAXED);
	}
	return state == 2;
}

GCM_INLINE __m128i load(const uint8_t *p)
{
	return _mm_loadu_si128((const __m128i_u *)(const void *)p);
}

GCM_INLINE void store(uint8_t *p, __m128i v)
{
	_mm_storeu_si128((__m128i_u *)(void *)p, v);
}

/* Byte reversal: the GHASH representation, and the counter with its 32-bit BE field in lane 0. */
GCM_INLINE __m128i reflect(__m128i v)
{
	return _mm_shuffle_epi8(v,
				_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/* --- AES-256 ------------------------------------------------------------------------------- */

/* Word i becomes w0 ^ ... ^ wi: the chained XOR of the key expansion. */
GCM_INLINE __m128i prefix_xor(__m128i k)
{
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	return _mm_xor_si128(k, _mm_slli_si128(k, 8));
}

/* Even round keys: RotWord(SubWord(last word)) ^ rcon, from AESKEYGENASSIST's word 3. */
GCM_INLINE __m128i expand_even(__m128i prev, __m128i assist)
{
	return _mm_xor_si128(prefix_xor(prev), _mm_shuffle_epi32(assist, 0xff));
}

/* Odd round keys (AES-256 only): SubWord(last word), AESKEYGENASSIST's word 2. */
GCM_INLINE __m128i expand_odd(__m128i prev, __m128i even)
{
	return _mm_xor_si128(prefix_xor(prev),
			     _mm_shuffle_epi32(_mm_aeskeygenassist_si128(even, 0), 0xaa));
}

static GCM_TARGET void aes256_expand(uint8_t rk[GCM_X86_ROUND_KEYS][16], const uint8_t *k)
{
	__m128i a = load(k);
	__m128i b = load(k + 16);

	store(rk[0], a);
	store(rk[1], b);
	/* AESKEYGENASSIST takes its round constant as an immediate, hence no loop. */
	a = expand_even(a, _mm_aeskeygenassist_si128(b, 0x01));
	store(rk[2], a);
	b = expand_odd(b, a);
	store(rk[3], b);
	a = expand_even(a, _mm_aeskeygenassist_si128(b, 0x02));
	store(rk[4], a);
	b = expand_odd(b, a);
	store(rk[5], b);
	a = expand_even(a, _mm_aeskeygenassist_si128(b, 0x04));
	store(rk[6], a);
	b = expand_odd(b, a);
	store(rk[7], b);
	a = expand_even(a, _mm_aeskeygenassist_si128(b, 0x08));
	store(rk[8], a);
	b = expand_odd(b, a);
	store(rk[9], b);
	a = expand_even(a, _mm_aeskeygenassist_si128(b, 0x10));
	store(rk[10], a);
	b = expand_odd(b, a);
	store(rk[11], b);
	a = expand_even(a, _mm_aeskeygenassist_si128(b, 0x20));
	store(rk[12], a);
	b = expand_odd(b, a);
	store(rk[13], b);
	a = expand_even(a, _mm_aeskeygenassist_si128(b, 0x40));
	store(rk[14], a);
}

GCM_INLINE __m128i aes256_block(const struct gcm_x86_key *key, __m128i b)
{
	b = _mm_xor_si128(b, load(key->rk[0]));
	for (unsigned r = 1; r < GCM_X86_ROUND_KEYS - 1; r++) {
		b = _mm_aesenc_si128(b, load(key->rk[r]));
	}
	return _mm_aesenclast_si128(b, load(key->rk[GCM_X86_ROUND_KEYS - 1]));
}

/* --- GHASH --------------------------------------------------------------------------------- */

/* An unreduced sum of 256-bit products, Karatsuba style: lo = a0 b0, hi = a1 b1 and
 * mid = (a0 ^ a1)(b0 ^ b1); the reduction recovers the middle term as mid ^ lo ^ hi. */
struct ghash_sum {
	__m128i lo, mid, hi;
};

/* sum += x * H^power, x reflected, 1 <= power <= LANES. */
GCM_INLINE void ghash_mul_add(struct ghash_sum *sum, const struct gcm_x86_key *key, __m128i x,
			      unsigned power)
{
	__m128i h = load(key->h[power - 1]);
	__m128i hk = _mm_loadl_epi64((const __m128i_u *)(const void *)key->hk[power - 1]);
	__m128i xk = _mm_xor_si128(x, _mm_shuffle_epi32(x, 0x4e));

	sum->lo = _mm_xor_si128(sum->lo, _mm_clmulepi64_si128(x, h, 0x00));
	sum->hi = _mm_xor_si128(sum->hi, _mm_clmulepi64_si128(x, h, 0x11));
	sum->mid = _mm_xor_si128(sum->mid, _mm_clmulepi64_si128(xk, hk, 0x00));
}

/* The 256-bit sum, shifted left one bit and reduced modulo x^128 + x^7 + x^2 + x + 1. */
GCM_INLINE __m128i ghash_reduce(struct ghash_sum sum)
{
	__m128i mid = _mm_xor_si128(sum.mid, _mm_xor_si128(sum.lo, sum.hi));
	__m128i lo = _mm_xor_si128(sum.lo, _mm_slli_si128(mid, 8));
	__m128i hi = _mm_xor_si128(sum.hi, _mm_srli_si128(mid, 8));
	__m128i c_lo = _mm_srli_epi32(lo, 31);
	__m128i c_hi = _mm_srli_epi32(hi, 31);
	__m128i t;
	__m128i u;

	/* Shift hi:lo left by one; each 32-bit lane's top bit carries into the next lane. */
	lo = _mm_or_si128(_mm_slli_epi32(lo, 1), _mm_slli_si128(c_lo, 4));
	hi = _mm_or_si128(_mm_slli_epi32(hi, 1), _mm_slli_si128(c_hi, 4));
	hi = _mm_or_si128(hi, _mm_srli_si128(c_lo, 12));
	/* First phase: fold the low 64 bits with x^63, x^62, x^57 (the reflected x, x^2, x^7). */
	t = _mm_xor_si128(_mm_xor_si128(_mm_slli_epi32(lo, 31), _mm_slli_epi32(lo, 30)),
			  _mm_slli_epi32(lo, 25));
	u = _mm_srli_si128(t, 4);
	lo = _mm_xor_si128(lo, _mm_slli_si128(t, 12));
	/* Second phase: the remaining shifts right by 1, 2 and 7. */
	t = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(lo, 1), _mm_srli_epi32(lo, 2)),
			  _mm_srli_epi32(lo, 7));
	lo = _mm_xor_si128(lo, _mm_xor_si128(t, u));
	return _mm_xor_si128(hi, lo);
}

/* y = (...((y ^ x0) H ^ x1) H ...) H for n reflected blocks, 1 <= n <= LANES, as one sum:
 * (y ^ x0) H^n ^ x1 H^(n-1) ^ ... ^ x(n-1) H, reduced once. */
GCM_INLINE __m128i ghash_blocks(const struct gcm_x86_key *key, __m128i y, const __m128i *x,
				unsigned n)
{
	struct ghash_sum sum = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128()};

	ghash_mul_add(&sum, key, _mm_xor_si128(y, x[0]), n);
#pragma GCC unroll 8
	for (unsigned i = 1; i < n; i++) {
		ghash_mul_add(&sum, key, x[i], n - i);
	}
	return ghash_reduce(sum);
}

/* GHASH over bytes, the last block zero-padded (AAD, and IVs other than 96 bits). */
static GCM_TARGET __m128i ghash_bytes(const struct gcm_x86_key *key, __m128i y, const uint8_t *p,
				      size_t len)
{
	__m128i x[LANES];
	uint8_t last[BLOCK] = {0};
	size_t n;

	for (; len >= LANES * BLOCK; p += LANES * BLOCK, len -= LANES * BLOCK) {
#pragma GCC unroll 8
		for (unsigned i = 0; i < LANES; i++) {
			x[i] = reflect(load(p + i * BLOCK));
		}
		y = ghash_blocks(key, y, x, LANES);
	}
	for (n = 0; len >= BLOCK; n++, p += BLOCK, len -= BLOCK) {
		x[n] = reflect(load(p));
	}
	if (n != 0) {
		y = ghash_blocks(key, y, x, (unsigned)n);
	}
	if (len != 0) {
		for (size_t i = 0; i < len; i++) {
			last[i] = p[i];
		}
		x[0] = reflect(load(last));
		y = ghash_blocks(key, y, x, 1);
		crypto_wipe(last, sizeof(last));
	}
	return y;
}

/* The GHASH of a final length block [a_bits]64 || [b_bits]64, reflected. */
GCM_INLINE __m128i ghash_lengths(const struct gcm_x86_key *key, __m128i y, uint64_t a_bytes,
				 uint64_t b_bytes)
{
	uint64_t a_bits = a_bytes * 8;
	uint64_t b_bits = b_bytes * 8;
	__m128i x = _mm_set_epi64x((long long)a_bits, (long long)b_bits);

	return ghash_blocks(key, y, &x, 1);
}

/* --- Key set-up ---------------------------------------------------------------------------- */

static __attribute__((noinline)) GCM_TARGET void setkey_x86(struct gcm_x86_key *key,
							    const uint8_t *k)
{
	__m128i h;
	__m128i p;

	aes256_expand(key->rk, k);
	h = reflect(aes256_block(key, _mm_setzero_si128()));
	p = h;
	for (unsigned i = 0; i < GCM_X86_H_POWERS; i++) {
		store(key->h[i], p);
		_mm_storel_epi64((__m128i_u *)(void *)key->hk[i],
				 _mm_xor_si128(p, _mm_shuffle_epi32(p, 0x4e)));
		p = ghash_blocks(key, _mm_setzero_si128(), &p, 1); /* p * H */
	}
}

void gcm_x86_setkey(struct gcm_x86_key *key, const uint8_t k[GCM_X86_KEY_LEN])
{
	/* Checked outside the target-specific body, which the compiler may schedule freely. */
	CHECK(gcm_x86_supported());
	setkey_x86(key, k);
}

/* --- Records ------------------------------------------------------------------------------- */

/* n blocks (1 <= n <= LANES) of CTR from *ctr (the reflected counter block), hashed into *y. Each
 * input block is loaded once, so what is hashed is exactly what was decrypted or written out. */
GCM_INLINE void crypt_blocks(const struct gcm_x86_key *key, __m128i *ctr, __m128i *y,
			     const uint8_t *in, uint8_t *out, unsigned n, bool decrypt)
{
	struct ghash_sum sum = {_mm_setzero_si128(), _mm_setzero_si128(), _mm_setzero_si128()};
	__m128i b[LANES];
	__m128i rk = load(key->rk[0]);

#pragma GCC unroll 8
	for (unsigned i = 0; i < n; i++) {
		b[i] =
		    _mm_xor_si128(reflect(_mm_add_epi32(*ctr, _mm_set_epi32(0, 0, 0, (int)i))), rk);
	}
	/* Lane 0 is the 32-bit counter: _mm_add_epi32 wraps it modulo 2^32, as inc32 does. */
	*ctr = _mm_add_epi32(*ctr, _mm_set_epi32(0, 0, 0, (int)n));
	for (unsigned r = 1; r < GCM_X86_ROUND_KEYS - 1; r++) {
		rk = load(key->rk[r]);
#pragma GCC unroll 8
		for (unsigned i = 0; i < n; i++) {
			b[i] = _mm_aesenc_si128(b[i], rk);
		}
	}
	rk = load(key->rk[GCM_X86_ROUND_KEYS - 1]);
#pragma GCC unroll 8
	for (unsigned i = 0; i < n; i++) {
		__m128i v = load(in + i * BLOCK);
		__m128i o = _mm_xor_si128(_mm_aesenclast_si128(b[i], rk), v);
		__m128i x = reflect(decrypt ? v : o);

		store(out + i * BLOCK, o);
		/* Multiplied as it comes: eight blocks need not stay live until the reduction. */
		ghash_mul_add(&sum, key, i == 0 ? _mm_xor_si128(*y, x) : x, n - i);
	}
	*y = ghash_reduce(sum);
}

/* A whole record: CTR over in into out, and the tag (GHASH masked with E(K, J0)) into *tag. */
GCM_INLINE void gcm_crypt(const struct gcm_x86_key *key, const uint8_t *iv, size_t iv_len,
			  const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t len,
			  uint8_t *out, bool decrypt, __m128i *tag)
{
	const size_t total = len;
	uint8_t j0_bytes[BLOCK] = {0};
	uint8_t last[BLOCK] = {0};
	__m128i j0;
	__m128i ctr;
	__m128i y;

	if (iv_len == 12) {
		for (unsigned i = 0; i < 12; i++) {
			j0_bytes[i] = iv[i];
		}
		j0_bytes[15] = 1;
		j0 = load(j0_bytes);
	} else {
		y = ghash_bytes(key, _mm_setzero_si128(), iv, iv_len);
		j0 = reflect(ghash_lengths(key, y, 0, iv_len));
	}
	ctr = _mm_add_epi32(reflect(j0), _mm_set_epi32(0, 0, 0, 1));
	y = ghash_bytes(key, _mm_setzero_si128(), ad, ad_len);

	for (; len >= LANES * BLOCK;
	     in += LANES * BLOCK, out += LANES * BLOCK, len -= LANES * BLOCK) {
		crypt_blocks(key, &ctr, &y, in, out, LANES, decrypt);
	}
	/* At most seven blocks left: one at a time keeps them in registers. */
	for (; len >= BLOCK; in += BLOCK, out += BLOCK, len -= BLOCK) {
		crypt_blocks(key, &ctr, &y, in, out, 1, decrypt);
	}
	if (len != 0) {
		__m128i x;

		for (size_t i = 0; i < len; i++) {
			last[i] = in[i];
		}
		x = load(last); /* ciphertext when opening, zero-padded */
		store(last, _mm_xor_si128(x, aes256_block(key, reflect(ctr))));
		if (!decrypt) {
			/* Hash the ciphertext zero-padded, not the keystream past its end. */
			for (size_t i = len; i < BLOCK; i++) {
				last[i] = 0;
			}
			x = load(last);
		}
		for (size_t i = 0; i < len; i++) {
			out[i] = last[i];
		}
		x = reflect(x);
		y = ghash_blocks(key, y, &x, 1);
		crypto_wipe(last, sizeof(last));
	}
	y = ghash_lengths(key, y, ad_len, total);
	*tag = _mm_xor_si128(reflect(y), aes256_block(key, j0));
}

static __attribute__((noinline)) GCM_TARGET void
seal_x86(const struct gcm_x86_key *key, const uint8_t *iv, size_t iv_len, const uint8_t *ad,
	 size_t ad_len, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	__m128i t;

	gcm_crypt(key, iv, iv_len, ad, ad_len, in, len, out, false, &t);
	store(tag, t);
}

static __attribute__((noinline)) GCM_TARGET bool
open_x86(const struct gcm_x86_key *key, const uint8_t *iv, size_t iv_len, const uint8_t *ad,
	 size_t ad_len, const uint8_t *in, size_t len, uint8_t *out, const uint8_t *tag)
{
	/* Read once, before out is written. */
	__m128i expected = load(tag);
	__m128i t;

	gcm_crypt(key, iv, iv_len, ad, ad_len, in, len, out, true, &t);
	/* Constant time: one comparison of all 16 bytes at once. */
	return _mm_movemask_epi8(_mm_cmpeq_epi8(t, expected)) == 0xffff;
}

static void check_lengths(size_t iv_len, size_t ad_len, size_t len)
{
	CHECK(iv_len != 0 && iv_len <= GCM_X86_MAX_LEN);
	CHECK(ad_len <= GCM_X86_MAX_LEN && len <= GCM_X86_MAX_LEN);
}

void gcm_x86_seal(const struct gcm_x86_key *key, const uint8_t *iv, size_t iv_len,
		  const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t len, uint8_t *out,
		  uint8_t tag[GCM_X86_TAG_LEN])
{
	check_lengths(iv_len, ad_len, len);
	seal_x86(key, iv, iv_len, ad, ad_len, in, len, out, tag);
}

bool gcm_x86_open(const struct gcm_x86_key *key, const uint8_t *iv, size_t iv_len,
		  const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t len, uint8_t *out,
		  const uint8_t tag[GCM_X86_TAG_LEN])
{
	check_lengths(iv_len, ad_len, len);
	if (open_x86(key, iv, iv_len, ad, ad_len, in, len, out, tag)) {
		return true;
	}
	if (len != 0) {
		crypto_wipe(out, len);
	}
	return false;
}
