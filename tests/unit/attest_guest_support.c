/* SPDX-License-Identifier: MIT */
/*
 * In-guest side of attest_support.h: the fixtures were embedded into the test image at build
 * time (ATTEST_GUEST_FIXTURES_SRC in mk/attest.mk), since the SVSM has no files.
 */
#include <string.h>

#include "svsm/test.h"

#include "attest_support.h"

bool attest_fixture_load(const char *name, struct attest_fixture *out)
{
	for (size_t i = 0; i < attest_embedded_fixture_count; i++) {
		if (strcmp(attest_embedded_fixtures[i].name, name) == 0) {
			*out = (struct attest_fixture){attest_embedded_fixtures[i].data,
						       attest_embedded_fixtures[i].len};
			return true;
		}
	}
	test_fail_at(__FILE__, __LINE__, "fixture %s was not embedded into the test image", name);
	return false;
}
