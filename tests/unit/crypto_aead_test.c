/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM records: published vectors, fail-closed opening, nonce layout and replay refusal,
 * on both implementations (the AES-NI/PCLMULQDQ path of gcm_x86.c and the mbedTLS fallback), and
 * the fast primitive itself against the GCM spec and against mbedTLS.
 */
#include <cpuid.h>

#include "svsm/test.h"
#include "svsm/types.h"

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "crypto/gcm_x86.h"
#include "crypto_test_util.h"
#include "mbedtls/gcm.h"

#define MAX_VECTOR_BYTES 64

struct gcm_vector {
	const char *source;
	const char *key;
	const char *iv;
	const char *plaintext;
	const char *aad;
	const char *ciphertext;
	const char *tag;
};

/* McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13-16 (the AES-256 cases
 * with 96-bit IVs; 17 and 18 use other IV lengths, which our nonce format cannot express), and
 * NIST CAVP gcmEncryptExtIV256.rsp. */
static const struct gcm_vector gcm_vectors[] = {
    {"GCM spec test case 13", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"GCM spec test case 14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"GCM spec test case 15", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"GCM spec test case 16", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    {"CAVP gcmEncryptExtIV256 PTlen=0 AADlen=0 count 0",
     "b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4", "516c33929df5a3284ff463d7",
     "", "", "", "bdc1ac884d332457a1d2664f168c76f0"},
    {"CAVP gcmEncryptExtIV256 PTlen=128 AADlen=0 count 0",
     "31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22", "0d18e06c7c725ac9e362e1ce",
     "2db5168e932556f8089a0622981d017d", "", "fa4362189661d163fcd6a56d8bf0405a",
     "d636ac1bbedd5cc3ee727dc2ab4a9489"},
    {"CAVP gcmEncryptExtIV256 PTlen=128 AADlen=128 count 0",
     "92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b", "ac93a1a6145299bde902f21a",
     "2d71bcfa914e4ac045b2aa60955fad24", "1e0889016f67601c8ebea4943bc23ad6",
     "8995ae2e6df3dbf96fac7b7137bae67f", "eca5aa77d51d4a0a14d9c51e1da474ab"},
};

struct decoded_vector {
	uint8_t key[CRYPTO_AEAD_KEY_LEN];
	uint8_t iv[CRYPTO_AEAD_NONCE_LEN];
	uint8_t plaintext[MAX_VECTOR_BYTES];
	uint8_t aad[MAX_VECTOR_BYTES];
	uint8_t ciphertext[MAX_VECTOR_BYTES];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	size_t plaintext_len;
	size_t aad_len;
	uint32_t channel;
	uint64_t seq;
};

static uint64_t load_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		v = v << 8 | p[i];
	}
	return v;
}

static bool decode_vector(const struct gcm_vector *v, struct decoded_vector *d)
{
	size_t ct_len;

	if (crypto_test_unhex(v->key, d->key, sizeof(d->key)) != sizeof(d->key) ||
	    crypto_test_unhex(v->iv, d->iv, sizeof(d->iv)) != sizeof(d->iv) ||
	    crypto_test_unhex(v->tag, d->tag, sizeof(d->tag)) != sizeof(d->tag)) {
		return false;
	}
	d->plaintext_len = crypto_test_unhex(v->plaintext, d->plaintext, sizeof(d->plaintext));
	d->aad_len = crypto_test_unhex(v->aad, d->aad, sizeof(d->aad));
	ct_len = crypto_test_unhex(v->ciphertext, d->ciphertext, sizeof(d->ciphertext));
	/* Our nonce is channel || sequence, so the IV splits into those two fields. */
	d->channel = (uint32_t)load_be(d->iv, 4);
	d->seq = load_be(d->iv + 4, 8);
	return d->plaintext_len != (size_t)-1 && d->aad_len != (size_t)-1 &&
	       ct_len == d->plaintext_len;
}

/* Both implementations, each test running on every one this CPU has. */
static const enum crypto_aead_impl aead_impls[] = {CRYPTO_AEAD_IMPL_X86, CRYPTO_AEAD_IMPL_MBEDTLS};

static const char *impl_name(enum crypto_aead_impl impl)
{
	return impl == CRYPTO_AEAD_IMPL_X86 ? "x86" : "mbedTLS";
}

/* False (and a log line) for the x86 path on a CPU without it; whether it must be there is
 * checked by crypto_aead.init_picks_x86_exactly_when_the_cpu_has_it. */
static bool impl_usable(enum crypto_aead_impl impl)
{
	if (impl == CRYPTO_AEAD_IMPL_X86 && !crypto_aead_x86_available()) {
		test_log("  x86 path skipped: this CPU lacks AES-NI, PCLMULQDQ or SSSE3\n");
		return false;
	}
	return true;
}

