/* SPDX-License-Identifier: MIT */
/*
 * The freestanding mbedTLS and libcbor archives (the SVSM's build: our headers and
 * configuration, AES-NI, no UDBL division, static heaps) run on the host. mbedTLS is checked
 * against OpenSSL as an independent oracle. Linked without the hosted archives, as a non-PIE
 * program (the objects are not position independent).
 */
#include <cbor.h>
#include <math.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform.h>
#include <mbedtls/sha512.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "svsm/test.h"

#if !defined(SVSM_FREESTANDING)
#error "must be compiled against the freestanding mbedTLS configuration"
#endif

/* Exported by aesni.o but declared in a library-internal header. */
#define AESNI_AES_FEATURE 0x02000000u
int mbedtls_aesni_has_support(unsigned int what);

#define P384_BYTES 48
#define P384_POINT (1 + 2 * P384_BYTES)
#define HEAP_SIZE  (64 * 1024)
#define MAX_MSG	   300

static unsigned char heap[HEAP_SIZE];

static void use_static_heap(void)
{
	mbedtls_memory_buffer_alloc_init(heap, sizeof(heap));
}

/* Everything allocated from the static heap was given back: the heap is consistent and one
 * block of most of its size fits again. */
static bool static_heap_is_empty(void)
{
	void *most = NULL;
	bool ok = mbedtls_memory_buffer_alloc_verify() == 0;

	if (ok) {
		most = mbedtls_calloc(1, HEAP_SIZE - 1024);
	}
	mbedtls_free(most);
	return ok && most != NULL;
}

/* Entropy for the DRBG from OpenSSL, standing in for the SVSM's RDSEED source. */
static int openssl_entropy(void *data, unsigned char *out, size_t len, size_t *olen)
{
	(void)data;
	if (RAND_bytes(out, (int)len) != 1) {
		return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
	}
	*olen = len;
	return 0;
}

struct rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

static bool rng_init(struct rng *rng)
{
	mbedtls_entropy_init(&rng->entropy);
	mbedtls_ctr_drbg_init(&rng->drbg);
	if (mbedtls_entropy_add_source(&rng->entropy, openssl_entropy, NULL, 32,
				       MBEDTLS_ENTROPY_SOURCE_STRONG) != 0) {
		return false;
	}
	return mbedtls_ctr_drbg_seed(&rng->drbg, mbedtls_entropy_func, &rng->entropy, NULL, 0) == 0;
}

static void rng_free(struct rng *rng)
{
	mbedtls_ctr_drbg_free(&rng->drbg);
	mbedtls_entropy_free(&rng->entropy);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (unsigned char)(seed + i * 151 + (i >> 4));
	}
}

