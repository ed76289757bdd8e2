/* SPDX-License-Identifier: MIT */
/*
 * P-384: ephemeral ECDH and ECDSA over SHA-384 digests. Every public key that comes in is parsed
 * as an uncompressed SEC1 point and checked to be on the curve before use; every private scalar
 * lives in mbedTLS MPIs, which mbedtls_mpi_free() zeroizes, and in our opaque storage, which is
 * wiped after use.
 */
#include "svsm/types.h"

#include "crypto.h"
#include "crypto_internal.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"

#define SEC1_UNCOMPRESSED 0x04

/* Everything one P-384 operation needs; init and free release all of it on every path. */
struct ecc_work {
	mbedtls_ecp_group grp;
	mbedtls_mpi d;
	mbedtls_ecp_point q;
};

_Static_assert(sizeof(struct ecc_work) <= sizeof(((struct crypto_ecdh *)0)->opaque),
	       "crypto_ecdh.opaque too small for the mbedTLS key pair");
_Static_assert(_Alignof(struct ecc_work) <= _Alignof(uint64_t),
	       "mbedTLS key pair needs more than 8-byte alignment");

static struct ecc_work *ecdh_of(struct crypto_ecdh *kp)
{
	return (struct ecc_work *)kp->opaque;
}

static int ecc_work_init(struct ecc_work *w)
{
	mbedtls_ecp_group_init(&w->grp);
	mbedtls_mpi_init(&w->d);
	mbedtls_ecp_point_init(&w->q);
	return mbedtls_ecp_group_load(&w->grp, MBEDTLS_ECP_DP_SECP384R1);
}

static void ecc_work_free(struct ecc_work *w)
{
	mbedtls_ecp_point_free(&w->q);
	mbedtls_mpi_free(&w->d);
	mbedtls_ecp_group_free(&w->grp);
	crypto_wipe(w, sizeof(*w));
}

static enum crypto_status require_drbg(void)
{
	return crypto_drbg_ready() ? CRYPTO_OK : CRYPTO_ERR_NOT_READY;
}

/* Parses an uncompressed SEC1 point and rejects anything that is not on P-384 (or infinity). */
static int read_public(const mbedtls_ecp_group *grp, mbedtls_ecp_point *q,
		       const uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	int ret;

	if (pub == NULL || pub[0] != SEC1_UNCOMPRESSED) {
		return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
	}
	ret = mbedtls_ecp_point_read_binary(grp, q, pub, CRYPTO_P384_PUB_LEN);
	if (ret != 0) {
		return ret;
	}
	return mbedtls_ecp_check_pubkey(grp, q);
}

static int write_public(const mbedtls_ecp_group *grp, const mbedtls_ecp_point *q,
			uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	size_t written = 0;
	int ret = mbedtls_ecp_point_write_binary(grp, q, MBEDTLS_ECP_PF_UNCOMPRESSED, &written, pub,
						 CRYPTO_P384_PUB_LEN);

	if (ret == 0 && written != CRYPTO_P384_PUB_LEN) {
		return MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL;
	}
	return ret;
}

/* Loads a private scalar and refuses 0 and anything >= n. */
static int read_private(struct ecc_work *w, const uint8_t priv[CRYPTO_P384_SCALAR_LEN])
{
	int ret;

	if (priv == NULL) {
		return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
	}
	ret = mbedtls_mpi_read_binary(&w->d, priv, CRYPTO_P384_SCALAR_LEN);
	if (ret != 0) {
		return ret;
	}
	return mbedtls_ecp_check_privkey(&w->grp, &w->d);
}

/* --- ECDH ---------------------------------------------------------------------------------- */

