/* SPDX-License-Identifier: MIT */
/*
 * The real guest payload (build/guest/guest.elf) run on the host. The ELF is loaded at its link
 * address; a thread calls guest_entry() with an info block in ordinary memory (guest memory is
 * identity mapped, so addresses here are the payload's GPAs). Linux syscall user dispatch turns
 * each `syscall` the payload makes into SIGSYS with every register intact; the handler plays the
 * SVSM (PVALIDATE, LOG), and SVSM_LOG_IDLE ends the run with siglongjmp.
 */
#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "svsm/guest_abi.h"
#include "svsm/layout.h"
#include "svsm/protocol.h"
#include "svsm/test.h"
#include "svsm/types.h"
#include "svsm/workload.h"

#ifndef GUEST_ELF_PATH
#error "the build passes the payload's path in GUEST_ELF_PATH"
#endif

#define WINDOW_END    (LAYOUT_GUEST_PAYLOAD_GPA + LAYOUT_GUEST_PAYLOAD_MAX)
#define USER_TOP      (1ULL << 47)
#define LOG_CAPACITY  4096U
#define MAX_PAGES     1024U
#define RUN_TIMEOUT_S 20

typedef void (*guest_entry_fn)(struct guest_vcpu_info *info);

/* How the emulated SVSM answers PVALIDATE. */
struct pvalidate_behaviour {
	unsigned max_entries_per_call; /* 0: all; otherwise stop early after this many */
	bool early_stop_is_success;    /* stop early with SVSM_SUCCESS instead of INCOMPLETE */
	bool never_progress;	       /* answer INCOMPLETE without doing anything */
	uint64_t fail_with;	       /* non-zero: every call fails with this result */
};

struct harness {
	struct guest_vcpu_info *info;
	uint8_t *pvalidate_page;
	uint8_t *region;
	uint64_t region_size;
	struct pvalidate_behaviour pvalidate;
	bool log_write_fails;
	/* What the SVSM saw. */
	bool validated[MAX_PAGES];
	unsigned pvalidate_calls;
	unsigned reports;
	uint64_t report_value;
	uint64_t report_checksum;
	char log[LOG_CAPACITY];
	size_t log_len;
	/* How the run ended. */
	bool dispatch_unavailable;
	bool idled;
	bool faulted;
	sigjmp_buf exit_jmp;
};

static struct harness h;
static guest_entry_fn guest_entry;

/* --- Loading the payload --------------------------------------------------------------------- */

static bool segment_fits_window(const Elf64_Phdr *ph)
{
	return ph->p_vaddr >= LAYOUT_GUEST_PAYLOAD_GPA && ph->p_memsz <= LAYOUT_GUEST_PAYLOAD_MAX &&
	       ph->p_vaddr - LAYOUT_GUEST_PAYLOAD_GPA <= LAYOUT_GUEST_PAYLOAD_MAX - ph->p_memsz &&
	       ph->p_filesz <= ph->p_memsz;
}

static bool copy_segments(const uint8_t *file, size_t size, uint8_t *window)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD) {
			continue;
		}
		if (!segment_fits_window(ph) || ph->p_offset > size ||
		    ph->p_filesz > size - ph->p_offset) {
			test_log("guest.elf: PT_LOAD %u outside the payload window\n", i);
			return false;
		}
		memcpy(window + (ph->p_vaddr - LAYOUT_GUEST_PAYLOAD_GPA), file + ph->p_offset,
		       ph->p_filesz);
	}
	return true;
}

static bool elf_header_ok(const uint8_t *file, size_t size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;

	return size >= sizeof(*eh) && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_machine == EM_X86_64 &&
	       eh->e_type == ET_EXEC && eh->e_phentsize == sizeof(Elf64_Phdr) &&
	       eh->e_phoff <= size && eh->e_phnum <= (size - eh->e_phoff) / sizeof(Elf64_Phdr) &&
	       eh->e_entry >= LAYOUT_GUEST_PAYLOAD_GPA && eh->e_entry < WINDOW_END;
}

