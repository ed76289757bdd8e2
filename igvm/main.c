/* SPDX-License-Identifier: MIT */
/*
 * The igvm tool:
 *   igvm build --svsm ELF --guest ELF --reset-stub BIN [--policy FILE] -o OUT
 *   igvm dump FILE
 *   igvm measure FILE
 *   igvm qemu-args FILE --memory SIZE --smp N --outdir DIR
 * Errors go to stderr with a message naming the problem; the exit status is then 1 (2 for usage).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igvm/builder.h"
#include "igvm/dump.h"
#include "igvm/image.h"
#include "igvm/measure.h"
#include "igvm/qemu_loader.h"

#define MAX_INPUT_BYTES (1ULL << 30)

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

static const char usage_text[] =
    "usage:\n"
    "  igvm build --svsm ELF --guest ELF --reset-stub BIN [--policy FILE] -o OUT\n"
    "  igvm dump FILE\n"
    "  igvm measure FILE\n"
    "  igvm qemu-args FILE --memory SIZE --smp N --outdir DIR\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "igvm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage_text);
	return EXIT_USAGE;
}

static int report(const struct igvm_error *err)
{
	fprintf(stderr, "igvm: %s: %s\n", igvm_status_str(err->status), err->message);
	return err->status == IGVM_ERR_USAGE ? EXIT_USAGE : EXIT_FAILED;
}

struct build_args {
	const char *svsm;
	const char *guest;
	const char *reset_stub;
	const char *policy;
	const char *output;
};

static int parse_build_args(int argc, char **argv, struct build_args *a)
{
	static const struct option options[] = {
	    {"svsm", required_argument, NULL, 's'},	  {"guest", required_argument, NULL, 'g'},
	    {"reset-stub", required_argument, NULL, 'r'}, {"policy", required_argument, NULL, 'p'},
	    {"output", required_argument, NULL, 'o'},	  {NULL, 0, NULL, 0},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			a->svsm = optarg;
			break;
		case 'g':
			a->guest = optarg;
			break;
		case 'r':
			a->reset_stub = optarg;
			break;
		case 'p':
			a->policy = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case ':':
			return usage_error("build: option %s needs a value", argv[optind - 1]);
		default:
			return usage_error("build: unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc) {
		return usage_error("build: unexpected argument %s", argv[optind]);
	}
	if (a->svsm == NULL || a->guest == NULL || a->reset_stub == NULL || a->output == NULL) {
		return usage_error("build: %s",
				   "--svsm, --guest, --reset-stub and -o are required");
	}
	return EXIT_OK;
}

struct build_files {
	uint8_t *svsm;
	uint8_t *guest;
	uint8_t *stub;
	uint8_t *policy;
};

static void free_build_files(struct build_files *f)
{
	free(f->svsm);
	free(f->guest);
	free(f->stub);
	free(f->policy);
}

static enum igvm_status read_build_inputs(const struct build_args *a, struct build_files *f,
					  struct igvm_build_input *in, struct igvm_error *err)
{
	enum igvm_status s =
	    igvm_read_file(a->svsm, MAX_INPUT_BYTES, &f->svsm, &in->svsm_elf_len, err);

	if (s == IGVM_OK) {
		s = igvm_read_file(a->guest, MAX_INPUT_BYTES, &f->guest, &in->guest_elf_len, err);
	}
	if (s == IGVM_OK) {
		s = igvm_read_file(a->reset_stub, MAX_INPUT_BYTES, &f->stub, &in->reset_stub_len,
				   err);
	}
	if (s == IGVM_OK && a->policy != NULL) {
		s = igvm_read_file(a->policy, MAX_INPUT_BYTES, &f->policy, &in->policy_len, err);
	}
	in->svsm_elf = f->svsm;
	in->guest_elf = f->guest;
	in->reset_stub = f->stub;
	in->policy = f->policy;
	return s;
}

static int cmd_build(int argc, char **argv)
{
	struct build_args a = {0};
	struct build_files files = {0};
	struct igvm_build_input in = {0};
	struct igvm_error err = {0};
	struct igvm_image img;
	uint8_t *out = NULL;
	size_t out_len = 0;
	enum igvm_status s;
	int rc = parse_build_args(argc, argv, &a);

	if (rc != EXIT_OK) {
		return rc;
	}
	igvm_image_init(&img, IGVM_FORMAT_VERSION_2);
	s = read_build_inputs(&a, &files, &in, &err);
	if (s == IGVM_OK) {
		s = igvm_build_svsm_image(&in, &img, &err);
	}
	if (s == IGVM_OK) {
		s = igvm_image_serialize(&img, &out, &out_len, &err);
	}
	if (s == IGVM_OK) {
		s = igvm_write_file(a.output, out, out_len, &err);
	}
	free(out);
	igvm_image_free(&img);
	free_build_files(&files);
	return s == IGVM_OK ? EXIT_OK : report(&err);
}

static enum igvm_status load_image(const char *path, struct igvm_image *img, struct igvm_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	enum igvm_status s = igvm_read_file(path, MAX_INPUT_BYTES, &buf, &len, err);

	igvm_image_init(img, 0);
	if (s != IGVM_OK) {
		return s;
	}
	s = igvm_image_parse(buf, len, img, err);
	free(buf);
	if (s != IGVM_OK) {
		char detail[IGVM_ERROR_MESSAGE_MAX];

		snprintf(detail, sizeof(detail), "%s", err->message);
		igvm_fail(err, s, "%s: %s", path, detail);
	}
	return s;
}

static int single_file_arg(int argc, char **argv, const char *cmd)
{
	if (argc != 2) {
		return usage_error("%s takes exactly one FILE", cmd);
	}
	if (argv[1][0] == '-') {
		return usage_error("unknown option %s", argv[1]);
	}
	return EXIT_OK;
}

static int cmd_dump(int argc, char **argv)
{
	struct igvm_error err = {0};
	struct igvm_image img;
	int rc = single_file_arg(argc, argv, "dump");

	if (rc != EXIT_OK) {
		return rc;
	}
	if (load_image(argv[1], &img, &err) != IGVM_OK) {
		igvm_image_free(&img);
		return report(&err);
	}
	igvm_image_dump(&img, stdout);
	igvm_image_free(&img);
	return EXIT_OK;
}

static int cmd_measure(int argc, char **argv)
{
	struct igvm_error err = {0};
	struct igvm_image img;
	uint8_t digest[SNP_DIGEST_SIZE];
	enum igvm_status s;
	int rc = single_file_arg(argc, argv, "measure");

	if (rc != EXIT_OK) {
		return rc;
	}
	s = load_image(argv[1], &img, &err);
	if (s == IGVM_OK) {
		s = igvm_snp_launch_digest(&img, digest, &err);
	}
	igvm_image_free(&img);
	if (s != IGVM_OK) {
		return report(&err);
	}
	for (size_t i = 0; i < sizeof(digest); i++) {
		printf("%02x", digest[i]);
	}
	printf("\n");
	return EXIT_OK;
}

struct qemu_args {
	const char *file;
	const char *memory;
	const char *smp;
	const char *outdir;
};

static int parse_qemu_args(int argc, char **argv, struct qemu_args *a)
{
	static const struct option options[] = {
	    {"memory", required_argument, NULL, 'm'},
	    {"smp", required_argument, NULL, 's'},
	    {"outdir", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			a->memory = optarg;
			break;
		case 's':
			a->smp = optarg;
			break;
		case 'd':
			a->outdir = optarg;
			break;
		case ':':
			return usage_error("qemu-args: option %s needs a value", argv[optind - 1]);
		default:
			return usage_error("qemu-args: unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc - 1) {
		return usage_error("qemu-args: %s", "exactly one FILE is required");
	}
	a->file = argv[optind];
	if (a->memory == NULL || a->smp == NULL || a->outdir == NULL) {
		return usage_error("qemu-args: %s", "--memory, --smp and --outdir are required");
	}
	return EXIT_OK;
}

static enum igvm_status parse_vcpus(const char *text, unsigned *vcpus, struct igvm_error *err)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || value > UINT32_MAX) {
		return igvm_fail(err, IGVM_ERR_USAGE, "--smp '%s' is not a number", text);
	}
	*vcpus = (unsigned)value;
	return IGVM_OK;
}

static int cmd_qemu_args(int argc, char **argv)
{
	struct qemu_args a = {0};
	struct igvm_error err = {0};
	struct igvm_image img;
	struct qemu_plan plan = {0};
	uint64_t memory = 0;
	unsigned vcpus = 0;
	char *args = NULL;
	enum igvm_status s;
	int rc = parse_qemu_args(argc, argv, &a);

	if (rc != EXIT_OK) {
		return rc;
	}
	s = qemu_parse_memory_size(a.memory, &memory, &err);
	if (s == IGVM_OK) {
		s = parse_vcpus(a.smp, &vcpus, &err);
	}
	if (s != IGVM_OK) {
		return report(&err);
	}
	s = load_image(a.file, &img, &err);
	if (s == IGVM_OK) {
		s = qemu_plan_native(&img, memory, vcpus, &plan, &err);
	}
	if (s == IGVM_OK) {
		s = qemu_plan_write(&plan, a.outdir, &args, &err);
	}
	qemu_plan_free(&plan);
	igvm_image_free(&img);
	if (s != IGVM_OK) {
		return report(&err);
	}
	printf("%s\n", args);
	free(args);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		return usage_error("%s", "missing command");
	}
	/* getopt reports errors itself unless told not to; we print our own. */
	opterr = 0;
	if (strcmp(argv[1], "build") == 0) {
		return cmd_build(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "dump") == 0) {
		return cmd_dump(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "measure") == 0) {
		return cmd_measure(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "qemu-args") == 0) {
		return cmd_qemu_args(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	return usage_error("unknown command '%s'", argv[1]);
}
