/* SPDX-License-Identifier: MIT */
/*
 * The one mbedTLS configuration of svsm-migrate, for both builds of the library. make deps
 * installs it as <mbedtls/mbedtls_config.h> in build/deps/{hosted,freestanding}/include, so every
 * user of those include directories compiles against the same configuration as the library.
 * The freestanding build (SVSM_FREESTANDING) differs only where noted below.
 *
 * Only what svsm/crypto and the test-chain tooling use is enabled: AES-256-GCM (AES-NI),
 * SHA-256/384/512, HMAC, HKDF, CTR/HMAC-DRBG, P-384 ECDH/ECDSA, RSA (PKCS#1 v1.5 and PSS, for
 * the AMD ARK/ASK certificates) and X.509 parsing, plus X.509 writing to build test chains.
 * No TLS, no network, no file system, no PSA.
 */
#ifndef SVSM_MBEDTLS_CONFIG_H
#define SVSM_MBEDTLS_CONFIG_H

#if defined(SVSM_FREESTANDING) && defined(SVSM_HOSTED)
#error "SVSM_FREESTANDING and SVSM_HOSTED are mutually exclusive"
#endif

/* System support. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_DEPRECATED_REMOVED
#define MBEDTLS_ERROR_C

/* Symmetric crypto and hashes. */
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C

/* Random numbers. Entropy always comes through mbedtls_entropy_add_source() in the SVSM. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_HMAC_DRBG_C

/* Public-key crypto. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_GENPRIME
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C

/* Encodings and certificates. */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CREATE_C
#define MBEDTLS_X509_CRT_WRITE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

#if defined(SVSM_FREESTANDING)
/*
 * The SVSM has no C runtime behind mbedTLS: no clock (certificate validity dates are not checked
 * here), no OS entropy, and no heap other than the static buffer it hands to
 * mbedtls_memory_buffer_alloc_init(). Without MBEDTLS_PLATFORM_STD_CALLOC, mbedtls_calloc()
 * returns NULL until that call, so nothing references calloc/free. Formatting goes to our libc;
 * exit(), called by the buffer allocator when it finds its heap corrupted, panics (libc).
 */
#define MBEDTLS_NO_PLATFORM_ENTROPY
/* 128-bit division would need libgcc's __udivti3; mbedTLS has a portable fallback. */
#define MBEDTLS_NO_UDBL_DIVISION
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO	 snprintf
#define MBEDTLS_PLATFORM_VSNPRINTF_MACRO vsnprintf
#define MBEDTLS_PLATFORM_EXIT_MACRO	 exit
#else
/* Host tools and tests: wall-clock time for certificate validity, getrandom() entropy, and
 * mbedTLS's own self tests as a cross-check of the build. */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_SELF_TEST
#endif

#endif