static bool load_guest(void)
{
	static uint8_t file[LAYOUT_GUEST_PAYLOAD_MAX + 65536];
	FILE *f;
	size_t size;
	void *window;

	if (guest_entry != NULL) {
		return true;
	}
	f = fopen(GUEST_ELF_PATH, "rb");
	if (f == NULL) {
		test_log("cannot open %s: %s\n", GUEST_ELF_PATH, strerror(errno));
		return false;
	}
	size = fread(file, 1, sizeof(file), f);
	fclose(f);
	if (!elf_header_ok(file, size)) {
		test_log("%s is not an x86-64 ELF executable for the payload window\n",
			 GUEST_ELF_PATH);
		return false;
	}
	window = mmap((void *)LAYOUT_GUEST_PAYLOAD_GPA, LAYOUT_GUEST_PAYLOAD_MAX,
		      PROT_READ | PROT_WRITE | PROT_EXEC,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (window != (void *)LAYOUT_GUEST_PAYLOAD_GPA) {
		test_log("cannot map the payload window: %s\n", strerror(errno));
		return false;
	}
	if (!copy_segments(file, size, window)) {
		return false;
	}
	guest_entry = (guest_entry_fn)va_ptr(va_init(((const Elf64_Ehdr *)file)->e_entry));
	return true;
}

/* --- The emulated SVSM ------------------------------------------------------------------------ */

static uint64_t pvalidate_entry(uint64_t entry)
{
	uint64_t gpa = entry & ~PAGE_MASK;
	uint64_t region = (uint64_t)(uintptr_t)h.region;
	uint64_t page;

	if ((entry & (SVSM_PVALIDATE_SIZE_MASK | SVSM_PVALIDATE_RESERVED_MASK)) != 0 ||
	    (entry & SVSM_PVALIDATE_VALIDATE) == 0) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	if (gpa < region || gpa - region >= h.region_size) {
		return SVSM_PVALIDATE_FAIL_INPUT;
	}
	page = (gpa - region) / PAGE_SIZE;
	if (h.validated[page]) {
		return SVSM_PVALIDATE_FAIL_UNCHANGED;
	}
	/* As the real SVSM: a freshly validated page reads as zeros. */
	memset(h.region + page * PAGE_SIZE, 0, PAGE_SIZE);
	h.validated[page] = true;
	return SVSM_SUCCESS;
}

static uint64_t emulate_pvalidate(uint64_t request_gpa)
{
	struct svsm_pvalidate_header *header = va_ptr(va_init(request_gpa));
	const uint64_t *entries = (const uint64_t *)(header + 1);
	unsigned processed = 0;

	h.pvalidate_calls++;
	if (request_gpa != (uint64_t)(uintptr_t)h.pvalidate_page) {
		return SVSM_ERR_INVALID_ADDRESS;
	}
	if (h.pvalidate.fail_with != 0) {
		return h.pvalidate.fail_with;
	}
	if (h.pvalidate.never_progress) {
		return SVSM_ERR_INCOMPLETE;
	}
	if (header->entries > SVSM_PVALIDATE_MAX_ENTRIES(0) || header->next > header->entries) {
		return SVSM_ERR_INVALID_PARAMETER;
	}
	while (header->next < header->entries) {
		uint64_t result;

		if (h.pvalidate.max_entries_per_call != 0 &&
		    processed == h.pvalidate.max_entries_per_call) {
			return h.pvalidate.early_stop_is_success ? SVSM_SUCCESS
								 : SVSM_ERR_INCOMPLETE;
		}
		result = pvalidate_entry(entries[header->next]);
		if (result != SVSM_SUCCESS) {
			return result;
		}
		header->next++;
		processed++;
	}
	return SVSM_SUCCESS;
}

static uint64_t emulate_log(uint32_t call, uint64_t rcx, uint64_t rdx)
{
	switch (call) {
	case SVSM_LOG_WRITE:
		if (h.log_write_fails) {
			h.log_write_fails = false;
			return SVSM_ERR_BUSY;
		}
		if (rdx > SVSM_LOG_MAX || h.log_len + rdx + 1 >= LOG_CAPACITY) {
			return SVSM_ERR_INVALID_PARAMETER;
		}
		memcpy(h.log + h.log_len, va_ptr(va_init(rcx)), rdx);
		h.log_len += rdx;
		h.log[h.log_len++] = '\n';
		h.log[h.log_len] = '\0';
		return SVSM_SUCCESS;
	case SVSM_LOG_REPORT:
		h.reports++;
		h.report_value = rcx;
		h.report_checksum = rdx;
		return SVSM_SUCCESS;
	case SVSM_LOG_IDLE:
		h.idled = true;
		siglongjmp(h.exit_jmp, 1);
	}
	return SVSM_ERR_UNSUPPORTED_CALL;
}

static void on_sigsys(int sig, siginfo_t *si, void *context)
{
	greg_t *regs = ((ucontext_t *)context)->uc_mcontext.gregs;
	uint64_t rax = (uint64_t)regs[REG_RAX];
	uint64_t rcx_arg = (uint64_t)regs[REG_R10];
	uint64_t rdx_arg = (uint64_t)regs[REG_RDX];
	uint64_t result = SVSM_ERR_UNSUPPORTED_PROTOCOL;

	(void)sig;
	(void)si;
	if ((rax >> 32) == SVSM_PROTOCOL_LOG) {
		result = emulate_log((uint32_t)rax, rcx_arg, rdx_arg);
	} else if ((rax >> 32) == SVSM_PROTOCOL_CORE && (uint32_t)rax == SVSM_CORE_PVALIDATE) {
		result = emulate_pvalidate(rcx_arg);
	}
	regs[REG_RAX] = (greg_t)result;
	/* SYSCALL leaves these clobbered; a payload that relied on them would break here. */
	regs[REG_RCX] = (greg_t)0xdeadbeefdeadbeefULL;
	regs[REG_R11] = (greg_t)0xdeadbeefdeadbeefULL;
}

/* Faults (TOUCH) and the stop request (WRITE_PROBE) both end the run. */
static void on_stop_signal(int sig, siginfo_t *si, void *context)
{
	(void)si;
	(void)context;
	if (sig == SIGSEGV) {
		h.faulted = true;
	}
	siglongjmp(h.exit_jmp, 1);
}

static bool install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_sigsys;
	if (sigaction(SIGSYS, &sa, NULL) != 0) {
		return false;
	}
	sa.sa_sigaction = on_stop_signal;
	return sigaction(SIGSEGV, &sa, NULL) == 0 && sigaction(SIGUSR1, &sa, NULL) == 0;
}