static bool openssl_gcm_seal(const unsigned char *key, const unsigned char *iv,
			     const unsigned char *aad, size_t aad_len, const unsigned char *pt,
			     size_t len, unsigned char *ct, unsigned char tag[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int out_len = 0;
	bool ok =
	    ctx != NULL && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv) == 1 &&
	    (aad_len == 0 || EVP_EncryptUpdate(ctx, NULL, &out_len, aad, (int)aad_len) == 1) &&
	    (len == 0 || EVP_EncryptUpdate(ctx, ct, &out_len, pt, (int)len) == 1) &&
	    EVP_EncryptFinal_ex(ctx, ct + (len == 0 ? 0 : out_len), &out_len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;

	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

TEST(libc_freestanding_archives, aes_ni_path_is_built_in)
{
	unsigned char cpu_has_aes = 0;

	/* On a CPU with AES-NI the library must choose it; elsewhere it falls back to software. */
	__asm__("mov $1, %%eax\n\tcpuid\n\tbt $25, %%ecx\n\tsetc %0"
		: "=r"(cpu_has_aes)
		:
		: "eax", "ebx", "ecx", "edx");
	EXPECT_EQ(mbedtls_aesni_has_support(AESNI_AES_FEATURE) != 0, cpu_has_aes != 0);
}

TEST(libc_freestanding_archives, aes256_gcm_matches_openssl)
{
	unsigned char key[32];
	unsigned char iv[12];
	unsigned char aad[40];
	unsigned char pt[MAX_MSG];
	unsigned char ct_ours[MAX_MSG];
	unsigned char ct_ref[MAX_MSG];
	unsigned char tag_ours[16];
	unsigned char tag_ref[16];
	mbedtls_gcm_context gcm;

	/* The cipher layer under GCM allocates its AES context: no heap, no GCM. */
	use_static_heap();
	fill(key, sizeof(key), 1);
	fill(iv, sizeof(iv), 2);
	fill(aad, sizeof(aad), 3);
	fill(pt, sizeof(pt), 4);
	mbedtls_gcm_init(&gcm);
	ASSERT_EQ(mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256), 0);
	for (size_t len = 0; len < sizeof(pt); len += (len < 48 ? 1 : 37)) {
		size_t aad_len = len % sizeof(aad);

		ASSERT_EQ(mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, len, iv, sizeof(iv),
						    aad, aad_len, pt, ct_ours, sizeof(tag_ours),
						    tag_ours),
			  0);
		ASSERT_TRUE(openssl_gcm_seal(key, iv, aad, aad_len, pt, len, ct_ref, tag_ref));
		EXPECT_MEMEQ(ct_ours, ct_ref, len);
		EXPECT_MEMEQ(tag_ours, tag_ref, sizeof(tag_ref));
	}
	mbedtls_gcm_free(&gcm);
	EXPECT_TRUE(static_heap_is_empty());
	mbedtls_memory_buffer_alloc_free();
}

TEST(libc_freestanding_archives, sha384_sha512_match_openssl)
{
	unsigned char msg[MAX_MSG];
	unsigned char ours[64];
	unsigned char ref[64];

	fill(msg, sizeof(msg), 9);
	for (size_t len = 0; len < sizeof(msg); len += 13) {
		ASSERT_EQ(mbedtls_sha512(msg, len, ours, 1), 0);
		ASSERT_TRUE(EVP_Digest(msg, len, ref, NULL, EVP_sha384(), NULL) == 1);
		EXPECT_MEMEQ(ours, ref, 48);
		ASSERT_EQ(mbedtls_sha512(msg, len, ours, 0), 0);
		ASSERT_TRUE(EVP_Digest(msg, len, ref, NULL, EVP_sha512(), NULL) == 1);
		EXPECT_MEMEQ(ours, ref, 64);
	}
}

static bool openssl_hkdf_sha384(const unsigned char *salt, size_t salt_len,
				const unsigned char *ikm, size_t ikm_len, const unsigned char *info,
				size_t info_len, unsigned char *out, size_t out_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	bool ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
		  EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha384()) == 1 &&
		  EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, (int)salt_len) == 1 &&
		  EVP_PKEY_CTX_set1_hkdf_key(ctx, ikm, (int)ikm_len) == 1 &&
		  EVP_PKEY_CTX_add1_hkdf_info(ctx, info, (int)info_len) == 1 &&
		  EVP_PKEY_derive(ctx, out, &out_len) == 1;

	EVP_PKEY_CTX_free(ctx);
	return ok;
}

TEST(libc_freestanding_archives, hkdf_sha384_matches_openssl)
{
	unsigned char salt[48];
	unsigned char ikm[48];
	unsigned char info[20];
	unsigned char ours[200];
	unsigned char ref[200];
	const mbedtls_md_info_t *sha384 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA384);

	ASSERT_TRUE(sha384 != NULL);
	use_static_heap(); /* HMAC contexts live on the heap */
	fill(salt, sizeof(salt), 5);
	fill(ikm, sizeof(ikm), 6);
	fill(info, sizeof(info), 7);
	for (size_t out_len = 1; out_len <= sizeof(ours); out_len += 33) {
		ASSERT_EQ(mbedtls_hkdf(sha384, salt, sizeof(salt), ikm, sizeof(ikm), info,
				       sizeof(info), ours, out_len),
			  0);
		ASSERT_TRUE(openssl_hkdf_sha384(salt, sizeof(salt), ikm, sizeof(ikm), info,
						sizeof(info), ref, out_len));
		EXPECT_MEMEQ(ours, ref, out_len);
	}
	EXPECT_TRUE(static_heap_is_empty());
	mbedtls_memory_buffer_alloc_free();
}

