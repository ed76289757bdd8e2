/* SPDX-License-Identifier: MIT */
/*
 * The svsm-migrate tool as users run it: two agents on loopback, each attached to a guest memory
 * file in which a test thread plays the SVSM. Every documented exit code is provoked, and a
 * complete migration leaves statistics and a capture that inspect can read.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svsm/layout.h"
#include "svsm/migrate/record.h"
#include "svsm/test.h"

#include "agent.h"
#include "agent_fake_svsm.h"
#include "igvm/image.h"
#include "records.h"

#define OUTPUT_MAX	 16384
#define TOOL_TIMEOUT_MS	 30000U
#define SVSM_TIMEOUT_MS	 25000U
#define PAGES_PER_CHAN	 4U
#define ROUNDS		 2U
#define MEMORY_FILE_SIZE (LAYOUT_MIGRATION_GPA + MIG_REGION_SIZE)
#define FAKE_DOWNTIME_NS 12345678ULL

struct tool_run {
	pid_t pid;
	char out_path[64];
	char err_path[64];
	int status;
	char out[OUTPUT_MAX];
	char err[OUTPUT_MAX];
};

static void read_file_into(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

static void pause_ms(unsigned ms)
{
	struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&pause, NULL);
}

/* Starts the tool with argv (NULL-terminated, argv[0] ignored), output into files. */
static bool tool_start(struct tool_run *run, char *const argv[])
{
	int out_fd;
	int err_fd;

	memset(run, 0, sizeof(*run));
	strcpy(run->out_path, "/tmp/agent-cli-out-XXXXXX");
	strcpy(run->err_path, "/tmp/agent-cli-err-XXXXXX");
	out_fd = mkstemp(run->out_path);
	err_fd = mkstemp(run->err_path);
	if (out_fd < 0 || err_fd < 0) {
		return false;
	}
	run->pid = fork();
	if (run->pid == 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(err_fd, STDERR_FILENO);
		execv(AGENT_TOOL_BIN, argv);
		_exit(127);
	}
	close(out_fd);
	close(err_fd);
	return run->pid > 0;
}

/* Waits (bounded) for the tool; returns its exit code, 128 + signal, or -1 if it hung. */
static int tool_wait(struct tool_run *run)
{
	uint64_t deadline = fake_now_ns() + TOOL_TIMEOUT_MS * 1000000ULL;
	int code = -1;

	while (waitpid(run->pid, &run->status, WNOHANG) == 0) {
		if (fake_now_ns() >= deadline) {
			kill(run->pid, SIGKILL);
			waitpid(run->pid, &run->status, 0);
			run->status = -1;
			break;
		}
		pause_ms(10);
	}
	if (run->status != -1) {
		code =
		    WIFEXITED(run->status) ? WEXITSTATUS(run->status) : 128 + WTERMSIG(run->status);
	}
	read_file_into(run->out_path, run->out, sizeof(run->out));
	read_file_into(run->err_path, run->err, sizeof(run->err));
	unlink(run->out_path);
	unlink(run->err_path);
	return code;
}

static int tool_run(char *const argv[], struct tool_run *run)
{
	if (!tool_start(run, argv)) {
		return -1;
	}
	return tool_wait(run);
}

static void expect_exit(char *const argv[], int code, const char *message, int line)
{
	struct tool_run run;
	int got = tool_run(argv, &run);

	if (got != code || strstr(run.err, message) == NULL) {
		test_fail_at(__FILE__, line, "exit %d, stderr '%s'; expected exit %d and '%s'", got,
			     run.err, code, message);
	}
}

#define EXPECT_EXIT(code, message, ...)                                                            \
	do {                                                                                       \
		char *const argv_[] = {"svsm-migrate", __VA_ARGS__, NULL};                         \
		expect_exit(argv_, code, message, __LINE__);                                       \
	} while (0)

/* --- Fixtures: an image and guest memory files ------------------------------------------- */

static bool write_temp(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);
	bool ok = fd >= 0 && write(fd, data, len) == (ssize_t)len;

	if (fd >= 0) {
		close(fd);
	}
	return ok;
}

