/* SPDX-License-Identifier: MIT */
/*
 * svsm-vmm-prep: the few things a VMM does for svsm-migrate that Debian's QEMU cannot: create the
 * guest's RAM as a shared memory file (QEMU maps it with memory-backend-file,share=on, and the
 * agent attaches to the MigrationPage through it), and for a migration target, write
 * MIG_CMD_RECEIVE into the control page before the VM boots, so the SVSM waits for the stream
 * instead of starting the guest.
 *
 *   svsm-vmm-prep --memory-file F --size SIZE [--incoming]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "svsm/layout.h"
#include "svsm/migrate/control.h"
#include "svsm/migrate_abi.h"

#include "host/lib/parse.h"

enum exit_code { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static const char usage[] = "usage: svsm-vmm-prep --memory-file F --size SIZE [--incoming]\n"
			    "  SIZE: bytes with an optional K, M or G suffix; at least 64M\n";

static int prepare(const char *path, uint64_t size, int incoming)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	void *region;
	int rc = EXIT_OK;

	if (fd < 0) {
		fprintf(stderr, "svsm-vmm-prep: %s: %s\n", path, strerror(errno));
		return EXIT_FAILED;
	}
	if (ftruncate(fd, (off_t)size) != 0) {
		fprintf(stderr, "svsm-vmm-prep: %s: cannot size to %llu bytes: %s\n", path,
			(unsigned long long)size, strerror(errno));
		close(fd);
		return EXIT_FAILED;
	}
	if (incoming) {
		region = mmap(NULL, MIG_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			      (off_t)LAYOUT_MIGRATION_GPA);
		if (region == MAP_FAILED) {
			fprintf(stderr, "svsm-vmm-prep: %s: mmap: %s\n", path, strerror(errno));
			rc = EXIT_FAILED;
		} else {
			struct mig_host_command cmd = {.command = MIG_CMD_RECEIVE,
						       .channels = MIG_MAX_CHANNELS};

			if (mig_control_host_command(region, &cmd) == 0) {
				fprintf(stderr, "svsm-vmm-prep: could not write the command\n");
				rc = EXIT_FAILED;
			}
			munmap(region, MIG_REGION_SIZE);
		}
	}
	if (close(fd) != 0) {
		rc = EXIT_FAILED;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	uint64_t size = 0;
	int incoming = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--memory-file") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
			if (!host_parse_size(argv[++i], &size)) {
				fprintf(stderr, "svsm-vmm-prep: bad --size '%s'\n%s", argv[i],
					usage);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--incoming") == 0) {
			incoming = 1;
		} else {
			fprintf(stderr, "svsm-vmm-prep: unexpected argument '%s'\n%s", argv[i],
				usage);
			return EXIT_USAGE;
		}
	}
	if (path == NULL || size == 0) {
		fprintf(stderr, "%s", usage);
		return EXIT_USAGE;
	}
	if (size < LAYOUT_SVSM_REGION_END || size % (1U << 20) != 0) {
		fprintf(stderr,
			"svsm-vmm-prep: --size must be a whole number of MiB, at least 64M\n");
		return EXIT_USAGE;
	}
	return prepare(path, size, incoming);
}