/* Division and modular exponentiation: the code paths MBEDTLS_NO_UDBL_DIVISION changes. */
TEST(libc_freestanding_archives, bignum_division_matches_openssl)
{
	unsigned char a_bytes[256];
	unsigned char b_bytes[100];
	unsigned char ours[256];
	unsigned char ref[256];
	mbedtls_mpi a, b, q, r;
	BIGNUM *bn_a = BN_new();
	BIGNUM *bn_b = BN_new();
	BIGNUM *bn_q = BN_new();
	BIGNUM *bn_r = BN_new();
	BN_CTX *bn_ctx = BN_CTX_new();

	ASSERT_TRUE(bn_a != NULL && bn_b != NULL && bn_q != NULL && bn_r != NULL && bn_ctx != NULL);
	use_static_heap();
	mbedtls_mpi_init(&a);
	mbedtls_mpi_init(&b);
	mbedtls_mpi_init(&q);
	mbedtls_mpi_init(&r);
	for (size_t round = 0; round < 50; round++) {
		size_t b_len = 1 + (round * 7) % sizeof(b_bytes);

		RAND_bytes(a_bytes, sizeof(a_bytes));
		RAND_bytes(b_bytes, (int)b_len);
		b_bytes[0] |= 1; /* never divide by zero */
		ASSERT_EQ(mbedtls_mpi_read_binary(&a, a_bytes, sizeof(a_bytes)), 0);
		ASSERT_EQ(mbedtls_mpi_read_binary(&b, b_bytes, b_len), 0);
		ASSERT_EQ(mbedtls_mpi_div_mpi(&q, &r, &a, &b), 0);
		BN_bin2bn(a_bytes, sizeof(a_bytes), bn_a);
		BN_bin2bn(b_bytes, (int)b_len, bn_b);
		ASSERT_TRUE(BN_div(bn_q, bn_r, bn_a, bn_b, bn_ctx) == 1);
		ASSERT_EQ(mbedtls_mpi_write_binary(&q, ours, sizeof(ours)), 0);
		ASSERT_TRUE(BN_bn2binpad(bn_q, ref, sizeof(ref)) == (int)sizeof(ref));
		EXPECT_MEMEQ(ours, ref, sizeof(ours));
		ASSERT_EQ(mbedtls_mpi_write_binary(&r, ours, sizeof(ours)), 0);
		ASSERT_TRUE(BN_bn2binpad(bn_r, ref, sizeof(ref)) == (int)sizeof(ref));
		EXPECT_MEMEQ(ours, ref, sizeof(ours));
	}
	mbedtls_mpi_free(&a);
	mbedtls_mpi_free(&b);
	mbedtls_mpi_free(&q);
	mbedtls_mpi_free(&r);
	EXPECT_TRUE(static_heap_is_empty());
	mbedtls_memory_buffer_alloc_free();
	BN_free(bn_a);
	BN_free(bn_b);
	BN_free(bn_q);
	BN_free(bn_r);
	BN_CTX_free(bn_ctx);
}