/* A small valid IGVM image; with_page_in_region puts a page where the MigrationPage lives. */
static bool make_image(char *path, bool with_page_in_region)
{
	struct igvm_image img;
	uint8_t page[IGVM_PAGE_SIZE];
	uint8_t *bytes = NULL;
	size_t len = 0;
	bool ok;

	memset(page, 0x5A, sizeof(page));
	igvm_image_init(&img, IGVM_FORMAT_VERSION_1);
	ok = igvm_add_platform(&img, IGVM_MASK_SNP, IGVM_PLATFORM_SEV_SNP, NULL) == IGVM_OK &&
	     igvm_add_page(&img, gpa_init(LAYOUT_SVSM_IMAGE_GPA), IGVM_MASK_SNP, 0,
			   IGVM_PAGE_DATA_NORMAL, page, NULL) == IGVM_OK;
	if (ok && with_page_in_region) {
		ok = igvm_add_page(&img, gpa_init(LAYOUT_MIGRATION_GPA + PAGE_SIZE), IGVM_MASK_SNP,
				   0, IGVM_PAGE_DATA_NORMAL, page, NULL) == IGVM_OK;
	}
	ok = ok && igvm_image_serialize(&img, &bytes, &len, NULL) == IGVM_OK &&
	     write_temp(path, bytes, len);
	igvm_image_free(&img);
	free(bytes);
	return ok;
}

struct vm {
	char path[64];
	void *region;
	struct fake_svsm svsm;
};

/* A sparse guest memory file with the MigrationPage region at its GPA; published = false
 * leaves the region as a VM that has not booted yet (all zero). */
static bool vm_create(struct vm *vm, bool published, enum mig_status status)
{
	int fd;

	memset(vm, 0, sizeof(*vm));
	strcpy(vm->path, "/tmp/agent-cli-mem-XXXXXX");
	fd = mkstemp(vm->path);
	if (fd < 0 || ftruncate(fd, (off_t)MEMORY_FILE_SIZE) != 0) {
		return false;
	}
	vm->region = mmap(NULL, MIG_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			  (off_t)LAYOUT_MIGRATION_GPA);
	close(fd);
	if (vm->region == MAP_FAILED) {
		vm->region = NULL;
		return false;
	}
	if (published) {
		fake_svsm_init(&vm->svsm, vm->region, status);
	}
	return true;
}

static void vm_destroy(struct vm *vm)
{
	if (vm->region != NULL) {
		munmap(vm->region, MIG_REGION_SIZE);
	}
	unlink(vm->path);
}

/* --- The SVSMs' side of a migration ------------------------------------------------------ */

enum source_mode {
	SOURCE_COMPLETES,     /* pages, waits for ACK, sends GO, DONE */
	SOURCE_FAILS_AUTH,    /* aborts right after the handshake starts */
	SOURCE_HONOURS_ABORT, /* pages, then waits for the host's ABORT command */
	SOURCE_REFUSES,	      /* takes the command as BAD_COMMAND and stays IDLE */
	SOURCE_IS_DEAD,	      /* a control page nobody serves: never takes a command */
};

struct svsm_script {
	struct vm *vm;
	uint64_t deadline_ns; /* atomic: pair_finish() sets 0 to stop the script */
	uint32_t channels;
	enum source_mode mode;
	bool ok;
	char why[160];
	struct mig_command_req command;
};

static bool script_fail(struct svsm_script *s, const char *why)
{
	snprintf(s->why, sizeof(s->why), "%s", why);
	s->ok = false;
	return false;
}

static uint64_t script_deadline(struct svsm_script *s)
{
	return __atomic_load_n(&s->deadline_ns, __ATOMIC_ACQUIRE);
}

/* Ring steps that give up when the script's deadline passes or the test stops it. */
static bool script_produce(struct svsm_script *s, uint32_t channel, const void *rec, size_t len)
{
	bool produced = false;

	while (fake_try_produce(&s->vm->svsm, channel, rec, len, &produced) && !produced) {
		if (fake_now_ns() >= script_deadline(s)) {
			return false;
		}
		pause_ms(1);
	}
	return produced;
}

static bool script_consume(struct svsm_script *s, uint32_t channel, void *buf, size_t *len)
{
	while (fake_try_consume(&s->vm->svsm, channel, buf, len) && *len == 0) {
		if (fake_now_ns() >= script_deadline(s)) {
			return false;
		}
		pause_ms(1);
	}
	return *len > 0;
}