static void *guest_thread(void *arg)
{
	(void)arg;
	if (sigsetjmp(h.exit_jmp, 1) != 0) {
		return NULL;
	}
	/* Syscalls from anywhere below the host's own code (the payload window) raise SIGSYS. */
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, WINDOW_END,
		  USER_TOP - WINDOW_END, 0) != 0) {
		test_log("syscall user dispatch unavailable: %s\n", strerror(errno));
		h.dispatch_unavailable = true;
		return NULL;
	}
	guest_entry(h.info);
	return NULL;
}

/* --- Test set-up ------------------------------------------------------------------------------ */

static void *map_pages(uint64_t bytes, int prot)
{
	void *p = mmap(NULL, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static bool harness_setup(uint32_t action, uint64_t region_size)
{
	static bool handlers_installed;

	if (!load_guest()) {
		return false;
	}
	if (!handlers_installed && !install_handlers()) {
		return false;
	}
	handlers_installed = true;
	memset(&h, 0, sizeof(h));
	h.info = map_pages(PAGE_SIZE, PROT_READ | PROT_WRITE);
	h.pvalidate_page = map_pages(PAGE_SIZE, PROT_READ | PROT_WRITE);
	h.region_size = region_size;
	h.region = map_pages(region_size, PROT_READ | PROT_WRITE);
	if (h.info == NULL || h.pvalidate_page == NULL || h.region == NULL ||
	    region_size > MAX_PAGES * PAGE_SIZE) {
		return false;
	}
	/* Stale data the payload must never see: validation zeroes it. */
	memset(h.region, 0xAA, region_size);
	*h.info = (struct guest_vcpu_info){
	    .magic = GUEST_INFO_MAGIC,
	    .vcpu_index = 3,
	    .vcpu_count = 4,
	    .region_gpa = (uint64_t)(uintptr_t)h.region,
	    .region_size = region_size,
	    .seed = 0x5eed,
	    .pvalidate_gpa = (uint64_t)(uintptr_t)h.pvalidate_page,
	    .action = action,
	};
	return true;
}

static void harness_teardown(void)
{
	munmap(h.info, PAGE_SIZE);
	munmap(h.pvalidate_page, PAGE_SIZE);
	munmap(h.region, h.region_size);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Stops the payload thread wherever it is (SIGUSR1 unwinds it with siglongjmp). */
static void stop_guest(pthread_t thread)
{
	pthread_kill(thread, SIGUSR1);
	pthread_join(thread, NULL);
}

/* Runs the payload until it idles or faults, or until its heartbeat reaches stop_at_heartbeat
 * (0: no such stop). False if it had to be stopped after RUN_TIMEOUT_S. */
static bool run_guest(uint64_t stop_at_heartbeat)
{
	const uint64_t deadline = now_ns() + RUN_TIMEOUT_S * 1000000000ULL;
	pthread_t thread;

	if (pthread_create(&thread, NULL, guest_thread, NULL) != 0) {
		return false;
	}
	for (;;) {
		if (pthread_tryjoin_np(thread, NULL) == 0) {
			return !h.dispatch_unavailable;
		}
		if (stop_at_heartbeat != 0 && h.info->heartbeat >= stop_at_heartbeat) {
			stop_guest(thread);
			return true;
		}
		if (now_ns() > deadline) {
			test_log("payload still running after %d s: stopping it\n", RUN_TIMEOUT_S);
			stop_guest(thread);
			return false;
		}
		usleep(100);
	}
}

static bool all_pages_validated(void)
{
	for (uint64_t i = 0; i < h.region_size / PAGE_SIZE; i++) {
		if (!h.validated[i]) {
			return false;
		}
	}
	return true;
}

static bool log_contains(const char *text)
{
	return strstr(h.log, text) != NULL;
}

/* --- Tests ------------------------------------------------------------------------------------ */

TEST(workload_guest, workload_reports_the_replayed_checksum)
{
	static uint64_t replayed[16 * PAGE_SIZE / sizeof(uint64_t)];
	const uint64_t size = sizeof(replayed);
	uint64_t expected;

	ASSERT_TRUE(harness_setup(GUEST_ACTION_WORKLOAD, size));
	h.info->max_steps = 30000;
	ASSERT_TRUE(run_guest(0));
	expected = workload_replay(0x5eed, 30000, replayed, size / sizeof(uint64_t));
	EXPECT_TRUE(h.idled);
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_DONE);
	EXPECT_EQ(h.info->heartbeat, 30000ULL);
	EXPECT_EQ(h.info->checksum, expected);
	EXPECT_EQ(h.reports, 1U);
	EXPECT_EQ(h.report_value, 30000ULL);
	EXPECT_EQ(h.report_checksum, expected);
	EXPECT_MEMEQ(h.region, replayed, size);
	EXPECT_TRUE(all_pages_validated());
	EXPECT_TRUE(log_contains("vcpu 3: action workload"));
	harness_teardown();
}

TEST(workload_guest, pvalidate_resumes_after_incomplete)
{
	/* 700 pages: two requests (511 + 189), each cut short every 100 entries. */
	ASSERT_TRUE(harness_setup(GUEST_ACTION_PVALIDATE, 700 * PAGE_SIZE));
	h.pvalidate.max_entries_per_call = 100;
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_VALIDATED);
	EXPECT_TRUE(all_pages_validated());
	EXPECT_EQ(h.pvalidate_calls, 6U + 2U);
	EXPECT_EQ(h.reports, 1U);
	EXPECT_EQ(h.report_value, 700ULL);
	EXPECT_EQ(h.report_checksum, 0ULL);
	EXPECT_TRUE(h.idled);
	harness_teardown();
}

TEST(workload_guest, pvalidate_resumes_after_partial_success)
{
	ASSERT_TRUE(harness_setup(GUEST_ACTION_PVALIDATE, 600 * PAGE_SIZE));
	h.pvalidate.max_entries_per_call = 250;
	h.pvalidate.early_stop_is_success = true;
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_VALIDATED);
	EXPECT_TRUE(all_pages_validated());
	EXPECT_EQ(h.pvalidate_calls, 3U + 1U);
	EXPECT_EQ(h.report_value, 600ULL);
	harness_teardown();
}