TEST(crypto_aead, published_vectors_seal_and_open)
{
	for (size_t m = 0; m < ARRAY_SIZE(aead_impls); m++) {
		if (!impl_usable(aead_impls[m])) {
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(gcm_vectors); i++) {
			static struct decoded_vector d;
			uint8_t out[MAX_VECTOR_BYTES];
			uint8_t tag[CRYPTO_AEAD_TAG_LEN];
			uint8_t nonce[CRYPTO_AEAD_NONCE_LEN];
			struct crypto_aead aead;

			test_log("  %s: %s\n", impl_name(aead_impls[m]), gcm_vectors[i].source);
			ASSERT_TRUE(decode_vector(&gcm_vectors[i], &d));
			crypto_aead_nonce(d.channel, d.seq, nonce);
			ASSERT_MEMEQ(nonce, d.iv, sizeof(nonce));

			ASSERT_EQ(crypto_aead_init_impl(&aead, d.key, d.channel, aead_impls[m]),
				  CRYPTO_OK);
			EXPECT_EQ(crypto_aead_impl_of(&aead), aead_impls[m]);
			EXPECT_EQ(crypto_aead_seal(&aead, d.seq, d.aad, d.aad_len, d.plaintext,
						   d.plaintext_len, out, tag),
				  CRYPTO_OK);
			EXPECT_MEMEQ(out, d.ciphertext, d.plaintext_len);
			EXPECT_MEMEQ(tag, d.tag, sizeof(tag));

			crypto_test_fill(out, 0xee, sizeof(out));
			EXPECT_EQ(crypto_aead_open(&aead, d.seq, d.aad, d.aad_len, d.ciphertext,
						   d.plaintext_len, out, d.tag),
				  CRYPTO_OK);
			EXPECT_MEMEQ(out, d.plaintext, d.plaintext_len);
			crypto_aead_free(&aead);
		}
	}
}

/* One sealed 4 KiB record (a page) to tamper with. */
struct sealed_page {
	uint8_t key[CRYPTO_AEAD_KEY_LEN];
	uint8_t ad[24];
	uint8_t plaintext[4096];
	uint8_t ciphertext[4096];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	uint32_t channel;
	uint64_t seq;
};

static struct sealed_page page;
static uint8_t opened[4096];

static bool seal_page(void)
{
	struct crypto_aead aead;
	enum crypto_status status;

	if (crypto_init() != CRYPTO_OK || crypto_random(&page, sizeof(page)) != CRYPTO_OK) {
		return false;
	}
	page.channel = 3;
	page.seq = 1000;
	if (crypto_aead_init(&aead, page.key, page.channel) != CRYPTO_OK) {
		return false;
	}
	status = crypto_aead_seal(&aead, page.seq, page.ad, sizeof(page.ad), page.plaintext,
				  sizeof(page.plaintext), page.ciphertext, page.tag);
	crypto_aead_free(&aead);
	return status == CRYPTO_OK;
}

/* Opens the page with the given changes; the output starts as a sentinel pattern. */
static enum crypto_status open_page(uint32_t channel, uint64_t seq)
{
	struct crypto_aead aead;
	enum crypto_status status;

	crypto_test_fill(opened, 0xee, sizeof(opened));
	status = crypto_aead_init(&aead, page.key, channel);
	if (status != CRYPTO_OK) {
		return status;
	}
	status = crypto_aead_open(&aead, seq, page.ad, sizeof(page.ad), page.ciphertext,
				  sizeof(page.ciphertext), opened, page.tag);
	crypto_aead_free(&aead);
	return status;
}

TEST(crypto_aead, page_round_trip)
{
	ASSERT_TRUE(seal_page());
	EXPECT_FALSE(crypto_test_equal(page.ciphertext, page.plaintext, sizeof(page.plaintext)));
	ASSERT_EQ(open_page(page.channel, page.seq), CRYPTO_OK);
	EXPECT_MEMEQ(opened, page.plaintext, sizeof(opened));
}

TEST(crypto_aead, tampered_tag_fails_closed)
{
	ASSERT_TRUE(seal_page());
	for (unsigned bit = 0; bit < 8 * CRYPTO_AEAD_TAG_LEN; bit += 13) {
		page.tag[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		EXPECT_EQ(open_page(page.channel, page.seq), CRYPTO_ERR_AUTH);
		EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened)));
		page.tag[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	EXPECT_EQ(open_page(page.channel, page.seq), CRYPTO_OK);
}

TEST(crypto_aead, tampered_ad_fails_closed)
{
	ASSERT_TRUE(seal_page());
	page.ad[sizeof(page.ad) - 1] ^= 0x80;
	EXPECT_EQ(open_page(page.channel, page.seq), CRYPTO_ERR_AUTH);
	EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened)));
}

TEST(crypto_aead, tampered_ciphertext_fails_closed)
{
	static const size_t offsets[] = {0, 1, 2047, 4095};

	ASSERT_TRUE(seal_page());
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		page.ciphertext[offsets[i]] ^= 0x01;
		EXPECT_EQ(open_page(page.channel, page.seq), CRYPTO_ERR_AUTH);
		EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened)));
		page.ciphertext[offsets[i]] ^= 0x01;
	}
}

TEST(crypto_aead, wrong_sequence_fails_closed)
{
	ASSERT_TRUE(seal_page());
	EXPECT_EQ(open_page(page.channel, page.seq + 1), CRYPTO_ERR_AUTH);
	EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened)));
	EXPECT_EQ(open_page(page.channel, page.seq - 1), CRYPTO_ERR_AUTH);
	EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened)));
	EXPECT_EQ(open_page(page.channel, page.seq | (1ull << 63)), CRYPTO_ERR_AUTH);
}