static bool take_command(struct svsm_script *s)
{
	bool taken = false;

	while (!taken) {
		if (mig_control_take_command(&s->vm->svsm.control, &s->command, &taken) !=
		    MIG_ERR_NONE) {
			return script_fail(s, "bad command");
		}
		if (!taken && fake_now_ns() >= script_deadline(s)) {
			return script_fail(s, "no command from the agent");
		}
		pause_ms(1);
	}
	return true;
}

static bool send_pages(struct svsm_script *s)
{
	uint8_t *rec = malloc(MIG_RECORD_MAX);
	struct mig_counters counters = {0};
	bool ok = rec != NULL;

	mig_control_publish(&s->vm->svsm.control, MIG_STATUS_SOURCE_PRECOPY, MIG_ERR_NONE);
	for (uint32_t round = 0; ok && round < ROUNDS; round++) {
		for (uint32_t i = 0; ok && i < PAGES_PER_CHAN; i++) {
			for (uint32_t c = 0; ok && c < s->channels; c++) {
				uint64_t seq = round * PAGES_PER_CHAN + i;
				size_t len =
				    fake_pages_record(rec, MIG_RECORD_MAX, c, seq, round, 2);

				ok = script_produce(s, c, rec, len);
				counters.pages_sent += 2;
			}
		}
		counters.round = round;
		counters.pages_total = 64;
		counters.pages_remaining = 64 - counters.pages_sent;
		mig_control_publish_counters(&s->vm->svsm.control, &counters);
	}
	free(rec);
	return ok ? true : script_fail(s, "the agent did not take the pages");
}

static bool expect_record(struct svsm_script *s, uint32_t type)
{
	uint8_t *rec = malloc(MIG_RECORD_MAX);
	struct agent_record_info info;
	size_t len = 0;
	bool ok = rec != NULL && script_consume(s, 0, rec, &len) &&
		  agent_record_peek(rec, len, &info) && info.type == type;

	free(rec);
	return ok ? true : script_fail(s, "expected record did not arrive");
}

static void *source_svsm(void *arg)
{
	struct svsm_script *s = arg;
	struct mig_control_svsm *ctl = &s->vm->svsm.control;
	struct mig_counters counters = {.round = ROUNDS - 1, .downtime_ns = FAKE_DOWNTIME_NS};
	uint8_t go[256];

	s->ok = true;
	if (s->mode == SOURCE_IS_DEAD || !take_command(s)) {
		return NULL;
	}
	if (s->mode == SOURCE_REFUSES) {
		mig_control_publish(ctl, MIG_STATUS_IDLE, MIG_ERR_BAD_COMMAND);
		return NULL;
	}
	mig_control_publish(ctl, MIG_STATUS_SOURCE_HANDSHAKE, MIG_ERR_NONE);
	if (s->mode == SOURCE_FAILS_AUTH) {
		mig_control_publish(ctl, MIG_STATUS_SOURCE_ABORTED, MIG_ERR_AUTH);
		return NULL;
	}
	if (!send_pages(s)) {
		return NULL;
	}
	if (s->mode == SOURCE_HONOURS_ABORT) {
		if (take_command(s) && s->command.command == MIG_CMD_ABORT) {
			mig_control_publish(ctl, MIG_STATUS_SOURCE_ABORTED, MIG_ERR_HOST_ABORT);
		}
		return NULL;
	}
	mig_control_publish(ctl, MIG_STATUS_SOURCE_COMMIT, MIG_ERR_NONE);
	if (!expect_record(s, MIG_REC_ACK) ||
	    !script_produce(s, 0, go,
			    fake_control_record(go, sizeof(go), MIG_REC_GO, 0,
						(uint64_t)ROUNDS * PAGES_PER_CHAN))) {
		return NULL;
	}
	mig_control_publish_counters(ctl, &counters);
	mig_control_publish(ctl, MIG_STATUS_SOURCE_DONE, MIG_ERR_NONE);
	return NULL;
}