static EVP_PKEY *openssl_p384_public(const unsigned char point[P384_POINT])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;

	if (bld != NULL && ctx != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, P384_POINT) ==
		1) {
		params = OSSL_PARAM_BLD_to_param(bld);
	}
	if (params != NULL && EVP_PKEY_fromdata_init(ctx) == 1) {
		EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static bool openssl_ecdsa_verify(EVP_PKEY *pub, const unsigned char digest[48],
				 const unsigned char r[P384_BYTES],
				 const unsigned char s[P384_BYTES])
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *bn_r = BN_bin2bn(r, P384_BYTES, NULL);
	BIGNUM *bn_s = BN_bin2bn(s, P384_BYTES, NULL);
	unsigned char *der = NULL;
	int der_len = -1;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	bool ok = false;

	if (sig != NULL && bn_r != NULL && bn_s != NULL && ECDSA_SIG_set0(sig, bn_r, bn_s) == 1) {
		bn_r = NULL;
		bn_s = NULL;
		der_len = i2d_ECDSA_SIG(sig, &der);
	}
	if (der_len > 0 && ctx != NULL && EVP_PKEY_verify_init(ctx) == 1) {
		ok = EVP_PKEY_verify(ctx, der, (size_t)der_len, digest, 48) == 1;
	}
	OPENSSL_free(der);
	BN_free(bn_r);
	BN_free(bn_s);
	ECDSA_SIG_free(sig);
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* A deterministic (RFC 6979) P-384 signature made on the static heap verifies in OpenSSL, and
 * a changed digest does not. */
TEST(libc_freestanding_archives, ecdsa_p384_signature_verifies_in_openssl)
{
	mbedtls_ecp_group grp;
	mbedtls_mpi d, r, s;
	mbedtls_ecp_point q;
	struct rng rng;
	unsigned char digest[48];
	unsigned char point[P384_POINT];
	unsigned char r_bytes[P384_BYTES];
	unsigned char s_bytes[P384_BYTES];
	size_t point_len = 0;
	EVP_PKEY *pub;

	use_static_heap();
	ASSERT_TRUE(rng_init(&rng));
	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	fill(digest, sizeof(digest), 11);
	ASSERT_EQ(mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP384R1), 0);
	ASSERT_EQ(mbedtls_ecp_gen_keypair(&grp, &d, &q, mbedtls_ctr_drbg_random, &rng.drbg), 0);
	ASSERT_EQ(mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, digest, sizeof(digest),
					     MBEDTLS_MD_SHA384, mbedtls_ctr_drbg_random, &rng.drbg),
		  0);
	ASSERT_EQ(mbedtls_ecp_point_write_binary(&grp, &q, MBEDTLS_ECP_PF_UNCOMPRESSED, &point_len,
						 point, sizeof(point)),
		  0);
	ASSERT_EQ(point_len, sizeof(point));
	ASSERT_EQ(mbedtls_mpi_write_binary(&r, r_bytes, sizeof(r_bytes)), 0);
	ASSERT_EQ(mbedtls_mpi_write_binary(&s, s_bytes, sizeof(s_bytes)), 0);
	EXPECT_EQ(mbedtls_ecdsa_verify(&grp, digest, sizeof(digest), &q, &r, &s), 0);

	pub = openssl_p384_public(point);
	ASSERT_TRUE(pub != NULL);
	EXPECT_TRUE(openssl_ecdsa_verify(pub, digest, r_bytes, s_bytes));
	digest[0] ^= 1;
	EXPECT_FALSE(openssl_ecdsa_verify(pub, digest, r_bytes, s_bytes));
	EVP_PKEY_free(pub);

	mbedtls_mpi_free(&d);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	rng_free(&rng);
	EXPECT_TRUE(static_heap_is_empty());
	mbedtls_memory_buffer_alloc_free();
}

static bool openssl_p384_keygen(EVP_PKEY **key, unsigned char point[P384_POINT])
{
	size_t len = 0;

	*key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp384r1");
	return *key != NULL &&
	       EVP_PKEY_get_octet_string_param(*key, OSSL_PKEY_PARAM_PUB_KEY, point, P384_POINT,
					       &len) == 1 &&
	       len == P384_POINT;
}

static bool openssl_ecdh(EVP_PKEY *own, EVP_PKEY *peer, unsigned char secret[P384_BYTES])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(own, NULL);
	size_t len = P384_BYTES;
	bool ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
		  EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
		  EVP_PKEY_derive(ctx, secret, &len) == 1 && len == P384_BYTES;

	EVP_PKEY_CTX_free(ctx);
	return ok;
}