TEST(crypto_aead, wrong_channel_fails_closed)
{
	ASSERT_TRUE(seal_page());
	EXPECT_EQ(open_page(page.channel + 1, page.seq), CRYPTO_ERR_AUTH);
	EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened)));
	EXPECT_EQ(open_page(page.channel ^ 0x80000000u, page.seq), CRYPTO_ERR_AUTH);
	EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened)));
}

TEST(crypto_aead, truncated_length_fails_closed)
{
	struct crypto_aead aead;

	ASSERT_TRUE(seal_page());
	ASSERT_EQ(crypto_aead_init(&aead, page.key, page.channel), CRYPTO_OK);
	crypto_test_fill(opened, 0xee, sizeof(opened));
	EXPECT_EQ(crypto_aead_open(&aead, page.seq, page.ad, sizeof(page.ad), page.ciphertext,
				   sizeof(page.ciphertext) - 16, opened, page.tag),
		  CRYPTO_ERR_AUTH);
	EXPECT_TRUE(crypto_test_all_bytes(opened, 0, sizeof(opened) - 16));
	crypto_aead_free(&aead);
}

TEST(crypto_aead, in_place_open_zeroes_on_failure_and_decrypts_on_success)
{
	static uint8_t buf[4096];
	struct crypto_aead aead;

	ASSERT_TRUE(seal_page());
	ASSERT_EQ(crypto_aead_init(&aead, page.key, page.channel), CRYPTO_OK);
	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = page.ciphertext[i];
	}
	page.tag[0] ^= 1;
	EXPECT_EQ(crypto_aead_open(&aead, page.seq, page.ad, sizeof(page.ad), buf, sizeof(buf), buf,
				   page.tag),
		  CRYPTO_ERR_AUTH);
	EXPECT_TRUE(crypto_test_all_bytes(buf, 0, sizeof(buf)));
	page.tag[0] ^= 1;
	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = page.ciphertext[i];
	}
	EXPECT_EQ(crypto_aead_open(&aead, page.seq, page.ad, sizeof(page.ad), buf, sizeof(buf), buf,
				   page.tag),
		  CRYPTO_OK);
	EXPECT_MEMEQ(buf, page.plaintext, sizeof(buf));
	crypto_aead_free(&aead);
}

TEST(crypto_aead, nonce_layout_is_channel_then_sequence_big_endian)
{
	static const uint8_t expected[CRYPTO_AEAD_NONCE_LEN] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
								0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
	uint8_t nonce[CRYPTO_AEAD_NONCE_LEN];

	crypto_aead_nonce(0x01020304u, 0x05060708090a0b0cull, nonce);
	EXPECT_MEMEQ(nonce, expected, sizeof(nonce));
}

TEST(crypto_aead, nonces_unique_across_channels_and_sequences)
{
	static const uint64_t seqs[] = {0,	   1, 2, 255, 256, 0x100000000ull, UINT64_MAX - 1,
					UINT64_MAX};
	static uint8_t nonces[CRYPTO_MAX_CHANNELS * ARRAY_SIZE(seqs)][CRYPTO_AEAD_NONCE_LEN];
	size_t n = 0;
	unsigned duplicates = 0;

	for (uint32_t c = 0; c < CRYPTO_MAX_CHANNELS; c++) {
		for (size_t s = 0; s < ARRAY_SIZE(seqs); s++) {
			crypto_aead_nonce(c, seqs[s], nonces[n++]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			duplicates +=
			    crypto_test_equal(nonces[i], nonces[j], CRYPTO_AEAD_NONCE_LEN);
		}
	}
	EXPECT_EQ(duplicates, 0u);
}

TEST(crypto_aead, same_key_and_sequence_on_two_channels_gives_different_records)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {1, 2, 3};
	static const uint8_t plaintext[64];
	uint8_t ct0[sizeof(plaintext)];
	uint8_t ct1[sizeof(plaintext)];
	uint8_t tag0[CRYPTO_AEAD_TAG_LEN];
	uint8_t tag1[CRYPTO_AEAD_TAG_LEN];
	struct crypto_aead a0;
	struct crypto_aead a1;

	ASSERT_EQ(crypto_aead_init(&a0, key, 0), CRYPTO_OK);
	ASSERT_EQ(crypto_aead_init(&a1, key, 1), CRYPTO_OK);
	EXPECT_EQ(crypto_aead_seal(&a0, 7, NULL, 0, plaintext, sizeof(plaintext), ct0, tag0),
		  CRYPTO_OK);
	EXPECT_EQ(crypto_aead_seal(&a1, 7, NULL, 0, plaintext, sizeof(plaintext), ct1, tag1),
		  CRYPTO_OK);
	EXPECT_FALSE(crypto_test_equal(ct0, ct1, sizeof(ct0)));
	EXPECT_FALSE(crypto_test_equal(tag0, tag1, sizeof(tag0)));
	crypto_aead_free(&a0);
	crypto_aead_free(&a1);
}

