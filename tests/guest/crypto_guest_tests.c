/* SPDX-License-Identifier: MIT */
/* The crypto suite runs inside the SVSM; this checks it really takes the AES-NI path there. */
#include "svsm/test.h"

/* mbedTLS 3.6 keeps aesni.h private; these are its CPUID.1:ECX feature masks. */
int mbedtls_aesni_has_support(unsigned int what);
#define AESNI_FEATURE_AES   0x02000000U
#define AESNI_FEATURE_CLMUL 0x00000002U

TEST(crypto_guest, aes_ni_path_is_in_use)
{
	EXPECT_TRUE(mbedtls_aesni_has_support(AESNI_FEATURE_AES));
	EXPECT_TRUE(mbedtls_aesni_has_support(AESNI_FEATURE_CLMUL));
}