static void *target_svsm(void *arg)
{
	struct svsm_script *s = arg;
	struct mig_control_svsm *ctl = &s->vm->svsm.control;
	uint8_t *rec = malloc(MIG_RECORD_MAX);
	uint32_t received = 0;
	uint8_t ack[256];

	s->ok = true;
	while (rec != NULL && received < s->channels * ROUNDS * PAGES_PER_CHAN &&
	       fake_now_ns() < script_deadline(s)) {
		for (uint32_t c = 0; c < s->channels; c++) {
			size_t len = 0;

			if (fake_try_consume(&s->vm->svsm, c, rec, &len) && len > 0) {
				mig_control_publish(ctl, MIG_STATUS_TARGET_RECEIVING, MIG_ERR_NONE);
				received++;
			}
		}
		pause_ms(1);
	}
	free(rec);
	if (received < s->channels * ROUNDS * PAGES_PER_CHAN) {
		script_fail(s, "not every page arrived");
		return NULL;
	}
	mig_control_publish(ctl, MIG_STATUS_TARGET_ACKED, MIG_ERR_NONE);
	if (script_produce(s, 0, ack, fake_control_record(ack, sizeof(ack), MIG_REC_ACK, 0, 0)) &&
	    expect_record(s, MIG_REC_GO)) {
		mig_control_publish(ctl, MIG_STATUS_TARGET_RUNNING, MIG_ERR_NONE);
	}
	return NULL;
}

/* --- A pair of agents -------------------------------------------------------------------- */

struct pair {
	char image[64];
	struct vm source;
	struct vm target;
	char port_file[64];
	char port[16];
	char src_stats[64];
	char dst_stats[64];
	char capture[64];
	struct tool_run sender;
	struct tool_run receiver;
	struct svsm_script src_script;
	struct svsm_script dst_script;
	pthread_t src_thread;
	pthread_t dst_thread;
};

static bool pair_init(struct pair *p, uint32_t channels, enum source_mode mode)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->image, "/tmp/agent-cli-img-XXXXXX");
	snprintf(p->port_file, sizeof(p->port_file), "/tmp/agent-cli-port-%d", (int)getpid());
	snprintf(p->src_stats, sizeof(p->src_stats), "/tmp/agent-cli-src-%d.json", (int)getpid());
	snprintf(p->dst_stats, sizeof(p->dst_stats), "/tmp/agent-cli-dst-%d.json", (int)getpid());
	snprintf(p->capture, sizeof(p->capture), "/tmp/agent-cli-%d.cap", (int)getpid());
	unlink(p->port_file);
	if (!make_image(p->image, false) || !vm_create(&p->source, true, MIG_STATUS_IDLE) ||
	    !vm_create(&p->target, true, MIG_STATUS_TARGET_WAITING)) {
		return false;
	}
	p->src_script = (struct svsm_script){.vm = &p->source, .channels = channels, .mode = mode};
	p->dst_script = (struct svsm_script){.vm = &p->target, .channels = channels};
	p->src_script.deadline_ns = fake_now_ns() + SVSM_TIMEOUT_MS * 1000000ULL;
	p->dst_script.deadline_ns = p->src_script.deadline_ns;
	pthread_create(&p->src_thread, NULL, source_svsm, &p->src_script);
	pthread_create(&p->dst_thread, NULL, target_svsm, &p->dst_script);
	return true;
}

static bool wait_for_port(struct pair *p)
{
	for (unsigned i = 0; i < TOOL_TIMEOUT_MS / 10; i++) {
		read_file_into(p->port_file, p->port, sizeof(p->port));
		if (p->port[0] != '\0') {
			p->port[strcspn(p->port, "\n")] = '\0';
			return true;
		}
		pause_ms(10);
	}
	return false;
}

static bool start_receiver(struct pair *p, const char *extra1, const char *extra2,
			   const char *extra3)
{
	char *const argv[] = {"svsm-migrate", "receive",    "--listen",	     "127.0.0.1:0",
			      "--port-file",  p->port_file, "--memory-file", p->target.path,
			      "--image",      p->image,	    "--stats-json",  p->dst_stats,
			      "--timeout",    "30",	    (char *)extra1,  (char *)extra2,
			      (char *)extra3, NULL};

	return tool_start(&p->receiver, argv) && wait_for_port(p);
}