static enum crypto_status seal_small(struct crypto_aead *aead, uint64_t seq, uint8_t out[16],
				     uint8_t tag[CRYPTO_AEAD_TAG_LEN])
{
	static const uint8_t plaintext[16] = "sixteen bytes!!";

	return crypto_aead_seal(aead, seq, NULL, 0, plaintext, sizeof(plaintext), out, tag);
}

TEST(crypto_aead, seal_refuses_sequence_not_strictly_increasing)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {9};
	uint8_t out[16];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	struct crypto_aead aead;

	ASSERT_EQ(crypto_aead_init(&aead, key, 0), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, 5, out, tag), CRYPTO_OK);

	/* A refused seal must not touch the caller's buffers. */
	crypto_test_fill(out, 0x5a, sizeof(out));
	crypto_test_fill(tag, 0x5a, sizeof(tag));
	EXPECT_EQ(seal_small(&aead, 5, out, tag), CRYPTO_ERR_NONCE);
	EXPECT_EQ(seal_small(&aead, 4, out, tag), CRYPTO_ERR_NONCE);
	EXPECT_EQ(seal_small(&aead, 0, out, tag), CRYPTO_ERR_NONCE);
	EXPECT_TRUE(crypto_test_all_bytes(out, 0x5a, sizeof(out)));
	EXPECT_TRUE(crypto_test_all_bytes(tag, 0x5a, sizeof(tag)));

	EXPECT_EQ(seal_small(&aead, 6, out, tag), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, 1000, out, tag), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, 999, out, tag), CRYPTO_ERR_NONCE);
	crypto_aead_free(&aead);
}

TEST(crypto_aead, sequence_space_exhausts_instead_of_wrapping)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {7};
	uint8_t out[16];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	struct crypto_aead aead;

	ASSERT_EQ(crypto_aead_init(&aead, key, 2), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, UINT64_MAX, out, tag), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, UINT64_MAX, out, tag), CRYPTO_ERR_NONCE);
	EXPECT_EQ(seal_small(&aead, 0, out, tag), CRYPTO_ERR_NONCE);
	crypto_aead_free(&aead);
}

TEST(crypto_aead, first_seal_may_use_sequence_zero)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {8};
	uint8_t out[16];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	struct crypto_aead aead;

	ASSERT_EQ(crypto_aead_init(&aead, key, 0), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, 0, out, tag), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, 0, out, tag), CRYPTO_ERR_NONCE);
	EXPECT_EQ(seal_small(&aead, 1, out, tag), CRYPTO_OK);
	crypto_aead_free(&aead);
}

TEST(crypto_aead, bad_arguments_are_refused)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {6};
	static uint8_t buf[64];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	struct crypto_aead aead;

	EXPECT_EQ(crypto_aead_init(&aead, NULL, 0), CRYPTO_ERR_INPUT);
	ASSERT_EQ(crypto_aead_init(&aead, key, 0), CRYPTO_OK);
	EXPECT_EQ(crypto_aead_seal(&aead, 1, NULL, 0, buf, 32, buf, NULL), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_aead_seal(&aead, 2, NULL, 5, buf, 32, buf, tag), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_aead_seal(&aead, 3, NULL, 0, NULL, 32, buf, tag), CRYPTO_ERR_INPUT);
	/* Output overlapping the input without being the same buffer would corrupt the input. */
	EXPECT_EQ(crypto_aead_seal(&aead, 4, NULL, 0, buf, 32, buf + 8, tag), CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_aead_open(&aead, 4, NULL, 0, buf + 8, 32, buf, tag), CRYPTO_ERR_INPUT);
	/* Refused arguments do not burn sequence numbers. */
	EXPECT_EQ(crypto_aead_seal(&aead, 1, NULL, 0, buf, 32, buf, tag), CRYPTO_OK);
	crypto_aead_free(&aead);
}

TEST(crypto_aead, freed_context_is_wiped_and_refuses_use)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {0x11, 0x22, 0x33, 0x44};
	uint8_t buf[16] = {0};
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	struct crypto_aead aead;

	ASSERT_EQ(crypto_aead_init(&aead, key, 5), CRYPTO_OK);
	EXPECT_EQ(seal_small(&aead, 1, buf, tag), CRYPTO_OK);
	EXPECT_FALSE(crypto_test_all_bytes(&aead, 0, sizeof(aead)));
	crypto_aead_free(&aead);
	EXPECT_TRUE(crypto_test_all_bytes(&aead, 0, sizeof(aead)));
	EXPECT_EQ(seal_small(&aead, 2, buf, tag), CRYPTO_ERR_NOT_READY);
	EXPECT_EQ(crypto_aead_open(&aead, 1, NULL, 0, buf, sizeof(buf), buf, tag),
		  CRYPTO_ERR_NOT_READY);
}