TEST(libc_freestanding_archives, ecdh_p384_agrees_with_openssl)
{
	mbedtls_ecp_group grp;
	mbedtls_mpi d, z;
	mbedtls_ecp_point q, peer_q;
	struct rng rng;
	unsigned char our_point[P384_POINT];
	unsigned char peer_point[P384_POINT];
	unsigned char ours[P384_BYTES];
	unsigned char ref[P384_BYTES];
	size_t point_len = 0;
	EVP_PKEY *peer_key = NULL;
	EVP_PKEY *our_pub;

	use_static_heap();
	ASSERT_TRUE(rng_init(&rng));
	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_ecp_point_init(&peer_q);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&z);
	ASSERT_TRUE(openssl_p384_keygen(&peer_key, peer_point));
	ASSERT_EQ(mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP384R1), 0);
	ASSERT_EQ(mbedtls_ecdh_gen_public(&grp, &d, &q, mbedtls_ctr_drbg_random, &rng.drbg), 0);
	ASSERT_EQ(mbedtls_ecp_point_read_binary(&grp, &peer_q, peer_point, sizeof(peer_point)), 0);
	ASSERT_EQ(
	    mbedtls_ecdh_compute_shared(&grp, &z, &peer_q, &d, mbedtls_ctr_drbg_random, &rng.drbg),
	    0);
	ASSERT_EQ(mbedtls_mpi_write_binary(&z, ours, sizeof(ours)), 0);
	ASSERT_EQ(mbedtls_ecp_point_write_binary(&grp, &q, MBEDTLS_ECP_PF_UNCOMPRESSED, &point_len,
						 our_point, sizeof(our_point)),
		  0);
	our_pub = openssl_p384_public(our_point);
	ASSERT_TRUE(our_pub != NULL);
	ASSERT_TRUE(openssl_ecdh(peer_key, our_pub, ref));
	EXPECT_MEMEQ(ours, ref, sizeof(ref));
	EVP_PKEY_free(our_pub);
	EVP_PKEY_free(peer_key);

	mbedtls_mpi_free(&d);
	mbedtls_mpi_free(&z);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_point_free(&peer_q);
	mbedtls_ecp_group_free(&grp);
	rng_free(&rng);
	EXPECT_TRUE(static_heap_is_empty());
	mbedtls_memory_buffer_alloc_free();
}

/* Before mbedtls_memory_buffer_alloc_init() there is no heap at all: allocation fails cleanly. */
TEST(libc_freestanding_archives, no_heap_until_static_buffer_is_given)
{
	mbedtls_mpi x;

	mbedtls_mpi_init(&x);
	EXPECT_EQ(mbedtls_mpi_lset(&x, 12345), MBEDTLS_ERR_MPI_ALLOC_FAILED);
	mbedtls_mpi_free(&x);
}

/* libcbor on a static pool, as the SVSM will run it: a bump allocator that counts live blocks. */
#define CBOR_POOL_SIZE 4096

static _Alignas(16) unsigned char cbor_pool[CBOR_POOL_SIZE];
static size_t cbor_pool_used;
static int cbor_live_blocks;

struct pool_block {
	size_t size;
	size_t pad; /* keeps the payload 16-byte aligned */
};

static void *pool_malloc(size_t size)
{
	size_t need = sizeof(struct pool_block) + ((size + 15) & ~(size_t)15);
	struct pool_block *block;

	if (size > CBOR_POOL_SIZE || need > CBOR_POOL_SIZE - cbor_pool_used) {
		return NULL;
	}
	block = (struct pool_block *)(cbor_pool + cbor_pool_used);
	block->size = size;
	cbor_pool_used += need;
	cbor_live_blocks++;
	return block + 1;
}

static void pool_free(void *p)
{
	if (p != NULL) {
		cbor_live_blocks--;
	}
}