static bool start_sender_with_timeout(struct pair *p, const char *channels, const char *timeout)
{
	char to[32];
	char *const argv[] = {"svsm-migrate",
			      "send",
			      "--to",
			      to,
			      "--memory-file",
			      p->source.path,
			      "--image",
			      p->image,
			      "--channels",
			      (char *)channels,
			      "--max-bandwidth",
			      "100M",
			      "--downtime-limit",
			      "250",
			      "--max-rounds",
			      "5",
			      "--auto-converge",
			      "--stats-json",
			      p->src_stats,
			      "--capture",
			      p->capture,
			      "--timeout",
			      (char *)timeout,
			      NULL};

	snprintf(to, sizeof(to), "127.0.0.1:%s", p->port);
	return tool_start(&p->sender, argv);
}

static bool start_sender(struct pair *p, const char *channels)
{
	return start_sender_with_timeout(p, channels, "30");
}

static void pair_finish(struct pair *p)
{
	__atomic_store_n(&p->src_script.deadline_ns, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&p->dst_script.deadline_ns, 0, __ATOMIC_RELEASE);
	pthread_join(p->src_thread, NULL);
	pthread_join(p->dst_thread, NULL);
	vm_destroy(&p->source);
	vm_destroy(&p->target);
	unlink(p->image);
	unlink(p->port_file);
	unlink(p->src_stats);
	unlink(p->dst_stats);
	unlink(p->capture);
}

static bool file_contains(const char *path, const char *needle)
{
	static char buf[OUTPUT_MAX];

	read_file_into(path, buf, sizeof(buf));
	return strstr(buf, needle) != NULL;
}

#define EXPECT_FILE_HAS(path, needle)                                                              \
	do {                                                                                       \
		if (!file_contains(path, needle)) {                                                \
			test_fail_at(__FILE__, __LINE__, "%s lacks '%s'", path, needle);           \
		}                                                                                  \
	} while (0)

TEST(agent_cli, migration_completes_with_stats_and_capture)
{
	struct pair p;
	int sent;
	int received;

	ASSERT_TRUE(pair_init(&p, 2, SOURCE_COMPLETES));
	if (start_receiver(&p, NULL, NULL, NULL) && start_sender(&p, "2")) {
		sent = tool_wait(&p.sender);
		received = tool_wait(&p.receiver);
		EXPECT_EQ(sent, AGENT_EXIT_OK);
		EXPECT_EQ(received, AGENT_EXIT_OK);
		EXPECT_TRUE(strstr(p.sender.err, "migration committed") != NULL);
		EXPECT_TRUE(strstr(p.receiver.err, "guest resumed here") != NULL);
	} else {
		test_fail_at(__FILE__, __LINE__, "could not start the agents");
	}
	/* The knobs reached the SVSM as the control page carries them. */
	EXPECT_EQ(p.src_script.command.command, MIG_CMD_SEND);
	EXPECT_EQ(p.src_script.command.channels, 2U);
	EXPECT_EQ(p.src_script.command.max_bandwidth, 100ULL << 20);
	EXPECT_EQ(p.src_script.command.downtime_limit_ns, 250000000ULL);
	EXPECT_EQ(p.src_script.command.max_rounds, 5U);
	EXPECT_EQ(p.src_script.command.flags, MIG_FLAG_AUTO_CONVERGE);
	EXPECT_FILE_HAS(p.src_stats, "\"status\": \"SOURCE_DONE\"");
	EXPECT_FILE_HAS(p.src_stats, "\"downtime_ms\": 12.346");
	EXPECT_FILE_HAS(p.src_stats, "{\"round\": 1, \"records\": 8, \"pages\": 16,");
	EXPECT_FILE_HAS(p.src_stats, "{\"channel\": 1, \"records_out\": 8,");
	EXPECT_FILE_HAS(p.src_stats, "\"pages_out\": 16,");
	EXPECT_FILE_HAS(p.dst_stats, "\"status\": \"TARGET_RUNNING\"");
	EXPECT_FILE_HAS(p.dst_stats, "\"records_in\": 9,");

	struct tool_run inspect;
	char *const argv[] = {"svsm-migrate", "inspect", p.capture, NULL};

	EXPECT_EQ(tool_run(argv, &inspect), AGENT_EXIT_OK);
	EXPECT_TRUE(strstr(inspect.out, "out  ch 1  PAGES       seq    7  round   1  gpas  2") !=
		    NULL);
	EXPECT_TRUE(strstr(inspect.out, "in   ch 0  ACK") != NULL);
	EXPECT_TRUE(strstr(inspect.out, "out  ch 0  GO") != NULL);
	EXPECT_TRUE(strstr(inspect.out, "18 records") != NULL);
	if (test_current_failures() > 0) {
		test_log("inspect output:\n%s", inspect.out);
	}
	pair_finish(&p);
	EXPECT_TRUE(p.src_script.ok);
	EXPECT_TRUE(p.dst_script.ok);
}