TEST(workload_guest, pvalidate_error_fails_the_vcpu)
{
	ASSERT_TRUE(harness_setup(GUEST_ACTION_WORKLOAD, 4 * PAGE_SIZE));
	h.pvalidate.fail_with = SVSM_PVALIDATE_FAIL_INPUT;
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_FAILED);
	EXPECT_EQ(h.reports, 0U);
	EXPECT_EQ(h.info->heartbeat, 0ULL);
	EXPECT_TRUE(log_contains("vcpu 3: pvalidate failed: 0x0000000080001001"));
	EXPECT_TRUE(h.idled);
	harness_teardown();
}

TEST(workload_guest, pvalidate_without_progress_gives_up)
{
	ASSERT_TRUE(harness_setup(GUEST_ACTION_PVALIDATE, 4 * PAGE_SIZE));
	/* An SVSM that says "incomplete" but never advances `next`: the payload must not spin. */
	h.pvalidate.never_progress = true;
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_FAILED);
	EXPECT_TRUE(log_contains("pvalidate failed: 0x0000000080000000"));
	EXPECT_GT(h.pvalidate_calls, 1U);
	EXPECT_LE(h.pvalidate_calls, 1000U);
	EXPECT_EQ(h.reports, 0U);
	harness_teardown();
}

TEST(workload_guest, touch_of_readable_memory_is_reported)
{
	uint8_t *probe = map_pages(PAGE_SIZE, PROT_READ);

	ASSERT_TRUE(probe != NULL);
	ASSERT_TRUE(harness_setup(GUEST_ACTION_TOUCH, PAGE_SIZE));
	h.info->probe_gpa = (uint64_t)(uintptr_t)probe;
	ASSERT_TRUE(run_guest(0));
	EXPECT_FALSE(h.faulted);
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_FAILED);
	EXPECT_TRUE(log_contains("vcpu 3: action touch"));
	EXPECT_TRUE(log_contains("touch probe (read did not fault) failed"));
	munmap(probe, PAGE_SIZE);
	harness_teardown();
}

