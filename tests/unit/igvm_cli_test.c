/* SPDX-License-Identifier: MIT */
/* The igvm tool's command line: bad flags and bad files give a clear error, a non-zero exit
 * status and lose nothing; good input gives the documented output. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svsm/test.h"

#include "igvm/image.h"
#include "igvm/testing.h"

#define OUTPUT_MAX 8192

struct run_result {
	int exit_code;
	char out[OUTPUT_MAX];
	char err[OUTPUT_MAX];
};

static void read_all(int fd, char *buf, size_t size)
{
	size_t used = 0;
	ssize_t n;

	while (used + 1 < size && (n = read(fd, buf + used, size - 1 - used)) > 0) {
		used += (size_t)n;
	}
	buf[used] = '\0';
}

/* Runs the tool with argv (NULL-terminated, argv[0] ignored); stdout and stderr go to files so
 * that neither pipe can fill up while we wait. */
static bool run_tool(char *const argv[], struct run_result *r)
{
	char out_path[] = "/tmp/igvm-cli-out-XXXXXX";
	char err_path[] = "/tmp/igvm-cli-err-XXXXXX";
	int out_fd = mkstemp(out_path);
	int err_fd = mkstemp(err_path);
	int status = 0;
	pid_t pid;

	if (out_fd < 0 || err_fd < 0) {
		return false;
	}
	pid = fork();
	if (pid == 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(err_fd, STDERR_FILENO);
		execv(IGVM_TOOL_BIN, argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	lseek(out_fd, 0, SEEK_SET);
	lseek(err_fd, 0, SEEK_SET);
	read_all(out_fd, r->out, sizeof(r->out));
	read_all(err_fd, r->err, sizeof(r->err));
	close(out_fd);
	close(err_fd);
	unlink(out_path);
	unlink(err_path);
	r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return true;
}

static void expect_failure(char *const argv[], int code, const char *message, int line)
{
	struct run_result r;

	if (!run_tool(argv, &r)) {
		test_fail_at(__FILE__, line, "could not run the tool");
		return;
	}
	if (r.exit_code != code || strstr(r.err, message) == NULL) {
		test_fail_at(__FILE__, line, "exit %d, stderr '%s'; expected exit %d and '%s'",
			     r.exit_code, r.err, code, message);
	}
	if (r.out[0] != '\0') {
		test_fail_at(__FILE__, line, "a failing run printed '%s' on stdout", r.out);
	}
}

#define EXPECT_FAILURE(code, message, ...)                                                         \
	expect_failure((char *const[]){"igvm", __VA_ARGS__, NULL}, (code), (message), __LINE__)

static bool write_temp(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);
	bool ok;

	if (fd < 0) {
		return false;
	}
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok;
}

TEST(igvm_cli, bad_flags)
{
	expect_failure((char *const[]){"igvm", NULL}, 2, "missing command", __LINE__);
	EXPECT_FAILURE(2, "unknown command 'frob'", "frob");
	EXPECT_FAILURE(2, "unknown command ''", "");
	EXPECT_FAILURE(2, "exactly one FILE", "dump");
	EXPECT_FAILURE(2, "unknown option --x", "measure", "--x");
	EXPECT_FAILURE(2, "unknown option --bogus", "build", "--bogus");
	EXPECT_FAILURE(2, "needs a value", "build", "--svsm");
	EXPECT_FAILURE(2, "are required", "build", "--svsm", "a");
	EXPECT_FAILURE(2, "are required", "qemu-args", "f", "--memory", "1G");
	EXPECT_FAILURE(2, "2 GiB", "qemu-args", "f", "--memory", "4G", "--smp", "1", "--outdir",
		       "/tmp");
	EXPECT_FAILURE(2, "--smp 'two'", "qemu-args", "f", "--memory", "1G", "--smp", "two",
		       "--outdir", "/tmp");
}

TEST(igvm_cli, bad_files)
{
	char path[] = "/tmp/igvm-cli-bad-XXXXXX";
	static const uint8_t not_igvm[64] = "definitely not an IGVM file";

	EXPECT_FAILURE(1, "No such file", "dump", "/nonexistent/file.igvm");
	ASSERT_TRUE(write_temp(path, not_igvm, sizeof(not_igvm)));
	EXPECT_FAILURE(1, "bad magic", "dump", path);
	EXPECT_FAILURE(1, "bad magic", "measure", path);
	EXPECT_FAILURE(1, "bad magic", "qemu-args", path, "--memory", "128M", "--smp", "1",
		       "--outdir", "/tmp");
	unlink(path);
}

TEST(igvm_cli, failed_build_keeps_the_old_output)
{
	char svsm[] = "/tmp/igvm-cli-svsm-XXXXXX";
	char out[] = "/tmp/igvm-cli-out-XXXXXX";
	static const uint8_t old[] = "previous image";
	static const uint8_t not_elf[128] = "not an ELF";
	uint8_t *kept = NULL;
	size_t kept_len = 0;

	ASSERT_TRUE(write_temp(svsm, not_elf, sizeof(not_elf)));
	ASSERT_TRUE(write_temp(out, old, sizeof(old)));
	EXPECT_FAILURE(1, "not an ELF file", "build", "--svsm", svsm, "--guest", svsm,
		       "--reset-stub", svsm, "-o", out);
	ASSERT_EQ(igvm_read_file(out, 1024, &kept, &kept_len, NULL), IGVM_OK);
	EXPECT_EQ(kept_len, sizeof(old));
	EXPECT_MEMEQ(kept, old, sizeof(old));
	free(kept);
	unlink(svsm);
	unlink(out);
}

TEST(igvm_cli, build_dump_measure)
{
	struct igvm_build_input in;
	char svsm[] = "/tmp/igvm-cli-svsm-XXXXXX";
	char guest[] = "/tmp/igvm-cli-guest-XXXXXX";
	char stub[] = "/tmp/igvm-cli-stub-XXXXXX";
	char out[] = "/tmp/igvm-cli-image-XXXXXX";
	struct run_result r;

	igvm_test_small_input(&in);
	ASSERT_TRUE(write_temp(svsm, in.svsm_elf, in.svsm_elf_len));
	ASSERT_TRUE(write_temp(guest, in.guest_elf, in.guest_elf_len));
	ASSERT_TRUE(write_temp(stub, in.reset_stub, in.reset_stub_len));
	ASSERT_TRUE(write_temp(out, "", 0));
	igvm_test_free_input(&in);
	ASSERT_TRUE(run_tool((char *const[]){"igvm", "build", "--svsm", svsm, "--guest", guest,
					     "--reset-stub", stub, "-o", out, NULL},
			     &r));
	EXPECT_EQ(r.exit_code, 0);
	ASSERT_TRUE(run_tool((char *const[]){"igvm", "dump", out, NULL}, &r));
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_TRUE(strstr(r.out, "platform=SEV_SNP mask=0x1") != NULL);
	EXPECT_TRUE(strstr(r.out, "platform=NATIVE mask=0x2") != NULL);
	EXPECT_TRUE(strstr(r.out, "VP_CONTEXT") != NULL);
	EXPECT_TRUE(strstr(r.out, "gpa=0xfffff000 mask=0x2") != NULL);
	ASSERT_TRUE(run_tool((char *const[]){"igvm", "measure", out, NULL}, &r));
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_EQ(strlen(r.out), 2 * 48 + 1U);
	EXPECT_EQ(strspn(r.out, "0123456789abcdef"), 2 * 48U);
	unlink(svsm);
	unlink(guest);
	unlink(stub);
	unlink(out);
}