TEST(agent_cli, svsm_abort_is_reported_by_name)
{
	struct pair p;

	ASSERT_TRUE(pair_init(&p, 1, SOURCE_FAILS_AUTH));
	if (start_receiver(&p, NULL, NULL, NULL) && start_sender(&p, "1")) {
		EXPECT_EQ(tool_wait(&p.sender), AGENT_EXIT_SVSM_FAILED);
		EXPECT_TRUE(strstr(p.sender.err, "SOURCE_ABORTED, error AUTH") != NULL);
		/* Its peer went away with nothing committed: the receiver says so. */
		EXPECT_EQ(tool_wait(&p.receiver), AGENT_EXIT_PEER_CLOSED);
		EXPECT_TRUE(strstr(p.receiver.err, "closed the connection") != NULL);
	} else {
		test_fail_at(__FILE__, __LINE__, "could not start the agents");
	}
	EXPECT_FILE_HAS(p.src_stats, "\"outcome\": \"svsm-failed\"");
	EXPECT_FILE_HAS(p.src_stats, "\"error\": \"AUTH\"");
	pair_finish(&p);
}

TEST(agent_cli, killed_peer_makes_the_source_abort)
{
	struct pair p;

	ASSERT_TRUE(pair_init(&p, 1, SOURCE_HONOURS_ABORT));
	if (start_receiver(&p, "--inject", "kill@PAGES:2", "--inject-incoming") &&
	    start_sender(&p, "1")) {
		EXPECT_EQ(tool_wait(&p.receiver), 128 + SIGKILL);
		EXPECT_EQ(tool_wait(&p.sender), AGENT_EXIT_PEER_CLOSED);
		EXPECT_TRUE(strstr(p.sender.err, "SOURCE_ABORTED, error HOST_ABORT after the agent "
						 "asked it to abort") != NULL);
	} else {
		test_fail_at(__FILE__, __LINE__, "could not start the agents");
	}
	EXPECT_FILE_HAS(p.src_stats, "\"outcome\": \"peer-closed\"");
	pair_finish(&p);
}

TEST(agent_cli, refused_command_is_reported_by_name)
{
	struct pair p;

	ASSERT_TRUE(pair_init(&p, 1, SOURCE_REFUSES));
	if (start_receiver(&p, NULL, NULL, NULL) && start_sender(&p, "1")) {
		EXPECT_EQ(tool_wait(&p.sender), AGENT_EXIT_SVSM_FAILED);
		EXPECT_TRUE(strstr(p.sender.err, "(IDLE, error BAD_COMMAND)") != NULL);
		EXPECT_EQ(tool_wait(&p.receiver), AGENT_EXIT_PEER_CLOSED);
	} else {
		test_fail_at(__FILE__, __LINE__, "could not start the agents");
	}
	pair_finish(&p);
}

TEST(agent_cli, untaken_command_is_reported_and_left_alone)
{
	struct pair p;
	const struct mig_control *control;

	ASSERT_TRUE(pair_init(&p, 1, SOURCE_IS_DEAD));
	control = p.source.region;
	if (start_receiver(&p, NULL, NULL, NULL) && start_sender_with_timeout(&p, "1", "2")) {
		int code = tool_wait(&p.sender);

		/* Which limit fires first (the 2 s --timeout or the agent's own limit for an
		 * untaken command) depends on how the machine schedules us; both are this
		 * outcome, and the message below is what must hold. */
		EXPECT_TRUE(code == AGENT_EXIT_TIMEOUT || code == AGENT_EXIT_ATTACH);
		EXPECT_TRUE(strstr(p.sender.err, "never took the SEND command") != NULL);
		EXPECT_EQ(tool_wait(&p.receiver), AGENT_EXIT_PEER_CLOSED);
	} else {
		test_fail_at(__FILE__, __LINE__, "could not start the agents");
	}
	/* The SEND stays as written: no ABORT was mixed into it. */
	EXPECT_EQ(control->host.command, MIG_CMD_SEND);
	EXPECT_EQ(control->host.command_seq, 1U);
	pair_finish(&p);
}