TEST(crypto_aead, empty_record_authenticates_ad_only)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {0x42};
	uint8_t ad[8] = "end mark";
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];
	struct crypto_aead aead;

	ASSERT_EQ(crypto_aead_init(&aead, key, 4), CRYPTO_OK);
	ASSERT_EQ(crypto_aead_seal(&aead, 9, ad, sizeof(ad), NULL, 0, NULL, tag), CRYPTO_OK);
	EXPECT_EQ(crypto_aead_open(&aead, 9, ad, sizeof(ad), NULL, 0, NULL, tag), CRYPTO_OK);
	ad[0] ^= 1;
	EXPECT_EQ(crypto_aead_open(&aead, 9, ad, sizeof(ad), NULL, 0, NULL, tag), CRYPTO_ERR_AUTH);
	crypto_aead_free(&aead);
}

/* --- Which implementation runs ------------------------------------------------------------- */

/* Our own CPUID reading, independent of gcm_x86_supported(). */
static bool cpu_has_x86_gcm(void)
{
	unsigned int eax, ebx, ecx, edx;

	return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (edx & bit_SSE2) && (ecx & bit_SSSE3) &&
	       (ecx & bit_AES) && (ecx & bit_PCLMUL);
}

TEST(crypto_aead, init_picks_x86_exactly_when_the_cpu_has_it)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {0x5c};
	bool has = cpu_has_x86_gcm();
	struct crypto_aead aead;

	test_log("  CPU %s AES-NI+PCLMULQDQ+SSSE3\n", has ? "has" : "lacks");
	EXPECT_EQ(crypto_aead_x86_available(), has);
	ASSERT_EQ(crypto_aead_init(&aead, key, 1), CRYPTO_OK);
	EXPECT_EQ(crypto_aead_impl_of(&aead),
		  has ? CRYPTO_AEAD_IMPL_X86 : CRYPTO_AEAD_IMPL_MBEDTLS);
	crypto_aead_free(&aead);
	EXPECT_EQ(crypto_aead_impl_of(&aead), CRYPTO_AEAD_IMPL_AUTO);

	ASSERT_EQ(crypto_aead_init_impl(&aead, key, 1, CRYPTO_AEAD_IMPL_MBEDTLS), CRYPTO_OK);
	EXPECT_EQ(crypto_aead_impl_of(&aead), CRYPTO_AEAD_IMPL_MBEDTLS);
	crypto_aead_free(&aead);
	EXPECT_TRUE(crypto_test_all_bytes(&aead, 0, sizeof(aead)));

	EXPECT_EQ(crypto_aead_init_impl(&aead, key, 1, CRYPTO_AEAD_IMPL_X86),
		  has ? CRYPTO_OK : CRYPTO_ERR_INPUT);
	EXPECT_EQ(crypto_aead_impl_of(&aead), has ? CRYPTO_AEAD_IMPL_X86 : CRYPTO_AEAD_IMPL_AUTO);
	crypto_aead_free(&aead);
	EXPECT_TRUE(crypto_test_all_bytes(&aead, 0, sizeof(aead)));
	EXPECT_EQ(crypto_aead_init_impl(&aead, key, 1, (enum crypto_aead_impl)99),
		  CRYPTO_ERR_INPUT);
	EXPECT_TRUE(crypto_test_all_bytes(&aead, 0, sizeof(aead)));
}

#if defined(SVSM_FREESTANDING)
/* Inside the SVSM (QEMU TCG, -cpu max) page records must be sealed on the fast path. */
TEST(crypto_aead, svsm_seals_on_the_x86_path)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {0x3e};
	struct crypto_aead aead;

	EXPECT_TRUE(cpu_has_x86_gcm());
	EXPECT_TRUE(crypto_aead_x86_available());
	ASSERT_EQ(crypto_aead_init(&aead, key, 0), CRYPTO_OK);
	EXPECT_EQ(crypto_aead_impl_of(&aead), CRYPTO_AEAD_IMPL_X86);
	crypto_aead_free(&aead);
}
#endif

/* --- Both implementations through crypto_aead_* -------------------------------------------- */

#define FLIP_LEN    100
#define FLIP_AD_LEN 20