TEST(workload_guest, touch_of_protected_memory_faults)
{
	uint8_t *probe = map_pages(PAGE_SIZE, PROT_NONE);

	ASSERT_TRUE(probe != NULL);
	ASSERT_TRUE(harness_setup(GUEST_ACTION_TOUCH, PAGE_SIZE));
	h.info->probe_gpa = (uint64_t)(uintptr_t)probe;
	ASSERT_TRUE(run_guest(0));
	EXPECT_TRUE(h.faulted);
	EXPECT_FALSE(h.idled);
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_BOOTING);
	munmap(probe, PAGE_SIZE);
	harness_teardown();
}

TEST(workload_guest, write_probe_counts_up)
{
	uint64_t *probe = map_pages(PAGE_SIZE, PROT_READ | PROT_WRITE);

	ASSERT_TRUE(probe != NULL);
	ASSERT_TRUE(harness_setup(GUEST_ACTION_WRITE_PROBE, PAGE_SIZE));
	h.info->probe_gpa = (uint64_t)(uintptr_t)probe;
	ASSERT_TRUE(run_guest(100000));
	EXPECT_GE(h.info->heartbeat, 100000ULL);
	/* The probe is written before the heartbeat, so it is equal or one ahead. */
	EXPECT_GE(probe[0], h.info->heartbeat);
	EXPECT_LE(probe[0], h.info->heartbeat + 1);
	EXPECT_TRUE(log_contains("vcpu 3: action write-probe"));
	munmap(probe, PAGE_SIZE);
	harness_teardown();
}

static uint64_t rdtsc(void)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t measure_tsc_per_ms(void)
{
	uint64_t t0 = now_ns();
	uint64_t c0 = rdtsc();

	usleep(20000);
	return (rdtsc() - c0) * 1000000ULL / (now_ns() - t0);
}

TEST(workload_guest, rate_limit_spreads_steps_over_time)
{
	uint64_t start;
	uint64_t elapsed_ms;

	ASSERT_TRUE(harness_setup(GUEST_ACTION_WORKLOAD, PAGE_SIZE));
	h.info->tsc_per_ms = measure_tsc_per_ms();
	h.info->writes_per_ms = 50;
	h.info->max_steps = 300;
	start = now_ns();
	ASSERT_TRUE(run_guest(0));
	elapsed_ms = (now_ns() - start) / 1000000ULL;
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_DONE);
	/* 300 steps at 50 per window: the first window is free, five more must pass. */
	EXPECT_GE(elapsed_ms, 4ULL);
	harness_teardown();
}

TEST(workload_guest, failed_log_write_fails_the_vcpu)
{
	ASSERT_TRUE(harness_setup(GUEST_ACTION_WORKLOAD, PAGE_SIZE));
	h.log_write_fails = true;
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_FAILED);
	EXPECT_TRUE(log_contains("vcpu 3: log write failed: 0x0000000080000007"));
	EXPECT_EQ(h.pvalidate_calls, 0U);
	harness_teardown();
}

TEST(workload_guest, bad_input_fails_cleanly)
{
	ASSERT_TRUE(harness_setup(GUEST_ACTION_WORKLOAD, PAGE_SIZE));
	h.info->magic = 0;
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_FAILED);
	EXPECT_TRUE(log_contains("info magic check failed"));
	harness_teardown();

	ASSERT_TRUE(harness_setup(77, PAGE_SIZE));
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_FAILED);
	EXPECT_TRUE(log_contains("vcpu 3: action unknown"));
	EXPECT_TRUE(log_contains("unknown action failed: 0x000000000000004d"));
	harness_teardown();

	ASSERT_TRUE(harness_setup(GUEST_ACTION_WORKLOAD, 2 * PAGE_SIZE));
	h.info->region_size = PAGE_SIZE + 8;
	ASSERT_TRUE(run_guest(0));
	EXPECT_EQ(h.info->state, (uint32_t)GUEST_STATE_FAILED);
	EXPECT_TRUE(log_contains("region check failed"));
	EXPECT_EQ(h.pvalidate_calls, 0U);
	harness_teardown();
}