enum crypto_status crypto_ecdh_generate(struct crypto_ecdh *kp, uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	struct ecc_work *w = ecdh_of(kp);
	enum crypto_status status;
	int ret;

	crypto_wipe(kp, sizeof(*kp));
	status = require_drbg();
	if (status != CRYPTO_OK) {
		return status;
	}
	ret = ecc_work_init(w);
	if (ret == 0) {
		ret = mbedtls_ecdh_gen_public(&w->grp, &w->d, &w->q, crypto_drbg_rng, NULL);
	}
	if (ret == 0) {
		ret = write_public(&w->grp, &w->q, pub);
	}
	if (ret != 0) {
		ecc_work_free(w);
		crypto_wipe(pub, CRYPTO_P384_PUB_LEN);
		return crypto_from_mbedtls(ret);
	}
	kp->ready = true;
	return CRYPTO_OK;
}

enum crypto_status crypto_ecdh_shared(struct crypto_ecdh *kp,
				      const uint8_t peer_pub[CRYPTO_P384_PUB_LEN],
				      uint8_t secret[CRYPTO_ECDH_SECRET_LEN])
{
	struct ecc_work *w = ecdh_of(kp);
	mbedtls_ecp_point peer;
	mbedtls_mpi z;
	int ret;

	if (!kp->ready) {
		crypto_wipe(secret, CRYPTO_ECDH_SECRET_LEN);
		return CRYPTO_ERR_NOT_READY;
	}
	mbedtls_ecp_point_init(&peer);
	mbedtls_mpi_init(&z);
	ret = read_public(&w->grp, &peer, peer_pub);
	if (ret == 0) {
		ret = mbedtls_ecdh_compute_shared(&w->grp, &z, &peer, &w->d, crypto_drbg_rng, NULL);
	}
	if (ret == 0) {
		ret = mbedtls_mpi_write_binary(&z, secret, CRYPTO_ECDH_SECRET_LEN);
	}
	mbedtls_mpi_free(&z);
	mbedtls_ecp_point_free(&peer);
	if (ret != 0) {
		crypto_wipe(secret, CRYPTO_ECDH_SECRET_LEN);
	}
	return crypto_from_mbedtls(ret);
}

void crypto_ecdh_free(struct crypto_ecdh *kp)
{
	if (kp->ready) {
		ecc_work_free(ecdh_of(kp));
	}
	crypto_wipe(kp, sizeof(*kp));
}

/* --- ECDSA --------------------------------------------------------------------------------- */

enum crypto_status crypto_ecdsa_p384_verify(const uint8_t pub[CRYPTO_P384_PUB_LEN],
					    const uint8_t digest[CRYPTO_SHA384_LEN],
					    const uint8_t r[CRYPTO_P384_SCALAR_LEN],
					    const uint8_t s[CRYPTO_P384_SCALAR_LEN])
{
	struct ecc_work w;
	mbedtls_mpi r_mpi;
	mbedtls_mpi s_mpi;
	int ret;

	if (digest == NULL || r == NULL || s == NULL) {
		return CRYPTO_ERR_INPUT;
	}
	mbedtls_mpi_init(&r_mpi);
	mbedtls_mpi_init(&s_mpi);
	ret = ecc_work_init(&w);
	if (ret == 0) {
		ret = read_public(&w.grp, &w.q, pub);
	}
	if (ret == 0) {
		ret = mbedtls_mpi_read_binary(&r_mpi, r, CRYPTO_P384_SCALAR_LEN);
	}
	if (ret == 0) {
		ret = mbedtls_mpi_read_binary(&s_mpi, s, CRYPTO_P384_SCALAR_LEN);
	}
	if (ret == 0) {
		ret = mbedtls_ecdsa_verify(&w.grp, digest, CRYPTO_SHA384_LEN, &w.q, &r_mpi, &s_mpi);
	}
	mbedtls_mpi_free(&s_mpi);
	mbedtls_mpi_free(&r_mpi);
	ecc_work_free(&w);
	return crypto_from_mbedtls(ret);
}