TEST(crypto_aead, every_single_bit_flip_fails_closed_on_both_paths)
{
	static uint8_t plaintext[FLIP_LEN];
	static uint8_t ciphertext[FLIP_LEN];
	static uint8_t out[FLIP_LEN];
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {0xa5, 0x5a};
	uint8_t ad[FLIP_AD_LEN];
	uint8_t tag[CRYPTO_AEAD_TAG_LEN];

	for (size_t i = 0; i < FLIP_LEN; i++) {
		plaintext[i] = (uint8_t)(i * 7 + 1);
	}
	crypto_test_fill(ad, 0x42, sizeof(ad));
	for (size_t m = 0; m < ARRAY_SIZE(aead_impls); m++) {
		struct crypto_aead aead;
		unsigned accepted = 0;
		unsigned not_zeroed = 0;

		if (!impl_usable(aead_impls[m])) {
			continue;
		}
		test_log("  %s\n", impl_name(aead_impls[m]));
		ASSERT_EQ(crypto_aead_init_impl(&aead, key, 6, aead_impls[m]), CRYPTO_OK);
		ASSERT_EQ(crypto_aead_seal(&aead, 77, ad, sizeof(ad), plaintext, FLIP_LEN,
					   ciphertext, tag),
			  CRYPTO_OK);
		/* Every bit of ciphertext, tag and AD, one at a time. */
		for (unsigned where = 0; where < 3; where++) {
			uint8_t *field = where == 0 ? ciphertext : where == 1 ? tag : ad;
			size_t bits = 8 * (where == 0	? FLIP_LEN
					   : where == 1 ? sizeof(tag)
							: sizeof(ad));

			for (size_t bit = 0; bit < bits; bit++) {
				field[bit / 8] ^= (uint8_t)(1u << (bit % 8));
				crypto_test_fill(out, 0xee, sizeof(out));
				accepted += crypto_aead_open(&aead, 77, ad, sizeof(ad), ciphertext,
							     FLIP_LEN, out, tag) != CRYPTO_ERR_AUTH;
				not_zeroed += !crypto_test_all_bytes(out, 0, sizeof(out));
				field[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			}
		}
		EXPECT_EQ(accepted, 0u);
		EXPECT_EQ(not_zeroed, 0u);
		/* In place: the ciphertext buffer itself is zeroed. */
		for (size_t i = 0; i < FLIP_LEN; i++) {
			out[i] = ciphertext[i];
		}
		out[FLIP_LEN / 2] ^= 0x10;
		EXPECT_EQ(crypto_aead_open(&aead, 77, ad, sizeof(ad), out, FLIP_LEN, out, tag),
			  CRYPTO_ERR_AUTH);
		EXPECT_TRUE(crypto_test_all_bytes(out, 0, sizeof(out)));
		/* Unchanged, it still opens. */
		EXPECT_EQ(
		    crypto_aead_open(&aead, 77, ad, sizeof(ad), ciphertext, FLIP_LEN, out, tag),
		    CRYPTO_OK);
		EXPECT_MEMEQ(out, plaintext, FLIP_LEN);
		crypto_aead_free(&aead);
	}
}

/* Record lengths around the 16-byte block and the 8-block batch of the x86 path. */
static const size_t edge_lengths[] = {0,   1,	15,  16,  17,  31,  32,	 112,  127,
				      128, 129, 143, 144, 255, 256, 257, 4095, 4096};
static uint8_t edge_plain[4096];
static uint8_t edge_out[4096];
static uint8_t edge_inplace[4096];
static uint8_t edge_other[4096];

TEST(crypto_aead, in_place_matches_out_of_place_on_both_paths)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {0x17, 0x71};
	static const uint8_t ad[13] = "thirteen byte";

	for (size_t i = 0; i < sizeof(edge_plain); i++) {
		edge_plain[i] = (uint8_t)(i * 131 + 7);
	}
	for (size_t m = 0; m < ARRAY_SIZE(aead_impls); m++) {
		struct crypto_aead a;
		struct crypto_aead b;
		unsigned mismatches = 0;

		if (!impl_usable(aead_impls[m])) {
			continue;
		}
		ASSERT_EQ(crypto_aead_init_impl(&a, key, 2, aead_impls[m]), CRYPTO_OK);
		ASSERT_EQ(crypto_aead_init_impl(&b, key, 2, aead_impls[m]), CRYPTO_OK);
		for (size_t i = 0; i < ARRAY_SIZE(edge_lengths); i++) {
			size_t len = edge_lengths[i];
			uint8_t tag[CRYPTO_AEAD_TAG_LEN];
			uint8_t tag_in_place[CRYPTO_AEAD_TAG_LEN];

			for (size_t j = 0; j < len; j++) {
				edge_inplace[j] = edge_plain[j];
			}
			/* Same key and sequence on two contexts: only here, to compare records. */
			ASSERT_EQ(
			    crypto_aead_seal(&a, i, ad, sizeof(ad), edge_plain, len, edge_out, tag),
			    CRYPTO_OK);
			ASSERT_EQ(crypto_aead_seal(&b, i, ad, sizeof(ad), edge_inplace, len,
						   edge_inplace, tag_in_place),
				  CRYPTO_OK);
			mismatches += !crypto_test_equal(edge_out, edge_inplace, len) ||
				      !crypto_test_equal(tag, tag_in_place, sizeof(tag));
			ASSERT_EQ(crypto_aead_open(&a, i, ad, sizeof(ad), edge_inplace, len,
						   edge_inplace, tag),
				  CRYPTO_OK);
			mismatches += !crypto_test_equal(edge_inplace, edge_plain, len);
		}
		test_log("  %s: %u mismatches\n", impl_name(aead_impls[m]), mismatches);
		EXPECT_EQ(mismatches, 0u);
		crypto_aead_free(&a);
		crypto_aead_free(&b);
	}
}

