/* SPDX-License-Identifier: MIT */
/*
 * bench-mem-scan: how many 4 KiB pages of a range of a memory file are not all zero. The
 * migration benchmark polls it to know when the guest's workload has written its memory (a zero
 * page crosses the wire as a GPA only, so an unwritten guest would make the migration look fast)
 * and reports the fraction it migrated.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/lib/parse.h"

#define PAGE 4096U

static bool page_is_zero(const uint8_t *p)
{
	uint64_t acc = 0;

	for (unsigned i = 0; i < PAGE; i += sizeof(uint64_t)) {
		uint64_t w;

		memcpy(&w, p + i, sizeof(w));
		acc |= w;
	}
	return acc == 0;
}

int main(int argc, char **argv)
{
	uint64_t offset;
	uint64_t length;
	uint64_t nonzero = 0;
	struct stat st;
	const uint8_t *p;
	int fd;

	if (argc != 4 || !host_parse_size(argv[2], &offset) || !host_parse_size(argv[3], &length) ||
	    length == 0 || offset % PAGE != 0 || length % PAGE != 0) {
		fprintf(stderr,
			"usage: bench-mem-scan FILE OFFSET LENGTH\n"
			"  OFFSET and LENGTH multiples of 4K (K/M/G suffixes: powers of 1024);\n"
			"  prints the number of 4K pages in the range that are not all zero\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bench-mem-scan: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size < offset ||
	    (uint64_t)st.st_size - offset < length) {
		fprintf(stderr, "bench-mem-scan: %s is smaller than OFFSET + LENGTH\n", argv[1]);
		close(fd);
		return 1;
	}
	p = mmap(NULL, length, PROT_READ, MAP_SHARED, fd, (off_t)offset);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "bench-mem-scan: cannot map %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (uint64_t off = 0; off < length; off += PAGE) {
		nonzero += !page_is_zero(p + off);
	}
	printf("%" PRIu64 " %" PRIu64 "\n", nonzero, length / PAGE);
	return 0;
}