enum crypto_status crypto_ecdsa_p384_sign(const uint8_t priv[CRYPTO_P384_SCALAR_LEN],
					  const uint8_t digest[CRYPTO_SHA384_LEN],
					  uint8_t r[CRYPTO_P384_SCALAR_LEN],
					  uint8_t s[CRYPTO_P384_SCALAR_LEN])
{
	struct ecc_work w;
	mbedtls_mpi r_mpi;
	mbedtls_mpi s_mpi;
	enum crypto_status status;
	int ret;

	if (digest == NULL || r == NULL || s == NULL) {
		return CRYPTO_ERR_INPUT;
	}
	crypto_wipe(r, CRYPTO_P384_SCALAR_LEN);
	crypto_wipe(s, CRYPTO_P384_SCALAR_LEN);
	status = require_drbg();
	if (status != CRYPTO_OK) {
		return status;
	}
	mbedtls_mpi_init(&r_mpi);
	mbedtls_mpi_init(&s_mpi);
	ret = ecc_work_init(&w);
	if (ret == 0) {
		ret = read_private(&w, priv);
	}
	if (ret == 0) {
		ret = mbedtls_ecdsa_sign(&w.grp, &r_mpi, &s_mpi, &w.d, digest, CRYPTO_SHA384_LEN,
					 crypto_drbg_rng, NULL);
	}
	if (ret == 0) {
		ret = mbedtls_mpi_write_binary(&r_mpi, r, CRYPTO_P384_SCALAR_LEN);
	}
	if (ret == 0) {
		ret = mbedtls_mpi_write_binary(&s_mpi, s, CRYPTO_P384_SCALAR_LEN);
	}
	mbedtls_mpi_free(&s_mpi);
	mbedtls_mpi_free(&r_mpi);
	ecc_work_free(&w);
	if (ret != 0) {
		crypto_wipe(r, CRYPTO_P384_SCALAR_LEN);
		crypto_wipe(s, CRYPTO_P384_SCALAR_LEN);
	}
	return crypto_from_mbedtls(ret);
}

enum crypto_status crypto_ecdsa_p384_keygen(uint8_t priv[CRYPTO_P384_SCALAR_LEN],
					    uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	struct ecc_work w;
	enum crypto_status status;
	int ret;

	if (priv == NULL || pub == NULL) {
		return CRYPTO_ERR_INPUT;
	}
	status = require_drbg();
	if (status != CRYPTO_OK) {
		return status;
	}
	ret = ecc_work_init(&w);
	if (ret == 0) {
		ret = mbedtls_ecp_gen_keypair(&w.grp, &w.d, &w.q, crypto_drbg_rng, NULL);
	}
	if (ret == 0) {
		ret = mbedtls_mpi_write_binary(&w.d, priv, CRYPTO_P384_SCALAR_LEN);
	}
	if (ret == 0) {
		ret = write_public(&w.grp, &w.q, pub);
	}
	ecc_work_free(&w);
	if (ret != 0) {
		crypto_wipe(priv, CRYPTO_P384_SCALAR_LEN);
		crypto_wipe(pub, CRYPTO_P384_PUB_LEN);
	}
	return crypto_from_mbedtls(ret);
}

enum crypto_status crypto_ecdsa_p384_public(const uint8_t priv[CRYPTO_P384_SCALAR_LEN],
					    uint8_t pub[CRYPTO_P384_PUB_LEN])
{
	struct ecc_work w;
	enum crypto_status status;
	int ret;

	if (pub == NULL) {
		return CRYPTO_ERR_INPUT;
	}
	status = require_drbg();
	if (status != CRYPTO_OK) {
		return status;
	}
	ret = ecc_work_init(&w);
	if (ret == 0) {
		ret = read_private(&w, priv);
	}
	if (ret == 0) {
		/* The RNG blinds the scalar multiplication against side channels. */
		ret = mbedtls_ecp_mul(&w.grp, &w.q, &w.d, &w.grp.G, crypto_drbg_rng, NULL);
	}
	if (ret == 0) {
		ret = write_public(&w.grp, &w.q, pub);
	}
	ecc_work_free(&w);
	if (ret != 0) {
		crypto_wipe(pub, CRYPTO_P384_PUB_LEN);
	}
	return crypto_from_mbedtls(ret);
}
