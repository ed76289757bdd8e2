/* SPDX-License-Identifier: MIT */
/* Host side of attest_support.h, and plat_get_entropy() for the crypto code under test. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "svsm/plat.h"
#include "svsm/test.h"

#include "attest_support.h"

#define FIXTURE_MAX_LEN ((size_t)64 * 1024)
#define FIXTURE_SLOTS	8

struct cached_fixture {
	char name[64];
	uint8_t *data;
	size_t len;
};

static struct cached_fixture cache[FIXTURE_SLOTS];

enum plat_status plat_get_entropy(void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len > 0) {
		ssize_t n = getrandom(out, len, 0);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return PLAT_ERR_ENTROPY;
		}
		out += n;
		len -= (size_t)n;
	}
	return PLAT_OK;
}

static bool read_whole_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (f == NULL) {
		return false;
	}
	buf = malloc(FIXTURE_MAX_LEN);
	if (buf == NULL) {
		fclose(f);
		return false;
	}
	n = fread(buf, 1, FIXTURE_MAX_LEN, f);
	fclose(f);
	if (n == 0 || n == FIXTURE_MAX_LEN) {
		free(buf);
		return false;
	}
	*data = buf;
	*len = n;
	return true;
}

/* make exports SVSM_SNP_FIXTURES; the test-host rule also passes SHARED_DIR. */
static bool fixture_path(const char *name, char *path, size_t cap)
{
	const char *dir = getenv("SVSM_SNP_FIXTURES");
	const char *shared = getenv("SHARED_DIR");
	size_t n;

	if (dir != NULL && dir[0] != '\0') {
		n = (size_t)snprintf(path, cap, "%s/%s", dir, name);
	} else if (shared != NULL && shared[0] != '\0') {
		n = (size_t)snprintf(path, cap, "%s/fixtures/snp/%s", shared, name);
	} else {
		test_fail_at(__FILE__, __LINE__,
			     "neither SVSM_SNP_FIXTURES nor SHARED_DIR is set: run through make "
			     "(fixtures live in $(SHARED_DIR)/fixtures/snp)");
		return false;
	}
	if (n >= cap) {
		test_fail_at(__FILE__, __LINE__, "fixture path for %s too long", name);
		return false;
	}
	return true;
}

bool attest_fixture_load(const char *name, struct attest_fixture *out)
{
	char path[4096];
	size_t slot;

	for (slot = 0; slot < FIXTURE_SLOTS && cache[slot].data != NULL; slot++) {
		if (strcmp(cache[slot].name, name) == 0) {
			*out = (struct attest_fixture){cache[slot].data, cache[slot].len};
			return true;
		}
	}
	if (slot == FIXTURE_SLOTS || strlen(name) >= sizeof(cache[slot].name)) {
		test_fail_at(__FILE__, __LINE__, "fixture %s: name too long or cache full", name);
		return false;
	}
	if (!fixture_path(name, path, sizeof(path))) {
		return false;
	}
	if (!read_whole_file(path, &cache[slot].data, &cache[slot].len)) {
		test_fail_at(__FILE__, __LINE__, "fixture %s missing, empty or too large (%s)",
			     path, strerror(errno));
		return false;
	}
	memcpy(cache[slot].name, name, strlen(name) + 1); /* length checked above */
	*out = (struct attest_fixture){cache[slot].data, cache[slot].len};
	return true;
}