TEST(crypto_aead, x86_and_mbedtls_records_are_identical)
{
	static const uint8_t key[CRYPTO_AEAD_KEY_LEN] = {0xc0, 0xff, 0xee};
	static const uint8_t ad[40] = "the header of a page record, say";
	struct crypto_aead fast;
	struct crypto_aead ref;
	unsigned mismatches = 0;

	if (!impl_usable(CRYPTO_AEAD_IMPL_X86)) {
		return;
	}
	ASSERT_EQ(crypto_aead_init_impl(&fast, key, 9, CRYPTO_AEAD_IMPL_X86), CRYPTO_OK);
	ASSERT_EQ(crypto_aead_init_impl(&ref, key, 9, CRYPTO_AEAD_IMPL_MBEDTLS), CRYPTO_OK);
	for (size_t i = 0; i < ARRAY_SIZE(edge_lengths); i++) {
		size_t len = edge_lengths[i];
		uint64_t seq = 1000 + i * 1000003;
		uint8_t tag[CRYPTO_AEAD_TAG_LEN];
		uint8_t ref_tag[CRYPTO_AEAD_TAG_LEN];

		ASSERT_EQ(crypto_aead_seal(&fast, seq, ad, i % sizeof(ad), edge_plain, len,
					   edge_out, tag),
			  CRYPTO_OK);
		ASSERT_EQ(crypto_aead_seal(&ref, seq, ad, i % sizeof(ad), edge_plain, len,
					   edge_other, ref_tag),
			  CRYPTO_OK);
		mismatches += !crypto_test_equal(edge_out, edge_other, len) ||
			      !crypto_test_equal(tag, ref_tag, sizeof(tag));
		/* Each opens the other's record. */
		mismatches += crypto_aead_open(&ref, seq, ad, i % sizeof(ad), edge_out, len,
					       edge_inplace, tag) != CRYPTO_OK ||
			      !crypto_test_equal(edge_inplace, edge_plain, len);
		mismatches += crypto_aead_open(&fast, seq, ad, i % sizeof(ad), edge_other, len,
					       edge_inplace, ref_tag) != CRYPTO_OK ||
			      !crypto_test_equal(edge_inplace, edge_plain, len);
	}
	EXPECT_EQ(mismatches, 0u);
	crypto_aead_free(&fast);
	crypto_aead_free(&ref);
}

/* --- The x86 primitive on its own ---------------------------------------------------------- */

/* McGrew & Viega test cases 17 and 18: IVs of 64 and 480 bits, which only the primitive (not our
 * nonce format) can take. With gcm_vectors (cases 13-16 and CAVP) that is every AES-256 case. */
static const struct gcm_vector other_iv_vectors[] = {
    {"GCM spec test case 17", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbad",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0"
     "feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f",
     "3a337dbf46a792c45e454913fe2ea8f2"},
    {"GCM spec test case 18", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
     "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4"
     "0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
     "a44a8266ee1c8eb0c8b5d4cf5ae9f19a"},
};

struct spec_vector {
	uint8_t key[GCM_X86_KEY_LEN];
	uint8_t iv[MAX_VECTOR_BYTES];
	uint8_t plaintext[MAX_VECTOR_BYTES];
	uint8_t aad[MAX_VECTOR_BYTES];
	uint8_t ciphertext[MAX_VECTOR_BYTES];
	uint8_t tag[GCM_X86_TAG_LEN];
	size_t iv_len;
	size_t plaintext_len;
	size_t aad_len;
};

static bool decode_spec_vector(const struct gcm_vector *v, struct spec_vector *d)
{
	size_t ct_len = crypto_test_unhex(v->ciphertext, d->ciphertext, sizeof(d->ciphertext));

	d->iv_len = crypto_test_unhex(v->iv, d->iv, sizeof(d->iv));
	d->plaintext_len = crypto_test_unhex(v->plaintext, d->plaintext, sizeof(d->plaintext));
	d->aad_len = crypto_test_unhex(v->aad, d->aad, sizeof(d->aad));
	return crypto_test_unhex(v->key, d->key, sizeof(d->key)) == sizeof(d->key) &&
	       crypto_test_unhex(v->tag, d->tag, sizeof(d->tag)) == sizeof(d->tag) &&
	       d->iv_len != (size_t)-1 && d->iv_len != 0 && d->plaintext_len != (size_t)-1 &&
	       d->aad_len != (size_t)-1 && ct_len == d->plaintext_len;
}

static void check_primitive_vector(const struct gcm_vector *v)
{
	static struct spec_vector d;
	static struct gcm_x86_key key;
	uint8_t out[MAX_VECTOR_BYTES];
	uint8_t tag[GCM_X86_TAG_LEN];

	test_log("  %s\n", v->source);
	ASSERT_TRUE(decode_spec_vector(v, &d));
	gcm_x86_setkey(&key, d.key);
	gcm_x86_seal(&key, d.iv, d.iv_len, d.aad, d.aad_len, d.plaintext, d.plaintext_len, out,
		     tag);
	EXPECT_MEMEQ(out, d.ciphertext, d.plaintext_len);
	EXPECT_MEMEQ(tag, d.tag, sizeof(tag));

	crypto_test_fill(out, 0xee, sizeof(out));
	EXPECT_TRUE(gcm_x86_open(&key, d.iv, d.iv_len, d.aad, d.aad_len, d.ciphertext,
				 d.plaintext_len, out, d.tag));
	EXPECT_MEMEQ(out, d.plaintext, d.plaintext_len);

	d.tag[15] ^= 0x80;
	crypto_test_fill(out, 0xee, sizeof(out));
	EXPECT_FALSE(gcm_x86_open(&key, d.iv, d.iv_len, d.aad, d.aad_len, d.ciphertext,
				  d.plaintext_len, out, d.tag));
	EXPECT_TRUE(crypto_test_all_bytes(out, 0, d.plaintext_len));
	crypto_wipe(&key, sizeof(key));
}