TEST(agent_cli, sigterm_during_precopy_aborts_the_source)
{
	struct pair p;
	const struct mig_control *control;
	uint64_t deadline = fake_now_ns() + TOOL_TIMEOUT_MS * 1000000ULL;

	ASSERT_TRUE(pair_init(&p, 1, SOURCE_HONOURS_ABORT));
	control = p.source.region;
	if (start_receiver(&p, NULL, NULL, NULL) && start_sender(&p, "1")) {
		while (__atomic_load_n(&control->status, __ATOMIC_ACQUIRE) !=
			   MIG_STATUS_SOURCE_PRECOPY &&
		       fake_now_ns() < deadline) {
			pause_ms(1);
		}
		kill(p.sender.pid, SIGTERM);
		EXPECT_EQ(tool_wait(&p.sender), AGENT_EXIT_INTERRUPTED);
		EXPECT_TRUE(strstr(p.sender.err, "SOURCE_ABORTED, error HOST_ABORT after the agent "
						 "asked it to abort") != NULL);
		EXPECT_EQ(tool_wait(&p.receiver), AGENT_EXIT_PEER_CLOSED);
	} else {
		test_fail_at(__FILE__, __LINE__, "could not start the agents");
	}
	EXPECT_FILE_HAS(p.src_stats, "\"outcome\": \"interrupted\"");
	pair_finish(&p);
}

/* --- Failures before any migration -------------------------------------------------------- */

TEST(agent_cli, usage_errors_exit_2)
{
	EXPECT_EXIT(AGENT_EXIT_USAGE, "unknown command '--timeout'", "--timeout", "5");
	EXPECT_EXIT(AGENT_EXIT_USAGE, "unknown option '--bogus'", "send", "--bogus");
	EXPECT_EXIT(AGENT_EXIT_USAGE, "--channels '9'", "send", "--to", "127.0.0.1:1",
		    "--memory-file", "m", "--image", "i", "--channels", "9");
	EXPECT_EXIT(AGENT_EXIT_USAGE, "--max-bandwidth 'lots'", "send", "--to", "127.0.0.1:1",
		    "--memory-file", "m", "--image", "i", "--max-bandwidth", "lots");
	EXPECT_EXIT(AGENT_EXIT_USAGE, "--to 'nowhere'", "send", "--to", "nowhere", "--memory-file",
		    "m", "--image", "i");
	EXPECT_EXIT(AGENT_EXIT_USAGE, "--timeout needs a value", "receive", "--timeout");

	struct tool_run help;
	char *const argv[] = {"svsm-migrate", "help", NULL};

	EXPECT_EQ(tool_run(argv, &help), AGENT_EXIT_OK);
	EXPECT_TRUE(strstr(help.out, "TEST ONLY") != NULL);
}

