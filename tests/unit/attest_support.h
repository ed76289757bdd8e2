/* SPDX-License-Identifier: MIT */
/*
 * What the attestation tests need from their environment. The host implementation
 * (attest_host_support.c) reads the real SNP fixtures from $SVSM_SNP_FIXTURES at run time; an
 * in-guest harness would provide the same functions over bytes embedded at build time.
 */
#ifndef TESTS_UNIT_ATTEST_SUPPORT_H
#define TESTS_UNIT_ATTEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIXTURE_MILAN_REPORT "milan-report.bin"
#define FIXTURE_MILAN_VCEK   "milan-vcek.der"
#define FIXTURE_MILAN_CHAIN  "milan-ask-ark.pem"

struct attest_fixture {
	const uint8_t *data;
	size_t len;
};

/* The in-guest implementation's table, generated at build time (embed-fixtures). */
struct attest_embedded_fixture {
	const char *name;
	const uint8_t *data;
	size_t len;
};
extern const struct attest_embedded_fixture attest_embedded_fixtures[];
extern const size_t attest_embedded_fixture_count;

/* Loads a fixture (cached for the process). Records a test failure saying why when it is
 * missing, so a test that needs it cannot pass without it. */
bool attest_fixture_load(const char *name, struct attest_fixture *out);

#endif