TEST(gcm_x86, spec_test_cases_13_to_18_and_cavp)
{
	if (!impl_usable(CRYPTO_AEAD_IMPL_X86)) {
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(gcm_vectors); i++) {
		check_primitive_vector(&gcm_vectors[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(other_iv_vectors); i++) {
		check_primitive_vector(&other_iv_vectors[i]);
	}
}

/* Deterministic inputs (splitmix64), so a failure is reproducible from the logged case. */
static uint64_t diff_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void diff_fill(uint64_t *state, uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		p[i] = (uint8_t)diff_next(state);
	}
}

#define DIFF_MAX_LEN (65536 + 16)
static uint8_t diff_plain[DIFF_MAX_LEN];
static uint8_t diff_fast[DIFF_MAX_LEN];
static uint8_t diff_ref[DIFF_MAX_LEN];
static uint8_t diff_ad[128];

/* One random record sealed by gcm_x86 and by mbedTLS: identical ciphertext and tag, and the
 * mbedTLS record opens (in place) on gcm_x86. */
static bool diff_case(uint64_t *state, size_t iv_len, size_t ad_len, size_t len)
{
	static struct gcm_x86_key key;
	static mbedtls_gcm_context ref;
	uint8_t raw_key[GCM_X86_KEY_LEN];
	uint8_t iv[64];
	uint8_t tag[GCM_X86_TAG_LEN];
	uint8_t ref_tag[GCM_X86_TAG_LEN];
	bool ok;

	diff_fill(state, raw_key, sizeof(raw_key));
	diff_fill(state, iv, iv_len);
	diff_fill(state, diff_ad, ad_len);
	diff_fill(state, diff_plain, len);
	gcm_x86_setkey(&key, raw_key);
	gcm_x86_seal(&key, iv, iv_len, diff_ad, ad_len, diff_plain, len, diff_fast, tag);

	mbedtls_gcm_init(&ref);
	ok = mbedtls_gcm_setkey(&ref, MBEDTLS_CIPHER_ID_AES, raw_key, 8 * GCM_X86_KEY_LEN) == 0 &&
	     mbedtls_gcm_crypt_and_tag(&ref, MBEDTLS_GCM_ENCRYPT, len, iv, iv_len, diff_ad, ad_len,
				       diff_plain, diff_ref, sizeof(ref_tag), ref_tag) == 0;
	mbedtls_gcm_free(&ref);
	ok = ok && crypto_test_equal(diff_fast, diff_ref, len) &&
	     crypto_test_equal(tag, ref_tag, sizeof(tag));
	ok = ok &&
	     gcm_x86_open(&key, iv, iv_len, diff_ad, ad_len, diff_ref, len, diff_ref, ref_tag) &&
	     crypto_test_equal(diff_ref, diff_plain, len);
	if (!ok) {
		test_log("  mismatch: iv_len %zu ad_len %zu len %zu\n", iv_len, ad_len, len);
	}
	crypto_wipe(&key, sizeof(key));
	return ok;
}

TEST(gcm_x86, matches_mbedtls_on_random_records)
{
	static const size_t big_lengths[] = {4096, 4096 + 16, 65536};
	static const size_t big_ad_lengths[] = {0, 24, 100};
	static const size_t other_iv_lengths[] = {1, 8, 16, 17, 60, 64};
	static const size_t other_iv_record_lengths[] = {0, 15, 60, 129, 4096};
	uint64_t state = 0x5eed0fa5u;
	unsigned failures = 0;
	unsigned cases = 0;

	if (!impl_usable(CRYPTO_AEAD_IMPL_X86)) {
		return;
	}
	/* Every record length 0..300 with AD lengths cycling through 0..100, and every AD length
	 * 0..100 with a random record length: both sides of every block and batch boundary. */
	for (size_t len = 0; len <= 300 && failures < 5; len++, cases++) {
		failures += !diff_case(&state, CRYPTO_AEAD_NONCE_LEN, (len * 37) % 101, len);
	}
	for (size_t ad_len = 0; ad_len <= 100 && failures < 5; ad_len++, cases++) {
		failures +=
		    !diff_case(&state, CRYPTO_AEAD_NONCE_LEN, ad_len, diff_next(&state) % 301);
	}
	for (size_t i = 0; i < ARRAY_SIZE(big_lengths); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(big_ad_lengths); j++, cases++) {
			failures += !diff_case(&state, CRYPTO_AEAD_NONCE_LEN, big_ad_lengths[j],
					       big_lengths[i]);
		}
	}
	/* IVs other than 96 bits: J0 comes from GHASH. */
	for (size_t i = 0; i < ARRAY_SIZE(other_iv_lengths); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(other_iv_record_lengths); j++, cases++) {
			failures +=
			    !diff_case(&state, other_iv_lengths[i], 20, other_iv_record_lengths[j]);
		}
	}
	test_log("  %u records compared, %u differ\n", cases, failures);
	EXPECT_EQ(failures, 0u);
}