static void *pool_realloc(void *p, size_t size)
{
	void *fresh = pool_malloc(size);
	size_t old_size;

	if (fresh == NULL || p == NULL) {
		return fresh;
	}
	old_size = ((struct pool_block *)p - 1)->size;
	memcpy(fresh, p, old_size < size ? old_size : size);
	pool_free(p);
	return fresh;
}

static void use_cbor_pool(void)
{
	cbor_pool_used = 0;
	cbor_live_blocks = 0;
	cbor_set_allocs(pool_malloc, pool_realloc, pool_free);
}

TEST(libc_freestanding_archives, cbor_round_trip_on_static_pool)
{
	static const unsigned char payload[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
	cbor_item_t *map;
	cbor_item_t *loaded;
	struct cbor_load_result result;
	unsigned char *encoded = NULL;
	size_t encoded_size = 0;
	size_t encoded_len;
	struct cbor_pair *pairs;

	use_cbor_pool();
	map = cbor_new_definite_map(1);
	ASSERT_TRUE(map != NULL);
	ASSERT_TRUE(cbor_map_add(
	    map, (struct cbor_pair){
		     .key = cbor_move(cbor_build_uint8(7)),
		     .value = cbor_move(cbor_build_bytestring(payload, sizeof(payload))),
		 }));
	encoded_len = cbor_serialize_alloc(map, &encoded, &encoded_size);
	ASSERT_GT(encoded_len, sizeof(payload));
	cbor_decref(&map);

	loaded = cbor_load(encoded, encoded_len, &result);
	ASSERT_TRUE(loaded != NULL);
	EXPECT_EQ(result.error.code, CBOR_ERR_NONE);
	ASSERT_TRUE(cbor_isa_map(loaded));
	ASSERT_EQ(cbor_map_size(loaded), 1u);
	pairs = cbor_map_handle(loaded);
	EXPECT_EQ(cbor_get_uint8(pairs[0].key), 7);
	ASSERT_EQ(cbor_bytestring_length(pairs[0].value), sizeof(payload));
	EXPECT_MEMEQ(cbor_bytestring_handle(pairs[0].value), payload, sizeof(payload));
	cbor_decref(&loaded);
	pool_free(encoded);
	EXPECT_EQ(cbor_live_blocks, 0);
}

/* Truncated input is refused with an error, without crashing or leaking pool blocks. */
TEST(libc_freestanding_archives, cbor_rejects_truncated_input)
{
	static const unsigned char truncated[] = {0xa1, 0x07, 0x46, 0xde, 0xad};
	struct cbor_load_result result;
	cbor_item_t *item;

	use_cbor_pool();
	item = cbor_load(truncated, sizeof(truncated), &result);
	EXPECT_TRUE(item == NULL);
	EXPECT_EQ(result.error.code, CBOR_ERR_NOTENOUGHDATA);
	EXPECT_EQ(cbor_live_blocks, 0);
}

/* Half-precision floats go through our inline ldexp(): compare with glibc's. */
TEST(libc_freestanding_archives, cbor_half_floats_decode_like_glibc)
{
	static const struct {
		unsigned char bytes[3];
		int mantissa;
		int exponent;
	} halves[] = {
	    {{0xf9, 0x3c, 0x00}, 1024, -10}, /* 1.0 */
	    {{0xf9, 0x00, 0x01}, 1, -24},    /* smallest subnormal */
	    {{0xf9, 0x7b, 0xff}, 2047, 5},   /* 65504, largest finite */
	    {{0xf9, 0xc4, 0x00}, -1024, -8}, /* -4.0 */
	};

	use_cbor_pool();
	for (size_t i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
		struct cbor_load_result result;
		cbor_item_t *item = cbor_load(halves[i].bytes, 3, &result);
		double expected = ldexp(halves[i].mantissa, halves[i].exponent);
		double got;

		ASSERT_TRUE(item != NULL);
		got = cbor_float_get_float(item);
		EXPECT_MEMEQ(&got, &expected, sizeof(got));
		cbor_decref(&item);
	}
	EXPECT_EQ(cbor_live_blocks, 0);
}