TEST(agent_cli, attach_errors_exit_3)
{
	char image[] = "/tmp/agent-cli-img-XXXXXX";
	char foreign_image[] = "/tmp/agent-cli-img-XXXXXX";
	char not_igvm[] = "/tmp/agent-cli-txt-XXXXXX";
	char small[] = "/tmp/agent-cli-small-XXXXXX";
	struct vm foreign;
	struct vm unbooted;

	ASSERT_TRUE(make_image(image, false));
	ASSERT_TRUE(make_image(foreign_image, true));
	ASSERT_TRUE(write_temp(not_igvm, "hello", 5));
	ASSERT_TRUE(write_temp(small, "tiny", 4));
	ASSERT_TRUE(vm_create(&foreign, false, MIG_STATUS_IDLE));
	ASSERT_TRUE(vm_create(&unbooted, false, MIG_STATUS_IDLE));
	memcpy(foreign.region, "NOTSVSM!", 8);

	EXPECT_EXIT(AGENT_EXIT_ATTACH, "image /nonexistent", "send", "--to", "127.0.0.1:1",
		    "--memory-file", foreign.path, "--image", "/nonexistent");
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "not a valid IGVM file", "send", "--to", "127.0.0.1:1",
		    "--memory-file", foreign.path, "--image", not_igvm);
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "not an svsm-migrate image", "send", "--to", "127.0.0.1:1",
		    "--memory-file", foreign.path, "--image", foreign_image);
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "memory file /nonexistent", "send", "--to", "127.0.0.1:1",
		    "--memory-file", "/nonexistent", "--image", image);
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "the MigrationPage region needs", "receive", "--listen",
		    "127.0.0.1:0", "--memory-file", small, "--image", image);
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "no MigrationPage control page", "send", "--to",
		    "127.0.0.1:1", "--memory-file", foreign.path, "--image", image);
	/* A VM that never publishes its control page: waits, then gives up at --timeout. */
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "magic 0x0000000000000000", "send", "--to", "127.0.0.1:1",
		    "--memory-file", unbooted.path, "--image", image, "--timeout", "1");

	/* Right magic, wrong ABI version. */
	fake_svsm_init(&foreign.svsm, foreign.region, MIG_STATUS_IDLE);
	((struct mig_control *)foreign.region)->abi_version = 2;
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "ABI version 2", "send", "--to", "127.0.0.1:1",
		    "--memory-file", foreign.path, "--image", image);
	((struct mig_control *)foreign.region)->abi_version = MIG_ABI_VERSION;
	((struct mig_control *)foreign.region)->ring_slots = 16;
	EXPECT_EXIT(AGENT_EXIT_ATTACH, "geometry", "send", "--to", "127.0.0.1:1", "--memory-file",
		    foreign.path, "--image", image);

	vm_destroy(&foreign);
	vm_destroy(&unbooted);
	unlink(image);
	unlink(foreign_image);
	unlink(not_igvm);
	unlink(small);
}

TEST(agent_cli, wrong_state_connect_and_inspect_errors)
{
	char image[] = "/tmp/agent-cli-img-XXXXXX";
	char capture[] = "/tmp/agent-cli-cap-XXXXXX";
	struct vm running;
	struct vm waiting;

	ASSERT_TRUE(make_image(image, false));
	ASSERT_TRUE(vm_create(&running, true, MIG_STATUS_IDLE));
	ASSERT_TRUE(vm_create(&waiting, true, MIG_STATUS_TARGET_WAITING));
	ASSERT_TRUE(write_temp(capture, "SVMCAPT1\2\0\0\0\0\0\0\0", 16));

	EXPECT_EXIT(AGENT_EXIT_WRONG_STATE, "not TARGET_WAITING", "receive", "--listen",
		    "127.0.0.1:0", "--memory-file", running.path, "--image", image);
	EXPECT_EXIT(AGENT_EXIT_WRONG_STATE, "send needs a running guest", "send", "--to",
		    "127.0.0.1:1", "--memory-file", waiting.path, "--image", image);
	/* Port 1 on loopback: nobody listens, so the agent retries until --timeout. */
	EXPECT_EXIT(AGENT_EXIT_CONNECT, "cannot connect to 127.0.0.1:1", "send", "--to",
		    "127.0.0.1:1", "--memory-file", running.path, "--image", image, "--timeout",
		    "1");
	EXPECT_EXIT(AGENT_EXIT_BAD_CAPTURE, "unsupported capture version", "inspect", capture);
	EXPECT_EXIT(AGENT_EXIT_BAD_CAPTURE, "/nonexistent.cap", "inspect", "/nonexistent.cap");
	/* Nothing was started: the running VM's control page has no command. */
	EXPECT_EQ(((struct mig_control *)running.region)->host.command_seq, 0U);
	/* A command the SVSM never took is not overwritten. */
	((struct mig_control *)running.region)->host.command_seq = 7;
	EXPECT_EXIT(AGENT_EXIT_WRONG_STATE, "has not taken the host's previous command", "send",
		    "--to", "127.0.0.1:1", "--memory-file", running.path, "--image", image);
	EXPECT_EQ(((struct mig_control *)running.region)->host.command_seq, 7U);

	vm_destroy(&running);
	vm_destroy(&waiting);
	unlink(image);
	unlink(capture);
}
